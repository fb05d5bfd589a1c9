"""Poverty standards as versioned data: one TOML file per standard in ``data/``.

A published standard is never edited; a correction is a new file with a new code. Items whose legal text
could not be checked are listed under ``provisional`` (in the standard and in each indicator) and are
shown wherever the standard is shown. More directories of standards (e.g. one an administrator keeps)
can be added with the environment variable ``GIAMNGHEO_POVERTY_STANDARDS`` (paths separated by ``:``).
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
NATIONAL = "national"
AREA_TYPES = ("rural", "urban")


class StandardError(ValueError):
    """A standard file is invalid, or no standard governs the year asked."""


@dataclass(frozen=True, slots=True)
class AreaAmounts:
    """An amount in VND per person per month for rural and urban areas."""

    rural: int
    urban: int

    def for_area(self, area: str) -> int:
        if area == "rural":
            return self.rural
        if area == "urban":
            return self.urban
        raise StandardError(f"unknown area type {area!r} (expected 'rural' or 'urban')")


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str
    name_vi: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    name_vi: str
    name_en: str
    dimension: str
    rule: str
    legal_clause: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    provisional: tuple[str, ...] = ()
    provisional_vi: tuple[str, ...] = ()  # the same notes in Vietnamese (for the pages)

    def provisional_notes(self, vietnamese: bool) -> tuple[str, ...]:
        return self.provisional_vi if vietnamese and self.provisional_vi else self.provisional


@dataclass(frozen=True, slots=True)
class Scores:
    """Score equivalents of the review forms: score A (B1) for income, score B (B2) for deprivations."""

    income_max_rural: int
    income_max_urban: int
    points_per_indicator: int
    poor_min_points: int


@dataclass(frozen=True, slots=True)
class Standard:
    code: str
    name_vi: str
    name_en: str
    jurisdiction: str  # "national" or a province code ("75")
    legal_source: str
    issued: dt.date
    effective: dt.date
    first_year: int
    last_year: int
    status: str  # "published" or "provisional"
    income_line: AreaAmounts
    middle_upper: AreaAmounts | None
    cutoff: int
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    scores: Scores | None = None
    provisional: tuple[str, ...] = ()
    source_file: str = ""
    provisional_vi: tuple[str, ...] = ()  # the same notes in Vietnamese (for the pages)

    def provisional_notes(self, vietnamese: bool) -> tuple[str, ...]:
        return self.provisional_vi if vietnamese and self.provisional_vi else self.provisional

    @property
    def is_national(self) -> bool:
        return self.jurisdiction == NATIONAL

    @property
    def indicator_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    def governs(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def line(self, area: str) -> int:
        return self.income_line.for_area(area)

    def middle_limit(self, area: str) -> int | None:
        return self.middle_upper.for_area(area) if self.middle_upper is not None else None

    def all_provisional(self) -> list[str]:
        """Every unconfirmed item of the standard, its own first, then per indicator."""
        items = list(self.provisional)
        for indicator in self.indicators:
            items.extend(f"{indicator.key}: {note}" for note in indicator.provisional)
        return items


def _require(data: Mapping[str, Any], key: str, source: str) -> Any:
    if key not in data:
        raise StandardError(f"{source}: missing '{key}'")
    return data[key]


def _amounts(data: Mapping[str, Any] | None, source: str, what: str) -> AreaAmounts | None:
    if data is None:
        return None
    values = {}
    for area in AREA_TYPES:
        value = _require(data, area, f"{source} [{what}]")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise StandardError(f"{source} [{what}] {area}: must be a positive whole number of VND")
        values[area] = value
    return AreaAmounts(**values)


def _parse(data: Mapping[str, Any], source: str, base: Standard | None) -> Standard:
    code = str(_require(data, "code", source))
    if base is not None:
        dimensions, indicators = base.dimensions, base.indicators
    else:
        dimensions = tuple(
            Dimension(key=d["key"], name_vi=d["name_vi"], name_en=d["name_en"])
            for d in data.get("dimensions", [])
        )
        indicators = tuple(
            Indicator(
                key=_require(i, "key", f"{source} [[indicators]]"),
                name_vi=_require(i, "name_vi", f"{source} [[indicators]]"),
                name_en=_require(i, "name_en", f"{source} [[indicators]]"),
                dimension=_require(i, "dimension", f"{source} [[indicators]]"),
                rule=_require(i, "rule", f"{source} [[indicators]]"),
                legal_clause=i.get("legal_clause", ""),
                params=MappingProxyType(dict(i.get("params", {}))),
                provisional=tuple(i.get("provisional", ())),
                provisional_vi=tuple(i.get("provisional_vi", ())),
            )
            for i in data.get("indicators", [])
        )
    for indicator in indicators:
        if indicator.provisional_vi and len(indicator.provisional_vi) != len(indicator.provisional):
            raise StandardError(f"{source}: indicator {indicator.key}: provisional_vi must match provisional")
    if data.get("provisional_vi") and len(data["provisional_vi"]) != len(data.get("provisional", ())):
        raise StandardError(f"{source}: provisional_vi must match provisional")
    keys = [i.key for i in indicators]
    if not keys:
        raise StandardError(f"{source}: a standard needs indicators (or 'indicators_from')")
    if len(set(keys)) != len(keys):
        raise StandardError(f"{source}: duplicate indicator keys")
    dimension_keys = {d.key for d in dimensions}
    for indicator in indicators:
        if indicator.dimension not in dimension_keys:
            raise StandardError(
                f"{source}: indicator {indicator.key} names unknown dimension {indicator.dimension}"
            )
    income_line = _amounts(_require(data, "income_line", source), source, "income_line")
    if income_line is None:  # pragma: no cover - _amounts only returns None for None input
        raise StandardError(f"{source}: missing income_line")
    middle_upper = _amounts(data.get("middle_upper"), source, "middle_upper")
    if middle_upper is not None and (
        middle_upper.rural <= income_line.rural or middle_upper.urban <= income_line.urban
    ):
        raise StandardError(f"{source}: middle_upper must be above the income line")
    cutoff = _require(_require(data, "deprivation", source), "cutoff", f"{source} [deprivation]")
    if not isinstance(cutoff, int) or isinstance(cutoff, bool) or not 1 <= cutoff <= len(indicators):
        raise StandardError(f"{source}: deprivation cutoff must be between 1 and {len(indicators)}")
    try:
        scores = Scores(**data["scores"]) if "scores" in data else None
    except TypeError as exc:
        raise StandardError(f"{source} [scores]: {exc}") from exc
    first_year, last_year = _require(data, "first_year", source), _require(data, "last_year", source)
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in (first_year, last_year)):
        raise StandardError(f"{source}: first_year and last_year must be whole years")
    if last_year < first_year:
        raise StandardError(f"{source}: last_year is before first_year")
    return Standard(
        code=code,
        name_vi=_require(data, "name_vi", source),
        name_en=_require(data, "name_en", source),
        jurisdiction=str(data.get("jurisdiction", NATIONAL)),
        legal_source=_require(data, "legal_source", source),
        issued=_require(data, "issued", source),
        effective=_require(data, "effective", source),
        first_year=first_year,
        last_year=last_year,
        status=data.get("status", "published"),
        income_line=income_line,
        middle_upper=middle_upper,
        cutoff=cutoff,
        dimensions=dimensions,
        indicators=indicators,
        scores=scores,
        provisional=tuple(data.get("provisional", ())),
        provisional_vi=tuple(data.get("provisional_vi", ())),
        source_file=source,
    )


def _directories(extra: Iterable[Path | str] = ()) -> list[Path]:
    dirs = [DATA_DIR, *(Path(p) for p in extra)]
    env = os.environ.get("GIAMNGHEO_POVERTY_STANDARDS", "")
    dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    return dirs


def load_standards(directories: Iterable[Path | str] | None = None) -> dict[str, Standard]:
    """Read every standard; ``indicators_from`` reuses the indicators of another standard."""
    raw: dict[str, tuple[dict[str, Any], str]] = {}
    for directory in list(directories) if directories is not None else _directories():
        for path in sorted(Path(directory).glob("*.toml")):
            with path.open("rb") as fh:
                try:
                    data = tomllib.load(fh)
                except tomllib.TOMLDecodeError as exc:
                    raise StandardError(f"{path.name}: {exc}") from exc
            code = str(data.get("code", ""))
            if code in raw:
                raise StandardError(f"{path.name}: standard {code} is already defined in {raw[code][1]}")
            raw[code] = (data, path.name)
    parsed: dict[str, Standard] = {}

    def build(code: str, seen: tuple[str, ...] = ()) -> Standard:
        if code in parsed:
            return parsed[code]
        if code not in raw:
            raise StandardError(f"unknown standard {code!r}")
        if code in seen:
            raise StandardError(f"circular indicators_from: {' -> '.join((*seen, code))}")
        data, source = raw[code]
        base = build(data["indicators_from"], (*seen, code)) if "indicators_from" in data else None
        parsed[code] = _parse(data, source, base)
        return parsed[code]

    for code in raw:
        build(code)
    return dict(sorted(parsed.items(), key=lambda item: (item[1].first_year, item[0])))


@cache
def _default_standards() -> dict[str, Standard]:
    return load_standards()


def all_standards() -> list[Standard]:
    return list(_default_standards().values())


def get_standard(code: str) -> Standard:
    try:
        return _default_standards()[code]
    except KeyError:
        known = ", ".join(_default_standards())
        raise StandardError(f"unknown standard {code!r}; known: {known}") from None


def standard_for(year: int, province: str | int | None = None) -> Standard:
    """The national standard governing ``year``; with ``province``, that province's own standard.

    Raises ``StandardError`` when none governs the year (a province without its own standard included).
    """
    jurisdiction = NATIONAL if province is None else str(province)
    matches = [s for s in _default_standards().values() if s.jurisdiction == jurisdiction and s.governs(year)]
    if not matches:
        where = "national" if province is None else f"province {province}"
        raise StandardError(f"no {where} poverty standard governs {year}")
    # If periods ever overlap, the most recently effective standard wins.
    return max(matches, key=lambda s: s.effective)
