"""Round figures over a fixed world: a commune with every Circular 07 flow, taken through the review's
steps; each row of Mẫu 7.2 / 7.3 balances and equals a hand count (households and persons), and so do the
deprivation and "not enough information" counts; the frozen round reads the same after the registry
changes; reopening unfreezes, submitting again refreezes, closing the round freezes the rest."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import rows_for_the_module
from giamngheo.accounts.models import User
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.households.services import household_create, household_update
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import figures, services, tables
from giamngheo.reviews.figures import HH, NEAR_POOR, PERSONS, POOR
from giamngheo.reviews.models import (
    AreaSummary,
    Assessment,
    CommuneReview,
    RequestKind,
    ReviewRound,
    RoundHousehold,
    Source,
)
from giamngheo.reviews.tests.meetings import hold_village_meetings

CHILD = {"full_name": "Con", "sex": "F", "date_of_birth": dt.date(2015, 3, 1), "relationship": "child"}

# name: (persons, start, end, poor flow, near-poor flow, ethnic minority, no working capacity)
# (P = poor, N = near-poor; R1 escaped poverty by an in-year decision of 2025, RN1 escaped near-poverty
# in the 2025 round; O1, O2 came into the registry after the listing; P4, N4 left the commune.)
WORLD: dict[str, tuple[int, str, str, str, str, bool, bool]] = {
    "P1": (1, "poor", "poor", "still_poor", "", False, True),
    "P2": (2, "poor", "near_poor", "poor_to_near_poor", "poor_to_near_poor", True, False),
    "P3": (3, "poor", "not_poor", "escaped_above_near_poor", "", False, False),
    "P4": (2, "poor", "", "other_out", "", False, False),
    "N1": (1, "near_poor", "near_poor", "", "still_near_poor", True, False),
    "N2": (3, "near_poor", "poor", "near_poor_to_poor", "near_poor_to_poor", False, True),
    "N3": (2, "near_poor", "middle", "", "escaped_near_poverty", False, False),
    "N4": (1, "near_poor", "", "", "other_out", True, False),
    "R1": (2, "not_poor", "poor", "re_poor", "", True, False),
    "NP1": (4, "not_poor", "poor", "newly_poor", "", False, False),
    "RN1": (1, "not_poor", "near_poor", "", "re_near_poor", False, False),
    "NN1": (2, "not_poor", "near_poor", "", "newly_near_poor", False, False),
    "O1": (4, "", "poor", "other_in", "", False, False),
    "O2": (1, "", "near_poor", "", "other_in", False, False),
    "M1": (3, "middle", "middle", "", "", False, False),
}
DECIDED = {
    "P1": "poor",
    "P2": "near_poor",
    "P3": "not_poor",
    "P4": "poor",
    "N1": "near_poor",
    "N2": "poor",
    "N3": "middle",
    "N4": "near_poor",
    "R1": "poor",
    "NP1": "poor",
    "RN1": "near_poor",
    "NN1": "near_poor",
}
# Deprivations and unknown indicators found in the round (assessments) or in the registry (O1, O2).
DEPRIVED = {"P1": ["water", "sanitation"], "N2": ["water"], "R1": ["health_insurance"], "O1": ["water"]}
UNKNOWN = {"P1": ["information_devices"], "NP1": ["information_devices", "nutrition"], "O2": ["nutrition"]}


def _household(commune: Any, name: str, category: str) -> Household:
    persons, _start, _end, _pf, _nf, minority, nwc = WORLD[name]
    return make_household(
        commune,
        head=f"Hộ {name}",
        code=f"FX-{name}",
        category=category,
        ethnic_group="22" if minority else "01",
        no_working_capacity=nwc,
        members=[CHILD] * (persons - 1),
    )


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker) -> Any:  # type: ignore[no-untyped-def]
    """The world, built once per module (``conftest.rows_for_the_module``; every test here uses it): the
    primary keys of its households, rounds and review."""
    with rows_for_the_module(django_db_blocker), django_db_blocker.unblock():
        yield _build_world(Area.objects.get(name="Xã Bù Gia Mập"), Area.objects.get(code="75"))


@pytest.fixture
def world(world_keys, db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Fresh objects of the module's world for each test."""
    return {
        "h": {name: Household.objects.get(pk=pk) for name, pk in world_keys["h"].items()},
        "round": ReviewRound.objects.get(pk=world_keys["round"]),
        "review": CommuneReview.objects.get(pk=world_keys["review"]),
        "round_2025": ReviewRound.objects.get(pk=world_keys["round_2025"]),
    }


