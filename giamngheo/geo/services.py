"""Writes to the geography. Every function is atomic and audited."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import NotFound, ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.core.text import fold

from . import sources
from .models import (
    PACKAGE_DIVISION_TYPES,
    VILLAGE_DIVISION_TYPES,
    Area,
    AreaBoundary,
    AreaLevel,
    AreaSuccession,
    DifficultyKind,
    DifficultyPeriod,
    DivisionType,
)

REORGANISATION_DATE = dt.date(2025, 7, 1)


@dataclass
class LoadResult:
    province: Area
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    legacy_links: int = 0
    unmatched_legacy: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _upsert(values: dict[str, Any], result: LoadResult) -> Area:
    area = Area.objects.filter(code=values["code"]).first()
    if area is None:
        area = Area(**values)
        area.save()
        result.created += 1
        return area
    changed = False
    for key, value in values.items():
        if getattr(area, key) != value:
            setattr(area, key, value)
            changed = True
    if changed:
        area.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return area


@transaction.atomic
def geo_load_province(*, province_code: int, acting_user: User | None = None) -> LoadResult:
    """Load (or refresh) a province and its commune-level units from the package. Idempotent.

    Villages, urban overrides and difficulty flags are ours and are never touched here.
    """
    loaded = sources.load_province(province_code)
    if loaded is None:
        raise NotFound(
            _("There is no province with code %(code)s. Valid codes: %(codes)s.")
            % {"code": province_code, "codes": ", ".join(str(c) for c in sources.province_codes())},
            extra={"field": "province"},
        )
    source_province, source_units = loaded
    data_source = sources.package_version()
    result = LoadResult(province=Area())
    province = _upsert(
        {
            "code": source_province.code,
            "name": source_province.name,
            "level": AreaLevel.PROVINCE,
            "division_type": PACKAGE_DIVISION_TYPES[source_province.division_type],
            "parent": None,
            "is_active": True,
            "valid_from": REORGANISATION_DATE,
            "data_source": data_source,
        },
        result,
    )
    result.province = province
    by_code: dict[str, Area] = {}
    for unit in source_units:
        by_code[unit.code] = _upsert(
            {
                "code": unit.code,
                "name": unit.name,
                "level": AreaLevel.COMMUNE,
                "division_type": PACKAGE_DIVISION_TYPES[unit.division_type],
                "parent": province,
                "is_active": True,
                "valid_from": REORGANISATION_DATE,
                "data_source": data_source,
            },
            result,
        )
    by_name = {area.name: area for area in by_code.values()}
    for legacy in sources.legacy_provinces(province_code):
        old = Area.objects.filter(code=f"L{legacy.code}").first()
        old_values = {
            "name": legacy.name,
            "level": AreaLevel.PROVINCE,
            "division_type": PACKAGE_DIVISION_TYPES["tỉnh"],
            "is_active": False,
            "valid_to": dt.date.fromisoformat(legacy.valid_to),
            "legal_source": legacy.legal_source,
            "data_source": legacy.data_source,
        }
        if old is None:
            old = Area.objects.create(code=f"L{legacy.code}", **old_values)
        for code, name in legacy.successors:
            successor = by_code.get(code) or by_name.get(name)
            if successor is None:
                result.unmatched_legacy.append(f"{name} ({code})")
                continue
            AreaSuccession.objects.get_or_create(
                predecessor=old,
                successor=successor,
                defaults={
                    "effective_date": REORGANISATION_DATE,
                    "is_partial": False,
                    "legal_source": legacy.legal_source,
                },
            )
            result.legacy_links += 1
    if result.created or result.updated:
        audit_record(
            actor=acting_user,
            action="geo.load",
            target=province,
            after={"created": result.created, "updated": result.updated, "source": data_source},
        )
    return result


def _check_commune(commune: Area) -> None:
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(_("Villages can only be added to a commune, ward or special zone."))


def _check_village_name(*, commune: Area, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("Enter the village name."), extra={"field": "name"})
    clash = Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE, name_folded=fold(name))
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed(
            _("%(commune)s already has a village named “%(name)s”.")
            % {"commune": commune.name, "name": name},
            extra={"field": "name"},
        )
    return name


def _next_village_code(commune: Area) -> str:
    count = Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE).count()
    taken = set(Area.objects.filter(parent=commune).values_list("code", flat=True))
    seq = count + 1
    while f"{commune.code}-{seq:03d}" in taken:
        seq += 1
    return f"{commune.code}-{seq:03d}"


@transaction.atomic
def village_create(*, commune: Area, name: str, division_type: str, acting_user: User | None) -> Area:
    _check_commune(commune)
    if division_type not in VILLAGE_DIVISION_TYPES:
        raise ValidationFailed(_("Choose a valid village type."), extra={"field": "division_type"})
    name = _check_village_name(commune=commune, name=name)
    village = Area.objects.create(
        code=_next_village_code(commune),
        name=name,
        level=AreaLevel.VILLAGE,
        division_type=division_type,
        parent=commune,
    )
    audit_record(actor=acting_user, action="geo.village.create", target=village, after=snapshot(village))
    return village


@transaction.atomic
def village_alias_confirm(*, village: Area, alias: str, acting_user: User | None) -> Area:
    """Remember that ``alias`` (as a commune's list writes it, e.g. "Thôn 3") names ``village`` ("Ấp 3"):
    imports then match it. Refused when another village of the commune has that name or alias."""
    locked = Area.objects.select_for_update().get(pk=village.pk)
    if locked.level != AreaLevel.VILLAGE:
        raise ValidationFailed(_("Only a village can have other names."))
    folded = fold(alias)
    if not folded:
        raise ValidationFailed(_("Enter the village name."), extra={"field": "name"})
    if folded == locked.name_folded or folded in locked.aliases:
        return locked
    siblings = Area.objects.filter(parent_id=locked.parent_id, level=AreaLevel.VILLAGE).exclude(pk=locked.pk)
    for other in siblings.only("pk", "name", "name_folded", "aliases"):
        if other.name_folded == folded or folded in (other.aliases or []):
            raise ValidationFailed(
                _("“%(alias)s” already names the village %(village)s.")
                % {"alias": alias, "village": other.name}
            )
    before = {"aliases": list(locked.aliases)}
    locked.aliases = [*locked.aliases, folded]
    locked.save(update_fields=["aliases", "updated_at"])
    audit_record(
        actor=acting_user,
        action="geo.village.alias",
        target=locked,
        before=before,
        after={"aliases": list(locked.aliases)},
    )
    return locked


@transaction.atomic
def village_update(
    *, village: Area, name: str, division_type: str, is_active: bool, acting_user: User | None
) -> Area:
    if village.level != AreaLevel.VILLAGE:
        raise ValidationFailed(_("Only villages can be edited here."))
    if village.parent is None:
        raise ValidationFailed(_("Only villages can be edited here."))
    if division_type not in VILLAGE_DIVISION_TYPES:
        raise ValidationFailed(_("Choose a valid village type."), extra={"field": "division_type"})
    before = snapshot(village)
    village.name = _check_village_name(commune=village.parent, name=name, exclude_pk=village.pk)
    village.division_type = division_type
    village.is_active = is_active
    village.save()
    audit_record(
        actor=acting_user, action="geo.village.update", target=village, before=before, after=snapshot(village)
    )
    return village


@dataclass
class VillageRow:
    line: int
    commune_code: str
    name: str
    division_type: str
    code: str = ""  # the village's own code; empty: generated ("<commune code>-007")


@dataclass
class VillageRowError:
    """A refused row: its line in the file, the column at fault (a key of ``VillageRow``: "commune_code",
    "name", "division_type", "code"; empty for the whole row) and the reason."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class VillageImportResult:
    created: list[Area] = field(default_factory=list)
    planned: list[VillageRow] = field(default_factory=list)
    existing: int = 0
    errors: list[VillageRowError] = field(default_factory=list)


VILLAGE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}")
IMPORT_BATCH = 500  # villages per INSERT


