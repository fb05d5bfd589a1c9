"""Writes of the scoring: criteria sets and their criteria (the office, ``MANAGE_EMULATION``), the unit's
self-assessment (``TAKE_PART_EMULATION``, its own unit), the council's score (``JUDGE_EMULATION``).
Keyword-only, atomic, audited (every change of status with who, when and the reason); on bad input nothing is
written.

Workflow: a set is prepared (draft), opened (one sheet per unit, its computed criteria filled from the other
modules) and closed (nothing changes after). A sheet is filled by the unit (draft or returned), sent
(self_submitted: the council's values start as the unit's), then scored by the council or returned to the
unit with a reason. Points are always those of ``scoring.points``; a quantity scaled to the best reads the
best value among the set's units, so every write recomputes the points of the whole set."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.emulation.models import MovementPlan
from giamngheo.org.models import OrgUnit

from . import points as P
from . import sources
from .models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    Scale,
    ScoreEntry,
    ScoreSheet,
    SetStatus,
    SheetStatus,
)
from .selectors import rule_of, set_q, sheet_q

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MAX_POINTS = Decimal(1000)
MAX_VALUE = Decimal(10) ** 13


# Permissions --------------------------------------------------------------------------------------------
def _require_manager(user: User | None, criteria_set: CriteriaSet | None = None) -> None:
    if user is None:  # the demo seed, commands
        return
    if not can(user, Capability.MANAGE_EMULATION):
        raise PermissionDenied(_("You may not manage the emulation scoring."))
    if criteria_set is not None and not CriteriaSet.objects.filter(set_q(user), pk=criteria_set.pk).exists():
        raise PermissionDenied(_("You may not manage the emulation scoring."))


def _require_unit(user: User | None, sheet: ScoreSheet) -> None:
    if user is None or user.is_system_admin:
        return
    if not can(user, Capability.TAKE_PART_EMULATION):
        raise PermissionDenied(_("You may not assess a unit."))
    if not OrgUnit.objects.filter(org_q(user, "path", None), pk=sheet.org_unit_id).exists():
        raise PermissionDenied(_("You may assess only your own unit."))


def _require_judge(user: User | None, sheet: ScoreSheet) -> None:
    if user is None:
        return
    if not can(user, Capability.JUDGE_EMULATION):
        raise PermissionDenied(_("Only the emulation council scores the units."))
    if not ScoreSheet.objects.filter(sheet_q(user), pk=sheet.pk).exists():
        raise PermissionDenied(_("Only the emulation council scores the units."))


def _require_open(criteria_set: CriteriaSet) -> None:
    if criteria_set.status == SetStatus.CLOSED:
        raise ValidationFailed(_("The criteria set is closed: nothing can change."), extra={"field": None})
    if criteria_set.status != SetStatus.OPEN:
        raise ValidationFailed(_("The criteria set is not open yet."), extra={"field": None})


def _require_draft(criteria_set: CriteriaSet) -> None:
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationFailed(
            _("The criteria can change only while the set is being prepared."), extra={"field": None}
        )


# Criteria sets ------------------------------------------------------------------------------------------
SET_FIELDS = ("name", "cluster", "self_deadline")


def _set_snapshot(criteria_set: CriteriaSet) -> dict[str, Any]:
    return snapshot(criteria_set) | {"units": sorted(criteria_set.units.values_list("pk", flat=True))}


def _check_set(criteria_set: CriteriaSet) -> None:
    if not criteria_set.name.strip():
        raise ValidationFailed(_("Enter the name of the criteria set."), extra={"field": "name"})


def _check_units(user: User | None, units: Sequence[OrgUnit]) -> None:
    if not units:
        raise ValidationFailed(_("Choose the units to be scored."), extra={"field": "units"})
    if user is not None and not user.is_system_admin:
        seen = set(OrgUnit.objects.filter(org_q(user)).values_list("pk", flat=True))
        if any(u.pk not in seen for u in units):
            raise PermissionDenied(_("You may not manage the emulation scoring."))


def _check_plan(user: User | None, plan: MovementPlan | None) -> MovementPlan:
    if plan is None:
        raise ValidationFailed(_("Choose the movement's yearly plan."), extra={"field": "plan"})
    if user is not None and not user.is_system_admin:
        visible = MovementPlan.objects.filter(
            org_q(user, "movement__organiser__path", "movement__organiser__area__path"), pk=plan.pk
        )
        if not visible.exists():
            raise PermissionDenied(_("You may not manage the emulation scoring."))
    return plan


@transaction.atomic
def criteria_set_create(
    *,
    plan: MovementPlan | None,
    name: str,
    units: Sequence[OrgUnit],
    cluster: str = "",
    self_deadline: dt.date | None = None,
    acting_user: User | None,
) -> CriteriaSet:
    _require_manager(acting_user)
    plan = _check_plan(acting_user, plan)
    row = CriteriaSet(plan=plan, name=name.strip(), cluster=cluster.strip(), self_deadline=self_deadline)
    _check_set(row)
    _check_units(acting_user, units)
    row.save()
    row.units.set(units)
    audit_record(actor=acting_user, action="scoring.set.create", target=row, after=_set_snapshot(row))
    return row


@transaction.atomic
def criteria_set_update(
    *,
    criteria_set: CriteriaSet,
    data: Mapping[str, Any],
    units: Sequence[OrgUnit] | None,
    version: Version,
    acting_user: User | None,
) -> CriteriaSet:
    """Edit the name, cluster and deadline (until closed) and the units (while being prepared)."""
    check_fields(data, SET_FIELDS)
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_manager(acting_user, locked)
    version_check(locked, version)
    if locked.status == SetStatus.CLOSED:
        raise ValidationFailed(_("The criteria set is closed: nothing can change."), extra={"field": None})
    before = _set_snapshot(locked)
    assign(locked, data)
    _check_set(locked)
    if units is not None and locked.status == SetStatus.DRAFT:
        _check_units(acting_user, units)
    locked.version += 1
    locked.save()
    if units is not None and locked.status == SetStatus.DRAFT:
        locked.units.set(units)
    audit_record(
        actor=acting_user,
        action="scoring.set.update",
        target=locked,
        before=before,
        after=_set_snapshot(locked),
    )
    return locked


def _copy_name(name: str, old_year: int, new_year: int) -> str:
    return re.sub(rf"\b{old_year}\b", str(new_year), name) if old_year != new_year else name


@transaction.atomic
def criteria_set_copy(
    *, source: CriteriaSet, plan: MovementPlan | None, acting_user: User | None
) -> CriteriaSet:
    """A new set (being prepared) for ``plan`` with the criteria of ``source`` (a previous year's) and its
    units that are still active; the year in its name follows the plan."""
    _require_manager(acting_user, source)
    plan = _check_plan(acting_user, plan)
    units = list(source.units.filter(is_active=True).order_by("path"))
    row = CriteriaSet(
        plan=plan,
        name=_copy_name(source.name, source.plan.year, plan.year),
        cluster=source.cluster,
        self_deadline=None,
    )
    row.save()
    row.units.set(units)
    Criterion.objects.bulk_create(
        [
            Criterion(
                criteria_set=row,
                code=c.code,
                group=c.group,
                name=c.name,
                kind=c.kind,
                max_points=c.max_points,
                points_each=c.points_each,
                target=c.target,
                scale=c.scale,
                source=c.source,
                sort_order=c.sort_order,
            )
            for c in source.criteria.order_by("sort_order", "pk")
        ]
    )
    audit_record(
        actor=acting_user,
        action="scoring.set.copy",
        target=row,
        after=_set_snapshot(row) | {"copied_from": source.pk, "criteria": row.criteria.count()},
    )
    return row


@transaction.atomic
def criteria_set_open(
    *, criteria_set: CriteriaSet, version: Version, acting_user: User | None
) -> CriteriaSet:
    """Draft → open: one sheet per unit, an entry per criterion, the computed criteria filled."""
    locked = CriteriaSet.objects.select_for_update().select_related("plan").get(pk=criteria_set.pk)
    _require_manager(acting_user, locked)
    version_check(locked, version)
    _require_draft(locked)
    criteria = list(locked.criteria.all())
    units = list(locked.units.order_by("path"))
    if not criteria:
        raise ValidationFailed(_("Add the criteria before opening the set."), extra={"field": None})
    if not units:
        raise ValidationFailed(_("Choose the units to be scored."), extra={"field": "units"})
    before = snapshot(locked)
    ScoreSheet.objects.bulk_create([ScoreSheet(criteria_set=locked, org_unit=u) for u in units])
    sheets = list(ScoreSheet.objects.filter(criteria_set=locked))
    ScoreEntry.objects.bulk_create([ScoreEntry(sheet=s, criterion=c) for s in sheets for c in criteria])
    locked.status = SetStatus.OPEN
    locked.version += 1
    locked.save()
    _fill_computed(locked, sheets)
    recompute(locked)
    audit_record(
        actor=acting_user,
        action="scoring.set.open",
        target=locked,
        before=before,
        after=snapshot(locked) | {"sheets": len(sheets)},
    )
    return locked


@transaction.atomic
def criteria_set_refresh(*, criteria_set: CriteriaSet, acting_user: User | None) -> int:
    """Read the computed criteria again for the sheets the units are still filling; returns how many."""
    locked = CriteriaSet.objects.select_for_update().select_related("plan").get(pk=criteria_set.pk)
    _require_manager(acting_user, locked)
    _require_open(locked)
    sheets = list(
        ScoreSheet.objects.filter(criteria_set=locked, status__in=[SheetStatus.DRAFT, SheetStatus.RETURNED])
    )
    _fill_computed(locked, sheets)
    recompute(locked)
    audit_record(
        actor=acting_user, action="scoring.set.refresh", target=locked, after={"sheets": len(sheets)}
    )
    return len(sheets)


@transaction.atomic
def criteria_set_close(
    *, criteria_set: CriteriaSet, version: Version, acting_user: User | None
) -> CriteriaSet:
    """Open → closed: the scores are final."""
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_manager(acting_user, locked)
    version_check(locked, version)
    _require_open(locked)
    recompute(locked)
    before = snapshot(locked)
    locked.status = SetStatus.CLOSED
    locked.version += 1
    locked.save()
    unscored = ScoreSheet.objects.filter(criteria_set=locked).exclude(status=SheetStatus.SCORED).count()
    audit_record(
        actor=acting_user,
        action="scoring.set.close",
        target=locked,
        before=before,
        after=snapshot(locked) | {"not_scored": unscored},
    )
    return locked


# Criteria -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionInput:
    code: str
    name: str
    kind: str
    group: str = ""
    max_points: Decimal | None = None
    points_each: Decimal | None = None
    target: Decimal | None = None
    scale: str = ""
    source: str = ""
    sort_order: int | None = None


def _check_criterion(data: CriterionInput) -> None:
    if not data.code.strip():
        raise ValidationFailed(_("Enter the number of the criterion."), extra={"field": "code"})
    if not data.name.strip():
        raise ValidationFailed(_("Enter the criterion."), extra={"field": "name"})
    if data.kind not in CriterionKind.values:
        raise ValidationFailed(_("Choose the kind of criterion."), extra={"field": "kind"})
    if data.source and data.source not in sources.SOURCES:
        raise ValidationFailed(_("Choose where the value comes from."), extra={"field": "source"})
    for name, value in (("max_points", data.max_points), ("points_each", data.points_each)):
        if value is not None and abs(value) > MAX_POINTS:
            raise ValidationFailed(_("Too many points."), extra={"field": name})
    if data.max_points is not None and data.max_points <= 0:
        raise ValidationFailed(_("The maximum must be above 0."), extra={"field": "max_points"})
    if data.kind in (CriterionKind.QUANTITY, CriterionKind.PASS_FAIL) and data.max_points is None:
        raise ValidationFailed(_("Enter the maximum points."), extra={"field": "max_points"})
    if data.kind == CriterionKind.QUANTITY:
        if data.scale not in Scale.values:
            raise ValidationFailed(_("Choose how the value is scaled."), extra={"field": "scale"})
        if data.scale == Scale.TARGET and (data.target is None or data.target <= 0):
            raise ValidationFailed(_("Enter the target (above 0)."), extra={"field": "target"})
    if data.target is not None and abs(data.target) > MAX_VALUE:
        raise ValidationFailed(_("The target is too large."), extra={"field": "target"})
    if data.kind == CriterionKind.COUNT and (data.points_each is None or data.points_each <= 0):
        raise ValidationFailed(_("Enter the points of each one (above 0)."), extra={"field": "points_each"})
    if data.kind == CriterionKind.BONUS_PENALTY and (data.points_each is None or data.points_each == 0):
        raise ValidationFailed(
            _("Enter the points of each one (negative for a penalty)."), extra={"field": "points_each"}
        )


def _criterion_values(data: CriterionInput) -> dict[str, Any]:
    """Only the fields the kind uses are kept (a pass/fail criterion has no target…)."""
    kind = data.kind
    return {
        "code": data.code.strip(),
        "name": data.name.strip(),
        "group": data.group.strip(),
        "kind": kind,
        "max_points": data.max_points,
        "points_each": data.points_each
        if kind in (CriterionKind.COUNT, CriterionKind.BONUS_PENALTY)
        else None,
        "target": data.target if kind == CriterionKind.QUANTITY and data.scale == Scale.TARGET else None,
        "scale": data.scale if kind == CriterionKind.QUANTITY else "",
        "source": data.source,
    }


def _code_taken(criteria_set: CriteriaSet, code: str, exclude: int | None = None) -> None:
    rows = Criterion.objects.filter(criteria_set=criteria_set, code=code.strip())
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationFailed(
            _("Criterion number %(code)s is already used in this set.") % {"code": code.strip()},
            extra={"field": "code"},
        )


@transaction.atomic
def criterion_create(
    *, criteria_set: CriteriaSet, data: CriterionInput, acting_user: User | None
) -> Criterion:
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_manager(acting_user, locked)
    _require_draft(locked)
    _check_criterion(data)
    _code_taken(locked, data.code)
    order = data.sort_order
    if order is None:
        last = locked.criteria.order_by("-sort_order").values_list("sort_order", flat=True).first()
        order = (last or 0) + 10
    row = Criterion(criteria_set=locked, sort_order=order, **_criterion_values(data))
    row.save()
    audit_record(actor=acting_user, action="scoring.criterion.create", target=row, after=snapshot(row))
    return row


@transaction.atomic
def criterion_update(*, criterion: Criterion, data: CriterionInput, acting_user: User | None) -> Criterion:
    locked = Criterion.objects.select_for_update().select_related("criteria_set").get(pk=criterion.pk)
    _require_manager(acting_user, locked.criteria_set)
    _require_draft(locked.criteria_set)
    _check_criterion(data)
    _code_taken(locked.criteria_set, data.code, exclude=locked.pk)
    before = snapshot(locked)
    for name, value in _criterion_values(data).items():
        setattr(locked, name, value)
    if data.sort_order is not None:
        locked.sort_order = data.sort_order
    locked.save()
    audit_record(
        actor=acting_user,
        action="scoring.criterion.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def criterion_delete(*, criterion: Criterion, acting_user: User | None) -> None:
    locked = Criterion.objects.select_for_update().select_related("criteria_set").get(pk=criterion.pk)
    _require_manager(acting_user, locked.criteria_set)
    _require_draft(locked.criteria_set)
    audit_record(actor=acting_user, action="scoring.criterion.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Computing ----------------------------------------------------------------------------------------------
def _fill_computed(criteria_set: CriteriaSet, sheets: Sequence[ScoreSheet]) -> None:
    """The computed criteria of ``sheets``: the value and where it comes from; the unit's value follows."""
    if not sheets:
        return
    computed = list(criteria_set.criteria.exclude(source=""))
    unit_ids = [s.org_unit_id for s in sheets]
    sheet_ids = [s.pk for s in sheets]
    for criterion in computed:
        values = sources.compute(criterion.source, unit_ids, criteria_set.plan.year)
        entries = list(
            ScoreEntry.objects.filter(sheet_id__in=sheet_ids, criterion=criterion).select_related("sheet")
        )
        for entry in entries:
            got = values.get(entry.sheet.org_unit_id, sources.SourceValue(None, ""))
            entry.computed_value = got.value
            entry.self_value = got.value
            entry.provenance = got.provenance
        ScoreEntry.objects.bulk_update(entries, ["computed_value", "self_value", "provenance"])


def recompute(criteria_set: CriteriaSet) -> None:
    """The points of every entry of the set and the sheets' totals (a total only when every entry is
    known), from ``scoring.points``. Called after every write of values."""
    entries = list(ScoreEntry.objects.filter(sheet__criteria_set=criteria_set).select_related("criterion"))
    best_self: dict[int, Decimal | None] = {}
    best_council: dict[int, Decimal | None] = {}
    by_criterion: dict[int, list[ScoreEntry]] = {}
    for e in entries:
        by_criterion.setdefault(e.criterion_id, []).append(e)
    for pk, rows in by_criterion.items():
        best_self[pk] = P.best_value(e.self_value for e in rows)
        best_council[pk] = P.best_value(e.council_value for e in rows)
    by_sheet: dict[int, list[ScoreEntry]] = {}
    for e in entries:
        rule = rule_of(e.criterion)
        e.self_points = P.points(rule, e.self_value, best=best_self[e.criterion_id])
        e.council_points = P.points(rule, e.council_value, best=best_council[e.criterion_id])
        by_sheet.setdefault(e.sheet_id, []).append(e)
    ScoreEntry.objects.bulk_update(entries, ["self_points", "council_points"])
    sheets = list(ScoreSheet.objects.filter(criteria_set=criteria_set))
    for sheet in sheets:
        rows = by_sheet.get(sheet.pk, [])
        sheet.self_total = P.total(e.self_points for e in rows).final
        judged = sheet.status in (SheetStatus.SELF_SUBMITTED, SheetStatus.SCORED)
        sheet.council_total = P.total(e.council_points for e in rows).final if judged else None
    ScoreSheet.objects.bulk_update(sheets, ["self_total", "council_total"])


def _entries(sheet: ScoreSheet) -> list[ScoreEntry]:
    return list(ScoreEntry.objects.filter(sheet=sheet).select_related("criterion"))


def _values_snapshot(entries: Sequence[ScoreEntry], side: str) -> dict[str, Any]:
    return {
        e.criterion.code: {
            "value": getattr(e, f"{side}_value"),
            "points": getattr(e, f"{side}_points"),
        }
        for e in entries
    }


def _check_value(value: Decimal | None, code: str) -> None:
    if value is not None and (value.is_nan() or abs(value) > MAX_VALUE):
        raise ValidationFailed(
            _("The value of criterion %(code)s is not a number we can keep.") % {"code": code},
            extra={"field": f"value_{code}"},
        )


def _lock_sheet(sheet: ScoreSheet) -> ScoreSheet:
    locked = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("criteria_set", "criteria_set__plan", "org_unit")
        .get(pk=sheet.pk)
    )
    return locked


