"""Building blocks of the policies tests' fixed worlds: a frozen "today", test policies in place of the
sample catalogue, and households with their members in two communes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from django.utils import timezone as django_timezone

from giamngheo.geo.models import Area
from giamngheo.households.models import Household, Member
from giamngheo.households.services import household_create, member_create
from giamngheo.policies.models import Policy

# (name, sex, date of birth, relationship, the fifth member field's value)
Person = tuple[str, str, dt.date, str, Any]
# (key, commune key, village number, category, people: the head first)
HouseholdSpec = tuple[str, str, int, str, list[Person]]


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> dt.date:
    """Fix ``timezone.localdate()`` (what the services take for today: the current year, the limit for
    future dates) so that the expected numbers do not depend on the real date."""
    real = django_timezone.localdate

    def localdate(value: dt.datetime | None = None, timezone: Any = None) -> dt.date:
        return day if value is None else real(value, timezone)

    monkeypatch.setattr(django_timezone, "localdate", localdate)
    return day


def make_policies(specs: Iterable[Mapping[str, Any]]) -> dict[str, Policy]:
    """The test policies by code; the sample catalogue is switched off (the numbers depend on the test
    file only)."""
    Policy.objects.update(is_active=False)
    return {
        p["code"]: Policy.objects.create(
            name=f"Chính sách thử {p['code']}", legal_basis="(thử)", is_sample=False, **p
        )
        for p in specs
    }


def make_households(
    specs: Iterable[HouseholdSpec],
    communes: Mapping[str, Area],
    *,
    prefix: str,
    village_prefix: str,
    fifth: str,
) -> tuple[dict[str, Area], dict[str, Household], dict[str, Member]]:
    """Villages ("A1", "A2", "B1"…, renamed "<village_prefix> Village A1": the same order under every
    collation), households coded "<prefix>-<key>" with their members (``fifth`` names the member field of
    each person's fifth value) and their category."""
    villages: dict[str, Area] = {}
    for key, commune in communes.items():
        for n, village in enumerate(commune.children.filter(is_active=True).order_by("code")[:2], start=1):
            village.name = f"{village_prefix} Village {key}{n}"
            Area.objects.filter(pk=village.pk).update(name=village.name)
            villages[f"{key}{n}"] = village
    households: dict[str, Household] = {}
    members: dict[str, Member] = {}
    for key, commune_key, village_no, category, people in specs:
        household = household_create(
            commune=communes[commune_key],
            data={
                "code": f"{prefix}-{key}",
                "village": villages[f"{commune_key}{village_no}"],
                "head_name": people[0][0],
            },
            acting_user=None,
        )
        for name, sex, born, relationship, value in people:
            members[name] = member_create(
                household=household,
                data={
                    "full_name": name,
                    "sex": sex,
                    "date_of_birth": born,
                    "relationship": relationship,
                    fifth: value,
                },
                acting_user=None,
            )
        Household.objects.filter(pk=household.pk).update(category=category)
        household.refresh_from_db()
        households[key] = household
    return villages, households, members
