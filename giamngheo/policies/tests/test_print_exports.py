"""The workbooks of the coverage, matrix and spending pages: Vietnamese headers, the title, scope, year and
date on top, the page's very numbers (and the coverage selector's), the page's filters, its scoping; every
download in the export log. Also the print bar and the print header on the pages."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from giamngheo.core.models import ExportRecord
from giamngheo.policies import selectors
from giamngheo.policies.tests.test_views import (  # noqa: F401 - fixtures
    OFFICER_A,
    SPECIALIST,
    YEAR,
    World,
    today,
    world,
)

pytestmark = pytest.mark.django_db

COVERAGE_HEADER = "Độ bao phủ (%)"
BY_SOURCE = "Theo nguồn kinh phí"


def sheet_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def header_row(rows: list[list[Any]], first: str) -> int:
    return next(i for i, row in enumerate(rows) if row and row[0] == first)


def test_coverage_workbook_is_the_page_and_the_selector(world: World) -> None:  # noqa: F811
    client = world.client(SPECIALIST)
    url = reverse("policies:coverage")
    page = client.get(url, {"year": YEAR})
    assert 'data-testid="export-xlsx"' in page.content.decode()
    assert 'data-testid="print-header"' in page.content.decode()
    rows = sheet_rows(client.get(url, {"year": YEAR, "format": "xlsx"}))
    assert rows[0][0] == "Độ bao phủ chính sách"
    assert rows[1][0].startswith("Phạm vi: ")
    assert rows[2][0] == f"Năm: {YEAR}"
    assert rows[3][0].startswith("Ngày in: ")
    head = header_row(rows, "Chính sách")
    assert rows[head][1] == "Cấp áp dụng" and rows[head][-1] == COVERAGE_HEADER
    body = {row[0].split(" · ")[0]: row for row in rows[head + 1 :] if row[0] and " · " in row[0]}
    expected = selectors.coverage_by_policy(user=world.users[SPECIALIST], year=YEAR)
    on_page = {r.policy.code: r.tally for r, _band in page.context["rows"]}
    assert set(body) == {r.policy.code for r in expected} == set(on_page)
    for r in expected:
        row = body[r.policy.code]
        assert row[3] == r.tally.eligible_units == on_page[r.policy.code].eligible_units
        assert row[4] == r.tally.covered_units and row[5] == r.tally.gap_units
        assert row[6] == (None if r.tally.percent is None else pytest.approx(float(r.tally.percent)))
    log = ExportRecord.objects.filter(kind="summary_table").latest("created_at")
    assert log.fmt == "xlsx" and log.filters == {"year": str(YEAR)} and log.username == SPECIALIST


def test_coverage_workbook_keeps_the_filters_and_the_scope(world: World) -> None:  # noqa: F811
    officer = world.client(OFFICER_A)
    url = reverse("policies:coverage")
    mine = sheet_rows(officer.get(url, {"format": "xlsx"}))
    expected = selectors.coverage_by_policy(
        user=world.users[OFFICER_A], year=YEAR, commune_id=world.communes["A"].pk
    )
    head = header_row(mine, "Chính sách")
    codes = {row[0].split(" · ")[0]: row[3] for row in mine[head + 1 :] if row[0] and " · " in row[0]}
    assert codes == {r.policy.code: r.tally.eligible_units for r in expected}
    # Another commune: the page falls back to the officer's own (as the page does), never the other's.
    other = sheet_rows(officer.get(url, {"format": "xlsx", "commune": world.communes["B"].pk}))
    assert world.communes["B"].name not in other[1][0]
    assert other[header_row(other, "Chính sách") + 1 :] == mine[head + 1 :]
    # The specialist's filter by village is kept.
    village = world.villages["B1"]
    filtered = sheet_rows(
        world.client(SPECIALIST).get(
            url, {"format": "xlsx", "year": YEAR, "commune": world.communes["B"].pk, "village": village.pk}
        )
    )
    assert village.name in filtered[1][0]
    by_village = selectors.coverage_by_policy(
        user=world.users[SPECIALIST], year=YEAR, commune_id=world.communes["B"].pk, village_id=village.pk
    )
    head = header_row(filtered, "Chính sách")
    got = {row[0].split(" · ")[0]: row[3] for row in filtered[head + 1 :] if row[0] and " · " in row[0]}
    assert got == {r.policy.code: r.tally.eligible_units for r in by_village}


def test_matrix_workbook(world: World) -> None:  # noqa: F811
    client = world.client(SPECIALIST)
    url = reverse("policies:coverage-matrix")
    page = client.get(url, {"year": YEAR})
    rows = sheet_rows(client.get(url, {"year": YEAR, "format": "xlsx"}))
    assert rows[0][0] == "Độ bao phủ theo xã và lĩnh vực chính sách"
    head = header_row(rows, "Xã")
    on_page = [(row.commune.name, row.total.percent) for row, _b, _c in page.context["table"]]
    got = [(row[0], row[1]) for row in rows[head + 1 :]]
    assert [name for name, _p in got] == [name for name, _p in on_page]
    for (_n, value), (_m, percent) in zip(got, on_page, strict=True):
        assert value == (None if percent is None else pytest.approx(float(percent)))
    officer = sheet_rows(world.client(OFFICER_A).get(url, {"year": YEAR, "format": "xlsx"}))
    names = [row[0] for row in officer[header_row(officer, "Xã") + 1 :]]
    assert names == [world.communes["A"].name]
    assert world.client("truongphong").get(url, {"format": "xlsx"}).status_code == 403


def test_spending_workbook(world: World) -> None:  # noqa: F811
    client = world.client(SPECIALIST)
    url = reverse("policies:spending")
    query = {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"}
    page = client.get(url, query)
    rows = sheet_rows(client.get(url, {**query, "format": "xlsx"}))
    assert rows[0][0] == "Kinh phí hỗ trợ"
    assert any(row[0] == f"Khoảng thời gian: 01/01/{YEAR} – 31/12/{YEAR}" for row in rows[:5])
    amounts = [row[2] for row in rows if row and isinstance(row[2], int) and row[0] not in (None, "")]
    by_area = page.context["by_area"]
    assert sum(a for _l, _n, a in by_area) == page.context["totals"].amount
    for label, n, amount in by_area:
        assert [str(label), n, amount] in [r[:3] for r in rows]
    assert sum(amounts) == 3 * page.context["totals"].amount  # three groupings of the same records
    assert BY_SOURCE in [r[0] for r in rows]
