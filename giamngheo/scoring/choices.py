from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    QUANTITY = "quantity", _("A quantity against its target")
    PASS_FAIL = "pass_fail", _("Pass or fail")
    COUNT = "count", _("A count times points")
    BONUS_PENALTY = "bonus_penalty", _("Bonus or penalty")


class Scale(models.TextChoices):
    TARGET = "target", _("Against the target")
    BEST = "best", _("Against the best in the cluster")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Being assessed by the unit")
    SELF_SUBMITTED = "self_submitted", _("Self-assessment sent")
    RETURNED = "returned", _("Returned to the unit")
    SCORED = "scored", _("Scored by the council")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for assessment")
    CLOSED = "closed", _("Closed")