def _build_world(commune_a: Area, province: Area) -> dict[str, Any]:
    h: dict[str, Household] = {}
    for name in ("P1", "P2", "P3", "P4"):
        h[name] = _household(commune_a, name, "poor")
    for name in ("N1", "N2", "N3", "N4"):
        h[name] = _household(commune_a, name, "near_poor")
    for name in ("R1", "NP1", "NN1", "RN1"):
        h[name] = _household(commune_a, name, "not_poor" if name != "R1" else "poor")
    h["M1"] = _household(commune_a, "M1", "middle")

    # 2025: RN1 escaped near-poverty in the round; R1 escaped poverty in two in-year decisions.
    round_2025 = services.round_open(province=province, year=2025, acting_user=None)
    Assessment.objects.create(
        round=round_2025,
        household=h["RN1"],
        commune=commune_a,
        source=Source.CURRENT_LIST,
        status="recognised",
        category_before="near_poor",
        decided_category="not_poor",
        movement="escaped_near_poverty",
    )
    for filed in (dt.date(2025, 3, 2), dt.date(2025, 6, 2)):
        request = services.regular_request_file(
            household=Household.objects.get(pk=h["R1"].pk),
            kind=RequestKind.ESCAPE,
            filed_on=filed,
            acting_user=None,
        )
        services.regular_request_decide(
            request=request,
            approved=True,
            decided_on=filed + dt.timedelta(days=5),
            decision_number="1/QĐ-UBND",
            acting_user=None,
        )
    assert Household.objects.get(pk=h["R1"].pk).category == "not_poor"

    # 2026: the commune walks through the steps.
    review_round = services.round_open(province=province, year=2026, acting_user=None)
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    services.listing_complete(review=review, acting_user=None)
    for name in ("R1", "NP1", "RN1", "NN1"):
        h[name].refresh_from_db()
        assessment = services.request_add(review=review, household=h[name], acting_user=None)
        services.screening_record(assessment=assessment, passed=True, version=ANY_VERSION, acting_user=None)
    review.refresh_from_db()
    for assessment in Assessment.objects.filter(round=review_round, commune=commune_a):
        services.survey_record(
            assessment=assessment,
            income_per_capita=1_000_000,
            version=ANY_VERSION,
            acting_user=None,
            surveyed_on=dt.date(2026, 10, 1),
        )
    services.survey_complete(review=review, acting_user=None)
    by_pk = {hh.pk: name for name, hh in h.items()}
    hold_village_meetings(review, on=dt.date(2026, 11, 2), attendance=40)
    for assessment in Assessment.objects.filter(round=review_round, commune=commune_a):
        services.meeting_record(
            version=ANY_VERSION,
            assessment=assessment,
            votes_for=30,
            decided_category=DECIDED[by_pk[assessment.household_id]],
            reason="Theo kết quả rà soát",
            acting_user=None,
        )
    services.meeting_complete(review=review, acting_user=None)
    services.posting_complete(
        review=review, posting_from=dt.date(2026, 11, 3), posting_to=dt.date(2026, 11, 10), acting_user=None
    )
    services.recognise(
        review=review, decision_number="99/QĐ-UBND", decision_date=dt.date(2026, 11, 20), acting_user=None
    )
    # The survey's findings, fixed for the hand count (the engine's own results are tested elsewhere).
    for assessment in Assessment.objects.filter(round=review_round, commune=commune_a):
        name = by_pk[assessment.household_id]
        Assessment.objects.filter(pk=assessment.pk).update(
            deprived=DEPRIVED.get(name, []), unknown=UNKNOWN.get(name, [])
        )
    # After the listing: P4 and N4 left; O1 (persons declared, no member listed) and O2 came in.
    for name in ("P4", "N4"):
        household_update(household=h[name], data={"is_active": False}, version=ANY_VERSION, acting_user=None)
    h["O1"] = household_create(
        commune=commune_a,
        data={"code": "FX-O1", "village": h["P1"].village, "head_name": "Hộ O1"},
        acting_user=None,
    )
    Household.objects.filter(pk=h["O1"].pk).update(
        category="poor",
        declared_persons=4,
        deprived_keys="|water|",
        unknown_keys="",
        poverty_causes=["land", "capital"],
    )
    h["O2"] = _household(commune_a, "O2", "near_poor")
    Household.objects.filter(pk=h["O2"].pk).update(unknown_keys="|nutrition|")
    Household.objects.filter(pk=h["P1"].pk).update(has_meritorious_member=True, poverty_causes=["illness"])
    services.certificates_complete(review=review, acting_user=None)
    review.refresh_from_db()
    services.submit(review=review, acting_user=None)
    review.refresh_from_db()
    return {
        "h": {name: household.pk for name, household in h.items()},
        "round": review_round.pk,
        "review": review.pk,
        "round_2025": round_2025.pk,
    }


