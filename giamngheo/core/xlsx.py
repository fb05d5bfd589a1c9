"""A streaming writer of flat .xlsx tables: one sheet, a bold header row, then rows of text, numbers,
money and dates, written straight into the zip as they come (constant memory, no row cap).

Why not openpyxl here: writing cells is 81 % of a registry export with openpyxl's write-only mode
(17 s per 100,000 households of 23 columns; XlsxWriter measured 14 s), which puts the 1.2 million
households of a province over three minutes. A flat table needs none of a workbook library's object
model: this writer emits the sheet's XML directly (inline strings, a handful of fixed styles), about ten
times faster. Workbooks with merged headers, signatures or several sheets keep using openpyxl
(``reviews/xlsx.py``, the import template).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse

from .exports import needs_quote_prefix

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Style indexes of STYLES below. QUOTED: a text that a spreadsheet would read as a formula ("=1+2",
# "+84 912"), kept as it is and marked quotePrefix: shown without a quote, never evaluated, and still text
# when the cell is edited (decision 0011).
BOLD, DATE, MONEY, QUOTED = 1, 2, 3, 4
# Characters XML 1.0 does not allow (a spreadsheet cell must not break the file).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if ILLEGAL.search(value):
        value = ILLEGAL.sub("", value)
    return escape(value)


def _string_cell(ref: str, value: str) -> str:
    style = f' s="{QUOTED}"' if needs_quote_prefix(value) else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def write_table(
    out: IO[bytes],
    *,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float] = (),
    money_columns: Sequence[int] = (),
    freeze: str = "",
) -> int:
    """Write the table into ``out`` (a binary file) and return the number of data rows. Values: ``str``,
    ``int``, ``float``, ``Decimal``, ``date`` (a date cell, dd/mm/yyyy), ``None`` (empty); integers in
    ``money_columns`` get the #,##0 format. A text that looks like a formula stays inert (``QUOTED``)."""
    letters = [column_letter(i) for i in range(len(headers))]
    money = set(money_columns)
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=escape(sheet[:31], {'"': "&quot;"})))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            parts: list[str] = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            ]
            if freeze:
                column, row = re.fullmatch(r"([A-Z]+)(\d+)", freeze).groups()  # type: ignore[union-attr]
                x_split = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
                pane = f'<pane xSplit="{x_split}" ySplit="{int(row) - 1}" topLeftCell="{freeze}" state="frozen"/>'
                parts.append(f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>')
            if widths:
                cols = "".join(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)
                )
                parts.append(f"<cols>{cols}</cols>")
            parts.append("<sheetData>")
            header = "".join(
                f'<c r="{letters[i]}1" t="inlineStr" s="{BOLD}"><is><t>{_text(str(h))}</t></is></c>'
                for i, h in enumerate(headers)
            )
            parts.append(f'<row r="1">{header}</row>')
            raw.write("".join(parts).encode("utf-8"))
            buffer: list[str] = []
            for number, values in enumerate(rows, start=2):
                cells = []
                for i, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    ref = f"{letters[i]}{number}"
                    if value.__class__ is str:
                        cells.append(_string_cell(ref, value))
                    elif isinstance(value, bool):
                        cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    elif isinstance(value, int):
                        style = f' s="{MONEY}"' if i in money else ""
                        cells.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
                    elif isinstance(value, dt.date):
                        day = value.date() if isinstance(value, dt.datetime) else value
                        cells.append(f'<c r="{ref}" s="{DATE}"><v>{(day - EXCEL_EPOCH).days}</v></c>')
                    elif isinstance(value, float | Decimal):
                        cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                    else:
                        cells.append(_string_cell(ref, str(value)))
                buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
                count += 1
                if len(buffer) >= 1000:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append("</sheetData></worksheet>")
            raw.write("".join(buffer).encode("utf-8"))
    return count


# --- A printable table page as a workbook ------------------------------------------------------------
# The table pages (dashboard, coverage, matrix, spending, priority list) download what the screen shows:
# the title, the scope, the year and the date in the top rows, then one or more tables (a bold header row,
# numbers as numbers). Small tables, several per sheet: openpyxl (the flat writer above is for registries).

