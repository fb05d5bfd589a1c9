from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MovementKind(models.TextChoices):
    REGULAR = "regular", _("Regular emulation")
    THEMATIC = "thematic", _("Thematic emulation")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Not sent")
    SENT = "sent", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ISSUED = "issued", _("Document issued")
    CANCELLED = "cancelled", _("Cancelled")
