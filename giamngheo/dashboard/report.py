"""The dashboard as one PDF report (A4), its charts drawn on the server (``report_charts``).

Pure rendering: fed by the dataclasses the page is built from (``selectors.Dashboard`` and the plan's
``TargetCard``s), so the report shows the page's numbers, in the page's format (``floatformat:"-2g"``).
ReportLab's platypus lays it out (decision 0019): every chart is kept together with its title and caption
(``KeepTogether``: a page break never cuts a chart), every table repeats its header row on each page and
is only ever split between rows. The font is matplotlib's DejaVu Sans (every Vietnamese letter), read
from matplotlib's data directory: nothing to install on the server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from . import report_charts as charts
from .selectors import Dashboard

if TYPE_CHECKING:
    from giamngheo.plans.selectors import TargetCard

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
GREEN = "#1f6f43"
RANKING_CHART_MAX = 30  # bars on the ranking chart (a page); the table below lists every unit
STATUS_COLOURS = {
    "achieved": "#198754",
    "on_track": "#0d6efd",
    "at_risk": "#b58100",
    "off_track": "#dc3545",
}


@cache
def register_fonts() -> None:
    """DejaVu Sans (regular and bold) from matplotlib's own fonts, registered once per process."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def vn(value: Any, decimals: int = 2) -> str:
    """A number as on the page; "—" when unknown."""
    if value is None:
        return "—"
    return str(floatformat(value, f"-{decimals}g"))


@dataclass(frozen=True)
class ReportMeta:
    """What the report's first lines say: its title, the unit (scope), the year, the date, who made it."""

    title: str
    scope: str
    year: int | None
    printed_on: dt.date
    department: str = ""
    author: str = ""


def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=9.5, textColor=HexColor("#555555")
        ),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            textColor=HexColor(GREEN),
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=2),
    }


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    numeric: Sequence[int] = (),
) -> Any:
    """A table whose header row repeats on every page; split only between rows."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table, TableStyle

    styles = _styles()
    numbers = set(numeric)
    data = [[Paragraph(escape(h), styles["head"]) for h in headers]]
    for row in rows:
        data.append(
            [
                cell
                if not isinstance(cell, str)
                else Paragraph(escape(cell), styles["num" if i in numbers else "cell"])
                for i, cell in enumerate(row)
            ]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1, splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e9ecef")),
                ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#adb5bd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [HexColor("#ffffff"), HexColor("#f8f9fa")]),
            ]
        )
    )
    return table


def _chart_block(title: str, png: bytes, caption: Sequence[str], width: float) -> Any:
    """A chart kept on one page with its title and caption."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    styles = _styles()
    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    image = Image(io.BytesIO(png), width=width, height=width * h / w)
    parts: list[Any] = [Paragraph(escape(title), styles["h2"]), image]
    parts += [Paragraph(escape(c), styles["small"]) for c in caption if c]
    parts.append(Spacer(1, 6))
    return KeepTogether(parts)


