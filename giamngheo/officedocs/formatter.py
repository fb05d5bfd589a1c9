"""The DOCX of a department's document, from a ``DocumentData`` (generator.py), in the layout of Decree
30/2020 through ``core.docformat`` only: the two-column header (parent body and issuing body with its
short line, the number | the national motto, the slogan with its line, place and date), the type name and
the subject centred in bold with a short line, the body (headings in bold, paragraphs justified and
indented), the tables and charts after the sections that cite them, then "Nơi nhận:" beside the signature.

Numbers are written the Vietnamese way (1.234; 3,14); an unknown value is "—", never 0."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils import translation
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from giamngheo.core.docformat import (
    TEXT_WIDTH,
    body,
    cell_text,
    fix_widths,
    header,
    new_document,
    para,
    repeat_header,
    rule,
    save,
    signature,
    spacer,
    table,
    vn_number,
)
from giamngheo.dashboard.report_charts import line_chart
from giamngheo.dashboard.selectors import CategoryChart, Series

from .generator import Cell, Chart, DocumentData, Table

UNKNOWN = "—"
HEADING = re.compile(r"^([IVX]+\.|Phần [IVX]+)\s")


def cell(value: Cell) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return vn_number(value)
    if isinstance(value, Decimal):
        text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return text[:-3] if text.endswith(",00") else text
    return str(value)


def chart_png(chart: Chart) -> bytes:
    """The chart drawn as the dashboard's report draws it (matplotlib), numbers the Vietnamese way."""
    data = CategoryChart(
        categories=chart.categories,
        series=[
            Series(name=name, values=[None if v is None else float(v) for v in values], links=[])
            for name, values in chart.series
        ],
        unit=chart.unit,
    )
    with translation.override("vi"):
        return line_chart(data)


def _heading(document: DocumentType, text: str) -> None:
    para(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_before=6, indent=True)


def _table(document: DocumentType, data: Table, number: int) -> None:
    para(document, f"Bảng {number}. {data.title}", size=13, bold=True, space_before=6)
    if data.unit:
        para(document, data.unit, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    widths = [Cm(w) for w in data.widths]
    if not data.rows:
        body(document, data.empty, italic=True)
        return
    spacer(document)
    count = 1 + len(data.rows) + (1 if data.total else 0)
    grid = table(document, count, widths)
    repeat_header(grid, 1)
    for c, text in enumerate(data.columns):
        cell_text(grid.cell(0, c), text, size=12, bold=True)
    for r, values in enumerate(data.rows, start=1):
        for c, value in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if c in data.text_columns else WD_ALIGN_PARAGRAPH.CENTER
            if (
                isinstance(value, int | Decimal)
                and not isinstance(value, bool)
                and c not in data.text_columns
            ):
                align = WD_ALIGN_PARAGRAPH.RIGHT
            cell_text(grid.cell(r, c), cell(value), size=12, align=align)
    if data.total:
        last = count - 1
        for c, value in enumerate(data.total):
            if value is not None and value != "":
                align = WD_ALIGN_PARAGRAPH.LEFT if c in data.text_columns else WD_ALIGN_PARAGRAPH.RIGHT
                cell_text(grid.cell(last, c), cell(value), size=12, bold=True, align=align)
    fix_widths(grid, widths)


def _chart(document: DocumentType, chart: Chart, number: int) -> None:
    picture = para(document, space_before=6)
    picture.add_run().add_picture(io.BytesIO(chart_png(chart)), width=Cm(15.5))
    para(document, f"Biểu đồ {number}. {chart.title}", size=12, italic=True)


def render(data: DocumentData) -> bytes:
    document = new_document(page_numbers=True)
    header(
        document,
        parent=data.parent_body.upper(),
        issuer=data.issuer.upper(),
        number=data.number,
        place=data.place,
        day=data.issued_on,
    )
    para(document, data.type_name, bold=True, space_before=18)
    para(document, data.title, bold=True)
    rule(document, TEXT_WIDTH, Cm(5))
    tables = charts = 0
    printed: set[str] = set()
    for section in data.sections:
        if section.heading:
            _heading(document, section.heading.upper() if HEADING.match(section.heading) else section.heading)
        for text in section.paragraphs:
            body(document, text)
        for key in section.tables:
            if key in printed:
                continue
            printed.add(key)
            for item in data.tables.get(key, []):
                tables += 1
                _table(document, item, tables)
            for chart in data.charts.get(key, []):
                charts += 1
                _chart(document, chart, charts)
    recipients = [("Nơi nhận:", 12.0, True, True)] + [
        (
            f"- {line.lstrip('- ').rstrip(';.')}{'.' if i == len(data.recipients) - 1 else ';'}",
            11.0,
            False,
            False,
        )
        for i, line in enumerate(data.recipients)
    ]
    closing = para(document)
    closing.paragraph_format.space_before = Pt(12)
    signature(document, left=recipients, right=data.signer_lines, right_note="", right_name=data.signer_name)
    return save(document)


def filename(data: DocumentData) -> str:
    stem = {"interim": "bao-cao-so-ket", "final": "bao-cao-tong-ket", "plan": "ke-hoach"}.get(
        data.kind, "van-ban"
    )
    return f"{stem}-{data.year}.docx"
