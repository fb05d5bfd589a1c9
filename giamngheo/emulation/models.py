"""Emulation movements (phong trào thi đua) of the department: the movement and its yearly plans, the units
taking part, their registrations (commitments and the titles aimed for), and the guidance tasks assigned to
divisions whose on-time rate feeds the scores. Facts: shared/domain/emulation.md §1."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import MovementKind, RegistrationStatus, TaskStatus

__all__ = [
    "GuidanceTask",
    "Movement",
    "MovementKind",
    "MovementPlan",
    "Registration",
    "RegistrationLine",
    "RegistrationStatus",
    "TaskStatus",
]


class Movement(BaseModel):
    organiser = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="movements"
    )
    name = models.CharField(_("name"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MovementKind.choices, default=MovementKind.REGULAR
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    launch_number = models.CharField(_("launching document"), max_length=60, blank=True)
    launch_date = models.DateField(_("launched on"), null=True, blank=True)
    launch_issuer = models.CharField(_("launched by"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    content = models.TextField(_("contents"), blank=True)
    criteria_text = models.TextField(_("criteria of evaluation"), blank=True)
    participants = models.ManyToManyField(
        "org.OrgUnit", verbose_name=_("units taking part"), related_name="+", blank=True
    )
    all_staff = models.BooleanField(_("all staff of the units take part"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year_from", "-pk"]
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="emulation_movement_years"),
        ]

    def __str__(self) -> str:
        return self.name


class MovementPlan(BaseModel):
    """The movement's plan for one year ("continue the movement in 2024")."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("plan document"), max_length=60, blank=True)
    document_date = models.DateField(_("plan dated"), null=True, blank=True)
    content = models.TextField(_("contents of the year"), blank=True)
    registration_deadline = models.DateField(_("register by"), null=True, blank=True)
    interim_review_on = models.DateField(_("interim review on"), null=True, blank=True)
    final_review_on = models.DateField(_("final review on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("yearly plan of a movement")
        verbose_name_plural = _("yearly plans of movements")
        constraints = [models.UniqueConstraint(fields=["movement", "year"], name="emulation_one_plan_a_year")]

    def __str__(self) -> str:
        return self.title


class Registration(BaseModel):
    """A unit's registration for a year's plan: its commitments and the titles it and its staff aim for."""

    plan = models.ForeignKey(MovementPlan, on_delete=models.CASCADE, related_name="registrations")
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="emulation_registrations",
    )
    commitments = models.TextField(_("commitments"))
    collective_title = models.ForeignKey(
        "commendation.Title",
        verbose_name=_("title aimed for by the unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["org_unit__path"]
        verbose_name = _("emulation registration")
        verbose_name_plural = _("emulation registrations")
        constraints = [
            models.UniqueConstraint(fields=["plan", "org_unit"], name="emulation_one_registration_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.plan_id}"


class RegistrationLine(BaseModel):
    """A staff member's registered title (and form of commendation, and initiative topic)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="lines")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.ForeignKey(
        "commendation.Title", verbose_name=_("title aimed for"), on_delete=models.PROTECT, related_name="+"
    )
    form = models.ForeignKey(
        "commendation.Title",
        verbose_name=_("form of commendation aimed for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    initiative_topic = models.CharField(_("initiative topic"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("registered title")
        verbose_name_plural = _("registered titles")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "staff"], name="emulation_registration_staff_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.title_id}"


class GuidanceTask(BaseModel):
    """A task assigned to a division: a guidance document to issue by a deadline. Issued on or before the
    deadline counts as on time; a task still open after its deadline counts as late."""

    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("division"), on_delete=models.PROTECT, related_name="guidance_tasks"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("task"), max_length=300)
    document = models.CharField(_("document to issue"), max_length=300)
    source = models.CharField(_("assigned by (document)"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    document_number = models.CharField(_("number of the document issued"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("guidance task")
        verbose_name_plural = _("guidance tasks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.ISSUED) | Q(issued_on__isnull=False),
                name="emulation_task_issued_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title
