"""The emulation results of a year, per unit, for the department's reports (``officedocs``): the units
taking part in the year's plans, their registrations, the council's scores and their ranking, and the
initiatives recognised. Read-only; every row scoped by ``accounts.scoping.org_q`` (a unit head sees their own
unit, the office and the council the whole department).

A value not known is ``None`` (no registration, a sheet the council has not scored), never 0; the rank is
given only to the units the council has scored (1 = the most points; equal points share a rank)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from giamngheo.accounts.scoping import org_q
from giamngheo.emulation.models import Movement, MovementPlan, Registration, RegistrationStatus
from giamngheo.initiatives.rates import recognised_counts
from giamngheo.org.models import OrgUnit

from .models import ScoreSheet, SheetStatus

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


@dataclass(frozen=True)
class UnitResult:
    unit_id: int
    unit_name: str
    registration_status: str  # a RegistrationStatus value, "" when the unit has not registered
    collective_title: str  # the title the unit aims for ("" when none)
    individual_titles: int  # staff lines of the registration
    self_total: Decimal | None
    council_total: Decimal | None
    rank: int | None
    initiatives: int  # recognised by a decision of the year


@dataclass(frozen=True)
class EmulationSummary:
    year: int
    plans: list[str]  # titles of the year's plans
    units: list[UnitResult]  # ranked units first (by rank), then the others by name

    @property
    def participants(self) -> int:
        return len(self.units)

    @property
    def registered(self) -> int:
        return sum(1 for u in self.units if u.registration_status)

    @property
    def approved(self) -> int:
        return sum(1 for u in self.units if u.registration_status == RegistrationStatus.APPROVED)

    @property
    def scored(self) -> int:
        return sum(1 for u in self.units if u.council_total is not None)

    @property
    def initiatives(self) -> int:
        return sum(u.initiatives for u in self.units)

    @property
    def individual_titles(self) -> int:
        return sum(u.individual_titles for u in self.units)


def _unit_q(user: User, prefix: str = "") -> Q:
    return org_q(user, f"{prefix}path", f"{prefix}area__path")


def year_plans(*, user: User, year: int) -> list[MovementPlan]:
    """The plans of ``year`` of the movements organised by a unit the user sees."""
    movements = Movement.objects.filter(_unit_q(user, "organiser__"))
    return list(MovementPlan.objects.filter(movement__in=movements, year=year).select_related("movement"))


def emulation_summary(*, user: User, year: int) -> EmulationSummary:
    plans = year_plans(user=user, year=year)
    plan_ids = [p.pk for p in plans]
    participants = set(
        Movement.participants.through.objects.filter(
            movement_id__in={p.movement_id for p in plans}
        ).values_list("orgunit_id", flat=True)
    )
    registrations = {
        r.org_unit_id: r
        for r in Registration.objects.filter(_unit_q(user, "org_unit__"), plan_id__in=plan_ids)
        .select_related("collective_title")
        .annotate(n_lines=Count("lines"))
        .order_by("plan_id")
    }
    line_counts = {pk: int(getattr(r, "n_lines", 0)) for pk, r in registrations.items()}
    sheets: dict[int, ScoreSheet] = {}
    for found in ScoreSheet.objects.filter(
        _unit_q(user, "org_unit__"), criteria_set__plan_id__in=plan_ids
    ).order_by("pk"):
        sheets.setdefault(found.org_unit_id, found)
    wanted = participants | set(registrations) | set(sheets)
    units = list(OrgUnit.objects.filter(_unit_q(user), pk__in=wanted))
    initiatives = recognised_counts(year=year, unit_ids=[u.pk for u in units])
    totals = {
        pk: s.council_total
        for pk, s in sheets.items()
        if s.status == SheetStatus.SCORED and s.council_total is not None
    }
    ordered = sorted(set(totals.values()), reverse=True)
    rank_of = {}
    for value in ordered:
        rank_of[value] = 1 + sum(1 for t in totals.values() if t > value)
    rows = []
    for unit in units:
        reg = registrations.get(unit.pk)
        sheet = sheets.get(unit.pk)
        council = totals.get(unit.pk)
        rows.append(
            UnitResult(
                unit_id=unit.pk,
                unit_name=unit.name,
                registration_status=reg.status if reg is not None else "",
                collective_title=reg.collective_title.name
                if reg is not None and reg.collective_title
                else "",
                individual_titles=line_counts.get(unit.pk, 0),
                self_total=sheet.self_total if sheet is not None else None,
                council_total=council,
                rank=rank_of[council] if council is not None else None,
                initiatives=initiatives.get(unit.pk, 0),
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
    return EmulationSummary(year=year, plans=[p.title for p in plans], units=rows)
