"""From the registry to the poverty engine: a household's facts as the engine reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.poverty.ages import age_on
from giamngheo.poverty.classify import evaluate_indicators
from giamngheo.poverty.facts import HouseholdFacts, MemberFacts
from giamngheo.poverty.indicators import is_dependant
from giamngheo.poverty.standard import Standard

from .facts import engine_facts_of, engine_values, to_json
from .models import Household, Member


def member_facts(member: Member, on: dt.date) -> MemberFacts:
    """The member's facts as the engine reads them (``facts.MEMBER_FACTS`` with an ``engine`` fact)."""
    return MemberFacts(
        age=age_on(member.date_of_birth, on),
        sex=member.sex,
        **engine_values("member", partial(getattr, member)),
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
    ``income_per_capita`` included (the caller's: the household's, or none)."""
    return HouseholdFacts(
        area=area,
        income_per_capita=income_per_capita,
        members=tuple(member_facts(m, on) for m in members if m.is_active),
        **engine_values("household", partial(getattr, household)),
    )


def facts_snapshot(facts: HouseholdFacts) -> dict[str, object]:
    """JSON-ready copy of the facts, stored with an assessment."""
    snapshot: dict[str, object] = {"area": facts.area, "income_per_capita": facts.income_per_capita}
    for fact in engine_facts_of("household"):
        if fact.engine is not None and fact.engine != "income_per_capita":
            snapshot[fact.engine] = to_json(fact, getattr(facts, fact.engine))
    snapshot["members"] = [
        {
            "age": m.age,
            "sex": m.sex,
            **{
                fact.engine: to_json(fact, getattr(m, fact.engine))
                for fact in engine_facts_of("member")
                if fact.engine is not None
            },
        }
        for m in facts.members
    ]
    return snapshot


# What is missing to classify a household (the household card) ---------------------------------------------

MEMBER_RULES = {
    "working_age_member_without_stable_job",
    "dependants_share_above",
    "child_malnourished",
    "member_without_health_insurance",
    "young_adult_without_expected_education",
    "child_not_at_appropriate_level",
    "floor_area_per_person_below",
    "no_member_uses_internet",
}


@dataclass(frozen=True)
class MissingIndicator:
    key: str
    name: str  # in the interface language
    facts: tuple[str, ...]  # the facts not recorded, one sentence each


def _member_gaps(rule: str, p: Mapping[str, Any], member: Member, facts: MemberFacts) -> list[str]:
    """The facts of one member that leave ``rule`` undecided (empty when the member decides nothing)."""
    name = member.full_name
    age = facts.age
    gaps: list[str] = []
    if rule == "working_age_member_without_stable_job":
        upper = p["max_age_female"] if facts.sex == "F" else p["max_age_male"]
        if p["min_age"] <= age < upper and facts.employment is None:
            gaps.append(_("The employment of %(name)s is not recorded.") % {"name": name})
    elif rule == "dependants_share_above":
        if is_dependant(facts, p) is None:
            if facts.monthly_social_allowance is None:
                gaps.append(
                    _("Not known whether %(name)s receives a monthly social allowance.") % {"name": name}
                )
            if facts.disabled is None and age < p["elderly_min_age"]:
                gaps.append(_("Not known whether %(name)s has a disability.") % {"name": name})
    elif rule == "child_malnourished":
        deprived = facts.stunted or facts.underweight
        if age < p["child_max_age"] and not deprived and None in (facts.stunted, facts.underweight):
            gaps.append(
                _("The nutrition of %(name)s (stunted, underweight) is not recorded.") % {"name": name}
            )
    elif rule == "member_without_health_insurance":
        if age >= p["min_age"] and facts.has_health_insurance is None:
            gaps.append(_("Not known whether %(name)s has health insurance.") % {"name": name})
    elif rule == "young_adult_without_expected_education":
        if p["min_age"] <= age <= p["max_age"] and facts.in_education is not True:
            if facts.education is None:
                gaps.append(_("The education level of %(name)s is not recorded.") % {"name": name})
            if facts.in_education is None:
                gaps.append(_("Not known whether %(name)s is studying.") % {"name": name})
    elif rule == "child_not_at_appropriate_level":
        if p["min_age"] <= age < p["max_age"] and facts.attending_appropriate_level is None:
            gaps.append(
                _("Not known whether %(name)s attends the school level for their age.") % {"name": name}
            )
    elif rule == "no_member_uses_internet" and facts.uses_internet is None:
        gaps.append(_("Not known whether %(name)s uses the internet.") % {"name": name})
    return gaps


def _household_gaps(rule: str, household: Household) -> list[str]:
    if rule == "non_durable_house":
        parts = [
            label
            for label, value in (
                (_("walls"), household.walls_durable),
                (_("columns"), household.columns_durable),
                (_("roof"), household.roof_durable),
            )
            if value is None
        ]
        return [_("Not recorded whether these are durable: %(parts)s.") % {"parts": ", ".join(parts)}]
    if rule == "floor_area_per_person_below" and household.floor_area_m2 is None:
        return [_("The floor area of the dwelling is not recorded.")]
    if rule == "no_clean_water":
        return [_("The main source of domestic water is not recorded.")]
    if rule == "no_hygienic_latrine":
        return [_("The type of latrine is not recorded.")]
    if rule == "no_information_device":
        return [_("Not known which means of access to information the household has.")]
    if rule == "waste_not_handled":
        return [_("How the household handles its waste is not recorded.")]
    return []


def missing_facts(
    household: Household, members: Iterable[Member], *, standard: Standard, on: dt.date, vietnamese: bool
) -> list[MissingIndicator]:
    """The indicators of ``standard`` the household's facts cannot decide, each with the facts that are not
    recorded (in the interface language), in the standard's order."""
    active = [m for m in members if m.is_active]
    member_facts_list = [(m, member_facts(m, on)) for m in active]
    facts = household_facts(household, active, on=on, area="rural", income_per_capita=None)
    values = evaluate_indicators(facts, standard)
    found = []
    for indicator in standard.indicators:
        if values.get(indicator.key) is not None:
            continue
        gaps: list[str] = []
        if indicator.rule in MEMBER_RULES and not active:
            gaps.append(_("No member of the household is recorded yet."))
        else:
            gaps.extend(_household_gaps(indicator.rule, household))
            for member, mf in member_facts_list:
                gaps.extend(_member_gaps(indicator.rule, indicator.params, member, mf))
        if not gaps:
            gaps.append(_("Not enough information."))
        found.append(
            MissingIndicator(
                key=indicator.key,
                name=indicator.name_vi if vietnamese else indicator.name_en,
                facts=tuple(dict.fromkeys(gaps)),
            )
        )
    return found
