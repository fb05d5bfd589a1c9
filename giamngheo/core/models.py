from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ExportKind as ExportKind  # re-exported: the constants live in choices.py


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditRecord(models.Model):
    """Who did what, when, to which object, with the values before and after.

    Written by every service that changes data (``giamngheo.core.audit.audit_record``); never edited.
    ``target_type``/``target_id`` are plain strings so that a record outlives the object it describes.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=80, db_index=True)
    target_id = models.CharField(_("object ID"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """Field-by-field differences between ``before`` and ``after``."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ExportRecord(models.Model):
    """One download of personal data: who, what (kind, filters, rows, format), when and from where.

    Written by ``giamngheo.core.exports.export_record`` before the file is streamed; never edited.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    kind = models.CharField(_("data"), max_length=40, choices=ExportKind.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    fmt = models.CharField(_("format"), max_length=8, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.kind} {self.fmt}"

    def filter_items(self) -> list[tuple[str, str]]:
        """The filters as (name, value) pairs for display (nested values flattened: ``params.year``)."""
        items: list[tuple[str, str]] = []

        def walk(prefix: str, value: object) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), inner)
            elif value not in ("", None, [], {}):
                items.append((prefix, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))

        walk("", self.filters if isinstance(self.filters, dict) else {})
        return items
