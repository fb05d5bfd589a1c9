"""The periodic review, step by step (Decision 24/2021/QĐ-TTg; since 1 July 2025 the commune recognises
and the province aggregates). Every function is atomic and audited; a commune cannot skip a step, and a
submitted review is locked until the province reopens it with a reason."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.versioning import ANY_VERSION, Version, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.engine import facts_snapshot, household_facts
from giamngheo.households.models import Household
from giamngheo.households.reference import Category
from giamngheo.households.services import household_income_record, households_recognise
from giamngheo.poverty.classify import classify
from giamngheo.standards.adapters import area_type, province_code, standards_in_force

from . import figures
from .models import (
    AreaSummary,
    Assessment,
    AssessmentStatus,
    Certificate,
    CommuneReview,
    Complaint,
    ComplaintStatus,
    Movement,
    RegularRequest,
    RequestKind,
    RequestStatus,
    ReviewRound,
    RoundStatus,
    Source,
    Step,
    StepEvent,
    VillageMeeting,
)
from .receivers import summaries_refreshed_by_caller

AGREEMENT_MIN_PCT = 50


def _event(
    review: CommuneReview,
    step: int,
    action: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    StepEvent.objects.create(
        commune_review=review,
        step=step,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        data=data or {},
        note=note,
    )


def _lock_review(review: CommuneReview) -> None:
    """Lock the review's row and refresh its state on ``review``: two requests completing the same step
    (a double click, two officers) run one after the other, and the second sees the first's result."""
    fresh = (
        CommuneReview.objects.select_for_update(of=("self",))
        .filter(pk=review.pk)
        .values("step", "locked", "version", "round__status")
        .first()
    )
    if fresh is not None:
        review.step, review.locked, review.version = fresh["step"], fresh["locked"], fresh["version"]
        review.round.status = fresh["round__status"]


def _require_step(review: CommuneReview, done: int) -> None:
    """The review must have completed exactly ``done`` (the step before the one being worked on)."""
    _lock_review(review)
    if review.locked:
        raise ValidationFailed(_("This commune's review has been submitted and is locked."))
    if review.round.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
    if review.step != done:
        raise ValidationFailed(
            _("This cannot be done at this point of the review: the last completed step is “%(current)s”.")
            % {"current": Step(review.step).label}
        )


def _advance(
    review: CommuneReview,
    to: int,
    actor: User | None,
    data: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> CommuneReview:
    """Complete step ``to``; ``before``: the state before the caller changed the review (default: now)."""
    before = before if before is not None else snapshot(review, ["step", "locked"])
    review.step = to
    review.version += 1
    review.save()
    _event(review, to, "complete", actor, data)
    audit_record(
        actor=actor,
        action=f"reviews.step.{Step(to).name.lower()}",
        target=review,
        before=before,
        after={**snapshot(review, ["step", "locked"]), **(data or {})},
    )
    transaction.on_commit(lambda: summary_refresh(round_id=review.round_id, commune_id=review.commune_id))
    return review


# The rule that a periodic review held in year Y applies the standards in force on 1 January of Y + 1 (the
# year its lists take effect) is read from the 2021 review ("theo chuẩn nghèo đa chiều giai đoạn
# 2022–2025"); the facts file (shared/domain/review-forms.md) does not confirm it yet, so it is provisional.
STANDARD_RULE_PROVISIONAL = True
STANDARD_RULE_SOURCE = (
    "Quyết định 24/2021/QĐ-TTg; rà soát năm 2021 thực hiện theo chuẩn nghèo đa chiều giai đoạn 2022–2025"
)


def round_default_standard_year(year: int) -> int:
    """The year whose standards a round held in ``year`` applies by default: its lists apply from 1 January
    of the next year."""
    return year + 1


def _national_standard_code(standard_year: int) -> str:
    national = [s for s in standards_in_force(year=standard_year).values() if s.is_national]
    return national[0].code if national else ""


def round_standard_year(review_round: ReviewRound) -> int:
    """The year whose standards the round classifies by (rounds opened before the field existed: Y + 1)."""
    return review_round.standard_year or round_default_standard_year(review_round.year)


@transaction.atomic
def round_open(
    *,
    province: Area,
    year: int,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    acting_user: User | None,
) -> ReviewRound:
    """Open a province's periodic review of ``year``: one commune review per active commune. The round
    classifies by the standards in force on 1 January of ``year + 1`` (provisional rule, see above)."""
    if province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("A review round is opened for a province."))
    if ReviewRound.objects.filter(province=province, year=year).exists():
        raise ValidationFailed(
            _("A review round for %(year)s already exists.") % {"year": year}, extra={"field": "year"}
        )
    default_start, default_end = ReviewRound.default_window(year)
    starts_on, ends_on = starts_on or default_start, ends_on or default_end
    if ends_on < starts_on:
        raise ValidationFailed(_("The end date cannot be before the start date."), extra={"field": "ends_on"})
    standard_year = round_default_standard_year(year)
    standard_code = _national_standard_code(standard_year)
    if not standard_code:
        raise ValidationFailed(
            _(
                "No national poverty standard governs %(standard_year)s, the year the lists of a review "
                "held in %(year)s apply from."
            )
            % {"standard_year": standard_year, "year": year},
            extra={"field": "year"},
        )
    review_round = ReviewRound.objects.create(
        province=province,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        standard_year=standard_year,
        standard_code=standard_code,
    )
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
    CommuneReview.objects.bulk_create([CommuneReview(round=review_round, commune=c) for c in communes])
    audit_record(
        actor=acting_user, action="reviews.round.open", target=review_round, after=snapshot(review_round)
    )
    return review_round