def _village_types() -> dict[str, str]:
    """Folded ways of writing a village type -> the type ("Khu phố", "khu_pho", "Quarter (khu phố)")."""
    types: dict[str, str] = {fold(str(label)): str(value) for value, label in DivisionType.choices}
    types.update({fold(v): str(v) for v in VILLAGE_DIVISION_TYPES})
    types.update(
        {
            "ap": "ap",
            "thon": "thon",
            "ban": "ban",
            "soc": "soc",
            "khu pho": "khu_pho",
            "to dan pho": "to_dan_pho",
        }
    )
    return {folded: value for folded, value in types.items() if value in VILLAGE_DIVISION_TYPES}


def _check_rows(
    rows: list[VillageRow], allowed_communes: dict[str, Area], result: VillageImportResult
) -> list[tuple[VillageRow, Area]]:
    """The rows that are valid on their own (no query), with their commune; the others' errors in result."""
    types = _village_types()
    seen_names: dict[tuple[str, str], int] = {}
    seen_codes: dict[str, int] = {}
    valid: list[tuple[VillageRow, Area]] = []

    def refuse(row: VillageRow, column: str, message: str) -> None:
        result.errors.append(VillageRowError(row.line, column, message))

    for row in rows:
        commune = allowed_communes.get(row.commune_code.strip())
        name = " ".join(row.name.split())
        code = row.code.strip()
        if commune is None:
            refuse(
                row,
                "commune_code",
                _("commune code “%(code)s” does not exist or is outside your scope.")
                % {"code": row.commune_code},
            )
            continue
        if not name:
            refuse(row, "name", _("the village name is empty."))
            continue
        if len(name) > Area._meta.get_field("name").max_length:  # type: ignore[operator]
            refuse(row, "name", _("the village name is longer than 150 characters."))
            continue
        dtype = types.get(fold(row.division_type)) if row.division_type.strip() else None
        if row.division_type.strip() and dtype is None:
            refuse(
                row,
                "division_type",
                _("unknown village type “%(type)s” (use ấp, thôn, bản, sóc, khu phố or tổ dân phố).")
                % {"type": row.division_type},
            )
            continue
        if code and VILLAGE_CODE.fullmatch(code) is None:
            refuse(
                row,
                "code",
                _("the village code “%(code)s” may only have letters, digits, “.”, “-” and “_” (32 at most).")
                % {"code": code},
            )
            continue
        key = (commune.code, fold(name))
        if key in seen_names:
            refuse(
                row,
                "name",
                _("“%(name)s” repeats line %(first)s.") % {"name": name, "first": seen_names[key]},
            )
            continue
        if code and code in seen_codes:
            refuse(
                row,
                "code",
                _("the code “%(code)s” repeats line %(first)s.") % {"code": code, "first": seen_codes[code]},
            )
            continue
        seen_names[key] = row.line
        if code:
            seen_codes[code] = row.line
        dtype = dtype or ("khu_pho" if commune.is_urban else "ap")
        valid.append((VillageRow(row.line, commune.code, name, dtype, code), commune))
    return valid


