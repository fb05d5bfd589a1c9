"""The Excel formatter of the official tables: the only module that imports openpyxl.

It turns a ``tables.Table`` (the form's texts, header rows with merged cells, the column code row, the
rows, the footer with place/date and signature blocks) into a workbook in write-only mode, so a list of
any length is written row by row without holding the sheet in memory, into a temporary file that the
view streams to the response.

Formats: integers '#,##0' (Excel shows the separators of the reader's locale), rates as percentages with
2 decimals in a "Tỷ lệ (%)" column (the number 25.00, as the official forms give "= x / y × 100"), dates
dd/mm/yyyy.
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from giamngheo.core.exports import inert_cell

from .tables import (
    BOOL,
    DATE,
    GROUP,
    INT,
    RATE,
    STT,
    TOTAL,
    VI_MOTTO,
    VI_NATION,
    VI_NO,
    VI_YES,
    Column,
    Table,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT_NAME = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
NUMBER_FORMATS = {INT: "#,##0", RATE: "0.00", DATE: "DD/MM/YYYY"}


def _font(*, bold: bool = False, italic: bool = False, size: int = 12) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


class _Sheet:
    """Appends rows to a write-only sheet, keeping count of the row number for the merges."""

    def __init__(self, ws: Any, width: int) -> None:
        self.ws, self.width, self.row = ws, width, 0

    def cell(self, value: Any, **style: Any) -> WriteOnlyCell:
        # Text typed in the registry is never a formula: inert, shown as typed (decision 0011).
        cell = inert_cell(WriteOnlyCell(self.ws, value=value))
        for name, attr in style.items():
            setattr(cell, name, attr)
        return cell

    def append(self, cells: list[Any]) -> int:
        self.ws.append(cells + [None] * (self.width - len(cells)))
        self.row += 1
        return self.row

    def merge(self, first_col: int, last_col: int, rows: int = 1, top: int | None = None) -> None:
        top = self.row if top is None else top
        if first_col == last_col and rows == 1:
            return
        ref = f"{get_column_letter(first_col)}{top}:{get_column_letter(last_col)}{top + rows - 1}"
        self.ws.merged_cells.add(ref)

    def line(self, text: str, *, font: Font, alignment: Alignment = CENTER) -> None:
        """A text across the whole width of the table."""
        self.append([self.cell(text, font=font, alignment=alignment)])
        self.merge(1, self.width)

    def pair(self, left: str, right: str, *, font: Font, right_font: Font | None = None) -> None:
        """A text on the left block and one on the right block (authority / nation, signatures)."""
        (l1, l2), (r1, r2) = _blocks(self.width)
        cells: list[Any] = [None] * self.width
        if left:
            cells[l1 - 1] = self.cell(left, font=font, alignment=CENTER)
        if right:
            cells[r1 - 1] = self.cell(right, font=right_font or font, alignment=CENTER)
        self.append(cells)
        if left:
            self.merge(l1, l2)
        if right:
            self.merge(r1, r2)


def _blocks(width: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Column ranges of the left and right blocks of the page's top and bottom lines."""
    left = (1, max(1, min(4, width // 2)))
    right_size = min(7, width - left[1])
    return left, (width - right_size + 1, width)


def header_layout(table: Table) -> list[tuple[int, int, int, int, Any]]:
    """Grid positions of the header cells (row, column, rowspan, colspan, cell), 0-based, placed like an
    HTML table: each cell goes to the first free column of its row."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, header_row in enumerate(table.header_rows):
        c = 0
        for cell in header_row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell.rowspan, cell.colspan, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return placed


LINE_HEIGHT = 15.0  # points per line of 11 pt text
CHAR_WIDTH = 1.15  # column-width units per character of bold 11 pt Times New Roman (estimate)


def header_heights(table: Table) -> dict[int, float]:
    """Height (points) of each header row (0-based) so that every header text fits, wrapped, in the
    width of the columns it spans; a cell spanning rows takes what its rows give, the last one grows."""
    widths = [c.width for c in table.columns]
    heights = [LINE_HEIGHT + 3] * len(table.header_rows)

    def needed(text: str, column: int, colspan: int) -> float:
        width = sum(widths[column : column + colspan]) or 1
        words, lines, used = text.split(), 1, 0.0
        for word in words:
            size = len(word) * CHAR_WIDTH
            if used and used + 1 + size > width:
                lines, used = lines + 1, size
            else:
                used += size + (1 if used else 0)
        return lines * LINE_HEIGHT + 3

    layout = header_layout(table)
    for r, c, rowspan, colspan, cell in layout:
        if rowspan == 1:
            heights[r] = max(heights[r], needed(cell.label_vi, c, colspan))
    for r, c, rowspan, colspan, cell in layout:
        if rowspan > 1:
            deficit = needed(cell.label_vi, c, colspan) - sum(heights[r : r + rowspan])
            if deficit > 0:
                heights[r + rowspan - 1] += deficit
    return dict(enumerate(heights))


ALIGNMENTS = {STT: CENTER, BOOL: CENTER, DATE: CENTER, INT: RIGHT, RATE: RIGHT}


def _value_cell(sheet: _Sheet, column: Column, value: Any, bold: bool) -> WriteOnlyCell:
    if column.kind == BOOL:
        value = VI_YES if value else VI_NO
    cell = sheet.cell(
        value, font=_font(bold=bold, size=11), border=BORDER, alignment=ALIGNMENTS.get(column.kind, LEFT)
    )
    if column.kind in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[column.kind]
    return cell


def write_table(table: Table, fh: IO[bytes]) -> None:
    """Write ``table`` as an .xlsx workbook into the binary file ``fh``."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=table.sheet_title[:31])
    width = len(table.columns)
    for i, column in enumerate(table.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    # Fitted to one page wide, as many pages tall as needed.
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    # Lines above the header: template, authority/nation, motto, blank, title, subtitles, unit, blank.
    template_lines = 1 if table.template_vi else 0
    header_top = template_lines + 5 + len(table.subtitle_vi) + (1 if table.unit_vi else 0) + 1
    codes_row = header_top + len(table.header_rows)
    if table.freeze_columns:
        ws.freeze_panes = f"{get_column_letter(table.freeze_columns + 1)}{codes_row + 1}"
    ws.print_title_rows = f"{header_top}:{codes_row}"
    for row_number, height in header_heights(table).items():
        ws.row_dimensions[header_top + row_number].height = height
    sheet = _Sheet(ws, width)

    # The page's top: the template followed, the authority and the nation, the title, the unit.
    if table.template_vi:
        sheet.pair("", table.template_vi, font=_font(bold=True, italic=True, size=11))
    sheet.pair(table.authority_vi, VI_NATION, font=_font(bold=True, size=12))
    sheet.pair("", VI_MOTTO, font=_font(bold=True, size=12))
    sheet.append([])
    sheet.line(table.title_vi, font=_font(bold=True, size=14))
    for line in table.subtitle_vi:
        sheet.line(line, font=_font(italic=True))
    if table.unit_vi:
        (r1, _r2) = _blocks(width)[1]
        cells: list[Any] = [None] * width
        cells[r1 - 1] = sheet.cell(table.unit_vi, font=_font(italic=True, size=11), alignment=RIGHT)
        sheet.append(cells)
        sheet.merge(r1, width)
    sheet.append([])
    if sheet.row != header_top - 1:  # the freeze panes and print titles were set from header_top
        raise RuntimeError("header position miscounted")

    # Header rows with merged cells, then the column codes (A, B, 1, 2, …).
    grid: list[list[Any]] = [
        [sheet.cell(None, border=BORDER) for _c in range(width)] for _r in table.header_rows
    ]
    layout = header_layout(table)
    for r, c, _rowspan, _colspan, header in layout:
        grid[r][c] = sheet.cell(
            header.label_vi, font=_font(bold=True, size=11), alignment=CENTER, border=BORDER
        )
    for cells in grid:
        sheet.append(cells)
    for r, c, rowspan, colspan, _header in layout:
        sheet.merge(c + 1, c + colspan, rows=rowspan, top=header_top + r)
    sheet.append(
        [
            sheet.cell(column.code, font=_font(italic=True, size=10), alignment=CENTER, border=BORDER)
            for column in table.columns
        ]
    )

    # The rows, as they come (a list, or an iterator over the database).
    for row in table.rows:
        bold = row.style in (GROUP, TOTAL)
        sheet.append([_value_cell(sheet, cell.column, cell.value, bold) for cell in row.cells])

    # Notes, place and date, signature blocks.
    sheet.append([])
    for note in table.notes_vi:
        sheet.line(note, font=_font(italic=True, size=10), alignment=LEFT)
    if table.place_date_vi:
        sheet.pair("", table.place_date_vi, font=_font(italic=True))
    if table.signatures:
        left = table.signatures[0] if len(table.signatures) > 1 else None
        right = table.signatures[-1]
        sheet.pair(left.title_vi if left else "", right.title_vi, font=_font(bold=True))
        sheet.pair(left.note_vi if left else "", right.note_vi, font=_font(italic=True, size=11))
    workbook.save(fh)


def xlsx_file(table: Table) -> IO[bytes]:
    """The workbook in a temporary file, rewound, for a streaming response (the file is deleted when
    closed)."""
    fh = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
    write_table(table, fh)
    fh.seek(0)
    return fh
