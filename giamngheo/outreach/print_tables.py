"""The downloads (xlsx) of the activity list and of the summary: the page's values, every row."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from giamngheo.core.xlsx import Column, Section

from .models import Activity
from .selectors import ActivitySummary, SummaryRow


def activity_section(rows: Iterable[Activity]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Date"), width=12),
        Column(_("Type"), width=22),
        Column(_("Topic"), width=40),
        Column(_("Place"), width=24),
        Column(_("Organiser"), width=28),
        Column(_("People reached"), decimals=0),
        Column(_("Funding"), width=30),
        Column(_("Cost (đồng)"), decimals=0, width=16),
    ]
    body = [
        [
            number,
            a.date,
            a.get_kind_display(),
            a.topic,
            a.area.name,
            a.organiser_name,
            a.audience,
            a.get_funding_display(),
            a.cost,
        ]
        for number, a in enumerate(rows, start=1)
    ]
    return Section(columns=columns, rows=body)


def _row(label: str, r: SummaryRow, quarters: bool) -> list[object]:
    return [label, *(r.quarters if quarters else []), r.count, r.audience, r.audience_unknown, r.cost]


def summary_sections(summary: ActivitySummary) -> list[Section]:
    tail = [
        Column(_("Activities"), decimals=0),
        Column(_("People reached"), decimals=0),
        Column(_("Activities with unknown audience"), decimals=0, width=18),
        Column(_("Cost (đồng)"), decimals=0, width=16),
    ]
    quarter_cols = [Column(_("Quarter %(q)s") % {"q": q}, decimals=0) for q in (1, 2, 3, 4)]
    by_kind = [_row(r.label, r, True) for r in summary.by_kind]
    by_kind.append(_row(_("Total"), summary.total, True))
    by_quarter = [_row(_("Quarter %(q)s") % {"q": r.label}, r, False) for r in summary.by_quarter]
    by_quarter.append(_row(_("Total"), summary.total, False))
    return [
        Section(
            columns=[Column(_("Type"), width=26), *quarter_cols, *tail], rows=by_kind, heading=_("By type")
        ),
        Section(columns=[Column(_("Quarter"), width=14), *tail], rows=by_quarter, heading=_("By quarter")),
    ]