# The unit's self-assessment -----------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryInput:
    value: Decimal | None = None
    evidence: str = ""


@transaction.atomic
def sheet_self_save(
    *,
    sheet: ScoreSheet,
    entries: Mapping[int, EntryInput],
    version: Version,
    acting_user: User | None,
) -> ScoreSheet:
    """The unit's values of the entered criteria and its evidence (criterion id → input); the computed
    criteria are read again and cannot be overwritten."""
    locked = _lock_sheet(sheet)
    _require_unit(acting_user, locked)
    version_check(locked, version)
    _require_open(locked.criteria_set)
    if locked.status not in (SheetStatus.DRAFT, SheetStatus.RETURNED):
        raise ValidationFailed(
            _("The self-assessment was sent: the unit can no longer change it."), extra={"field": None}
        )
    rows = _entries(locked)
    before = _values_snapshot(rows, "self")
    for e in rows:
        data = entries.get(e.criterion_id)
        if data is None:
            continue
        if not e.criterion.source:
            _check_value(data.value, e.criterion.code)
            e.self_value = data.value
        e.evidence = data.evidence.strip()
    ScoreEntry.objects.bulk_update(rows, ["self_value", "evidence"])
    _fill_computed(locked.criteria_set, [locked])
    locked.version += 1
    locked.save()
    recompute(locked.criteria_set)
    audit_record(
        actor=acting_user,
        action="scoring.sheet.self_save",
        target=locked,
        before=before,
        after=_values_snapshot(_entries(locked), "self"),
    )
    return locked


