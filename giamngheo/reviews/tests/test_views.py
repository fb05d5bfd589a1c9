"""The review interface, driven through the pages as the province and a commune officer would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services
from giamngheo.reviews.forms import MoneyField
from giamngheo.reviews.models import (
    AreaSummary,
    Assessment,
    AssessmentStatus,
    CommuneReview,
    Complaint,
    Movement,
    RegularRequest,
    ReviewRound,
    Source,
    Step,
)
from giamngheo.reviews.tests.meetings import hold_village_meetings


def messages_of(response: Any, level: int | None = None) -> list[str]:
    return [str(m.message) for m in response.context["messages"] if level is None or m.level == level]


def expected_error(call: Any) -> str:
    """The message a service gives, in the interface language of the requests (to compare with the page)."""
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(ValidationFailed) as info:
        call()
    return str(info.value.message)


@pytest.fixture
def review_round(province, users) -> ReviewRound:  # type: ignore[no-untyped-def]
    return services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])


@pytest.fixture
def review(review_round, commune_a) -> CommuneReview:  # type: ignore[no-untyped-def]
    return CommuneReview.objects.get(round=review_round, commune=commune_a)


@pytest.fixture
def officer(users) -> Client:  # type: ignore[no-untyped-def]
    return client_for(users["canbo.bugiamap"])


def _step(client: Client, review: CommuneReview, action: str, **data: Any) -> Any:
    """The step's form sent (and confirmed when it asks: ``confirmed=1``, as its page's button sends)."""
    return client.post(
        reverse("reviews:step-action", args=[review.pk]),
        {"action": action, "confirmed": "1", **data},
        follow=True,
    )


def _rush_to(review: CommuneReview, step: int, user: User) -> None:
    """Drive a review with no household on its list up to ``step`` through the services."""
    calls = {
        Step.LISTING: lambda: services.listing_complete(review=review, acting_user=user),
        Step.SURVEY: lambda: services.survey_complete(review=review, acting_user=user),
        # An empty list: the meeting and the posting are passed as "not held", without dates.
        Step.MEETING: lambda: services.meeting_complete(review=review, acting_user=user),
        Step.POSTING: lambda: services.posting_complete(review=review, acting_user=user),
        Step.RECOGNITION: lambda: services.recognise(
            review=review, decision_number="9/QĐ-UBND", decision_date=dt.date(2026, 11, 2), acting_user=user
        ),
        Step.CERTIFICATES: lambda: services.certificates_complete(review=review, acting_user=user),
        Step.SUBMITTED: lambda: services.submit(review=review, acting_user=user),
    }
    for target in range(review.step + 1, step + 1):
        calls[Step(target)]()
        review.refresh_from_db()


# Rounds -----------------------------------------------------------------------------------------------------


def test_province_opens_a_round_through_the_form_once_per_year(province, users) -> None:
    client = client_for(users["chuyenvien"])
    form_page = client.get(reverse("reviews:round-create"))
    assert form_page.status_code == 200
    response = client.post(reverse("reviews:round-create"), {"province": province.pk, "year": "2026"})
    review_round = ReviewRound.objects.get(province=province, year=2026)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:round-detail", args=[review_round.pk]
    )
    assert (review_round.starts_on, review_round.ends_on) == (dt.date(2026, 9, 1), dt.date(2026, 12, 14))
    assert review_round.commune_reviews.count() == 95
    again = client.post(reverse("reviews:round-create"), {"province": province.pk, "year": "2026"})
    assert again.status_code == 200 and again.context["form"].errors["year"]
    assert ReviewRound.objects.filter(province=province, year=2026).count() == 1
    listing = client.get(reverse("reviews:round-list"))
    assert listing.status_code == 200 and str(review_round) in listing.content.decode()
    # Administrators see every round; a unit head (no review capability) sees none of the pages.
    admin_list = client_for(users["admin"]).get(reverse("reviews:round-list"))
    assert [r for r, _progress in admin_list.context["rows"]] == [review_round]
    assert client_for(users["truongphong"]).get(reverse("reviews:round-list")).status_code == 403


def test_round_window_is_editable_and_checked(province, users) -> None:
    client = client_for(users["chuyenvien"])
    bad = client.post(
        reverse("reviews:round-create"),
        {"province": province.pk, "year": "2027", "starts_on": "2027-12-01", "ends_on": "2027-09-01"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors["ends_on"]
    ok = client.post(
        reverse("reviews:round-create"),
        {"province": province.pk, "year": "2027", "starts_on": "15/08/2027", "ends_on": "2027-12-10"},
    )
    assert ok.status_code == 302
    review_round = ReviewRound.objects.get(year=2027)
    assert (review_round.starts_on, review_round.ends_on) == (dt.date(2027, 8, 15), dt.date(2027, 12, 10))


def test_round_page_shows_communes_in_scope_with_their_step_and_filters(review, commune_b, users) -> None:
    services.listing_complete(review=review, acting_user=users["canbo.bugiamap"])
    client = client_for(users["chuyenvien"])
    url = reverse("reviews:round-detail", args=[review.round_id])
    everything = client.get(url)
    assert everything.context["page_obj"].paginator.count == 95
    at_step_1 = client.get(url, {"step": "1"})
    body = at_step_1.content.decode()
    assert at_step_1.context["page_obj"].paginator.count == 1
    assert "Xã Bù Gia Mập" in body and "Phường Trấn Biên" not in body
    partial = client.get(url, {"step": "0", "q": "tran bien"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Phường Trấn Biên" in partial.content.decode()
    # The officer of commune B sees the round, and in it only their own ward, with a shortcut to it.
    officer_b = client_for(users["canbo.tranbien"])
    own = officer_b.get(url)
    assert own.context["page_obj"].paginator.count == 1
    assert "Xã Bù Gia Mập" not in own.content.decode()
    rounds = officer_b.get(reverse("reviews:round-list")).content.decode()
    own_review = CommuneReview.objects.get(round=review.round, commune=commune_b)
    assert reverse("reviews:commune-review", args=[own_review.pk]) in rounds


def test_round_closes_only_when_every_commune_submitted(review, users) -> None:
    client = client_for(users["chuyenvien"])
    url = reverse("reviews:round-close", args=[review.round_id])
    refused = client.post(url, follow=True)
    assert messages_of(refused, constants.ERROR)
    review.round.refresh_from_db()
    assert review.round.status == "open"
    CommuneReview.objects.filter(round=review.round).update(locked=True, step=Step.SUBMITTED)
    client.post(url)
    review.round.refresh_from_db()
    assert review.round.status == "closed"


# The whole review of a small commune ------------------------------------------------------------------------


def test_officer_completes_every_step_through_the_pages(
    review, commune_a, users, django_capture_on_commit_callbacks
) -> None:
    officer = client_for(users["canbo.bugiamap"])
    poor = make_household(commune_a, head="Điểu Lệ", category="poor", ethnic_group="22")
    applicant = make_household(commune_a, head="Trần Văn Bình")
    Household.objects.filter(pk=applicant.pk).update(
        water_source="surface", latrine="none", devices=[], waste_handling="dumped"
    )
    page_url = reverse("reviews:commune-review", args=[review.pk])
    assert officer.get(page_url).status_code == 200

    # Step 1: the list, and a household that filed a request (form 01), screened with form A.
    with django_capture_on_commit_callbacks(execute=True):
        done = _step(officer, review, "listing_complete")
    review.refresh_from_db()
    assert review.step == Step.LISTING and messages_of(done, constants.SUCCESS)
    listed = Assessment.objects.get(round=review.round, household=poor)
    assert listed.source == Source.CURRENT_LIST
    search = officer.get(reverse("reviews:request-add", args=[review.pk]), {"q": "Trần Văn Bình"})
    assert list(search.context["page_obj"]) == [applicant]
    officer.post(reverse("reviews:request-add", args=[review.pk]), {"household": applicant.pk})
    requested = Assessment.objects.get(round=review.round, household=applicant)
    assert requested.source == Source.REQUEST
    # Survey before form A: refused, with the service's message on the page.
    early = officer.post(
        reverse("reviews:survey", args=[requested.pk]),
        {"income_per_capita": "1.000.000", "surveyed_on": "2026-10-01", "version": requested.version},
    )
    assert early.status_code == 200 and "phiếu A" in str(early.context["form"].errors)
    officer.post(
        reverse("reviews:screening", args=[requested.pk]), {"passed": "1", "version": requested.version}
    )
    requested.refresh_from_db()
    assert requested.screening_passed is True

    # Step 2: surveys; income typed the Vietnamese way.
    survey_url = reverse("reviews:survey", args=[listed.pk])
    survey_page = officer.get(survey_url)
    assert "Điểu Lệ" in survey_page.content.decode()
    saved = officer.post(
        survey_url,
        {"income_per_capita": "1.400.000", "surveyed_on": "2026-10-01", "version": listed.version},
        follow=True,
    )
    listed.refresh_from_db()
    assert listed.income_per_capita == 1_400_000 and listed.proposed_category == "near_poor"
    assert listed.reasons[0] in saved.content.decode()
    officer.post(
        reverse("reviews:survey", args=[requested.pk]),
        {"income_per_capita": "1000000", "surveyed_on": "2026-10-01", "version": requested.version},
    )
    requested.refresh_from_db()
    assert requested.proposed_category == "poor" and requested.status == AssessmentStatus.SURVEYED
    _step(officer, review, "survey_complete")
    review.refresh_from_db()
    assert review.step == Step.SURVEY

    # Step 3: the village meeting; below 50 % goes back to the survey. The village's meeting comes first.
    village = listed.household.village
    refused = officer.post(
        reverse("reviews:meeting", args=[listed.pk]),
        {"attendance": "40", "votes_for": "30", "decided_category": "near_poor", "version": listed.version},
    )
    assert refused.status_code == 200 and "Ghi biên bản họp của thôn" in refused.content.decode()
    assert 'data-testid="village-meeting-missing"' in refused.content.decode()
    page = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert f'data-testid="village-meeting-{village.pk}"' in page and "chưa họp" in page
    meeting_url = reverse("reviews:village-meeting", args=[review.pk, village.pk])
    typed = {"held_on": "2026-10-20", "place": "Nhà văn hóa", "chair": "", "attendance": "40", "version": ""}
    kept = officer.post(meeting_url, typed)  # no chair: refused, what was typed is kept
    assert kept.status_code == 200 and 'value="Nhà văn hóa"' in kept.content.decode()
    officer.post(meeting_url, {**typed, "chair": "Ông Điểu Lên, Trưởng thôn"})
    page = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert "Ông Điểu Lên, Trưởng thôn" in page
    officer.post(
        reverse("reviews:meeting", args=[listed.pk]),
        {"attendance": "40", "votes_for": "30", "decided_category": "near_poor", "version": listed.version},
    )
    listed.refresh_from_db()
    assert listed.status == AssessmentStatus.AGREED and listed.decided_category == "near_poor"
    low = officer.post(
        reverse("reviews:meeting", args=[requested.pk]),
        {"attendance": "40", "votes_for": "10", "decided_category": "poor", "version": requested.version},
        follow=True,
    )
    requested.refresh_from_db()
    assert requested.status == AssessmentStatus.LISTED
    assert 'data-testid="back-to-survey"' in low.content.decode()
    assert messages_of(low, constants.WARNING)
    blocked = _step(officer, review, "meeting_complete")
    assert "cần khảo sát lại trước" in blocked.content.decode()
    review.refresh_from_db()
    assert review.step == Step.SURVEY
    officer.post(
        reverse("reviews:survey", args=[requested.pk]),
        {"income_per_capita": "1.000.000", "surveyed_on": "2026-10-21", "version": requested.version},
    )
    requested.refresh_from_db()
    officer.post(
        reverse("reviews:meeting", args=[requested.pk]),
        {"attendance": "40", "votes_for": "30", "decided_category": "poor", "version": requested.version},
    )
    requested.refresh_from_db()
    assert requested.status == AssessmentStatus.AGREED
    _step(officer, review, "meeting_complete")
    review.refresh_from_db()
    assert review.step == Step.MEETING and review.meeting_attendance == 40
    assert review.meeting_date == dt.date(2026, 10, 20)

    # Step 4: public posting with a complaint, which must be resolved first.
    officer.post(
        reverse("reviews:complaint-add", args=[review.pk]),
        {"content": "Hộ X chưa được xét", "received_on": "2026-10-24", "household_code": poor.code},
    )
    complaint = Complaint.objects.get(commune_review=review)
    assert complaint.household == poor
    still_open = _step(
        officer, review, "posting_complete", posting_from="2026-10-23", posting_to="2026-10-29"
    )
    assert still_open.context["step_forms"]["posting_complete"].non_field_errors()
    review.refresh_from_db()
    assert review.step == Step.MEETING
    officer.post(
        reverse("reviews:complaint-resolve", args=[complaint.pk]),
        {"resolution": "Đã giải thích", "resolved_on": "2026-10-26"},
    )
    _step(officer, review, "posting_complete", posting_from="2026-10-23", posting_to="2026-10-29")
    review.refresh_from_db()
    assert review.step == Step.POSTING

    # Step 5: the chairperson's decision changes the registry and the summaries.
    with django_capture_on_commit_callbacks(execute=True):
        _step(officer, review, "recognise", decision_number="123/QĐ-UBND", decision_date="2026-11-05")
    review.refresh_from_db()
    assert review.step == Step.RECOGNITION and review.decision_number == "123/QĐ-UBND"
    assert Household.objects.get(pk=applicant.pk).category == "poor"
    assert Household.objects.get(pk=poor.pk).category == "near_poor"
    page = officer.get(page_url)
    assert {key: n for key, _label, n in page.context["movements"]} == {
        Movement.ESCAPED_POVERTY: 1,
        Movement.NEWLY_POOR: 1,
    }
    summary = AreaSummary.objects.get(round=review.round, area=commune_a)
    assert (summary.start_poor, summary.escaped_poverty, summary.newly_poor, summary.end_poor) == (1, 1, 1, 1)

    # Step 6: certificates for the poor and near-poor households, then step 7: submit.
    assert page.context["certificate_count"] == 2
    docx = officer.get(reverse("reviews:certificate", args=[requested.pk]))
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    _step(officer, review, "certificates_complete")
    _step(officer, review, "submit")
    review.refresh_from_db()
    assert review.locked and review.step == Step.SUBMITTED
    read_only = officer.get(page_url).content.decode()
    assert 'data-testid="read-only-notice"' in read_only and 'data-testid="next-action"' not in read_only


def test_out_of_order_posts_show_the_error_and_change_nothing(review, commune_a, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, category="poor")
    audits = AuditRecord.objects.count()
    too_early = expected_error(lambda: services.survey_complete(review=review, acting_user=None))
    response = _step(officer, review, "survey_complete")
    assert messages_of(response, constants.ERROR) == [too_early]
    response = _step(officer, review, "recognise", decision_number="1/QĐ-UBND", decision_date="2026-11-01")
    assert messages_of(response, constants.ERROR) == [too_early]
    review.refresh_from_db()
    assert review.step == Step.NOT_STARTED and review.decision_number == ""
    assert AuditRecord.objects.count() == audits
    # A household's vote before the survey is complete is refused on its page too.
    services.listing_complete(review=review, acting_user=None)
    assessment = Assessment.objects.get(round=review.round, household=household)
    refused = officer.post(
        reverse("reviews:meeting", args=[assessment.pk]),
        {"attendance": "20", "votes_for": "15", "decided_category": "poor", "version": assessment.version},
    )
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assessment.refresh_from_db()
    assert assessment.meeting_votes_for is None and assessment.status == AssessmentStatus.LISTED
    # Complaints only after the meeting.
    officer.post(
        reverse("reviews:complaint-add", args=[review.pk]), {"content": "x", "received_on": "2026-10-01"}
    )
    assert not Complaint.objects.filter(commune_review=review).exists()


def test_meeting_needs_a_reason_when_the_category_differs(review, commune_a, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, category="poor")
    services.listing_complete(review=review, acting_user=None)
    assessment = Assessment.objects.get(round=review.round, household=household)
    assessment = services.survey_record(
        assessment=assessment, income_per_capita=900_000, version=ANY_VERSION, acting_user=None
    )
    services.survey_complete(review=review, acting_user=None)
    hold_village_meetings(review, on=dt.date(2026, 10, 20), attendance=20)
    page = officer.get(reverse("reviews:meeting", args=[assessment.pk]))
    assert page.context["form"].initial["attendance"] == 20  # the village meeting's attendance
    assert page.context["form"].initial["decided_category"] == assessment.proposed_category
    other = "not_poor" if assessment.proposed_category != "not_poor" else "poor"
    refused = officer.post(
        reverse("reviews:meeting", args=[assessment.pk]),
        {"attendance": "20", "votes_for": "15", "decided_category": other, "version": assessment.version},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assessment.refresh_from_db()
    assert assessment.decided_category == ""


def test_stale_version_keeps_the_input_and_shows_the_message(review, commune_a, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, category="poor")
    services.listing_complete(review=review, acting_user=None)
    assessment = Assessment.objects.get(round=review.round, household=household)
    opened_at = assessment.version
    # Someone else saves the survey after the officer opened the page.
    services.survey_record(
        assessment=assessment, income_per_capita=2_000_000, version=ANY_VERSION, acting_user=None
    )
    url = reverse("reviews:survey", args=[assessment.pk])
    stale = officer.post(
        url, {"income_per_capita": "1.234.000", "surveyed_on": "2026-10-02", "version": opened_at}
    )
    assert stale.status_code == 200
    assert "Người khác đã lưu" in str(stale.context["form"].non_field_errors())
    body = stale.content.decode()
    assert 'value="1.234.000"' in body  # nothing typed is lost
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 2_000_000
    assert f'name="version" value="{assessment.version}"' in body
    # Saving again, knowingly, replaces the other result.
    officer.post(
        url, {"income_per_capita": "1.234.000", "surveyed_on": "2026-10-02", "version": assessment.version}
    )
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 1_234_000


def test_assessment_list_filters_and_searches(review, commune_a, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    make_household(commune_a, head="Lò Văn Sáu", category="poor")
    make_household(commune_a, head="Thị Hoa", category="near_poor")
    services.listing_complete(review=review, acting_user=None)
    url = reverse("reviews:commune-review", args=[review.pk])
    found = officer.get(url, {"q": "lo van sau"})
    assert [a.household.head_name for a in found.context["page_obj"]] == ["Lò Văn Sáu"]
    assert officer.get(url, {"status": "surveyed"}).context["page_obj"].paginator.count == 0
    assert officer.get(url, {"status": "listed"}).context["page_obj"].paginator.count == 2
    partial = officer.get(url, {"q": "Thị Hoa"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Thị Hoa" in partial and "Lò Văn Sáu" not in partial


def test_empty_states(review, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    assert (
        'data-testid="empty-state"'
        in officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    )
    assert 'data-testid="empty-state"' in officer.get(reverse("reviews:request-list")).content.decode()
    ReviewRound.objects.all().delete()
    assert 'data-testid="empty-state"' in officer.get(reverse("reviews:round-list")).content.decode()


# Locks, roles and scope -------------------------------------------------------------------------------------


def test_submitted_review_refuses_actions_until_the_province_reopens_it(review, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    _rush_to(review, Step.SUBMITTED, users["canbo.bugiamap"])
    locked = expected_error(lambda: services.certificates_complete(review=review, acting_user=None))
    refused = _step(officer, review, "certificates_complete")
    assert messages_of(refused, constants.ERROR) == [locked]
    officer.post(
        reverse("reviews:complaint-add", args=[review.pk]), {"content": "x", "received_on": "2026-11-20"}
    )
    assert not Complaint.objects.filter(commune_review=review).exists()
    # Only the province reopens, and only with a reason.
    reopen_url = reverse("reviews:reopen", args=[review.pk])
    assert officer.post(reopen_url, {"to_step": "5", "reason": "x"}).status_code == 403
    province = client_for(users["chuyenvien"])
    no_reason = province.post(reopen_url, {"to_step": "5", "reason": " "})
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    review.refresh_from_db()
    assert review.locked
    province.post(reopen_url, {"to_step": "5", "reason": "Sai số liệu"})
    review.refresh_from_db()
    assert not review.locked and review.step == Step.RECOGNITION
    assert AuditRecord.objects.filter(action="reviews.reopen", note="Sai số liệu").exists()
    history = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert "Sai số liệu" in history
    _step(officer, review, "certificates_complete")
    review.refresh_from_db()
    assert review.step == Step.CERTIFICATES


def _foreign_world(review: CommuneReview, commune_a: Any, users: Any) -> dict[str, Any]:
    """Commune A's review at the public posting, with an assessment, a complaint and a regular request."""
    officer_a = users["canbo.bugiamap"]
    household = make_household(commune_a, head="Nguyễn Thị Ngoại", category="poor")
    services.listing_complete(review=review, acting_user=officer_a)
    assessment = Assessment.objects.get(round=review.round, household=household)
    services.survey_record(
        assessment=assessment, income_per_capita=900_000, version=ANY_VERSION, acting_user=None
    )
    services.survey_complete(review=review, acting_user=None)
    assessment.refresh_from_db()
    hold_village_meetings(review, on=dt.date(2026, 10, 1), attendance=20)
    services.meeting_record(
        version=ANY_VERSION,
        assessment=assessment,
        votes_for=20,
        attendance=20,
        decided_category=assessment.proposed_category,
        acting_user=None,
    )
    services.meeting_complete(review=review, acting_user=None)
    complaint = services.complaint_add(
        review=review, content="Khiếu nại", received_on=dt.date(2026, 10, 2), household=None, acting_user=None
    )
    other = make_household(commune_a, head="Lê Văn Yêu Cầu")
    request = services.regular_request_file(
        household=other, kind="become_poor", filed_on=dt.date(2026, 3, 1), acting_user=None
    )
    return {"assessment": assessment, "complaint": complaint, "request": request, "household": other}


