"""The policy catalogue: each preferential policy with its legal basis, the programme project it belongs to,
its period and its eligibility rule as data (``eligibility.Rule.from_data``). The catalogue is data the
province edits; the seeded entries are samples (``is_sample``) taken from shared/domain/policies.md."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .eligibility import Rule, RuleError, clean_rule
from .events import HOUSE_DAMAGED


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
    """The field's validator: ``eligibility.clean_rule``, the one check of a rule, its message translated."""
    try:
        clean_rule(value)
    except RuleError as exc:
        raise ValidationError(exc.text(gettext)) from exc


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
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking of edits

    class Meta:
        ordering = ["area", "code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def eligibility(self) -> Rule:
        return Rule.from_data(self.rule, code=self.code)

    @property
    def counting_note(self) -> str:
        """What the coverage of a request- or event-bound policy counts, in one line ("" for the others)."""
        rule = self.eligibility
        if rule.needs_request:
            return gettext("Counts only households whose request is recorded.")
        if rule.needs_event == HOUSE_DAMAGED:
            return gettext("Counts only households whose house damage (disaster, fire) is recorded.")
        if rule.needs_event:
            return gettext("Counts only households with a recorded event (disaster, epidemic).")
        return ""


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    LOCAL = "local", _("Local budget")
    SOCIAL = "social", _("Social contributions")
    CREDIT = "credit", _("Preferential credit")


class SupportRecord(BaseModel):
    """A policy delivered to a household (household-level policy) or one of its members (member-level)."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")  # scope, totals
    date = models.DateField(_("date received"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), default=0)
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    project = models.CharField(_("programme project"), max_length=255, blank=True)
    document = models.CharField(_("document or decision"), max_length=255, blank=True)
    eligible = models.BooleanField(_("entitled when recorded"), default=True)
    reason = models.TextField(_("reason (recipient not entitled)"), blank=True)
    batch = models.CharField(max_length=32, blank=True, default="", db_index=True)  # one bulk recording
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        indexes = [
            models.Index(fields=["household", "policy", "date"]),
            models.Index(fields=["commune", "date"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="support_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} · {self.date:%d/%m/%Y}"


class Entitlement(models.Model):
    """One beneficiary of one policy in one year — eligible, covered, or both — kept up to date from the
    registry and the support records (``services.entitlements_refresh``); the gap lists read it and the
    coverage summaries are counted from it."""

    year = models.PositiveSmallIntegerField()
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "households.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligible = models.BooleanField()
    covered = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["year", "policy", "commune", "eligible", "covered"]),
            models.Index(fields=["year", "household"]),
            models.Index(fields=["year", "commune", "policy", "village"]),  # rebuilds and summaries
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.policy_id} · {self.household_id}/{self.member_id or '-'}"


class CoverageSummary(models.Model):
    """Coverage of one policy in one village (or the households without a village) of a commune in one
    year, counted from the entitlement table. Province and commune figures are sums of these rows."""

    year = models.PositiveSmallIntegerField()
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    eligible_households = models.PositiveIntegerField(default=0)
    covered_households = models.PositiveIntegerField(default=0)
    eligible_units = models.PositiveIntegerField(default=0)
    covered_units = models.PositiveIntegerField(default=0)
    outside_units = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["year", "commune"])]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "policy", "commune", "village"], name="coverage_summary_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.policy_id} · {self.commune_id}/{self.village_id or '-'}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SupportRequest(BaseModel):
    """A household's request for a demand-driven policy (a preferential loan, a water and sanitation loan):
    while it is pending or approved, the household counts for the policy's coverage (and as a gap until the
    support is recorded)."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")  # scope
    requested_on = models.DateField(_("date requested"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    note = models.TextField(_("note"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking of decisions

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["household", "policy"]),
            models.Index(fields=["commune", "requested_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("requested_on")),
                name="support_request_decided_after_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} · {self.requested_on:%d/%m/%Y}"