def round_survey_started(review_round: ReviewRound) -> bool:
    """Whether any household of the round has been surveyed (the round's standard is then fixed)."""
    return Assessment.objects.filter(round=review_round, surveyed_on__isnull=False).exists()


@transaction.atomic
def round_standard_change(
    *, review_round: ReviewRound, standard_year: int, reason: str, acting_user: User | None
) -> ReviewRound:
    """A provincial specialist changes the standards the round applies (those in force on 1 January of
    another year whose standards exist, or back to the default), with a reason, before the survey starts."""
    locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if locked.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for changing the standard."), extra={"field": "reason"})
    if round_survey_started(locked):
        raise ValidationFailed(
            _("The survey of this round has started: its standard can no longer be changed."),
            extra={"field": "standard_year"},
        )
    code = _national_standard_code(standard_year)
    if not code:
        raise ValidationFailed(
            _("No national poverty standard governs %(year)s.") % {"year": standard_year},
            extra={"field": "standard_year"},
        )
    if standard_year == round_standard_year(locked):
        raise ValidationFailed(
            _("The round already applies the standards of %(year)s.") % {"year": standard_year},
            extra={"field": "standard_year"},
        )
    before = snapshot(locked, ["standard_year", "standard_code", "standard_reason"])
    locked.standard_year, locked.standard_code, locked.standard_reason = standard_year, code, reason.strip()
    locked.save(update_fields=["standard_year", "standard_code", "standard_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action="reviews.round.standard",
        target=locked,
        before=before,
        after=snapshot(locked, ["standard_year", "standard_code", "standard_reason"]),
        note=reason.strip(),
    )
    return locked


@transaction.atomic
def round_close(*, review_round: ReviewRound, acting_user: User | None) -> ReviewRound:
    """Close an open round (every commune has submitted): its figures are frozen. Closing a closed round
    is refused (nothing is written or audited again)."""
    locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if locked.status != RoundStatus.OPEN:
        raise ValidationFailed(_("This review round is already closed."))
    review_round.status = locked.status
    before = snapshot(locked, ["status", "closed_at"])
    open_reviews = review_round.commune_reviews.filter(locked=False).count()
    if open_reviews:
        raise ValidationFailed(_("%(n)s communes have not submitted yet.") % {"n": open_reviews})
    # Freeze what is not frozen yet (a commune frozen when it submitted keeps what it submitted).
    now = timezone.now()
    for review in review_round.commune_reviews.filter(frozen_at__isnull=True).select_related("commune"):
        figures.freeze(review_round, review.commune, now=now)
    _province_refresh(review_round)
    review_round.status = RoundStatus.CLOSED
    review_round.closed_at = now
    review_round.save()
    audit_record(
        actor=acting_user,
        action="reviews.round.close",
        target=review_round,
        before=before,
        after=snapshot(review_round, ["status", "closed_at"]),
    )
    return review_round


@transaction.atomic
def listing_complete(*, review: CommuneReview, acting_user: User | None) -> CommuneReview:
    """Step 1: the current poor and near-poor households, plus those who filed a request, are listed."""
    _require_step(review, Step.NOT_STARTED)
    current = Household.objects.filter(
        commune=review.commune, is_active=True, category__in=[Category.POOR, Category.NEAR_POOR]
    )
    existing = set(
        review.round.assessments.filter(commune=review.commune).values_list("household_id", flat=True)
    )
    Assessment.objects.bulk_create(
        [
            Assessment(
                round=review.round,
                household=h,
                commune=review.commune,
                source=Source.CURRENT_LIST,
                category_before=h.category,
            )
            for h in current
            if h.pk not in existing
        ]
    )
    count = review.round.assessments.filter(commune=review.commune).count()
    return _advance(review, Step.LISTING, acting_user, {"households": count})


@transaction.atomic
def request_add(*, review: CommuneReview, household: Household, acting_user: User | None) -> Assessment:
    """A household filed a request (form 01): it is added to the list and screened with form A."""
    if review.step not in (Step.NOT_STARTED, Step.LISTING):
        _require_step(review, Step.LISTING)
    if review.locked:
        raise ValidationFailed(_("This commune's review has been submitted and is locked."))
    if household.commune_id != review.commune_id:
        raise ValidationFailed(_("The household is not in this commune."))
    assessment, created = Assessment.objects.get_or_create(
        round=review.round,
        household=household,
        defaults={"commune": review.commune, "source": Source.REQUEST, "category_before": household.category},
    )
    if not created:
        raise ValidationFailed(_("This household is already on the list."))
    audit_record(
        actor=acting_user,
        action="reviews.assessment.request",
        target=assessment,
        after=snapshot(assessment, ["household", "source", "status"]),
    )
    return assessment


def _locked_assessment(assessment: Assessment, version: Version) -> Assessment:
    """Lock the assessment and check the version the form was opened at (``None``: refused;
    ``ANY_VERSION``: internal callers)."""
    locked = (
        Assessment.objects.select_for_update()
        .select_related("round", "household", "commune")
        .get(pk=assessment.pk)
    )
    version_check(
        locked,
        version,
        message=_("Someone else saved this assessment after you opened it. Reload the page."),
    )
    return locked


@transaction.atomic
def screening_record(
    *, assessment: Assessment, passed: bool, acting_user: User | None, version: Version
) -> Assessment:
    """Form A (requesting households only): a gate before the full survey."""
    review = CommuneReview.objects.get(round=assessment.round, commune=assessment.commune)
    _require_step(review, Step.LISTING)
    if assessment.source != Source.REQUEST:
        raise ValidationFailed(_("Form A is only for households that filed a request."))
    locked = _locked_assessment(assessment, version)
    before = snapshot(locked, ["screening_passed", "status"])
    locked.screening_passed = passed
    locked.status = AssessmentStatus.LISTED if passed else AssessmentStatus.SCREENED_OUT
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="reviews.assessment.screening",
        target=locked,
        before=before,
        after=snapshot(locked, ["screening_passed", "status"]),
    )
    return locked


