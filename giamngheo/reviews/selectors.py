"""Reads of the review: rounds, commune reviews, assessments, complaints, regular requests, certificates.

Every read is scoped to the user through ``accounts.scoping``: commune reviews, assessments, complaints and
requests by their commune's path. A round belongs to a province; it is visible to the users who see the
province or a unit inside it (a commune officer sees the round, and inside it only their own commune).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_ancestor_q, area_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import today as today  # re-exported for the views
from giamngheo.geo.selectors import vi_ordered
from giamngheo.households.models import Household
from giamngheo.households.reference import Category, ethnic_group_name
from giamngheo.households.selectors import HouseholdFilters, household_list, shown_national_id
from giamngheo.standards.adapters import province_code, standards_in_force

from .models import (
    Assessment,
    AssessmentStatus,
    Certificate,
    CommuneReview,
    Complaint,
    ComplaintStatus,
    Movement,
    RegularRequest,
    RequestStatus,
    ReviewRound,
    RoundStatus,
    Step,
    StepEvent,
    VillageMeeting,
)

SURVEYED_STATUSES = (AssessmentStatus.SURVEYED, AssessmentStatus.AGREED, AssessmentStatus.RECOGNISED)
AGREED_STATUSES = (AssessmentStatus.AGREED, AssessmentStatus.RECOGNISED)
CERTIFIED_CATEGORIES = (Category.POOR, Category.NEAR_POOR)


# Rounds ---------------------------------------------------------------------------------------------------


def round_list(*, user: User) -> QuerySet[ReviewRound]:
    """Rounds of the provinces the user sees, or that contain the units the user sees."""
    visible = area_q(user, "province__path")
    if visible:  # Q() means "everything" (administrators): OR-ing it would turn it into a filter
        visible |= area_ancestor_q(user, "province__path")
    return ReviewRound.objects.filter(visible).select_related("province").order_by("-year", "province__name")


def access_round_by_id(*, user: User, round_id: int) -> ReviewRound:
    review_round = round_list(user=user).filter(pk=round_id).first()
    if review_round is None:
        raise NotFound("review round")
    return review_round


def access_managed_round_by_id(*, user: User, round_id: int) -> ReviewRound:
    """A round whose whole province is in the user's scope (to close it): seeing it from a commune is not
    enough."""
    review_round = (
        ReviewRound.objects.filter(area_q(user, "province__path"), pk=round_id)
        .select_related("province")
        .first()
    )
    if review_round is None:
        raise NotFound("review round")
    return review_round


@dataclass(frozen=True)
class RoundProgress:
    communes: int = 0
    started: int = 0
    submitted: int = 0
    only_review_id: int | None = None  # the one commune review in scope (a commune officer's own)

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.communes) if self.communes else 0


def round_progress(*, user: User, rounds: list[ReviewRound]) -> dict[int, RoundProgress]:
    """Per round: the communes in the user's scope, how many started and submitted."""
    rows = (
        CommuneReview.objects.filter(area_q(user, "commune__path"), round__in=rounds)
        .values("round")
        .annotate(
            communes=Count("pk"),
            started=Count("pk", filter=Q(step__gt=Step.NOT_STARTED)),
            submitted=Count("pk", filter=Q(locked=True)),
        )
    )
    result = {r.pk: RoundProgress() for r in rounds}
    for row in rows:
        only = None
        if row["communes"] == 1:  # a commune officer: link straight to their commune's review
            only = (
                CommuneReview.objects.filter(area_q(user, "commune__path"), round_id=row["round"])
                .values_list("pk", flat=True)
                .first()
            )
        result[row["round"]] = RoundProgress(
            communes=row["communes"], started=row["started"], submitted=row["submitted"], only_review_id=only
        )
    return result


