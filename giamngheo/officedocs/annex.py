"""The XLSX annex of a department's document: the same tables as the DOCX (``DocumentData.all_tables``),
one sheet per table (openpyxl, as core/xlsx.py says for workbooks of several sheets), numbers kept as
numbers (``#,##0``; rates with two decimals), an unknown value an empty cell, texts that look like formulas
kept inert (``core.exports.inert_cell``)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from giamngheo.core.docformat import vn_date
from giamngheo.core.exports import inert_cell
from giamngheo.core.xlsx import ILLEGAL, INT_FORMAT, column_letter

from .generator import Cell, DocumentData

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(value: Cell) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL.sub("", value)
    return value


def _sheet_name(number: int, title: str, taken: set[str]) -> str:
    name = re.sub(r"[\\/*?:\[\]]", " ", f"{number}. {title}")[:31].strip()
    while name in taken:
        name = name[:28] + f"~{number}"
    taken.add(name)
    return name


def reference(data: DocumentData) -> str:
    """ "(Kèm theo Báo cáo số …/BC-SNNMT ngày … tháng … năm … của Sở …)" (Decree 30/2020, annexes): the
    blanks stay until the document is registered."""
    number = data.number.strip()
    number = "…" + number if number.startswith("/") else number
    when = vn_date(data.issued_on) if data.issued_on else "ngày … tháng … năm …"
    return f"(Kèm theo {data.type_name.capitalize()} số {number} {when} của {data.issuer})"


def workbook(data: DocumentData) -> bytes:
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    fill = PatternFill("solid", fgColor="E9ECEF")
    taken: set[str] = set()
    for number, item in enumerate(data.all_tables(), start=1):
        sheet = book.create_sheet(_sheet_name(number, item.title, taken))
        sheet.append([f"Phụ lục {number}. {item.title}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([reference(data)])
        sheet["A2"].font = Font(italic=True)
        if item.unit:
            sheet.append([item.unit])
        sheet.append([])
        sheet.append(item.columns)
        header_row = sheet.max_row
        for c in range(1, len(item.columns) + 1):
            head = sheet.cell(row=header_row, column=c)
            head.font = Font(bold=True)
            head.fill = fill
            head.alignment = Alignment(wrap_text=True, vertical="top")
        body_rows = [*item.rows, *([item.total] if item.total else [])]
        for r, values in enumerate(body_rows):
            sheet.append([_value(v) for v in values])
            row = sheet.max_row
            for c, value in enumerate(values, start=1):
                target = inert_cell(sheet.cell(row=row, column=c))
                if isinstance(value, int) and not isinstance(value, bool):
                    target.number_format = INT_FORMAT
                elif isinstance(value, Decimal):
                    target.number_format = INT_FORMAT + ".00"
                if item.total and r == len(body_rows) - 1:
                    target.font = Font(bold=True)
        if not item.rows:
            sheet.append([item.empty])
        for c, width in enumerate(item.widths):
            sheet.column_dimensions[column_letter(c)].width = max(8.0, width * 5)
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if not book.worksheets:
        book.create_sheet("Phụ lục")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(data: DocumentData) -> str:
    stem = {"interim": "bao-cao-so-ket", "final": "bao-cao-tong-ket", "plan": "ke-hoach"}.get(
        data.kind, "van-ban"
    )
    return f"phu-luc-{stem}-{data.year}.xlsx"
