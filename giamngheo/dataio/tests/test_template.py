"""The import template: headers, drop-down lists, formats, the guide sheet; read back by ``open_table``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.dataio.fields import BY_KEY, TEMPLATE_FIELDS
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.template import (
    GUIDE_HEADERS,
    GUIDE_SHEET,
    LIST_SHEET,
    TEMPLATE_SHEET,
    example_rows,
    template_fields,
    write_template,
)


def _build(include_commune: bool = False):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    write_template(buffer, include_commune=include_commune)
    buffer.seek(0)
    return load_workbook(buffer)


def _column(sheet: Worksheet, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header}")


def _validation_for(sheet: Worksheet, header: str):  # type: ignore[no-untyped-def]
    letter = _column(sheet, header)
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2:{letter}5001" in str(dv.sqref)]
    assert len(found) == 1, header
    return found[0]


def _list_values(workbook, formula: str) -> list[str]:  # type: ignore[no-untyped-def]
    sheet_part, cells = formula.rsplit("!", 1)
    assert sheet_part.strip("'") == LIST_SHEET
    return [c.value for (c,) in workbook[LIST_SHEET][cells.replace("$", "")]]


def test_headers_without_commune() -> None:
    workbook = _build()
    assert workbook.sheetnames[0] == TEMPLATE_SHEET
    sheet = workbook[TEMPLATE_SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers == [f.header for f in TEMPLATE_FIELDS if f.key != "commune"]
    assert "Họ và tên chủ hộ" not in headers
    assert sheet.max_row == 1  # no example data on the sheet that is imported
    assert sheet.freeze_panes == "B2"
    assert all(c.font.bold for c in sheet[1])


def test_headers_with_commune() -> None:
    sheet = _build(include_commune=True)[TEMPLATE_SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers == [f.header for f in TEMPLATE_FIELDS]
    assert headers[0] == "Xã/phường/đặc khu"
    assert sheet.freeze_panes == "C2"


def test_required_headers_are_marked() -> None:
    sheet = _build()[TEMPLATE_SHEET]
    code = sheet[f"{_column(sheet, 'Mã hộ')}1"]
    address = sheet[f"{_column(sheet, 'Địa chỉ')}1"]
    assert code.comment is not None and code.comment.text.startswith("Bắt buộc")
    assert code.fill.fgColor.rgb != address.fill.fgColor.rgb
    assert address.comment is None


def test_choice_validations_refer_to_the_list_sheet() -> None:
    workbook = _build()
    sheet = workbook[TEMPLATE_SHEET]
    assert workbook[LIST_SHEET].sheet_state == "hidden"

    sex = _validation_for(sheet, "Giới tính")
    assert sex.type == "list"
    assert _list_values(workbook, sex.formula1) == ["Nam", "Nữ"]

    ethnic = _validation_for(sheet, "Dân tộc")
    assert ethnic.type == "list"
    values = _list_values(workbook, ethnic.formula1)
    assert len(values) == 54
    assert "Kinh" in values and "Khmer" in values
    assert len(ethnic.formula1) < 255

    insurance = _validation_for(sheet, "Có thẻ BHYT")
    assert _list_values(workbook, insurance.formula1) == ["Có", "Không"]

    relationship = _validation_for(sheet, "Quan hệ với chủ hộ")
    assert _list_values(workbook, relationship.formula1) == [
        label for _c, label in BY_KEY["relationship"].choices
    ]


def test_every_choice_and_bool_column_has_a_list() -> None:
    sheet = _build()[TEMPLATE_SHEET]
    for f in template_fields(include_commune=False):
        if f.kind in ("choice", "bool", "multi"):
            assert _validation_for(sheet, f.header).type == "list"


def test_formats_and_date_validation() -> None:
    sheet = _build()[TEMPLATE_SHEET]
    assert sheet.column_dimensions[_column(sheet, "Số CCCD")].number_format == "@"
    assert sheet.column_dimensions[_column(sheet, "Mã hộ")].number_format == "@"
    assert sheet.column_dimensions[_column(sheet, "Ngày sinh")].number_format == "DD/MM/YYYY"
    money = _column(sheet, "Thu nhập bình quân người/tháng (đồng)")
    assert sheet.column_dimensions[money].number_format == "#,##0"
    birth = _validation_for(sheet, "Ngày sinh")
    assert birth.type == "date"
    assert birth.operator == "between"
    assert (birth.formula1, birth.formula2) == ("1", "73415")  # 01/01/1900, 31/12/2100
    assert "ngày/tháng/năm" in birth.error


def test_open_table_reads_the_template(tmp_path: Path) -> None:
    for include_commune in (False, True):
        path = tmp_path / f"mau_{include_commune}.xlsx"
        with path.open("wb") as fh:
            write_template(fh, include_commune=include_commune)
        table = open_table(path)
        assert table.sheet == TEMPLATE_SHEET
        assert table.header_row == 1
        assert table.headers == [f.header for f in template_fields(include_commune=include_commune)]
        assert list(table.rows) == []
        assert table.sheets == [TEMPLATE_SHEET, GUIDE_SHEET, LIST_SHEET]


def test_guide_has_one_row_per_column() -> None:
    sheet = _build()[GUIDE_SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if tuple(row[:5]) == GUIDE_HEADERS)
    table = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        table.append(row[:5])
    fields = template_fields(include_commune=False)
    assert [r[0] for r in table] == [f.header for f in fields]
    by_header = {r[0]: r for r in table}
    assert by_header["Mã hộ"][1] == "Có"
    assert by_header["Địa chỉ"][1] is None
    assert by_header["Mã hộ"][2] == "Hộ"
    assert by_header["Giới tính"][2] == "Thành viên"
    assert by_header["Dân tộc"][2] == "Hộ hoặc thành viên"
    assert by_header["Giới tính"][3] == "Nam; Nữ"
    assert by_header["Ngày sinh"][3] == "Ngày/tháng/năm"
    assert by_header["Có thẻ BHYT"][3] == "Có hoặc Không"
    assert by_header["Số CCCD"][3] == "12 chữ số"
    assert by_header["Thu nhập bình quân người/tháng (đồng)"][3] == "Số nguyên (đồng)"
    assert by_header["Số CCCD"][4] == BY_KEY["national_id"].help
    text = " ".join(str(row[0]) for row in rows[:start] if row[0])
    assert "Mã hộ" in text and "Họ và tên" in text


def test_examples_only_on_the_guide_sheet() -> None:
    workbook = _build()
    guide_values = {c.value for row in workbook[GUIDE_SHEET].iter_rows() for c in row}
    assert "VD001" in guide_values
    for name in (TEMPLATE_SHEET, LIST_SHEET):
        assert "VD001" not in {c.value for row in workbook[name].iter_rows() for c in row}


@pytest.mark.parametrize("include_commune", [False, True])
def test_example_values_are_valid(include_commune: bool) -> None:
    fields = template_fields(include_commune=include_commune)
    head, child = example_rows(fields)
    for row in (head, child):
        for f, value in zip(fields, row, strict=True):
            if value is not None:
                f.parse(value)  # raises CellError if the example were wrong
    assert head[[f.key for f in fields].index("relationship")] == "Chủ hộ"