def test_officer_of_another_commune_gets_404_and_403(review, commune_a, users) -> None:
    world = _foreign_world(review, commune_a, users)
    officer_b = client_for(users["canbo.tranbien"])
    assessment, complaint, request = world["assessment"], world["complaint"], world["request"]
    audits = AuditRecord.objects.count()
    not_found = [
        ("get", "reviews:commune-review", review.pk),
        ("post", "reviews:step-action", review.pk),
        ("get", "reviews:request-add", review.pk),
        ("post", "reviews:request-add", review.pk),
        ("get", "reviews:complaint-add", review.pk),
        ("post", "reviews:complaint-add", review.pk),
        ("get", "reviews:certificates-all", review.pk),
        ("post", "reviews:screening", assessment.pk),
        ("get", "reviews:survey", assessment.pk),
        ("post", "reviews:survey", assessment.pk),
        ("get", "reviews:meeting", assessment.pk),
        ("post", "reviews:meeting", assessment.pk),
        ("get", "reviews:certificate", assessment.pk),
        ("get", "reviews:complaint-resolve", complaint.pk),
        ("post", "reviews:complaint-resolve", complaint.pk),
        ("get", "reviews:request-decide", request.pk),
        ("post", "reviews:request-decide", request.pk),
    ]
    for method, name, pk in not_found:
        response = getattr(officer_b, method)(
            reverse(name, args=[pk]),
            {
                "action": "posting_complete",
                "posting_from": "2026-10-03",
                "posting_to": "2026-10-09",
                "resolution": "x",
                "resolved_on": "2026-10-03",
                "approved": "0",
                "decided_on": "2026-03-05",
                "income_per_capita": "1",
                "surveyed_on": "2026-10-01",
                "passed": "0",
                "content": "x",
                "received_on": "2026-10-03",
                "household": world["household"].pk,
            },
        )
        assert response.status_code == 404, f"{method} {name}"
    # Filing a request for a household of commune A: the household is not found either.
    assert (
        officer_b.get(reverse("reviews:request-create"), {"household": world["household"].pk}).status_code
        == 404
    )
    forbidden = [
        ("post", "reviews:round-create", None),
        ("post", "reviews:round-close", review.round_id),
        ("get", "reviews:reopen", review.pk),
        ("post", "reviews:reopen", review.pk),
    ]
    for method, name, pk in forbidden:
        url = reverse(name, args=[pk] if pk else [])
        assert (
            getattr(officer_b, method)(url, {"year": "2030", "to_step": "1", "reason": "x"}).status_code
            == 403
        )
    assert AuditRecord.objects.count() == audits
    # The lists show nothing of commune A.
    requests = officer_b.get(reverse("reviews:request-list"))
    assert requests.context["page_obj"].paginator.count == 0
    assert "Lê Văn Yêu Cầu" not in requests.content.decode()
    assert (
        "Nguyễn Thị Ngoại"
        not in officer_b.get(reverse("reviews:request-create"), {"q": "Ngoại"}).content.decode()
    )