@transaction.atomic
def sheet_submit(*, sheet: ScoreSheet, version: Version, acting_user: User | None) -> ScoreSheet:
    """The unit sends its self-assessment: every entered criterion needs a value; the council's values
    start as the unit's."""
    locked = _lock_sheet(sheet)
    _require_unit(acting_user, locked)
    version_check(locked, version)
    _require_open(locked.criteria_set)
    if locked.status not in (SheetStatus.DRAFT, SheetStatus.RETURNED):
        raise ValidationFailed(_("The self-assessment was already sent."), extra={"field": None})
    _fill_computed(locked.criteria_set, [locked])
    rows = _entries(locked)
    missing = [e.criterion.code for e in rows if not e.criterion.source and e.self_value is None]
    if missing:
        raise ValidationFailed(
            _("Enter the value of criteria %(codes)s before sending.") % {"codes": ", ".join(missing)},
            extra={"field": None},
        )
    for e in rows:
        e.council_value = e.self_value
    ScoreEntry.objects.bulk_update(rows, ["council_value"])
    before = snapshot(locked)
    locked.status = SheetStatus.SELF_SUBMITTED
    locked.submitted_at = timezone.now()
    locked.reason = ""
    locked.version += 1
    locked.save()
    recompute(locked.criteria_set)
    locked.refresh_from_db()
    audit_record(
        actor=acting_user,
        action="scoring.sheet.submit",
        target=locked,
        before=before,
        after=snapshot(locked) | {"entries": _values_snapshot(_entries(locked), "self")},
    )
    return locked


