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

from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.engine import facts_snapshot, household_facts
from giamngheo.households.models import Household
from giamngheo.households.reference import Category
from giamngheo.poverty.classify import classify
from giamngheo.standards.adapters import area_type, province_code, standards_in_force

from . import figures
from .models import (
    AreaSummary,
    Assessment,
    AssessmentStatus,
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
)

AGREEMENT_MIN_PCT = 50


def _event(
    review: CommuneReview,
    step: int,
    action: str,
    actor: Any,
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


def _require_step(review: CommuneReview, done: int) -> None:
    """The review must have completed exactly ``done`` (the step before the one being worked on)."""
    if review.locked:
        raise ValidationFailed(_("This commune's review has been submitted and is locked."))
    if review.round.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
    if review.step != done:
        raise ValidationFailed(
            _("This cannot be done at this point of the review: the last completed step is “%(current)s”.")
            % {"current": Step(review.step).label}
        )


def _advance(review: CommuneReview, to: int, actor: Any, data: dict[str, Any] | None = None) -> CommuneReview:
    before = snapshot(review, ["step", "locked"])
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


@transaction.atomic
def round_open(
    *,
    province: Area,
    year: int,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    acting_user: Any,
) -> ReviewRound:
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
    if not standards_in_force(year=year):
        raise ValidationFailed(
            _("No poverty standard governs %(year)s.") % {"year": year}, extra={"field": "year"}
        )
    review_round = ReviewRound.objects.create(
        province=province, year=year, starts_on=starts_on, ends_on=ends_on
    )
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
    CommuneReview.objects.bulk_create([CommuneReview(round=review_round, commune=c) for c in communes])
    audit_record(
        actor=acting_user, action="reviews.round.open", target=review_round, after=snapshot(review_round)
    )
    return review_round


@transaction.atomic
def round_close(*, review_round: ReviewRound, acting_user: Any) -> ReviewRound:
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
    audit_record(actor=acting_user, action="reviews.round.close", target=review_round)
    return review_round


@transaction.atomic
def listing_complete(*, review: CommuneReview, acting_user: Any) -> CommuneReview:
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
def request_add(*, review: CommuneReview, household: Household, acting_user: Any) -> Assessment:
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
    audit_record(actor=acting_user, action="reviews.assessment.request", target=assessment)
    return assessment


def _locked_assessment(assessment: Assessment, version: int | None) -> Assessment:
    locked = (
        Assessment.objects.select_for_update()
        .select_related("round", "household", "commune")
        .get(pk=assessment.pk)
    )
    if version is not None and locked.version != version:
        from giamngheo.households.services import StaleVersion

        raise StaleVersion(_("Someone else saved this assessment after you opened it. Reload the page."))
    return locked


@transaction.atomic
def screening_record(*, assessment: Assessment, passed: bool, acting_user: Any) -> Assessment:
    """Form A (requesting households only): a gate before the full survey."""
    review = CommuneReview.objects.get(round=assessment.round, commune=assessment.commune)
    _require_step(review, Step.LISTING)
    if assessment.source != Source.REQUEST:
        raise ValidationFailed(_("Form A is only for households that filed a request."))
    locked = _locked_assessment(assessment, None)
    locked.screening_passed = passed
    locked.status = AssessmentStatus.LISTED if passed else AssessmentStatus.SCREENED_OUT
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="reviews.assessment.screening",
        target=locked,
        after={"screening_passed": passed},
    )
    return locked