def classify_assessment(assessment: Assessment, *, on: dt.date) -> None:
    """Run the engine on the household's current facts and store the results under the standards the round
    applies: those in force on 1 January of ``round.standard_year`` (national, and the province's own)."""
    household = assessment.household
    commune = assessment.commune
    # No income surveyed: the income is unknown (the engine then decides only what it can).
    income = assessment.income_per_capita
    facts = household_facts(
        household,
        household.members.all(),
        on=on,
        area=area_type(commune),
        income_per_capita=income,
    )
    standard_year = round_standard_year(assessment.round)
    standards = standards_in_force(year=standard_year, province=province_code(commune))
    national = [s for s in standards.values() if s.is_national]
    local = [s for s in standards.values() if not s.is_national]
    assessment.facts = facts_snapshot(facts)
    if national:
        result = classify(facts, national[0])
        assessment.standard = result.standard_code
        # Not enough information: no category by the standard (the meeting decides with the facts it has).
        assessment.proposed_category = str(result.category) if result.determined and result.category else ""
        assessment.deprivation_count = result.deprivation_count
        assessment.deprived = list(result.deprived)
        assessment.unknown = list(result.unknown)
        assessment.reasons = result.reasons_vi
        assessment.reasons_en = result.reasons_en
    if local:
        local_result = classify(facts, local[0])
        assessment.provincial_standard = local_result.standard_code
        assessment.provincial_category = (
            str(local_result.category) if local_result.determined and local_result.category else ""
        )
    else:
        assessment.provincial_standard = assessment.provincial_category = ""


@transaction.atomic
def survey_record(
    *,
    assessment: Assessment,
    income_per_capita: int,
    version: Version,
    acting_user: User | None,
    surveyed_on: dt.date | None = None,
) -> Assessment:
    """Form B: the income and the facts (already saved in the registry) are classified by the engine."""
    review = CommuneReview.objects.get(round=assessment.round, commune=assessment.commune)
    locked = _locked_assessment(assessment, version)
    # Surveys happen after the listing; households sent back by the meeting are surveyed again then.
    back_from_meeting = review.step == Step.SURVEY and locked.status == AssessmentStatus.LISTED
    _require_step(review, Step.SURVEY if back_from_meeting else Step.LISTING)
    if locked.status == AssessmentStatus.SCREENED_OUT:
        raise ValidationFailed(_("Form A found this household not eligible for the full survey."))
    if locked.source == Source.REQUEST and locked.screening_passed is None:
        raise ValidationFailed(_("Record form A (screening) first."))
    before = snapshot(locked, ["status", "income_per_capita", "proposed_category"])
    locked.income_per_capita = income_per_capita
    locked.surveyed_on = surveyed_on or timezone.localdate()
    locked.surveyed_by = acting_user if getattr(acting_user, "pk", None) else None
    classify_assessment(locked, on=locked.surveyed_on)
    locked.status = AssessmentStatus.SURVEYED
    locked.meeting_votes_for = locked.meeting_attendance = None
    locked.decided_category = ""
    locked.version += 1
    locked.save()
    # The registry's income through its one writer: version bumped (an edit form opened before the survey
    # is refused instead of writing the old income back), history, audit, engine fields refreshed with the
    # standards in force, ``households_changed`` sent.
    household_income_record(
        household=locked.household,
        income_per_capita=income_per_capita,
        acting_user=acting_user,
        # The survey's form carries the assessment's version (checked above), not the household's.
        version=ANY_VERSION,
        note=_("Survey of the %(year)s review") % {"year": locked.round.year},
    )
    audit_record(
        actor=acting_user,
        action="reviews.assessment.survey",
        target=locked,
        before=before,
        after=snapshot(locked, ["status", "income_per_capita", "proposed_category"]),
    )
    return locked


@transaction.atomic
def survey_complete(*, review: CommuneReview, acting_user: User | None) -> CommuneReview:
    _require_step(review, Step.LISTING)
    pending = (
        review.round.assessments.filter(commune=review.commune)
        .filter(Q(status=AssessmentStatus.LISTED))
        .count()
    )
    if pending:
        raise ValidationFailed(_("%(n)s households on the list have not been surveyed yet.") % {"n": pending})
    return _advance(review, Step.SURVEY, acting_user)


def _on_list(review: CommuneReview) -> Any:
    """The households on the commune's list (those screened out by form A are not)."""
    return review.round.assessments.filter(commune=review.commune).exclude(
        status=AssessmentStatus.SCREENED_OUT
    )


