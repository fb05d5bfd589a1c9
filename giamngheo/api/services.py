"""Writes of the API app: tokens (created, revoked, used) and the stored answers of idempotent creates."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed

from .models import ApiToken, IdempotentRequest

TOKEN_PREFIX = "gn_"
# How often ``last_used_at`` is written (not on every request).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_on: dt.date | None, acting_user: User
) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns it and its secret (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Enter a name for the token."), extra={"field": "name"})
    expires_at = None
    if expires_on is not None:
        if expires_on <= timezone.localdate():
            raise ValidationFailed(_("The expiry date must be in the future."), extra={"field": "expires_on"})
        expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], secret_hash=secret_hash(secret), expires_at=expires_at
    )
    audit_record(
        actor=acting_user,
        action="api.token.create",
        target=token,
        after=snapshot(token, ["name", "prefix", "expires_at"]),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, acting_user: User) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    before = snapshot(locked, ["revoked_at"])
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action="api.token.revoke",
        target=locked,
        before=before,
        after=snapshot(locked, ["revoked_at"]),
    )
    return locked


def token_used(*, token: ApiToken) -> None:
    """Remember when the token was last used (at most once a minute: not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# Idempotent creates ---------------------------------------------------------------------------------------


class IdempotencyConflict(ValidationFailed):
    """The key was used before for another request."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def idempotency_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Answers stored before this moment are expired (``settings.API_IDEMPOTENCY_HOURS``)."""
    return (now or timezone.now()) - dt.timedelta(hours=max(int(settings.API_IDEMPOTENCY_HOURS), 0))


def idempotency_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the expired stored answers; returns how many."""
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=idempotency_cutoff(now)).delete()
    return deleted


def idempotent(*, user: User, key: str, operation: str, body: bytes, produce: Callable[[], Answer]) -> Answer:
    """``produce()`` once per (user, key): the first answer is stored with the write, in one transaction; a
    repeat with the same operation and body gets it back, another request with the key is refused. Two
    concurrent first requests: one writes, the other finds its answer (the unique key decides). An answer
    older than ``API_IDEMPOTENCY_HOURS`` is expired: the key then starts a new request (and replaces it)."""
    digest = hashlib.sha256(operation.encode() + b"\n" + body).hexdigest()
    cutoff = idempotency_cutoff()
    for _attempt in range(2):
        stored = IdempotentRequest.objects.filter(user=user, key=key, created_at__gte=cutoff).first()
        if stored is not None:
            if stored.operation != operation or stored.body_hash != digest:
                raise IdempotencyConflict(
                    _("This Idempotency-Key was already used for a different request."),
                    extra={"field": "Idempotency-Key"},
                )
            return Answer(stored.status_code, stored.response)
        try:
            with transaction.atomic():
                answer = produce()
                if answer.status < 300:
                    IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
                    IdempotentRequest.objects.create(
                        user=user,
                        key=key,
                        operation=operation,
                        body_hash=digest,
                        status_code=answer.status,
                        response=answer.body,
                    )
                return answer
        except IntegrityError:
            if not IdempotentRequest.objects.filter(user=user, key=key, created_at__gte=cutoff).exists():
                raise
    raise RuntimeError("unreachable")  # pragma: no cover
