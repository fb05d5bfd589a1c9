"""Writes to the organisation. Atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.text import fold

from .models import OrgUnit, OrgUnitKind, Staff


def _unique_code(name: str, parent: OrgUnit | None) -> str:
    base = slugify(fold(name))[:30] or "unit"
    if parent is not None:
        base = f"{parent.code[:8]}-{base}"[:36]
    code, n = base, 2
    while OrgUnit.objects.filter(code=code).exists():
        code, n = f"{base[:34]}-{n}", n + 1
    return code


def _check_parent(*, kind: str, parent: OrgUnit | None, unit: OrgUnit | None = None) -> None:
    if kind == OrgUnitKind.DEPARTMENT and parent is not None and parent.kind == OrgUnitKind.DEPARTMENT:
        raise ValidationFailed(
            _("A department cannot sit under another department."), extra={"field": "parent"}
        )
    if kind != OrgUnitKind.DEPARTMENT and parent is None:
        raise ValidationFailed(_("Choose the unit this one belongs to."), extra={"field": "parent"})
    if unit is not None and parent is not None and parent.path.startswith(unit.path):
        raise ValidationFailed(_("A unit cannot be placed under itself."), extra={"field": "parent"})


@transaction.atomic
def org_unit_create(
    *,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    area: Any,
    short_name: str = "",
    legal_source: str = "",
    valid_from: dt.date | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    acting_user: User | None,
) -> OrgUnit:
    _check_parent(kind=kind, parent=parent)
    unit = OrgUnit.objects.create(
        name=name.strip(),
        short_name=short_name.strip(),
        code=_unique_code(short_name or name, parent),
        kind=kind,
        parent=parent,
        area=parent.area if parent is not None else area,
        legal_source=legal_source,
        valid_from=valid_from,
        address=address,
        phone=phone,
        email=email,
    )
    audit_record(actor=acting_user, action="org.unit.create", target=unit, after=snapshot(unit))
    return unit


def _rebuild_paths(unit: OrgUnit) -> None:
    for child in unit.children.all():
        child.save()
        _rebuild_paths(child)


@transaction.atomic
def org_unit_update(*, unit: OrgUnit, acting_user: User | None, **fields: Any) -> OrgUnit:
    """Rename, move or close a unit. Renames keep the history in the audit trail."""
    allowed = {
        "name",
        "short_name",
        "kind",
        "parent",
        "legal_source",
        "valid_from",
        "valid_to",
        "is_active",
        "address",
        "phone",
        "email",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_parent(kind=fields.get("kind", unit.kind), parent=fields.get("parent", unit.parent), unit=unit)
    before = snapshot(unit)
    old_path = unit.path
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.save()
    if unit.path != old_path:
        _rebuild_paths(unit)
    audit_record(
        actor=acting_user, action="org.unit.update", target=unit, before=before, after=snapshot(unit)
    )
    return unit


@transaction.atomic
def staff_create(*, acting_user: User | None, **fields: Any) -> Staff:
    if not str(fields.get("full_name", "")).strip():
        raise ValidationFailed(_("Enter the full name."), extra={"field": "full_name"})
    staff = Staff.objects.create(**fields)
    audit_record(actor=acting_user, action="org.staff.create", target=staff, after=snapshot(staff))
    return staff


@transaction.atomic
def staff_update(*, staff: Staff, acting_user: User | None, **fields: Any) -> Staff:
    before = snapshot(staff)
    for key, value in fields.items():
        setattr(staff, key, value)
    staff.save()
    audit_record(
        actor=acting_user, action="org.staff.update", target=staff, before=before, after=snapshot(staff)
    )
    return staff