def meeting_villages(review: CommuneReview) -> list[Area]:
    """The villages that hold a meeting: those with at least one household on the commune's list."""
    ids = _on_list(review).order_by().values_list("household__village_id", flat=True).distinct()
    return list(Area.objects.filter(pk__in=ids).order_by("code", "name"))


def _meeting_fields(
    *,
    review: CommuneReview,
    held_on: dt.date,
    place: str,
    chair: str,
    secretary: str,
    attendance: int,
    note: str,
) -> dict[str, Any]:
    if held_on > timezone.localdate():
        raise ValidationFailed(_("The meeting cannot be dated in the future."), extra={"field": "held_on"})
    if held_on < review.round.starts_on:
        raise ValidationFailed(
            _("The meeting cannot be dated before the review round started (%(date)s).")
            % {"date": review.round.starts_on.strftime("%d/%m/%Y")},
            extra={"field": "held_on"},
        )
    if not chair.strip():
        raise ValidationFailed(_("Enter who chaired the meeting."), extra={"field": "chair"})
    if attendance is None or attendance <= 0:
        raise ValidationFailed(
            _("Enter the number of people who attended the meeting."), extra={"field": "attendance"}
        )
    return {
        "held_on": held_on,
        "place": place.strip(),
        "chair": chair.strip(),
        "secretary": secretary.strip(),
        "attendance": attendance,
        "note": note.strip(),
    }


MEETING_FIELDS = ["held_on", "place", "chair", "secretary", "attendance", "note"]


@transaction.atomic
def village_meeting_record(
    *,
    review: CommuneReview,
    village: Area,
    held_on: dt.date,
    chair: str,
    attendance: int,
    place: str = "",
    secretary: str = "",
    note: str = "",
    acting_user: User | None,
) -> VillageMeeting:
    """The meeting of one village (Decision 24/2021): held after the survey, before the votes on its
    households. One per village with households on the commune's list."""
    _require_step(review, Step.SURVEY)
    if village.parent_id != review.commune_id or village.level != AreaLevel.VILLAGE:
        raise ValidationFailed(_("The village is not in this commune."), extra={"field": "village"})
    if not _on_list(review).filter(household__village=village).exists():
        raise ValidationFailed(
            _("No household of %(village)s is on the commune's list: the village holds no meeting.")
            % {"village": village.name},
            extra={"field": "village"},
        )
    if VillageMeeting.objects.filter(commune_review=review, village=village).exists():
        raise ValidationFailed(
            _("The meeting of %(village)s is already recorded: edit it instead.") % {"village": village.name}
        )
    values = _meeting_fields(
        review=review,
        held_on=held_on,
        place=place,
        chair=chair,
        secretary=secretary,
        attendance=attendance,
        note=note,
    )
    meeting = VillageMeeting.objects.create(commune_review=review, village=village, **values)
    audit_record(
        actor=acting_user,
        action="reviews.village_meeting.record",
        target=meeting,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


@transaction.atomic
def village_meeting_update(
    *,
    meeting: VillageMeeting,
    version: Version,
    held_on: dt.date,
    chair: str,
    attendance: int,
    place: str = "",
    secretary: str = "",
    note: str = "",
    acting_user: User | None,
) -> VillageMeeting:
    """Correct a village meeting's record (before the commune closes the meeting step)."""
    locked = (
        VillageMeeting.objects.select_for_update()
        .select_related("commune_review__round", "commune_review__commune", "village")
        .get(pk=meeting.pk)
    )
    version_check(
        locked, version, message=_("Someone else saved this meeting after you opened it. Reload the page.")
    )
    review = locked.commune_review
    _require_step(review, Step.SURVEY)
    values = _meeting_fields(
        review=review,
        held_on=held_on,
        place=place,
        chair=chair,
        secretary=secretary,
        attendance=attendance,
        note=note,
    )
    most_votes = (
        _on_list(review)
        .filter(household__village=locked.village, meeting_attendance__isnull=False)
        .order_by("-meeting_attendance")
        .values_list("meeting_attendance", flat=True)
        .first()
    )
    if most_votes is not None and attendance < most_votes:
        raise ValidationFailed(
            _("%(n)s people already voted on a household of this village: the attendance cannot be lower.")
            % {"n": most_votes},
            extra={"field": "attendance"},
        )
    before = snapshot(locked, MEETING_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="reviews.village_meeting.update",
        target=locked,
        before=before,
        after=snapshot(locked, MEETING_FIELDS),
    )
    return locked


@transaction.atomic
def meeting_record(
    *,
    assessment: Assessment,
    votes_for: int,
    decided_category: str,
    attendance: int | None = None,
    reason: str = "",
    version: Version,
    acting_user: User | None,
) -> Assessment:
    """The village meeting's vote on one household. Below 50 % agreement the household goes back to survey.
    The household's village meeting must be recorded first; ``attendance`` (those who voted, default: the
    meeting's attendance) cannot exceed it."""
    review = CommuneReview.objects.get(round=assessment.round, commune=assessment.commune)
    _require_step(review, Step.SURVEY)
    locked = _locked_assessment(assessment, version)
    if locked.status not in (AssessmentStatus.SURVEYED, AssessmentStatus.AGREED):
        raise ValidationFailed(_("Only surveyed households go to the village meeting."))
    village_meeting = VillageMeeting.objects.filter(
        commune_review=review, village_id=locked.household.village_id
    ).first()
    if village_meeting is None:
        raise ValidationFailed(
            _("Record the meeting of the household's village first (date, chair, attendance).")
        )
    if attendance is None:
        attendance = village_meeting.attendance
    if attendance > village_meeting.attendance:
        raise ValidationFailed(
            _("The meeting of %(village)s had %(n)s attendees: the attendance cannot be higher.")
            % {"village": village_meeting.village.name, "n": village_meeting.attendance},
            extra={"field": "attendance"},
        )
    if attendance <= 0 or votes_for < 0 or votes_for > attendance:
        raise ValidationFailed(
            _("Votes in favour must be between 0 and the attendance."), extra={"field": "votes_for"}
        )
    if decided_category not in Category.values:
        raise ValidationFailed(
            _("Choose the category decided by the meeting."), extra={"field": "decided_category"}
        )
    if decided_category != locked.proposed_category and not reason.strip():
        raise ValidationFailed(
            _("The meeting decided a category different from the standard's result: give the reason."),
            extra={"field": "reason"},
        )
    meeting_fields = [
        "meeting_votes_for",
        "meeting_attendance",
        "decided_category",
        "decision_reason",
        "status",
    ]
    before = snapshot(locked, meeting_fields)
    locked.meeting_votes_for, locked.meeting_attendance = votes_for, attendance
    if votes_for * 100 < AGREEMENT_MIN_PCT * attendance:
        locked.status = AssessmentStatus.LISTED  # back to survey
        locked.decided_category = ""
    else:
        locked.status = AssessmentStatus.AGREED
        locked.decided_category = decided_category
        locked.decision_reason = reason.strip()
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="reviews.assessment.meeting",
        target=locked,
        before=before,
        after={**snapshot(locked, meeting_fields), "village_meeting": village_meeting.pk},
    )
    return locked


