"""Reads behind the official tables, always scoped to the user through ``accounts.scoping``.

The summary and the Circular 07 tables read only ``AreaSummary`` (pre-aggregated per round and area by
``reviews.figures``), never the registry. The named lists of a frozen commune read ``RoundHousehold``
(the frozen lists); of a commune still open, ``Household`` (poor, near-poor: the recognised category in
the registry, index ``(commune, category)``) or ``Assessment`` (movements of the round), one page at a
time on screen and with an iterator for the Excel export.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.errors import NotFound
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member

from .models import AreaSummary, Assessment, CommuneReview, ReviewRound, RoundHousehold


def round_list(*, user: User) -> QuerySet[ReviewRound]:
    """Review rounds of the provinces the user sees in whole or in part, newest first."""
    visible_below = Area.objects.filter(area_q(user), path__startswith=OuterRef("province__path"))
    return (
        ReviewRound.objects.filter(Exists(visible_below))
        .select_related("province")
        .order_by("-year", "province__path")
    )


def round_for_year(*, user: User, year: int | None) -> ReviewRound | None:
    """The round of ``year`` (the latest one when ``year`` is None) if the user may see it."""
    rounds = round_list(user=user)
    if year is not None:
        rounds = rounds.filter(year=year)
    return rounds.first()


def summary_rows(*, user: User, review_round: ReviewRound) -> QuerySet[AreaSummary]:
    """One pre-aggregated row per commune (ward, special zone) of the round that the user may see."""
    return (
        AreaSummary.objects.filter(
            area_q(user, "area__path"), round=review_round, area__level=AreaLevel.COMMUNE
        )
        .select_related("area")
        .order_by("area__code")
    )


def province_total(*, user: User, review_round: ReviewRound) -> AreaSummary | None:
    """The province's own row (the total of all its communes), only for users whose scope covers the
    province itself: ``area_q`` is applied to the province row, so a commune officer gets ``None``."""
    return (
        AreaSummary.objects.filter(
            area_q(user, "area__path"), round=review_round, area_id=review_round.province_id
        )
        .select_related("area")
        .first()
    )


def covers_province(*, user: User, review_round: ReviewRound) -> bool:
    """Whether the user's scope covers the round's province as a whole (not only some communes)."""
    return Area.objects.filter(area_q(user), pk=review_round.province_id).exists()


def commune_choices(*, user: User, review_round: ReviewRound) -> QuerySet[Area]:
    """Communes of the round's province that the user may see (to filter a list by commune)."""
    return Area.objects.filter(
        area_q(user),
        level=AreaLevel.COMMUNE,
        is_active=True,
        path__startswith=review_round.province.path,
    ).order_by("name_folded", "code")


def access_commune(*, user: User, review_round: ReviewRound, commune_id: int) -> Area:
    """A commune of the round's province that the user may see; otherwise ``NotFound`` (same for both)."""
    commune = commune_choices(user=user, review_round=review_round).filter(pk=commune_id).first()
    if commune is None:
        raise NotFound("commune")
    return commune


def _member_count(household_ref: str) -> Coalesce:
    members = (
        Member.objects.filter(household_id=OuterRef(household_ref), is_active=True)
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def frozen_communes(*, user: User, review_round: ReviewRound) -> set[int]:
    """Ids of the visible communes whose figures and lists are frozen in the round."""
    return set(
        CommuneReview.objects.filter(
            area_q(user, "commune__path"), round=review_round, frozen_at__isnull=False
        ).values_list("commune_id", flat=True)
    )


def frozen_households(
    *, user: User, review_round: ReviewRound, q: Q, commune: Area | None = None
) -> QuerySet[RoundHousehold]:
    """The frozen lists of the round (``RoundHousehold``) matching ``q``, scoped to the user."""
    qs = RoundHousehold.objects.filter(area_q(user, "commune__path"), q, round=review_round)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.select_related("commune").order_by("commune__code", "village_name", "code")


def registry_households(
    *,
    user: User,
    review_round: ReviewRound,
    category: str,
    commune: Area | None = None,
    exclude_communes: set[int] | None = None,
) -> QuerySet[Household]:
    """Active households of the round's province with the recognised ``category`` (as counted in the
    "end of year" columns of the summary), with ``member_count``."""
    qs = Household.objects.filter(
        area_q(user, "commune__path"),
        commune__path__startswith=review_round.province.path,
        is_active=True,
        category=category,
    )
    if commune is not None:
        qs = qs.filter(commune=commune)
    if exclude_communes:
        qs = qs.exclude(commune_id__in=exclude_communes)
    return (
        qs.select_related("commune", "village")
        .annotate(member_count=_member_count("pk"))
        .order_by("commune__code", "village__code", "code")
    )


def movement_assessments(
    *,
    user: User,
    review_round: ReviewRound,
    movements: tuple[str, ...],
    commune: Area | None = None,
    exclude_communes: set[int] | None = None,
) -> QuerySet[Assessment]:
    """Assessments of the round with one of ``movements`` (escaped, newly poor, fallen back…), with the
    household and its ``member_count``."""
    qs = Assessment.objects.filter(area_q(user, "commune__path"), round=review_round, movement__in=movements)
    if commune is not None:
        qs = qs.filter(commune=commune)
    if exclude_communes:
        qs = qs.exclude(commune_id__in=exclude_communes)
    return (
        qs.select_related("commune", "household", "household__village")
        .annotate(member_count=_member_count("household_id"))
        .order_by("commune__code", "household__village__code", "household__code")
    )


def decision_dates(*, user: User, review_round: ReviewRound) -> dict[int, dt.date]:
    """Date of each visible commune's recognition decision in the round (commune id -> date)."""
    rows = CommuneReview.objects.filter(
        area_q(user, "commune__path"), round=review_round, decision_date__isnull=False
    ).values_list("commune_id", "decision_date")
    return {commune_id: day for commune_id, day in rows if day is not None}
