"""The deprivation rules. Each is a small function of the household's facts and the indicator's
parameters (from the standard's data file) returning True (deprived), False, or None (unknown: a fact
is missing). A household with no member recorded is unknown on every indicator about its members: an
empty list of members is a missing fact, not a household whose members all meet the threshold. The legal
clause of each indicator is in the standard file; the function's docstring
says which clause it implements and how.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .facts import EDUCATION_RANK, Education, Employment, HouseholdFacts, MemberFacts

Rule = Callable[[HouseholdFacts, Mapping[str, Any]], bool | None]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    RULES[fn.__name__] = fn
    return fn


def _any(values: list[bool | None]) -> bool | None:
    """True if any is True; None if none is True but one is unknown; else False."""
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def _members_any(h: HouseholdFacts, values: list[bool | None]) -> bool | None:
    """``_any`` over the members' values; unknown when the household has no member recorded."""
    return _any(values) if h.members else None


def _working_age(m: MemberFacts, p: Mapping[str, Any]) -> bool:
    upper = p["max_age_female"] if m.sex == "F" else p["max_age_male"]
    return bool(p["min_age"] <= m.age < upper)


@rule
def working_age_member_without_stable_job(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 1 (employment), Decree 07/2021 Appendix: at least one working-age member is unemployed,
    or works for wages without a labour contract."""
    values: list[bool | None] = []
    for m in h.members:
        if not _working_age(m, p):
            continue
        if m.employment is None:
            values.append(None)
        else:
            values.append(m.employment in (Employment.UNEMPLOYED, Employment.WAGE_WITHOUT_CONTRACT))
    return _members_any(h, values)


def is_dependant(m: MemberFacts, p: Mapping[str, Any]) -> bool | None:
    """A dependant (2026–2030 draft definition, provisional for 2022–2025): a child under
    ``child_max_age``, or an elderly (``elderly_min_age`` or over) or disabled member receiving a monthly
    social allowance. None when the facts that decide it are not known."""
    if m.age < p["child_max_age"]:
        return True
    elderly = m.age >= p["elderly_min_age"]
    if m.monthly_social_allowance is False:
        return False
    if m.monthly_social_allowance is True:
        if elderly or m.disabled is True:
            return True
        return None if m.disabled is None else False
    # Allowance not known: it only matters for the elderly and for members who may be disabled.
    return None if elderly or m.disabled is not False else False


@rule
def dependants_share_above(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 2 (dependants): dependants (``is_dependant``) are more than ``share`` of the members.
    With ``d`` known dependants and ``u`` members not known to be dependants or not among ``n``: deprived
    when ``d > share·n``, not deprived when ``d + u <= share·n``, else unknown."""
    if not h.members:
        return None
    flags = [is_dependant(m, p) for m in h.members]
    known = sum(1 for f in flags if f is True)
    unknown = sum(1 for f in flags if f is None)
    # Compare without division: dependants / n > share  <=>  dependants > share * n
    limit = p["share"] * len(h.members)
    if known > limit:
        return True
    if known + unknown <= limit:
        return False
    return None


@rule
def child_malnourished(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 3 (nutrition): at least one child under ``child_max_age`` is stunted (height-for-age)
    or underweight (weight-for-age)."""
    values: list[bool | None] = []
    for m in h.members:
        if m.age < p["child_max_age"]:
            if m.stunted is True or m.underweight is True:
                values.append(True)
            elif m.stunted is None or m.underweight is None:
                values.append(None)
            else:
                values.append(False)
    return _members_any(h, values)


@rule
def member_without_health_insurance(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 4 (health insurance): at least one member aged ``min_age`` or over has no health
    insurance (children under 6 are insured free of charge)."""
    return _members_any(
        h,
        [
            None if m.has_health_insurance is None else not m.has_health_insurance
            for m in h.members
            if m.age >= p["min_age"]
        ],
    )


@rule
def young_adult_without_expected_education(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 5 (adult education): at least one member aged 16–30 is not studying and lacks the level
    expected for the age: lower secondary (THCS) from 16, upper secondary (THPT) or vocational
    (sơ cấp, trung cấp, cao đẳng; certified on-the-job training) from 18."""
    values: list[bool | None] = []
    for m in h.members:
        if not p["min_age"] <= m.age <= p["max_age"]:
            continue
        if m.in_education is True:
            values.append(False)
            continue
        needed = (
            Education.UPPER_SECONDARY if m.age >= p["upper_secondary_from_age"] else Education.LOWER_SECONDARY
        )
        if m.education is not None and EDUCATION_RANK[m.education] >= EDUCATION_RANK[needed]:
            values.append(False)  # has the expected level, studying or not
        elif m.education is None or m.in_education is None:
            values.append(None)
        else:
            values.append(True)
    return _members_any(h, values)


@rule
def child_not_at_appropriate_level(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 6 (school attendance): at least one child from ``min_age`` to under ``max_age`` does not
    attend the level or grade appropriate to the age."""
    return _members_any(
        h,
        [
            None if m.attending_appropriate_level is None else not m.attending_appropriate_level
            for m in h.members
            if p["min_age"] <= m.age < p["max_age"]
        ],
    )


@rule
def non_durable_house(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 7 (housing quality): the dwelling is not durable: at least ``min_non_durable_parts``
    of its three main parts (walls, columns, roof) are of non-durable materials."""
    parts = (h.walls_durable, h.columns_durable, h.roof_durable)
    non_durable = sum(1 for part in parts if part is False)
    if non_durable >= p["min_non_durable_parts"]:
        return True
    unknown = sum(1 for part in parts if part is None)
    return None if non_durable + unknown >= p["min_non_durable_parts"] else False


@rule
def floor_area_per_person_below(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 8 (housing area): floor area per person below ``min_m2_per_person`` m²."""
    if h.floor_area_m2 is None or not h.members:
        return None
    return bool(h.floor_area_m2 < p["min_m2_per_person"] * len(h.members))


@rule
def no_clean_water(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 9 (domestic water): the household's main water source is not one of ``clean_sources``."""
    return None if h.water_source is None else h.water_source not in p["clean_sources"]


@rule
def no_hygienic_latrine(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 10 (sanitation): the household does not use a latrine of one of ``hygienic_types``."""
    return None if h.latrine is None else h.latrine not in p["hygienic_types"]


@rule
def no_member_uses_internet(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 11 (telecommunication / digital services): no member uses internet services."""
    uses = [m.uses_internet for m in h.members]
    if any(u is True for u in uses):
        return False
    return None if any(u is None for u in uses) or not uses else True


@rule
def no_information_device(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator 12 (means of access to information, 2022–2026 only): the household owns none of
    ``devices``."""
    return None if h.devices is None else not (set(h.devices) & set(p["devices"]))


@rule
def waste_not_handled(h: HouseholdFacts, p: Mapping[str, Any]) -> bool | None:
    """Indicator added from 2027 (domestic waste): household waste is not handled by one of ``handled``."""
    return None if h.waste_handling is None else h.waste_handling not in p["handled"]
