from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .errors import NotFound
from .models import AuditRecord


def audit_list(
    *,
    user: Any,
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


def access_audit_record_by_id(*, user: Any, record_id: int) -> AuditRecord:
    record = audit_list(user=user).filter(pk=record_id).first()
    if record is None:
        raise NotFound("audit record")
    return record