@transaction.atomic
def villages_import(
    *,
    rows: list[VillageRow],
    allowed_communes: dict[str, Area],
    acting_user: User | None,
    dry_run: bool = False,
    valid_rows_only: bool = False,
) -> VillageImportResult:
    """Create the villages in ``rows``. Rows naming an existing village (by name or confirmed other name)
    are skipped. All or nothing: one refused row and nothing is created — unless ``valid_rows_only``,
    when the valid rows are created and the others reported.

    ``allowed_communes`` maps commune codes the user may manage to communes (the caller scopes it). A
    constant number of queries whatever the number of rows: the villages and codes of the communes are
    read in one query, the new villages written with ``bulk_create`` in batches, one audit row for the
    import (the created codes and names in ``after``).
    """
    result = VillageImportResult()
    valid = _check_rows(rows, allowed_communes, result)
    communes = {commune.pk: commune for _row, commune in valid}
    names: dict[int, set[str]] = {pk: set() for pk in communes}
    village_counts: dict[int, int] = dict.fromkeys(communes, 0)
    taken: set[str] = set()
    if valid:
        given = {row.code for row, _c in valid if row.code}
        wanted = Q(parent_id__in=list(communes)) | Q(code__in=list(given))
        for commune in communes.values():  # generated codes: "<commune code>-NNN"
            wanted |= Q(code__startswith=f"{commune.code}-")
        for parent_id, level, code, name_folded, aliases in Area.objects.filter(wanted).values_list(
            "parent_id", "level", "code", "name_folded", "aliases"
        ):
            taken.add(code)
            if parent_id in names and level == AreaLevel.VILLAGE:
                names[parent_id].add(name_folded)
                names[parent_id].update(aliases or [])
                village_counts[parent_id] += 1
    planned: list[tuple[VillageRow, Area]] = []
    for row, commune in valid:
        if fold(row.name) in names[commune.pk]:
            result.existing += 1
            continue
        if row.code and row.code in taken:
            result.errors.append(
                VillageRowError(
                    row.line,
                    "code",
                    _("the code “%(code)s” is already used by another unit.") % {"code": row.code},
                )
            )
            continue
        planned.append((row, commune))
    taken.update(row.code for row, _c in planned if row.code)
    sequence = village_counts  # the next generated number follows the commune's villages
    for row, commune in planned:
        if row.code:
            continue
        seq = sequence[commune.pk] + 1
        while f"{commune.code}-{seq:03d}" in taken:
            seq += 1
        sequence[commune.pk] = seq
        row.code = f"{commune.code}-{seq:03d}"
        taken.add(row.code)
    result.errors.sort(key=lambda error: error.line)
    result.planned = [row for row, _c in planned]
    if (result.errors and not valid_rows_only) or dry_run or not planned:
        return result
    villages = [
        Area(
            code=row.code,
            name=row.name,
            name_folded=fold(row.name),
            level=AreaLevel.VILLAGE,
            division_type=row.division_type,
            parent=commune,
            path=f"{commune.path}{row.code}/",
        )
        for row, commune in planned
    ]
    result.created = Area.objects.bulk_create(villages, batch_size=IMPORT_BATCH)
    touched = sorted({commune.pk for _row, commune in planned})
    single = communes[touched[0]] if len(touched) == 1 else None
    audit_record(
        actor=acting_user,
        action="geo.villages.import",
        target=single,
        target_type="" if single else Area._meta.label_lower,
        target_repr="" if single else _("%(n)s communes") % {"n": len(touched)},
        after={
            "count": len(villages),
            "communes": [communes[pk].code for pk in touched],
            "villages": [
                {"code": row.code, "name": row.name, "commune": commune.code} for row, commune in planned
            ],
        },
        note=_("Import of %(n)s villages") % {"n": len(villages)},
    )
    return result