# The council's score ------------------------------------------------------------------------------------
@transaction.atomic
def sheet_council_save(
    *,
    sheet: ScoreSheet,
    values: Mapping[int, Decimal | None],
    note: str,
    version: Version,
    acting_user: User | None,
) -> ScoreSheet:
    """The council's value of each criterion (criterion id → value; the points follow) and its remarks."""
    locked = _lock_sheet(sheet)
    _require_judge(acting_user, locked)
    version_check(locked, version)
    _require_open(locked.criteria_set)
    if locked.status != SheetStatus.SELF_SUBMITTED:
        raise ValidationFailed(
            _("The council scores a sheet once the unit has sent it, until it is scored."),
            extra={"field": None},
        )
    rows = _entries(locked)
    before = _values_snapshot(rows, "council") | {"note": locked.note}
    for e in rows:
        if e.criterion_id in values:
            _check_value(values[e.criterion_id], e.criterion.code)
            e.council_value = values[e.criterion_id]
    ScoreEntry.objects.bulk_update(rows, ["council_value"])
    locked.note = note.strip()
    locked.version += 1
    locked.save()
    recompute(locked.criteria_set)
    audit_record(
        actor=acting_user,
        action="scoring.sheet.council_save",
        target=locked,
        before=before,
        after=_values_snapshot(_entries(locked), "council") | {"note": locked.note},
    )
    return locked


