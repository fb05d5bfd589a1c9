"""Official tables: the summary on screen and in Excel, the named lists, scope and permissions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from conftest import client_for, rows_for_the_module
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services, tables
from giamngheo.reviews.models import (
    AreaSummary,
    Assessment,
    AssessmentStatus,
    CommuneReview,
    Movement,
    ReviewRound,
)
from giamngheo.reviews.xlsx import header_layout

SUMMARY_TITLE = "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026"


def workbook(response) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def all_text(ws) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def code_row_index(ws) -> int:  # type: ignore[no-untyped-def]
    """1-based number of the row of column codes (A, B, 1, 2, …)."""
    for n, row in enumerate(ws.iter_rows(values_only=True), 1):
        if row[0] == "A" and row[1] == "B":
            return n
    raise AssertionError("no column code row")


def rows_after_codes(ws) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    """The table body: the rows after the code row up to the first empty row."""
    body = []
    for row in list(ws.iter_rows(values_only=True))[code_row_index(ws) :]:
        if all(v is None for v in row):
            break
        body.append(row)
    return body


def assess(household: Household, review_round, *, before: str, after: str, movement: str) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.create(
        round=review_round,
        household=household,
        commune=household.commune,
        source="current_list",
        status=AssessmentStatus.RECOGNISED,
        category_before=before,
        decided_category=after,
        movement=movement,
        deprived=["water", "sanitation", "information_devices"] if after == "poor" else [],
    )


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker) -> Any:  # type: ignore[no-untyped-def]
    """The world, built once per module (``conftest.rows_for_the_module``; every test here that touches the
    database uses it; tests that need the province without it are in ``test_tables_without_world.py``)."""
    from giamngheo.geo.models import Area

    with rows_for_the_module(django_db_blocker), django_db_blocker.unblock():
        yield _build_world(
            services.round_open(province=Area.objects.get(code="75"), year=2026, acting_user=None),
            Area.objects.get(name="Xã Bù Gia Mập"),
            Area.objects.get(name="Phường Trấn Biên"),
        )


@pytest.fixture
def review_round(world_keys, db):  # type: ignore[no-untyped-def]
    return ReviewRound.objects.get(pk=world_keys["round"])


@pytest.fixture
def world(world_keys, db) -> dict[str, Household]:  # type: ignore[no-untyped-def]
    """Fresh objects of the module's world for each test."""
    return {key: Household.objects.get(pk=pk) for key, pk in world_keys["h"].items()}


def _build_world(review_round: ReviewRound, commune_a: Any, commune_b: Any) -> dict[str, Any]:
    """Commune A (rural): 8 households, 2 poor, 1 near-poor. Ward B (urban): 3 households, 1 poor,
    1 near-poor. Movements recorded directly on assessments, then the summaries rebuilt."""
    h = {
        "a_new": make_household(
            commune_a,
            head="Điểu Lệ",
            category="poor",
            ethnic_group="22",
            no_working_capacity=True,
            members=[
                {
                    "full_name": "Thị Lan",
                    "sex": "F",
                    "date_of_birth": dt.date(2015, 1, 2),
                    "relationship": "child",
                }
            ],
        ),
        "a_still": make_household(commune_a, head="Trần Văn Nghèo", category="poor"),
        "a_escaped": make_household(commune_a, head="Lý Thị Cận", category="near_poor", ethnic_group="22"),
        "a_escaped_near": make_household(commune_a, head="Phạm Văn Thoát", category="not_poor"),
        "b_re": make_household(commune_b, head="Ngô Văn Tái", category="poor"),
        "b_near": make_household(commune_b, head="Đặng Thị Phường", category="near_poor"),
        "b_other": make_household(commune_b, head="Vũ Văn Khá"),
    }
    for n in range(4):
        make_household(commune_a, head=f"Hộ Khác {n}")
    Household.objects.filter(pk=h["a_still"].pk).update(deprived_keys="|water|sanitation|")
    assess(h["a_new"], review_round, before="", after="poor", movement=Movement.NEWLY_POOR)
    assess(h["a_still"], review_round, before="poor", after="poor", movement=Movement.STILL_POOR)
    assess(h["a_escaped"], review_round, before="poor", after="near_poor", movement=Movement.ESCAPED_POVERTY)
    assess(
        h["a_escaped_near"],
        review_round,
        before="near_poor",
        after="not_poor",
        movement=Movement.ESCAPED_NEAR_POVERTY,
    )
    assess(h["b_re"], review_round, before="", after="poor", movement=Movement.RE_POOR)
    assess(h["b_near"], review_round, before="", after="near_poor", movement=Movement.NEWLY_NEAR_POOR)
    CommuneReview.objects.filter(round=review_round, commune=commune_a).update(
        decision_date=dt.date(2026, 11, 5)
    )
    services.summaries_rebuild(review_round=review_round)
    return {"round": review_round.pk, "h": {key: household.pk for key, household in h.items()}}


