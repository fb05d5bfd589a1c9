"""Plans (kế hoạch) and their targets (chỉ tiêu): how each target is measured (an indicator of
``plans.indicators``, computed from the pre-aggregated rows, or a value entered with its evidence), its split
across the communes, the thresholds of the status per indicator, and the province's priority areas."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from . import indicators

EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


class Direction(models.TextChoices):
    UP = indicators.Direction.UP.value, _("Increase (the higher the better)")
    DOWN = indicators.Direction.DOWN.value, _("Decrease (the lower the better)")


class Plan(BaseModel):
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.PROTECT, related_name="plans"
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    title = models.CharField(_("title"), max_length=255)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    movement = models.CharField(_("movement or programme"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year_to", "-year_from", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="plans_plan_years"),
        ]

    def __str__(self) -> str:
        return self.title

    def covers(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to


class Target(BaseModel):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("name"), max_length=255)
    indicator_key = models.CharField(_("indicator"), max_length=40)
    unit = models.CharField(_("unit"), max_length=16, editable=False)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    deadline = models.DateField(_("deadline"))
    responsible_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_targets",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.name

    @property
    def indicator(self) -> indicators.Indicator:
        return indicators.indicator(self.indicator_key)


class TargetAllocation(BaseModel):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="allocations")
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("allocation of a target")
        verbose_name_plural = _("allocations of targets")
        constraints = [
            models.UniqueConstraint(fields=["target", "commune"], name="plans_one_allocation_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}/{self.commune_id}"


def evidence_path(instance: TargetReport, filename: str) -> str:
    return f"plans/evidence/{instance.target_id}/{filename}"


class TargetReport(BaseModel):
    """A value of an entered indicator for one period, reported by the responsible unit with its evidence."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    area = models.ForeignKey("geo.Area", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "-quarter", "-month", "-pk"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(quarter__isnull=True),
                name="plans_report_month_or_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.month:
            return f"{self.month:02d}/{self.year}"
        if self.quarter:
            return str(_("Quarter %(q)s/%(year)s") % {"q": self.quarter, "year": self.year})
        return str(self.year)


class IndicatorThreshold(BaseModel):
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    indicator_key = models.CharField(_("indicator"), max_length=40)
    on_track = models.PositiveSmallIntegerField(_("on track from (%)"), default=100)
    at_risk = models.PositiveSmallIntegerField(_("at risk from (%)"), default=75)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("threshold of an indicator")
        verbose_name_plural = _("thresholds of indicators")
        constraints = [
            models.UniqueConstraint(fields=["province", "indicator_key"], name="plans_one_threshold"),
        ]

    def __str__(self) -> str:
        from .selectors import indicator_label  # the indicator's name, never its key

        name = (
            indicator_label(self.indicator) if self.indicator_key in indicators.BY_KEY else self.indicator_key
        )
        return f"{name} {self.on_track}/{self.at_risk}"

    @property
    def indicator(self) -> indicators.Indicator:
        return indicators.indicator(self.indicator_key)

    @property
    def thresholds(self) -> indicators.Thresholds:
        return indicators.Thresholds(on_track=self.on_track, at_risk=self.at_risk)


class PriorityArea(BaseModel):
    """A commune or village the province marked as a priority for a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey("geo.Area", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=255)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "area__path"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        constraints = [models.UniqueConstraint(fields=["year", "area"], name="plans_one_priority_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.area_id}"
