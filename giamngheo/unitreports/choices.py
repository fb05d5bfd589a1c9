from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Six months")
    YEAR = "year", _("Year")


class FieldKind(models.TextChoices):
    FIGURE = "figure", _("Figure")
    TEXT = "text", _("Narrative section")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted to the office")
    RETURNED = "returned", _("Returned")
    OFFICE_APPROVED = "office_approved", _("Approved by the office")
    LEADER_APPROVED = "leader_approved", _("Approved by the leader")