# Summary on screen -----------------------------------------------------------------------------------------
def test_rate_is_exact_with_two_decimals() -> None:
    assert tables.rate(2, 8) == Decimal("25.00")
    assert tables.rate(1, 3) == Decimal("33.33")
    assert tables.rate(2, 3) == Decimal("66.67")
    assert tables.rate(0, 0) is None


def test_summary_numbers_equal_the_area_summaries(users, world, review_round, commune_a, province) -> None:
    response = client_for(users["chuyenvien"]).get(reverse("tables:summary"), {"year": 2026})
    assert response.status_code == 200
    rows = response.context["rows"]
    by_area = {
        r.area_id: dict(zip([c.key for c in tables.SUMMARY_COLUMNS], r.values, strict=True)) for r in rows
    }
    summary = AreaSummary.objects.get(round=review_round, area=commune_a)
    row_a = by_area[commune_a.pk]
    for key in tables.COUNT_KEYS:
        assert row_a[key] == getattr(summary, key), key
    assert (row_a["households"], row_a["end_poor"], row_a["end_near_poor"]) == (8, 2, 1)
    assert (row_a["escaped_poverty"], row_a["newly_poor"], row_a["escaped_near_poverty"]) == (1, 1, 1)
    assert (row_a["end_poor_em"], row_a["end_near_poor_em"], row_a["end_poor_no_work_capacity"]) == (1, 1, 1)
    assert row_a["poor_rate"] == Decimal("25.00") and row_a["near_poor_rate"] == Decimal("12.50")
    # The province total comes first and is the province's own summary row.
    assert rows[0].style == tables.TOTAL
    total = dict(zip([c.key for c in tables.SUMMARY_COLUMNS], rows[0].values, strict=True))
    province_row = AreaSummary.objects.get(round=review_round, area=province)
    assert total["end_poor"] == province_row.end_poor == 3
    assert total["households"] == province_row.households == 11
    # One row per commune with a summary, and urban / rural subtotals.
    communes = AreaSummary.objects.filter(round=review_round, area__level="commune").count()
    assert sum(1 for r in rows if r.style == tables.DATA) == communes == 95
    groups = [r for r in rows if r.style == tables.GROUP]
    assert [g.values[0] for g in groups] == ["I", "II"]
    assert sum(g.values[2] for g in groups) == total["households"]
    body = response.content.decode()
    assert "25,00 %" in body and "12,50 %" in body
    assert 'class="table table-sm table-bordered bg-white align-middle table-responsive-stack' in body
    assert 'data-label="' in body


def test_summary_reads_only_the_pre_aggregated_rows(users, world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["chuyenvien"])
    for url in (reverse("tables:summary"), reverse("tables:summary-xlsx")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"year": 2026})
            if url.endswith("xlsx/"):
                b"".join(response.streaming_content)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "reviews_areasummary" in sql
        assert "households_household" not in sql and "reviews_assessment" not in sql, url
        assert len(queries.captured_queries) < 15


def test_summary_sorted_by_poverty_rate(users, world, commune_a, commune_b) -> None:
    response = client_for(users["chuyenvien"]).get(reverse("tables:summary"), {"year": 2026, "sort": "rate"})
    data = [r for r in response.context["rows"] if r.style == tables.DATA]
    assert [data[0].area_id, data[1].area_id] == [commune_b.pk, commune_a.pk]  # 33,33 % then 25,00 %
    assert data[0].values[0] == "1"
    assert not any(r.style == tables.GROUP for r in response.context["rows"])


def test_province_total_only_for_users_whose_scope_covers_the_province(users, world) -> None:
    for username, expected in [
        ("chuyenvien", True),
        ("lanhdao", True),
        ("admin", True),
        ("canbo.tranbien", False),
        ("canbo.bugiamap", False),
    ]:
        rows = client_for(users[username]).get(reverse("tables:summary")).context["rows"]
        assert any(r.style == tables.TOTAL for r in rows) is expected, username


