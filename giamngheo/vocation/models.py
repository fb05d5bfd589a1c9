"""Vocational training and job placement (issue 15, item 2): courses, their trainees (members of the
registry's households or other workers) with their outcomes, and job-fair / job-introduction sessions with
the people placed. A fact never collected is NULL (unknown)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel


class Level(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary level (sơ cấp)")
    SHORT = "under_3_months", _("Under 3 months")


class Funding(models.TextChoices):
    PROJECT_4 = "project_4", _("Project 4: vocational education and sustainable employment")
    LOCAL = "local_budget", _("Local budget")
    OTHER = "other", _("Other source")


class Background(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    ESCAPED = "newly_escaped", _("Newly escaped poverty or near-poverty")
    OTHER = "other", _("Other worker")


class SessionKind(models.TextChoices):
    FAIR = "job_fair", _("Job fair")
    INTRODUCTION = "job_introduction", _("Job introduction session")


class Course(BaseModel):
    trade = models.CharField(_("trade"), max_length=150)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    organiser = models.CharField(_("organiser"), max_length=255)
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("held in"), on_delete=models.PROTECT, related_name="vocation_courses"
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    cost = models.PositiveBigIntegerField(_("cost (đồng)"), null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=16, choices=Funding.choices)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-ends_on", "trade", "pk"]
        verbose_name = _("vocational course")
        verbose_name_plural = _("vocational courses")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="vocation_course_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.trade} ({self.starts_on:%d/%m/%Y})"


class Trainee(BaseModel):
    """A person enrolled in a course. A member of the registry keeps the link; their name, commune and
    background are copied at enrolment and frozen (a later change in the registry does not rewrite them)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="trainees")
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    background = models.CharField(_("background"), max_length=16, choices=Background.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    completed = models.BooleanField(_("completed the course"), null=True, blank=True)
    certificate = models.BooleanField(_("certificate"), null=True, blank=True)
    employed_6m = models.BooleanField(_("employed within 6 months"), null=True, blank=True)
    employed_on = models.DateField(_("employed on"), null=True, blank=True)
    employer = models.CharField(_("employer or place of work"), max_length=255, blank=True)
    self_employed = models.BooleanField(_("self-employed"), null=True, blank=True)
    export_country = models.CharField(_("labour export: country"), max_length=80, blank=True)
    export_from = models.DateField(_("contract start"), null=True, blank=True)
    export_to = models.DateField(_("contract end"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["course", "full_name", "pk"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "member"],
                condition=Q(member__isnull=False),
                name="vocation_one_member_per_course",
            ),
            models.CheckConstraint(
                condition=Q(export_to__isnull=True)
                | Q(export_from__isnull=True)
                | Q(export_to__gte=F("export_from")),
                name="vocation_trainee_contract_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class JobSession(BaseModel):
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("held in"), on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.CharField(_("organiser"), max_length=255)
    attendees = models.PositiveIntegerField(_("people attending"), null=True, blank=True)
    employers = models.PositiveIntegerField(_("employers taking part"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("job session")
        verbose_name_plural = _("job sessions")

    def __str__(self) -> str:
        return f"{self.place} ({self.held_on:%d/%m/%Y})"


class Placement(BaseModel):
    """A person placed in a job through a session: a trainee or a member of the registry."""

    session = models.ForeignKey(JobSession, on_delete=models.CASCADE, related_name="placements")
    trainee = models.ForeignKey(Trainee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(
        "households.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.CharField(_("placed with"), max_length=255)

    class Meta:
        ordering = ["session", "full_name", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=Q(member__isnull=False),
                name="vocation_one_member_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "trainee"],
                condition=Q(trainee__isnull=False),
                name="vocation_one_trainee_per_session",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name
