"""The streaming writer of flat tables: what openpyxl reads back is what was written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from giamngheo.core.xlsx import column_letter, write_table


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_values_formats_and_escaping_survive_a_round_trip() -> None:
    out = io.BytesIO()
    rows = [
        ['Nguyễn <Văn> & "An"', 1, dt.date(2025, 12, 10), 1_500_000, Decimal("35.5")],
        ["  khoảng trắng đầu", None, None, None, 2.25],
        ["ký tự\x00điều khiển\x1f", True, dt.datetime(1999, 1, 2, 8, 30), 0, None],
    ]
    written = write_table(
        out,
        sheet="Hộ gia đình",
        headers=["Tên", "Số", "Ngày", "Tiền", "Diện tích"],
        rows=rows,
        widths=[20, 8, 12, 14, 10],
        money_columns=[3],
        freeze="B2",
    )
    assert written == 3
    out.seek(0)
    sheet = load_workbook(out).active
    assert sheet.title == "Hộ gia đình" and sheet.freeze_panes == "B2"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Tên", "Số", "Ngày", "Tiền", "Diện tích"]
    assert values[1] == ['Nguyễn <Văn> & "An"', 1, dt.datetime(2025, 12, 10), 1_500_000, 35.5]
    assert values[2] == ["  khoảng trắng đầu", None, None, None, 2.25]
    assert values[3] == ["ký tựđiều khiển", True, dt.datetime(1999, 1, 2), 0, None]
    assert sheet["C2"].number_format == "dd/mm/yyyy" and sheet["D2"].number_format == "#,##0"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 20
