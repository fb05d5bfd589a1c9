"""Reads of the organisation, always through ``accounts.scoping``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold

from .models import OrgUnit, OrgUnitKind, Staff


def org_unit_list(*, user: User, include_inactive: bool = False) -> QuerySet[OrgUnit]:
    qs = (
        OrgUnit.objects.filter(org_q(user))
        .select_related("parent", "area")
        .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("path")


def access_org_unit_by_id(*, user: User, org_unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(org_q(user), pk=org_unit_id).select_related("parent", "area").first()
    if unit is None:
        raise NotFound("org unit")
    return unit


def department_for(*, user: User) -> OrgUnit | None:
    """The department shown in the shell header: the user's own, else the first visible one."""
    staff = getattr(user, "staff_record", None) if getattr(user, "is_authenticated", False) else None
    if staff is not None:
        node: OrgUnit | None = staff.org_unit
        while node is not None and node.kind != OrgUnitKind.DEPARTMENT:
            node = node.parent
        if node is not None:
            return node
    return OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, is_active=True).order_by("path").first()


def staff_list(
    *,
    user: User,
    q: str = "",
    org_unit: OrgUnit | None = None,
    staff_type: str = "",
    include_inactive: bool = False,
) -> QuerySet[Staff]:
    qs = Staff.objects.filter(org_q(user, "org_unit__path", "org_unit__area__path")).select_related(
        "org_unit", "user"
    )
    if q:
        qs = qs.filter(Q(name_folded__contains=fold(q)) | Q(email__icontains=q) | Q(phone__contains=q))
    if org_unit is not None:
        qs = qs.filter(org_unit__path__startswith=org_unit.path)
    if staff_type:
        qs = qs.filter(staff_type=staff_type)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("org_unit__path", "full_name")


def access_staff_by_id(*, user: User, staff_id: int) -> Staff:
    staff = staff_list(user=user, include_inactive=True).filter(pk=staff_id).first()
    if staff is None:
        raise NotFound("staff")
    return staff
