"""Disaster and epidemic relief: incidents (a storm, a flood, an epidemic…) in a province and the communes
they touched, the registry's households they affected with their damage, and the support those households
received (issue 15, decision 0023)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import AttachmentPath
from giamngheo.core.models import BaseModel
from giamngheo.households.reference import Category

ATTACHMENT_KINDS = ("pdf", "docx", "jpg", "jpeg", "png")


class IncidentKind(models.TextChoices):
    STORM = "storm", _("Storm")
    FLOOD = "flood", _("Flood")
    DROUGHT = "drought", _("Drought")
    LANDSLIDE = "landslide", _("Landslide")
    FIRE = "fire", _("Fire")
    EPIDEMIC = "epidemic", _("Epidemic")
    OTHER = "other", _("Other incident")


class HouseDamage(models.TextChoices):
    DESTROYED = "destroyed", _("Destroyed")
    BADLY_DAMAGED = "badly_damaged", _("Badly damaged")
    PARTLY_DAMAGED = "partly_damaged", _("Partly damaged")
    NOT_DAMAGED = "not_damaged", _("Not damaged")


class SupportKind(models.TextChoices):
    CASH = "cash", _("Cash")
    RICE = "rice", _("Rice")
    MATERIALS = "materials", _("Materials")
    HOUSE = "house", _("House repair or rebuilding")
    OTHER = "other", _("Other support")


class SupportSource(models.TextChoices):
    STATE = "state", _("State budget")
    FUND = "fund", _("“For the poor” fund")
    ORGANISATIONS = "organisations", _("Organisations and businesses")
    OTHER = "other", _("Other source")


class Incident(BaseModel):
    kind = models.CharField(_("type of incident"), max_length=16, choices=IncidentKind.choices)
    name = models.CharField(_("name"), max_length=255)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    communes = models.ManyToManyField(
        "geo.Area", verbose_name=_("affected communes"), related_name="+", through="IncidentCommune"
    )
    description = models.TextField(_("description"), blank=True)
    attachment = models.FileField(
        _("decision or report (scan)"),
        upload_to=AttachmentPath("relief"),
        max_length=255,
        blank=True,
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="relief_incident_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IncidentCommune(BaseModel):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="commune_links")
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("affected commune")
        verbose_name_plural = _("affected communes")
        constraints = [
            models.UniqueConstraint(fields=["incident", "commune"], name="relief_one_link_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}/{self.commune_id}"


class AffectedHousehold(BaseModel):
    """A household of the registry affected by an incident, with its damage; its category frozen at the
    time it was recorded."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="affected"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(
        _("category at the time"), max_length=16, choices=Category.choices, blank=True
    )
    dead = models.PositiveSmallIntegerField(_("people dead"))
    injured = models.PositiveSmallIntegerField(_("people injured"))
    # Unknown damage is NULL (never "not damaged"): the follow-up list and the events read it.
    house = models.CharField(  # noqa: DJ001
        _("house"), max_length=16, choices=HouseDamage.choices, null=True, blank=True
    )
    crops_m2 = models.PositiveIntegerField(_("crops lost (m²)"), null=True, blank=True)
    livestock = models.PositiveIntegerField(_("livestock lost (head)"), null=True, blank=True)
    estimated_loss = models.PositiveBigIntegerField(_("estimated loss (đồng)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["incident_id", "commune_id", "pk"]
        verbose_name = _("affected household")
        verbose_name_plural = _("affected households")
        constraints = [
            models.UniqueConstraint(fields=["incident", "household"], name="relief_one_record_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}/{self.household_id}"

    @property
    def has_damage(self) -> bool:
        return bool(
            self.dead
            or self.injured
            or self.house in HOUSE_DAMAGED
            or self.crops_m2
            or self.livestock
            or self.estimated_loss
        )


HOUSE_DAMAGED = (HouseDamage.DESTROYED, HouseDamage.BADLY_DAMAGED, HouseDamage.PARTLY_DAMAGED)
HOUSE_AT_RISK = (HouseDamage.DESTROYED, HouseDamage.BADLY_DAMAGED)


class Support(BaseModel):
    """Support given to an affected household after an incident."""

    affected = models.ForeignKey(
        AffectedHousehold,
        verbose_name=_("affected household"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="supports")
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of support"), max_length=16, choices=SupportKind.choices)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=SupportSource.choices)
    given_on = models.DateField(_("date given"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("relief support")
        verbose_name_plural = _("relief support")

    def __str__(self) -> str:
        return f"{self.affected_id}/{self.kind}"