def test_viewer_sees_progress_but_cannot_post_anything(review, commune_a, users) -> None:
    world = _foreign_world(review, commune_a, users)
    viewer = client_for(users["lanhdao"])
    page = viewer.get(reverse("reviews:commune-review", args=[review.pk]))
    assert page.status_code == 200
    # The leader reads the households (read only) but downloads no file of personal data.
    assert "Nguyễn Thị Ngoại" in page.content.decode()
    assert "docx" not in page.content.decode()
    audits = AuditRecord.objects.count()
    posts = [
        ("reviews:round-create", []),
        ("reviews:round-close", [review.round_id]),
        ("reviews:step-action", [review.pk]),
        ("reviews:reopen", [review.pk]),
        ("reviews:request-add", [review.pk]),
        ("reviews:complaint-add", [review.pk]),
        ("reviews:screening", [world["assessment"].pk]),
        ("reviews:survey", [world["assessment"].pk]),
        ("reviews:meeting", [world["assessment"].pk]),
        ("reviews:complaint-resolve", [world["complaint"].pk]),
        ("reviews:request-create", []),
        ("reviews:request-decide", [world["request"].pk]),
    ]
    for name, args in posts:
        response = viewer.post(reverse(name, args=args), {"action": "posting_complete", "year": "2030"})
        assert response.status_code == 403, name
    assert AuditRecord.objects.count() == audits


