"""Reads of the geography, always through ``accounts.scoping``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_ancestor_q, area_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold, vi_sort_key

from .models import Area, AreaLevel, AreaSuccession, DifficultyKind, DifficultyPeriod


def current_year() -> int:
    return timezone.localdate().year


def _in_force(year: int) -> Q:
    """Designation periods in force in ``year``."""
    return Q(from_year__lte=year) & (Q(to_year__isnull=True) | Q(to_year__gte=year))


def _difficult_in(year: int, kind: str = DifficultyKind.ESPECIALLY_DIFFICULT) -> Exists:
    return Exists(DifficultyPeriod.objects.filter(_in_force(year), area=OuterRef("pk"), kind=kind))


# Lists of at most this many units are put in Vietnamese alphabetical order (``core.text.vi_sort_key``:
# "Bảo Vinh" before "Bình Phước", "Đ…" after "D…"); longer ones keep the database's order by name.
VI_ORDER_LIMIT = 1000
M = TypeVar("M", bound=Model)


def vi_ordered(qs: QuerySet[M], *, field: str = "name", limit: int = VI_ORDER_LIMIT) -> QuerySet[M]:
    """``qs`` in Vietnamese alphabetical order of ``field`` (a unit's name: its type left out), still a
    queryset (for form fields and pagination); unchanged when it has more than ``limit`` rows."""
    rows = list(qs.order_by().values_list("pk", field)[: limit + 1])
    if not rows or len(rows) > limit:
        return qs
    ranked = sorted(rows, key=lambda row: vi_sort_key(str(row[1] or "")))
    rank = Case(
        *[When(pk=pk, then=Value(i)) for i, (pk, _name) in enumerate(ranked)],
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    return qs.order_by(rank, "pk")


def area_list(*, user: User) -> QuerySet[Area]:
    """Every active area the user may see."""
    return Area.objects.filter(area_q(user), is_active=True)


# --- Pickers: the units a user may choose in a form ---------------------------------------------------
# Active units of the user's scope (``accounts.scoping``, as ``area_list``), each in a stable order: the
# provinces and the tree in code order (the materialised path), communes and the villages of one commune
# in Vietnamese alphabetical order (``vi_ordered``). Views call these, never
# ``area_list(...).filter(level=...)``.


def provinces_to_pick(*, user: User, by_name: bool = False) -> QuerySet[Area]:
    """The active provinces the user may choose, in code order (``by_name``: in name order)."""
    qs = area_list(user=user).filter(level=AreaLevel.PROVINCE)
    return vi_ordered(qs) if by_name else qs.order_by("path")


def province_to_pick(*, user: User, code: str) -> Area | None:
    """The active province of this code if the user may choose it, else ``None``."""
    return provinces_to_pick(user=user).filter(code=code).first()


def communes_to_pick(*, user: User, province: Area | None = None) -> QuerySet[Area]:
    """The active communes (wards, special zones) the user may choose, by name; only those of
    ``province`` if given."""
    qs = area_list(user=user).filter(level=AreaLevel.COMMUNE)
    if province is not None:
        qs = qs.filter(parent=province)
    return vi_ordered(qs.order_by("name"))


def commune_to_pick(*, user: User, commune_id: int) -> Area | None:
    """The active commune of this id if the user may choose it, else ``None``."""
    return area_list(user=user).filter(level=AreaLevel.COMMUNE, pk=commune_id).first()


def villages_to_pick(*, user: User, commune: Area | None = None, active_only: bool = True) -> QuerySet[Area]:
    """The villages the user may choose (only active ones unless ``active_only`` is false): those of
    ``commune`` in Vietnamese alphabetical order, or every one of the scope in tree order (commune by
    commune)."""
    qs = Area.objects.filter(area_q(user), level=AreaLevel.VILLAGE)
    if active_only:
        qs = qs.filter(is_active=True)
    if commune is not None:
        return vi_ordered(qs.filter(parent=commune).order_by("code"))
    return qs.order_by("path")


def scope_units_to_pick(*, user: User) -> QuerySet[Area]:
    """The active provinces and communes the user may choose (e.g. as a user's scope), in tree order: each
    province followed by its communes."""
    return area_list(user=user).filter(level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE]).order_by("path")


def communes_in_scope(*, user: User) -> QuerySet[Area]:
    """The communes (wards, special zones) of the user's scope, former ones included: the filter of every
    read of data kept per commune (households, coverage, support)."""
    return Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE)


def visible_area_ids(*, user: User, area_ids: list[int]) -> set[int]:
    """Those of ``area_ids`` the user may see (e.g. the communes of a stored result to show)."""
    return set(Area.objects.filter(area_q(user), pk__in=area_ids).values_list("pk", flat=True))


def access_area_by_id(*, user: User, area_id: int) -> Area:
    """The area if it exists and the user may see it; otherwise ``NotFound`` (same for both)."""
    area = Area.objects.filter(area_q(user), pk=area_id).select_related("parent", "parent__parent").first()
    if area is None:
        raise NotFound("area")
    return area


def area_breadcrumb(*, user: User, area: Area) -> list[tuple[Area, bool]]:
    """Ancestors of ``area`` with a flag telling whether the user may open each of them."""
    visible = set(
        Area.objects.filter(area_q(user), path__in=[a.path for a in area.ancestors()]).values_list(
            "pk", flat=True
        )
    )
    return [(a, a.pk in visible) for a in area.ancestors()]


@dataclass(frozen=True)
class CommuneFilters:
    q: str = ""
    division_type: str = ""
    difficult: bool = False
    former_province: str = ""
    year: int | None = None


def commune_list(*, user: User, filters: CommuneFilters | None = None) -> QuerySet[Area]:
    """Communes, wards and special zones the user may see, with village counts and flags."""
    filters = filters or CommuneFilters()
    year = filters.year or current_year()
    qs = (
        Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE, is_active=True)
        .select_related("parent")
        .annotate(
            # A correlated subquery, not a JOIN + GROUP BY: computed only for the rows of the page.
            village_count=Coalesce(
                Subquery(
                    Area.objects.filter(parent=OuterRef("pk"), level=AreaLevel.VILLAGE, is_active=True)
                    .values("parent")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            is_difficult=_difficult_in(year),
            is_poor=_difficult_in(year, DifficultyKind.POOR_COMMUNE),
            former=Exists(AreaSuccession.objects.filter(successor=OuterRef("pk"))),
        )
        .order_by("name")
    )
    if filters.q:
        qs = qs.filter(Q(name_folded__contains=fold(filters.q)) | Q(code=filters.q.strip()))
    if filters.division_type:
        qs = qs.filter(division_type=filters.division_type)
    if filters.difficult:
        qs = qs.filter(is_difficult=True)
    if filters.former_province:
        qs = qs.filter(predecessor_links__predecessor__code=filters.former_province)
    return vi_ordered(qs)


def village_list(*, user: User, commune: Area, year: int | None = None) -> QuerySet[Area]:
    return (
        Area.objects.filter(area_q(user), parent=commune, level=AreaLevel.VILLAGE)
        .annotate(is_difficult=_difficult_in(year or current_year()))
        .order_by("-is_active", "code")
    )


def difficulty_periods(*, user: User, area: Area) -> QuerySet[DifficultyPeriod]:
    return DifficultyPeriod.objects.filter(area_q(user, "area__path"), area=area)


def access_difficulty_period_by_id(*, user: User, period_id: int) -> DifficultyPeriod:
    period = (
        DifficultyPeriod.objects.filter(area_q(user, "area__path"), pk=period_id)
        .select_related("area")
        .first()
    )
    if period is None:
        raise NotFound("difficulty period")
    return period


def former_provinces(*, user: User) -> QuerySet[Area]:
    """Former provinces whose units are now (partly) in the user's scope."""
    visible = Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE)
    return (
        Area.objects.filter(successor_links__successor__in=visible, is_active=False)
        .distinct()
        .order_by("name")
    )


def predecessors(*, area: Area) -> QuerySet[Area]:
    return Area.objects.filter(successor_links__successor=area).order_by("name")


@dataclass(frozen=True)
class ScopeSummary:
    provinces: int
    communes: int
    wards: int
    special_zones: int
    villages: int
    difficult_communes: int
    difficult_villages: int


def scope_summary(*, user: User, year: int | None = None) -> ScopeSummary:
    year = year or current_year()
    counts = Area.objects.filter(area_q(user), is_active=True).aggregate(
        provinces=Count("pk", filter=Q(level=AreaLevel.PROVINCE)),
        communes=Count("pk", filter=Q(level=AreaLevel.COMMUNE, division_type="xa")),
        wards=Count("pk", filter=Q(level=AreaLevel.COMMUNE, division_type="phuong")),
        special_zones=Count("pk", filter=Q(level=AreaLevel.COMMUNE, division_type="dac_khu")),
        villages=Count("pk", filter=Q(level=AreaLevel.VILLAGE)),
    )
    difficult = DifficultyPeriod.objects.filter(
        _in_force(year),
        area_q(user, "area__path"),
        area__is_active=True,
        kind=DifficultyKind.ESPECIALLY_DIFFICULT,
    ).aggregate(
        difficult_communes=Count("area", distinct=True, filter=Q(area__level=AreaLevel.COMMUNE)),
        difficult_villages=Count("area", distinct=True, filter=Q(area__level=AreaLevel.VILLAGE)),
    )
    return ScopeSummary(**counts, **difficult)


def visible_parent_names(*, user: User) -> QuerySet[Area]:
    """Units above the user's scope, for the shell header (names only)."""
    return Area.objects.filter(area_ancestor_q(user)).order_by("path")


def especially_difficult_ids(*, year: int) -> set[int]:
    """IDs of communes and villages flagged as especially difficult in ``year`` (no scope: IDs only; a
    poor-commune designation is not one)."""
    return set(
        DifficultyPeriod.objects.filter(
            _in_force(year), kind=DifficultyKind.ESPECIALLY_DIFFICULT
        ).values_list("area_id", flat=True)
    )


def poor_commune_ids(*, year: int) -> set[int]:
    """IDs of the communes flagged as poor communes (xã nghèo) in ``year`` (no scope: IDs only)."""
    return set(
        DifficultyPeriod.objects.filter(_in_force(year), kind=DifficultyKind.POOR_COMMUNE).values_list(
            "area_id", flat=True
        )
    )


def today() -> dt.date:
    return timezone.localdate()


# Boundaries (the dashboard's map) ------------------------------------------------------------------------
def boundary_provinces(*, user: User) -> QuerySet[Area]:
    """The provinces the user sees as a whole (whose boundaries they may load)."""
    return Area.objects.filter(area_q(user), level=AreaLevel.PROVINCE, is_active=True).order_by("name_folded")


def boundary_count(*, user: User, province: Area) -> int:
    """How many of the visible communes of ``province`` have a boundary."""
    from .models import AreaBoundary

    return AreaBoundary.objects.filter(
        area_q(user, "area__path"), area__parent=province, area__level=AreaLevel.COMMUNE
    ).count()


def boundary_loaded_at(*, province: Area) -> dt.datetime | None:
    from .models import AreaBoundary

    row = AreaBoundary.objects.filter(area__parent=province).order_by("-loaded_at").first()
    return row.loaded_at if row is not None else None


def boundaries_geojson(*, user: User, province: Area) -> dict[str, Any]:
    """A FeatureCollection of the boundaries of the communes of ``province`` that the user may see. Each
    feature's ``properties``: ``name`` (the commune's code: the key the map's data use), ``label`` (its
    name) and ``id``."""
    from .models import AreaBoundary

    rows = (
        AreaBoundary.objects.filter(area_q(user, "area__path"), area__parent=province)
        .select_related("area")
        .order_by("area__code")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": row.area.code, "label": row.area.name, "id": row.area_id},
                "geometry": row.geometry,
            }
            for row in rows
        ],
    }