@transaction.atomic
def sheet_score(*, sheet: ScoreSheet, version: Version, acting_user: User | None) -> ScoreSheet:
    """Self_submitted → scored: every criterion needs the council's points."""
    locked = _lock_sheet(sheet)
    _require_judge(acting_user, locked)
    version_check(locked, version)
    _require_open(locked.criteria_set)
    if locked.status != SheetStatus.SELF_SUBMITTED:
        raise ValidationFailed(
            _("Only a self-assessment sent by the unit can be scored."), extra={"field": None}
        )
    recompute(locked.criteria_set)
    missing = [e.criterion.code for e in _entries(locked) if e.council_points is None]
    if missing:
        raise ValidationFailed(
            _("Criteria %(codes)s have no value yet: enter the council's value first.")
            % {"codes": ", ".join(missing)},
            extra={"field": None},
        )
    locked.refresh_from_db()
    before = snapshot(locked)
    locked.status = SheetStatus.SCORED
    locked.scored_at = timezone.now()
    locked.scored_by = acting_user if acting_user is not None and acting_user.pk else None
    locked.version += 1
    locked.save()
    recompute(locked.criteria_set)
    locked.refresh_from_db()
    audit_record(
        actor=acting_user,
        action="scoring.sheet.score",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def sheet_return(*, sheet: ScoreSheet, reason: str, version: Version, acting_user: User | None) -> ScoreSheet:
    """Self_submitted → returned to the unit, with the reason (the unit corrects and sends again)."""
    locked = _lock_sheet(sheet)
    _require_judge(acting_user, locked)
    version_check(locked, version)
    _require_open(locked.criteria_set)
    if locked.status != SheetStatus.SELF_SUBMITTED:
        raise ValidationFailed(
            _("Only a self-assessment sent by the unit can be returned."), extra={"field": None}
        )
    if not reason.strip():
        raise ValidationFailed(_("Say why the self-assessment is returned."), extra={"field": "reason"})
    before = snapshot(locked)
    locked.status = SheetStatus.RETURNED
    locked.reason = reason.strip()
    locked.version += 1
    locked.save()
    ScoreEntry.objects.filter(sheet=locked).update(council_value=None, council_points=None)
    recompute(locked.criteria_set)
    locked.refresh_from_db()
    audit_record(
        actor=acting_user,
        action="scoring.sheet.return",
        target=locked,
        before=before,
        after=snapshot(locked),
        note=locked.reason,
    )
    return locked
