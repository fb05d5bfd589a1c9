"""Issue 12 (findings 5 and 6) for the review: the survey writes the registry through its one writer, the
survey, meeting and village meeting forms require their version, every status change audits before and
after, and a transition applied twice is refused without a second audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from conftest import client_for
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION, StaleVersion
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services
from giamngheo.reviews.models import Assessment, CommuneReview, ReviewRound, RoundStatus, Step, VillageMeeting
from giamngheo.reviews.tests.meetings import hold_village_meetings
from giamngheo.reviews.tests.test_views import _rush_to, messages_of

pytestmark = pytest.mark.django_db

RELOAD = "tải lại trang"
MEETING_DAY = dt.date(2026, 11, 2)


@pytest.fixture
def review_round(province, users) -> ReviewRound:  # type: ignore[no-untyped-def]
    return services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])


@pytest.fixture
def review(review_round, commune_a) -> CommuneReview:  # type: ignore[no-untyped-def]
    return CommuneReview.objects.get(round=review_round, commune=commune_a)


def _listed(review: CommuneReview, commune: Any) -> Assessment:
    household = make_household(commune, category="poor")
    services.listing_complete(review=review, acting_user=None)
    return Assessment.objects.get(round=review.round, household=household)


def _audits(action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("pk"))


# 1. The survey writes the registry through its one writer ---------------------------------------------------


def test_a_survey_writes_history_audit_and_version_of_the_household(review, commune_a, users) -> None:
    assessment = _listed(review, commune_a)
    household = Household.objects.get(pk=assessment.household_id)
    old_income, old_version, old_history = (
        household.income_per_capita,
        household.version,
        household.history.count(),
    )
    officer = users["canbo.bugiamap"]
    response = client_for(officer).post(
        reverse("reviews:survey", args=[assessment.pk]),
        {"income_per_capita": "1.234.000", "surveyed_on": "2026-10-02", "version": assessment.version},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.income_per_capita == 1_234_000 and household.version == old_version + 1
    assert household.history.count() == old_history + 1
    latest = household.history.order_by("-history_id").first()
    assert latest.income_per_capita == 1_234_000 and latest.history_user_id == officer.pk
    [audit] = _audits("households.household.income")
    assert audit.target_id == str(household.pk) and audit.actor_id == officer.pk
    assert audit.before["income_per_capita"] == old_income and audit.after["income_per_capita"] == 1_234_000
    assert audit.before["version"] == old_version and audit.after["version"] == old_version + 1


# 2. Version required on the survey, meeting and village meeting forms ---------------------------------------


@pytest.mark.parametrize("version", ["missing", "stale"])
def test_a_survey_without_or_with_a_stale_version_is_refused(review, commune_a, users, version) -> None:
    assessment = _listed(review, commune_a)
    data = {"income_per_capita": "1.234.000", "surveyed_on": "2026-10-02"}
    if version == "stale":
        opened = assessment.version
        services.survey_record(
            assessment=assessment, income_per_capita=2_000_000, version=opened, acting_user=None
        )
        data["version"] = opened
    assessment.refresh_from_db()
    household = Household.objects.get(pk=assessment.household_id)
    before = (
        assessment.version,
        assessment.income_per_capita,
        household.version,
        household.income_per_capita,
    )
    audits = AuditRecord.objects.count()
    response = client_for(users["canbo.bugiamap"]).post(reverse("reviews:survey", args=[assessment.pk]), data)
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors()).lower()
    assessment.refresh_from_db()
    household.refresh_from_db()
    after = (assessment.version, assessment.income_per_capita, household.version, household.income_per_capita)
    assert after == before and AuditRecord.objects.count() == audits


def _surveyed(review: CommuneReview, commune: Any) -> Assessment:
    assessment = _listed(review, commune)
    services.survey_record(
        assessment=assessment, income_per_capita=1_000_000, version=assessment.version, acting_user=None
    )
    services.survey_complete(review=review, acting_user=None)
    hold_village_meetings(review, on=MEETING_DAY, attendance=40)
    assessment.refresh_from_db()
    return assessment


@pytest.mark.parametrize("version", ["missing", "stale"])
def test_a_meeting_vote_without_or_with_a_stale_version_is_refused(review, commune_a, users, version) -> None:
    assessment = _surveyed(review, commune_a)
    data: dict[str, Any] = {
        "attendance": "40",
        "votes_for": "30",
        "decided_category": assessment.proposed_category or "poor",
        "reason": "Lý do",
    }
    if version == "stale":
        data["version"] = assessment.version
        services.meeting_record(
            assessment=assessment,
            votes_for=10,
            attendance=40,
            decided_category=data["decided_category"],
            reason="Lý do",
            version=assessment.version,
            acting_user=None,
        )
    assessment.refresh_from_db()
    before = (assessment.version, assessment.meeting_votes_for, assessment.status)
    audits = AuditRecord.objects.count()
    response = client_for(users["canbo.bugiamap"]).post(
        reverse("reviews:meeting", args=[assessment.pk]), data
    )
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors()).lower()
    assessment.refresh_from_db()
    assert (assessment.version, assessment.meeting_votes_for, assessment.status) == before
    assert AuditRecord.objects.count() == audits


@pytest.mark.parametrize("version", ["missing", "stale"])
def test_a_village_meeting_edit_without_or_with_a_stale_version_is_refused(
    review, commune_a, users, version
) -> None:
    assessment = _surveyed(review, commune_a)
    meeting = VillageMeeting.objects.get(commune_review=review, village_id=assessment.household.village_id)
    data: dict[str, Any] = {"held_on": "2026-11-03", "chair": "Người khác", "attendance": "45"}
    if version == "stale":
        data["version"] = meeting.version
        services.village_meeting_update(
            meeting=meeting,
            version=meeting.version,
            held_on=MEETING_DAY,
            chair="Trưởng thôn mới",
            attendance=41,
            acting_user=None,
        )
    meeting.refresh_from_db()
    before = (meeting.version, meeting.chair, meeting.attendance)
    url = reverse("reviews:village-meeting", args=[review.pk, meeting.village_id])
    response = client_for(users["canbo.bugiamap"]).post(url, data)
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors()).lower()
    meeting.refresh_from_db()
    assert (meeting.version, meeting.chair, meeting.attendance) == before


def test_the_review_services_refuse_a_missing_version(review, commune_a) -> None:
    assessment = _listed(review, commune_a)
    with pytest.raises(StaleVersion):
        services.survey_record(assessment=assessment, income_per_capita=1, version=None, acting_user=None)
    saved = services.survey_record(
        assessment=assessment, income_per_capita=1, version=ANY_VERSION, acting_user=None
    )
    assert saved.income_per_capita == 1


# 3. and 4. Status changes audit before/after; applied twice they are refused --------------------------------


def test_closing_a_closed_round_is_refused_and_audited_once(review_round, users) -> None:
    CommuneReview.objects.filter(round=review_round).update(locked=True, step=Step.SUBMITTED)
    services.round_close(review_round=review_round, acting_user=users["chuyenvien"])
    [audit] = _audits("reviews.round.close")
    assert audit.before["status"] == RoundStatus.OPEN and audit.after["status"] == RoundStatus.CLOSED
    assert audit.before["closed_at"] is None and audit.after["closed_at"]
    # The same round object as a second request would hold it, opened before the first close.
    stale = ReviewRound.objects.get(pk=review_round.pk)
    stale.status = RoundStatus.OPEN
    with pytest.raises(ValidationFailed) as refused:
        services.round_close(review_round=stale, acting_user=users["chuyenvien"])
    assert "đã đóng" in str(refused.value.message)
    page = client_for(users["chuyenvien"]).post(
        reverse("reviews:round-close", args=[review_round.pk]), follow=True
    )
    assert any("đã đóng" in m for m in messages_of(page, constants.ERROR))
    assert len(_audits("reviews.round.close")) == 1


def test_submit_and_return_audit_before_and_after_and_are_refused_twice(review, users) -> None:
    _rush_to(review, Step.CERTIFICATES, None)
    opened_twice = CommuneReview.objects.get(pk=review.pk)  # a second tab, opened before the submission
    services.submit(review=review, acting_user=users["canbo.bugiamap"])
    [submitted] = _audits("reviews.step.submitted")
    assert submitted.before == {"step": Step.CERTIFICATES, "locked": False}
    assert submitted.after["step"] == Step.SUBMITTED and submitted.after["locked"] is True
    with pytest.raises(ValidationFailed):
        services.submit(review=opened_twice, acting_user=users["canbo.bugiamap"])
    assert len(_audits("reviews.step.submitted")) == 1

    # The province returns it to the end of step 5, with a reason; the same return twice is refused.
    before_return = CommuneReview.objects.get(pk=review.pk)
    services.reopen(
        review=review, to_step=Step.RECOGNITION, reason="Sai số liệu", acting_user=users["chuyenvien"]
    )
    [returned] = _audits("reviews.reopen")
    assert returned.before == {"step": Step.SUBMITTED, "locked": True}
    assert returned.after == {"step": Step.RECOGNITION, "locked": False}
    with pytest.raises(ValidationFailed) as refused:
        services.reopen(
            review=before_return,
            to_step=Step.RECOGNITION,
            reason="Sai số liệu",
            acting_user=users["chuyenvien"],
        )
    assert "5" in str(refused.value.message)
    assert len(_audits("reviews.reopen")) == 1
    review.refresh_from_db()
    assert (review.step, review.locked) == (Step.RECOGNITION, False)


def test_a_step_completed_twice_is_refused(review) -> None:
    opened_twice = CommuneReview.objects.get(pk=review.pk)
    services.listing_complete(review=review, acting_user=None)
    with pytest.raises(ValidationFailed):
        services.listing_complete(review=opened_twice, acting_user=None)
    assert len(_audits("reviews.step.listing")) == 1


def test_screening_and_meeting_votes_audit_before_and_after(review, commune_a) -> None:
    assessment = _surveyed(review, commune_a)
    services.meeting_record(
        assessment=assessment,
        votes_for=30,
        attendance=40,
        decided_category=assessment.proposed_category or "poor",
        reason="Lý do",
        version=assessment.version,
        acting_user=None,
    )
    [vote] = _audits("reviews.assessment.meeting")
    assert vote.before["status"] == "surveyed" and vote.after["status"] == "agreed"
    assert vote.before["meeting_votes_for"] is None and vote.after["meeting_votes_for"] == 30


def test_a_complaint_resolved_twice_is_refused(review, users) -> None:
    _rush_to(review, Step.MEETING, None)
    complaint = services.complaint_add(
        review=review, content="Khiếu nại", received_on=MEETING_DAY, household=None, acting_user=None
    )
    stale = type(complaint).objects.get(pk=complaint.pk)
    services.complaint_resolve(
        complaint=complaint, resolution="Đã giải quyết", resolved_on=MEETING_DAY, acting_user=None
    )
    with pytest.raises(ValidationFailed):
        services.complaint_resolve(
            complaint=stale, resolution="Lần hai", resolved_on=MEETING_DAY, acting_user=None
        )
    assert len(_audits("reviews.complaint.resolve")) == 1


def test_a_request_decided_twice_is_refused_and_audited_once(commune_a) -> None:
    household = make_household(commune_a, category="middle")
    filed = services.regular_request_file(
        household=household, kind="become_poor", filed_on=dt.date(2026, 11, 1), acting_user=None
    )
    stale = type(filed).objects.get(pk=filed.pk)  # the page another officer opened before the decision
    services.regular_request_decide(
        request=filed,
        approved=True,
        decided_on=dt.date(2026, 11, 5),
        decision_number="1/QĐ",
        acting_user=None,
    )
    [decided] = _audits("reviews.request.decide")
    assert decided.before["status"] == "pending" and decided.after["status"] == "approved"
    with pytest.raises(ValidationFailed):
        services.regular_request_decide(
            request=stale,
            approved=False,
            decided_on=dt.date(2026, 11, 6),
            decision_number="",
            acting_user=None,
        )
    assert len(_audits("reviews.request.decide")) == 1
    assert len(_audits("households.household.recognise")) == 1


@pytest.mark.parametrize("version", ["missing", "stale"])
def test_form_a_without_or_with_a_stale_version_is_refused(review, commune_a, users, version) -> None:
    services.listing_complete(review=review, acting_user=None)
    review.refresh_from_db()
    household = make_household(commune_a, category="middle")
    requested = services.request_add(review=review, household=household, acting_user=None)
    data: dict[str, Any] = {"passed": "1"}
    if version == "stale":
        data["version"] = requested.version
        services.screening_record(
            assessment=requested, passed=False, version=requested.version, acting_user=None
        )
    requested.refresh_from_db()
    before = (requested.version, requested.screening_passed, requested.status)
    page = client_for(users["canbo.bugiamap"]).post(
        reverse("reviews:screening", args=[requested.pk]), data, follow=True
    )
    assert any(RELOAD in m.lower() for m in messages_of(page, constants.ERROR))
    requested.refresh_from_db()
    assert (requested.version, requested.screening_passed, requested.status) == before
