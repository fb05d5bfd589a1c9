"""The review writes the registry through its one writer, and the open round's summary follows the registry
(docs/decisions/0009-one-writer-of-the-registry.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households import services as registry
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import receivers, services
from giamngheo.reviews.models import AreaSummary, Assessment, AssessmentStatus, CommuneReview, Source, Step


@pytest.fixture
def review(province, commune_a, users):  # type: ignore[no-untyped-def]
    review_round = services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])
    return CommuneReview.objects.get(round=review_round, commune=commune_a)


@pytest.fixture
def recounts(monkeypatch) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Every (round, commune) recount, the real one run."""
    calls: list[tuple[int, int]] = []
    real = services.summary_refresh

    def spy(*, round_id: int, commune_id: int) -> Any:
        calls.append((round_id, commune_id))
        return real(round_id=round_id, commune_id=commune_id)

    monkeypatch.setattr(services, "summary_refresh", spy)
    return calls


def edit_data(household: Household, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "village": household.village_id,
        "code": household.code,
        "head_name": household.head_name,
        "ethnic_group": household.ethnic_group,
        "is_active": "on",
        "walls_durable": "true",
        "columns_durable": "true",
        "roof_durable": "true",
        "floor_area_m2": "40",
        "water_source": "piped",
        "latrine": "septic",
        "devices_state": "some",
        "devices": ["tv", "smartphone"],
        "waste_handling": "collected",
        "income_per_capita": "3.000.000",
        "version": household.version,
    }
    data.update(overrides)
    return data


def test_an_edit_form_opened_before_the_survey_cannot_write_the_old_income_back(
    review, commune_a, users
) -> None:
    officer = users["canbo.bugiamap"]
    household = make_household(commune_a, category="poor", income_per_capita=3_000_000)
    client = Client()
    client.force_login(officer)
    url = reverse("households:household-update", args=[household.pk])
    opened = client.get(url).context["form"].initial["version"]
    services.listing_complete(review=review, acting_user=officer)
    assessment = Assessment.objects.get(round=review.round, household=household)
    services.survey_record(
        assessment=assessment, income_per_capita=700_000, version=ANY_VERSION, acting_user=officer
    )
    stored = Household.objects.get(pk=household.pk)
    assert stored.version == opened + 1 and stored.income_per_capita == 700_000
    # The registry's engine fields follow the survey (history and audit with the surveyor).
    assert stored.engine_category in ("poor", "near_poor")
    latest = stored.history.first()  # type: ignore[attr-defined]
    assert latest.income_per_capita == 700_000 and latest.history_user == officer
    audit = AuditRecord.objects.get(action="households.household.income", target_id=str(household.pk))
    assert (audit.before["income_per_capita"], audit.after["income_per_capita"]) == (3_000_000, 700_000)
    # The form opened before the survey is refused with the usual message; nothing is written.
    response = client.post(url, edit_data(household, version=opened, income_per_capita="3.000.000"))
    assert response.status_code == 200
    assert "Người khác đã lưu bản ghi này sau khi bạn mở" in response.content.decode()
    assert Household.objects.get(pk=household.pk).income_per_capita == 700_000


def test_a_form_edit_recounts_the_open_round_summary(
    review, commune_a, users, recounts, django_capture_on_commit_callbacks
) -> None:
    household = make_household(commune_a, category="poor")
    services.summary_refresh(round_id=review.round_id, commune_id=commune_a.pk)
    summary = AreaSummary.objects.get(round=review.round, area=commune_a)
    recounts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry.household_update(
            household=household,
            data={"ethnic_group": "22", "is_active": True},
            version=household.version,
            acting_user=users["canbo.bugiamap"],
        )
    assert recounts == [(review.round_id, commune_a.pk)]
    after = AreaSummary.objects.get(round=review.round, area=commune_a)
    assert after.em_households == summary.em_households + 1
    recounts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry.household_update(
            household=household, data={"is_active": False}, version=ANY_VERSION, acting_user=None
        )
    assert AreaSummary.objects.get(round=review.round, area=commune_a).households == after.households - 1


