"""The dashboard over a fixed small world: two communes with poor, near-poor and other households, a
closed (frozen) 2025 round and an open 2026 round. The dashboard's rates are the official tables' rates;
a frozen round's figures do not move when the registry changes; every drill-down link resolves and is
scoped; the Alkire–Foster measures from the aggregated counts equal the engine's on the same households.

The world is built once per module (``world_keys``, ``conftest.rows_for_the_module``): a test that needs a
province without it goes to another module (``test_empty.py``)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.urls import resolve, reverse

from conftest import client_for, rows_for_the_module
from giamngheo.accounts.models import User
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.dashboard import selectors
from giamngheo.geo.models import AreaLevel
from giamngheo.households.models import Household
from giamngheo.households.services import household_update
from giamngheo.households.tests.factories import make_household
from giamngheo.poverty.measures import alkire_foster, nested_weights
from giamngheo.poverty.standard import get_standard
from giamngheo.reviews import services as review_services
from giamngheo.reviews import tables
from giamngheo.reviews.models import AreaSummary, CommuneReview, ReviewRound

pytestmark = pytest.mark.django_db

# commune -> categories of its households
WORLD = {
    "a": ["poor", "poor", "poor", "near_poor", "near_poor", "", "", "", "", ""],
    "b": ["poor", "near_poor", "", "", "", ""],
}


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker) -> Any:  # type: ignore[no-untyped-def]
    """The world, built once per module (``rows_for_the_module``): its rows' primary keys."""
    from giamngheo.geo.models import Area

    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            province = Area.objects.get(code="75")
            communes = {
                "a": Area.objects.get(name="Xã Bù Gia Mập"),
                "b": Area.objects.get(name="Phường Trấn Biên"),
            }
            households = {}
            for key, commune in communes.items():
                for i, category in enumerate(WORLD[key]):
                    households[f"{key}{i}"] = make_household(
                        commune, head=f"Hộ Thử {key.upper()}{i}", category=category, code=f"DB-{key}{i}"
                    ).pk
            closed = review_services.round_open(province=province, year=2025, acting_user=None)
            review_services.summaries_rebuild(review_round=closed)
            CommuneReview.objects.filter(round=closed).update(locked=True)
            review_services.round_close(review_round=closed, acting_user=None)
            current = review_services.round_open(province=province, year=2026, acting_user=None)
            review_services.summaries_rebuild(review_round=current)
        yield {"closed": closed.pk, "open": current.pk, "h": households}


