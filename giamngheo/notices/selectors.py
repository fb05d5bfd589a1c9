"""Reads of notifications: a user sees only their own (another user's is the same 404 as a missing one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from giamngheo.core.errors import NotFound

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from giamngheo.accounts.models import User

_UNREAD_CACHE = "_notices_unread_count"


def notification_list(*, user: User | AnonymousUser, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return rows.annotate(unread=unread).order_by("-unread", "-created_at", "-id")


def access_notification_by_id(*, user: User | AnonymousUser, notification_id: int) -> Notification:
    found = (
        Notification.objects.filter(recipient_id=user.pk, pk=notification_id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound("notification")
    return found


def unread_count(*, user: User) -> int:
    """The number of the user's unread notifications: one query (the partial index ``notices_unread``),
    remembered on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached: int | None = getattr(user, _UNREAD_CACHE, None)
    if cached is None:
        cached = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        setattr(user, _UNREAD_CACHE, cached)
    return cached


def forget_unread_count(*, user: User) -> None:
    """After marking read within the same request."""
    if hasattr(user, _UNREAD_CACHE):
        delattr(user, _UNREAD_CACHE)