INT_FORMAT = "#,##0"  # shown with the reader's separators: 1.234 in a Vietnamese spreadsheet
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, and the decimals of its numbers (``None``: as they come)."""

    header: str
    decimals: int | None = None
    width: float | None = None


@dataclass(frozen=True)
class Section:
    """One table of the sheet: an optional heading, the columns and the rows (the screen's values)."""

    columns: Sequence[Column | str]
    rows: Sequence[Sequence[Any]]
    heading: str = ""


def _number_format(column: Column, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if column.decimals is not None:
        return INT_FORMAT + ("." + "0" * column.decimals if column.decimals else "")
    if isinstance(value, int) or value == int(value):
        return INT_FORMAT
    return INT_FORMAT + ".00"  # as the page's floatformat:"-2": 25 → 25; 12,5 → 12,50


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL.sub("", value)
    return value


def table_workbook(
    *,
    title: str,
    scope: str,
    sections: Sequence[Section],
    year: int | None = None,
    period: str = "",
    printed_on: dt.date | None = None,
) -> bytes:
    """A one-sheet workbook: the title, the scope, the year (or period) and the date on top, then the
    tables; the first table's header row frozen and repeated on every printed page (A4, fit to width).
    Texts that look like formulas stay inert (``quotePrefix``, decision 0011); numbers stay numbers."""
    import io

    from django.utils import timezone
    from django.utils.translation import gettext as _
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .exports import inert_cell

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = ILLEGAL.sub("", re.sub(r"[\\/*?:\[\]]", " ", title))[:31] or "Sheet"
    printed_on = printed_on or timezone.localdate()
    head: list[tuple[str, Any]] = [(_("Scope"), scope)]
    if year is not None:
        head.append((_("Year"), str(year)))
    if period:
        head.append((_("Period covered"), period))
    head.append((_("Printed on"), printed_on.strftime("%d/%m/%Y")))
    sheet.append([_cell_value(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in head:
        sheet.append([f"{label}: {_cell_value(value)}"])
    widths: dict[int, float] = {}
    fill = PatternFill("solid", fgColor="E9ECEF")
    first_header = 0
    for section in sections:
        sheet.append([])
        if section.heading:
            sheet.append([_cell_value(section.heading)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        columns = [c if isinstance(c, Column) else Column(str(c)) for c in section.columns]
        sheet.append([_cell_value(c.header) for c in columns])
        header_row = sheet.max_row
        first_header = first_header or header_row
        for i, column in enumerate(columns, start=1):
            cell = sheet.cell(row=header_row, column=i)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[i] = max(widths.get(i, 0), column.width or min(len(column.header) + 2, 30))
        for values in section.rows:
            sheet.append([_cell_value(v) for v in values])
            row = sheet.max_row
            for i, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
                cell = inert_cell(sheet.cell(row=row, column=i))
                fmt = _number_format(column, value)
                if fmt:
                    cell.number_format = fmt
                elif isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                if column.width is None and isinstance(value, str):
                    widths[i] = max(widths.get(i, 0), min(len(value) + 2, MAX_WIDTH))
                if isinstance(value, str) and len(value) + 2 > (column.width or MAX_WIDTH):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")  # a long name stays whole
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = max(width, 8)
    if first_header:
        sheet.freeze_panes = f"A{first_header + 1}"
        sheet.print_title_rows = f"{first_header}:{first_header}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_xlsx(request: HttpRequest) -> bool:
    """Whether a table page was asked for its workbook (``?format=xlsx``) rather than the page."""
    return bool(request.GET.get("format") == "xlsx")


def table_download(
    request: HttpRequest,
    *,
    filename: str,
    title: str,
    scope: str,
    sections: Sequence[Section],
    year: int | None = None,
    period: str = "",
    kind: str = "",
) -> HttpResponse:
    """The workbook of a table page as a download, after its row in the export log (the same filters
    as the page: the request's query). ``kind`` (an ``ExportKind``) names what was downloaded: a summary
    table unless told."""
    from .choices import ExportKind
    from .exports import export_record

    content = table_workbook(title=title, scope=scope, sections=sections, year=year, period=period)
    export_record(
        request=request,
        kind=kind or ExportKind.SUMMARY_TABLE,
        fmt="xlsx",
        rows=sum(len(s.rows) for s in sections),
        detail=f"{title} · {scope}",
        filename=filename,
        filters={k: v for k, v in request.GET.items() if k not in ("format", "page")},
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
