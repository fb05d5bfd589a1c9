"""Saved column mappings: the next file with the same headers is mapped the same way."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel
from giamngheo.core.text import fold


def header_signature(headers: list[str]) -> str:
    """The layout of a file: its folded headers in order (empty columns at the end ignored)."""
    folded = [fold(h or "") for h in headers]
    while folded and not folded[-1]:
        folded.pop()
    return hashlib.sha256("\x1f".join(folded).encode("utf-8")).hexdigest()


class ImportMapping(BaseModel):
    signature = models.CharField(max_length=64, db_index=True)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_mappings"
    )
    # The commune of the file it was saved for: offered to the officers of that commune too (else only to
    # the user who saved it).
    commune = models.ForeignKey(
        "geo.Area",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["created_by", "signature"], name="dataio_one_mapping_per_layout")
        ]

    def __str__(self) -> str:
        return ", ".join(h for h in self.headers if h)[:80]