def build_report(board: Dashboard, cards: Sequence[TargetCard] | None, meta: ReportMeta) -> bytes:
    """The PDF of a dashboard (``selectors.dashboard``) and its target cards."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    register_fonts()
    styles = _styles()
    out = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=f"{meta.title} · {meta.scope}",
        author=meta.author,
        subject=meta.scope,
        creator="giamngheo",
    )
    width = A4[0] - 2 * margin
    page_label = _("Page")

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(HexColor("#666666"))
        left = f"{meta.title} · {meta.scope}" + (f" · {meta.year}" if meta.year else "")
        canvas.drawString(margin, 8 * mm, left)
        canvas.drawRightString(A4[0] - margin, 8 * mm, f"{page_label} {document.page}")
        canvas.restoreState()

    story: list[Any] = []
    if meta.department:
        story.append(Paragraph(escape(meta.department), styles["small"]))
    story.append(Paragraph(escape(meta.title), styles["title"]))
    head = [f"{_('Scope')}: {meta.scope}"]
    if meta.year is not None:
        head.append(f"{_('Review round')}: {meta.year}")
    head.append(f"{_('Printed on')} {meta.printed_on:%d/%m/%Y}")
    story.append(Paragraph(escape(" · ".join(head)), styles["base"]))
    if board.review_round is not None and board.rates is not None:
        for note in board.rates.notes:
            story.append(Paragraph(escape(note), styles["small"]))
    story.append(Spacer(1, 6))

    if board.review_round is None:
        story.append(
            Paragraph(
                escape(
                    _(
                        "No review round yet: the dashboard draws its charts from the figures of the "
                        "annual review."
                    )
                ),
                styles["base"],
            )
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        return out.getvalue()

    # The headline figures.
    rows = [
        [
            h.label,
            vn(h.value)
            + (
                " %" if h.unit == "%" and h.value is not None else f" {h.unit}" if h.value is not None else ""
            ),
        ]
        for h in board.headlines
    ]
    story.append(
        KeepTogether(
            [
                Paragraph(escape(_("Key figures")), styles["h2"]),
                _table([_("Indicator"), _("Value")], rows, [width * 0.7, width * 0.3], numeric=[1]),
            ]
        )
    )

    # The plan's targets.
    if cards:
        story.append(Paragraph(escape(_("Targets of the plan")), styles["h2"]))
        target_rows = []
        for c in cards:
            status = Paragraph(
                f'<font color="{STATUS_COLOURS.get(str(c.status), "#6c757d")}">'
                f"<b>{escape(str(c.status_label))}</b></font>",
                styles["cell"],
            )
            actual = vn(c.actual) + (f" {c.unit}" if c.actual is not None else "")
            if c.actual is not None and c.measured_year:
                actual += f" ({c.measured_year})"
            target_rows.append(
                [
                    f"{c.target.name}\n{c.indicator_name}".replace("\n", " · "),
                    actual,
                    vn(c.target_value) + (f" {c.unit}" if c.target_value is not None else ""),
                    vn(c.achieved, 1) + (" %" if c.achieved is not None else ""),
                    status,
                ]
            )
        story.append(
            _table(
                [_("Target"), _("Actual"), _("Target value"), _("Achieved"), _("Status")],
                target_rows,
                [width * 0.38, width * 0.16, width * 0.16, width * 0.12, width * 0.18],
                numeric=[1, 2, 3],
            )
        )

    # The charts.
    if board.rates is not None:
        story.append(
            _chart_block(
                _("Poverty and near-poverty rates over the rounds"),
                charts.line_chart(board.rates),
                [_("Dashed lines: the plan's targets.")] if board.rates.targets else [],
                width,
            )
        )
    if board.movements is not None:
        story.append(
            _chart_block(
                _("Movements in and out of poverty each year"),
                charts.stacked_chart(board.movements),
                board.movements.notes,
                width,
            )
        )
    if board.coverage is not None:
        story.append(
            _chart_block(
                _("Policy coverage by area of support"),
                charts.bar_chart(board.coverage, decimals=1, limit=100),
                [],
                width,
            )
        )
    if board.af is not None:
        af = board.af
        measures = " · ".join(
            [
                f"H = {vn(af.headcount)} %",
                f"A = {vn(af.intensity)}" + (" %" if af.intensity is not None else ""),
                f"M0 = {vn(af.m0, 4)}",
            ]
        )
        story.append(
            _chart_block(
                _(
                    "Multidimensional poverty (Alkire–Foster): H, A, M0 and the contribution of each "
                    "indicator"
                ),
                charts.bar_chart(af.chart),
                [
                    measures,
                    _(
                        "From the round's counts: the poor households deprived in each indicator, weighted "
                        "by the standard's weights."
                    ),
                ],
                width,
            )
        )
    if board.ranking is not None:
        title = (
            _("Communes ranked by poverty rate")
            if board.ranking_level == "commune"
            else _("Villages ranked by poverty rate")
        )
        ranking = board.ranking
        known = [v for v in (ranking.series[0].values if ranking.series else []) if v is not None]
        if known:
            top = min(len(known), RANKING_CHART_MAX)
            shown = dataclasses.replace(
                ranking,
                categories=ranking.categories[:top],
                series=[dataclasses.replace(s, values=s.values[:top]) for s in ranking.series],
            )
            caption = (
                [
                    _("The %(count)s highest poverty rates; the whole ranking is in the table below.")
                    % {"count": top}
                ]
                if top < len(ranking.categories)
                else []
            )
            story.append(_chart_block(title, charts.bar_chart(shown), caption, width))
        story.append(Paragraph(escape(title), styles["h2"]))
        values = ranking.series[0].values if ranking.series else []
        story.append(
            _table(
                ["#", _("Unit"), ranking.series[0].name + " (%)" if ranking.series else ""],
                [
                    [str(i), name, vn(value)]
                    for i, (name, value) in enumerate(zip(ranking.categories, values, strict=False), start=1)
                ],
                [width * 0.1, width * 0.6, width * 0.3],
                numeric=[0, 2],
            )
        )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def xlsx_sections(board: Dashboard, cards: Sequence[TargetCard] | None) -> list[Any]:
    """The dashboard's tables for its workbook: the key figures, the plan's targets, the ranking."""
    from giamngheo.core.xlsx import Column, Section

    sections = [
        Section(
            heading=_("Key figures"),
            columns=[Column(_("Indicator"), width=40), Column(_("Value")), Column(_("Unit"), width=12)],
            rows=[[h.label, h.value, h.unit] for h in board.headlines],
        )
    ]
    if cards:
        sections.append(
            Section(
                heading=_("Targets of the plan"),
                columns=[
                    Column(_("Target"), width=40),
                    Column(_("Indicator"), width=30),
                    Column(_("Actual")),
                    Column(_("Target value")),
                    Column(_("Unit"), width=12),
                    Column(_("Achieved") + " (%)", decimals=1),
                    Column(_("Status"), width=16),
                ],
                rows=[
                    [
                        c.target.name,
                        c.indicator_name,
                        c.actual,
                        c.target_value,
                        c.unit,
                        c.achieved,
                        str(c.status_label),
                    ]
                    for c in cards
                ],
            )
        )
    if board.ranking is not None and board.ranking.series:
        series = board.ranking.series[0]
        sections.append(
            Section(
                heading=(
                    _("Communes ranked by poverty rate")
                    if board.ranking_level == "commune"
                    else _("Villages ranked by poverty rate")
                ),
                columns=[
                    Column("#", decimals=0, width=6),
                    Column(_("Unit"), width=30),
                    Column(series.name + " (%)"),
                ],
                rows=[
                    [i, name, value]
                    for i, (name, value) in enumerate(
                        zip(board.ranking.categories, series.values, strict=False), 1
                    )
                ],
            )
        )
    return sections
