"""Constants of the geography that pages name (no models: a view imports these, never ``geo.models``).
``geo.models`` re-exports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune level")
    VILLAGE = "village", _("Village")
