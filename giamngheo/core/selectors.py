from __future__ import annotations

import datetime as dt

from axes.models import AccessFailureLog
from django.db.models import Q, QuerySet

from .errors import NotFound
from .models import AuditRecord, ExportRecord
from .types import UserLike


def audit_list(
    *,
    user: UserLike,
    q: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditRecord]:
    """The audit trail: administrators only (it holds old values of personal data)."""
    if not getattr(user, "is_system_admin", False) or not user.is_active:
        return AuditRecord.objects.none()
    qs = AuditRecord.objects.all()
    if q:
        qs = qs.filter(Q(target_repr__icontains=q) | Q(actor_name__icontains=q) | Q(target_id=q))
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def access_audit_record_by_id(*, user: UserLike, record_id: int) -> AuditRecord:
    record = audit_list(user=user).filter(pk=record_id).first()
    if record is None:
        raise NotFound("audit record")
    return record


def _is_admin(user: UserLike) -> bool:
    return bool(getattr(user, "is_system_admin", False) and user.is_active)


def export_log(
    *,
    user: UserLike,
    username: str = "",
    kind: str = "",
    fmt: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ExportRecord]:
    """The export log (who downloaded which personal data): administrators only. Dates are Vietnam days
    (``__date`` lookups use the current time zone)."""
    if not _is_admin(user):
        return ExportRecord.objects.none()
    qs = ExportRecord.objects.all()
    if username:
        qs = qs.filter(username__icontains=username)
    if kind:
        qs = qs.filter(kind=kind)
    if fmt:
        qs = qs.filter(fmt=fmt)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def signin_failure_list(
    *,
    user: UserLike,
    username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessFailureLog]:
    """Failed sign-ins kept by django-axes (``AXES_ENABLE_ACCESS_FAILURE_LOG``): administrators only."""
    qs: QuerySet[AccessFailureLog] = AccessFailureLog.objects.order_by("-attempt_time", "-id")
    if not _is_admin(user):
        return qs.none()
    if username:
        qs = qs.filter(username__icontains=username)
    if date_from:
        qs = qs.filter(attempt_time__date__gte=date_from)
    if date_to:
        qs = qs.filter(attempt_time__date__lte=date_to)
    return qs
