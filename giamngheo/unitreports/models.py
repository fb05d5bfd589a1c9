"""Periodic reports from units: the office requests a report (template, period, due date, units), units fill
and submit it, the office sees completeness and timeliness per unit, approvals climb unit → office → leader.

Expected reports come from each unit's own history (``OrgUnit.valid_from``/``valid_to``): a unit is expected
only for a period in which it existed, so no rate exceeds 100 %."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import FieldKind, PeriodKind, ReportStatus

__all__ = [
    "EntryException",
    "FieldKind",
    "PeriodKind",
    "ReportRequest",
    "ReportStatus",
    "ReportTemplate",
    "ReportValue",
    "TemplateField",
    "UnitReport",
]


class ReportTemplate(BaseModel):
    name = models.CharField(_("name"), max_length=300)
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.name


class TemplateField(BaseModel):
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="fields")
    kind = models.CharField(_("kind"), max_length=8, choices=FieldKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("template field")
        verbose_name_plural = _("template fields")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="unitreports_field_code")]

    def __str__(self) -> str:
        return self.label


class ReportRequest(BaseModel):
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="requests"
    )
    organiser = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(
        _("period number"), null=True, blank=True
    )  # month, quarter or half
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"))
    note = models.TextField(_("note"), blank=True)
    units = models.ManyToManyField("org.OrgUnit", verbose_name=_("units asked"), related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="unitreports_period"
            ),
            # One request per template and period.
            models.UniqueConstraint(
                fields=["template", "period_start", "period_end"], name="unitreports_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class UnitReport(BaseModel):
    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="reports")
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office_approved_at = models.DateTimeField(_("approved by the office on"), null=True, blank=True)
    leader_approved_at = models.DateTimeField(_("approved by the leader on"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["org_unit__path"]
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        constraints = [
            models.UniqueConstraint(fields=["request", "org_unit"], name="unitreports_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.org_unit_id}"


class ReportValue(BaseModel):
    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(TemplateField, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(_("figure"), max_digits=18, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["field__sort_order", "field_id"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "field"], name="unitreports_one_value_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.field_id}"


class EntryException(BaseModel):
    """Entry reopened for one unit after the due date, until a date, granted by the office with a reason."""

    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="exceptions")
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(_("open until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-until", "-pk"]
        verbose_name = _("extension of entry")
        verbose_name_plural = _("extensions of entry")

    def __str__(self) -> str:
        return f"{self.request_id}/{self.org_unit_id}: {self.until}"
