"""Cursor pagination: lists are walked in (updated_at, id) order with an opaque cursor, so a client reads
the whole registry page after page (no cap), and an edit made while it reads moves the row to the end
instead of making it skip one; ``updated_since`` starts an incremental sync."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.core.errors import ValidationFailed

from .errors import UnknownParameter

MAX_LIMIT = 500
DEFAULT_LIMIT = 100

M = TypeVar("M", bound=Model)


def only_parameters(request: HttpRequest, allowed: Iterable[str]) -> None:
    """An unknown query parameter is an error (a misspelt filter must not return the whole registry)."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise UnknownParameter(unknown)
    for name, values in request.GET.lists():
        if any("\x00" in v for v in values):
            raise UnknownParameter([name], _("The value is not valid."))


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != size:
            raise ValueError(cursor)
        return values
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(_("The cursor is not valid."), extra={"field": "cursor"}) from exc


def next_link(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path + "?" + urlencode(params))


def page_by_time(
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int,
    time_field: str = "updated_at",
    since: dt.datetime | None = None,
) -> tuple[list[M], str | None]:
    """One page of ``queryset`` in (``time_field``, id) order after ``cursor``; the next cursor or None."""
    qs = queryset.order_by(time_field, "pk")
    if since is not None:
        qs = qs.filter(**{f"{time_field}__gte": aware(since)})
    if cursor:
        moment_text, last_id = decode_cursor(cursor, 2)
        try:
            moment = dt.datetime.fromisoformat(str(moment_text))
            last = int(last_id)
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(_("The cursor is not valid."), extra={"field": "cursor"}) from exc
        qs = qs.filter(Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "pk__gt": last}))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last_row = rows[-1]
    return rows, encode_cursor([getattr(last_row, time_field).isoformat(), last_row.pk])


def page_by_id(queryset: QuerySet[M], *, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    qs = queryset.order_by("pk")
    if cursor:
        (last_id,) = decode_cursor(cursor, 1)
        if not isinstance(last_id, int):
            raise ValidationFailed(_("The cursor is not valid."), extra={"field": "cursor"})
        qs = qs.filter(pk__gt=last_id)
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].pk])
