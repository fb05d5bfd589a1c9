"""Policies that wait for an event or a request, and policies limited to some places (issue 15, item 6):
the pure rules, the requests on record (services, pages, scope), and the coverage and gap lists of the
sample catalogue's N5 (housing after a disaster), C1/C2/W1 (loans) and X3 (labour export) on a small
world in two demo communes. "Today" is fixed at 15/06/2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.audit import AuditRecord
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import ExportRecord
from giamngheo.core.versioning import StaleVersion
from giamngheo.geo.models import DifficultyPeriod
from giamngheo.geo.services import difficulty_period_add
from giamngheo.households.tests.factories import make_household
from giamngheo.policies import eligibility as el
from giamngheo.policies import events
from giamngheo.policies.adapters import households_facts, request_stands
from giamngheo.policies.models import CoverageSummary, Policy, RequestStatus, SupportRecord, SupportRequest
from giamngheo.policies.selectors import gap_list
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    coverage_rebuild,
    entitlements_refresh,
    support_records_create,
    support_request_create,
    support_request_decide,
    support_request_withdraw,
)
from giamngheo.policies.tests.worlds import freeze_today

TODAY = dt.date(2026, 6, 15)
ON = dt.date(2026, 6, 1)
YEAR = 2026

# --- The pure rules ---------------------------------------------------------------------------------------


def test_event_and_request_conditions_wait_for_the_record() -> None:
    housing = el.Rule.from_data({"categories": ["poor"], "needs_event": events.HOUSE_DAMAGED}, code="N5")
    loan = el.Rule.from_data({"categories": ["poor"], "needs_request": True}, code="C1")
    poor = el.Household(category="poor")
    waiting = el.evaluate(housing, poor, ON)
    assert not waiting.eligible
    assert "Chỉ xét khi hộ có nhà bị thiệt hại do thiên tai, hỏa hoạn được ghi nhận" in [
        r.vi for r in waiting.reasons
    ]
    assert el.evaluate(
        housing, el.Household(category="poor", events=frozenset({"house_damaged"})), ON
    ).eligible
    assert not el.evaluate(
        housing, el.Household(category="near_poor", events=frozenset({"house_damaged"})), ON
    ).eligible
    asked = el.evaluate(loan, poor, ON)
    assert not asked.eligible and "Chỉ xét khi hộ có đề nghị được ghi nhận" in [r.vi for r in asked.reasons]
    assert not el.evaluate(loan, el.Household(category="poor", requests=frozenset({"C2"})), ON).eligible
    assert el.evaluate(loan, el.with_request(poor, "C1"), ON).eligible
    assert loan.needs_request and not housing.needs_request and housing.needs_event == "house_damaged"
    assert "Chỉ xét khi hộ có đề nghị được ghi nhận" in loan.describe()
    assert housing.describe()[-1] == "Chỉ xét khi hộ có nhà bị thiệt hại do thiên tai, hỏa hoạn được ghi nhận"
    assert "Only households whose request is recorded" in loan.describe("en")


def test_place_conditions() -> None:
    rule = el.Rule.from_data({"categories": ["poor"], "places": ["poor_commune", "difficult_commune"]})
    assert rule.describe() == ["Hộ nghèo", "Ở xã đặc biệt khó khăn hoặc xã nghèo"]
    assert not el.evaluate(rule, el.Household(category="poor"), ON).eligible
    assert not el.evaluate(rule, el.Household(category="poor", difficult_village=True), ON).eligible
    assert el.evaluate(rule, el.Household(category="poor", poor_commune=True), ON).eligible
    assert el.evaluate(rule, el.Household(category="poor", difficult_commune=True), ON).eligible
    rural = el.Rule.from_data({"categories": ["poor"], "places": ["rural"]})
    assert el.evaluate(rural, el.Household(category="poor", rural=True), ON).eligible
    assert not el.evaluate(rural, el.Household(category="poor", rural=False), ON).eligible
    assert not el.evaluate(rural, el.Household(category="poor", rural=None), ON).eligible  # unknown: no


def test_clean_rule_checks_the_new_conditions() -> None:
    cleaned = el.clean_rule(
        {
            "categories": ["poor"],
            "places": ["rural", "poor_commune"],
            "needs_event": "",
            "needs_request": False,
        }
    )
    assert cleaned == {"categories": ["poor"], "level": "household", "places": ["poor_commune", "rural"]}
    with pytest.raises(el.RuleError) as unknown:
        el.clean_rule({"categories": ["poor"], "needs_event": "meteor"})
    assert unknown.value.field == "needs_event" and "meteor" in str(unknown.value)
    with pytest.raises(el.RuleError) as place:
        el.clean_rule({"categories": ["poor"], "places": ["moon"]})
    assert place.value.field == "places"
    with pytest.raises(el.RuleError):
        el.clean_rule({"categories": ["poor"], "needs_request": "yes"})
    with pytest.raises(ValueError, match="unknown event"):
        el.Rule.from_data({"categories": ["poor"], "needs_event": "meteor"})


def test_the_rules_know_every_event_kind_of_the_events_module() -> None:
    kinds = {v for k, v in vars(events).items() if k.isupper() and isinstance(v, str)}
    assert kinds == set(el.EVENT_KINDS) == {events.HOUSE_DAMAGED, events.DISASTER_AFFECTED}


def test_a_request_stands_from_its_date_until_refused_withdrawn_or_the_end_of_its_decision_year() -> None:
    d = dt.date
    assert not request_stands("requested", d(2026, 7, 1), None, ON)  # not yet made
    assert request_stands("requested", d(2024, 1, 1), None, ON)  # still pending: still work to do
    assert request_stands("approved", d(2026, 3, 1), d(2026, 4, 1), ON)
    assert not request_stands("approved", d(2025, 3, 1), d(2025, 4, 1), ON)  # last year's loan
    assert request_stands("refused", d(2026, 3, 1), d(2026, 6, 10), ON)  # refused only later
    assert not request_stands("refused", d(2026, 3, 1), d(2026, 5, 10), ON)
    assert not request_stands("withdrawn", d(2026, 3, 1), d(2026, 5, 10), ON)


@pytest.mark.django_db  # the relief app's source (registered when the apps load) reads the database
def test_event_source_helper_registers_and_forgets() -> None:
    def source(ids: Collection[int], on: dt.date) -> Mapping[int, Collection[str]]:
        return {i: {events.HOUSE_DAMAGED} for i in ids}

    assert events.household_events([1], ON) == {}
    with events.event_source(source):
        assert events.household_events([1, 2], ON) == {
            1: frozenset({"house_damaged"}),
            2: frozenset({"house_damaged"}),
        }
    assert events.household_events([1], ON) == {}
    events.register_event_source(source)
    events.unregister_event_source(source)
    events.unregister_event_source(source)  # twice: ignored
    assert events.household_events([1], ON) == {}


# --- A small world in two demo communes, with the sample catalogue --------------------------------------


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, commune_a: Any, commune_b: Any) -> dict[str, Any]:
    """Commune A (rural): poor P1, P2 (P1 with a worker of 30), middle M1; commune B (urban ward): poor P3,
    near-poor N1. No other households in these communes; coverage rebuilt for 2026."""
    freeze_today(monkeypatch, TODAY)
    worker = {
        "full_name": "Điểu Văn Thợ",
        "sex": "M",
        "date_of_birth": dt.date(1996, 1, 10),
        "relationship": "child",
    }
    w = {
        "P1": make_household(commune_a, head="Điểu Văn Một", category="poor", members=[worker]),
        "P2": make_household(commune_a, head="Điểu Thị Hai", category="poor"),
        "M1": make_household(commune_a, head="Lê Văn Giữa", category="middle"),
        "P3": make_household(commune_b, head="Trần Văn Ba", category="poor"),
        "N1": make_household(commune_b, head="Trần Thị Cận", category="near_poor"),
        "A": commune_a,
        "B": commune_b,
    }
    coverage_rebuild(year=YEAR, commune_ids=[commune_a.pk, commune_b.pk])
    return w


def gaps(code: str, user: User) -> set[int]:
    policy = Policy.objects.get(code=code)
    return set(gap_list(user=user, policy=policy, year=YEAR).values_list("household_id", flat=True))


def eligible_households(code: str, w: dict[str, Any]) -> int:
    total = CoverageSummary.objects.filter(
        year=YEAR, policy__code=code, commune__in=[w["A"], w["B"]]
    ).aggregate(n=Sum("eligible_households"))["n"]
    return int(total or 0)


def test_housing_support_counts_only_households_with_a_recorded_damage(
    world: dict[str, Any], users: Any
) -> None:
    specialist = users["chuyenvien"]
    assert eligible_households("N5", world) == 0 and gaps("N5", specialist) == set()
    damaged = {world["P1"].pk, world["N1"].pk, world["M1"].pk}

    def relief(ids: Collection[int], on: dt.date) -> Mapping[int, Collection[str]]:
        return {i: {events.HOUSE_DAMAGED} for i in ids if i in damaged}

    with events.event_source(relief):
        entitlements_refresh(household_ids=damaged, years={YEAR})
        # The middle-living household's house was damaged too, but N5 is for poor and near-poor households.
        assert gaps("N5", specialist) == {world["P1"].pk, world["N1"].pk}
        assert eligible_households("N5", world) == 2
        coverage_rebuild(year=YEAR, commune_ids=[world["A"].pk])  # a rebuild agrees
        assert gaps("N5", specialist) == {world["P1"].pk, world["N1"].pk}
    coverage_rebuild(year=YEAR, commune_ids=[world["A"].pk, world["B"].pk])
    assert gaps("N5", specialist) == set()


def test_loans_count_only_households_with_a_request(world: dict[str, Any], users: Any) -> None:
    officer, specialist = users["canbo.bugiamap"], users["chuyenvien"]
    c1 = Policy.objects.get(code="C1")
    assert (
        gaps("C1", specialist) == set()
        and gaps("C2", specialist) == set()
        and gaps("W1", specialist) == set()
    )
    request = support_request_create(
        household=world["P1"],
        policy=c1,
        requested_on=dt.date(2026, 5, 2),
        note="Vay chăn nuôi",
        acting_user=officer,
    )
    assert request.status == RequestStatus.REQUESTED and request.commune_id == world["A"].pk
    assert gaps("C1", specialist) == {world["P1"].pk}
    assert AuditRecord.objects.filter(action="policies.request.create", target_id=str(request.pk)).exists()
    # One pending request per household and policy; a middle-living household is not entitled to C1.
    with pytest.raises(ValidationFailed, match="đang chờ xét"):
        support_request_create(household=world["P1"], policy=c1, requested_on=TODAY, acting_user=officer)
    with pytest.raises(ValidationFailed) as not_entitled:
        support_request_create(household=world["M1"], policy=c1, requested_on=TODAY, acting_user=officer)
    assert not_entitled.value.extra["field"] == "policy"
    # Policies that need no request, future dates, households outside the officer's commune: refused.
    with pytest.raises(ValidationFailed, match="không cần đề nghị"):
        support_request_create(
            household=world["P2"],
            policy=Policy.objects.get(code="H1"),
            requested_on=TODAY,
            acting_user=officer,
        )
    with pytest.raises(ValidationFailed) as future:
        support_request_create(
            household=world["P2"], policy=c1, requested_on=dt.date(2026, 7, 1), acting_user=officer
        )
    assert future.value.extra["field"] == "requested_on"
    with pytest.raises(ValidationFailed, match="ngoài địa bàn của bạn"):
        support_request_create(household=world["P3"], policy=c1, requested_on=TODAY, acting_user=officer)
    assert SupportRequest.objects.count() == 1
    # Approved, then the loan recorded: covered, no gap.
    with pytest.raises(StaleVersion):
        support_request_decide(
            request=request,
            status="approved",
            decided_on=TODAY,
            version=request.version + 1,
            acting_user=officer,
        )
    with pytest.raises(ValidationFailed):
        support_request_decide(
            request=request,
            status="approved",
            decided_on=dt.date(2026, 5, 1),
            version=request.version,
            acting_user=officer,
        )
    support_request_decide(
        request=request,
        status="approved",
        decided_on=dt.date(2026, 5, 20),
        version=request.version,
        acting_user=officer,
    )
    assert gaps("C1", specialist) == {world["P1"].pk}
    support_records_create(
        policy=c1,
        recipients=[Recipient(world["P1"].pk, None)],
        data=SupportData(date=dt.date(2026, 6, 1), funding_source="credit", amount=50_000_000),
        acting_user=officer,
    )
    assert gaps("C1", specialist) == set()
    with pytest.raises(ValidationFailed, match="đã được xét hoặc đã rút"):
        support_request_withdraw(
            request=request, withdrawn_on=TODAY, version=request.version, acting_user=officer
        )
    # A loan recorded without a request on record answers one: entitled, not "outside".
    [loan] = support_records_create(
        policy=c1,
        recipients=[Recipient(world["P2"].pk, None)],
        data=SupportData(date=dt.date(2026, 6, 2), funding_source="credit", amount=30_000_000),
        acting_user=officer,
    )
    assert loan.eligible
    # A withdrawn request is no longer a gap.
    near = support_request_create(
        household=world["N1"],
        policy=Policy.objects.get(code="C2"),
        requested_on=TODAY,
        acting_user=users["canbo.tranbien"],
    )
    assert gaps("C2", specialist) == {world["N1"].pk}
    support_request_withdraw(
        request=near, withdrawn_on=TODAY, version=near.version, acting_user=users["canbo.tranbien"]
    )
    near.refresh_from_db()
    assert near.status == RequestStatus.WITHDRAWN and gaps("C2", specialist) == set()


def test_rural_water_loans_only_in_rural_communes(world: dict[str, Any], users: Any) -> None:
    w1 = Policy.objects.get(code="W1")
    support_request_create(
        household=world["M1"], policy=w1, requested_on=TODAY, acting_user=users["canbo.bugiamap"]
    )
    assert gaps("W1", users["chuyenvien"]) == {world["M1"].pk}
    with pytest.raises(ValidationFailed, match="khu vực nông thôn"):
        support_request_create(
            household=world["P3"], policy=w1, requested_on=TODAY, acting_user=users["canbo.tranbien"]
        )


def test_labour_export_support_only_in_poor_or_especially_difficult_communes(
    world: dict[str, Any], users: Any
) -> None:
    commune = world["A"]
    DifficultyPeriod.objects.filter(area=commune).delete()
    coverage_rebuild(year=YEAR, commune_ids=[commune.pk])
    specialist = users["chuyenvien"]
    assert gaps("X3", specialist) & {world["P1"].pk} == set()
    difficulty_period_add(area=commune, from_year=2021, to_year=2026, legal_source="thử", acting_user=None)
    coverage_rebuild(year=YEAR, commune_ids=[commune.pk])
    x3 = Policy.objects.get(code="X3")
    members = set(
        gap_list(user=specialist, policy=x3, year=YEAR, commune_id=commune.pk).values_list(
            "member__full_name", flat=True
        )
    )
    assert members == {"Điểu Văn Thợ"}  # the worker of 30; the heads (born 1980) are over 45


def test_labour_export_support_counts_a_poor_commune_only_while_it_is_flagged(
    world: dict[str, Any], users: Any
) -> None:
    commune = world["A"]
    DifficultyPeriod.objects.filter(area=commune).delete()  # not especially difficult: only the poor flag
    specialist = users["chuyenvien"]
    x3 = Policy.objects.get(code="X3")

    def x3_members() -> set[str]:
        coverage_rebuild(year=YEAR, commune_ids=[commune.pk])
        rows = gap_list(user=specialist, policy=x3, year=YEAR, commune_id=commune.pk)
        return set(rows.values_list("member__full_name", flat=True))

    difficulty_period_add(
        area=commune, kind="poor_commune", from_year=2021, to_year=2025, legal_source="thử", acting_user=None
    )
    assert x3_members() == set()  # the period ended before 2026
    assert not households_facts([world["P1"].pk], on=ON)[world["P1"].pk].facts.poor_commune
    difficulty_period_add(
        area=commune, kind="poor_commune", from_year=2026, to_year=2026, legal_source="thử", acting_user=None
    )
    assert x3_members() == {"Điểu Văn Thợ"}
    facts = households_facts([world["P1"].pk], on=ON)[world["P1"].pk].facts
    assert facts.poor_commune and not facts.difficult_commune
    later = households_facts([world["P1"].pk], on=dt.date(2027, 1, 1))[world["P1"].pk].facts
    assert not later.poor_commune  # after the period ends


def test_households_facts_reads_in_a_fixed_number_of_queries(world: dict[str, Any], users: Any) -> None:
    support_request_create(
        household=world["P1"],
        policy=Policy.objects.get(code="C1"),
        requested_on=TODAY,
        acting_user=users["canbo.bugiamap"],
    )
    with CaptureQueriesContext(connection) as one:
        facts = households_facts([world["P1"].pk], on=TODAY)
    ids = [world[k].pk for k in ("P1", "P2", "M1", "P3", "N1")]
    with CaptureQueriesContext(connection) as five:
        many = households_facts(ids, on=TODAY)
    assert len(one.captured_queries) == len(five.captured_queries)
    assert facts[world["P1"].pk].facts.requests == frozenset({"C1"})
    assert many[world["P1"].pk].facts.rural is True and many[world["P3"].pk].facts.rural is False


# --- Pages -------------------------------------------------------------------------------------------------


def test_record_a_request_from_the_household_card_and_decide_it(world: dict[str, Any], users: Any) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = world["P2"]
    card = officer.get(reverse("policies:household-policies", args=[household.pk])).content.decode()
    url = reverse("policies:request-create", args=[household.pk])
    assert f"{url}?policy=C1" in card and "Ghi nhận đề nghị" in card
    form = officer.get(f"{url}?policy=C1")
    assert form.status_code == 200 and "Ngày đề nghị" in form.content.decode()
    bad = officer.post(url, {"policy": "C1", "requested_on": "01/07/2026", "note": ""})
    assert bad.status_code == 400 and not SupportRequest.objects.exists()
    done = officer.post(url, {"policy": "C1", "requested_on": "10/06/2026", "note": "Vay mua giống"})
    assert done.status_code == 302
    request = SupportRequest.objects.get(household=household)
    assert request.requested_on == dt.date(2026, 6, 10) and request.note == "Vay mua giống"
    card = officer.get(reverse("policies:household-policies", args=[household.pk])).content.decode()
    assert 'data-request="C1" data-status="requested"' in card and f"{url}?policy=C1" not in card
    listing = officer.get(reverse("policies:request-list"), {"status": "requested"}).content.decode()
    assert household.code in listing and "Đã đề nghị" in listing
    assert (
        household.code
        not in officer.get(reverse("policies:request-list"), {"status": "approved"}).content.decode()
    )
    detail = reverse("policies:request-detail", args=[request.pk])
    assert officer.get(detail).status_code == 200
    stale = officer.post(
        detail, {"status": "approved", "decided_on": "12/06/2026", "version": request.version + 5}
    )
    assert stale.status_code == 400
    ok = officer.post(
        detail, {"status": "approved", "decided_on": "12/06/2026", "note": "", "version": request.version}
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.decided_on == dt.date(2026, 6, 12)
    # Another commune's officer sees nothing of it; a leader may read, not record.
    other = client_for(users["canbo.tranbien"])
    assert other.get(detail).status_code == 404
    assert household.code not in other.get(reverse("policies:request-list")).content.decode()
    assert other.get(url).status_code == 404
    leader = client_for(users["lanhdao"])
    assert leader.get(detail).status_code == 200
    assert leader.get(url).status_code == 403
    assert (
        leader.post(detail, {"status": "refused", "decided_on": "12/06/2026", "version": 1}).status_code
        == 403
    )


def test_request_list_exports_for_those_who_may_download(world: dict[str, Any], users: Any) -> None:
    support_request_create(
        household=world["P1"],
        policy=Policy.objects.get(code="C1"),
        requested_on=TODAY,
        acting_user=users["canbo.bugiamap"],
    )
    officer = client_for(users["canbo.bugiamap"])
    logged = ExportRecord.objects.count()
    response = officer.get(reverse("policies:request-list"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert ExportRecord.objects.count() == logged + 1
    assert ExportRecord.objects.latest("pk").kind == "request_list"
    log = client_for(users["admin"]).get(reverse("web:export-log"), {"kind": "request_list"})
    assert log.status_code == 200 and "Danh sách đề nghị hỗ trợ" in log.content.decode()  # the kind in words
    assert (
        client_for(users["lanhdao"]).get(reverse("policies:request-list"), {"format": "xlsx"}).status_code
        == 403
    )


def test_coverage_page_explains_request_and_event_bound_policies(world: dict[str, Any], users: Any) -> None:
    body = client_for(users["chuyenvien"]).get(reverse("policies:coverage"), {"year": YEAR}).content.decode()
    assert "Chỉ tính hộ có đề nghị được ghi nhận." in body
    assert "Chỉ tính hộ có nhà bị thiệt hại (thiên tai, hỏa hoạn) được ghi nhận." in body


def test_the_catalogue_form_edits_the_new_conditions(users: Any) -> None:
    from giamngheo.policies.forms import PolicyForm

    policy = Policy.objects.get(code="W1")
    form = PolicyForm(policy=policy)
    assert form.initial["needs_request"] is True and form.initial["places"] == ["rural"]
    data = {
        **{k: v for k, v in form.initial.items() if v is not None},
        "valid_from": "02/09/2024",
        "valid_to": "",
        "is_active": "on",
        "places": ["rural", "poor_commune"],
        "needs_event": "disaster_affected",
        "needs_request": "",
        "version": policy.version,
    }
    bound = PolicyForm(data, policy=policy)
    assert bound.is_valid(), bound.errors
    rule = bound.rule()
    assert rule["places"] == ["rural", "poor_commune"] and rule["needs_event"] == "disaster_affected"
    assert "needs_request" not in rule


def test_demo_requests_leave_some_pending_as_gaps(world: dict[str, Any], users: Any, province: Any) -> None:
    from giamngheo.demo.policies import seed_policy_requests

    for i in range(4):
        make_household(world["A"], head=f"Điểu Văn Mẫu {i}", category="poor")
    assert seed_policy_requests(province=province) > 0
    c1 = SupportRequest.objects.filter(policy__code="C1", commune=world["A"])
    pending = set(c1.filter(status="requested").values_list("household_id", flat=True))
    approved = set(c1.filter(status="approved").values_list("household_id", flat=True))
    assert len(pending) == 3 and len(approved) == 3
    assert (
        set(
            SupportRecord.objects.filter(policy__code="C1", commune=world["A"]).values_list(
                "household_id", flat=True
            )
        )
        == approved
    )
    assert gaps("C1", users["chuyenvien"]) & set(c1.values_list("household_id", flat=True)) == pending
    # Rural water: asked in the rural commune only.
    assert SupportRequest.objects.filter(policy__code="W1", commune=world["A"]).exists()
    assert not SupportRequest.objects.filter(policy__code="W1", commune=world["B"]).exists()
    assert seed_policy_requests(province=province) == 0  # once
