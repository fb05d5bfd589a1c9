"""The downloads (xlsx) of the vocation pages: the page's rows, all of them, with the page's columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from giamngheo.core.xlsx import Column, Section

from .models import Course, JobSession, Trainee
from .selectors import RateTable

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Unknown")
    return _("Yes") if value else _("No")


def course_section(courses: Sequence[Course]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Trade"), width=30),
        Column(_("Level"), width=16),
        Column(_("Organiser"), width=30),
        Column(_("Held in"), width=24),
        Column(_("Start date"), width=12),
        Column(_("End date"), width=12),
        Column(_("Cost (đồng)"), decimals=0),
        Column(_("Funding"), width=30),
    ]
    rows = [
        [
            n,
            c.trade,
            c.get_level_display(),
            c.organiser,
            c.area.name,
            c.starts_on,
            c.ends_on,
            c.cost if c.cost is not None else "",
            c.get_funding_display(),
        ]
        for n, c in enumerate(courses, start=1)
    ]
    return Section(columns=columns, rows=rows)


def trainee_section(trainees: Sequence[Trainee]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Full name"), width=26),
        Column(_("Year of birth"), width=10),
        Column(_("Commune"), width=22),
        Column(_("Background"), width=24),
        Column(_("Course"), width=28),
        Column(_("Completed"), width=10),
        Column(_("Certificate"), width=10),
        Column(_("Employed within 6 months"), width=12),
        Column(_("Employed on"), width=12),
        Column(_("Employer or place of work"), width=28),
        Column(_("Self-employed"), width=10),
        Column(_("Labour export: country"), width=16),
        Column(_("Contract start"), width=12),
        Column(_("Contract end"), width=12),
    ]
    rows = [
        [
            n,
            t.full_name,
            str(t.birth_year) if t.birth_year else "",
            t.commune.name,
            t.get_background_display(),
            f"{t.course.trade} ({t.course.ends_on:%d/%m/%Y})",
            _yes_no(t.completed),
            _yes_no(t.certificate),
            _yes_no(t.employed_6m),
            t.employed_on or "",
            t.employer,
            _yes_no(t.self_employed),
            t.export_country,
            t.export_from or "",
            t.export_to or "",
        ]
        for n, t in enumerate(trainees, start=1)
    ]
    return Section(columns=columns, rows=rows)


def rate_section(table: RateTable, *, heading: str) -> Section:
    columns = [
        Column(heading, width=40),
        Column(_("Trainees"), decimals=0),
        Column(_("Completed"), decimals=0),
        Column(_("Employed within 6 months"), decimals=0),
        Column(_("Placement rate") + " (%)", decimals=1),
    ]
    rows: list[list[object]] = [
        [r.label, r.trainees, r.completed, r.employed, r.rate if r.rate is not None else ""]
        for r in table.rows
    ]
    total = table.total
    rows.append(
        [
            _("Total"),
            total.trainees,
            total.completed,
            total.employed,
            total.rate if total.rate is not None else "",
        ]
    )
    return Section(columns=columns, rows=rows)


def session_section(sessions: Sequence[JobSession]) -> Section:
    columns = [
        Column("#", decimals=0, width=6),
        Column(_("Kind"), width=22),
        Column(_("Date"), width=12),
        Column(_("Place"), width=30),
        Column(_("Held in"), width=22),
        Column(_("Organiser"), width=28),
        Column(_("People attending"), decimals=0),
        Column(_("Employers taking part"), decimals=0),
    ]
    rows = [
        [
            n,
            s.get_kind_display(),
            s.held_on,
            s.place,
            s.area.name,
            s.organiser,
            s.attendees if s.attendees is not None else "",
            s.employers if s.employers is not None else "",
        ]
        for n, s in enumerate(sessions, start=1)
    ]
    return Section(columns=columns, rows=rows)


def scope_name(user: User) -> str:
    """The scope printed on the list: the user's own units."""
    from giamngheo.accounts.selectors import scope_area_names

    names = scope_area_names(user=user)
    return ", ".join(names) if names else _("All units")