# How a step is recorded when the commune's list is empty: the meeting and the posting are not held.
NOT_HELD_EMPTY_LIST = "empty_list"


def list_is_empty(review: CommuneReview) -> bool:
    return not _on_list(review).exists()


@transaction.atomic
def meeting_complete(*, review: CommuneReview, acting_user: User | None) -> CommuneReview:
    """Close step 3: every village with households on the list has held its meeting and every household
    has its vote. The commune's meeting date is the last village meeting, its attendance their sum. A
    commune whose list is empty passes the step without a meeting ("not held: no household on the list")."""
    _require_step(review, Step.SURVEY)
    if list_is_empty(review):
        review.meeting_date, review.meeting_attendance = None, None
        return _advance(review, Step.MEETING, acting_user, {"held": False, "reason": NOT_HELD_EMPTY_LIST})
    qs = review.round.assessments.filter(commune=review.commune)
    missing = [v.name for v in meeting_villages(review) if not review.meetings.filter(village=v).exists()]
    if missing:
        raise ValidationFailed(
            _("The meeting of these villages is not recorded yet: %(villages)s.")
            % {"villages": ", ".join(missing)}
        )
    back = qs.filter(status=AssessmentStatus.LISTED).count()
    if back:
        raise ValidationFailed(
            _("%(n)s households did not reach 50 %% agreement and must be surveyed again first.")
            % {"n": back}
        )
    undecided = qs.filter(status=AssessmentStatus.SURVEYED).count()
    if undecided:
        raise ValidationFailed(_("%(n)s households have no meeting result yet.") % {"n": undecided})
    villages = {v.pk for v in meeting_villages(review)}
    meetings = [m for m in review.meetings.all() if m.village_id in villages]
    review.meeting_date = max(m.held_on for m in meetings)
    review.meeting_attendance = sum(m.attendance for m in meetings)
    return _advance(
        review,
        Step.MEETING,
        acting_user,
        {
            "held": True,
            "meeting_date": review.meeting_date.isoformat(),
            "attendance": review.meeting_attendance,
            "villages": len(meetings),
        },
    )


@transaction.atomic
def complaint_add(
    *,
    review: CommuneReview,
    content: str,
    received_on: dt.date,
    household: Household | None,
    acting_user: User | None,
) -> Complaint:
    if review.locked:
        raise ValidationFailed(_("This commune's review has been submitted and is locked."))
    if review.step < Step.MEETING:
        raise ValidationFailed(
            _("Complaints are recorded during the public posting, after the village meeting.")
        )
    if not content.strip():
        raise ValidationFailed(_("Enter the content of the complaint."), extra={"field": "content"})
    complaint = Complaint.objects.create(
        commune_review=review, content=content.strip(), received_on=received_on, household=household
    )
    audit_record(
        actor=acting_user, action="reviews.complaint.add", target=complaint, after=snapshot(complaint)
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, resolution: str, resolved_on: dt.date, acting_user: User | None
) -> Complaint:
    if not resolution.strip():
        raise ValidationFailed(_("Describe how the complaint was resolved."), extra={"field": "resolution"})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.RESOLVED:
        raise ValidationFailed(_("This complaint has already been resolved."))
    before = snapshot(complaint)
    complaint.resolution, complaint.resolved_on = resolution.strip(), resolved_on
    complaint.status = ComplaintStatus.RESOLVED
    complaint.save()
    audit_record(
        actor=acting_user,
        action="reviews.complaint.resolve",
        target=complaint,
        before=before,
        after=snapshot(complaint),
    )
    return complaint


