"""Writes of the webhooks: subscriptions (created with a secret shown once, edited with a version, paused,
given a new secret) and "send again" of a delivery. Keyword-only, atomic, audited."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check
from giamngheo.geo.models import Area, AreaLevel

from . import signing
from .models import Delivery, DeliveryStatus, EventType, Subscription
from .scope import owner_paths, sees

AUDITED = ["name", "url", "events", "area_id", "is_active", "version", "secret_hint"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _allow_local_http() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_HTTP_LOCAL", False))


def check_url(url: str) -> str:
    """The target: https (plain http only to this machine, when ``DEBUG`` or ``WEBHOOKS_ALLOW_HTTP_LOCAL``),
    no user name or password in it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 — an invalid port raises here
    except ValueError as exc:
        raise ValidationFailed(_("Enter a valid target address (URL)."), extra={"field": "url"}) from exc
    if not host or parts.scheme not in ("https", "http"):
        raise ValidationFailed(_("Enter a valid target address (URL)."), extra={"field": "url"})
    if parts.username or parts.password:
        raise ValidationFailed(
            _("The target address (URL) must not contain a user name or password."), extra={"field": "url"}
        )
    if parts.scheme == "http" and not (host in LOCAL_HOSTS and _allow_local_http()):
        raise ValidationFailed(
            _("The target address (URL) must start with https:// (the events are sent encrypted)."),
            extra={"field": "url"},
        )
    try:
        if host not in LOCAL_HOSTS and ipaddress.ip_address(host.strip("[]")).is_loopback:
            raise ValidationFailed(_("Enter a valid target address (URL)."), extra={"field": "url"})
    except ValueError:
        pass  # a name, not an address
    return url


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = [e for e in EventType.values if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationFailed(_("Choose at least one event from the list."), extra={"field": "events"})
    return chosen


def _check_area(user: User, area: Area) -> None:
    if area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE) or not area.is_active:
        raise ValidationFailed(_("Choose the province or a commune."), extra={"field": "area"})
    if not sees(owner_paths(user), area.path):
        raise ValidationFailed(
            _("Choose the province or a commune of your own scope."), extra={"field": "area"}
        )


def _require(user: User) -> None:
    if owner_paths(user) == ():
        raise PermissionDenied(_("You may not manage outgoing notifications."))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the name of the receiving system."), extra={"field": "name"})
    return name[:120]


@transaction.atomic
def subscription_create(
    *, name: str, url: str, events: Iterable[str], area: Area, acting_user: User
) -> tuple[Subscription, str]:
    """A new subscription, active, owned by ``acting_user``; returns it and its secret (shown once)."""
    _require(acting_user)
    _check_area(acting_user, area)
    secret = signing.new_secret()
    sub = Subscription.objects.create(
        owner=acting_user,
        name=_check_name(name),
        url=check_url(url),
        events=_check_events(events),
        area=area,
        area_path=area.path,
        secret_encrypted=signing.encrypt(secret),
        secret_hint=secret[-4:],
    )
    audit_record(
        actor=acting_user, action="webhooks.subscription.create", target=sub, after=snapshot(sub, AUDITED)
    )
    return sub, secret


@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    name: str,
    url: str,
    events: Iterable[str],
    area: Area,
    is_active: bool,
    version: Version,
    acting_user: User,
) -> Subscription:
    _require(acting_user)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    version_check(locked, version)
    _check_area(acting_user, area)
    before = snapshot(locked, AUDITED)
    locked.name = _check_name(name)
    locked.url = check_url(url)
    locked.events = _check_events(events)
    locked.area, locked.area_path = area, area.path
    locked.is_active = bool(is_active)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="webhooks.subscription.update",
        target=locked,
        before=before,
        after=snapshot(locked, AUDITED),
    )
    return locked


@transaction.atomic
def subscription_pause(
    *, subscription: Subscription, active: bool, version: Version, acting_user: User
) -> Subscription:
    """Pause (nothing is written or sent; retries wait) or resume a subscription."""
    _require(acting_user)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    version_check(locked, version)
    before = snapshot(locked, AUDITED)
    locked.is_active = bool(active)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="webhooks.subscription.resume" if active else "webhooks.subscription.pause",
        target=locked,
        before=before,
        after=snapshot(locked, AUDITED),
    )
    return locked


@transaction.atomic
def subscription_secret_renew(
    *, subscription: Subscription, version: Version, acting_user: User
) -> tuple[Subscription, str]:
    """A new secret (the old one stops at once); returns it to be shown once."""
    _require(acting_user)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    version_check(locked, version)
    before = snapshot(locked, AUDITED)
    secret = signing.new_secret()
    locked.secret_encrypted, locked.secret_hint = signing.encrypt(secret), secret[-4:]
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="webhooks.subscription.secret",
        target=locked,
        before=before,
        after=snapshot(locked, AUDITED),
    )
    return locked, secret


@transaction.atomic
def delivery_resend(*, delivery: Delivery, acting_user: User) -> Delivery:
    """Send a delivery again by hand (a new schedule of retries), with the same delivery id."""
    _require(acting_user)
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == DeliveryStatus.SENDING:
        raise ValidationFailed(_("This delivery is being sent; wait a moment."))
    before = snapshot(locked, ["status", "attempts", "next_attempt_at"])
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = timezone.now()
    locked.schedule_start = locked.attempts
    locked.save(update_fields=["status", "next_attempt_at", "schedule_start", "updated_at"])
    audit_record(
        actor=acting_user,
        action="webhooks.delivery.resend",
        target=locked,
        before=before,
        after=snapshot(locked, ["status", "attempts", "next_attempt_at"]),
    )
    pk = locked.pk
    transaction.on_commit(lambda: _send_now(pk), robust=True)
    return locked


def _send_now(pk: int) -> None:
    from .tasks import send_task

    send_task.enqueue([pk])
