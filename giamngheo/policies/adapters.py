"""From the registry to the eligibility rules: a household as ``eligibility.Household`` on a date."""

from __future__ import annotations

import datetime as dt

from giamngheo.geo.selectors import especially_difficult_ids
from giamngheo.households.engine import age_on
from giamngheo.households.models import Household
from giamngheo.households.reference import is_ethnic_minority
from giamngheo.reviews.models import Assessment, Movement

from . import eligibility

LEFT: dict[str, str] = {Movement.ESCAPED_POVERTY: "poor", Movement.ESCAPED_NEAR_POVERTY: "near_poor"}


def eligibility_household(household: Household, *, on: dt.date) -> eligibility.Household:
    """The household's recognised category, the category it last left (by the review's movement, dated by
    the decision that recognised its current category), its active members and its ĐBKK flags on ``on``."""
    movement = (
        Assessment.objects.filter(household=household, movement__in=list(LEFT))
        .order_by("-round__year")
        .values_list("movement", flat=True)
        .first()
    )
    difficult = especially_difficult_ids(year=on.year)
    members = tuple(
        eligibility.Member(
            age=age_on(m.date_of_birth, on),
            in_education=m.in_education,
            disabled=m.disabled,
            ethnic_minority=is_ethnic_minority(m.ethnic_group),
        )
        for m in household.members.filter(is_active=True).order_by("date_of_birth", "pk")
    )
    return eligibility.Household(
        category=household.category,
        members=members,
        left_category=LEFT.get(movement, "") if movement else "",
        left_on=household.category_since if movement else None,
        difficult_commune=household.commune_id in difficult,
        difficult_village=household.village_id in difficult,
    )