@transaction.atomic
def area_set_urban_override(*, area: Area, urban: bool | None, acting_user: User | None) -> Area:
    before = snapshot(area, ["urban_override"])
    area.urban_override = urban
    area.save(update_fields=["urban_override", "updated_at"])
    audit_record(
        actor=acting_user,
        action="geo.area.urban_override",
        target=area,
        before=before,
        after=snapshot(area, ["urban_override"]),
    )
    return area


@transaction.atomic
def difficulty_period_add(
    *,
    area: Area,
    from_year: int,
    to_year: int | None,
    legal_source: str,
    note: str = "",
    kind: str = DifficultyKind.ESPECIALLY_DIFFICULT,
    acting_user: User | None,
) -> DifficultyPeriod:
    """Flag ``area`` with a designation (``kind``) for the years ``from_year``–``to_year`` (no end: open).
    Periods of one kind never overlap on a unit; a poor commune is a commune, never a village."""
    if kind not in DifficultyKind.values:
        raise ValidationFailed(_("Choose a designation from the list."), extra={"field": "kind"})
    if area.level not in (AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        raise ValidationFailed(_("Only communes and villages can be flagged as especially difficult."))
    if kind == DifficultyKind.POOR_COMMUNE and area.level != AreaLevel.COMMUNE:
        raise ValidationFailed(
            _("Only a commune can be flagged as a poor commune; a village cannot."), extra={"field": "kind"}
        )
    if to_year is not None and to_year < from_year:
        raise ValidationFailed(_("The end year cannot be before the start year."), extra={"field": "to_year"})
    overlapping = [
        p
        for p in area.difficulty_periods.filter(kind=kind)
        if p.from_year <= (to_year or 9999) and from_year <= (p.to_year or 9999)
    ]
    if overlapping:
        raise ValidationFailed(
            _("This period overlaps the existing period %(period)s.")
            % {"period": f"{overlapping[0].from_year}–{overlapping[0].to_year or '…'}"},
            extra={"field": "from_year"},
        )
    before = _difficulty_state(area)
    period = DifficultyPeriod.objects.create(
        area=area, kind=kind, from_year=from_year, to_year=to_year, legal_source=legal_source, note=note
    )
    audit_record(
        actor=acting_user,
        action="geo.difficulty.add",
        target=area,
        before=before,
        after={**_difficulty_state(area), "period": snapshot(period)},
    )
    _difficulty_changed(area)
    return period


@transaction.atomic
def difficulty_period_delete(*, period: DifficultyPeriod, acting_user: User | None) -> None:
    area = period.area
    before = {**_difficulty_state(area), "period": snapshot(period)}
    period.delete()
    audit_record(
        actor=acting_user,
        action="geo.difficulty.delete",
        target=area,
        before=before,
        after=_difficulty_state(area),
    )
    _difficulty_changed(area)


def _difficulty_state(area: Area) -> dict[str, Any]:
    """An area's designation periods (especially difficult, poor commune) as the audit trail keeps them
    (before and after a change)."""
    periods = DifficultyPeriod.objects.filter(area=area).order_by("from_year", "pk")
    return {
        "difficulty_periods": [
            {"kind": p.kind, "from_year": p.from_year, "to_year": p.to_year, "legal_source": p.legal_source}
            for p in periods
        ]
    }


def _difficulty_changed(area: Area) -> None:
    """Entitlements that depend on especially difficult areas change with them (after the commit: the
    commune's coverage is recounted by whoever listens)."""
    commune_id = area.pk if area.level == AreaLevel.COMMUNE else area.parent_id
    if commune_id is not None and area.level in (AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        transaction.on_commit(lambda: households_changed.send(sender=Area, commune_ids=[commune_id]))


# Boundaries (the dashboard's map) ------------------------------------------------------------------------
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
BOUNDARY_NAME_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")


@dataclass
class BoundaryFeature:
    """One feature of an uploaded file: its position (1-based), the value of the matching property, and
    the commune it matched (None when it matched none) with the reason."""

    number: int
    value: str
    area: Area | None = None
    problem: str = ""


@dataclass
class BoundaryLoadResult:
    """The match report of an upload. ``saved`` is False when anything was refused: then nothing was
    written (every feature must match exactly one commune of the province, once)."""

    province: Area
    features: list[BoundaryFeature] = field(default_factory=list)
    missing: list[Area] = field(default_factory=list)  # communes of the province without a feature
    saved: bool = False

    @property
    def matched(self) -> list[BoundaryFeature]:
        return [f for f in self.features if f.area is not None]

    @property
    def unmatched(self) -> list[BoundaryFeature]:
        return [f for f in self.features if f.area is None]


def _positions_ok(value: Any, depth: int) -> bool:
    """Nested coordinate arrays of a Polygon (depth 3) or MultiPolygon (depth 4) in longitude/latitude:
    rings of at least 4 positions, each position 2 or 3 finite numbers within range."""
    if not isinstance(value, list) or not value:
        return False
    if depth == 1:  # a position
        if len(value) not in (2, 3) or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in value
        ):
            return False
        lon, lat = float(value[0]), float(value[1])
        return -180 <= lon <= 180 and -90 <= lat <= 90 and math.isfinite(lon) and math.isfinite(lat)
    if depth == 2 and len(value) < 4:  # a linear ring
        return False
    return all(_positions_ok(v, depth - 1) for v in value)


def _geometry(feature: Any) -> tuple[dict[str, Any] | None, str]:
    """The feature's geometry if it is a valid Polygon or MultiPolygon; otherwise None and why."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict):
        return None, _("The feature has no geometry.")
    kind = geometry.get("type")
    if kind not in BOUNDARY_TYPES:
        return None, _("The geometry is a %(type)s; only Polygon and MultiPolygon are accepted.") % {
            "type": str(kind)[:40]
        }
    if not _positions_ok(geometry.get("coordinates"), 3 if kind == "Polygon" else 4):
        return None, _("The coordinates are not a valid polygon in longitude and latitude (WGS 84).")
    return {"type": kind, "coordinates": geometry["coordinates"]}, ""


def _match_keys(area: Area) -> set[str]:
    folded = area.name_folded
    keys = {folded}
    for prefix in BOUNDARY_NAME_PREFIXES:
        if folded.startswith(prefix):
            keys.add(folded.removeprefix(prefix))
    return keys


@transaction.atomic
def boundaries_load(
    *, user: User, province: Area, geojson_bytes: bytes, match_property: str, source: str = ""
) -> BoundaryLoadResult:
    """Load the commune boundaries of ``province`` from a GeoJSON FeatureCollection.

    Each feature is matched to an active commune of the province by the value of ``match_property``:
    first as the commune's code (``25195``; leading zeros ignored), then as its name without diacritics
    or case ("Xã Bù Gia Mập", "bu gia map"). Only Polygon and MultiPolygon geometries are accepted.

    All or nothing: when a feature matches no commune, matches one already matched, or has a bad geometry,
    nothing is saved and the report lists them. Communes without a feature are listed too; they do not
    stop the load (they keep no boundary: none is invented). A load replaces every boundary the province
    had (the file is the province's whole set). Raises ``ValidationFailed`` for a file that is too large
    or is not a GeoJSON FeatureCollection."""
    from django.conf import settings

    limit = int(settings.UPLOAD_MAX_BYTES["boundaries"])
    if len(geojson_bytes) > limit:
        raise ValidationFailed(
            _("The file is larger than %(max)s MB. Simplify the boundaries (e.g. with mapshaper) first.")
            % {"max": f"{limit / (1024 * 1024):g}"},
            extra={"field": "file"},
        )
    if province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("Boundaries are loaded for a province."), extra={"field": "province"})
    match_property = match_property.strip()
    if not match_property:
        raise ValidationFailed(_("Name the property that holds the commune's code or name."))
    try:
        data = json.loads(geojson_bytes.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationFailed(
            _("The file is not valid GeoJSON (JSON text in UTF-8)."), extra={"field": "file"}
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationFailed(
            _("The file must be a GeoJSON FeatureCollection (one feature per commune)."),
            extra={"field": "file"},
        )
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise ValidationFailed(_("The FeatureCollection has no features."), extra={"field": "file"})

    communes = list(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True).order_by("code")
    )
    by_code = {c.code.lstrip("0"): c for c in communes}
    by_name: dict[str, list[Area]] = {}
    for commune in communes:
        for key in _match_keys(commune):
            by_name.setdefault(key, []).append(commune)

    result = BoundaryLoadResult(province=province)
    geometries: dict[int, dict[str, Any]] = {}
    for number, feature in enumerate(raw_features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        raw_value = properties.get(match_property) if isinstance(properties, dict) else None
        value = "" if raw_value is None else str(raw_value).strip()[:150]
        item = BoundaryFeature(number=number, value=value)
        result.features.append(item)
        geometry, problem = _geometry(feature)
        if not value:
            item.problem = _("The feature has no property “%(name)s”.") % {"name": match_property}
            continue
        candidates = (
            [by_code[value.lstrip("0")]] if value.lstrip("0") in by_code else by_name.get(fold(value), [])
        )
        if len(candidates) > 1:
            item.problem = _("Several communes have this name; match by code.")
            continue
        if not candidates:
            item.problem = _("No commune of the province has this code or name.")
            continue
        commune = candidates[0]
        if commune.pk in geometries or any(f.area == commune for f in result.features[:-1]):
            item.problem = _("Another feature of the file matches the same commune (%(name)s).") % {
                "name": commune.name
            }
            continue
        if geometry is None:
            item.problem = problem
            continue
        item.area = commune
        geometries[commune.pk] = geometry
    result.missing = [c for c in communes if c.pk not in geometries]
    if result.unmatched:
        return result  # nothing saved

    now = timezone.now()
    previous = AreaBoundary.objects.filter(area__parent=province)
    before = {"communes": sorted(previous.values_list("area_id", flat=True))}
    previous.delete()
    AreaBoundary.objects.bulk_create(
        [
            AreaBoundary(area_id=pk, geometry=geometry, source=source[:255], loaded_by=user, loaded_at=now)
            for pk, geometry in geometries.items()
        ]
    )
    audit_record(
        actor=user,
        action="geo.boundaries.load",
        target=province,
        before=before,
        after={"communes": sorted(geometries), "source": source[:255], "property": match_property},
    )
    result.saved = True
    return result