# Regular (in-year) review -----------------------------------------------------------------------------------


def test_regular_request_is_filed_flagged_overdue_and_decided(commune_a, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, head="Phạm Văn Trễ")
    fresh = make_household(commune_a, head="Võ Thị Mới")
    search = officer.get(reverse("reviews:request-create"), {"q": "Phạm Văn Trễ"})
    assert list(search.context["page_obj"]) == [household]
    today = dt.date.today()
    officer.post(
        reverse("reviews:request-create"),
        {
            "household": household.pk,
            "kind": "become_poor",
            "filed_on": (today - dt.timedelta(days=20)).isoformat(),
        },
    )
    officer.post(
        reverse("reviews:request-create"),
        {"household": fresh.pk, "kind": "become_near_poor", "filed_on": today.isoformat()},
    )
    late = RegularRequest.objects.get(household=household)
    assert late.due_on == today - dt.timedelta(days=5)
    listing = officer.get(reverse("reviews:request-list"))
    body = listing.content.decode()
    assert body.count('data-testid="overdue-badge"') == 1
    assert listing.context["counts"]["overdue"] == 1
    overdue = officer.get(reverse("reviews:request-list"), {"state": "overdue"})
    assert [r.household for r in overdue.context["page_obj"]] == [household]
    # Approving needs a decision number; then the registry follows.
    url = reverse("reviews:request-decide", args=[late.pk])
    refused = officer.post(url, {"approved": "1", "decided_on": today.isoformat(), "decision_number": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["decision_number"]
    officer.post(url, {"approved": "1", "decided_on": today.isoformat(), "decision_number": "45/QĐ-UBND"})
    late.refresh_from_db()
    household.refresh_from_db()
    assert late.status == "approved" and household.category == "poor"
    after = officer.get(reverse("reviews:request-list")).content.decode()
    assert 'data-testid="overdue-badge"' not in after


# Forms ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.500.000", 1_500_000), ("1500000", 1_500_000), ("1 500 000 đ", 1_500_000), ("2,000,000", 2_000_000)],
)
def test_income_is_typed_the_vietnamese_way(typed: str, value: int) -> None:
    assert MoneyField().clean(typed) == value


@pytest.mark.parametrize("typed", ["1.5tr", "-100", "abc", "1.500.000,50", "1.5", "15.00.000"])
def test_income_rejects_what_is_not_an_amount(typed: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        MoneyField().clean(typed)


def test_ending_the_posting_asks_first_without_javascript(review, officer) -> None:  # type: ignore[no-untyped-def]
    """Ending the public posting answers with a confirmation page (the same POST, "Yes" and "Cancel");
    nothing changes until it is confirmed."""
    ask = officer.post(
        reverse("reviews:step-action", args=[review.pk]),
        {"action": "posting_complete", "posting_from": "01/10/2026", "posting_to": "07/10/2026"},
    )
    body = ask.content.decode()
    assert ask.status_code == 200 and 'data-testid="confirm-page"' in body
    assert 'name="confirmed" value="1"' in body and 'name="posting_to" value="07/10/2026"' in body
    step = review.step
    review.refresh_from_db()
    assert review.step == step and review.posting_to is None


def test_the_confirmation_page_repeats_the_post(db) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from giamngheo.core.views import confirmation_page

    request = RequestFactory().post("/reviews/assessments/1/screening/", {"passed": "0", "version": "3"})
    request.user = AnonymousUser()
    page = confirmation_page(request, question="Loại hộ này?", cancel_url="/back/")
    assert page is not None
    body = page.content.decode()
    assert "Loại hộ này?" in body and 'name="passed" value="0"' in body and 'href="/back/"' in body
    confirmed = RequestFactory().post("/x/", {"passed": "0", "confirmed": "1"})
    assert confirmation_page(confirmed, question="?", cancel_url="/") is None
