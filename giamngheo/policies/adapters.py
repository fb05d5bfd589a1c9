"""From the registry to the eligibility rules: households as ``eligibility.Household`` on a date.

``households_facts`` loads households in a fixed number of queries (the coverage refresh, recording and
the household card use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from giamngheo.core.bulk import chunks
from giamngheo.geo.models import URBAN_DIVISION_TYPES, Area, AreaLevel
from giamngheo.geo.selectors import especially_difficult_ids, poor_commune_ids
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import Category, is_ethnic_minority
from giamngheo.poverty.ages import age_on
from giamngheo.reviews.models import (
    Assessment,
    CommuneReview,
    Movement,
    RegularRequest,
    RequestKind,
    RequestStatus,
)

from . import eligibility
from .events import household_events
from .models import RequestStatus as SupportRequestStatus
from .models import SupportRecord, SupportRequest

LEFT: dict[str, str] = {Movement.ESCAPED_POVERTY: "poor", Movement.ESCAPED_NEAR_POVERTY: "near_poor"}


@dataclass(frozen=True)
class HouseholdFacts:
    id: int
    commune_id: int
    village_id: int | None
    member_ids: tuple[int, ...]  # in the order of ``facts.members``
    facts: eligibility.Household


def _left(ids: list[int]) -> dict[int, tuple[str, dt.date]]:
    """The category each household last left and when: the review's movements (dated by the commune's
    recognition decision of that round) and approved in-year escape requests (dated by their decision)."""
    left: dict[int, tuple[str, dt.date, int]] = {}
    for chunk in chunks(ids):
        for household_id, movement, year, since in (
            Assessment.objects.filter(household_id__in=chunk, movement__in=list(LEFT))
            .annotate(
                decided=Subquery(
                    CommuneReview.objects.filter(
                        round_id=OuterRef("round_id"), commune_id=OuterRef("commune_id")
                    ).values("decision_date")[:1]
                )
            )
            .order_by("round__year")
            .values_list("household_id", "movement", "round__year", "decided")
        ):
            stamp = since or dt.date(year, 12, 31)  # a round without its decision date: the year's end
            left[household_id] = (LEFT[movement], stamp, stamp.toordinal())
        for household_id, decided_on, category in (
            RegularRequest.objects.filter(
                household_id__in=chunk, kind=RequestKind.ESCAPE, status=RequestStatus.APPROVED
            )
            .exclude(decided_on=None)
            .order_by("decided_on")
            .values_list("household_id", "decided_on", "household__category")
        ):
            previous = left.get(household_id)
            if decided_on is None:
                continue
            if previous is None or decided_on.toordinal() >= previous[2]:
                gone = "poor" if category == Category.NEAR_POOR else "near_poor"
                left[household_id] = (gone, decided_on, decided_on.toordinal())
    return {k: (v[0], v[1]) for k, v in left.items()}


def _rural(area_ids: Collection[int]) -> dict[int, bool]:
    """Whether each commune or village is rural (``Area.is_urban``: an override, else the unit's type; a
    village without an override follows its commune)."""
    out: dict[int, bool] = {}
    for chunk in chunks(sorted(area_ids)):
        for pk, level, override, division in Area.objects.filter(pk__in=chunk).values_list(
            "pk", "level", "urban_override", "division_type"
        ):
            if override is not None:
                out[pk] = not override
            elif level != AreaLevel.VILLAGE:
                out[pk] = division not in URBAN_DIVISION_TYPES
    return out


def requests_on(ids: list[int], on: dt.date) -> dict[int, set[str]]:
    """The codes of the policies each household has a request for that stands on ``on``
    (``request_stands``), or that it was given in the year of ``on`` up to ``on`` (the support answered a
    request, recorded or not)."""
    out: dict[int, set[str]] = {}
    for chunk in chunks(ids):
        for household_id, code, status, requested, decided in SupportRequest.objects.filter(
            household_id__in=chunk, requested_on__lte=on
        ).values_list("household_id", "policy__code", "status", "requested_on", "decided_on"):
            if request_stands(status, requested, decided, on):
                out.setdefault(household_id, set()).add(code)
        for household_id, code in (
            SupportRecord.objects.filter(
                household_id__in=chunk, cancelled_at=None, date__lte=on, date__year=on.year
            )
            .values_list("household_id", "policy__code")
            .distinct()
        ):
            out.setdefault(household_id, set()).add(code)
    return out


def request_stands(status: str, requested: dt.date, decided: dt.date | None, on: dt.date) -> bool:
    """Whether a request (its status, request and decision dates) counts on ``on``: from the day it was
    made until it is refused or withdrawn; an approved one until the end of the year of its decision."""
    if requested > on:
        return False
    if status == SupportRequestStatus.REQUESTED:
        return True
    if status == SupportRequestStatus.APPROVED:
        return on.year <= (decided or requested).year
    return decided is not None and decided > on  # refused or withdrawn later


def households_facts(ids: Collection[int], *, on: dt.date) -> dict[int, HouseholdFacts]:
    """Eligibility facts of the active households among ``ids`` on ``on``: a fixed number of queries
    (per thousand households), plus those of the registered event sources."""
    id_list = sorted(set(ids))
    difficult = especially_difficult_ids(year=on.year)
    poor = poor_commune_ids(year=on.year)
    rows: list[tuple[int, str, int, int | None]] = []
    for chunk in chunks(id_list):
        rows.extend(
            Household.objects.filter(pk__in=chunk, is_active=True).values_list(
                "id", "category", "commune_id", "village_id"
            )
        )
    members: dict[int, list[tuple[int, eligibility.Member]]] = {}
    for chunk in chunks([r[0] for r in rows]):
        for pk, household_id, born, in_education, disabled, ethnic, sex in (
            Member.objects.filter(household_id__in=chunk, is_active=True)
            .order_by("household_id", "date_of_birth", "pk")
            .values_list(
                "pk", "household_id", "date_of_birth", "in_education", "disabled", "ethnic_group", "sex"
            )
        ):
            members.setdefault(household_id, []).append(
                (
                    pk,
                    eligibility.Member(
                        age=age_on(born, on),
                        in_education=in_education,
                        disabled=disabled is True,  # not known: no entitlement can rest on it
                        ethnic_minority=is_ethnic_minority(ethnic),
                        sex=sex,
                    ),
                )
            )
    found = [r[0] for r in rows]
    left = _left(found)
    rural = _rural({r[2] for r in rows} | {r[3] for r in rows if r[3] is not None})
    events = household_events(found, on)
    requests = requests_on(found, on)
    out = {}
    for pk, category, commune_id, village_id in rows:
        own = members.get(pk, [])
        gone, gone_on = left.get(pk, ("", None))
        place_rural = rural[village_id] if village_id in rural else rural.get(commune_id)
        out[pk] = HouseholdFacts(
            id=pk,
            commune_id=commune_id,
            village_id=village_id,
            member_ids=tuple(m[0] for m in own),
            facts=eligibility.Household(
                category=category,
                members=tuple(m[1] for m in own),
                left_category=gone,
                left_on=gone_on,
                difficult_commune=commune_id in difficult,
                difficult_village=village_id in difficult,
                poor_commune=commune_id in poor,
                rural=place_rural,
                events=events.get(pk, frozenset()),
                requests=frozenset(requests.get(pk, ())),
            ),
        )
    return out


def escaped_q(escaped: Collection[str]) -> Q:
    """Households that ever left one of the categories ``escaped`` (by the review or an in-year decision):
    the candidates of the rules' "newly escaped" conditions, a filter for ``Household``."""
    return Q(
        pk__in=Assessment.objects.filter(movement__in=[m for m, c in LEFT.items() if c in escaped]).values(
            "household_id"
        )
    ) | Q(
        pk__in=RegularRequest.objects.filter(kind=RequestKind.ESCAPE, status=RequestStatus.APPROVED).values(
            "household_id"
        )
    )
