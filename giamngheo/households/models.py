"""The household registry: households, their members, and the history of both.

Scope follows the household's commune (``commune.path``). ``version`` implements optimistic locking:
a service refuses a write made from a stale version, so two officers never silently overwrite each other.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.core.models import BaseModel

from .reference import (
    Category,
    Education,
    Employment,
    Latrine,
    Relationship,
    Sex,
    WasteHandling,
    WaterSource,
    ethnic_groups,
)


def _ethnic_choices() -> list[tuple[str, str]]:
    return ethnic_groups()


class Household(BaseModel):
    # No index of the creation time: no query reads it (decision 0038).
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    code = models.CharField(_("household code"), max_length=32)
    # No index of their own: (commune, category), (commune, code) and (village, category) lead with them
    # (one index less to write per household; decision 0037).
    commune = models.ForeignKey(
        "geo.Area",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    village = models.ForeignKey(
        "geo.Area",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="village_households",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    head_name = models.CharField(_("head of household"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    ethnic_group = models.CharField(_("ethnic group"), max_length=2, choices=_ethnic_choices, default="01")
    is_ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    # Living conditions (survey form B).
    walls_durable = models.BooleanField(_("durable walls"), null=True, blank=True)
    columns_durable = models.BooleanField(_("durable columns"), null=True, blank=True)
    roof_durable = models.BooleanField(_("durable roof"), null=True, blank=True)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    water_source = models.CharField(_("water source"), max_length=24, choices=WaterSource.choices, blank=True)
    latrine = models.CharField(_("latrine"), max_length=24, choices=Latrine.choices, blank=True)
    # None: never asked (unknown); []: asked, the household owns none of the listed devices.
    devices = models.JSONField(_("information devices"), null=True, blank=True, default=None)
    waste_handling = models.CharField(
        _("waste handling"), max_length=24, choices=WasteHandling.choices, blank=True
    )
    income_per_capita = models.PositiveBigIntegerField(
        _("income per person per month (VND)"), null=True, blank=True
    )
    no_working_capacity = models.BooleanField(
        _("no member able to work"),
        default=False,
        help_text=_("Recorded at the review: no member of the household is able to work."),
    )
    has_meritorious_member = models.BooleanField(
        _("household of a person with meritorious services"), null=True, blank=True
    )
    social_protection = models.BooleanField(_("social protection household"), null=True, blank=True)
    # The number of persons the commune's list declares ("Số nhân khẩu"); person counts use it until the
    # members are listed.
    declared_persons = models.PositiveSmallIntegerField(
        _("declared number of persons"), null=True, blank=True
    )
    poverty_causes = models.JSONField(_("causes of poverty"), default=list, db_default=[], blank=True)
    note = models.TextField(_("note"), blank=True, default="", db_default="")
    # Recognised status (the latest decision of the commune chairperson).
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    provincial_category = models.CharField(
        _("category (provincial standard)"), max_length=16, choices=Category.choices, blank=True
    )
    category_since = models.DateField(_("recognised on"), null=True, blank=True)
    category_decision = models.CharField(
        _("recognition decision number"), max_length=60, blank=True, default="", db_default=""
    )
    # Deprived indicators of the latest classification, as "|water|sanitation|" for simple filtering.
    deprived_keys = models.CharField(max_length=255, blank=True, default="")
    # Indicators the latest classification could not evaluate (facts not known), as "|key|key|".
    unknown_keys = models.CharField(max_length=255, blank=True, default="", db_default="")
    # The engine's latest result on the registry's facts (a reclassification refreshes it; the
    # recognised ``category`` only changes by a decision).
    engine_standard = models.CharField(max_length=32, blank=True, default="")
    engine_category = models.CharField(max_length=16, choices=Category.choices, blank=True, default="")
    engine_provincial_category = models.CharField(
        max_length=16, choices=Category.choices, blank=True, default=""
    )
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The history is read by household (id) and by date: the other indexes the live table has would only be
    # written (decision 0037). Its user is not a foreign key in the database: checking it for each of a
    # province's 5.4 million history rows was a tenth of the server's work in its import (decision 0039;
    # the ORM still empties it when a user is deleted).
    history = HistoricalRecords(
        excluded_fields=["search_text", "updated_at"],
        no_db_index=["created_at", "is_ethnic_minority", "category", "commune", "village"],
        user_db_constraint=False,
    )

    class Meta:
        ordering = ["commune__name", "village__code", "code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="households_code_per_commune")
        ]
        indexes = [
            models.Index(fields=["commune", "category"]),
            models.Index(fields=["village", "category"]),
            # Scoped counts of the registry ("active households of these communes") read only this index.
            models.Index(
                fields=["commune"], condition=models.Q(is_active=True), name="households_active_commune"
            ),
            # The API's incremental sync walks the registry in (updated_at, id) order.
            models.Index(fields=["updated_at", "id"], name="households_updated_id"),
            # (An index of its own rather than db_index: no second "LIKE" index on PostgreSQL.)
            models.Index(fields=["category"], name="households_category"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.head_name}"


class Member(BaseModel):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)  # no index (decision 0038)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    # Only the year of birth is known (the commune's lists give "Năm sinh"): date_of_birth is 1 January.
    birth_year_only = models.BooleanField(
        _("only the year of birth is known"), default=False, db_default=False
    )
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=Relationship.choices)
    national_id = models.CharField(_("national ID number"), max_length=12, null=True, blank=True, unique=True)
    ethnic_group = models.CharField(_("ethnic group"), max_length=2, choices=_ethnic_choices, default="01")
    has_health_insurance = models.BooleanField(_("has health insurance"), null=True, blank=True)
    in_education = models.BooleanField(_("studying or in training"), null=True, blank=True)
    attending_appropriate_level = models.BooleanField(
        _("at the school level for their age"), null=True, blank=True
    )
    education = models.CharField(_("education level"), max_length=20, choices=Education.choices, blank=True)
    employment = models.CharField(_("employment"), max_length=24, choices=Employment.choices, blank=True)
    disabled = models.BooleanField(_("disability"), null=True, blank=True, default=None)
    monthly_social_allowance = models.BooleanField(
        _("monthly social allowance"), null=True, blank=True, default=None
    )
    stunted = models.BooleanField(_("stunted (children under 16)"), null=True, blank=True)
    underweight = models.BooleanField(_("underweight (children under 16)"), null=True, blank=True)
    uses_internet = models.BooleanField(_("uses the internet"), null=True, blank=True)
    is_active = models.BooleanField(_("lives in the household"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["created_at", "national_id"], user_db_constraint=False
    )

    class Meta:
        ordering = ["household", "date_of_birth"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["updated_at", "id"], name="members_updated_id")]

    def __str__(self) -> str:
        return self.full_name


class TombstoneKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    MEMBER = "member", _("member")


class Tombstone(models.Model):
    """A household or member deleted from the registry: what an incremental sync (the API's
    ``updated_since``) needs to delete it on the other side too. Written by ``services.household_delete`` and
    ``services.member_delete``; scoped by the commune the object belonged to."""

    kind = models.CharField(max_length=16, choices=TombstoneKind.choices)
    object_id = models.BigIntegerField()
    household_id = models.BigIntegerField()
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["deleted_at", "id"], name="tombstones_deleted_id")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
