"""Scoring of the emulation: criteria sets with points (four kinds of criterion), a score sheet per unit,
the unit's self-assessment and the council's score. Some criteria are computed from the other modules (a
``source`` key, scoring/sources.py); each entry keeps where its number comes from. A value never entered or
computed is unknown (NULL), never zero."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import CriterionKind, Scale, SetStatus, SheetStatus

__all__ = [
    "CriteriaSet",
    "Criterion",
    "CriterionKind",
    "Scale",
    "ScoreEntry",
    "ScoreSheet",
    "SetStatus",
    "SheetStatus",
]


class CriteriaSet(BaseModel):
    """The criteria by which the units of one emulation cluster (khối thi đua) are judged in a year's plan."""

    plan = models.ForeignKey(
        "emulation.MovementPlan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="criteria_sets",
    )
    name = models.CharField(_("name"), max_length=300)
    cluster = models.CharField(_("emulation cluster"), max_length=200, blank=True)
    units = models.ManyToManyField("org.OrgUnit", verbose_name=_("units scored"), related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT)
    self_deadline = models.DateField(_("self-assessment due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-plan__year", "pk"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self) -> str:
        return self.name


class Criterion(BaseModel):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("number"), max_length=12)
    group = models.CharField(_("group"), max_length=200, blank=True)
    name = models.CharField(_("criterion"), max_length=400)
    kind = models.CharField(_("kind"), max_length=16, choices=CriterionKind.choices)
    # QUANTITY: up to max_points, value / target (or / the best value in the cluster) × max_points, capped;
    # PASS_FAIL: max_points or 0; COUNT: value × points_each, capped at max_points when it is set;
    # BONUS_PENALTY: value × points_each, points_each negative for a penalty.
    max_points = models.DecimalField(
        _("maximum points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    points_each = models.DecimalField(_("points each"), max_digits=7, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    scale = models.CharField(_("scaled"), max_length=8, choices=Scale.choices, blank=True)
    source = models.CharField(_("computed from"), max_length=40, blank=True)  # "" = entered
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="scoring_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ScoreSheet(BaseModel):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sheets")
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    self_total = models.DecimalField(
        _("self-assessed points"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    council_total = models.DecimalField(
        _("council's points"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored on"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("council's remarks"), blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["org_unit__path"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "org_unit"], name="scoring_one_sheet_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set_id}/{self.org_unit_id}"


class ScoreEntry(BaseModel):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="entries")
    self_value = models.DecimalField(
        _("value (unit)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    self_points = models.DecimalField(
        _("points (unit)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    council_value = models.DecimalField(
        _("value (council)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    council_points = models.DecimalField(
        _("points (council)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    computed_value = models.DecimalField(
        _("computed value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    provenance = models.TextField(_("where the number comes from"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["criterion__sort_order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="scoring_one_entry_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.criterion_id}"
