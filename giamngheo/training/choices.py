"""Constants of officer training that pages name (``training.models`` re-exports them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The input keys of ``plans.indicators`` (``plans`` is above this app: the same strings, not an import).
OFFICERS_ACTIVE = "officers_active"
OFFICERS_TRAINED = "officers_trained"


class Position(models.TextChoices):
    LEADER = "leader", _("Commune leader in charge of poverty reduction")
    SOCIAL_AFFAIRS = "social_affairs", _("Culture and social affairs officer")
    VILLAGE_HEAD = "village_head", _("Village head")
    MASS_ORGANISATION = "mass_organisation", _("Mass-organisation officer")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class FundingProject(models.TextChoices):
    """Projects of the national target programme for sustainable poverty reduction 2021–2025 (QĐ 90)."""

    P7 = "p7", _("Project 7: capacity building, monitoring and evaluation of the programme")
    P1 = "p1", _("Project 1: infrastructure of poor districts and especially difficult communes")
    P2 = "p2", _("Project 2: diversifying livelihoods, poverty-reduction models")
    P3 = "p3", _("Project 3: production development, nutrition")
    P4 = "p4", _("Project 4: vocational education and sustainable employment")
    P5 = "p5", _("Project 5: housing support")
    P6 = "p6", _("Project 6: communication and information-poverty reduction")
    LOCAL = "local", _("Local budget")
    OTHER = "other", _("Other source")
