from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services
from giamngheo.reviews.models import AreaSummary, Assessment, AssessmentStatus, CommuneReview, Movement, Step
from giamngheo.reviews.tests.meetings import hold_village_meetings


@pytest.fixture
def review(province, commune_a, users):  # type: ignore[no-untyped-def]
    review_round = services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])
    return CommuneReview.objects.get(round=review_round, commune=commune_a)


def test_round_opens_for_every_commune_with_the_default_window(review, province, users) -> None:
    assert review.round.starts_on == dt.date(2026, 9, 1) and review.round.ends_on == dt.date(2026, 12, 14)
    assert CommuneReview.objects.filter(round=review.round).count() == 95
    with pytest.raises(ValidationFailed):
        services.round_open(province=province, year=2026, acting_user=None)


def test_a_commune_cannot_skip_a_step(review, users) -> None:
    officer = users["canbo.bugiamap"]
    with pytest.raises(ValidationFailed):
        services.survey_complete(review=review, acting_user=officer)
    with pytest.raises(ValidationFailed):
        services.recognise(
            review=review, decision_number="1", decision_date=dt.date(2026, 12, 1), acting_user=officer
        )


def test_whole_review_of_a_commune(review, commune_a, users, django_capture_on_commit_callbacks) -> None:
    officer = users["canbo.bugiamap"]
    poor = make_household(commune_a, head="Điểu Lệ", category="poor", ethnic_group="22")
    near = make_household(commune_a, head="Thị Hoa", category="near_poor", ethnic_group="22")
    applicant = make_household(commune_a, head="Trần Văn Bình")
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_complete(review=review, acting_user=officer)
    review.refresh_from_db()
    assert review.step == Step.LISTING
    request = services.request_add(review=review, household=applicant, acting_user=officer)
    with pytest.raises(ValidationFailed):  # form A first
        services.survey_record(
            assessment=request, income_per_capita=900_000, version=ANY_VERSION, acting_user=officer
        )
    services.screening_record(assessment=request, passed=True, version=ANY_VERSION, acting_user=officer)
    by_household = {
        a.household_id: a for a in Assessment.objects.filter(round=review.round, commune=commune_a)
    }
    # The poor household's income rose: near-poor by the standard; the applicant lacks 3 indicators.
    Household.objects.filter(pk=applicant.pk).update(
        water_source="surface", latrine="none", devices=[], waste_handling="dumped"
    )
    services.survey_record(
        assessment=by_household[poor.pk],
        income_per_capita=1_400_000,
        version=ANY_VERSION,
        acting_user=officer,
    )
    services.survey_record(
        assessment=by_household[near.pk],
        income_per_capita=2_600_000,
        version=ANY_VERSION,
        acting_user=officer,
    )
    surveyed = services.survey_record(
        assessment=by_household[applicant.pk],
        income_per_capita=1_000_000,
        version=ANY_VERSION,
        acting_user=officer,
    )
    assert surveyed.proposed_category == "poor"
    # The 2026 round classifies by the standard of 2027 (Decree 351/2025): no information-devices indicator.
    assert surveyed.standard == "ND351-2025"
    assert set(surveyed.deprived) >= {"water", "sanitation", "waste"}
    assert any("Hộ nghèo" in r for r in surveyed.reasons)
    assert surveyed.provincial_standard == "" or surveyed.provincial_category  # 2026: no provincial standard
    services.survey_complete(review=review, acting_user=officer)
    with pytest.raises(ValidationFailed):  # the village meeting first
        services.meeting_record(
            version=ANY_VERSION,
            assessment=by_household[poor.pk],
            votes_for=30,
            decided_category="near_poor",
            acting_user=officer,
        )
    hold_village_meetings(review, on=dt.date(2026, 10, 20), attendance=40, acting_user=officer)
    with pytest.raises(ValidationFailed):  # more voters than the village meeting's attendance
        services.meeting_record(
            version=ANY_VERSION,
            assessment=by_household[poor.pk],
            votes_for=30,
            attendance=41,
            decided_category="near_poor",
            acting_user=officer,
        )
    with pytest.raises(ValidationFailed):  # different from the standard without a reason
        services.meeting_record(
            version=ANY_VERSION,
            assessment=by_household[poor.pk],
            votes_for=30,
            attendance=40,
            decided_category="poor",
            acting_user=officer,
        )
    services.meeting_record(
        version=ANY_VERSION,
        assessment=by_household[poor.pk],
        votes_for=30,
        attendance=40,
        decided_category="near_poor",
        acting_user=officer,
    )
    services.meeting_record(
        version=ANY_VERSION,
        assessment=by_household[near.pk],
        votes_for=35,
        attendance=40,
        decided_category="not_poor",
        reason="Thu nhập vượt mức sống trung bình",
        acting_user=officer,
    )
    # Below 50 % agreement: back to survey, and the meeting cannot be closed.
    low = services.meeting_record(
        version=ANY_VERSION,
        assessment=by_household[applicant.pk],
        votes_for=10,
        attendance=40,
        decided_category="poor",
        acting_user=officer,
    )
    assert low.status == AssessmentStatus.LISTED
    with pytest.raises(ValidationFailed):
        services.meeting_complete(review=review, acting_user=officer)
    with pytest.raises(ValidationFailed):  # back to survey first
        services.meeting_record(
            version=ANY_VERSION,
            assessment=low,
            votes_for=30,
            attendance=40,
            decided_category="poor",
            acting_user=officer,
        )
    resurveyed = services.survey_record(
        assessment=low, income_per_capita=1_000_000, version=ANY_VERSION, acting_user=officer
    )
    services.meeting_record(
        version=ANY_VERSION,
        assessment=resurveyed,
        votes_for=30,
        attendance=40,
        decided_category="poor",
        acting_user=officer,
    )
    services.meeting_complete(review=review, acting_user=officer)
    review.refresh_from_db()
    assert (review.meeting_date, review.meeting_attendance) == (dt.date(2026, 10, 20), 40)
    complaint = services.complaint_add(
        review=review,
        content="Hộ X chưa được xét",
        received_on=dt.date(2026, 10, 25),
        household=None,
        acting_user=officer,
    )
    with pytest.raises(ValidationFailed):  # open complaint
        services.posting_complete(
            review=review,
            posting_from=dt.date(2026, 10, 21),
            posting_to=dt.date(2026, 10, 28),
            acting_user=officer,
        )
    services.complaint_resolve(
        complaint=complaint,
        resolution="Đã giải thích",
        resolved_on=dt.date(2026, 10, 27),
        acting_user=officer,
    )
    services.posting_complete(
        review=review,
        posting_from=dt.date(2026, 10, 21),
        posting_to=dt.date(2026, 10, 28),
        acting_user=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.recognise(
            review=review,
            decision_number="123/QĐ-UBND",
            decision_date=dt.date(2026, 11, 5),
            acting_user=officer,
        )
    movements = dict(Assessment.objects.filter(round=review.round).values_list("household_id", "movement"))
    assert movements == {
        poor.pk: Movement.ESCAPED_POVERTY,
        near.pk: Movement.ESCAPED_NEAR_POVERTY,
        applicant.pk: Movement.NEWLY_POOR,
    }
    assert Household.objects.get(pk=applicant.pk).category == "poor"
    summary = AreaSummary.objects.get(round=review.round, area=commune_a)
    assert (summary.start_poor, summary.start_near_poor) == (1, 1)
    assert (summary.escaped_poverty, summary.escaped_near_poverty, summary.newly_poor) == (1, 1, 1)
    assert (summary.end_poor, summary.end_near_poor, summary.end_poor_em) == (1, 1, 0)
    assert AreaSummary.objects.get(round=review.round, area=review.round.province).end_poor == 1
    services.certificates_complete(review=review, acting_user=officer)
    services.submit(review=review, acting_user=officer)
    review.refresh_from_db()
    assert review.locked and review.step == Step.SUBMITTED
    with pytest.raises(ValidationFailed):  # locked
        services.complaint_add(
            review=review, content="x", received_on=dt.date(2026, 11, 20), household=None, acting_user=officer
        )
    with pytest.raises(ValidationFailed):  # reopening needs a reason
        services.reopen(review=review, to_step=Step.CERTIFICATES, reason=" ", acting_user=users["chuyenvien"])
    services.reopen(
        review=review, to_step=Step.RECOGNITION, reason="Sai số liệu", acting_user=users["chuyenvien"]
    )
    review.refresh_from_db()
    assert not review.locked and review.step == Step.RECOGNITION
    assert AuditRecord.objects.filter(action="reviews.reopen", note="Sai số liệu").exists()


def test_fallen_back_is_told_apart_from_newly_poor() -> None:
    assert services.movement_of("", "poor", escaped_earlier=True) == Movement.RE_POOR
    assert services.movement_of("not_poor", "poor", escaped_earlier=False) == Movement.NEWLY_POOR
    assert services.movement_of("near_poor", "poor", escaped_earlier=False) == Movement.NEAR_POOR_TO_POOR
    assert services.movement_of("poor", "near_poor", escaped_earlier=False) == Movement.ESCAPED_POVERTY
    assert services.movement_of("poor", "poor", escaped_earlier=False) == Movement.STILL_POOR


def test_regular_request_deadline_and_decision(commune_a, users) -> None:
    household = make_household(commune_a, category="poor")
    request = services.regular_request_file(
        household=household, kind="escape", filed_on=dt.date(2026, 3, 2), acting_user=users["canbo.bugiamap"]
    )
    assert request.due_on == dt.date(2026, 3, 17)
    with pytest.raises(ValidationFailed):
        services.regular_request_file(
            household=household, kind="escape", filed_on=dt.date(2026, 3, 3), acting_user=None
        )
    services.regular_request_decide(
        request=request,
        approved=True,
        decided_on=dt.date(2026, 3, 10),
        decision_number="45/QĐ-UBND",
        acting_user=users["canbo.bugiamap"],
    )
    household.refresh_from_db()
    assert household.category == "near_poor"


def test_an_in_year_decision_refreshes_the_open_round_summary(
    review, commune_a, users, django_capture_on_commit_callbacks
) -> None:
    household = make_household(commune_a)
    request = services.regular_request_file(
        household=household,
        kind="become_poor",
        filed_on=dt.date(2026, 4, 1),
        acting_user=users["canbo.bugiamap"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.regular_request_decide(
            request=request,
            approved=True,
            decided_on=dt.date(2026, 4, 10),
            decision_number="7/QĐ-UBND",
            acting_user=users["canbo.bugiamap"],
        )
    assert AreaSummary.objects.get(round=review.round, area=commune_a).end_poor == 1
