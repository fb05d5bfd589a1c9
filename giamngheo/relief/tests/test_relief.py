from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord, ExportRecord
from giamngheo.geo.models import Area
from giamngheo.households.tests.factories import make_household
from giamngheo.plans import indicators as ind
from giamngheo.plans.selectors import area_inputs
from giamngheo.policies.events import DISASTER_AFFECTED, HOUSE_DAMAGED, household_events
from giamngheo.relief import selectors, services
from giamngheo.relief.models import AffectedHousehold, Incident, Support
from giamngheo.reviews.models import RegularRequest

pytestmark = pytest.mark.django_db

START = dt.date(2026, 10, 10)


@pytest.fixture
def specialist(users):  # type: ignore[no-untyped-def]
    return users["chuyenvien"]


@pytest.fixture
def officer_a(users):  # type: ignore[no-untyped-def]
    return users["canbo.bugiamap"]


@pytest.fixture
def officer_b(users):  # type: ignore[no-untyped-def]
    return users["canbo.tranbien"]


@pytest.fixture
def flood(province, commune_a, commune_b, specialist):  # type: ignore[no-untyped-def]
    return services.incident_create(
        province=province,
        kind="flood",
        name="Lũ tháng 10",
        start_date=START,
        end_date=dt.date(2026, 10, 15),
        communes=[commune_a, commune_b],
        acting_user=specialist,
    )


def _affected(incident, household, user, **damage):  # type: ignore[no-untyped-def]
    data = {"dead": 0, "injured": 0} | damage
    return services.affected_create(incident=incident, household=household, acting_user=user, **data)


# Bad input --------------------------------------------------------------------------------------------------
def test_end_before_start_is_refused(province, commune_a, specialist) -> None:
    before = Incident.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.incident_create(
            province=province,
            kind="storm",
            name="Bão số 5",
            start_date=START,
            end_date=START - dt.timedelta(days=1),
            communes=[commune_a],
            acting_user=specialist,
        )
    assert exc.value.extra["field"] == "end_date"
    assert Incident.objects.count() == before


def test_commune_officer_cannot_create_an_incident(province, commune_a, officer_a) -> None:
    with pytest.raises(PermissionDenied):
        services.incident_create(
            province=province,
            kind="fire",
            name="Cháy",
            start_date=START,
            communes=[commune_a],
            acting_user=officer_a,
        )


