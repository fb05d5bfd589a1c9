"""The registry's one writer: every write bumps the version, keeps history, refreshes the engine's fields and
sends ``households_changed`` (docs/decisions/0009-one-writer-of-the-registry.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.signals import households_changed
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households import services
from giamngheo.households.models import Household, Member
from giamngheo.households.tests.factories import make_household


@pytest.fixture
def signals() -> Any:
    """The ``households_changed`` signals sent during the test."""
    sent: list[dict[str, Any]] = []

    def receiver(sender: Any, signal: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    households_changed.connect(receiver, dispatch_uid="test.households_changed")
    yield sent
    households_changed.disconnect(dispatch_uid="test.households_changed")


def child(**extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Điểu Thị Na",
        "sex": "F",
        "date_of_birth": dt.date(2019, 6, 1),
        "relationship": "child",
        "has_health_insurance": False,
        "in_education": True,
        "attending_appropriate_level": True,
        "ethnic_group": "01",
        **extra,
    }


def test_a_form_edit_refreshes_the_engine_category(commune_a, users, signals) -> None:
    household = make_household(commune_a, income_per_capita=4_000_000)
    assert household.engine_category not in ("", "poor", "near_poor")
    assert household.engine_standard
    officer = users["canbo.bugiamap"]
    saved = services.household_update(
        household=household,
        data={"income_per_capita": 600_000},
        version=household.version,
        acting_user=officer,
    )
    stored = Household.objects.get(pk=household.pk)
    # The card's "with the current facts" reads these: they follow the income cut at once.
    assert stored.engine_category in ("poor", "near_poor")
    assert saved.engine_category == stored.engine_category
    assert signals[-1] == {"household_ids": [household.pk]}


def test_a_member_change_refreshes_the_deprived_indicators(commune_a, users, signals) -> None:
    household = make_household(commune_a, income_per_capita=1_000_000)
    assert "health_insurance" not in household.deprived_keys
    officer = users["canbo.bugiamap"]
    member = services.member_create(household=household, data=child(), acting_user=officer)
    assert "|health_insurance|" in Household.objects.get(pk=household.pk).deprived_keys
    assert signals[-1] == {"household_ids": [household.pk]}
    services.member_update(
        member=member, data={"has_health_insurance": True}, version=member.version, acting_user=officer
    )
    assert "health_insurance" not in Household.objects.get(pk=household.pk).deprived_keys
    services.member_update(
        member=member,
        data={"has_health_insurance": False},
        version=member.version + 1,
        acting_user=officer,
    )
    assert "|health_insurance|" in Household.objects.get(pk=household.pk).deprived_keys
    services.member_delete(member=member, version=member.version + 2, acting_user=officer, reason="Nhập nhầm")
    assert not Member.objects.filter(pk=member.pk).exists()
    assert "health_insurance" not in Household.objects.get(pk=household.pk).deprived_keys
    assert AuditRecord.objects.filter(action="households.member.delete", target_id=str(member.pk)).exists()
    assert member.history.filter(history_type="-", history_user=officer).exists()  # type: ignore[attr-defined]


def test_a_member_delete_from_a_stale_page_is_refused(commune_a, users) -> None:
    household = make_household(commune_a)
    member = services.member_create(household=household, data=child(), acting_user=None)
    services.member_update(member=member, data={"full_name": "Điểu Na"}, version=1, acting_user=None)
    with pytest.raises(services.StaleVersion):
        services.member_delete(member=member, version=1, acting_user=None)
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_income_of_a_survey_bumps_the_version_and_refuses_a_stale_form(commune_a, users) -> None:
    household = make_household(commune_a, income_per_capita=4_000_000)
    opened = household.version  # an edit form opened now carries this version
    officer = users["canbo.bugiamap"]
    services.household_income_record(
        version=ANY_VERSION, household=household, income_per_capita=900_000, acting_user=officer
    )
    stored = Household.objects.get(pk=household.pk)
    assert stored.version == opened + 1 and stored.income_per_capita == 900_000
    assert stored.history.first().income_per_capita == 900_000  # type: ignore[union-attr]
    audit = AuditRecord.objects.filter(
        action="households.household.income", target_id=str(household.pk)
    ).get()
    assert audit.before["income_per_capita"] == 4_000_000 and audit.after["income_per_capita"] == 900_000
    with pytest.raises(services.StaleVersion):
        services.household_update(
            household=household, data={"income_per_capita": 4_000_000}, version=opened, acting_user=officer
        )
    assert Household.objects.get(pk=household.pk).income_per_capita == 900_000


def test_recognition_writes_history_rows_with_the_acting_user(commune_a, users, signals) -> None:
    first = make_household(commune_a, category="poor")
    second = make_household(commune_a, category="near_poor")
    officer = users["canbo.bugiamap"]
    versions = {h.pk: h.version for h in (first, second)}
    history_before = Household.history.filter(id__in=versions).count()
    signals.clear()
    services.households_recognise(
        decisions=[(first.pk, "near_poor", "near_poor"), (second.pk, "not_poor", None)],
        decision_number=" 12/QĐ-UBND ",
        decision_date=dt.date(2026, 12, 1),
        acting_user=officer,
        reason="Rà soát 2026",
    )
    stored = {h.pk: h for h in Household.objects.filter(pk__in=versions)}
    assert (stored[first.pk].category, stored[first.pk].provincial_category) == ("near_poor", "near_poor")
    assert stored[second.pk].category == "not_poor" and stored[second.pk].provincial_category == ""
    for household in stored.values():
        assert household.version == versions[household.pk] + 1
        assert household.category_since == dt.date(2026, 12, 1)
        assert household.category_decision == "12/QĐ-UBND"
        latest = household.history.first()  # type: ignore[attr-defined]
        assert latest.history_user == officer and latest.category == household.category
        assert latest.category_decision == "12/QĐ-UBND" and latest.history_change_reason == "Rà soát 2026"
    assert Household.history.filter(id__in=versions).count() == history_before + 2
    audit = AuditRecord.objects.get(action="households.household.recognise")
    assert audit.before[str(first.pk)]["category"] == "poor"
    assert audit.after[str(first.pk)]["category"] == "near_poor"
    assert signals == [{"household_ids": sorted(versions)}]  # one signal for the decision


def test_recognition_needs_a_decision_number_and_known_categories(commune_a) -> None:
    household = make_household(commune_a)
    with pytest.raises(ValidationFailed):
        services.households_recognise(
            decisions=[(household.pk, "poor", None)],
            decision_number=" ",
            decision_date=dt.date(2026, 12, 1),
            acting_user=None,
        )
    with pytest.raises(ValueError, match="unknown category"):
        services.households_recognise(
            decisions=[(household.pk, "rich", None)],
            decision_number="1",
            decision_date=dt.date(2026, 12, 1),
            acting_user=None,
        )
    assert Household.objects.get(pk=household.pk).category == ""


def test_new_facts_keep_not_known_apart(commune_a) -> None:
    household = make_household(commune_a, devices=None, poverty_causes=["capital", "land", "capital"])
    assert household.devices is None
    assert household.poverty_causes == ["land", "capital"]  # the list's order, once each
    with pytest.raises(ValidationFailed):
        services.household_update(
            household=household, data={"poverty_causes": ["bad_luck"]}, version=ANY_VERSION, acting_user=None
        )
    member = services.member_create(
        household=household,
        data=child(
            full_name="Điểu Văn Ba",
            date_of_birth=dt.date(1975, 8, 9),
            birth_year_only=True,
            relationship="other",
            disabled=None,
        ),
        acting_user=None,
    )
    assert member.date_of_birth == dt.date(1975, 1, 1) and member.birth_year_only
    assert member.disabled is None and member.monthly_social_allowance is None


def test_a_deleted_user_leaves_history_rows_without_a_user(commune_a, users) -> None:
    """The history's user is not a foreign key in the database (decision 0039): deleting a user who wrote
    history still empties it (the ORM's ``SET_NULL``), nothing points at a user that is gone."""
    from giamngheo.accounts.models import User

    writer = User.objects.create(
        username="tam.thoi", full_name="Cán bộ tạm thời", role=users["canbo.bugiamap"].role
    )
    household = make_household(commune_a, category="poor")
    services.households_recognise(
        decisions=[(household.pk, "near_poor", "near_poor")],
        decision_number="7/QĐ-UBND",
        decision_date=dt.date(2026, 12, 1),
        acting_user=writer,
        reason="Rà soát 2026",
    )
    rows = Household.history.filter(id=household.pk, history_user_id=writer.pk)
    assert rows.count() == 1
    written, gone = rows.get().history_id, writer.pk
    writer.delete()
    assert Household.history.get(history_id=written).history_user_id is None
    assert not Household.history.filter(history_user_id=gone).exists()
