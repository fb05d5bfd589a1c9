"""The priority list's workbook: all the ranked units (the page shows them a page at a time), with the
page's columns and numbers, the "only the priority list" filter kept, scoped to the user."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.core.models import ExportRecord
from giamngheo.plans import selectors, services
from giamngheo.plans.tests.test_plans import YEAR, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def rows_of(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_priority_list_workbook(world: Any, users: Any, commune_a: Any, commune_b: Any) -> None:  # noqa: F811
    client = client_for(users["chuyenvien"])
    url = reverse("plans:priorities")
    page = client.get(url, {"year": YEAR})
    assert 'data-testid="export-xlsx"' in page.content.decode()
    rows = rows_of(client.get(url, {"year": YEAR, "format": "xlsx"}))
    assert rows[0][0] == "Địa bàn ưu tiên" and rows[2][0] == f"Năm: {YEAR}"
    head = next(i for i, r in enumerate(rows) if r and r[0] == "#")
    assert rows[head][1:4] == ["Đơn vị", "Tỷ lệ hộ nghèo (%)", "Hộ nghèo"]
    ranked = selectors.ranking(user=users["chuyenvien"], year=YEAR)
    body = rows[head + 1 :]
    assert [r[1] for r in body] == [r.area.name for r in ranked]
    first = body[0]
    assert first[2] == pytest.approx(float(ranked[0].poverty_rate)) and first[3] == ranked[0].poor
    on_page = page.context["page_obj"].object_list[0]
    assert on_page.area.name == first[1] and on_page.poor == first[3]

    services.priority_mark(year=YEAR, area=commune_a, reason="cao nhất", acting_user=users["chuyenvien"])
    only = rows_of(client.get(url, {"year": YEAR, "priority": "1", "format": "xlsx"}))
    body = only[next(i for i, r in enumerate(only) if r and r[0] == "#") + 1 :]
    assert [(r[1], r[-1]) for r in body] == [(commune_a.name, "cao nhất")]
    log = ExportRecord.objects.filter(kind="summary_table").latest("created_at")
    assert log.filters == {"year": str(YEAR), "priority": "1"}

    officer = rows_of(client_for(users["canbo.tranbien"]).get(url, {"year": YEAR, "format": "xlsx"}))
    names = [r[1] for r in officer[next(i for i, r in enumerate(officer) if r and r[0] == "#") + 1 :]]
    assert commune_a.name not in names and names == [commune_b.name]
