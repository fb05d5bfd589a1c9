"""The download (xlsx) of the priority list: the page's rows (``selectors.ranking``), all of them (the page
shows them a page at a time), with the page's columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from giamngheo.core.xlsx import Column, Section

from .selectors import RankRow

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def priority_section(rows: Sequence[RankRow], *, level: str) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Unit"), width=30),
        *([Column(_("Commune"), width=26)] if level == "village" else []),
        Column(_("Poverty rate") + " (%)", decimals=2),
        Column(_("Poor households"), decimals=0),
        Column(_("Ethnic-minority share") + " (%)", decimals=1),
        Column(_("Especially difficult"), width=16),
        Column(_("Priority"), width=12),
        Column(_("Reason"), width=40),
    ]
    body = [
        [
            number,
            r.area.name,
            *([r.area.parent.name if r.area.parent else ""] if level == "village" else []),
            r.poverty_rate,
            r.poor,
            r.em_share,
            _("Especially difficult") if r.difficult else "",
            _("Priority") if r.priority else "",
            r.priority.reason if r.priority else "",
        ]
        for number, r in enumerate(rows, start=1)
    ]
    return Section(columns=columns, rows=body)


def scope_name(user: User) -> str:
    """The scope printed on the list: the user's own units."""
    from giamngheo.accounts.selectors import scope_area_names

    names = scope_area_names(user=user)
    return ", ".join(names) if names else _("All units")
