"""The import template: an .xlsx workbook whose first sheet has our headers, drop-down lists and cell formats
(so leading zeros and dates survive Excel), a guide sheet that explains every column, and a hidden sheet
that holds the drop-down lists (Excel's inline lists are limited to 255 characters; there are 54 ethnic
groups).

Everything is generated from ``fields.TEMPLATE_FIELDS``; the examples live only on the guide sheet so they
can never be imported by mistake.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .fields import EXCEL_EPOCH, TEMPLATE_FIELDS, Field

TEMPLATE_SHEET = "Hộ và thành viên"
GUIDE_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh mục"
DATA_ROWS = 5000  # rows 2 .. DATA_ROWS + 1 carry the drop-down lists and validations
YES_NO = ("Có", "Không")
DATE_FORMAT = "DD/MM/YYYY"
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)

LEVEL_VI = {"location": "Hộ", "household": "Hộ", "member": "Thành viên", "both": "Hộ hoặc thành viên"}
KIND_VI = {
    "text": "Văn bản",
    "int": "Số nguyên",
    "money": "Số nguyên (đồng)",
    "decimal": "Số (ví dụ: 35,5)",
    "date": "Ngày/tháng/năm",
    "year": "Năm (4 chữ số)",
    "bool": "Có hoặc Không",
    "national_id": "12 chữ số",
    "phone": "Số điện thoại",
}
NUMBER_FORMATS = {"date": DATE_FORMAT, "money": "#,##0", "int": "#,##0", "national_id": "@", "phone": "@"}
TEXT_KEYS = frozenset({"code"})  # household codes such as "001" keep their leading zeros
WIDE_KEYS = {"full_name": 26, "address": 30, "village": 20, "commune": 22}

GUIDE_TEXT = (
    "Hướng dẫn ghi danh sách hộ và thành viên",
    "• Mỗi dòng trên trang 'Hộ và thành viên' là một thành viên của hộ (kể cả chủ hộ).",
    "• Các cột của hộ (Mã hộ, Thôn/ấp/khu phố, thu nhập, nhà ở, nguồn nước, nhà tiêu…) ghi trên dòng "
    "của chủ hộ; có thể ghi lặp lại trên các dòng khác của hộ nhưng phải giống nhau.",
    "• Các dòng của cùng một hộ phải liền nhau và ghi cùng một 'Mã hộ'.",
    "• Dòng không có 'Họ và tên' là dòng chỉ có thông tin của hộ (khi chưa có danh sách thành viên).",
    "• Cột tô màu cam là bắt buộc. Chọn giá trị trong danh sách thả xuống; ngày ghi theo dạng ngày/tháng/năm "
    "(ví dụ 25/11/1980). Không đổi tên cột.",
    "• Các dòng ví dụ ở cuối trang này chỉ để tham khảo, không được nhập vào hệ thống.",
)
GUIDE_HEADERS = ("Cột", "Bắt buộc", "Cấp", "Giá trị cho phép", "Giải thích")
GUIDE_WIDTHS = (34, 10, 18, 60, 60)

BOLD = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def template_fields(*, include_commune: bool) -> tuple[Field, ...]:
    """The template's columns, in order (the commune column only for a province-wide import)."""
    return tuple(f for f in TEMPLATE_FIELDS if include_commune or f.key != "commune")


def allowed_values(f: Field) -> str:
    """What a column accepts, in Vietnamese (the guide sheet's "Giá trị cho phép")."""
    labels = "; ".join(label for _code, label in f.choices)
    if f.kind == "choice":
        return labels
    if f.kind == "multi":
        return f"Một hoặc nhiều giá trị, cách nhau bằng dấu phẩy: {labels}"
    return KIND_VI[f.kind]


def _list_values(f: Field) -> tuple[str, ...]:
    if f.kind == "bool":
        return YES_NO
    return tuple(label for _code, label in f.choices)


