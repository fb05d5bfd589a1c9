from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InitiativeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Sent to the council")
    RETURNED = "returned", _("Returned")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")


class Field(models.TextChoices):
    POVERTY = "poverty", _("Poverty reduction and social protection")
    AGRICULTURE = "agriculture", _("Agriculture and rural development")
    ADMINISTRATION = "administration", _("Administrative reform and digital transformation")
    COMMUNICATION = "communication", _("Communication")
    OTHER = "other", _("Other field")


class Level(models.TextChoices):
    """Where the initiative's effect is recognised (Law 06/2022 Art. 22–23)."""

    GRASSROOTS = "grassroots", _("Grassroots (the department)")
    PROVINCE = "province", _("Provincial level")
