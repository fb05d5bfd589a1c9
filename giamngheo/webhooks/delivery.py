"""Sending a delivery: one POST of the event's JSON, signed, with a timeout; each attempt a row of the
delivery log; network errors, 5xx and 429 retried on a schedule (``WEBHOOKS_RETRY_DELAYS``), any other
answer final.

A delivery is claimed by one conditional UPDATE (pending and due → sending), so two workers never send it
twice; the HTTP request runs outside any transaction. The owner's scope is checked again here.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attempt, Delivery, DeliveryStatus
from .scope import owner_paths, sees
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, decrypt, signature

DEFAULT_DELAYS = (60, 300, 1800, 7200, 43200)  # 1 min, 5 min, 30 min, 2 h, 12 h
STUCK_AFTER = dt.timedelta(minutes=15)  # a "sending" row older than this: its worker died


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "WEBHOOKS_RETRY_DELAYS", DEFAULT_DELAYS))


def timeout() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT", 10.0))


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _retryable(code: int | None) -> bool:
    return code is None or code >= 500 or code == 429


def send(delivery_id: int, *, client: httpx.Client | None = None, manual: bool = False) -> Delivery | None:
    """Send one due delivery (``None``: not due, taken by another worker, or its subscription paused)."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, subscription__is_active=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=DeliveryStatus.SENDING, updated_at=now)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription__owner").get(pk=delivery_id)
    sub = delivery.subscription
    in_scope = delivery.area_path.startswith(sub.area_path) and sees(
        owner_paths(sub.owner), delivery.area_path
    )
    if not in_scope:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SKIPPED, None
        delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
        return delivery
    secret = decrypt(sub.secret_encrypted)
    body = body_of(delivery)
    code: int | None = None
    error = ""
    started = time.monotonic()
    started_at = timezone.now()
    if secret is None:
        error = _("The secret cannot be read (the server's key changed): give the subscription a new secret.")
    else:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "giamngheo-webhooks/1",
            SIGNATURE_HEADER: signature(body, secret),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.uuid),
        }
        own = client is None
        http = client or httpx.Client(timeout=timeout(), follow_redirects=False)
        try:
            response = http.post(sub.url, content=body, headers=headers)
            code = response.status_code
            if not 200 <= code < 300:
                error = response.text[:300]
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if own:
                http.close()
    duration = int((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    delivery.last_status_code = code
    next_at: dt.datetime | None = None
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
    elif secret is not None and _retryable(code):
        done = delivery.attempts - delivery.schedule_start  # attempts of this schedule
        delays = retry_delays()
        if done <= len(delays):
            next_at = timezone.now() + dt.timedelta(seconds=delays[done - 1])
            delivery.status = DeliveryStatus.PENDING
        else:
            delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = next_at
    delivery.save(update_fields=["status", "attempts", "last_status_code", "next_attempt_at", "updated_at"])
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=started_at,
        status_code=code,
        duration_ms=duration,
        error=error[:500],
        next_attempt_at=next_at,
        manual=manual,
    )
    return delivery


def send_many(ids: Sequence[int]) -> int:
    """Send these deliveries one after the other over one connection pool; the number sent."""
    sent = 0
    with httpx.Client(timeout=timeout(), follow_redirects=False) as client:
        for pk in ids:
            if send(pk, client=client) is not None:
                sent += 1
    return sent


def due_ids(*, limit: int = 1000) -> list[int]:
    """Deliveries due now (retries, and those whose task was lost); deliveries stuck "sending" since
    their worker died are made due again first."""
    now = timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, updated_at__lt=now - STUCK_AFTER).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, updated_at=now
    )
    rows = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True
    ).order_by("next_attempt_at", "pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def deliver_due(*, limit: int = 1000) -> dict[str, int]:
    """Send what is due (the ``webhooks_deliver`` command, run every minute)."""
    ids = due_ids(limit=limit)
    sent = send_many(ids)
    return {"due": len(ids), "sent": sent}
