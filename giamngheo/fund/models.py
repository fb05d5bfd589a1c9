"""The yearly "Vì người nghèo" fund drive: campaigns of a province with their participating org units, the
donations (staff through their unit, units, businesses, other people) and the disbursements to households of
the registry. Money is whole đồng (integers), summed exactly."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import AttachmentPath
from giamngheo.core.models import BaseModel


class DonorKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    UNIT = "unit", _("Unit")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other person or organisation")


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    PAYROLL = "payroll", _("Payroll deduction")


class Purpose(models.TextChoices):
    LIVELIHOOD = "livelihood", _("Livelihood support")
    HOUSING = "housing", _("House building or repair")
    EDUCATION = "education", _("Schooling")
    HEALTH = "health", _("Health care")
    TET = "tet", _("Tết gifts")
    DISASTER = "disaster", _("Disaster relief")
    OTHER = "other", _("Other purpose")


class Campaign(BaseModel):
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.PROTECT, related_name="fund_campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=255)
    target_amount = models.PositiveBigIntegerField(_("target amount (đồng)"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    document_number = models.CharField(_("launching document number"), max_length=80, blank=True)
    document_date = models.DateField(_("launching document date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    units = models.ManyToManyField(
        "org.OrgUnit", verbose_name=_("participating units"), related_name="fund_campaigns", blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("fund campaign")
        verbose_name_plural = _("fund campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="fund_campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Donation(BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="donations"
    )
    donor_kind = models.CharField(_("donor kind"), max_length=12, choices=DonorKind.choices)
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_donations",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_donations",
    )
    donor_name = models.CharField(_("donor name"), max_length=255, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=40)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "receipt_number"], name="fund_donation_receipt_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_donation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number}"

    @property
    def donor_display(self) -> str:
        """The donor's name as recorded (never shown on the public page when anonymous)."""
        if self.donor_kind == DonorKind.STAFF and self.staff is not None:
            return self.staff.full_name
        if self.donor_kind == DonorKind.UNIT and self.org_unit is not None:
            return self.org_unit.name
        return self.donor_name


class Disbursement(BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="disbursements"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="fund_disbursements",
    )
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    date = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_file = models.FileField(
        _("scanned decision"), upload_to=AttachmentPath("fund"), max_length=255, blank=True
    )
    decision_file_name = models.CharField(max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_disbursement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.amount}"