def classify_assessment(assessment: Assessment, *, on: dt.date) -> None:
    """Run the engine on the household's current facts and store results under every standard in force."""
    household = assessment.household
    commune = assessment.commune
    income = assessment.income_per_capita if assessment.income_per_capita is not None else 0
    facts = household_facts(
        household, household.members.all(), on=on, area=area_type(commune), income_per_capita=income
    )
    standards = standards_in_force(year=assessment.round.year, province=province_code(commune))
    national = [s for s in standards.values() if s.is_national]
    local = [s for s in standards.values() if not s.is_national]
    assessment.facts = facts_snapshot(facts)
    if national:
        result = classify(facts, national[0])
        assessment.standard = result.standard_code
        assessment.proposed_category = str(result.category)
        assessment.deprivation_count = result.deprivation_count
        assessment.deprived = list(result.deprived)
        assessment.reasons = result.reasons_vi
        assessment.reasons_en = result.reasons_en
    if local:
        local_result = classify(facts, local[0])
        assessment.provincial_standard = local_result.standard_code
        assessment.provincial_category = str(local_result.category)


@transaction.atomic
def survey_record(
    *,
    assessment: Assessment,
    income_per_capita: int,
    version: int | None,
    acting_user: Any,
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
    Household.objects.filter(pk=locked.household_id).update(
        income_per_capita=income_per_capita,
        deprived_keys="|" + "|".join(locked.deprived) + "|" if locked.deprived else "",
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
def survey_complete(*, review: CommuneReview, acting_user: Any) -> CommuneReview:
    _require_step(review, Step.LISTING)
    pending = (
        review.round.assessments.filter(commune=review.commune)
        .filter(Q(status=AssessmentStatus.LISTED))
        .count()
    )
    if pending:
        raise ValidationFailed(_("%(n)s households on the list have not been surveyed yet.") % {"n": pending})
    return _advance(review, Step.SURVEY, acting_user)


@transaction.atomic
def meeting_record(
    *,
    assessment: Assessment,
    votes_for: int,
    attendance: int,
    decided_category: str,
    reason: str = "",
    version: int | None = None,
    acting_user: Any,
) -> Assessment:
    """The village meeting's vote on one household. Below 50 % agreement the household goes back to survey."""
    review = CommuneReview.objects.get(round=assessment.round, commune=assessment.commune)
    _require_step(review, Step.SURVEY)
    locked = _locked_assessment(assessment, version)
    if locked.status not in (AssessmentStatus.SURVEYED, AssessmentStatus.AGREED):
        raise ValidationFailed(_("Only surveyed households go to the village meeting."))
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
        after={
            "votes_for": votes_for,
            "attendance": attendance,
            "decided": locked.decided_category,
            "status": locked.status,
        },
    )
    return locked


@transaction.atomic
def meeting_complete(
    *, review: CommuneReview, meeting_date: dt.date, attendance: int, acting_user: Any
) -> CommuneReview:
    _require_step(review, Step.SURVEY)
    qs = review.round.assessments.filter(commune=review.commune)
    back = qs.filter(status=AssessmentStatus.LISTED).count()
    if back:
        raise ValidationFailed(
            _("%(n)s households did not reach 50 %% agreement and must be surveyed again first.")
            % {"n": back}
        )
    undecided = qs.filter(status=AssessmentStatus.SURVEYED).count()
    if undecided:
        raise ValidationFailed(_("%(n)s households have no meeting result yet.") % {"n": undecided})
    review.meeting_date, review.meeting_attendance = meeting_date, attendance
    return _advance(
        review,
        Step.MEETING,
        acting_user,
        {"meeting_date": meeting_date.isoformat(), "attendance": attendance},
    )


@transaction.atomic
def complaint_add(
    *,
    review: CommuneReview,
    content: str,
    received_on: dt.date,
    household: Household | None,
    acting_user: Any,
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
    *, complaint: Complaint, resolution: str, resolved_on: dt.date, acting_user: Any
) -> Complaint:
    if not resolution.strip():
        raise ValidationFailed(_("Describe how the complaint was resolved."), extra={"field": "resolution"})
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
    *, complaint: Complaint, resolution: str, resolved_on: dt.date, acting_user: Any
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
    *, review: CommuneReview, posting_from: dt.date, posting_to: dt.date, acting_user: Any
) -> CommuneReview:
    _require_step(review, Step.MEETING)
    if posting_to < posting_from:
        raise ValidationFailed(
            _("The end date cannot be before the start date."), extra={"field": "posting_to"}
        )
    open_complaints = review.complaints.filter(status=ComplaintStatus.OPEN).count()
    if open_complaints:
        raise ValidationFailed(_("%(n)s complaints are still open.") % {"n": open_complaints})
    review.posting_from, review.posting_to = posting_from, posting_to
    return _advance(
        review,
        Step.POSTING,
        acting_user,
        {"posting_from": posting_from.isoformat(), "posting_to": posting_to.isoformat()},
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
    *, review: CommuneReview, decision_number: str, decision_date: dt.date, acting_user: Any
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
        household = assessment.household
        household.category = assessment.decided_category
        household.provincial_category = assessment.provincial_category
        household.category_since = decision_date
        household.version += 1
    Assessment.objects.bulk_update(assessments, ["movement", "status", "version"])
    Household.objects.bulk_update(
        [a.household for a in assessments], ["category", "provincial_category", "category_since", "version"]
    )
    households_changed.send(sender=Household, household_ids=[a.household_id for a in assessments])
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
def certificates_complete(*, review: CommuneReview, acting_user: Any) -> CommuneReview:
    _require_step(review, Step.RECOGNITION)
    return _advance(review, Step.CERTIFICATES, acting_user)


@transaction.atomic
def submit(*, review: CommuneReview, acting_user: Any) -> CommuneReview:
    _require_step(review, Step.CERTIFICATES)
    review.locked = True
    review.submitted_at = timezone.now()
    review = _advance(review, Step.SUBMITTED, acting_user)
    review.frozen_at = figures.freeze(review.round, review.commune, now=review.submitted_at).frozen_at
    _province_refresh(review.round)
    return review


@transaction.atomic
def reopen(*, review: CommuneReview, to_step: int, reason: str, acting_user: Any) -> CommuneReview:
    """The province reopens a submitted (or advanced) review back to an earlier step, with a reason."""
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for reopening."), extra={"field": "reason"})
    if review.round.status != RoundStatus.OPEN:
        raise ValidationFailed(_("The review round is closed."))
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
    *, household: Household, kind: str, filed_on: dt.date, note: str = "", acting_user: Any
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
    acting_user: Any,
) -> RegularRequest:
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
        household = Household.objects.select_for_update().get(pk=request.household_id)
        household.category = {
            RequestKind.BECOME_POOR: Category.POOR,
            RequestKind.BECOME_NEAR_POOR: Category.NEAR_POOR,
            RequestKind.ESCAPE: Category.NOT_POOR
            if household.category == Category.NEAR_POOR
            else Category.NEAR_POOR,
        }[RequestKind(request.kind)]
        household.category_since = decided_on
        household.version += 1
        household.save()
        households_changed.send(sender=Household, household_ids=[household.pk])
        open_round = (
            ReviewRound.objects.filter(province_id=household.commune.parent_id, status=RoundStatus.OPEN)
            .order_by("-year")
            .first()
        )
        if open_round is not None:
            round_id, commune_id = open_round.pk, household.commune_id
            transaction.on_commit(lambda: summary_refresh(round_id=round_id, commune_id=commune_id))
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
    commune = Area.objects.get(pk=commune_id)
    frozen = AreaSummary.objects.filter(round=review_round, area=commune, frozen_at__isnull=False).first()
    if frozen is not None:
        return frozen
    summary = figures.store(review_round, commune, figures.compute(review_round, commune), frozen_at=None)
    _province_refresh(review_round)
    return summary


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
        review_round.commune_reviews.filter(frozen_at__isnull=True).values_list("commune_id", flat=True)
    )
    for commune_id in communes:
        summary_refresh(round_id=review_round.pk, commune_id=commune_id)
    _province_refresh(review_round)
    return len(communes)
