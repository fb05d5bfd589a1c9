"""Recording support: every refusal of the rules with where it applies, all-or-nothing bulk recording,
permissions, audit rows, and cancelling.

Messages are English source strings that will be translated: the tests look at the exception's type, the
positions in ``errors``, ``extra["field"]`` and the database, not at the wording.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from giamngheo.accounts.models import User
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area
from giamngheo.households.models import Household, Member
from giamngheo.households.tests.factories import make_household
from giamngheo.policies.models import Entitlement, Policy, SupportRecord
from giamngheo.policies.selectors import SupportFilters, spending_totals, support_record_list
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    SupportItem,
    SupportRejected,
    support_record_cancel,
    support_records_create,
    support_records_write,
)
from giamngheo.policies.tests.worlds import freeze_today, make_policies

TODAY = dt.date(2026, 6, 15)
Users = dict[str, Any]
Policies = dict[str, Policy]
D = dt.date

POLICIES: list[dict[str, Any]] = [
    {  # a household policy for poor and near-poor households
        "code": "ZS-HH",
        "area": "housing",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2021, 7, 1),
        "valid_to": None,
        "project": "Dự án 5",
        "rule": {"level": "household", "categories": ["poor", "near_poor"]},
    },
    {  # a member policy for every member of a poor household
        "code": "ZS-MEM",
        "area": "health",
        "level": "member",
        "frequency": "yearly",
        "valid_from": D(2022, 1, 1),
        "valid_to": None,
        "project": "",
        "rule": {"level": "member", "categories": ["poor"]},
    },
    {  # ended with 2025
        "code": "ZS-OLD",
        "area": "credit",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2020, 1, 1),
        "valid_to": D(2025, 12, 31),
        "project": "",
        "rule": {"level": "household", "categories": ["poor"]},
    },
    {  # starts on 01/03/2026
        "code": "ZS-NEW",
        "area": "water",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2026, 3, 1),
        "valid_to": None,
        "project": "",
        "rule": {"level": "household", "categories": ["poor"]},
    },
]


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    return freeze_today(monkeypatch, TODAY)


@pytest.fixture
def policies(today: dt.date) -> dict[str, Policy]:
    return make_policies(POLICIES)


CHILD = {
    "full_name": "Điểu Thị Con",
    "sex": "F",
    "date_of_birth": D(2014, 5, 1),
    "relationship": "child",
    "in_education": True,
}


@pytest.fixture
def poor_a(policies: Policies, commune_a: Area) -> Household:
    return make_household(commune_a, head="Điểu Văn Nghèo", category="poor", members=[CHILD])


@pytest.fixture
def poor_a2(policies: Policies, commune_a: Area) -> Household:
    return make_household(commune_a, head="Thị Nghèo Hai", category="poor", members=[CHILD])


@pytest.fixture
def middle_a(policies: Policies, commune_a: Area) -> Household:
    return make_household(commune_a, head="Trần Văn Trung", category="middle")


@pytest.fixture
def poor_b(policies: Policies, commune_b: Area) -> Household:
    return make_household(commune_b, head="Ngô Văn Phường", category="poor")


def members(household: Household) -> list[Member]:
    return list(household.members.order_by("date_of_birth", "pk"))


ON = D(2026, 6, 1)


def data(on: dt.date = ON, **kw: Any) -> SupportData:
    return SupportData(**{"date": on, "funding_source": "central", "amount": 1_000_000, **kw})


def officer(users: Users) -> Any:
    return users["canbo.bugiamap"]


# --- what is saved ---------------------------------------------------------------------------------------


def test_a_single_record_is_saved_and_audited(users: Users, policies: Policies, poor_a: Household) -> None:
    audits = AuditRecord.objects.count()
    [record] = support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk)],
        data=data(amount=2_000_000, quantity=2, document=" 12/QĐ-UBND "),
        acting_user=officer(users),
    )
    record.refresh_from_db()
    assert (record.household_id, record.member_id, record.commune_id) == (poor_a.pk, None, poor_a.commune_id)
    assert (record.date, record.quantity, record.amount, record.funding_source) == (
        D(2026, 6, 1),
        2,
        2_000_000,
        "central",
    )
    assert (record.project, record.document) == ("Dự án 5", "12/QĐ-UBND")  # the policy's project by default
    assert record.eligible and record.reason == "" and record.batch == ""
    assert record.recorded_by == officer(users) and record.cancelled_at is None
    assert AuditRecord.objects.count() == audits + 1
    audit = AuditRecord.objects.latest("pk")
    assert (audit.action, audit.target_id, audit.actor) == (
        "policies.support.create",
        str(record.pk),
        officer(users),
    )
    assert audit.after is not None and audit.after["amount"] == 2_000_000
    # the household is covered at once
    assert Entitlement.objects.get(year=2026, policy=policies["ZS-HH"], household=poor_a).covered


def test_a_bulk_recording_is_one_batch_and_one_audit_row(
    users: Users, policies: Policies, poor_a: Household, poor_a2: Household
) -> None:
    audits = AuditRecord.objects.count()
    people = [Recipient(h.pk, m.pk) for h in (poor_a, poor_a2) for m in members(h)]
    records = support_records_create(
        policy=policies["ZS-MEM"], recipients=people, data=data(amount=1_105_000), acting_user=officer(users)
    )
    assert len(records) == 4 and SupportRecord.objects.filter(policy=policies["ZS-MEM"]).count() == 4
    batches = set(SupportRecord.objects.filter(policy=policies["ZS-MEM"]).values_list("batch", flat=True))
    assert len(batches) == 1 and batches != {""}
    assert AuditRecord.objects.count() == audits + 1
    audit = AuditRecord.objects.latest("pk")
    assert (audit.action, audit.target_id) == ("policies.support.bulk_create", batches.pop())
    assert audit.after == {"count": 4, "policies": ["ZS-MEM"], "amount": 4 * 1_105_000, "not_entitled": 0}


def test_several_policies_and_dates_in_one_write(users: Users, policies: Policies, poor_a: Household) -> None:
    _head, child = members(poor_a)
    records = support_records_write(
        items=[
            SupportItem(policies["ZS-HH"], Recipient(poor_a.pk), data(D(2026, 3, 1))),
            SupportItem(policies["ZS-MEM"], Recipient(poor_a.pk, child.pk), data(D(2026, 4, 1), amount=0)),
            SupportItem(policies["ZS-OLD"], Recipient(poor_a.pk), data(D(2025, 5, 1), amount=30_000_000)),
        ],
        acting_user=users["chuyenvien"],
    )
    assert [(r.policy.code, r.date) for r in records] == [
        ("ZS-HH", D(2026, 3, 1)),
        ("ZS-MEM", D(2026, 4, 1)),
        ("ZS-OLD", D(2025, 5, 1)),
    ]
    assert AuditRecord.objects.latest("pk").after["policies"] == ["ZS-HH", "ZS-MEM", "ZS-OLD"]  # type: ignore[index]
    # each year's coverage is refreshed: last year's loan covers 2025
    assert Entitlement.objects.get(year=2025, policy=policies["ZS-OLD"], household=poor_a).covered


# --- refusals of the terms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "terms", "field"),
    [
        ("ZS-HH", {"amount": -1}, "amount"),
        ("ZS-HH", {"quantity": 0}, "quantity"),
        ("ZS-HH", {"quantity": -3}, "quantity"),
        ("ZS-HH", {"funding_source": ""}, "funding_source"),
        ("ZS-HH", {"funding_source": "lottery"}, "funding_source"),
        ("ZS-HH", {"on": TODAY + dt.timedelta(days=1)}, "date"),  # in the future
        ("ZS-NEW", {"on": D(2026, 2, 28)}, "date"),  # before the policy's start
        ("ZS-OLD", {"on": D(2026, 1, 1)}, "date"),  # after the policy's end
    ],
)
def test_terms_that_are_refused(
    users: Users, policies: Policies, poor_a: Household, code: str, terms: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        support_records_create(
            policy=policies[code],
            recipients=[Recipient(poor_a.pk)],
            data=data(**terms),
            acting_user=officer(users),
        )
    assert caught.value.extra["field"] == field and str(caught.value.message)
    assert not SupportRecord.objects.exists()
    # the same terms in a write: refused at the item's position, nothing written
    good = SupportItem(policies["ZS-HH"], Recipient(poor_a.pk), data(D(2026, 5, 5)))
    with pytest.raises(SupportRejected) as rejected:
        support_records_write(
            items=[good, SupportItem(policies[code], Recipient(poor_a.pk), data(**terms))],
            acting_user=officer(users),
        )
    assert [p for p, _message in rejected.value.errors] == [1]
    assert not SupportRecord.objects.exists()


def test_the_policy_period_bounds_are_inclusive(users: Users, policies: Policies, poor_a: Household) -> None:
    support_records_create(
        policy=policies["ZS-NEW"],
        recipients=[Recipient(poor_a.pk)],
        data=data(D(2026, 3, 1)),
        acting_user=officer(users),
    )
    support_records_create(
        policy=policies["ZS-OLD"],
        recipients=[Recipient(poor_a.pk)],
        data=data(D(2025, 12, 31)),
        acting_user=officer(users),
    )
    support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk)],
        data=data(TODAY),
        acting_user=officer(users),
    )
    assert SupportRecord.objects.count() == 3


def test_an_inactive_policy_and_an_empty_list_are_refused(
    users: Users, policies: Policies, poor_a: Household
) -> None:
    Policy.objects.filter(pk=policies["ZS-HH"].pk).update(is_active=False)
    policies["ZS-HH"].refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        support_records_create(
            policy=policies["ZS-HH"],
            recipients=[Recipient(poor_a.pk)],
            data=data(),
            acting_user=officer(users),
        )
    assert caught.value.extra["field"] == "policy"
    with pytest.raises(ValidationFailed):
        support_records_create(
            policy=policies["ZS-MEM"], recipients=[], data=data(), acting_user=officer(users)
        )
    with pytest.raises(ValidationFailed):
        support_records_write(items=[], acting_user=officer(users))
    assert not SupportRecord.objects.exists()


# --- refusals of recipients ------------------------------------------------------------------------------


def _rejected(policy: Policy, recipients: list[Recipient], user: User, **terms: Any) -> list[int]:
    """Positions refused (and check that nothing was written)."""
    before = SupportRecord.objects.count()
    with pytest.raises(SupportRejected) as caught:
        support_records_create(policy=policy, recipients=recipients, data=data(**terms), acting_user=user)
    assert SupportRecord.objects.count() == before
    assert all(isinstance(m, str) and m for _p, m in caught.value.errors)
    assert caught.value.extra["errors"] == caught.value.errors
    return [p for p, _m in caught.value.errors]


def test_a_household_outside_the_officers_commune(
    users: Users, policies: Policies, poor_a: Household, poor_b: Household
) -> None:
    assert _rejected(policies["ZS-HH"], [Recipient(poor_b.pk)], officer(users)) == [0]
    assert _rejected(policies["ZS-HH"], [Recipient(poor_a.pk), Recipient(poor_b.pk)], officer(users)) == [1]
    assert _rejected(policies["ZS-HH"], [Recipient(10**9)], officer(users)) == [0]  # no such household
    # the provincial specialist may record in both communes
    support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk), Recipient(poor_b.pk)],
        data=data(),
        acting_user=users["chuyenvien"],
    )
    assert SupportRecord.objects.count() == 2


def test_an_inactive_household(users: Users, policies: Policies, poor_a: Household) -> None:
    Household.objects.filter(pk=poor_a.pk).update(is_active=False)
    assert _rejected(policies["ZS-HH"], [Recipient(poor_a.pk)], officer(users)) == [0]


def test_member_and_household_level(
    users: Users, policies: Policies, poor_a: Household, poor_a2: Household
) -> None:
    head, child = members(poor_a)
    other_head, _other_child = members(poor_a2)
    user = officer(users)
    assert _rejected(policies["ZS-MEM"], [Recipient(poor_a.pk)], user) == [0]  # which member?
    assert _rejected(policies["ZS-HH"], [Recipient(poor_a.pk, head.pk)], user) == [0]  # a household policy
    assert _rejected(policies["ZS-MEM"], [Recipient(poor_a.pk, other_head.pk)], user) == [0]  # not theirs
    Member.objects.filter(pk=child.pk).update(is_active=False)  # moved out
    assert _rejected(policies["ZS-MEM"], [Recipient(poor_a.pk, child.pk)], user) == [0]
    support_records_create(
        policy=policies["ZS-MEM"], recipients=[Recipient(poor_a.pk, head.pk)], data=data(), acting_user=user
    )


def test_twice_in_the_list_or_already_recorded(users: Users, policies: Policies, poor_a: Household) -> None:
    head, child = members(poor_a)
    user = officer(users)
    twice = [Recipient(poor_a.pk, head.pk), Recipient(poor_a.pk, child.pk), Recipient(poor_a.pk, head.pk)]
    assert _rejected(policies["ZS-MEM"], twice, user) == [2]
    support_records_create(
        policy=policies["ZS-MEM"], recipients=[Recipient(poor_a.pk, head.pk)], data=data(), acting_user=user
    )
    assert _rejected(policies["ZS-MEM"], [Recipient(poor_a.pk, head.pk)], user) == [0]  # same date
    # another date, another member or another policy on the same date is not a repeat
    support_records_create(
        policy=policies["ZS-MEM"],
        recipients=[Recipient(poor_a.pk, head.pk)],
        data=data(D(2026, 6, 2)),
        acting_user=user,
    )
    support_records_create(
        policy=policies["ZS-MEM"], recipients=[Recipient(poor_a.pk, child.pk)], data=data(), acting_user=user
    )
    support_records_create(
        policy=policies["ZS-HH"], recipients=[Recipient(poor_a.pk)], data=data(), acting_user=user
    )
    assert SupportRecord.objects.count() == 4


def test_not_entitled_needs_a_reason(
    users: Users, policies: Policies, poor_a: Household, middle_a: Household
) -> None:
    user = officer(users)
    [middle_head] = members(middle_a)
    assert _rejected(policies["ZS-HH"], [Recipient(middle_a.pk)], user) == [0]
    assert _rejected(policies["ZS-MEM"], [Recipient(middle_a.pk, middle_head.pk)], user) == [0]
    assert _rejected(policies["ZS-HH"], [Recipient(middle_a.pk)], user, reason="   ") == [0]  # blank
    # in a list, only the recipient who is not entitled is refused
    assert _rejected(policies["ZS-HH"], [Recipient(poor_a.pk), Recipient(middle_a.pk)], user) == [1]
    records = support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk), Recipient(middle_a.pk)],
        data=data(reason="  Nhà sập do lốc xoáy "),
        acting_user=user,
    )
    saved = {
        r.household_id: (r.eligible, r.reason)
        for r in SupportRecord.objects.filter(pk__in=[r.pk for r in records])
    }
    # the reason is kept only where it was needed: the entitled household is not flagged
    assert saved == {poor_a.pk: (True, ""), middle_a.pk: (False, "Nhà sập do lốc xoáy")}
    assert AuditRecord.objects.latest("pk").after["not_entitled"] == 1  # type: ignore[index]
    entitlement = Entitlement.objects.get(year=2026, policy=policies["ZS-HH"], household=middle_a)
    assert (entitlement.eligible, entitlement.covered) == (False, True)  # counted outside the policy


def test_every_refusal_is_listed_by_position(
    users: Users,
    policies: Policies,
    poor_a: Household,
    poor_a2: Household,
    middle_a: Household,
    poor_b: Household,
) -> None:
    head, _child = members(poor_a)
    items = [
        SupportItem(policies["ZS-HH"], Recipient(poor_a.pk), data()),  # fine
        SupportItem(policies["ZS-HH"], Recipient(poor_b.pk), data()),  # outside the commune
        SupportItem(policies["ZS-HH"], Recipient(poor_a2.pk), data(amount=-5)),  # negative amount
        SupportItem(policies["ZS-HH"], Recipient(middle_a.pk), data()),  # not entitled, no reason
        SupportItem(policies["ZS-MEM"], Recipient(poor_a.pk), data()),  # no member
        SupportItem(policies["ZS-HH"], Recipient(poor_a.pk), data()),  # twice
        SupportItem(policies["ZS-MEM"], Recipient(poor_a.pk, head.pk), data()),  # fine
    ]
    with pytest.raises(SupportRejected) as caught:
        support_records_write(items=items, acting_user=officer(users))
    assert [p for p, _m in caught.value.errors] == [1, 2, 3, 4, 5]
    assert not SupportRecord.objects.exists()


def test_nothing_partial_in_a_bulk_of_twenty(
    users: Users, policies: Policies, commune_a: Area, poor_b: Household
) -> None:
    households = [make_household(commune_a, head=f"Hộ Nghèo Số {n}", category="poor") for n in range(1, 20)]
    recipients = [Recipient(h.pk) for h in households]
    recipients.insert(13, Recipient(poor_b.pk))  # one of twenty is in another commune
    records, audits = SupportRecord.objects.count(), AuditRecord.objects.count()
    with pytest.raises(SupportRejected) as caught:
        support_records_create(
            policy=policies["ZS-HH"], recipients=recipients, data=data(), acting_user=officer(users)
        )
    assert len(recipients) == 20 and [p for p, _m in caught.value.errors] == [13]
    assert (SupportRecord.objects.count(), AuditRecord.objects.count()) == (records, audits)
    assert not Entitlement.objects.filter(policy=policies["ZS-HH"], covered=True).exists()

    # the same through a write, the bad one being a negative amount
    items = [SupportItem(policies["ZS-HH"], Recipient(h.pk), data()) for h in households]
    items.insert(
        7, SupportItem(policies["ZS-HH"], Recipient(households[0].pk), data(D(2026, 6, 2), amount=-1))
    )
    with pytest.raises(SupportRejected) as caught:
        support_records_write(items=items, acting_user=officer(users))
    assert len(items) == 20 and [p for p, _m in caught.value.errors] == [7]
    assert SupportRecord.objects.count() == records

    del recipients[13]
    saved = support_records_create(
        policy=policies["ZS-HH"], recipients=recipients, data=data(), acting_user=officer(users)
    )
    assert len(saved) == 19 and SupportRecord.objects.count() == records + 19
    assert AuditRecord.objects.filter(action="policies.support.bulk_create").count() == 1
    assert Entitlement.objects.filter(policy=policies["ZS-HH"], covered=True, year=2026).count() == 19


# --- permissions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["lanhdao", "vanphong", "truongphong"])
def test_only_users_who_record_support_may(
    users: Users, policies: Policies, poor_a: Household, username: str
) -> None:
    user = users[username]
    with pytest.raises(PermissionDenied):
        support_records_create(
            policy=policies["ZS-HH"], recipients=[Recipient(poor_a.pk)], data=data(), acting_user=user
        )
    with pytest.raises(PermissionDenied):
        support_records_write(
            items=[SupportItem(policies["ZS-HH"], Recipient(poor_a.pk), data())], acting_user=user
        )
    [record] = support_records_create(
        policy=policies["ZS-HH"], recipients=[Recipient(poor_a.pk)], data=data(), acting_user=officer(users)
    )
    with pytest.raises(PermissionDenied):
        support_record_cancel(record=record, reason="Nhầm", acting_user=user)
    record.refresh_from_db()
    assert SupportRecord.objects.count() == 1 and record.cancelled_at is None


# --- cancelling ------------------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_the_record_no_longer_counts(
    users: Users, policies: Policies, poor_a: Household
) -> None:
    user = officer(users)
    [record] = support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk)],
        data=data(amount=7_000_000),
        acting_user=user,
    )
    for blank in ("", "   "):
        with pytest.raises(ValidationFailed) as caught:
            support_record_cancel(record=record, reason=blank, acting_user=user)
        assert caught.value.extra["field"] == "reason"
    record.refresh_from_db()
    assert record.cancelled_at is None

    audits = AuditRecord.objects.count()
    support_record_cancel(record=record, reason=" Nhập nhầm hộ ", acting_user=user)
    record.refresh_from_db()
    assert record.cancelled_at is not None and record.cancel_reason == "Nhập nhầm hộ"
    assert AuditRecord.objects.count() == audits + 1
    audit = AuditRecord.objects.latest("pk")
    assert (audit.action, audit.target_id) == ("policies.support.cancel", str(record.pk))
    assert audit.before is not None and audit.before["cancelled_at"] is None
    assert audit.after is not None and audit.after["cancel_reason"] == "Nhập nhầm hộ"
    with pytest.raises(ValidationFailed):  # once is enough
        support_record_cancel(record=record, reason="Lần nữa", acting_user=user)

    # kept but no longer counted: not listed, not spent, not covering
    assert record.pk not in support_record_list(user=user).values_list("pk", flat=True)
    assert record.pk in support_record_list(
        user=user, filters=SupportFilters(include_cancelled=True)
    ).values_list("pk", flat=True)
    assert spending_totals(user=user, filters=SupportFilters()).amount == 0
    entitlement = Entitlement.objects.get(year=2026, policy=policies["ZS-HH"], household=poor_a)
    assert (entitlement.eligible, entitlement.covered) == (True, False)
    # and the same support can be recorded again on that date
    support_records_create(
        policy=policies["ZS-HH"],
        recipients=[Recipient(poor_a.pk)],
        data=data(amount=7_000_000),
        acting_user=user,
    )
    assert spending_totals(user=user, filters=SupportFilters()).amount == 7_000_000


def test_a_record_cancelled_meanwhile_is_not_cancelled_again(
    users: Users, policies: Policies, poor_a: Household
) -> None:
    """Two people open the same record and both cancel it: the second is told, nothing is overwritten."""
    user = officer(users)
    [record] = support_records_create(
        policy=policies["ZS-HH"], recipients=[Recipient(poor_a.pk)], data=data(), acting_user=user
    )
    first, second = SupportRecord.objects.get(pk=record.pk), SupportRecord.objects.get(pk=record.pk)
    support_record_cancel(record=first, reason="Nhập nhầm hộ", acting_user=user)
    with pytest.raises(ValidationFailed):
        support_record_cancel(record=second, reason="Trùng hồ sơ", acting_user=users["chuyenvien"])
    record.refresh_from_db()
    assert record.cancel_reason == "Nhập nhầm hộ"
    assert AuditRecord.objects.filter(action="policies.support.cancel", target_id=str(record.pk)).count() == 1
