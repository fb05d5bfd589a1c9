"""The downloads (xlsx) of the coverage, matrix and spending pages: the very rows the page shows, in the
shape of ``core.xlsx.Section`` (the view passes what it gives the template; nothing is recomputed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.xlsx import Column, Section

from .coverage import Tally
from .selectors import MatrixRow, PolicyCoverage


def _pct() -> str:
    return _("Coverage") + " (%)"


def coverage_section(rows: Sequence[PolicyCoverage], total: Tally) -> Section:
    columns = [
        Column(_("Policy"), width=50),
        Column(_("Level"), width=14),
        Column(_("Entitled households"), decimals=0),
        Column(_("Entitled"), decimals=0),
        Column(_("Received"), decimals=0),
        Column(_("Not yet"), decimals=0),
        Column(_pct(), decimals=1),
    ]
    body: list[list[Any]] = [
        [
            f"{r.policy.code} · {r.policy.name}",
            r.policy.get_level_display(),
            r.tally.eligible_households,
            r.tally.eligible_units,
            r.tally.covered_units,
            r.tally.gap_units,
            r.tally.percent,
        ]
        for r in rows
    ]
    body.append(
        [
            _("Entitled (all policies)"),
            "",
            None,
            total.eligible_units,
            total.covered_units,
            total.gap_units,
            total.percent,
        ]
    )
    return Section(columns=columns, rows=body)


def matrix_section(areas: Sequence[tuple[str, Any]], rows: Sequence[MatrixRow]) -> Section:
    columns = [
        Column(_("Commune"), width=30),
        Column(_("All areas") + " (%)", decimals=1),
        *(Column(f"{label} (%)", decimals=1) for _key, label in areas),
    ]
    body = [
        [
            row.commune.name,
            row.total.percent,
            *(row.cells[key].percent if key in row.cells else None for key, _label in areas),
        ]
        for row in rows
    ]
    return Section(columns=columns, rows=body)


def spending_sections(groups: Sequence[tuple[str, Sequence[tuple[Any, int, int]]]]) -> list[Section]:
    """One table per grouping (by project, funding source, policy area): label, records, amount (đồng)."""
    columns = [
        Column("", width=40),
        Column(_("Records"), decimals=0),
        Column(_("Amount") + " (đ)", decimals=0),
    ]
    return [
        Section(heading=heading, columns=columns, rows=[[str(label), n, amount] for label, n, amount in rows])
        for heading, rows in groups
    ]


def scope_name(user: User, *units: Any) -> str:
    """The scope printed on a table: the chosen village and commune, else the user's own units."""
    from giamngheo.accounts.selectors import scope_area_names

    chosen = [u.name for u in units if u is not None]
    if chosen:
        return ", ".join(chosen)
    names = scope_area_names(user=user)
    return ", ".join(names) if names else _("All units")