def _excel_serial(day: dt.date) -> int:
    """Excel's serial number of a day (1 = 1900-01-01; Excel counts a 29 February 1900 that never was)."""
    return (day - EXCEL_EPOCH).days if day >= dt.date(1900, 3, 1) else (day - EXCEL_EPOCH).days - 1


def write_lists(sheet: Worksheet, fields: tuple[Field, ...]) -> dict[str, str]:
    """One column per list on the list sheet; field key -> absolute reference for a validation."""
    references: dict[str, str] = {}
    column = 0
    yes_no_reference = ""
    for f in fields:
        if f.kind not in ("choice", "multi", "bool"):
            continue
        if f.kind == "bool" and yes_no_reference:
            references[f.key] = yes_no_reference
            continue
        column += 1
        letter = get_column_letter(column)
        values = _list_values(f)
        sheet.cell(row=1, column=column, value="Có/Không" if f.kind == "bool" else f.header).font = BOLD
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
        sheet.column_dimensions[letter].width = min(max(len(v) for v in values) + 2, 60)
        reference = f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        references[f.key] = reference
        if f.kind == "bool":
            yes_no_reference = reference
    return references


def _validation(f: Field, references: dict[str, str]) -> DataValidation | None:
    if f.kind in ("choice", "bool"):
        return DataValidation(
            type="list",
            formula1=references[f.key],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Giá trị không hợp lệ",
            error=f"Chọn một giá trị trong danh sách của cột '{f.header}'.",
        )
    if f.kind == "multi":
        # A drop-down to pick from, but several values separated by commas must stay possible.
        return DataValidation(
            type="list",
            formula1=references[f.key],
            allow_blank=True,
            showErrorMessage=False,
            showInputMessage=True,
            promptTitle="Nhiều giá trị",
            prompt="Chọn một giá trị, hoặc ghi nhiều giá trị cách nhau bằng dấu phẩy.",
        )
    if f.kind == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1=str(_excel_serial(FIRST_DAY)),
            formula2=str(_excel_serial(LAST_DAY)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Ngày không hợp lệ",
            error="Ghi ngày theo dạng ngày/tháng/năm (ví dụ 25/11/1980), từ 01/01/1900 đến 31/12/2100.",
        )
    if f.kind in ("int", "money"):
        maximum = f.maximum if f.maximum is not None else 2_000_000_000
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(f.minimum),
            formula2=str(maximum),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Số không hợp lệ",
            error=f"Ghi số nguyên từ {f.minimum:,} đến {maximum:,}.".replace(",", "."),
        )
    if f.kind == "decimal":
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="99999.9",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Số không hợp lệ",
            error="Ghi một số từ 0 đến 99.999 (ví dụ: 35,5).",
        )
    return None


