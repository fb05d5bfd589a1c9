"""Official tables of a province without the world of ``test_tables.py`` (built once for that module):
pagination and formula safety over a commune's own households, the empty states."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services
from giamngheo.reviews.tests.test_tables import code_row_index, rows_after_codes, workbook


@pytest.fixture
def review_round(province):  # type: ignore[no-untyped-def]
    return services.round_open(province=province, year=2026, acting_user=None)


def test_lists_are_paginated_on_screen_and_complete_in_excel(users, review_round, commune_b) -> None:
    for n in range(30):
        make_household(commune_b, head=f"Hộ Nghèo {n:02d}", category="poor")
    client = client_for(users["canbo.tranbien"])
    page = client.get(reverse("tables:household-list", args=["poor"]))
    assert len(page.context["rows"]) == 25 and page.context["page_obj"].paginator.count == 30
    second = client.get(reverse("tables:household-list", args=["poor"]), {"page": 2})
    assert [r.values[0] for r in second.context["rows"]] == [str(n) for n in range(26, 31)]
    assert (
        len(rows_after_codes(workbook(client.get(reverse("tables:household-list-xlsx", args=["poor"])))))
        == 30
    )


def test_text_from_the_registry_is_never_an_excel_formula(users, review_round, commune_b) -> None:
    make_household(commune_b, head='=HYPERLINK("http://x")', category="poor")
    ws = workbook(
        client_for(users["canbo.tranbien"]).get(reverse("tables:household-list-xlsx", args=["poor"]))
    )
    cell = ws.cell(row=code_row_index(ws) + 1, column=3)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_empty_states_without_a_round(users) -> None:
    client = client_for(users["chuyenvien"])
    for url in (
        reverse("tables:index"),
        reverse("tables:summary"),
        reverse("tables:household-list", args=["poor"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert 'data-testid="empty-state"' in response.content.decode(), url
    assert client.get(reverse("tables:summary-xlsx")).status_code == 404


def test_empty_states_with_a_round_but_no_figures_or_households(users, review_round) -> None:
    client = client_for(users["chuyenvien"])
    summary = client.get(reverse("tables:summary"))
    assert summary.context["review_round"] == review_round and summary.context["rows"] == []
    assert 'data-testid="empty-state"' in summary.content.decode()
    listing = client.get(reverse("tables:household-list", args=["poor"]))
    assert listing.context["rows"] == [] and 'data-testid="empty-state"' in listing.content.decode()