def test_household_outside_the_communes_is_refused(province, commune_a, specialist, officer_a) -> None:
    other = Area.objects.filter(parent=province, level="commune").exclude(pk=commune_a.pk).first()
    incident = services.incident_create(
        province=province, kind="flood", name="Lũ", start_date=START, communes=[other], acting_user=specialist
    )
    household = make_household(commune_a, category="near_poor")
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _affected(incident, household, specialist, house="destroyed")
    assert exc.value.extra["field"] == "household"
    assert not AffectedHousehold.objects.filter(household=household).exists()
    assert AuditRecord.objects.count() == audits
    # In Vietnamese, through the page.
    client = client_for(officer_a)
    client.cookies["django_language"] = "vi"
    # The officer of commune A does not even see an incident of another commune.
    url = reverse("relief:affected-create", args=[incident.pk])
    assert client.post(url, {"household": household.pk, "dead": 0, "injured": 0}).status_code == 404
    admin = client_for(type(specialist).objects.get(username="admin"))
    response = admin.post(
        url, {"household": household.pk, "dead": 0, "injured": 0}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert "Hộ không thuộc xã bị ảnh hưởng của sự cố" in response.content.decode()
    assert not AffectedHousehold.objects.filter(household=household).exists()


def test_a_household_is_recorded_once_per_incident(flood, commune_a, officer_a) -> None:
    household = make_household(commune_a)
    _affected(flood, household, officer_a)
    with pytest.raises(ValidationFailed):
        _affected(flood, household, officer_a, injured=1)
    assert AffectedHousehold.objects.filter(incident=flood, household=household).count() == 1


def test_officer_records_only_own_commune(flood, commune_b, officer_a) -> None:
    household = make_household(commune_b)
    with pytest.raises(PermissionDenied):
        _affected(flood, household, officer_a)


def test_support_checks(flood, province, commune_a, officer_a, specialist) -> None:
    household = make_household(commune_a)
    # Not affected by that incident: refused.
    with pytest.raises(ValidationFailed):
        services.support_create(
            incident=flood,
            household=household,
            kind="cash",
            amount=1_000_000,
            source="state",
            given_on=START,
            acting_user=officer_a,
        )
    _affected(flood, household, officer_a, house="partly_damaged")
    # Before the incident: refused.
    with pytest.raises(ValidationFailed) as exc:
        services.support_create(
            incident=flood,
            household=household,
            kind="cash",
            amount=1_000_000,
            source="state",
            given_on=START - dt.timedelta(days=1),
            acting_user=officer_a,
        )
    assert exc.value.extra["field"] == "given_on"
    # Cash without an amount, goods with neither value nor quantity, a quantity without a unit: refused.
    for bad in (
        {"kind": "cash"},
        {"kind": "rice"},
        {"kind": "rice", "quantity": Decimal(10)},
    ):
        with pytest.raises(ValidationFailed):
            services.support_create(
                incident=flood,
                household=household,
                source="state",
                given_on=START,
                acting_user=officer_a,
                **bad,
            )
    assert not Support.objects.filter(incident=flood).exists()
    # A household of a commune outside the incident: refused.
    other = (
        Area.objects.filter(parent=province, level="commune")
        .exclude(pk__in=flood.commune_links.values("commune_id"))
        .first()
    )
    outsider = make_household(other)
    with pytest.raises(ValidationFailed):
        services.support_create(
            incident=flood,
            household=outsider,
            kind="cash",
            amount=1,
            source="state",
            given_on=START,
            acting_user=specialist,
        )
    services.support_create(
        incident=flood,
        household=household,
        kind="rice",
        quantity=Decimal(20),
        unit="kg",
        source="fund",
        given_on=START,
        acting_user=officer_a,
    )
    assert Support.objects.filter(incident=flood).count() == 1


# Totals -----------------------------------------------------------------------------------------------------
def _world(flood, commune_a, commune_b, officer_a, officer_b):  # type: ignore[no-untyped-def]
    a1 = make_household(commune_a, head="Điểu Thị Một", category="near_poor")
    a2 = make_household(commune_a, head="Điểu Văn Hai", category="middle")
    a3 = make_household(commune_a, head="Điểu Thị Ba", category="poor")
    b1 = make_household(commune_b, head="Trần Văn Bốn", category="near_poor")
    _affected(flood, a1, officer_a, house="destroyed", estimated_loss=80_000_000)
    _affected(flood, a2, officer_a, house="partly_damaged", estimated_loss=25_000_000)
    _affected(flood, a3, officer_a, house="destroyed")
    _affected(flood, b1, officer_b, house="partly_damaged", estimated_loss=5_000_000)
    give = services.support_create
    give(
        incident=flood,
        household=a1,
        kind="cash",
        amount=3_000_000,
        source="state",
        given_on=START,
        acting_user=officer_a,
    )
    give(
        incident=flood,
        household=a1,
        kind="rice",
        quantity=Decimal(30),
        unit="kg",
        amount=450_000,
        source="fund",
        given_on=START,
        acting_user=officer_a,
    )
    give(
        incident=flood,
        household=a2,
        kind="house",
        amount=20_000_000,
        source="organisations",
        given_on=START,
        acting_user=officer_a,
    )
    give(
        incident=flood,
        household=b1,
        kind="cash",
        amount=1_500_000,
        source="state",
        given_on=START,
        acting_user=officer_b,
    )
    return a1, a2, a3, b1


def test_totals_equal_the_sum_of_their_parts(
    flood, commune_a, commune_b, officer_a, officer_b, specialist
) -> None:
    _world(flood, commune_a, commune_b, officer_a, officer_b)
    totals = selectors.totals(user=specialist, incident=flood)
    assert totals.total.affected == 4
    assert totals.total.supported == 3
    assert totals.total.supports == 4
    assert totals.total.amount == 3_000_000 + 450_000 + 20_000_000 + 1_500_000
    assert totals.total.quantities == {"kg": Decimal(30)}
    for table in (totals.by_commune, totals.by_kind, totals.by_source):
        assert sum(r.amount for r in table) == totals.total.amount
        assert sum(r.supports for r in table) == totals.total.supports
    assert sum(r.affected for r in totals.by_commune) == totals.total.affected
    assert sum(r.supported for r in totals.by_commune) == totals.total.supported
    by_kind = {r.key: r for r in totals.by_kind}
    assert by_kind["cash"].amount == 4_500_000 and by_kind["cash"].supported == 2
    by_source = {r.key: r for r in totals.by_source}
    assert by_source["fund"].quantities == {"kg": Decimal(30)}
    # The commune officer's totals: their commune only.
    mine = selectors.totals(user=officer_a, incident=flood)
    assert [r.label for r in mine.by_commune] == [commune_a.name]
    assert mine.total.amount == 23_450_000 and mine.total.affected == 3
    # The page and its workbook.
    client = client_for(specialist)
    page = client.get(reverse("relief:incident-totals", args=[flood.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "24.950.000 đ" in page.content.decode()
    exports = ExportRecord.objects.count()
    book = client.get(reverse("relief:incident-totals", args=[flood.pk]) + "?format=xlsx")
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ExportRecord.objects.count() == exports + 1


# Follow-up --------------------------------------------------------------------------------------------------
def test_follow_up_list_and_the_review_link(
    flood, commune_a, commune_b, officer_a, officer_b, settings
) -> None:
    a1, a2, a3, _b1 = _world(flood, commune_a, commune_b, officer_a, officer_b)
    rows = selectors.follow_up(user=officer_a, incident=flood)
    # a1: near-poor, house destroyed; a2: middle, loss 25 M ≥ 20 M. a3 is poor; b1 is not the officer's.
    assert {r.affected.household_id for r in rows} == {a1.pk, a2.pk}
    support = {r.affected.household_id: r.support_amount for r in rows}
    assert support[a1.pk] == 3_450_000 and support[a2.pk] == 20_000_000
    # The threshold is a setting.
    settings.RELIEF_FOLLOW_UP_LOSS = 30_000_000
    assert {r.affected.household_id for r in selectors.follow_up(user=officer_a, incident=flood)} == {a1.pk}
    del settings.RELIEF_FOLLOW_UP_LOSS
    # The year's list.
    assert {r.affected.household_id for r in selectors.follow_up(user=officer_a, year=2026)} == {a1.pk, a2.pk}
    assert selectors.follow_up(user=officer_a, year=2025) == []

    client = client_for(officer_a)
    page = client.get(reverse("relief:incident-follow-up", args=[flood.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "20.000.000 đ" in page.content.decode()  # the threshold shown
    one = AffectedHousehold.objects.get(incident=flood, household=a1)
    response = client.post(reverse("relief:follow-up-request"), {"affected": one.pk})
    assert response.status_code == 302
    request = RegularRequest.objects.get(household=a1)
    assert request.status == "pending" and request.kind == "become_poor"
    rows = {r.affected.household_id: r for r in selectors.follow_up(user=officer_a, incident=flood)}
    assert rows[a1.pk].request == request and rows[a2.pk].request is None
    # "All": the pending one is left as it is, the other filed.
    both = [a.pk for a in AffectedHousehold.objects.filter(incident=flood, household__in=[a1, a2])]
    client.post(reverse("relief:follow-up-request"), {"affected": both})
    assert RegularRequest.objects.filter(household=a1).count() == 1
    assert RegularRequest.objects.filter(household=a2, status="pending").count() == 1
    # A household not on the list (poor) cannot be put there through the page.
    poor = AffectedHousehold.objects.get(incident=flood, household=a3)
    assert client.post(reverse("relief:follow-up-request"), {"affected": poor.pk}).status_code == 404
    assert not RegularRequest.objects.filter(household=a3).exists()


# Events for policies ----------------------------------------------------------------------------------------
def test_event_source(flood, commune_a, officer_a) -> None:
    damaged = make_household(commune_a)
    hurt = make_household(commune_a)
    unharmed = make_household(commune_a)
    _affected(flood, damaged, officer_a, house="badly_damaged")
    _affected(flood, hurt, officer_a, injured=2, house="not_damaged")
    _affected(flood, unharmed, officer_a)
    ids = [damaged.pk, hurt.pk, unharmed.pk]
    events = household_events(ids, dt.date(2026, 12, 31))
    assert events[damaged.pk] >= {HOUSE_DAMAGED, DISASTER_AFFECTED}
    assert events[hurt.pk] >= {DISASTER_AFFECTED} and HOUSE_DAMAGED not in events[hurt.pk]
    assert unharmed.pk not in events
    # The year after still counts; two years after, or before the incident, does not.
    assert HOUSE_DAMAGED in household_events(ids, dt.date(2027, 6, 1))[damaged.pk]
    assert damaged.pk not in household_events(ids, dt.date(2028, 1, 1))
    assert damaged.pk not in household_events(ids, dt.date(2026, 10, 1))


# Indicators -------------------------------------------------------------------------------------------------
def test_indicator_inputs_and_targets(
    flood, province, commune_a, commune_b, officer_a, officer_b, specialist
) -> None:
    assert selectors.indicator_inputs(user=specialist, area=province, year=2026) == {}
    _world(flood, commune_a, commune_b, officer_a, officer_b)
    inputs = selectors.indicator_inputs(user=specialist, area=province, year=2026)
    assert inputs == {ind.RELIEF_AFFECTED: 4, ind.RELIEF_SUPPORTED: 3}
    assert (
        selectors.RELIEF_AFFECTED == ind.RELIEF_AFFECTED
        and selectors.RELIEF_SUPPORTED == ind.RELIEF_SUPPORTED
    )
    assert selectors.indicator_inputs(user=officer_a, area=commune_a, year=2026) == {
        ind.RELIEF_AFFECTED: 3,
        ind.RELIEF_SUPPORTED: 2,
    }
    assert selectors.indicator_inputs(user=specialist, area=province, year=2025) == {}
    # A commune officer does not get the province's count, nor another commune's.
    assert selectors.indicator_inputs(user=officer_a, area=province, year=2026) == {}
    assert selectors.indicator_inputs(user=officer_a, area=commune_b, year=2026) == {}
    # Through plans: the targets on relief_households and relief_coverage get values.
    merged = area_inputs(user=specialist, area=province, year=2026)
    assert ind.indicator("relief_households").value(merged) == 3
    assert ind.indicator("relief_coverage").value(merged) == Decimal(75)


# Scope and pages --------------------------------------------------------------------------------------------
def test_scope(flood, province, commune_a, commune_b, officer_a, officer_b, specialist) -> None:
    a1, _a2, _a3, b1 = _world(flood, commune_a, commune_b, officer_a, officer_b)
    only_a = services.incident_create(
        province=province,
        kind="fire",
        name="Cháy chợ",
        start_date=START,
        communes=[commune_a],
        acting_user=specialist,
    )
    assert only_a not in selectors.incident_list(user=officer_b)
    assert flood in selectors.incident_list(user=officer_b)
    client = client_for(officer_b)
    assert client.get(reverse("relief:incident-detail", args=[only_a.pk])).status_code == 404
    body = client.get(reverse("relief:incident-detail", args=[flood.pk])).content.decode()
    assert b1.head_name in body and a1.head_name not in body and commune_a.name not in body
    affected_a = AffectedHousehold.objects.get(incident=flood, household=a1)
    assert client.get(reverse("relief:affected-detail", args=[affected_a.pk])).status_code == 404
    assert client.get(reverse("relief:household-relief", args=[a1.pk])).status_code == 404
    assert (
        commune_a.name not in client.get(reverse("relief:incident-totals", args=[flood.pk])).content.decode()
    )


def test_pages_and_the_household_card(flood, commune_a, commune_b, officer_a, officer_b) -> None:
    a1, *_ = _world(flood, commune_a, commune_b, officer_a, officer_b)
    client = client_for(officer_a)
    for url in (
        reverse("relief:incident-list"),
        reverse("relief:incident-list") + "?year=2026&kind=flood&q=L%C5%A9",
        reverse("relief:incident-detail", args=[flood.pk]),
        reverse("relief:affected-create", args=[flood.pk]) + f"?q={a1.code}",
        reverse("relief:follow-up"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
    card = client.get(
        reverse("relief:household-relief", args=[a1.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert flood.name in card and "3.000.000 đ" in card and "Tiền mặt" in card
    exports = ExportRecord.objects.count()
    book = client.get(reverse("relief:incident-detail", args=[flood.pk]) + "?format=xlsx")
    assert book.status_code == 200 and ExportRecord.objects.count() == exports + 1
    assert ExportRecord.objects.latest("pk").kind == "affected_list"


def test_record_through_the_pages(flood, commune_a, officer_a) -> None:
    household = make_household(commune_a, head="Điểu Văn Lũ")
    client = client_for(officer_a)
    url = reverse("relief:affected-create", args=[flood.pk])
    response = client.post(
        url,
        {"household": household.pk, "dead": "0", "injured": "1", "house": "", "estimated_loss": "12.500.000"},
    )
    affected = AffectedHousehold.objects.get(incident=flood, household=household)
    assert response.status_code == 302
    assert affected.house is None and affected.estimated_loss == 12_500_000 and affected.crops_m2 is None
    detail = reverse("relief:affected-detail", args=[affected.pk])
    bad = client.post(
        detail, {"kind": "cash", "amount": "1.000.000", "source": "state", "given_on": "01/10/2026"}
    )
    assert bad.status_code == 200 and not Support.objects.filter(affected=affected).exists()
    ok = client.post(
        detail, {"kind": "cash", "amount": "1.000.000", "source": "state", "given_on": "12/10/2026"}
    )
    assert ok.status_code == 302
    assert Support.objects.get(affected=affected).amount == 1_000_000


def test_attachment(province, commune_a, commune_b, specialist, officer_a, officer_b) -> None:
    with pytest.raises(ValidationFailed):
        services.incident_create(
            province=province,
            kind="storm",
            name="Bão",
            start_date=START,
            communes=[commune_a],
            attachment=SimpleUploadedFile("qd.pdf", b"MZ not a pdf"),
            acting_user=specialist,
        )
    assert not Incident.objects.filter(name="Bão").exists()
    incident = services.incident_create(
        province=province,
        kind="storm",
        name="Bão",
        start_date=START,
        communes=[commune_a],
        attachment=SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 test"),
        acting_user=specialist,
    )
    url = reverse("relief:incident-attachment", args=[incident.pk])
    assert client_for(officer_a).get(url).status_code == 200
    assert client_for(officer_b).get(url).status_code == 404


def test_a_destroyed_house_makes_the_household_due_housing_support_at_once(
    flood, commune_a, officer_a
) -> None:
    """Recording the damage refreshes the policies at once (``households_changed``): the poor household
    whose house the flood destroyed becomes a gap of N5 (housing after a disaster); removing it undoes it."""
    from giamngheo.policies.models import Entitlement, Policy

    housing = Policy.objects.get(code="N5")
    poor = make_household(commune_a, head="Điểu Văn Nhà Sập", category="poor")
    due = Entitlement.objects.filter(policy=housing, household=poor, year=2026, eligible=True, covered=False)
    assert not due.exists()
    affected = _affected(flood, poor, officer_a, house="destroyed")
    assert due.exists()
    affected.refresh_from_db()
    services.affected_delete(affected=affected, version=affected.version, acting_user=officer_a)
    assert not due.exists()
