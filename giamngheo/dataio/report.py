"""The error report of an import: the original rows that were not imported, with a column saying why.

The cells echo a user's file: a text that looks like a formula ("=HYPERLINK(...)", "+84 ...") is written as
inert text (``core.exports.xlsx_value``, decision 0011), never as a live formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from giamngheo.core.exports import inert_cell, xlsx_value

from .fields import CONTROL, FormulaWithoutValue
from .reading import Table

ERROR_HEADER = "Lỗi (vì sao dòng không được nhập)"
ROW_HEADER = "Dòng trong tệp gốc"


def write_error_report(out: IO[bytes], *, table: Table, errors: Mapping[int, list[str]]) -> int:
    """Rows of ``table`` whose number is in ``errors``, as in the file, plus the row number and the
    messages. Written in write-only mode (streamed). Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Dòng lỗi")
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header = []
    for name in (ROW_HEADER, ERROR_HEADER, *table.headers):
        cell = inert_cell(WriteOnlyCell(sheet, value=name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.column_dimensions["B"].width = 60
    red = PatternFill("solid", fgColor="FDE2E1")
    wrap = Alignment(wrap_text=True, vertical="top")
    written = 0
    for number, row in table.rows:
        messages = errors.get(number)
        if not messages:
            continue
        message = inert_cell(WriteOnlyCell(sheet, value="\n".join(messages)))
        message.fill = red
        message.alignment = wrap
        values: list[Any] = [number, message]
        for value in row:
            if isinstance(value, FormulaWithoutValue):
                values.append(str(value))
            elif isinstance(value, dt.date | dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                values.append(cell)
            elif isinstance(value, str) and not value.isprintable():
                # openpyxl refuses control characters
                values.append(xlsx_value(sheet, CONTROL.sub("\ufffd", value)))
            else:
                values.append(xlsx_value(sheet, value))
        sheet.append(values)
        written += 1
    workbook.save(out)
    return written
