"""From the registry to the poverty engine: a household's facts as the engine reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from giamngheo.poverty.facts import Education, Employment, HouseholdFacts, MemberFacts

from .models import Household, Member


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years on ``day``. A birth known only by its year is stored as 1 January of that year, so
    the age is counted from 1 January (a provisional rule: the commune lists give only "Năm sinh")."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def member_facts(member: Member, on: dt.date) -> MemberFacts:
    return MemberFacts(
        age=age_on(member.date_of_birth, on),
        sex=member.sex,
        has_health_insurance=member.has_health_insurance,
        in_education=member.in_education,
        attending_appropriate_level=member.attending_appropriate_level,
        education=Education(member.education) if member.education else None,
        employment=Employment(member.employment) if member.employment else None,
        disabled=member.disabled,
        monthly_social_allowance=member.monthly_social_allowance,
        stunted=member.stunted,
        underweight=member.underweight,
        uses_internet=member.uses_internet,
    )


def household_facts(
    household: Household,
    members: Iterable[Member],
    *,
    on: dt.date,
    area: str,
    income_per_capita: int | None,
) -> HouseholdFacts:
    """The household's facts as the engine reads them; every fact not recorded stays None (unknown),
    ``income_per_capita`` included."""
    return HouseholdFacts(
        area=area,
        income_per_capita=income_per_capita,
        members=tuple(member_facts(m, on) for m in members if m.is_active),
        walls_durable=household.walls_durable,
        columns_durable=household.columns_durable,
        roof_durable=household.roof_durable,
        floor_area_m2=household.floor_area_m2,
        water_source=household.water_source or None,
        latrine=household.latrine or None,
        devices=frozenset(household.devices) if household.devices is not None else None,
        waste_handling=household.waste_handling or None,
    )


def facts_snapshot(facts: HouseholdFacts) -> dict[str, object]:
    """JSON-ready copy of the facts, stored with an assessment."""
    return {
        "area": facts.area,
        "income_per_capita": facts.income_per_capita,
        "walls_durable": facts.walls_durable,
        "columns_durable": facts.columns_durable,
        "roof_durable": facts.roof_durable,
        "floor_area_m2": str(facts.floor_area_m2) if facts.floor_area_m2 is not None else None,
        "water_source": facts.water_source,
        "latrine": facts.latrine,
        "devices": sorted(facts.devices) if facts.devices is not None else None,
        "waste_handling": facts.waste_handling,
        "members": [
            {
                "age": m.age,
                "sex": m.sex,
                "has_health_insurance": m.has_health_insurance,
                "in_education": m.in_education,
                "attending_appropriate_level": m.attending_appropriate_level,
                "education": m.education.value if m.education else None,
                "employment": m.employment.value if m.employment else None,
                "disabled": m.disabled,
                "monthly_social_allowance": m.monthly_social_allowance,
                "stunted": m.stunted,
                "underweight": m.underweight,
                "uses_internet": m.uses_internet,
            }
            for m in facts.members
        ],
    }
