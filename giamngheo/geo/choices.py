"""Constants of the geography that pages name (no models: a view imports these, never ``geo.models``).
``geo.models`` re-exports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune level")
    VILLAGE = "village", _("Village")


class DifficultyKind(models.TextChoices):
    """The designation a ``DifficultyPeriod`` records: an especially difficult (ĐBKK) commune or village,
    or a poor commune (xã nghèo, the rules' successor of the poor district after 2025; communes only)."""

    ESPECIALLY_DIFFICULT = "especially_difficult", _("Especially difficult")
    POOR_COMMUNE = "poor_commune", _("Poor commune")
