"""Adapter to the ``vietnam-provinces`` package (post-July-2025 units, no district level).

The only module that imports the package, so that a newer data release changes one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import vietnam_provinces
from vietnam_provinces import Province, ProvinceCode, Ward

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class SourceUnit:
    code: str
    name: str
    division_type: str  # as named by the package: "tỉnh", "xã", "phường", "đặc khu", ...


@dataclass(frozen=True)
class LegacyProvince:
    """A province that no longer exists and the current units that came (wholly or partly) from it."""

    code: str
    name: str
    valid_to: str
    successors: tuple[tuple[str, str], ...]  # (code, name); match by code first, then by name
    legal_source: str
    data_source: str


def package_version() -> str:
    return f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"


def province_codes() -> list[int]:
    return sorted(int(p.code) for p in Province.iter_all())


def load_province(code: int) -> tuple[SourceUnit, list[SourceUnit]] | None:
    """The province and its commune-level units, or ``None`` if no province has this code."""
    try:
        province_code = ProvinceCode(code)
    except ValueError:
        return None
    province = Province.from_code(province_code)
    units = [
        SourceUnit(code=str(int(w.code)), name=w.name, division_type=str(w.division_type.value))
        for w in Ward.iter_by_province(province_code)
    ]
    return SourceUnit(str(int(province.code)), province.name, str(province.division_type.value)), units


def legacy_provinces(code: int) -> list[LegacyProvince]:
    """Former provinces merged into province ``code`` (checked data shipped with giamngheo)."""
    with (DATA_DIR / "legacy_provinces.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return [
        LegacyProvince(
            code=item["code"],
            name=item["name"],
            valid_to=item["valid_to"],
            successors=tuple((s["code"], s["name"]) for s in item["successors"]),
            legal_source=item["legal_source"],
            data_source=item["data_source"],
        )
        for item in data.get("provinces", {}).get(str(code), [])
    ]