def hand_count(unit: str) -> dict[str, int]:
    """The figures of Mẫu 7.2 / 7.3 counted by hand from WORLD."""
    counts: dict[str, int] = {}
    for persons, start, end, poor_flow, near_flow, _m, _n in WORLD.values():
        weight = 1 if unit == HH else persons
        for side, flow in ((POOR, poor_flow), (NEAR_POOR, near_flow)):
            if start == side:
                counts[f"{side}.start"] = counts.get(f"{side}.start", 0) + weight
            if end == side:
                counts[f"{side}.end"] = counts.get(f"{side}.end", 0) + weight
            if flow and not flow.startswith("still"):
                counts[f"{side}.{flow}"] = counts.get(f"{side}.{flow}", 0) + weight
    return counts


def test_every_household_takes_its_flow(world, commune_a) -> None:
    rows = {r.code: r for r in RoundHousehold.objects.filter(round=world["round"], commune=commune_a)}
    assert set(rows) == {f"FX-{name}" for name in WORLD}
    for name, (persons, start, end, poor_flow, near_flow, minority, nwc) in WORLD.items():
        row = rows[f"FX-{name}"]
        assert (row.start_category, row.end_category) == (start, end), name
        assert (row.poor_movement, row.near_poor_movement) == (poor_flow, near_flow), name
        assert row.persons == persons and row.is_ethnic_minority == minority, name
        assert row.no_working_capacity == nwc, name


@pytest.mark.parametrize("unit", [HH, PERSONS])
def test_each_row_of_7_2_and_7_3_balances_and_equals_the_hand_count(world, commune_a, unit) -> None:
    summary = AreaSummary.objects.get(round=world["round"], area=commune_a)
    assert summary.frozen_at is not None
    expected = hand_count(unit)
    for side in figures.SIDES:
        for column in figures.COLUMNS[side]:
            got = summary.figures.get(figures.flow_key(side, column, unit), 0)
            assert got == expected.get(f"{side}.{column}", 0), (side, column, unit)
        assert figures.balance_errors(summary.figures) == []
    # By hand: 4 − 1 − 1 − 1 + 1 + 1 + 1 + 1 = 5 poor households, the same on the near-poor side.
    if unit == HH:
        assert (summary.start_poor, summary.end_poor) == (4, 5)
        assert (summary.start_near_poor, summary.end_near_poor) == (4, 5)
        assert summary.escaped_poverty == 2 and summary.near_poor_to_poor == 1
        assert (summary.newly_poor, summary.re_poor, summary.escaped_near_poverty) == (1, 1, 1)
        assert summary.figures[figures.category_key("middle", "end")] == 2  # N3, M1
        assert summary.figures[figures.category_key("middle", "start")] == 1  # M1
        assert summary.households == 13 and summary.figures[figures.all_key(PERSONS)] == 29


def test_splits_deprivations_unknown_ethnic_groups_and_causes(world, commune_a) -> None:
    f = AreaSummary.objects.get(round=world["round"], area=commune_a).figures
    # End poor: P1, N2, R1, NP1, O1. End near-poor: N1, P2, RN1, NN1, O2.
    assert f[figures.split_key(POOR, "end", "em")] == 1  # R1
    assert f[figures.split_key(POOR, "end", "em", PERSONS)] == 2
    assert f[figures.split_key(POOR, "end", "nwc")] == 2  # P1, N2
    assert f[figures.split_key(POOR, "end", "merit")] == 1  # P1
    assert f[figures.split_key(NEAR_POOR, "end", "em")] == 2  # N1, P2
    assert f[figures.deprived_key(POOR, "water")] == 3  # P1, N2, O1 (registry)
    assert f[figures.deprived_key(POOR, "sanitation")] == 1
    assert f[figures.deprived_key(POOR, "health_insurance")] == 1
    assert f[figures.deprivations_key(POOR)] == 5
    assert f[figures.unknown_key(POOR, "information_devices")] == 2  # P1, NP1: never counted as deprived
    assert figures.deprived_key(POOR, "information_devices") not in f
    assert f[figures.unknown_key(POOR, "nutrition")] == 1
    assert f[figures.unknown_key(NEAR_POOR, "nutrition")] == 1  # O2 (registry)
    assert f[figures.ethnic_key(POOR, "01")] == 4 and f[figures.ethnic_key(POOR, "22")] == 1
    assert f[figures.cause_key(POOR, "land")] == f[figures.cause_key(POOR, "illness")] == 1
    assert f[figures.cause_key(POOR, "none")] == 3