def test_many_changes_in_one_transaction_recount_each_commune_once(
    review, commune_a, commune_b, recounts, django_capture_on_commit_callbacks
) -> None:
    first, second = make_household(commune_a), make_household(commune_a)
    other = make_household(commune_b)
    recounts.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for household in (first, second, other):
            registry.household_update(
                household=household, data={"phone": "0912345678"}, version=ANY_VERSION, acting_user=None
            )
    assert sorted(recounts) == sorted([(review.round_id, commune_a.pk), (review.round_id, commune_b.pk)])


def test_nothing_is_recounted_for_a_transaction_that_rolled_back(
    review, commune_a, recounts, django_capture_on_commit_callbacks
) -> None:
    household = make_household(commune_a)

    class Abort(Exception):
        pass

    recounts.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as hooks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        registry.household_update(
            household=household, data={"phone": "0912345678"}, version=ANY_VERSION, acting_user=None
        )
        raise Abort
    assert hooks == [] and recounts == []
    with django_capture_on_commit_callbacks(execute=True):
        receivers.summary_refresh_on_commit({(review.round_id, commune_a.pk)})
    assert recounts == [(review.round_id, commune_a.pk)]


def test_no_open_round_nothing_to_recount(commune_a, recounts, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    assert recounts == []


def test_recognition_writes_the_registry_with_history_and_recounts_once(
    review, commune_a, users, recounts, django_capture_on_commit_callbacks
) -> None:
    officer = users["canbo.bugiamap"]
    poor = make_household(commune_a, category="poor")
    applicant = make_household(commune_a)
    for household, before, decided in ((poor, "poor", "near_poor"), (applicant, "", "poor")):
        Assessment.objects.create(
            round=review.round,
            household=household,
            commune=commune_a,
            source=Source.CURRENT_LIST,
            category_before=before,
            status=AssessmentStatus.AGREED,
            decided_category=decided,
            proposed_category=decided,
        )
    CommuneReview.objects.filter(pk=review.pk).update(step=Step.POSTING)
    review.refresh_from_db()
    versions = {h.pk: h.version for h in (poor, applicant)}
    recounts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.recognise(
            review=review,
            decision_number="123/QĐ-UBND",
            decision_date=dt.date(2026, 12, 5),
            acting_user=officer,
        )
    assert recounts == [(review.round_id, commune_a.pk)]  # once, though the registry and the step both ask
    for household in Household.objects.filter(pk__in=versions):
        assert household.version == versions[household.pk] + 1
        assert (household.category_decision, household.category_since) == (
            "123/QĐ-UBND",
            dt.date(2026, 12, 5),
        )
        latest = household.history.first()  # type: ignore[attr-defined]
        assert latest.history_user == officer and latest.category == household.category
    assert Household.objects.get(pk=poor.pk).category == "near_poor"
    assert AuditRecord.objects.filter(action="households.household.recognise").count() == 1
    assert AreaSummary.objects.get(round=review.round, area=commune_a).end_poor == 1


def test_an_in_year_decision_writes_history_and_recounts_once(
    review, commune_a, users, recounts, django_capture_on_commit_callbacks
) -> None:
    officer = users["canbo.bugiamap"]
    household = make_household(commune_a, category="near_poor")
    request = services.regular_request_file(
        household=household, kind="escape", filed_on=dt.date(2026, 4, 1), acting_user=officer
    )
    recounts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.regular_request_decide(
            request=request,
            approved=True,
            decided_on=dt.date(2026, 4, 10),
            decision_number="7/QĐ-UBND",
            acting_user=officer,
        )
    assert recounts == [(review.round_id, commune_a.pk)]
    stored = Household.objects.get(pk=household.pk)
    assert (stored.category, stored.category_decision, stored.version) == (
        "not_poor",
        "7/QĐ-UBND",
        household.version + 1,
    )
    assert stored.history.first().history_user == officer  # type: ignore[attr-defined]
