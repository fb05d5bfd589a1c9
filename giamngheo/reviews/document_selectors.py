"""Reads behind the review's documents (the village meeting minutes, the commune's recognition decision and
its attached lists), scoped to the user through the access selectors of ``reviews.selectors``.

Everything here reads one commune review the user may see; no household outside it is ever read. The lists
of a frozen commune take the persons, names and villages of its frozen households (``RoundHousehold``), so
a decision downloaded years later prints what was decided.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.errors import NotFound
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.reference import ethnic_group_name
from giamngheo.poverty.standard import Standard, StandardError, get_standard, standard_for

from .models import (
    Assessment,
    AssessmentStatus,
    CommuneReview,
    Movement,
    RoundHousehold,
    VillageMeeting,
)
from .selectors import AGREED_STATUSES, assessment_list

ESCAPED_POVERTY = (Movement.ESCAPED_POVERTY, Movement.POOR_TO_NEAR_POOR, Movement.ESCAPED_ABOVE_NEAR_POOR)
ESCAPED_NEAR_POVERTY = (Movement.ESCAPED_NEAR_POVERTY,)


@dataclass(frozen=True)
class Place:
    """The units a document names (names as in the registry, e.g. "Xã Bù Gia Mập", "Đồng Nai"), and the
    kinds of villages the commune has (division types: "thon", "ap", "khu_pho" …), most frequent first."""

    commune: str
    province: str
    province_division_type: str
    village_types: tuple[str, ...] = ()


def _place(review: CommuneReview) -> Place:
    parent = review.commune.parent
    kinds = (
        Area.objects.filter(parent_id=review.commune_id, level=AreaLevel.VILLAGE, is_active=True)
        .values("division_type")
        .annotate(n=Count("pk"))
        .order_by("-n", "division_type")
    )
    return Place(
        commune=review.commune.name,
        province=parent.name if parent else "",
        province_division_type=parent.division_type if parent else "",
        village_types=tuple(row["division_type"] for row in kinds if row["division_type"]),
    )


def _standards(codes: set[str], year: int) -> list[Standard]:
    """The standards the assessments were classified by (national first), or the national one of ``year``."""
    found: list[Standard] = []
    for code in sorted(c for c in codes if c):
        try:
            found.append(get_standard(code))
        except StandardError:
            continue
    if not any(s.is_national for s in found):
        with contextlib.suppress(StandardError):
            found.append(standard_for(year))
    return sorted(found, key=lambda s: (not s.is_national, s.code))


# Village meeting minutes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesRow:
    household_code: str
    head_name: str
    proposed_category: str  # by the standard ("" when the engine could not decide)
    votes_for: int | None
    attendance: int | None
    agreed: bool  # the meeting agreed (≥ 50 % of those present)
    decided_category: str


@dataclass(frozen=True)
class MinutesData:
    place: Place
    village: str
    village_division_type: str
    year: int
    held_on: dt.date
    venue: str
    chair: str
    secretary: str
    attendance: int
    note: str
    standards: list[Standard] = field(default_factory=list)
    rows: list[MinutesRow] = field(default_factory=list)


def access_village_meeting(*, user: User, review: CommuneReview, meeting_id: int) -> VillageMeeting:
    """A village meeting of the commune review (the review itself comes from
    ``access_commune_review_by_id``)."""
    meeting = (
        VillageMeeting.objects.filter(
            area_q(user, "commune_review__commune__path"), commune_review=review, pk=meeting_id
        )
        .select_related("village")
        .first()
    )
    if meeting is None:
        raise NotFound("village meeting")
    return meeting


def meeting_minutes(*, user: User, review: CommuneReview, meeting: VillageMeeting) -> MinutesData:
    """The minutes of one village meeting: the households of the village the meeting voted on."""
    assessments = (
        assessment_list(user=user, review=review)
        .filter(household__village_id=meeting.village_id, meeting_votes_for__isnull=False)
        .exclude(status=AssessmentStatus.SCREENED_OUT)
    )
    rows = [
        MinutesRow(
            household_code=a.household.code,
            head_name=a.household.head_name,
            proposed_category=a.proposed_category,
            votes_for=a.meeting_votes_for,
            attendance=a.meeting_attendance,
            agreed=a.status in AGREED_STATUSES,
            decided_category=a.decided_category if a.status in AGREED_STATUSES else "",
        )
        for a in assessments
    ]
    codes = set(assessments.values_list("standard", flat=True)) | set(
        assessments.values_list("provincial_standard", flat=True)
    )
    lists_year = review.round.standard_year or review.round.year + 1
    return MinutesData(
        place=_place(review),
        village=meeting.village.name,
        village_division_type=meeting.village.division_type,
        year=review.round.year,
        held_on=meeting.held_on,
        venue=meeting.place,
        chair=meeting.chair,
        secretary=meeting.secretary,
        attendance=meeting.attendance,
        note=meeting.note,
        standards=_standards(codes, lists_year),
        rows=rows,
    )


# The commune's recognition decision -----------------------------------------------------------------------


@dataclass(frozen=True)
class ListedHousehold:
    household_code: str
    head_name: str
    village: str
    ethnic_group: str
    persons: int
    became_near_poor: bool = False  # escaped poverty into near-poverty


@dataclass(frozen=True)
class DecisionData:
    place: Place
    year: int  # the review's year
    lists_year: int  # the year the lists apply from (1 January)
    decision_number: str
    decision_date: dt.date | None
    posting_from: dt.date | None
    posting_to: dt.date | None
    standards: list[Standard] = field(default_factory=list)
    poor: list[ListedHousehold] = field(default_factory=list)
    near_poor: list[ListedHousehold] = field(default_factory=list)
    escaped_poverty: list[ListedHousehold] = field(default_factory=list)
    escaped_near_poverty: list[ListedHousehold] = field(default_factory=list)


def decision_available(review: CommuneReview) -> bool:
    """The decision exists once the chairperson has recognised the households (step 5)."""
    return review.step >= 5 and bool(review.decision_number) and review.decision_date is not None


def recognition_decision(*, user: User, review: CommuneReview) -> DecisionData:
    """The households the commune chairperson's decision recognises, list by list."""
    if not decision_available(review):
        raise NotFound("recognition decision")
    assessments = list(
        assessment_list(user=user, review=review)
        .filter(status=AssessmentStatus.RECOGNISED)
        .select_related("household", "household__village")
        .prefetch_related("household__members")
    )
    frozen: dict[int, RoundHousehold] = {}
    if review.frozen_at is not None:
        frozen = {
            row.household_id: row
            for row in RoundHousehold.objects.filter(
                area_q(user, "commune__path"),
                round_id=review.round_id,
                commune_id=review.commune_id,
                household_id__in=[a.household_id for a in assessments],
            )
            if row.household_id is not None
        }

    def listed(assessment: Assessment, became_near_poor: bool = False) -> ListedHousehold:
        household = assessment.household
        row = frozen.get(household.pk)
        if row is not None:
            return ListedHousehold(
                household_code=row.code,
                head_name=row.head_name,
                village=row.village_name,
                ethnic_group=ethnic_group_name(row.ethnic_group),
                persons=row.persons,
                became_near_poor=became_near_poor,
            )
        members = sum(1 for m in household.members.all() if m.is_active)
        return ListedHousehold(
            household_code=household.code,
            head_name=household.head_name,
            village=household.village.name,
            ethnic_group=ethnic_group_name(household.ethnic_group),
            persons=members or household.declared_persons or 0,
            became_near_poor=became_near_poor,
        )

    poor, near_poor, escaped, escaped_near = [], [], [], []
    for a in assessments:
        if a.decided_category == "poor":
            poor.append(listed(a))
        elif a.decided_category == "near_poor":
            near_poor.append(listed(a))
        if a.movement in ESCAPED_POVERTY:
            escaped.append(listed(a, a.decided_category == "near_poor"))
        elif a.movement in ESCAPED_NEAR_POVERTY:
            escaped_near.append(listed(a))
    codes = {a.standard for a in assessments} | {a.provincial_standard for a in assessments}
    lists_year = review.round.standard_year or review.round.year + 1
    return DecisionData(
        place=_place(review),
        year=review.round.year,
        lists_year=lists_year,
        decision_number=review.decision_number,
        decision_date=review.decision_date,
        posting_from=review.posting_from,
        posting_to=review.posting_to,
        standards=_standards(codes, lists_year),
        poor=poor,
        near_poor=near_poor,
        escaped_poverty=escaped,
        escaped_near_poverty=escaped_near,
    )