@dataclass(frozen=True)
class RoundStandard:
    """The standards a round classifies by, as its page shows them."""

    year: int  # the lists apply from 1 January of this year
    code: str
    name: str
    legal_source: str
    standard_provisional: bool  # the standard itself has unconfirmed items
    provincial: str  # the province's own standard of that year ("" when none)
    is_default: bool  # year + 1 (the rule)
    reason: str
    rule_provisional: bool
    rule_source: str
    survey_started: bool

    @property
    def label(self) -> str:
        return round_standard_text(self)


def round_standard_text(info: RoundStandard) -> str:
    return _("%(name)s, lists applying from 1 January %(year)s") % {"name": info.name, "year": info.year}


def round_standard(*, review_round: ReviewRound) -> RoundStandard:
    from .services import (
        STANDARD_RULE_PROVISIONAL,
        STANDARD_RULE_SOURCE,
        round_default_standard_year,
        round_standard_year,
        round_survey_started,
    )

    year = round_standard_year(review_round)
    standards = standards_in_force(year=year, province=province_code(review_round.province))
    national = next((s for s in standards.values() if s.is_national), None)
    local = next((s for s in standards.values() if not s.is_national), None)
    return RoundStandard(
        year=year,
        code=national.code if national else review_round.standard_code,
        name=national.name_vi if national else review_round.standard_code,
        legal_source=national.legal_source if national else "",
        standard_provisional=bool(national and (national.status != "published" or national.provisional)),
        provincial=local.name_vi if local else "",
        is_default=year == round_default_standard_year(review_round.year),
        reason=review_round.standard_reason,
        rule_provisional=STANDARD_RULE_PROVISIONAL,
        rule_source=STANDARD_RULE_SOURCE,
        survey_started=round_survey_started(review_round),
    )


def round_standard_label(*, review_round: ReviewRound) -> str:
    """One line naming the standard a round applies, for the headers of its tables and exports, e.g.
    "Chuẩn nghèo đa chiều quốc gia giai đoạn 2026–2030 (Nghị định 351/2025/NĐ-CP), danh sách áp dụng từ
    01/01/2027"."""
    return round_standard(review_round=review_round).label


def national_standard_name(*, year: int) -> str:
    """The name of the national standard in force in ``year`` ("" when none is recorded)."""
    national = next((s for s in standards_in_force(year=year).values() if s.is_national), None)
    return national.name_vi if national is not None else ""


def round_standard_years(*, review_round: ReviewRound) -> list[tuple[int, str]]:
    """The years a specialist may choose for a round (those with a national standard), with its name."""
    choices = []
    for year in range(review_round.year - 1, review_round.year + 3):
        national = next((s for s in standards_in_force(year=year).values() if s.is_national), None)
        if national is not None:
            choices.append((year, f"{year} · {national.name_vi}"))
    return choices


def access_whole_round_by_id(*, user: User, round_id: int) -> ReviewRound:
    """The round if the user sees its whole province (its what-if, its standard's choice); otherwise
    ``NotFound`` (the same for missing, another province's and a commune's view of it)."""
    review_round = access_round_by_id(user=user, round_id=round_id)
    if not can_see_whole_round(user=user, review_round=review_round):
        raise NotFound("review round")
    return review_round


def can_see_whole_round(*, user: User, review_round: ReviewRound) -> bool:
    """Whether the user sees the round's whole province (the province's what-if, its standard's choice)."""
    return ReviewRound.objects.filter(area_q(user, "province__path"), pk=review_round.pk).exists()


# Commune reviews ------------------------------------------------------------------------------------------