@transaction.atomic
def complaint_resolve_in_review(
    *, complaint: Complaint, resolution: str, resolved_on: dt.date, acting_user: User | None
) -> Complaint:
    """``complaint_resolve`` as the commune's review page calls it: refused on a submitted (locked) review,
    in a closed round, for a complaint already resolved, or dated before it was received."""
    locked = (
        Complaint.objects.select_for_update().select_related("commune_review__round").get(pk=complaint.pk)
    )
    review = locked.commune_review
    if review.locked:
        raise ValidationFailed(_("This commune's review has been submitted and is locked."))
    if review.round.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
    if locked.status == ComplaintStatus.RESOLVED:
        raise ValidationFailed(_("This complaint has already been resolved."))
    if resolved_on < locked.received_on:
        raise ValidationFailed(
            _("The complaint cannot be resolved before it was received."), extra={"field": "resolved_on"}
        )
    return complaint_resolve(
        complaint=locked, resolution=resolution, resolved_on=resolved_on, acting_user=acting_user
    )


@transaction.atomic
def posting_complete(
    *,
    review: CommuneReview,
    posting_from: dt.date | None = None,
    posting_to: dt.date | None = None,
    acting_user: User | None,
) -> CommuneReview:
    """Close step 4, the public posting: not before its last day (local date). A commune whose list is empty
    passes the step without a posting ("not held: no household on the list"), never with dates."""
    _require_step(review, Step.MEETING)
    if list_is_empty(review):
        if posting_from is not None or posting_to is not None:
            raise ValidationFailed(
                _("No household is on the commune's list: there is nothing to post, so no dates."),
                extra={"field": "posting_from"},
            )
        review.posting_from, review.posting_to = None, None
        return _advance(review, Step.POSTING, acting_user, {"held": False, "reason": NOT_HELD_EMPTY_LIST})
    if posting_from is None:
        raise ValidationFailed(_("Enter the first day of the posting."), extra={"field": "posting_from"})
    if posting_to is None:
        raise ValidationFailed(_("Enter the last day of the posting."), extra={"field": "posting_to"})
    if posting_to < posting_from:
        raise ValidationFailed(
            _("The end date cannot be before the start date."), extra={"field": "posting_to"}
        )
    if review.meeting_date is not None and posting_from < review.meeting_date:
        raise ValidationFailed(
            _("The posting starts after the village meetings (the last one was on %(date)s).")
            % {"date": review.meeting_date.strftime("%d/%m/%Y")},
            extra={"field": "posting_from"},
        )
    today = timezone.localdate()
    if posting_to > today:
        raise ValidationFailed(
            _("The posting runs until %(date)s: it can be closed from that day on, not before.")
            % {"date": posting_to.strftime("%d/%m/%Y")},
            extra={"field": "posting_to"},
        )
    open_complaints = review.complaints.filter(status=ComplaintStatus.OPEN).count()
    if open_complaints:
        raise ValidationFailed(_("%(n)s complaints are still open.") % {"n": open_complaints})
    review.posting_from, review.posting_to = posting_from, posting_to
    return _advance(
        review,
        Step.POSTING,
        acting_user,
        {"held": True, "posting_from": posting_from.isoformat(), "posting_to": posting_to.isoformat()},
    )


def movement_of(before: str, after: str, escaped_earlier: bool) -> Movement:
    """The movement between the start and the end of the year (shared/domain/review-forms.md §6)."""
    if before == Category.POOR:
        return Movement.STILL_POOR if after == Category.POOR else Movement.ESCAPED_POVERTY
    if before == Category.NEAR_POOR:
        if after == Category.POOR:
            return Movement.NEAR_POOR_TO_POOR
        return Movement.STILL_NEAR_POOR if after == Category.NEAR_POOR else Movement.ESCAPED_NEAR_POVERTY
    if after == Category.POOR:
        return Movement.RE_POOR if escaped_earlier else Movement.NEWLY_POOR
    if after == Category.NEAR_POOR:
        return Movement.NEWLY_NEAR_POOR
    return Movement.NONE


@transaction.atomic
def recognise(
    *, review: CommuneReview, decision_number: str, decision_date: dt.date, acting_user: User | None
) -> CommuneReview:
    """Step 5: the commune chairperson's decision. The registry takes the decided categories."""
    _require_step(review, Step.POSTING)
    if not decision_number.strip():
        raise ValidationFailed(_("Enter the decision number."), extra={"field": "decision_number"})
    assessments = list(
        review.round.assessments.filter(
            commune=review.commune, status=AssessmentStatus.AGREED
        ).select_related("household")
    )
    escaped_before = set(
        Assessment.objects.filter(
            household_id__in=[a.household_id for a in assessments],
            movement=Movement.ESCAPED_POVERTY,
            round__year__lt=review.round.year,
        ).values_list("household_id", flat=True)
    ) | set(
        RegularRequest.objects.filter(
            household_id__in=[a.household_id for a in assessments],
            kind=RequestKind.ESCAPE,
            status=RequestStatus.APPROVED,
            decided_on__lt=decision_date,
        ).values_list("household_id", flat=True)
    )
    for assessment in assessments:
        assessment.movement = movement_of(
            assessment.category_before, assessment.decided_category, assessment.household_id in escaped_before
        )
        assessment.status = AssessmentStatus.RECOGNISED
        assessment.version += 1
    Assessment.objects.bulk_update(assessments, ["movement", "status", "version"])
    # The registry takes the decision through its one writer (history rows, versions, audit, signal).
    with summaries_refreshed_by_caller():  # the step below recounts this commune on commit
        households_recognise(
            decisions=[(a.household_id, a.decided_category, a.provincial_category) for a in assessments],
            decision_number=decision_number,
            decision_date=decision_date,
            acting_user=acting_user,
            reason=_("Recognition of the %(year)s review") % {"year": review.round.year},
        )
    review.decision_number, review.decision_date = decision_number.strip(), decision_date
    counts = Counter(a.movement for a in assessments)
    return _advance(
        review,
        Step.RECOGNITION,
        acting_user,
        {
            "decision_number": review.decision_number,
            "decision_date": decision_date.isoformat(),
            "movements": dict(counts),
        },
    )


