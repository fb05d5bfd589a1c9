"""Writes of the emulation movements: movements and their yearly plans (the office, ``MANAGE_EMULATION``),
registrations of the units (``TAKE_PART_EMULATION`` for the units of one's own org scope: draft → sent;
the office approves or returns with a reason; a returned registration is edited and sent again) and the
guidance tasks of the divisions (assigned and cancelled by the office, marked issued by the division).
Keyword-only, atomic, audited (every status change with who, when and the reason); on bad input nothing is
written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.commendation.models import Beneficiary, Title, TitleKind
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

from .models import (
    GuidanceTask,
    Movement,
    MovementKind,
    MovementPlan,
    Registration,
    RegistrationLine,
    RegistrationStatus,
    TaskStatus,
)
from .selectors import PARTICIPANT_KINDS, movement_q

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
EDITABLE = (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)


# Permissions ------------------------------------------------------------------------------------------
def _require_manager(user: User | None, movement: Movement | None = None) -> None:
    if user is None:  # the demo seed, commands
        return
    if not can(user, Capability.MANAGE_EMULATION):
        raise PermissionDenied(_("You may not manage the emulation movements."))
    if movement is not None and not Movement.objects.filter(movement_q(user), pk=movement.pk).exists():
        raise PermissionDenied(_("You may not manage the emulation movements."))


def _in_scope(user: User, unit: OrgUnit) -> bool:
    return user.is_system_admin or OrgUnit.objects.filter(org_q(user, "path", None), pk=unit.pk).exists()


def _require_participant(user: User | None, unit: OrgUnit) -> None:
    """A unit head (or the office) acting for a unit of their own org scope."""
    if user is None:
        return
    if not can(user, Capability.TAKE_PART_EMULATION):
        raise PermissionDenied(_("You may not register for emulation."))
    if not _in_scope(user, unit):
        raise PermissionDenied(_("You may act only for your own unit."))


def _require_task_unit(user: User | None, unit: OrgUnit) -> None:
    if user is None:
        return
    if not (can(user, Capability.TAKE_PART_EMULATION) or can(user, Capability.MANAGE_EMULATION)):
        raise PermissionDenied(_("You may not record guidance tasks."))
    if not _in_scope(user, unit):
        raise PermissionDenied(_("You may act only for your own unit."))


# Movements --------------------------------------------------------------------------------------------
MOVEMENT_FIELDS = (
    "name",
    "theme",
    "kind",
    "year_from",
    "year_to",
    "launch_number",
    "launch_date",
    "launch_issuer",
    "goals",
    "content",
    "criteria_text",
    "all_staff",
)


def _check_year(value: int | None, name: str) -> None:
    if value is None or not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": name},
        )


def _check_movement(movement: Movement) -> None:
    if not movement.name.strip():
        raise ValidationFailed(_("Enter the name of the movement."), extra={"field": "name"})
    if movement.kind not in MovementKind.values:
        raise ValidationFailed(_("Choose the kind of emulation."), extra={"field": "kind"})
    _check_year(movement.year_from, "year_from")
    _check_year(movement.year_to, "year_to")
    if movement.year_to < movement.year_from:
        raise ValidationFailed(
            _("The last year cannot be before the first year."), extra={"field": "year_to"}
        )
    if movement.launch_date is not None and movement.launch_date.year > movement.year_to:
        raise ValidationFailed(
            _("The movement is launched before or during its years."), extra={"field": "launch_date"}
        )


def _check_participants(units: Sequence[OrgUnit], organiser: OrgUnit) -> None:
    if not units:
        raise ValidationFailed(_("Choose the units taking part."), extra={"field": "participants"})
    for unit in units:
        if unit.kind not in PARTICIPANT_KINDS or not unit.path.startswith(organiser.path):
            raise ValidationFailed(
                _("Only the department's divisions and units can take part."),
                extra={"field": "participants"},
            )


def _movement_snapshot(movement: Movement) -> dict[str, Any]:
    return snapshot(movement) | {"participants": sorted(movement.participants.values_list("pk", flat=True))}


@transaction.atomic
def movement_create(
    *,
    organiser: OrgUnit,
    data: Mapping[str, Any],
    participants: Sequence[OrgUnit],
    acting_user: User | None,
) -> Movement:
    check_fields(data, MOVEMENT_FIELDS)
    _require_manager(acting_user)
    if organiser.kind != OrgUnitKind.DEPARTMENT:
        raise ValidationFailed(_("A movement is launched by the department."), extra={"field": None})
    if acting_user is not None and not _in_scope(acting_user, organiser):
        raise PermissionDenied(_("You may not manage the emulation movements."))
    movement = Movement(organiser=organiser)
    assign(movement, data)
    _check_movement(movement)
    _check_participants(participants, organiser)
    movement.save()
    movement.participants.set(participants)
    audit_record(
        actor=acting_user,
        action="emulation.movement.create",
        target=movement,
        after=_movement_snapshot(movement),
    )
    return movement


@transaction.atomic
def movement_update(
    *,
    movement: Movement,
    data: Mapping[str, Any],
    participants: Sequence[OrgUnit],
    version: Version,
    acting_user: User | None,
) -> Movement:
    check_fields(data, MOVEMENT_FIELDS)
    locked = Movement.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=movement.pk)
    _require_manager(acting_user, locked)
    version_check(locked, version)
    before = _movement_snapshot(locked)
    assign(locked, data)
    _check_movement(locked)
    _check_participants(participants, locked.organiser)
    outside = locked.plans.exclude(year__range=(locked.year_from, locked.year_to))
    if outside.exists():
        raise ValidationFailed(
            _("The movement has a yearly plan outside these years."), extra={"field": "year_from"}
        )
    registered = set(Registration.objects.filter(plan__movement=locked).values_list("org_unit_id", flat=True))
    if registered - {u.pk for u in participants}:
        raise ValidationFailed(
            _("A unit that has registered cannot be removed from the movement."),
            extra={"field": "participants"},
        )
    locked.version += 1
    locked.save()
    locked.participants.set(participants)
    audit_record(
        actor=acting_user,
        action="emulation.movement.update",
        target=locked,
        before=before,
        after=_movement_snapshot(locked),
    )
    return locked


# Yearly plans -----------------------------------------------------------------------------------------
PLAN_FIELDS = (
    "year",
    "title",
    "document_number",
    "document_date",
    "content",
    "registration_deadline",
    "interim_review_on",
    "final_review_on",
)


def _check_plan(plan: MovementPlan, movement: Movement) -> None:
    if not plan.title.strip():
        raise ValidationFailed(_("Enter the title of the plan."), extra={"field": "title"})
    if plan.year is None or not movement.year_from <= plan.year <= movement.year_to:
        raise ValidationFailed(
            _("The year must be within the movement, from %(start)s to %(end)s.")
            % {"start": movement.year_from, "end": movement.year_to},
            extra={"field": "year"},
        )
    duplicate = MovementPlan.objects.filter(movement=movement, year=plan.year).exclude(pk=plan.pk)
    if duplicate.exists():
        raise ValidationFailed(
            _("The movement already has a plan for %(year)s.") % {"year": plan.year}, extra={"field": "year"}
        )
    if (
        plan.interim_review_on is not None
        and plan.final_review_on is not None
        and plan.final_review_on < plan.interim_review_on
    ):
        raise ValidationFailed(
            _("The final review cannot be before the interim review."), extra={"field": "final_review_on"}
        )
    if (
        plan.registration_deadline is not None
        and plan.interim_review_on is not None
        and plan.interim_review_on < plan.registration_deadline
    ):
        raise ValidationFailed(
            _("The interim review cannot be before the registration deadline."),
            extra={"field": "interim_review_on"},
        )


@transaction.atomic
def plan_create(*, movement: Movement, data: Mapping[str, Any], acting_user: User | None) -> MovementPlan:
    check_fields(data, PLAN_FIELDS)
    locked = Movement.objects.select_for_update().get(pk=movement.pk)
    _require_manager(acting_user, locked)
    plan = MovementPlan(movement=locked)
    assign(plan, data)
    _check_plan(plan, locked)
    plan.save()
    audit_record(actor=acting_user, action="emulation.plan.create", target=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_update(
    *, plan: MovementPlan, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> MovementPlan:
    check_fields(data, PLAN_FIELDS)
    locked = MovementPlan.objects.select_for_update(of=("self",)).select_related("movement").get(pk=plan.pk)
    _require_manager(acting_user, locked.movement)
    version_check(locked, version)
    before = snapshot(locked)
    if "year" in data and data["year"] != locked.year and locked.registrations.exists():
        raise ValidationFailed(
            _("Units have registered for this plan: its year cannot change."), extra={"field": "year"}
        )
    assign(locked, data)
    _check_plan(locked, locked.movement)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="emulation.plan.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


# Registrations ----------------------------------------------------------------------------------------
def _check_collective_title(title: Title | None, year: int) -> None:
    if title is None:
        return
    if title.beneficiary != Beneficiary.COLLECTIVE or title.kind != TitleKind.EMULATION_TITLE:
        raise ValidationFailed(
            _("Choose an emulation title of a collective."), extra={"field": "collective_title"}
        )
    _check_title_year(title, year, "collective_title")


def _check_title_year(title: Title, year: int, name: str) -> None:
    if title.valid_from > dt.date(year, 12, 31) or (
        title.valid_to is not None and title.valid_to < dt.date(year, 1, 1)
    ):
        raise ValidationFailed(
            _("This version of “%(title)s” is not in force in %(year)s.")
            % {"title": title.name, "year": year},
            extra={"field": name},
        )


def _reg_snapshot(reg: Registration) -> dict[str, Any]:
    lines = [
        {"staff": line.staff_id, "title": line.title_id, "form": line.form_id, "topic": line.initiative_topic}
        for line in reg.lines.order_by("pk")
    ]
    return snapshot(reg) | {"lines": lines}


def _lock_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__movement", "org_unit")
        .get(pk=registration.pk)
    )


def _require_editable(reg: Registration) -> None:
    if reg.status not in EDITABLE:
        raise ValidationFailed(
            _("The registration has been sent: it can be changed only if the office returns it."),
            extra={"field": None},
        )


@transaction.atomic
def registration_create(
    *,
    plan: MovementPlan,
    org_unit: OrgUnit,
    commitments: str,
    collective_title: Title | None = None,
    acting_user: User | None,
) -> Registration:
    locked_plan = (
        MovementPlan.objects.select_for_update(of=("self",)).select_related("movement").get(pk=plan.pk)
    )
    _require_participant(acting_user, org_unit)
    if not locked_plan.movement.participants.filter(pk=org_unit.pk).exists():
        raise ValidationFailed(
            _("The unit does not take part in this movement."), extra={"field": "org_unit"}
        )
    if Registration.objects.filter(plan=locked_plan, org_unit=org_unit).exists():
        raise ValidationFailed(
            _("The unit has already registered for this plan."), extra={"field": "org_unit"}
        )
    if not commitments.strip():
        raise ValidationFailed(_("Write the unit's commitments."), extra={"field": "commitments"})
    _check_collective_title(collective_title, locked_plan.year)
    reg = Registration.objects.create(
        plan=locked_plan,
        org_unit=org_unit,
        commitments=commitments.strip(),
        collective_title=collective_title,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(
        actor=acting_user, action="emulation.registration.create", target=reg, after=_reg_snapshot(reg)
    )
    return reg


@transaction.atomic
def registration_update(
    *,
    registration: Registration,
    commitments: str,
    collective_title: Title | None,
    version: Version,
    acting_user: User | None,
) -> Registration:
    locked = _lock_registration(registration)
    _require_participant(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_editable(locked)
    if not commitments.strip():
        raise ValidationFailed(_("Write the unit's commitments."), extra={"field": "commitments"})
    _check_collective_title(collective_title, locked.plan.year)
    before = _reg_snapshot(locked)
    locked.commitments = commitments.strip()
    locked.collective_title = collective_title
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="emulation.registration.update",
        target=locked,
        before=before,
        after=_reg_snapshot(locked),
    )
    return locked


@transaction.atomic
def line_add(
    *,
    registration: Registration,
    staff: Staff | None,
    title: Title | None,
    form: Title | None = None,
    initiative_topic: str = "",
    acting_user: User | None,
) -> RegistrationLine:
    locked = _lock_registration(registration)
    _require_participant(acting_user, locked.org_unit)
    _require_editable(locked)
    year = locked.plan.year
    if staff is None:
        raise ValidationFailed(_("Choose the staff member."), extra={"field": "staff"})
    if staff.org_unit_id != locked.org_unit_id or not staff.is_active:
        raise ValidationFailed(_("The staff member does not work in this unit."), extra={"field": "staff"})
    if locked.lines.filter(staff=staff).exists():
        raise ValidationFailed(
            _("%(name)s is already on the registration.") % {"name": staff.full_name},
            extra={"field": "staff"},
        )
    if title is None:
        raise ValidationFailed(_("Choose the title aimed for."), extra={"field": "title"})
    if title.beneficiary != Beneficiary.INDIVIDUAL or title.kind != TitleKind.EMULATION_TITLE:
        raise ValidationFailed(_("Choose an emulation title of an individual."), extra={"field": "title"})
    _check_title_year(title, year, "title")
    if form is not None:
        if form.beneficiary != Beneficiary.INDIVIDUAL or form.kind != TitleKind.COMMENDATION_FORM:
            raise ValidationFailed(
                _("Choose a form of commendation of an individual."), extra={"field": "form"}
            )
        _check_title_year(form, year, "form")
    before = _reg_snapshot(locked)
    line = RegistrationLine.objects.create(
        registration=locked, staff=staff, title=title, form=form, initiative_topic=initiative_topic.strip()
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="emulation.registration.line_add",
        target=locked,
        before=before,
        after=_reg_snapshot(locked),
    )
    return line


@transaction.atomic
def line_delete(*, line: RegistrationLine, acting_user: User | None) -> None:
    locked = _lock_registration(line.registration)
    _require_participant(acting_user, locked.org_unit)
    _require_editable(locked)
    before = _reg_snapshot(locked)
    RegistrationLine.objects.filter(pk=line.pk, registration=locked).delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="emulation.registration.line_delete",
        target=locked,
        before=before,
        after=_reg_snapshot(locked),
    )


def _status_change(
    reg: Registration, status: str, action: str, acting_user: User | None, reason: str = ""
) -> Registration:
    before = snapshot(reg)
    reg.status = status
    reg.version += 1
    reg.save()
    audit_record(
        actor=acting_user,
        action=action,
        target=reg,
        before=before,
        after=snapshot(reg),
        note=reason,
    )
    return reg


@transaction.atomic
def registration_send(
    *, registration: Registration, version: Version, acting_user: User | None
) -> Registration:
    """Draft or returned → sent (the unit head, for their own unit)."""
    locked = _lock_registration(registration)
    _require_participant(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_editable(locked)
    if not locked.commitments.strip():
        raise ValidationFailed(_("Write the unit's commitments."), extra={"field": "commitments"})
    locked.sent_at = timezone.now()
    return _status_change(locked, RegistrationStatus.SENT, "emulation.registration.send", acting_user)


@transaction.atomic
def registration_approve(
    *, registration: Registration, version: Version, acting_user: User | None
) -> Registration:
    """Sent → approved (the office)."""
    locked = _lock_registration(registration)
    _require_manager(acting_user, locked.plan.movement)
    version_check(locked, version)
    if locked.status != RegistrationStatus.SENT:
        raise ValidationFailed(_("Only a sent registration can be approved."), extra={"field": None})
    locked.decided_at = timezone.now()
    locked.reason = ""
    return _status_change(locked, RegistrationStatus.APPROVED, "emulation.registration.approve", acting_user)


@transaction.atomic
def registration_return(
    *, registration: Registration, reason: str, version: Version, acting_user: User | None
) -> Registration:
    """Sent → returned, with the reason the unit reads (the office)."""
    locked = _lock_registration(registration)
    _require_manager(acting_user, locked.plan.movement)
    version_check(locked, version)
    if locked.status != RegistrationStatus.SENT:
        raise ValidationFailed(_("Only a sent registration can be returned."), extra={"field": None})
    if not reason.strip():
        raise ValidationFailed(_("Say why the registration is returned."), extra={"field": "reason"})
    locked.decided_at = timezone.now()
    locked.reason = reason.strip()
    return _status_change(
        locked, RegistrationStatus.RETURNED, "emulation.registration.return", acting_user, reason.strip()
    )


# Guidance tasks ---------------------------------------------------------------------------------------
TASK_FIELDS = ("year", "title", "document", "source", "deadline", "note")


def _check_task(task: GuidanceTask) -> None:
    _check_year(task.year, "year")
    if not task.title.strip():
        raise ValidationFailed(_("Enter the task."), extra={"field": "title"})
    if not task.document.strip():
        raise ValidationFailed(_("Enter the document to issue."), extra={"field": "document"})
    if task.deadline is None:
        raise ValidationFailed(_("Enter the deadline."), extra={"field": "deadline"})
    if abs(task.deadline.year - task.year) > 1:
        raise ValidationFailed(
            _("The deadline must be in or near the task's year."), extra={"field": "deadline"}
        )


@transaction.atomic
def task_create(*, org_unit: OrgUnit, data: Mapping[str, Any], acting_user: User | None) -> GuidanceTask:
    check_fields(data, TASK_FIELDS)
    _require_manager(acting_user)
    if acting_user is not None and not _in_scope(acting_user, org_unit):
        raise PermissionDenied(_("You may not manage the emulation movements."))
    if org_unit.kind not in PARTICIPANT_KINDS:
        raise ValidationFailed(_("Tasks are assigned to divisions and units."), extra={"field": "org_unit"})
    task = GuidanceTask(org_unit=org_unit)
    assign(task, data)
    _check_task(task)
    task.save()
    audit_record(actor=acting_user, action="emulation.task.create", target=task, after=snapshot(task))
    return task


@transaction.atomic
def task_update(
    *, task: GuidanceTask, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> GuidanceTask:
    check_fields(data, TASK_FIELDS)
    locked = GuidanceTask.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=task.pk)
    _require_manager(acting_user)
    if acting_user is not None and not _in_scope(acting_user, locked.org_unit):
        raise PermissionDenied(_("You may not manage the emulation movements."))
    version_check(locked, version)
    if locked.status != TaskStatus.ASSIGNED:
        raise ValidationFailed(_("Only an open task can be edited."), extra={"field": None})
    before = snapshot(locked)
    assign(locked, data)
    _check_task(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="emulation.task.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def task_issue(
    *,
    task: GuidanceTask,
    issued_on: dt.date | None,
    document_number: str,
    version: Version,
    acting_user: User | None,
) -> GuidanceTask:
    """Assigned → issued: the division's head records the document issued (date, number)."""
    locked = GuidanceTask.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=task.pk)
    _require_task_unit(acting_user, locked.org_unit)
    version_check(locked, version)
    if locked.status != TaskStatus.ASSIGNED:
        raise ValidationFailed(_("Only an open task can be marked issued."), extra={"field": None})
    if issued_on is None:
        raise ValidationFailed(_("Enter the date the document was issued."), extra={"field": "issued_on"})
    if issued_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), extra={"field": "issued_on"})
    if not document_number.strip():
        raise ValidationFailed(
            _("Enter the number of the document issued."), extra={"field": "document_number"}
        )
    before = snapshot(locked)
    locked.status = TaskStatus.ISSUED
    locked.issued_on = issued_on
    locked.document_number = document_number.strip()
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user, action="emulation.task.issue", target=locked, before=before, after=snapshot(locked)
    )
    return locked


@transaction.atomic
def task_cancel(
    *, task: GuidanceTask, reason: str, version: Version, acting_user: User | None
) -> GuidanceTask:
    """Assigned → cancelled, with the reason (the office): a cancelled task never counts."""
    locked = GuidanceTask.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=task.pk)
    _require_manager(acting_user)
    if acting_user is not None and not _in_scope(acting_user, locked.org_unit):
        raise PermissionDenied(_("You may not manage the emulation movements."))
    version_check(locked, version)
    if locked.status != TaskStatus.ASSIGNED:
        raise ValidationFailed(_("Only an open task can be cancelled."), extra={"field": None})
    if not reason.strip():
        raise ValidationFailed(_("Say why the task is cancelled."), extra={"field": "reason"})
    before = snapshot(locked)
    locked.status = TaskStatus.CANCELLED
    locked.cancel_reason = reason.strip()
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="emulation.task.cancel",
        target=locked,
        before=before,
        after=snapshot(locked),
        note=reason.strip(),
    )
    return locked
