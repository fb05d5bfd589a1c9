"""Administrative units after 1 July 2025: province -> commune/ward/special zone -> village.

The tree is stored with a materialised ``path`` ("/75/25195/25195-007/") so that "this area and
everything below it" is a single ``path__startswith`` filter, never a recursive loop.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel
from giamngheo.core.text import fold

from .choices import AreaLevel as AreaLevel  # re-exported: the constants live in choices.py
from .choices import DifficultyKind as DifficultyKind


class DivisionType(models.TextChoices):
    PROVINCE = "tinh", _("Province (tỉnh)")
    CITY = "thanh_pho", _("Centrally-run city")
    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")
    HAMLET = "ap", _("Hamlet (ấp)")
    VILLAGE = "thon", _("Village (thôn)")
    BAN = "ban", _("Village (bản)")
    SOC = "soc", _("Village (sóc)")
    QUARTER = "khu_pho", _("Quarter (khu phố)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group (tổ dân phố)")


VILLAGE_DIVISION_TYPES = (
    DivisionType.HAMLET,
    DivisionType.VILLAGE,
    DivisionType.BAN,
    DivisionType.SOC,
    DivisionType.QUARTER,
    DivisionType.RESIDENTIAL_GROUP,
)
URBAN_DIVISION_TYPES = (DivisionType.WARD, DivisionType.QUARTER, DivisionType.RESIDENTIAL_GROUP)

# Names used by the vietnam-provinces package -> our division types.
PACKAGE_DIVISION_TYPES = {
    "tỉnh": DivisionType.PROVINCE,
    "thành phố trung ương": DivisionType.CITY,
    "xã": DivisionType.COMMUNE,
    "phường": DivisionType.WARD,
    "đặc khu": DivisionType.SPECIAL_ZONE,
}


class Area(BaseModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices, db_index=True)
    division_type = models.CharField(_("type"), max_length=16, choices=DivisionType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    urban_override = models.BooleanField(
        _("urban (override)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow the unit type: wards are urban, communes are rural."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Other names of a village that a user confirmed (folded), e.g. "thon 3" for "Ấp 3": an import matches a
    # village by its folded name or one of these, never by a shared number alone.
    aliases = models.JSONField(_("other names"), default=list, db_default=[], blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=255, blank=True)
    data_source = models.CharField(_("data source"), max_length=120, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(parent__isnull=False),
                name="geo_area_parent_required_below_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        expected_parent: dict[str, str] = {
            AreaLevel.COMMUNE: AreaLevel.PROVINCE,
            AreaLevel.VILLAGE: AreaLevel.COMMUNE,
        }
        if self.level in expected_parent and (
            self.parent is None or self.parent.level != expected_parent[self.level]
        ):
            raise ValidationError({"parent": _("This unit must belong to a unit of the level above.")})

    @property
    def is_urban(self) -> bool:
        """Wards (and their quarters) count as urban, communes as rural, unless overridden."""
        if self.urban_override is not None:
            return self.urban_override
        if self.level == AreaLevel.VILLAGE and self.parent is not None:
            return self.parent.is_urban
        return self.division_type in URBAN_DIVISION_TYPES

    @property
    def area_type_label(self) -> str:
        return str(_("urban") if self.is_urban else _("rural"))

    def ancestors(self) -> list[Area]:
        """From the province down to the parent of this unit (for breadcrumbs)."""
        chain: list[Area] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class DifficultyPeriod(BaseModel):
    """A designation of a commune or village for a range of years: "especially difficult" (ĐBKK, a
    commune or a village) or "poor commune" (xã nghèo, a commune only), by ``kind``. Periods of one kind
    never overlap on one unit; a commune can be both at once."""

    area = models.ForeignKey(
        Area, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="difficulty_periods"
    )
    kind = models.CharField(
        _("designation"),
        max_length=30,
        choices=DifficultyKind.choices,
        default=DifficultyKind.ESPECIALLY_DIFFICULT,
        db_index=True,
    )
    from_year = models.PositiveSmallIntegerField(_("from year"))
    to_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["area__path", "from_year"]
        verbose_name = _("designation period")
        verbose_name_plural = _("designation periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(to_year__gte=models.F("from_year")),
                name="geo_difficulty_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.from_year}–{self.to_year or '…'}"

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


class AreaSuccession(BaseModel):
    """Unit history: ``predecessor`` was replaced (wholly or in part) by ``successor`` on ``effective_date``.

    Data recorded under an old unit is mapped to its successors through these rows.
    """

    predecessor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="predecessor_links")
    effective_date = models.DateField(_("effective date"))
    is_partial = models.BooleanField(_("partial"), default=False)
    legal_source = models.CharField(_("legal source"), max_length=255, blank=True)

    class Meta:
        ordering = ["effective_date", "predecessor__code"]
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date})"


class AreaBoundary(BaseModel):
    """The boundary of a unit (a commune, ward or special zone) as uploaded by the province: a GeoJSON
    geometry (Polygon or MultiPolygon, WGS 84 longitude/latitude), kept as JSON. Drawn on the dashboard's
    map without any tile server; never invented: a unit without an uploaded boundary has none."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField(_("geometry"))
    source = models.CharField(_("source"), max_length=255, blank=True)
    loaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.area_id}"