@transaction.atomic
def certificates_complete(*, review: CommuneReview, acting_user: User | None) -> CommuneReview:
    _require_step(review, Step.RECOGNITION)
    certificates_register(review=review, acting_user=acting_user)
    return _advance(review, Step.CERTIFICATES, acting_user)


@transaction.atomic
def submit(*, review: CommuneReview, acting_user: User | None) -> CommuneReview:
    _require_step(review, Step.CERTIFICATES)
    before = snapshot(review, ["step", "locked"])
    review.locked = True
    review.submitted_at = timezone.now()
    review = _advance(review, Step.SUBMITTED, acting_user, before=before)
    review.frozen_at = figures.freeze(review.round, review.commune, now=review.submitted_at).frozen_at
    _province_refresh(review.round)
    return review


@transaction.atomic
def reopen(*, review: CommuneReview, to_step: int, reason: str, acting_user: User | None) -> CommuneReview:
    """The province reopens a submitted (or advanced) review back to an earlier step, with a reason."""
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for reopening."), extra={"field": "reason"})
    _lock_review(review)
    if review.round.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
    if to_step == review.step and not review.locked:
        raise ValidationFailed(
            _("This review is already open at the end of step %(step)s.") % {"step": to_step},
            extra={"field": "to_step"},
        )
    if not Step.NOT_STARTED <= to_step < review.step:
        raise ValidationFailed(_("Choose an earlier step to go back to."), extra={"field": "to_step"})
    if to_step < Step.RECOGNITION <= review.step:
        raise ValidationFailed(
            _(
                "The commune chairperson's decision has been applied to the registry; "
                "reopen at most to step 5."
            )
        )
    before = snapshot(review, ["step", "locked"])
    review.step, review.locked = to_step, False
    review.version += 1
    review.save()
    _event(review, to_step, "reopen", acting_user, note=reason.strip())
    figures.unfreeze(review.round, review.commune)  # follows the registry again until it submits again
    review.frozen_at = None
    transaction.on_commit(lambda: summary_refresh(round_id=review.round_id, commune_id=review.commune_id))
    audit_record(
        actor=acting_user,
        action="reviews.reopen",
        target=review,
        before=before,
        after=snapshot(review, ["step", "locked"]),
        note=reason.strip(),
    )
    return review


# Regular (in-year) review --------------------------------------------------------------------------------


@transaction.atomic
def regular_request_file(
    *, household: Household, kind: str, filed_on: dt.date, note: str = "", acting_user: User | None
) -> RegularRequest:
    if kind not in RequestKind.values:
        raise ValidationFailed(_("Choose the kind of request."), extra={"field": "kind"})
    if kind == RequestKind.ESCAPE and household.category not in (Category.POOR, Category.NEAR_POOR):
        raise ValidationFailed(_("Only a poor or near-poor household can ask to be recognised as escaped."))
    if RegularRequest.objects.filter(household=household, status=RequestStatus.PENDING).exists():
        raise ValidationFailed(_("This household already has a pending request."))
    request = RegularRequest.objects.create(
        household=household,
        commune=household.commune,
        kind=kind,
        filed_on=filed_on,
        due_on=filed_on + dt.timedelta(days=RegularRequest.DAYS_TO_DECIDE),
        note=note,
    )
    audit_record(actor=acting_user, action="reviews.request.file", target=request, after=snapshot(request))
    return request


@transaction.atomic
def regular_request_decide(
    *,
    request: RegularRequest,
    approved: bool,
    decided_on: dt.date,
    decision_number: str,
    note: str = "",
    acting_user: User | None,
) -> RegularRequest:
    # Locked and read again: a second decision (a double click, another officer) sees the first one.
    request = RegularRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationFailed(_("This request has already been decided."))
    if decided_on < request.filed_on:
        raise ValidationFailed(
            _("The decision cannot be dated before the request."), extra={"field": "decided_on"}
        )
    if approved and not decision_number.strip():
        raise ValidationFailed(_("Enter the decision number."), extra={"field": "decision_number"})
    before = snapshot(request)
    request.status = RequestStatus.APPROVED if approved else RequestStatus.REJECTED
    request.decided_on, request.decision_number = decided_on, decision_number.strip()
    request.note = note or request.note
    request.save()
    if approved:
        # An in-year decision does not classify (the request's kind says the category); the provincial
        # category is left as it is. The registry takes it through its one writer, whose signal recounts
        # the open round's summary of the commune on commit (``receivers``).
        current = (
            Household.objects.select_for_update()
            .values_list("category", flat=True)
            .get(pk=request.household_id)
        )
        category = {
            RequestKind.BECOME_POOR: Category.POOR,
            RequestKind.BECOME_NEAR_POOR: Category.NEAR_POOR,
            RequestKind.ESCAPE: Category.NOT_POOR if current == Category.NEAR_POOR else Category.NEAR_POOR,
        }[RequestKind(request.kind)]
        households_recognise(
            decisions=[(request.household_id, category, None)],
            decision_number=request.decision_number,
            decision_date=decided_on,
            acting_user=acting_user,
            reason=_("In-year decision"),
        )
    audit_record(
        actor=acting_user,
        action="reviews.request.decide",
        target=request,
        before=before,
        after=snapshot(request),
    )
    return request