def _assessment_count(*statuses: str) -> Coalesce:
    qs = Assessment.objects.filter(round=OuterRef("round"), commune=OuterRef("commune"))
    # Without statuses: every household on the list (those screened out by form A are not).
    qs = qs.filter(status__in=statuses) if statuses else qs.exclude(status=AssessmentStatus.SCREENED_OUT)
    return Coalesce(
        Subquery(qs.values("commune").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


@dataclass(frozen=True)
class CommuneReviewFilters:
    step: int | None = None
    q: str = ""
    submitted: bool | None = None


def commune_review_list(
    *, user: User, round: ReviewRound, filters: CommuneReviewFilters | None = None
) -> QuerySet[CommuneReview]:
    """The communes of a round in the user's scope, with counts of listed, surveyed and agreed households."""
    f = filters or CommuneReviewFilters()
    qs = (
        CommuneReview.objects.filter(area_q(user, "commune__path"), round=round)
        .select_related("commune", "round")
        .annotate(
            listed_count=_assessment_count(),
            surveyed_count=_assessment_count(*SURVEYED_STATUSES),
            agreed_count=_assessment_count(*AGREED_STATUSES),
        )
        .order_by("commune__name")
    )
    if f.step is not None:
        qs = qs.filter(step=f.step)
    if f.q:
        qs = qs.filter(Q(commune__name_folded__contains=fold(f.q)) | Q(commune__code=f.q.strip()))
    if f.submitted is not None:
        qs = qs.filter(locked=f.submitted)
    return vi_ordered(qs, field="commune__name")


def round_step_counts(*, user: User, round: ReviewRound) -> dict[int, int]:
    """How many communes in scope have completed each step (exactly), for the filter of the round page."""
    counts = {int(s): 0 for s in Step}
    rows = (
        CommuneReview.objects.filter(area_q(user, "commune__path"), round=round)
        .values("step")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[int(row["step"])] = row["n"]
    return counts


def access_commune_review_by_id(*, user: User, review_id: int) -> CommuneReview:
    review = (
        CommuneReview.objects.filter(area_q(user, "commune__path"), pk=review_id)
        .select_related("round", "round__province", "commune", "commune__parent")
        .first()
    )
    if review is None:
        raise NotFound("commune review")
    return review


def step_events(*, user: User, review: CommuneReview) -> QuerySet[StepEvent]:
    return (
        StepEvent.objects.filter(area_q(user, "commune_review__commune__path"), commune_review=review)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class StepState:
    step: int
    label: str
    done: bool
    current: bool  # the next step to work on
    event: StepEvent | None


def step_tracker(*, user: User, review: CommuneReview) -> list[StepState]:
    """The seven steps with the latest completion of each (who and when) and which one is next."""
    latest: dict[int, StepEvent] = {}
    for event in step_events(user=user, review=review):
        if event.action == "complete":
            latest[event.step] = event
    states = []
    for step in Step:
        if step == Step.NOT_STARTED:
            continue
        done = review.step >= step
        states.append(
            StepState(
                step=int(step),
                label=str(step.label),
                done=done,
                current=review.next_step == step and not review.locked,
                event=latest.get(int(step)) if done else None,
            )
        )
    return states


@dataclass(frozen=True)
class VillageMeetingRow:
    village: Area
    households: int  # on the commune's list
    meeting: VillageMeeting | None


def village_meeting_rows(*, user: User, review: CommuneReview) -> list[VillageMeetingRow]:
    """The villages with households on the commune's list, each with its meeting (or none yet); then the
    meetings of villages no longer on the list (recorded before a household was sent back)."""
    counts = dict(
        Assessment.objects.filter(area_q(user, "commune__path"), round=review.round, commune=review.commune)
        .exclude(status=AssessmentStatus.SCREENED_OUT)
        .order_by()
        .values_list("household__village_id")
        .annotate(n=Count("pk"))
    )
    meetings = {
        m.village_id: m
        for m in VillageMeeting.objects.filter(
            area_q(user, "commune_review__commune__path"), commune_review=review
        )
    }
    villages = Area.objects.filter(pk__in=set(counts) | set(meetings)).order_by("code", "name")
    return [
        VillageMeetingRow(village=v, households=counts.get(v.pk, 0), meeting=meetings.get(v.pk))
        for v in villages
    ]


def access_meeting_village(*, user: User, review: CommuneReview, village_id: int) -> Area:
    """A village of the review's commune (in the user's scope)."""
    village = Area.objects.filter(
        area_q(user, "path"), pk=village_id, parent=review.commune, level=AreaLevel.VILLAGE
    ).first()
    if village is None:
        raise NotFound("village")
    return village


def village_meeting_of(*, user: User, review: CommuneReview, village: Area) -> VillageMeeting | None:
    return VillageMeeting.objects.filter(
        area_q(user, "commune_review__commune__path"), commune_review=review, village=village
    ).first()


def village_households_on_list(*, user: User, review: CommuneReview, village: Area) -> QuerySet[Assessment]:
    """The households of a village on the commune's list, with their vote (the meeting's agenda)."""
    return (
        Assessment.objects.filter(
            area_q(user, "commune__path"),
            round=review.round,
            commune=review.commune,
            household__village=village,
        )
        .exclude(status=AssessmentStatus.SCREENED_OUT)
        .select_related("household")
        .order_by("household__code")
    )


def household_meeting_attendance(*, user: User, assessment: Assessment) -> int | None:
    """The attendance of the meeting of the household's village, if recorded."""
    return (
        VillageMeeting.objects.filter(
            area_q(user, "commune_review__commune__path"),
            commune_review__round=assessment.round,
            commune_review__commune=assessment.commune,
            village_id=assessment.household.village_id,
        )
        .values_list("attendance", flat=True)
        .first()
    )


def steps_not_held(*, user: User, review: CommuneReview) -> set[int]:
    """The steps passed as "not held" (the commune's list was empty), from their latest completion."""
    latest: dict[int, StepEvent] = {}
    for event in step_events(user=user, review=review):
        if event.action == "complete":
            latest[event.step] = event
    return {
        step
        for step, event in latest.items()
        if review.step >= step and isinstance(event.data, dict) and event.data.get("held") is False
    }


# Assessments ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFilters:
    status: str = ""
    q: str = ""
    source: str = ""


def assessment_list(
    *, user: User, review: CommuneReview, filters: AssessmentFilters | None = None
) -> QuerySet[Assessment]:
    f = filters or AssessmentFilters()
    qs = Assessment.objects.filter(
        area_q(user, "commune__path"), round_id=review.round_id, commune_id=review.commune_id
    ).select_related("household", "household__village")
    if f.status == "back_to_survey":
        qs = qs.filter(status=AssessmentStatus.LISTED, meeting_votes_for__isnull=False)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.q:
        qs = qs.filter(Q(household__search_text__contains=fold(f.q)) | Q(household__code=f.q.strip()))
    return qs.order_by("household__village__code", "household__code")


def assessment_status_counts(*, user: User, review: CommuneReview) -> dict[str, int]:
    counts = {s.value: 0 for s in AssessmentStatus}
    rows = (
        Assessment.objects.filter(
            area_q(user, "commune__path"), round_id=review.round_id, commune_id=review.commune_id
        )
        .values("status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["back_to_survey"] = assessment_list(
        user=user, review=review, filters=AssessmentFilters(status="back_to_survey")
    ).count()
    return counts


def access_assessment_by_id(*, user: User, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.filter(area_q(user, "commune__path"), pk=assessment_id)
        .select_related(
            "round", "round__province", "commune", "household", "household__village", "surveyed_by"
        )
        .first()
    )
    if assessment is None:
        raise NotFound("assessment")
    return assessment


def review_of_assessment(*, user: User, assessment: Assessment) -> CommuneReview:
    review = (
        CommuneReview.objects.filter(
            area_q(user, "commune__path"), round_id=assessment.round_id, commune_id=assessment.commune_id
        )
        .select_related("round", "round__province", "commune")
        .first()
    )
    if review is None:
        raise NotFound("commune review")
    return review


def movement_counts(*, user: User, review: CommuneReview) -> list[tuple[str, str, int]]:
    """(movement, label, households) after the recognition, in the order of the Movement choices."""
    rows = dict(
        Assessment.objects.filter(
            area_q(user, "commune__path"), round_id=review.round_id, commune_id=review.commune_id
        )
        .exclude(movement="")
        .values_list("movement")
        .annotate(n=Count("pk"))
    )
    return [(m.value, str(m.label), rows[m.value]) for m in Movement if rows.get(m.value)]


def household_candidates(*, user: User, review: CommuneReview, q: str = "") -> QuerySet[Household]:
    """Households of the review's commune that are not on its list yet (to add a requesting household)."""
    on_list = Assessment.objects.filter(round_id=review.round_id, commune_id=review.commune_id).values(
        "household_id"
    )
    return household_list(user=user, filters=HouseholdFilters(q=q, commune_id=review.commune_id)).exclude(
        pk__in=on_list
    )


def household_of_commune(*, user: User, review: CommuneReview, code: str) -> Household:
    """A household of the review's commune by its code (for complaints)."""
    household = (
        household_list(user=user, filters=HouseholdFilters(commune_id=review.commune_id))
        .filter(code=code.strip())
        .first()
    )
    if household is None:
        raise NotFound("household")
    return household


# Complaints -----------------------------------------------------------------------------------------------


def complaint_list(*, user: User, review: CommuneReview) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(area_q(user, "commune_review__commune__path"), commune_review=review)
        .select_related("household")
        .order_by("status", "-received_on", "pk")
    )


def access_complaint_by_id(*, user: User, complaint_id: int) -> Complaint:
    complaint = (
        Complaint.objects.filter(area_q(user, "commune_review__commune__path"), pk=complaint_id)
        .select_related("commune_review", "commune_review__round", "commune_review__commune", "household")
        .first()
    )
    if complaint is None:
        raise NotFound("complaint")
    return complaint


def open_complaint_count(*, user: User, review: CommuneReview) -> int:
    return complaint_list(user=user, review=review).filter(status=ComplaintStatus.OPEN).count()


# Regular (in-year) requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    state: str = ""  # "" | "pending" | "overdue" | "decided"
    q: str = ""
    commune_id: int | None = None
    on: dt.date | None = None  # "today" for the overdue test


def regular_request_list(*, user: User, filters: RequestFilters | None = None) -> QuerySet[RegularRequest]:
    f = filters or RequestFilters()
    day = f.on or today()
    qs = RegularRequest.objects.filter(area_q(user, "commune__path")).select_related(
        "household", "household__village", "commune"
    )
    if f.state == "pending":
        qs = qs.filter(status=RequestStatus.PENDING)
    elif f.state == "overdue":
        qs = qs.filter(status=RequestStatus.PENDING, due_on__lt=day)
    elif f.state == "decided":
        qs = qs.exclude(status=RequestStatus.PENDING)
    if f.commune_id:
        qs = qs.filter(commune_id=f.commune_id)
    if f.q:
        qs = qs.filter(Q(household__search_text__contains=fold(f.q)) | Q(household__code=f.q.strip()))
    return qs.order_by("status", "due_on", "pk")


def request_counts(*, user: User, on: dt.date | None = None) -> dict[str, int]:
    day = on or today()
    return RegularRequest.objects.filter(area_q(user, "commune__path")).aggregate(
        pending=Count("pk", filter=Q(status=RequestStatus.PENDING)),
        overdue=Count("pk", filter=Q(status=RequestStatus.PENDING, due_on__lt=day)),
        decided=Count("pk", filter=~Q(status=RequestStatus.PENDING)),
    )


def access_regular_request_by_id(*, user: User, request_id: int) -> RegularRequest:
    request = (
        RegularRequest.objects.filter(area_q(user, "commune__path"), pk=request_id)
        .select_related("household", "household__village", "commune")
        .first()
    )
    if request is None:
        raise NotFound("regular request")
    return request


def household_search(*, user: User, q: str) -> QuerySet[Household]:
    """Households in scope matching a search, to file a regular request (nothing without a search)."""
    if not q.strip():
        return Household.objects.none()
    return household_list(user=user, filters=HouseholdFilters(q=q))


# Certificates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateMember:
    full_name: str
    ethnic_group: str
    relationship: str
    birth_year: int
    sex: str  # "M" | "F"


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate (Giấy chứng nhận hộ nghèo / hộ cận nghèo)."""

    number: int
    assessment_id: int
    category: str
    household_code: str
    head_name: str
    head_ethnic_group: str
    head_national_id: str
    address: str
    village: str
    commune: str
    commune_division_type: str
    province: str
    province_division_type: str
    year: int
    decision_number: str
    decision_date: dt.date | None
    members: list[CertificateMember] = field(default_factory=list)
    lists_year: int | None = None  # the round's ``standard_year``: the year the lists apply

    @property
    def valid_year(self) -> int:
        return self.lists_year or self.year + 1


def certificate_assessments(*, user: User, review: CommuneReview) -> QuerySet[Assessment]:
    """Recognised poor and near-poor households of the review, in certificate-number order."""
    return assessment_list(
        user=user, review=review, filters=AssessmentFilters(status=AssessmentStatus.RECOGNISED)
    ).filter(decided_category__in=CERTIFIED_CATEGORIES)


def certificate_list(
    *, user: User, review: CommuneReview, assessment_id: int | None = None
) -> list[CertificateData]:
    """Certificates of the review (all, or the one of ``assessment_id``), in the order of their registered
    numbers (``reviews.Certificate``; ``services.certificates_register`` gives them). A recognised
    household without a registered number has no certificate yet."""
    recognised = list(certificate_assessments(user=user, review=review).values_list("pk", "household_id"))
    numbers = dict(
        Certificate.objects.filter(
            round_id=review.round_id,
            commune_id=review.commune_id,
            household_id__in=[household_id for _, household_id in recognised],
        ).values_list("household_id", "number")
    )
    ordered = sorted(
        (numbers[household_id], pk) for pk, household_id in recognised if household_id in numbers
    )
    wanted = [(number, pk) for number, pk in ordered if assessment_id is None or pk == assessment_id]
    if assessment_id is not None and not wanted:
        raise NotFound("certificate")
    assessments = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=[pk for _, pk in wanted])
        .select_related("household", "household__village", "commune", "commune__parent", "round")
        .prefetch_related("household__members")
    }
    result = []
    for number, pk in wanted:
        assessment = assessments[pk]
        household = assessment.household
        members = sorted(
            (m for m in household.members.all() if m.is_active),
            key=lambda m: (m.relationship != "head", m.date_of_birth),
        )
        head = next((m for m in members if m.relationship == "head"), None)
        commune = assessment.commune
        result.append(
            CertificateData(
                number=number,
                assessment_id=pk,
                category=assessment.decided_category,
                household_code=household.code,
                head_name=household.head_name,
                head_ethnic_group=ethnic_group_name(household.ethnic_group),
                head_national_id=shown_national_id(user=user, number=head.national_id if head else None),
                address=household.address,
                village=household.village.name,
                commune=commune.name,
                commune_division_type=commune.division_type,
                province=commune.parent.name if commune.parent else "",
                province_division_type=commune.parent.division_type if commune.parent else "",
                year=assessment.round.year,
                lists_year=assessment.round.standard_year,
                decision_number=review.decision_number,
                decision_date=review.decision_date,
                members=[
                    CertificateMember(
                        full_name=m.full_name,
                        ethnic_group=ethnic_group_name(m.ethnic_group),
                        relationship=m.relationship,
                        birth_year=m.date_of_birth.year,
                        sex=m.sex,
                    )
                    for m in members
                ],
            )
        )
    return result


# Alerts and the weekly digest (issue 14, notices) -------------------------------------------------------


@dataclass(frozen=True)
class LateReview:
    review_id: int
    round_id: int
    year: int
    ends_on: dt.date
    commune_id: int
    commune_name: str
    commune_path: str


def late_commune_reviews(*, on: dt.date, user: User | None = None) -> list[LateReview]:
    """Commune reviews of open rounds not submitted by the round's end date (``ends_on``), as of ``on``.
    A read of the system (the alert scan), or of the user's scope (the dashboard's alerts)."""
    scope = Q() if user is None else area_q(user, "commune__path")
    rows = (
        CommuneReview.objects.filter(
            scope,
            round__status=RoundStatus.OPEN,
            round__ends_on__lt=on,
            locked=False,
            commune__is_active=True,
        )
        .order_by("round_id", "commune__path")
        .values_list(
            "pk", "round_id", "round__year", "round__ends_on", "commune_id", "commune__name", "commune__path"
        )
    )
    return [LateReview(*row) for row in rows]


@dataclass(frozen=True)
class OverdueRequest:
    request_id: int
    commune_id: int
    commune_name: str
    commune_path: str
    household_code: str
    due_on: dt.date


def overdue_requests(*, on: dt.date, user: User | None = None) -> list[OverdueRequest]:
    """In-year requests still pending after their due date (``DAYS_TO_DECIDE`` days after filing), as of
    ``on``. A read of the system (the alert scan), or of the user's scope (the dashboard's alerts)."""
    scope = Q() if user is None else area_q(user, "commune__path")
    rows = (
        RegularRequest.objects.filter(scope, status=RequestStatus.PENDING, due_on__lt=on)
        .order_by("commune__path", "due_on", "pk")
        .values_list("pk", "commune_id", "commune__name", "commune__path", "household__code", "due_on")
    )
    return [OverdueRequest(*row) for row in rows]


@dataclass(frozen=True)
class ReviewWeek:
    communes: int  # commune reviews of open rounds in the user's scope
    submitted: int  # ... submitted (locked) in all
    submitted_in_week: int
    late: int  # not submitted and past the round's end date (as of the week's last day)


def review_week(*, user: User, start: dt.date, end: dt.date) -> ReviewWeek | None:
    """Progress of the open rounds' commune reviews in the user's scope during ``start``..``end``
    (``None``: no open round). One query."""
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    counts = CommuneReview.objects.filter(
        area_q(user, "commune__path"), round__status=RoundStatus.OPEN
    ).aggregate(
        communes=Count("pk"),
        submitted=Count("pk", filter=Q(locked=True)),
        submitted_in_week=Count("pk", filter=Q(submitted_at__gte=begin, submitted_at__lt=after)),
        late=Count("pk", filter=Q(locked=False, round__ends_on__lt=end)),
    )
    if not counts["communes"]:
        return None
    return ReviewWeek(**counts)


def request_week(*, user: User, start: dt.date, end: dt.date) -> dict[str, int]:
    """In-year requests of the user's scope: received and decided during ``start``..``end``, and overdue
    (still pending past their due date) at its end. One query."""
    return RegularRequest.objects.filter(area_q(user, "commune__path")).aggregate(
        received=Count("pk", filter=Q(filed_on__range=(start, end))),
        decided=Count("pk", filter=Q(decided_on__range=(start, end)) & ~Q(status=RequestStatus.PENDING)),
        overdue=Count("pk", filter=Q(status=RequestStatus.PENDING, due_on__lt=end)),
    )


def round_assessments(*, user: User, review_round: ReviewRound) -> QuerySet[Assessment]:
    """The assessments of a round in the communes of the user's scope (the API's list)."""
    return Assessment.objects.filter(area_q(user, "commune__path"), round=review_round).select_related(
        "household"
    )
