"""The downloads (xlsx) of the relief pages: the page's rows, all of them, with the page's columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from giamngheo.core.xlsx import Column, Section
from giamngheo.households.reference import Category

from .models import AffectedHousehold, Incident
from .selectors import FollowUpRow, TotalRow, Totals

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def scope_name(user: User) -> str:
    from giamngheo.accounts.selectors import scope_area_names

    names = scope_area_names(user=user)
    return ", ".join(names) if names else _("All units")


def _date(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""  # type: ignore[attr-defined]


def category_label(value: str) -> str:
    return str(Category(value).label) if value in Category.values else _("Not classified")


def incident_section(incidents: Sequence[Incident]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Name"), width=36),
        Column(_("Type of incident"), width=18),
        Column(_("Start date"), width=12),
        Column(_("End date"), width=12),
        Column(_("Affected households"), decimals=0),
    ]
    rows = [
        [
            n,
            i.name,
            i.get_kind_display(),
            _date(i.start_date),
            _date(i.end_date),
            getattr(i, "affected_count", None),
        ]
        for n, i in enumerate(incidents, start=1)
    ]
    return Section(columns=columns, rows=rows)


def affected_section(rows: Sequence[AffectedHousehold]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Household code"), width=14),
        Column(_("Head of household"), width=26),
        Column(_("Commune"), width=22),
        Column(_("Category at the time"), width=22),
        Column(_("People dead"), decimals=0),
        Column(_("People injured"), decimals=0),
        Column(_("House"), width=16),
        Column(_("Crops lost (m²)"), decimals=0),
        Column(_("Livestock lost (head)"), decimals=0),
        Column(_("Estimated loss (đồng)"), decimals=0),
        Column(_("Support received (đồng)"), decimals=0),
    ]
    body = [
        [
            n,
            a.household.code,
            a.household.head_name,
            a.commune.name,
            category_label(a.category),
            a.dead,
            a.injured,
            a.get_house_display() if a.house else _("Unknown"),
            a.crops_m2,
            a.livestock,
            a.estimated_loss,
            getattr(a, "support_amount", None),
        ]
        for n, a in enumerate(rows, start=1)
    ]
    return Section(columns=columns, rows=body)


def _total_section(
    heading: str, first: str, rows: Sequence[TotalRow], total: TotalRow, affected: bool
) -> Section:
    columns = [
        Column(first, width=30),
        *([Column(_("Affected households"), decimals=0)] if affected else []),
        Column(_("Households supported"), decimals=0),
        Column(_("Times support was given"), decimals=0),
        Column(_("Amount (đồng)"), decimals=0),
        Column(_("Goods"), width=24),
    ]
    body = [
        [r.label, *([r.affected] if affected else []), r.supported, r.supports, r.amount, r.quantity_text]
        for r in [*rows, total]
    ]
    body[-1][0] = _("Total")
    return Section(columns=columns, rows=body, heading=heading)


def totals_sections(totals: Totals) -> list[Section]:
    return [
        _total_section(_("By commune"), _("Commune"), totals.by_commune, totals.total, True),
        _total_section(_("By kind of support"), _("Kind of support"), totals.by_kind, totals.total, False),
        _total_section(_("By source"), _("Source"), totals.by_source, totals.total, False),
    ]


def follow_up_section(rows: Sequence[FollowUpRow]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Incident"), width=26),
        Column(_("Household code"), width=14),
        Column(_("Head of household"), width=26),
        Column(_("Commune"), width=22),
        Column(_("Category at the time"), width=22),
        Column(_("House"), width=16),
        Column(_("Estimated loss (đồng)"), decimals=0),
        Column(_("Support received (đồng)"), decimals=0),
        Column(_("In-year review"), width=24),
    ]
    body = [
        [
            n,
            r.affected.incident.name,
            r.affected.household.code,
            r.affected.household.head_name,
            r.affected.commune.name,
            category_label(r.affected.category),
            r.affected.get_house_display() if r.affected.house else _("Unknown"),
            r.affected.estimated_loss,
            r.support_amount,
            f"{r.request.get_status_display()} ({_date(r.request.filed_on)})" if r.request else "",
        ]
        for n, r in enumerate(rows, start=1)
    ]
    return Section(columns=columns, rows=body)