def _width(f: Field) -> float:
    longest_label = max((len(v) for v in _list_values(f)), default=0) if f.kind != "multi" else 24
    width = max(12, len(f.header) // 2 + 4, min(longest_label + 3, 36), WIDE_KEYS.get(f.key, 0))
    return float(width)


def write_data_sheet(sheet: Worksheet, fields: tuple[Field, ...], references: dict[str, str]) -> None:
    last_row = DATA_ROWS + 1
    for column, f in enumerate(fields, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column, value=f.header)
        cell.font = BOLD
        cell.alignment = HEADER_ALIGN
        cell.fill = REQUIRED_FILL if f.required else HEADER_FILL
        note = " ".join(part for part in ("Bắt buộc." if f.required else "", f.help) if part)
        if note:
            comment = Comment(note, "Giảm nghèo")
            comment.width = 300
            comment.height = 110
            cell.comment = comment
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(f)
        number_format = "@" if f.key in TEXT_KEYS else NUMBER_FORMATS.get(f.kind)
        if number_format:
            dimension.number_format = number_format  # new cells in the column take the column's format
        validation = _validation(f, references)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 48
    frozen_columns = next((i for i, f in enumerate(fields) if f.key == "code"), -1) + 1
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"


def example_rows(fields: tuple[Field, ...]) -> list[list[Any]]:
    """Two example rows: household VD001 with its head (household columns filled) and a child."""
    head: dict[str, Any] = {
        "commune": "Xã Ví Dụ",
        "code": "VD001",
        "village": "Thôn Ví Dụ",
        "address": "Số 1, đường Ví Dụ",
        "phone": "0912345678",
        "income_per_capita": 1_500_000,
        "walls_durable": "Có",
        "columns_durable": "Có",
        "roof_durable": "Không",
        "floor_area_m2": 35.5,
        "water_source": "Giếng khoan",
        "latrine": "Bán tự hoại",
        "devices": "Ti vi, Điện thoại thông minh",
        "waste_handling": "Thu gom",
        "no_working_capacity": "Không",
        "category": "Hộ cận nghèo",
        "category_since": dt.date(2024, 1, 15),
        "full_name": "Nguyễn Văn A",
        "sex": "Nam",
        "date_of_birth": dt.date(1980, 11, 25),
        "relationship": "Chủ hộ",
        "ethnic_group": "Kinh",
        "has_health_insurance": "Có",
        "in_education": "Không",
        "education": "Trung học cơ sở",
        "employment": "Tự làm, sản xuất của gia đình",
        "disabled": "Không",
        "monthly_social_allowance": "Không",
        "uses_internet": "Có",
    }
    child: dict[str, Any] = {
        "commune": "Xã Ví Dụ",
        "code": "VD001",
        "full_name": "Nguyễn Thị B",
        "sex": "Nữ",
        "date_of_birth": dt.date(2016, 3, 8),
        "relationship": "Con",
        "ethnic_group": "Kinh",
        "has_health_insurance": "Có",
        "in_education": "Có",
        "attending_appropriate_level": "Có",
        "education": "Tiểu học",
        "stunted": "Không",
        "underweight": "Không",
    }
    return [[values.get(f.key) for f in fields] for values in (head, child)]


def _write_guide(sheet: Worksheet, fields: tuple[Field, ...]) -> None:
    row = 1
    for index, line in enumerate(GUIDE_TEXT):
        cell = sheet.cell(row=row, column=1, value=line)
        if index == 0:
            cell.font = Font(bold=True, size=14)
        row += 1
    row += 1
    for column, (header, width) in enumerate(zip(GUIDE_HEADERS, GUIDE_WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = width
    for f in fields:
        row += 1
        values = (f.header, "Có" if f.required else "", LEVEL_VI[f.level], allowed_values(f), f.help)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value or None)
            cell.alignment = WRAP
            if column == 1 and f.required:
                cell.fill = REQUIRED_FILL
    row += 2
    sheet.cell(row=row, column=1, value="Ví dụ (chỉ để tham khảo, không nhập các dòng này):").font = BOLD
    row += 1
    for column, f in enumerate(fields, start=1):
        cell = sheet.cell(row=row, column=column, value=f.header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for example in example_rows(fields):
        row += 1
        for column, (f, value) in enumerate(zip(fields, example, strict=True), start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = EXAMPLE_FONT
            if f.kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[f.kind]
    sheet.freeze_panes = None


def write_template(out: IO[bytes], *, include_commune: bool) -> None:
    """Write the import template (.xlsx) to ``out``."""
    fields = template_fields(include_commune=include_commune)
    workbook = Workbook()
    data = workbook.active
    data.title = TEMPLATE_SHEET
    guide = workbook.create_sheet(GUIDE_SHEET)
    lists = workbook.create_sheet(LIST_SHEET)
    references = write_lists(lists, fields)
    lists.sheet_state = "hidden"
    write_data_sheet(data, fields, references)
    _write_guide(guide, fields)
    workbook.active = 0
    workbook.save(out)
