"""Outgoing notifications (webhooks): a subscription of another system, the deliveries of events to it
and each attempt of a delivery (the delivery log).

An event is thin (``events.payload``): what happened to which object, and the API path to read it. The
receiver reads the object through the API with its own token, so an event never carries personal data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel


class EventType(models.TextChoices):
    HOUSEHOLD_CREATED = "household.created", _("Household created")
    HOUSEHOLD_UPDATED = "household.updated", _("Household changed")
    HOUSEHOLD_DELETED = "household.deleted", _("Household deleted")
    MEMBER_CREATED = "member.created", _("Member added")
    MEMBER_UPDATED = "member.updated", _("Member changed")
    MEMBER_DELETED = "member.deleted", _("Member deleted")
    SUPPORT_CREATED = "support.created", _("Support recorded")
    ROUND_CLOSED = "review_round.closed", _("Review round closed")
    # A province's reclassification by the engine (one event per commune holding households): the engine's
    # fields are derived data, rewritten in bulk, so they do not move ``updated_at`` (decision 0035).
    HOUSEHOLDS_RECLASSIFIED = "households.reclassified", _("Engine categories recomputed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (out of scope)")


class Subscription(BaseModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("target address (URL)"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # The province or a commune whose objects the subscription receives (its path copied for the scope).
    area = models.ForeignKey("geo.Area", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    # The secret the bodies are signed with, encrypted with a key derived from SECRET_KEY (``signing.py``).
    secret_encrypted = models.TextField(editable=False)
    secret_hint = models.CharField(max_length=8, editable=False, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class Delivery(BaseModel):
    """One event for one subscription; ``uuid`` is the ``X-Giamngheo-Delivery`` header (the receiver's
    idempotency key: a retry or a manual resend carries the same)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    event_id = models.UUIDField(editable=False)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    # The path of the object's commune (or province, for a review round): the scope re-checked on sending.
    area_path = models.CharField(max_length=255)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Attempts counted from here for the retry schedule (a manual "send again" starts a new schedule).
    schedule_start = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subscription", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.object_type} {self.object_id}"


class Attempt(models.Model):
    """One POST of a delivery: what the receiver answered, how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class CommuneMark(models.Model):
    """How far the changes of a commune's households written in bulk (an import) were turned into
    events: the next bulk change sends the households updated after ``seen_until``."""

    commune = models.OneToOneField("geo.Area", on_delete=models.CASCADE, related_name="+")
    seen_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.commune_id} {self.seen_until:%Y-%m-%d %H:%M:%S}"
