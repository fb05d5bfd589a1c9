"""Grassroots poverty officers (cán bộ làm công tác giảm nghèo cơ sở) per commune, the training courses
of the department and who attended and completed them."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import OFFICERS_ACTIVE, OFFICERS_TRAINED, FundingProject, Position, Sex

__all__ = [
    "OFFICERS_ACTIVE",
    "OFFICERS_TRAINED",
    "Attendance",
    "Course",
    "FundingProject",
    "Officer",
    "Position",
    "Sex",
]


class Officer(BaseModel):
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="poverty_officers"
    )
    village = models.ForeignKey(
        "geo.Area",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    position_detail = models.CharField(_("position (as written)"), max_length=150, blank=True)
    since = models.DateField(_("in post since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name_folded", "pk"]
        verbose_name = _("grassroots poverty officer")
        verbose_name_plural = _("grassroots poverty officers")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("since")), name="training_officer_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Course(BaseModel):
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.PROTECT, related_name="training_courses"
    )
    title = models.CharField(_("title"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("organising unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_courses",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    content = models.TextField(_("content"), blank=True)
    funding_project = models.CharField(
        _("funding project"), max_length=8, choices=FundingProject.choices, default=FundingProject.P7
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="training_course_dates"),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(BaseModel):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="attendances"
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="attendances"
    )
    # NULL: not known yet (never counted as completed).
    completed = models.BooleanField(_("completed"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["officer__name_folded", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["course", "officer"], name="training_one_attendance_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.officer_id}"
