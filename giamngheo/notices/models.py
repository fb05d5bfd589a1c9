"""Notifications: an alert for one user (a job finished, a commune's review late, an in-year request past
its 15 days, a target at risk), shown in the user's list with an unread count in the menu.

The title and body are plain text, written in the site's language (``settings.LANGUAGE_CODE``, Vietnamese)
when the notification is created (docs/decisions/0018): what the user was told is what is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel


class NoticeKind:
    """The kinds in use (data: ``Notification.kind`` is not limited to these in the database)."""

    JOB_FINISHED = "job_finished"
    JOB_FAILED = "job_failed"
    REVIEW_LATE = "review_late"
    REQUEST_OVERDUE = "request_overdue"
    TARGET_AT_RISK = "target_at_risk"


class Notification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # a path of this site, never a full URL
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The same alert is not repeated: one unread notification per recipient and key ("" = no key).
    key = models.CharField(max_length=120, blank=True, default="")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The menu's unread count: only the unread rows of one user are in this index.
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notices_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notices_recipient_created"),
            models.Index(fields=["recipient", "key"], name="notices_recipient_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(key=""),
                name="notices_one_unread_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
