"""The downloads (xlsx) of the training pages: the rows the page shows, all of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from giamngheo.core.xlsx import Column, Section

from .selectors import Shares

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Officer


def shares_section(shares: Shares) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Commune"), width=30),
        Column(_("Active officers"), decimals=0),
        Column(_("Trained this year"), decimals=0),
        Column(_("Not yet trained"), decimals=0),
        Column(_("Share trained") + " (%)", decimals=1),
    ]
    body: list[Sequence[object]] = [
        [n, r.commune.name, r.active, r.trained, r.untrained, r.share]
        for n, r in enumerate(shares.rows, start=1)
    ]
    body.append(["", _("Total"), shares.active, shares.trained, shares.untrained, shares.share])
    return Section(columns=columns, rows=body)


def officers_section(officers: Iterable[Officer]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Full name"), width=28),
        Column(_("Sex"), width=8),
        Column(_("Year of birth"), decimals=0),
        Column(_("Phone"), width=14),
        Column(_("Position"), width=34),
        Column(_("Commune"), width=26),
        Column(_("Village"), width=20),
        Column(_("In post since"), width=12),
        Column(_("Left on"), width=12),
    ]
    body = [
        [
            n,
            o.full_name,
            o.get_sex_display() if o.sex else "",
            o.birth_year,
            o.phone,
            o.position_detail or o.get_position_display(),
            o.commune.name,
            o.village.name if o.village else "",
            o.since,
            o.left_on,
        ]
        for n, o in enumerate(officers, start=1)
    ]
    return Section(columns=columns, rows=body)


def scope_name(user: User) -> str:
    from giamngheo.accounts.selectors import scope_area_names

    names = scope_area_names(user=user)
    return ", ".join(names) if names else _("All units")
