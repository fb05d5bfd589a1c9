"""Writes of notifications: send (bulk, idempotent by key), mark read.

Any app may notify (this app sits just above ``accounts``): it renders its title and body with ``gettext``
inside ``site_language()`` (or passes lazy strings, evaluated here in the site's language) and calls
``notify``. A ``key`` names the alert ("request_overdue:42"): a recipient who still has an unread
notification with that key is not told again; ``remind_after`` also skips a recipient told (read or not)
less than that long ago, so a daily scan reminds at most once a week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from giamngheo.core.errors import ValidationFailed

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from giamngheo.accounts.models import User

TITLE_LIMIT = 255
URL_LIMIT = 500


@contextmanager
def site_language() -> Iterator[None]:
    """Render the text of a notification in the site's language, whatever the request's language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _path(url: str) -> str:
    """Only a path of this site ("/jobs/5/"): never a scheme, a host or a protocol-relative URL."""
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > URL_LIMIT):
        raise ValidationFailed(f"a notification links to a path of this site, not {url[:60]!r}")
    return url


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    title: StrOrPromise,
    body: StrOrPromise = "",
    url: str = "",
    key: str | None = None,
    area_id: int | None = None,
    remind_after: dt.timedelta | None = None,
) -> list[Notification]:
    """Send one notification to each recipient (users or their ids; duplicates counted once); returns the
    notifications created (none for the recipients already told, see the module's doc). Two queries
    whatever the number of recipients."""
    ids = sorted({r if isinstance(r, int) else r.pk for r in recipients})
    if not ids:
        return []
    key = (key or "")[:120]
    path = _path(url)
    with site_language():
        title_text, body_text = str(title)[:TITLE_LIMIT], str(body)
    if key:
        told = Q(read_at__isnull=True)
        if remind_after is not None:
            told |= Q(created_at__gte=timezone.now() - remind_after)
        skip = set(
            Notification.objects.filter(told, recipient_id__in=ids, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        ids = [i for i in ids if i not in skip]
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=i,
            kind=kind,
            title=title_text,
            body=body_text,
            url=path,
            key=key,
            area_id=area_id,
            created_at=now,
        )
        for i in ids
    ]
    # A concurrent scan may have told the same recipient meanwhile: the partial unique index keeps one.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    return rows


def mark_read(*, user: User | AnonymousUser, notification_ids: Iterable[int]) -> int:
    """Mark the user's own notifications read (other users' ids are ignored); the number marked."""
    ids = list(notification_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user: User | AnonymousUser) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
