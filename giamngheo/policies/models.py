"""The policy catalogue: each preferential policy with its legal basis, the programme project it belongs to,
its period and its eligibility rule as data (``eligibility.Rule.from_data``). The catalogue is data the
province edits; the seeded entries are samples (``is_sample``) taken from shared/domain/policies.md."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .eligibility import Rule


class PolicyArea(models.TextChoices):
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing")
    CREDIT = "credit", _("Preferential credit")
    VOCATIONAL = "vocational", _("Vocational training")
    JOBS = "jobs", _("Job creation")
    LABOUR_EXPORT = "labour_export", _("Labour export")
    WATER = "water", _("Clean water and sanitation")
    INFORMATION = "information", _("Information")
    PRODUCTION = "production", _("Production development")
    LIVELIHOOD = "livelihood", _("Livelihood diversification")
    OTHER = "other", _("Other support")


class PolicyLevel(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    MEMBER = "member", _("Member")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    YEARLY = "yearly", _("Every year")
    MONTHLY = "monthly", _("Every month")
    PER_EVENT = "per_event", _("When it happens")


def validate_rule(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("The eligibility rule must be an object."))
    try:
        Rule.from_data(value)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(str(exc)) from exc


class Policy(BaseModel):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=255)
    area = models.CharField(_("policy area"), max_length=16, choices=PolicyArea.choices, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    legal_basis = models.TextField(_("legal basis"))
    project = models.CharField(_("programme project"), max_length=255, blank=True)
    benefit = models.TextField(_("benefit"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    rule = models.JSONField(_("eligibility rule"), validators=[validate_rule])
    source_note = models.TextField(_("sources and what is unconfirmed"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area", "code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def eligibility(self) -> Rule:
        return Rule.from_data(self.rule)
