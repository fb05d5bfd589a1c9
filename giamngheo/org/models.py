"""The department (Sở), its divisions (phòng) and affiliated units (đơn vị sự nghiệp), and staff.

Names are data with their legal source and validity: since 2025 poverty reduction sits with the
Department of Agriculture and Environment in most provinces, and names will change again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel
from giamngheo.core.text import fold


class OrgUnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department (Sở)")
    DIVISION = "division", _("Division (phòng)")
    AFFILIATED_UNIT = "affiliated_unit", _("Affiliated unit (đơn vị sự nghiệp)")
    OTHER = "other", _("Other unit")


class OrgUnit(BaseModel):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="org_units",
        help_text=_("The province whose administration the unit belongs to."),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    legal_source = models.CharField(
        _("legal source"),
        max_length=255,
        blank=True,
        help_text=_("Decision establishing or renaming the unit."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class StaffType(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant (công chức)")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee (viên chức)")
    WORKER = "worker", _("Worker (người lao động)")


class Staff(BaseModel):
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    staff_type = models.CharField(_("staff type"), max_length=20, choices=StaffType.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))], blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_record",
    )
    is_active = models.BooleanField(_("working"), default=True)

    class Meta:
        ordering = ["org_unit__path", "full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