def test_officer_of_commune_b_sees_only_their_commune(users, world, commune_a, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    response = client.get(reverse("tables:summary"))
    rows = response.context["rows"]
    assert [r.area_id for r in rows] == [commune_b.pk]
    body = response.content.decode()
    assert "Phường Trấn Biên" in body and "Xã Bù Gia Mập" not in body
    ws = workbook(client.get(reverse("tables:summary-xlsx")))
    text = all_text(ws)
    assert "Phường Trấn Biên" in text and "Bù Gia Mập" not in text and tables.VI_TOTAL not in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG TRẤN BIÊN" in text
    assert len(rows_after_codes(ws)) == 1
    # Lists: own households only, and pointing a list at commune A is the same 404 as a missing commune.
    for kind, own, foreign in [
        ("poor", "Ngô Văn Tái", "Điểu Lệ"),
        ("near-poor", "Đặng Thị Phường", "Lý Thị Cận"),
    ]:
        page = client.get(reverse("tables:household-list", args=[kind])).content.decode()
        assert own in page and foreign not in page and "Xã Bù Gia Mập" not in page
        text = all_text(workbook(client.get(reverse("tables:household-list-xlsx", args=[kind]))))
        assert own in text and foreign not in text and "Bù Gia Mập" not in text
        for name in ("tables:household-list", "tables:household-list-xlsx"):
            url = reverse(name, args=[kind])
            assert client.get(url, {"commune": commune_a.pk}).status_code == 404
            assert client.get(url, {"commune": "x"}).status_code == 404
    escaped = client.get(reverse("tables:household-list", args=["escaped"]))
    assert escaped.context["page_obj"].paginator.count == 0
    assert 'data-testid="empty-state"' in escaped.content.decode()


# Summary in Excel ------------------------------------------------------------------------------------------
def test_summary_xlsx_has_the_official_layout(users, world, commune_a, review_round) -> None:
    ws = workbook(client_for(users["chuyenvien"]).get(reverse("tables:summary-xlsx"), {"year": 2026}))
    text = all_text(ws)
    for expected in (
        SUMMARY_TITLE,
        "Đơn vị tính: hộ",
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Tỉnh Đồng Nai",
        "Diễn biến trong năm",
        "…, ngày … tháng … năm …",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert expected in text, expected
    codes = code_row_index(ws)
    assert list(next(ws.iter_rows(min_row=codes, max_row=codes, values_only=True))) == [
        "A",
        "B",
        *[str(n) for n in range(1, 17)],
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    first_header = codes - 3
    assert f"A{first_header}:A{codes - 1}" in merged  # STT spans the three header rows
    assert f"F{first_header}:K{first_header}" in merged  # "Diễn biến trong năm" over columns 4–9
    assert ws[f"F{first_header}"].value == "Diễn biến trong năm"
    body = rows_after_codes(ws)
    assert body[0][1] == tables.VI_TOTAL
    assert [r[1] for r in body if r[0] in ("I", "II")] == [tables.VI_URBAN, tables.VI_RURAL]
    communes = [r for r in body if str(r[0]).isdigit()]
    assert len(communes) == AreaSummary.objects.filter(round=review_round, area__level="commune").count()
    row_a = next(r for r in communes if r[1] == commune_a.name)
    assert row_a[2:5] == (8, 2, 1)
    assert row_a[11] == 2 and float(row_a[12]) == 25.0
    number_format = ws.cell(row=codes + 1 + body.index(row_a), column=13).number_format
    assert number_format == "0.00"
    assert ws.cell(row=codes + 1, column=3).number_format == "#,##0"


def test_header_layout_fills_every_column_once() -> None:
    table = tables.Table(
        title_vi="x",
        columns=tables.SUMMARY_COLUMNS,
        header_rows=tables.SUMMARY_HEADER,
        rows=[],
        filename="x.xlsx",
        sheet_title="x",
    )
    covered: list[tuple[int, int]] = []
    for r, c, rowspan, colspan, _cell in header_layout(table):
        covered += [(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)]
    assert sorted(covered) == [(r, c) for r in range(3) for c in range(len(tables.SUMMARY_COLUMNS))]


# Lists -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "heads"),
    [
        ("poor", {"Điểu Lệ", "Trần Văn Nghèo", "Ngô Văn Tái"}),
        ("near-poor", {"Lý Thị Cận", "Đặng Thị Phường"}),
        ("escaped", {"Lý Thị Cận"}),
        ("escaped-near-poverty", {"Phạm Văn Thoát"}),
        ("newly-poor", {"Điểu Lệ"}),
        ("re-poor", {"Ngô Văn Tái"}),
    ],
)
def test_lists_have_one_row_per_household_of_the_kind(users, world, kind, heads) -> None:
    client = client_for(users["chuyenvien"])
    response = client.get(reverse("tables:household-list", args=[kind]), {"year": 2026})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r.values[2] for r in rows} == heads
    assert len(rows) == len(heads) == response.context["page_obj"].paginator.count
    assert [r.values[0] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    ws = workbook(client.get(reverse("tables:household-list-xlsx", args=[kind]), {"year": 2026}))
    body = rows_after_codes(ws)
    assert {r[2] for r in body} == heads
    assert "DANH SÁCH HỘ" in all_text(ws)


def test_list_columns(users, world, commune_a) -> None:
    client = client_for(users["chuyenvien"])
    escaped = client.get(reverse("tables:household-list", args=["escaped"])).context["rows"][0]
    values = dict(zip([c.key for c in tables.LIST_COLUMNS], escaped.values, strict=True))
    assert values["commune"] == commune_a.name and values["ethnic_group"] and values["minority"] is True
    assert values["recognised_on"] == dt.date(2026, 11, 5)  # the commune chairperson's decision
    assert values["category"]  # the category decided in the round (near-poor)
    ws = workbook(client.get(reverse("tables:household-list-xlsx", args=["poor"])))
    codes = code_row_index(ws)
    assert list(next(ws.iter_rows(min_row=codes, max_row=codes, values_only=True))) == [
        "A", "B", "C", "D", "E", "F", "G", "1", "H", "I", "K"
    ]  # fmt: skip
    body = rows_after_codes(ws)
    new = next(r for r in body if r[2] == "Điểu Lệ")
    assert new[6] == tables.VI_YES and new[7] == 2 and new[8] == "Hộ nghèo"
    still = next(r for r in body if r[2] == "Trần Văn Nghèo")
    assert still[6] == tables.VI_NO and still[9] == "Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh"
    escaped_ws = workbook(client.get(reverse("tables:household-list-xlsx", args=["escaped"])))
    n = code_row_index(escaped_ws) + 1
    date_cell = escaped_ws.cell(row=n, column=11)
    assert date_cell.value.date() == dt.date(2026, 11, 5) and date_cell.number_format == "DD/MM/YYYY"
    assert escaped_ws.cell(row=n, column=9).value == "Hộ cận nghèo"


def test_unknown_kind_is_404(users, world) -> None:
    client = client_for(users["chuyenvien"])
    assert client.get(reverse("tables:household-list", args=["rich"])).status_code == 404
    assert client.get(reverse("tables:household-list-xlsx", args=["rich"])).status_code == 404


def test_viewer_reads_the_named_lists_but_downloads_only_the_summary(users, world) -> None:
    client = client_for(users["lanhdao"])
    assert client.get(reverse("tables:summary")).status_code == 200
    assert workbook(client.get(reverse("tables:summary-xlsx"))).title
    listing = client.get(reverse("tables:household-list", args=["poor"]))
    assert listing.status_code == 200
    assert reverse("tables:household-list-xlsx", args=["poor"]) not in listing.content.decode()
    assert client.get(reverse("tables:household-list-xlsx", args=["poor"])).status_code == 403


def test_role_without_tables_is_refused(users, world) -> None:
    from giamngheo.accounts.roles import Role

    user = users["lanhdao"]
    user.role = Role.UNIT_HEAD
    user.save()
    assert client_for(user).get(reverse("tables:summary")).status_code == 403


def test_index_links_every_table_and_list(users, world) -> None:
    body = client_for(users["chuyenvien"]).get(reverse("tables:index")).content.decode()
    assert f"{reverse('tables:summary')}?year=2026" in body
    assert f"{reverse('tables:summary-xlsx')}?year=2026" in body
    for kind in tables.LIST_KINDS:
        assert f"{reverse('tables:household-list', args=[kind])}?year=2026" in body
        assert f"{reverse('tables:household-list-xlsx', args=[kind])}?year=2026" in body


def test_only_reads(users, world) -> None:
    client = client_for(users["chuyenvien"])
    assert client.post(reverse("tables:summary")).status_code == 405
    assert client.post(reverse("tables:household-list", args=["poor"])).status_code == 405


# Empty states ----------------------------------------------------------------------------------------------
def test_empty_states_for_an_unknown_year_and_an_empty_scope(users, world) -> None:
    body = client_for(users["chuyenvien"]).get(reverse("tables:summary"), {"year": 2019}).content.decode()
    assert 'data-testid="empty-state"' in body and "2019" in body
    # The department office has the capability but no area in scope: it sees no round at all.
    office = client_for(users["vanphong"]).get(reverse("tables:summary"))
    assert office.context["review_round"] is None and 'data-testid="empty-state"' in office.content.decode()
