"""Reads of the emulation movements, always scoped through ``accounts.scoping``.

- A movement (and its yearly plans) is seen by whoever sees its organising department or one of its
  participating units (the office, the council and the leaders: the whole department; a unit head: the
  movements their unit takes part in).
- A registration and a guidance task are org-bound rows: seen through ``org_q`` on their unit (a unit head
  sees their own unit's only; a foreign one is the same 404 as a missing one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.commendation.models import Beneficiary, Title, TitleKind
from giamngheo.core.errors import NotFound
from giamngheo.core.models import AuditRecord
from giamngheo.core.text import fold, vi_sort_key
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

from .models import (
    GuidanceTask,
    Movement,
    MovementPlan,
    Registration,
    RegistrationLine,
    RegistrationStatus,
    TaskStatus,
)
from .rates import OnTime, task_on_time

PARTICIPANT_KINDS = (OrgUnitKind.DIVISION, OrgUnitKind.AFFILIATED_UNIT)


# Units ------------------------------------------------------------------------------------------------
def _visible_units(user: User) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(org_q(user))


def organiser_for(*, user: User) -> OrgUnit | None:
    """The department that launches the user's movements: the first department in the user's org scope."""
    return _visible_units(user).filter(kind=OrgUnitKind.DEPARTMENT, is_active=True).order_by("path").first()


def units_to_pick(*, user: User) -> list[OrgUnit]:
    """The divisions and units that may take part (or be given tasks): active, in the user's scope, in the
    tree's order."""
    return list(_visible_units(user).filter(kind__in=PARTICIPANT_KINDS, is_active=True).order_by("path"))


def staff_to_pick(*, unit: OrgUnit) -> list[Staff]:
    """The working staff of a unit, by name in Vietnamese order."""
    rows = list(Staff.objects.filter(org_unit=unit, is_active=True))
    return sorted(rows, key=lambda s: vi_sort_key(s.full_name))


# Titles -----------------------------------------------------------------------------------------------
def titles_to_pick(*, beneficiary: str, kind: str, year: int) -> list[Title]:
    """The titles (or forms of commendation) of ``commendation`` for this kind of beneficiary whose version
    is in force at some time in ``year`` (the latest version of each code)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = Title.objects.filter(beneficiary=beneficiary, kind=kind, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    latest: dict[str, Title] = {}
    for title in rows.order_by("sort_order", "code", "-valid_from"):
        latest.setdefault(title.code, title)
    return list(latest.values())


def collective_titles(*, year: int) -> list[Title]:
    return titles_to_pick(beneficiary=Beneficiary.COLLECTIVE, kind=TitleKind.EMULATION_TITLE, year=year)


def individual_titles(*, year: int) -> list[Title]:
    return titles_to_pick(beneficiary=Beneficiary.INDIVIDUAL, kind=TitleKind.EMULATION_TITLE, year=year)


def individual_forms(*, year: int) -> list[Title]:
    return titles_to_pick(beneficiary=Beneficiary.INDIVIDUAL, kind=TitleKind.COMMENDATION_FORM, year=year)


# Movements and plans ----------------------------------------------------------------------------------
def movement_q(user: User, prefix: str = "") -> Q:
    """Movements the user sees: the organiser or one of the participating units is in the user's scope."""
    if user.is_system_admin:
        return Q()
    units = _visible_units(user)
    through = Movement.participants.through.objects.filter(orgunit__in=units).values("movement_id")
    return Q(**{f"{prefix}organiser__in": units}) | Q(**{f"{prefix}pk__in": through})


def movement_list(*, user: User, q: str = "") -> QuerySet[Movement]:
    qs = Movement.objects.filter(movement_q(user)).select_related("organiser")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(theme__icontains=q) | Q(launch_number__icontains=q))
    return qs.order_by("-year_from", "-pk")


def access_movement_by_id(*, user: User, movement_id: int) -> Movement:
    movement = Movement.objects.filter(movement_q(user), pk=movement_id).select_related("organiser").first()
    if movement is None:
        raise NotFound("movement")
    return movement


def movement_participants(*, movement: Movement) -> list[OrgUnit]:
    return list(movement.participants.order_by("path"))


def movement_plans(*, movement: Movement) -> list[MovementPlan]:
    return list(movement.plans.order_by("-year"))


def access_plan_by_id(*, user: User, plan_id: int) -> MovementPlan:
    plan = (
        MovementPlan.objects.filter(movement_q(user, "movement__"), pk=plan_id)
        .select_related("movement", "movement__organiser")
        .first()
    )
    if plan is None:
        raise NotFound("plan")
    return plan