@pytest.fixture
def world(world_keys, db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Fresh objects of the module's world for each test."""
    return {
        "closed": ReviewRound.objects.get(pk=world_keys["closed"]),
        "open": ReviewRound.objects.get(pk=world_keys["open"]),
        "h": {key: Household.objects.get(pk=pk) for key, pk in world_keys["h"].items()},
    }


def _data(response: Any) -> dict[str, Any]:
    match = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def _table_rate(user: User, review_round: ReviewRound, area_id: int) -> Decimal | None:
    table = tables.summary_table(user=user, review_round=review_round)
    for row in table.rows:
        if row.area_id == area_id:
            return dict(zip((c.column.key for c in row.cells), row.values, strict=True))["poor_rate"]
    raise AssertionError(f"area {area_id} not in the official table")


def test_the_dashboard_rate_is_the_official_tables_rate(world, users, province, commune_a, commune_b) -> None:
    user = users["chuyenvien"]
    for review_round in (world["closed"], world["open"]):
        board = selectors.dashboard(user=user, area=province, year=review_round.year)
        ranking = board.ranking
        assert ranking is not None and board.ranking_level == AreaLevel.COMMUNE
        values = dict(zip(ranking.categories, ranking.series[0].values, strict=True))
        for commune in (commune_a, commune_b):
            official = _table_rate(user, review_round, commune.pk)
            assert official is not None
            assert Decimal(str(values[commune.name])) == official
            commune_board = selectors.dashboard(user=user, area=commune, year=review_round.year)
            headline = commune_board.headlines[0]
            assert headline.value == official
        # The rates chart of the commune over the rounds: one point per round, the same rate.
        commune_board = selectors.dashboard(user=user, area=commune_a, year=review_round.year)
        assert commune_board.rates is not None
        assert commune_board.rates.categories == ["2025", "2026"]
    # 3 poor of 10 households in commune a, 1 of 6 in commune b.
    board = selectors.dashboard(user=user, area=commune_a, year=2025)
    assert board.headlines[0].value == Decimal("30.00")
    assert board.rates is not None and board.rates.series[0].values == [30.0, 30.0]


def test_a_frozen_round_does_not_change_after_a_registry_edit(world, users, commune_a) -> None:
    user = users["chuyenvien"]
    before = selectors.dashboard(user=user, area=commune_a, year=2025).charts_json()
    h = world["h"]
    Household.objects.filter(pk=h["a5"].pk).update(category="poor")
    household_update(household=h["a0"], data={"is_active": False}, version=ANY_VERSION, acting_user=None)
    Household.objects.filter(pk=h["a3"].pk).update(category="poor")
    review_services.summaries_rebuild(review_round=world["open"])
    after = selectors.dashboard(user=user, area=commune_a, year=2025).charts_json()
    # The 2025 point of every chart is the same; the open 2026 round follows the registry.
    for key in ("rates", "movements"):
        for b, a in zip(before[key]["series"], after[key]["series"], strict=True):
            assert b["values"][0] == a["values"][0], key
    assert before["af"] == after["af"]
    assert after["rates"]["series"][0]["values"][1] != before["rates"]["series"][0]["values"][1]


def test_pages_and_drill_down_links_resolve_and_are_scoped(
    world, users, province, commune_a, commune_b
) -> None:
    specialist = client_for(users["chuyenvien"])
    page = specialist.get(reverse("dashboard:index"))
    assert page.status_code == 200
    data = _data(page)
    assert data["ranking"]["categories"][0] == commune_a.name  # the highest rate first
    links = [
        link
        for key in ("rates", "movements", "ranking")
        for series in data[key]["series"]
        for link in series["links"]
        if link
    ]
    assert any(link.startswith(reverse("tables:household-list", args=["poor"])) for link in links)
    for link in links:
        path = link.split("?")[0]
        resolve(path)
        assert specialist.get(link).status_code == 200, link
    # Province → commune → village → households.
    commune_url = reverse("dashboard:area", args=[commune_a.pk])
    assert commune_url in page.content.decode()
    commune_page = specialist.get(commune_url + "?year=2025")
    assert commune_page.status_code == 200
    assert _data(commune_page)["ranking"] is not None  # its villages
    village = commune_a.children.order_by("code").first()
    village_page = specialist.get(reverse("dashboard:area", args=[village.pk]) + "?year=2026")
    assert village_page.status_code == 200
    assert 'data-testid="village-households"' in village_page.content.decode()

    officer = client_for(users["canbo.bugiamap"])
    own = officer.get(reverse("dashboard:index"))
    assert own.status_code == 200 and commune_a.name in own.content.decode()
    assert commune_b.name not in own.content.decode()
    for foreign in (commune_b.pk, province.pk):
        assert officer.get(reverse("dashboard:area", args=[foreign])).status_code == 404
    assert officer.get(reverse("dashboard:area", args=[10**12])).status_code == 404
    # The leader drills down to the households behind a number (read only).
    leader = _data(client_for(users["lanhdao"]).get(reverse("dashboard:index")))
    assert any(link for s in leader["rates"]["series"] for link in s["links"])
    assert all(link for s in leader["ranking"]["series"] for link in s["links"])


def test_alkire_foster_from_the_counts_equals_the_engine(province) -> None:
    """H, A, M0 and the contributions from ``poor.deprived.<j>`` counts equal ``alkire_foster`` over the
    households themselves, when the poor are those at or above the cut-off."""
    standard = get_standard("ND07-2021")
    keys = list(standard.indicator_keys)
    rng = np.random.default_rng(7)
    poor_rows = []
    while len(poor_rows) < 40:
        row = rng.random(len(keys)) < 0.35
        if row.sum() >= standard.cutoff:
            poor_rows.append(row)
    others = [np.zeros(len(keys), dtype=bool)] * 60  # the non-poor (censored: their deprivations are 0)
    matrix = np.array(poor_rows + others, dtype=int)
    dimension_of = {i.key: i.dimension for i in standard.indicators}
    weights = nested_weights(keys, dimension_of)
    engine = alkire_foster(matrix, keys, k=standard.cutoff / len(keys) - 1e-9, weights=weights)
    figures = {f"poor.deprived.{k}": int(matrix[:40, j].sum()) for j, k in enumerate(keys)}
    summary = AreaSummary(
        round=ReviewRound(province=province, year=2025, standard_code="ND07-2021"),
        area=province,
        households=100,
        end_poor=40,
        figures=figures,
    )
    from giamngheo.accounts.models import User

    measures = selectors.af_measures(user=User(), area=province, summary=summary)
    assert measures is not None
    assert float(measures.headcount) == pytest.approx(engine.H * 100, abs=0.005)
    assert float(measures.intensity) == pytest.approx(engine.A * 100, abs=0.005)
    assert float(measures.m0) == pytest.approx(engine.M0, abs=0.00005)
    for key, value in zip(keys, measures.chart.series[0].values, strict=True):
        assert value == pytest.approx(engine.contribution[key] * 100, abs=0.005)


def test_a_page_without_targets_has_the_slot(world, users) -> None:
    page = client_for(users["chuyenvien"]).get(reverse("dashboard:index"))
    data = _data(page)
    assert data["rates"]["targets"] == [] and data["movements"]["targets"] == []


def test_png_and_chart_script_are_served_by_the_app(world, users) -> None:
    page = client_for(users["chuyenvien"]).get(reverse("dashboard:index")).content.decode()
    assert "vendor/echarts/echarts.min.js" in page and "js/dashboard.js" in page
    assert 'data-png="rates"' in page
    assert "<script>" not in page and " style=" not in page