def test_villages_and_province_add_up(world, commune_a, province) -> None:
    commune = AreaSummary.objects.get(round=world["round"], area=commune_a)
    villages = AreaSummary.objects.filter(round=world["round"], area__parent=commune_a)
    for key, value in commune.figures.items():
        assert sum(v.figures.get(key, 0) for v in villages) == value, key
    assert all(v.frozen_at == commune.frozen_at for v in villages)
    total = AreaSummary.objects.get(round=world["round"], area=province)
    communes = AreaSummary.objects.filter(round=world["round"], area__level="commune")
    for key in ("poor.end.hh", "near_poor.other_in.persons", "all.hh"):
        assert total.figures.get(key, 0) == sum(c.figures.get(key, 0) for c in communes)
    assert total.end_poor == sum(c.end_poor for c in communes)


def _snapshot(client: Client, year: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for slug in tables.FORMS:
        response = client.get(reverse("tables:form", args=[slug]), {"year": year})
        out[slug] = [r.values for r in response.context["rows"]]
        xlsx = client.get(reverse("tables:form-xlsx", args=[slug]), {"year": year})
        ws = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
        out[f"{slug}.xlsx"] = list(ws.iter_rows(values_only=True))
    for kind in tables.LIST_KINDS:
        response = client.get(reverse("tables:household-list", args=[kind]), {"year": year})
        out[kind] = [r.values for r in response.context["rows"]]
        xlsx = client.get(reverse("tables:household-list-xlsx", args=[kind]), {"year": year})
        ws = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
        out[f"{kind}.xlsx"] = list(ws.iter_rows(values_only=True))
    out["summary"] = [r.values for r in client.get(reverse("tables:summary"), {"year": year}).context["rows"]]
    return out


def test_a_frozen_commune_reads_the_same_after_the_registry_changes(world, commune_a, users) -> None:
    client = Client()
    client.force_login(users["canbo.bugiamap"])
    before = _snapshot(client, 2026)
    assert {r[2] for r in before["poor"]} == {"Hộ P1", "Hộ N2", "Hộ R1", "Hộ NP1", "Hộ O1"}
    assert {r[2] for r in before["escaped"]} == {"Hộ P2", "Hộ P3"}
    h = world["h"]
    household_update(household=h["P1"], data={"is_active": False}, version=ANY_VERSION, acting_user=None)
    Household.objects.filter(pk=h["N1"].pk).update(category="poor")
    h["O2"].delete()
    make_household(commune_a, head="Hộ Mới Đến", category="poor")
    services.summary_refresh(round_id=world["round"].pk, commune_id=commune_a.pk)
    services.summaries_rebuild(review_round=world["round"])
    assert _snapshot(client, 2026) == before


def test_reopen_unfreezes_and_submit_refreezes(
    world, commune_a, users, django_capture_on_commit_callbacks
) -> None:
    review = world["review"]
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen(review=review, to_step=5, reason="Sửa danh sách", acting_user=None)
    review.refresh_from_db()
    assert review.frozen_at is None
    assert not RoundHousehold.objects.filter(round=world["round"], commune=commune_a).exists()
    Household.objects.filter(pk=world["h"]["N1"].pk).update(category="poor")
    summary = services.summary_refresh(round_id=world["round"].pk, commune_id=commune_a.pk)
    assert summary.frozen_at is None and summary.end_poor == 6  # follows the registry again
    assert figures.balance_errors(summary.figures) == []
    services.certificates_complete(review=review, acting_user=None)
    services.submit(review=review, acting_user=None)
    review.refresh_from_db()
    assert review.frozen_at is not None
    assert AreaSummary.objects.get(round=world["round"], area=commune_a).end_poor == 6
    assert RoundHousehold.objects.get(round=world["round"], code="FX-N1").poor_movement == "near_poor_to_poor"


def test_closing_freezes_the_rest_and_keeps_what_was_submitted(world, commune_a, commune_b) -> None:
    review_round = world["round"]
    submitted_at = world["review"].frozen_at
    CommuneReview.objects.filter(round=review_round).update(locked=True)
    make_household(commune_b, head="Hộ Phường", category="poor")
    services.round_close(review_round=review_round, acting_user=None)
    review_round.refresh_from_db()
    assert review_round.closed_at is not None
    assert CommuneReview.objects.filter(round=review_round, frozen_at__isnull=True).count() == 0
    assert CommuneReview.objects.get(round=review_round, commune=commune_a).frozen_at == submitted_at
    assert RoundHousehold.objects.filter(
        round=review_round, commune=commune_b, head_name="Hộ Phường"
    ).exists()
    assert AreaSummary.objects.get(round=review_round, area=commune_b).frozen_at is not None


def test_the_next_round_starts_from_the_frozen_end(world, commune_a, province) -> None:
    """A 2027 round's start is the 2026 round's frozen end, not the registry of the day."""
    review_round = world["round"]
    CommuneReview.objects.filter(round=review_round).update(locked=True)
    services.round_close(review_round=review_round, acting_user=None)
    Household.objects.filter(pk=world["h"]["N1"].pk).update(category="poor")  # an unrecorded change
    next_round = services.round_open(province=province, year=2027, acting_user=None)
    summary = services.summary_refresh(round_id=next_round.pk, commune_id=commune_a.pk)
    assert summary.start_poor == 5 and summary.end_poor == 6
    row = {r.code: r for r in figures.compute(next_round, commune_a).rows}["FX-N1"]
    assert (row.start_category, row.end_category) == ("near_poor", "poor")
    assert row.poor_movement == "near_poor_to_poor"
    assert figures.balance_errors(summary.figures) == []


def test_the_next_round_counts_moves_deletions_and_in_year_decisions(
    world, commune_a, commune_b, province
) -> None:
    review_round = world["round"]
    CommuneReview.objects.filter(round=review_round).update(locked=True)
    services.round_close(review_round=review_round, acting_user=None)
    h = world["h"]
    h["O1"].delete()  # poor at the end of 2026, deleted since
    Household.objects.filter(pk=h["NP1"].pk).update(commune=commune_b, village=commune_b.children.first())
    request = services.regular_request_file(
        household=Household.objects.get(pk=h["M1"].pk),
        kind=RequestKind.BECOME_NEAR_POOR,
        filed_on=dt.date(2026, 12, 16),
        acting_user=None,
    )
    services.regular_request_decide(
        request=request,
        approved=True,
        decided_on=dt.date(2026, 12, 20),
        decision_number="7/QĐ-UBND",
        acting_user=None,
    )
    next_round = services.round_open(province=province, year=2027, acting_user=None)
    rows_a = {r.code: r for r in figures.compute(next_round, commune_a).rows}
    assert rows_a["FX-O1"].poor_movement == "other_out" and rows_a["FX-O1"].end_category == ""
    assert rows_a["FX-NP1"].poor_movement == "other_out"  # moved to another commune
    assert rows_a["FX-M1"].near_poor_movement == "newly_near_poor"  # an in-year decision of the period
    rows_b = {r.code: r for r in figures.compute(next_round, commune_b).rows}
    assert rows_b["FX-NP1"].poor_movement == "other_in"
    for commune in (commune_a, commune_b):
        summary = services.summary_refresh(round_id=next_round.pk, commune_id=commune.pk)
        assert figures.balance_errors(summary.figures) == []


# The Circular 07 tables -----------------------------------------------------------------------------------
def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(response: Any) -> Any:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


@pytest.mark.parametrize("slug", ["7-2", "7-3"])
def test_every_row_of_the_flow_tables_balances(world, commune_a, commune_b, users, slug) -> None:
    side = POOR if slug == "7-2" else NEAR_POOR
    make_household(commune_b, head="Hộ Phường Nghèo", category="poor")
    services.summaries_rebuild(review_round=world["round"])
    response = _client(users["chuyenvien"]).get(reverse("tables:form", args=[slug]), {"year": 2026})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 2 * (1 + 2 + 95)  # total, urban / rural, communes; households and persons
    for row in rows:
        c = row.values[3:]
        assert c[8] == c[0] - c[1] - c[2] - c[3] + c[4] + c[5] + c[6] + c[7], row.values
    mine = [r for r in rows if r.area_id == commune_a.pk]
    for row, unit in zip(mine, (HH, PERSONS), strict=True):
        expected = hand_count(unit)
        assert list(row.values[3:]) == [expected.get(f"{side}.{col}", 0) for col in figures.COLUMNS[side]]
    ws = _sheet(_client(users["chuyenvien"]).get(reverse("tables:form-xlsx", args=[slug]), {"year": 2026}))
    text = "\n".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    number = slug.replace("-", ".")
    assert f"Mẫu số {number}" in text and "SUY LUẬN" in text and "Cột suy luận" in text
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in ("9", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    body = [r for r in ws.iter_rows(values_only=True) if r[1] == commune_a.name]
    assert body and list(body[0][3:12]) == [
        hand_count(HH).get(f"{side}.{c}", 0) for c in figures.COLUMNS[side]
    ]
    # Header rows are tall enough for their wrapped text (more than one line somewhere).
    codes = next(n for n, r in enumerate(ws.iter_rows(values_only=True), 1) if r[0] == "A" and r[1] == "B")
    assert max(ws.row_dimensions[n].height or 0 for n in range(codes - 2, codes)) > 30


@pytest.mark.parametrize("slug", list(tables.FORMS))
def test_every_form_renders_from_the_summaries_only(world, users, slug) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(users["chuyenvien"])
    for name in ("tables:form", "tables:form-xlsx"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name, args=[slug]), {"year": 2026})
            assert response.status_code == 200
            if name.endswith("xlsx"):
                b"".join(response.streaming_content)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "households_household" not in sql and "reviews_assessment" not in sql
        assert "reviews_roundhousehold" not in sql


def test_deprivation_and_group_tables_show_the_hand_counts(world, commune_a, users) -> None:
    officer = _client(users["canbo.bugiamap"])

    def row(slug: str) -> dict[str, Any]:
        rows = officer.get(reverse("tables:form", args=[slug]), {"year": 2026}).context["rows"]
        assert [r.area_id for r in rows] in ([commune_a.pk], [commune_a.pk, commune_a.pk])  # own commune only
        return dict(zip([c.column.key for c in rows[0].cells], rows[0].values, strict=True))

    d = row("7-4")
    assert (d["total"], d["deprivations"], d["d_water"], d["d_sanitation"]) == (5, 5, 3, 1)
    assert (d["u_information_devices"], d["u_nutrition"], d.get("d_information_devices")) == (2, 1, 0)
    r = row("7-5")
    assert str(r["d_water"]) == "60.00" and str(r["u_information_devices"]) == "40.00"
    g = row("7-8")
    assert (g["poor_total"], g["poor_em"], g["poor_nwc"], g["poor_merit"], g["poor_other"]) == (5, 1, 2, 1, 2)
    e = row("7-9")
    assert (e["poor_total"], e["poor_kinh"], e["poor_em"], e["poor_22"]) == (5, 4, 1, 1)
    c = row("7-10")
    assert (c["poor_total"], c["poor_land"], c["poor_capital"], c["poor_illness"], c["poor_none"]) == (
        5,
        1,
        1,
        1,
        3,
    )
    one = row("7-1")
    assert (one["all_hh"], one["all_persons"], one["poor_hh"], one["middle_hh"]) == (13, 29, 5, 2)


def test_a_province_list_reads_frozen_communes_then_open_ones(world, commune_b, users) -> None:
    make_household(commune_b, head="Hộ Phường Mở", category="poor")
    client = _client(users["chuyenvien"])
    response = client.get(reverse("tables:household-list", args=["poor"]), {"year": 2026})
    heads = [r.values[2] for r in response.context["rows"]]
    assert heads[:5] == ["Hộ N2", "Hộ NP1", "Hộ O1", "Hộ P1", "Hộ R1"]  # frozen rows of commune A
    assert "Hộ Phường Mở" in heads[5:] and response.context["page_obj"].paginator.count == len(heads)
    ws = _sheet(client.get(reverse("tables:household-list-xlsx", args=["poor"]), {"year": 2026}))
    names = {r[2] for r in ws.iter_rows(values_only=True)}
    assert {"Hộ N2", "Hộ Phường Mở"} <= names