def past_deadline(plan: MovementPlan, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return plan.registration_deadline is not None and today > plan.registration_deadline


# Registrations ----------------------------------------------------------------------------------------
def registration_q(user: User) -> Q:
    return org_q(user, "org_unit__path", "org_unit__area__path")


def access_registration_by_id(*, user: User, registration_id: int) -> Registration:
    row = (
        Registration.objects.filter(registration_q(user), pk=registration_id)
        .select_related("plan", "plan__movement", "org_unit", "collective_title", "created_by")
        .first()
    )
    if row is None:
        raise NotFound("registration")
    return row


def registration_lines(*, registration: Registration) -> list[RegistrationLine]:
    rows = list(registration.lines.select_related("staff", "title", "form"))
    return sorted(rows, key=lambda r: vi_sort_key(r.staff.full_name))


def access_line_by_id(*, user: User, line_id: int) -> RegistrationLine:
    line = (
        RegistrationLine.objects.filter(
            org_q(user, "registration__org_unit__path", "registration__org_unit__area__path"), pk=line_id
        )
        .select_related("registration", "registration__org_unit", "staff")
        .first()
    )
    if line is None:
        raise NotFound("registration line")
    return line


def registration_history(*, registration: Registration) -> list[AuditRecord]:
    """The audit rows of the registration (who, when, what, the reason), oldest first."""
    return list(
        AuditRecord.objects.filter(
            target_type=Registration._meta.label_lower, target_id=str(registration.pk)
        ).order_by("created_at", "pk")
    )


def units_to_register(*, user: User, plan: MovementPlan) -> list[OrgUnit]:
    """The participating units of the plan's movement, in the user's scope, that have no registration for
    the plan yet (those the user may register)."""
    taken = Registration.objects.filter(plan=plan).values("org_unit_id")
    return list(
        plan.movement.participants.filter(org_q(user, "path", None), is_active=True)
        .exclude(pk__in=taken)
        .order_by("path")
    )


# The plan's table of units -------------------------------------------------------------------------
# What the office reads per unit (a registration's status, or "not sent" when there is none).
NOT_SENT, AWAITING, RETURNED, APPROVED = "not_sent", "awaiting", "returned", "approved"
STATE_OF = {
    RegistrationStatus.DRAFT: NOT_SENT,
    RegistrationStatus.SENT: AWAITING,
    RegistrationStatus.RETURNED: RETURNED,
    RegistrationStatus.APPROVED: APPROVED,
}


@dataclass
class UnitState:
    unit: OrgUnit
    registration: Registration | None
    state: str
    lines: int = 0

    @property
    def registered(self) -> bool:
        """Sent or approved: the unit has registered."""
        return self.state in (AWAITING, APPROVED)


@dataclass
class PlanTable:
    rows: list[UnitState] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    past_deadline: bool = False
    # Participants without a sent or approved registration (before the ``state`` filter).
    not_registered: list[UnitState] = field(default_factory=list)

    @property
    def all_count(self) -> int:
        """All participating units (the sum of the states' counts), whatever the filter."""
        return sum(self.counts.values())


def plan_table(*, user: User, plan: MovementPlan, state: str = "", today: dt.date | None = None) -> PlanTable:
    """Per participating unit the user sees: its registration and state (Chưa gửi / Chờ duyệt / Bị trả lại /
    Đã duyệt), the counts of each state (summed over all rows, before the ``state`` filter) and whether
    the registration deadline has passed."""
    units = list(plan.movement.participants.filter(org_q(user, "path", "area__path")).order_by("path"))
    regs = {
        r.org_unit_id: r
        for r in Registration.objects.filter(registration_q(user), plan=plan).select_related(
            "collective_title"
        )
    }
    line_counts: dict[int, int] = {}
    for reg_id in RegistrationLine.objects.filter(registration__in=list(regs.values())).values_list(
        "registration_id", flat=True
    ):
        line_counts[reg_id] = line_counts.get(reg_id, 0) + 1
    # A unit no longer taking part but registered stays in the table.
    extra = [r.org_unit for r in regs.values() if r.org_unit_id not in {u.pk for u in units}]
    table = PlanTable(past_deadline=past_deadline(plan, today))
    for unit in [*units, *extra]:
        reg = regs.get(unit.pk)
        unit_state = STATE_OF[RegistrationStatus(reg.status)] if reg is not None else NOT_SENT
        table.rows.append(
            UnitState(
                unit=unit,
                registration=reg,
                state=unit_state,
                lines=line_counts.get(reg.pk, 0) if reg is not None else 0,
            )
        )
    table.counts = {
        s: sum(1 for r in table.rows if r.state == s) for s in (NOT_SENT, AWAITING, RETURNED, APPROVED)
    }
    table.not_registered = [r for r in table.rows if not r.registered]
    if state in table.counts:
        table.rows = [r for r in table.rows if r.state == state]
    return table


# The landing page ------------------------------------------------------------------------------------
def plans_of_year(*, user: User, year: int) -> list[MovementPlan]:
    """The plans of ``year`` of the movements the user sees."""
    return list(
        MovementPlan.objects.filter(movement_q(user, "movement__"), year=year)
        .select_related("movement")
        .order_by("movement__name", "pk")
    )


@dataclass(frozen=True)
class MyRegistration:
    plan: MovementPlan
    unit: OrgUnit
    registration: Registration | None


def my_registrations(*, user: User, year: int) -> list[MyRegistration]:
    """For a unit head (takes part, does not manage): per plan of ``year`` of a movement their units take
    part in, their unit's registration (or none yet)."""
    if not can(user, Capability.TAKE_PART_EMULATION) or can(user, Capability.MANAGE_EMULATION):
        return []
    units = list(_visible_units(user).filter(kind__in=PARTICIPANT_KINDS).order_by("path")[:20])
    if not units:
        return []
    plans = (
        MovementPlan.objects.filter(year=year, movement__participants__in=units)
        .select_related("movement")
        .distinct()
        .order_by("movement__name", "pk")
    )
    regs = {
        (r.plan_id, r.org_unit_id): r
        for r in Registration.objects.filter(plan__year=year, org_unit__in=units)
    }
    result = []
    for plan in plans:
        taking_part = set(plan.movement.participants.values_list("pk", flat=True))
        for unit in units:
            if unit.pk in taking_part:
                result.append(MyRegistration(plan=plan, unit=unit, registration=regs.get((plan.pk, unit.pk))))
    return result


# Guidance tasks ---------------------------------------------------------------------------------------
def task_q(user: User) -> Q:
    return org_q(user, "org_unit__path", "org_unit__area__path")


def access_task_by_id(*, user: User, task_id: int) -> GuidanceTask:
    task = GuidanceTask.objects.filter(task_q(user), pk=task_id).select_related("org_unit").first()
    if task is None:
        raise NotFound("guidance task")
    return task


def task_years(*, user: User) -> list[int]:
    return sorted(set(GuidanceTask.objects.filter(task_q(user)).values_list("year", flat=True)), reverse=True)


@dataclass
class TaskRow:
    task: GuidanceTask
    on_time: bool  # issued on or before the deadline
    issued_late: bool
    overdue: bool  # still open after the deadline


@dataclass
class DivisionTasks:
    unit: OrgUnit
    rate: OnTime
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        share = self.rate.share
        return None if share is None else round(100 * share, 1)


def _task_row(task: GuidanceTask, today: dt.date) -> TaskRow:
    issued = task.status == TaskStatus.ISSUED and task.issued_on is not None
    return TaskRow(
        task=task,
        on_time=issued and task.issued_on <= task.deadline,  # type: ignore[operator]
        issued_late=issued and task.issued_on > task.deadline,  # type: ignore[operator]
        overdue=task.status == TaskStatus.ASSIGNED and task.deadline < today,
    )


def tasks_by_division(
    *, user: User, year: int, q: str = "", today: dt.date | None = None
) -> list[DivisionTasks]:
    """The year's tasks the user sees, by unit (tree order), each with its on-time rate from
    ``rates.task_on_time`` (over all its tasks of the year, whatever the search)."""
    today = today or timezone.localdate()
    qs = GuidanceTask.objects.filter(task_q(user), year=year).select_related("org_unit")
    if q:
        folded = fold(q)
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(document__icontains=q)
            | Q(document_number__icontains=q)
            | Q(org_unit__name_folded__contains=folded)
        )
    tasks = list(qs.order_by("org_unit__path", "deadline", "pk"))
    units: dict[int, OrgUnit] = {}
    for t in tasks:
        units.setdefault(t.org_unit_id, t.org_unit)
    rates = task_on_time(year=year, unit_ids=units.keys(), today=today)
    groups = {pk: DivisionTasks(unit=u, rate=rates[pk]) for pk, u in units.items()}
    for t in tasks:
        groups[t.org_unit_id].tasks.append(_task_row(t, today))
    return sorted(groups.values(), key=lambda g: g.unit.path)


def task_totals(groups: Iterable[DivisionTasks]) -> OnTime:
    """The sum of the divisions' rows."""
    rows = list(groups)
    return OnTime(on_time=sum(g.rate.on_time for g in rows), counted=sum(g.rate.counted for g in rows))
