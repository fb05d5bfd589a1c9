"""Households for tests, created through the services (so they are audited and searchable)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.households.services import household_create, member_create

_seq = itertools.count(1)


def make_household(
    commune: Area,
    *,
    head: str = "Nguyễn Văn An",
    category: str = "",
    ethnic_group: str = "01",
    members: list[dict[str, Any]] | None = None,
    **data: Any,
) -> Household:
    n = next(_seq)
    village = data.pop("village", None) or commune.children.order_by("code").first()
    household = household_create(
        commune=commune,
        data={
            "code": data.pop("code", f"T{n:05d}"),
            "village": village,
            "head_name": head,
            "ethnic_group": ethnic_group,
            "walls_durable": True,
            "columns_durable": True,
            "roof_durable": True,
            "floor_area_m2": 40,
            "water_source": "piped",
            "latrine": "septic",
            "devices": ["tv", "smartphone"],
            "waste_handling": "collected",
            **data,
        },
        acting_user=None,
    )
    member_create(
        household=household,
        data={
            "full_name": head,
            "sex": "M",
            "date_of_birth": dt.date(1980, 5, 1),
            "relationship": "head",
            "has_health_insurance": True,
            "employment": "self_employed",
            "education": "upper_secondary",
            "in_education": False,
            "uses_internet": True,
            "ethnic_group": ethnic_group,
        },
        acting_user=None,
    )
    for extra in members or []:
        member_create(household=household, data=extra, acting_user=None)
    if category:
        Household.objects.filter(pk=household.pk).update(category=category)
        household.refresh_from_db()
    return household
