"""The Django side of the poverty engine: from our models (areas, years) to the engine's inputs.

The household issue stores the results; everything here is read-only and has no model of its own.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings

from giamngheo.geo.models import Area
from giamngheo.poverty.classify import Result, classify
from giamngheo.poverty.facts import HouseholdFacts
from giamngheo.poverty.standard import Standard, StandardError, standard_for


def area_type(area: Area) -> str:
    """The engine's area type for a commune, ward or village: wards are urban unless overridden."""
    return "urban" if area.is_urban else "rural"


def province_code(area: Area | None) -> str:
    """The province of an area ("75"), or the installation's default province."""
    if area is None:
        return str(settings.DEFAULT_PROVINCE_CODE)
    return area.path.strip("/").split("/")[0]


def standards_in_force(*, year: int, province: str | None = None) -> dict[str, Standard]:
    """The national standard governing ``year`` and, if the province has one, its own standard."""
    found: dict[str, Standard] = {}
    try:
        national = standard_for(year)
        found[national.code] = national
    except StandardError:
        pass
    if province is not None:
        try:
            local = standard_for(year, province)
            found[local.code] = local
        except StandardError:
            pass
    return found


def classify_household(*, facts: HouseholdFacts, area: Area, year: int) -> dict[str, Result]:
    """Classify a household of ``area`` for ``year`` under every standard in force there (both kept)."""
    facts = dataclasses.replace(facts, area=area_type(area))
    return {
        code: classify(facts, standard)
        for code, standard in standards_in_force(year=year, province=province_code(area)).items()
    }