# Summaries ------------------------------------------------------------------------------------------------


def summary_refresh(*, round_id: int, commune_id: int) -> AreaSummary:
    """Recount one commune of one round (and its villages), then the province row: a few set-based
    queries (``reviews.figures``). A frozen commune is returned untouched: its figures are those it
    submitted."""
    review_round = ReviewRound.objects.get(pk=round_id)
    summary, changed = _commune_refresh(review_round, Area.objects.get(pk=commune_id))
    if changed:
        _province_refresh(review_round)
    return summary


def _commune_refresh(review_round: ReviewRound, commune: Area) -> tuple[AreaSummary, bool]:
    """One commune's rows recounted (``True``), or its frozen row untouched (``False``); not the province."""
    frozen = AreaSummary.objects.filter(round=review_round, area=commune, frozen_at__isnull=False).first()
    if frozen is not None:
        return frozen, False
    return figures.store(review_round, commune, figures.compute(review_round, commune), frozen_at=None), True


# The columns of AreaSummary that are counts (the others of the official tables are in ``figures``).
COUNT_FIELDS = [
    "households",
    "em_households",
    "start_poor",
    "start_near_poor",
    "escaped_poverty",
    "escaped_near_poverty",
    "newly_poor",
    "re_poor",
    "near_poor_to_poor",
    "newly_near_poor",
    "end_poor",
    "end_near_poor",
    "end_poor_em",
    "end_near_poor_em",
    "end_poor_no_work_capacity",
]


def _province_refresh(review_round: ReviewRound) -> None:
    """The province row is the sum of the commune rows (villages are not added again)."""
    values = figures.province_values(review_round)
    AreaSummary.objects.update_or_create(round=review_round, area=review_round.province, defaults=values)


def summaries_rebuild(*, review_round: ReviewRound) -> int:
    """Recount every commune of a round that is not frozen (after an import or a reclassification)."""
    communes = list(
        Area.objects.filter(
            pk__in=review_round.commune_reviews.filter(frozen_at__isnull=True).values("commune_id")
        )
    )
    for commune in communes:
        _commune_refresh(review_round, commune)
    _province_refresh(review_round)  # once, after every commune
    return len(communes)


# Certificate numbers (helper "docs") ----------------------------------------------------------------------


@transaction.atomic
def certificates_register(*, review: CommuneReview, acting_user: User | None) -> dict[int, int]:
    """Register the certificate numbers of a commune's recognised poor and near-poor households (the step
    "certificates issued", or the first download). Numbers run 1, 2, … per round and commune in the order of
    the list (village, household code) the first time; a household recognised later gets the next number;
    a household that leaves the list keeps its row, and its number is never given again. Nothing is ever
    renumbered. Returns household id -> number of the households recognised now."""
    if review.step < Step.RECOGNITION or not review.decision_date:
        raise ValidationFailed(_("The commune chairperson has not recognised the households yet."))
    # One registration at a time per commune: the review row is the lock.
    CommuneReview.objects.select_for_update().filter(pk=review.pk).first()
    recognised = list(
        Assessment.objects.filter(
            round_id=review.round_id,
            commune_id=review.commune_id,
            status=AssessmentStatus.RECOGNISED,
            decided_category__in=(Category.POOR, Category.NEAR_POOR),
        )
        .order_by("household__village__code", "household__code", "pk")
        .values_list("household_id", "household__code", "decided_category")
    )
    existing = {
        c.household_id: c
        for c in Certificate.objects.filter(
            round_id=review.round_id, household_id__in=[row[0] for row in recognised]
        )
    }
    last = (
        Certificate.objects.filter(round_id=review.round_id, commune_id=review.commune_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    ) or 0
    created: list[Certificate] = []
    recategorised: list[Certificate] = []
    for household_id, _code, category in recognised:
        certificate = existing.get(household_id)
        if certificate is None:
            last += 1
            certificate = Certificate(
                round_id=review.round_id,
                commune_id=review.commune_id,
                household_id=household_id,
                number=last,
                category=category,
            )
            existing[household_id] = certificate
            created.append(certificate)
        elif certificate.category != category:
            certificate.category = category
            recategorised.append(certificate)
    if created:
        Certificate.objects.bulk_create(created)
    if recategorised:
        Certificate.objects.bulk_update(recategorised, ["category"])
    if created or recategorised:
        codes = {household_id: code for household_id, code, _category in recognised}
        audit_record(
            actor=acting_user,
            action="reviews.certificates.register",
            target=review,
            after={
                "numbers": {codes[c.household_id]: c.number for c in created},
                "category_changed": {codes[c.household_id]: c.category for c in recategorised},
            },
        )
    return {household_id: existing[household_id].number for household_id, _code, _category in recognised}
