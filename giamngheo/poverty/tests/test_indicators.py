"""The deprivation rules, case by case at their boundaries, with the parameters of the real standards.

Every case runs under each shipped national standard that has the indicator (ND07-2021 and/or
ND351-2025), so the data files' parameters are checked together with the rule functions.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from giamngheo.poverty.classify import classify, evaluate_indicators
from giamngheo.poverty.facts import Education, Employment, HouseholdFacts, MemberFacts
from giamngheo.poverty.indicators import RULES
from giamngheo.poverty.standard import Standard, StandardError, get_standard

ND07, ND351 = "ND07-2021", "ND351-2025"
E = Employment
ED = Education


def m(age: int = 35, **kw: Any) -> MemberFacts:
    return MemberFacts(age=age, **kw)


def h(*members: MemberFacts, **kw: Any) -> HouseholdFacts:
    kw.setdefault("area", "rural")
    kw.setdefault("income_per_capita", 1_000_000)
    return HouseholdFacts(members=members, **kw)


def adult(age: int = 35, **kw: Any) -> MemberFacts:
    """A member of working age who is not deprived in anything by himself."""
    kw.setdefault("sex", "M")
    kw.setdefault("employment", E.WAGE_WITH_CONTRACT)
    kw.setdefault("has_health_insurance", True)
    kw.setdefault("disabled", False)
    kw.setdefault("monthly_social_allowance", False)
    return m(age, **kw)


# (indicator key, case id, household, expected) — expected True = deprived, None = unknown.
Case = tuple[str, str, HouseholdFacts, bool | None]
CASES: list[Case] = []


def case(key: str, name: str, facts: HouseholdFacts, expected: bool | None) -> None:
    CASES.append((key, name, facts, expected))


# 1. Employment: working age 15 to under 60 (men) / under 55 (women).
for status, deprived in [
    (E.UNEMPLOYED, True),
    (E.WAGE_WITHOUT_CONTRACT, True),
    (E.WAGE_WITH_CONTRACT, False),
    (E.SELF_EMPLOYED, False),
    (E.NOT_IN_LABOUR_FORCE, False),
]:
    case("employment", f"{status}", h(m(35, sex="M", employment=status)), deprived)
case("employment", "age-15-unemployed-counted", h(m(15, sex="M", employment=E.UNEMPLOYED)), True)
case("employment", "age-14-unemployed-not-counted", h(m(14, sex="M", employment=E.UNEMPLOYED)), False)
case("employment", "male-59-counted", h(m(59, sex="M", employment=E.UNEMPLOYED)), True)
case("employment", "male-60-not-counted", h(m(60, sex="M", employment=E.UNEMPLOYED)), False)
case("employment", "female-54-counted", h(m(54, sex="F", employment=E.WAGE_WITHOUT_CONTRACT)), True)
case("employment", "female-55-not-counted", h(m(55, sex="F", employment=E.WAGE_WITHOUT_CONTRACT)), False)
case("employment", "female-57-not-counted", h(m(57, sex="F", employment=E.UNEMPLOYED)), False)
case("employment", "male-57-counted", h(m(57, sex="M", employment=E.UNEMPLOYED)), True)
case("employment", "working-age-unknown", h(m(35, sex="M")), None)
case("employment", "unknown-but-not-working-age", h(m(70, sex="M"), m(10)), False)
case("employment", "unknown-and-deprived", h(m(35, sex="M"), m(30, sex="F", employment=E.UNEMPLOYED)), True)
case("employment", "unknown-and-stable", h(m(35, sex="M"), m(30, sex="F", employment=E.SELF_EMPLOYED)), None)
case("employment", "one-of-two-unemployed", h(adult(), m(20, sex="M", employment=E.UNEMPLOYED)), True)


# 2. Dependants: more than 50 % are children under 16, or elderly (60+) or disabled members on a monthly
#    social allowance (the 2026-2030 draft's definition, provisional). ``nd``: an adult known not to be one.
def nd(age: int = 40, **kw: Any) -> MemberFacts:
    kw.setdefault("disabled", False)
    kw.setdefault("monthly_social_allowance", False)
    return m(age, **kw)


case("dependants", "2-of-4-exactly-half", h(nd(40), nd(38), m(10), m(5)), False)
case("dependants", "3-of-4-above-half", h(nd(40), m(10), m(8), m(5)), True)
case("dependants", "1-of-2-exactly-half", h(nd(40), m(1)), False)
case("dependants", "2-of-3", h(nd(40), m(1), m(15)), True)
case("dependants", "age-16-is-not-a-child", h(nd(40), nd(16), nd(16)), False)
case("dependants", "age-15-is-a-child", h(nd(40), m(15), m(15)), True)
case("dependants", "elderly-allowance-counted", h(nd(40), m(75, monthly_social_allowance=True), m(10)), True)
case("dependants", "elderly-without-allowance", h(nd(40), nd(75), m(10)), False)
case("dependants", "age-60-is-elderly", h(nd(40), m(60, monthly_social_allowance=True), m(10)), True)
case(
    "dependants",
    "age-59-with-allowance-not-disabled",
    h(nd(40), m(59, monthly_social_allowance=True, disabled=False), m(10)),
    False,
)
case(
    "dependants",
    "allowance-disability-unknown",
    h(nd(40), m(30, monthly_social_allowance=True), m(10)),
    None,
)
case(
    "dependants",
    "disabled-with-allowance",
    h(nd(40), m(30, disabled=True, monthly_social_allowance=True)),
    False,
)
case(
    "dependants",
    "two-disabled-with-allowance-of-3",
    h(nd(40), m(30, disabled=True, monthly_social_allowance=True), m(60, monthly_social_allowance=True)),
    True,
)
case(
    "dependants", "child-with-allowance-counted-once", h(nd(40), m(10, monthly_social_allowance=True)), False
)
case("dependants", "single-child", h(m(15)), True)
case("dependants", "no-members-unknown", h(), None)
# Three-valued: d known dependants, u unknown, n members: deprived if d > n/2, not if d + u <= n/2.
case("dependants", "unknown-adult-could-tip-it", h(m(40), m(10)), None)
case("dependants", "disabled-allowance-unknown", h(m(40, disabled=True), m(10)), None)
case("dependants", "not-disabled-allowance-unknown-under-60", h(m(40, disabled=False), m(10)), False)
case("dependants", "elderly-allowance-unknown", h(nd(40), m(70, disabled=False), m(10)), None)
case("dependants", "known-majority-despite-unknown", h(m(40), m(10), m(8), m(5)), True)
case("dependants", "unknown-cannot-reach-half", h(m(40), nd(40), nd(38), m(10)), False)
case("dependants", "allowance-false-decides", h(m(70, monthly_social_allowance=False), m(10)), False)

# 3. Nutrition: a child under 16 is stunted or underweight.
case("nutrition", "child-15-stunted", h(adult(), m(15, stunted=True, underweight=False)), True)
case("nutrition", "age-16-stunted-not-counted", h(adult(), m(16, stunted=True, underweight=True)), False)
case("nutrition", "child-2-underweight", h(adult(), m(2, stunted=False, underweight=True)), True)
case("nutrition", "underweight-stunted-unknown", h(adult(), m(2, stunted=None, underweight=True)), True)
case("nutrition", "healthy-child", h(adult(), m(2, stunted=False, underweight=False)), False)
case("nutrition", "child-partly-unknown", h(adult(), m(2, stunted=False)), None)
case("nutrition", "child-unknown", h(adult(), m(2)), None)
case(
    "nutrition",
    "unknown-and-stunted",
    h(m(3), m(5, stunted=True, underweight=False)),
    True,
)
case("nutrition", "no-children", h(adult(), adult(40)), False)

# 4. Health insurance: a member aged 6 or over without it.
case("health_insurance", "age-6-uninsured", h(adult(), m(6, has_health_insurance=False)), True)
case("health_insurance", "age-5-uninsured-not-counted", h(adult(), m(5, has_health_insurance=False)), False)
case("health_insurance", "adult-uninsured", h(adult(has_health_insurance=False)), True)
case("health_insurance", "all-insured", h(adult(), m(6, has_health_insurance=True)), False)
case("health_insurance", "unknown", h(adult(), m(40)), None)
case("health_insurance", "unknown-under-6", h(adult(), m(3)), False)
case("health_insurance", "unknown-and-uninsured", h(m(40), m(30, has_health_insurance=False)), True)

# 5. Adult education: aged 16-30, not studying, without lower secondary (16-17) / upper
#    secondary or vocational (18-30).
for age, level, deprived in [
    (16, ED.LOWER_SECONDARY, False),
    (16, ED.PRIMARY, True),
    (16, ED.NONE, True),
    (17, ED.LOWER_SECONDARY, False),
    (17, ED.PRIMARY, True),
    (18, ED.LOWER_SECONDARY, True),
    (18, ED.UPPER_SECONDARY, False),
    (18, ED.VOCATIONAL, False),
    (18, ED.HIGHER, False),
    (30, ED.LOWER_SECONDARY, True),
    (30, ED.VOCATIONAL, False),
    (31, ED.NONE, False),
    (15, ED.NONE, False),
]:
    case(
        "adult_education",
        f"age-{age}-{level}",
        h(adult(40), m(age, education=level, in_education=False)),
        deprived,
    )
case("adult_education", "studying-never-deprived", h(m(20, education=ED.NONE, in_education=True)), False)
case("adult_education", "studying-level-unknown", h(m(20, in_education=True)), False)
case("adult_education", "level-unknown", h(m(20, in_education=False)), None)
case("adult_education", "studying-unknown-lacks-level", h(m(20, education=ED.PRIMARY)), None)
case("adult_education", "31-unknown-not-counted", h(m(31)), False)
case(
    "adult_education",
    "unknown-and-deprived",
    h(m(20), m(25, education=ED.PRIMARY, in_education=False)),
    True,
)

# 6. Child schooling: a child aged 3 to under 16 not at the appropriate level.
case("child_schooling", "age-3-counted", h(adult(), m(3, attending_appropriate_level=False)), True)
case("child_schooling", "age-15-counted", h(adult(), m(15, attending_appropriate_level=False)), True)
case("child_schooling", "age-2-not-counted", h(adult(), m(2, attending_appropriate_level=False)), False)
case("child_schooling", "age-16-not-counted", h(adult(), m(16, attending_appropriate_level=False)), False)
case("child_schooling", "attending", h(adult(), m(10, attending_appropriate_level=True)), False)
case("child_schooling", "unknown", h(adult(), m(10)), None)
case("child_schooling", "unknown-age-2", h(adult(), m(2)), False)

# 7. Housing quality: at least 2 of walls, columns, roof are non-durable.
T, F, U = True, False, None
for parts, deprived in [
    ((F, F, T), True),
    ((F, T, F), True),
    ((T, F, F), True),
    ((F, F, F), True),
    ((F, F, U), True),
    ((F, T, T), False),
    ((T, T, F), False),
    ((T, T, T), False),
    ((U, T, T), False),
    ((F, U, T), None),
    ((U, U, T), None),
    ((U, U, U), None),
    ((T, U, F), None),
]:
    name = "-".join({True: "durable", False: "non", None: "unknown"}[p] for p in parts)
    case(
        "housing_quality",
        name,
        h(adult(), walls_durable=parts[0], columns_durable=parts[1], roof_durable=parts[2]),
        deprived,
    )

# 8. Housing area: floor area per person below 8 m².
FOUR = (adult(), adult(40), m(10), m(8))
case("housing_area", "4-members-32m2", h(*FOUR, floor_area_m2=32), False)
case("housing_area", "4-members-32.0m2", h(*FOUR, floor_area_m2=Decimal("32.0")), False)
case("housing_area", "4-members-31.9m2", h(*FOUR, floor_area_m2=Decimal("31.9")), True)
case("housing_area", "4-members-31.99m2", h(*FOUR, floor_area_m2=Decimal("31.99")), True)
case("housing_area", "4-members-31m2", h(*FOUR, floor_area_m2=31), True)
case("housing_area", "1-member-8m2", h(adult(), floor_area_m2=8), False)
case("housing_area", "1-member-7.9m2", h(adult(), floor_area_m2=Decimal("7.9")), True)
case("housing_area", "area-unknown", h(*FOUR), None)
case("housing_area", "no-members", h(floor_area_m2=40), None)

# 9. Water.
for source, deprived in [
    ("piped", False),
    ("drilled_well", False),
    ("protected_dug_well", False),
    ("protected_spring", False),
    ("rainwater", False),
    ("bottled", False),
    ("unprotected_dug_well", True),
    ("river", True),
    ("pond", True),
    ("", True),
]:
    case("water", source or "empty", h(adult(), water_source=source), deprived)
case("water", "unknown", h(adult()), None)

# 10. Sanitation.
for latrine, deprived in [
    ("septic", False),
    ("semi_septic", False),
    ("pour_flush", False),
    ("double_vault", False),
    ("ventilated_pit", False),
    ("open_pit", True),
    ("bucket", True),
    ("none", True),
]:
    case("sanitation", latrine, h(adult(), latrine=latrine), deprived)
case("sanitation", "unknown", h(adult()), None)

# 11. Telecom: no member uses internet services.
case("telecom", "one-member-uses", h(adult(uses_internet=True), m(70, uses_internet=False)), False)
case("telecom", "uses-and-unknown", h(adult(uses_internet=True), m(70)), False)
case("telecom", "nobody-uses", h(adult(uses_internet=False), m(70, uses_internet=False)), True)
case("telecom", "nobody-known-uses", h(adult(uses_internet=False), m(70)), None)
case("telecom", "no-members", h(), None)
# A household with no member recorded is unknown on every indicator about its members (not "not deprived").
for _key in ("employment", "nutrition", "health_insurance", "adult_education", "child_schooling"):
    case(_key, "no-members-unknown", h(), None)
case("housing_area", "no-members-no-area", h(), None)

# 12. Information devices (ND07 only).
for devices, deprived in [
    (frozenset({"tv"}), False),
    (frozenset({"radio"}), False),
    (frozenset({"computer"}), False),
    (frozenset({"tablet"}), False),
    (frozenset({"smartphone"}), False),
    (frozenset({"fridge", "smartphone"}), False),
    (frozenset({"fridge", "motorbike"}), True),
    (frozenset(), True),
]:
    case("information_devices", "+".join(sorted(devices)) or "none", h(adult(), devices=devices), deprived)
case("information_devices", "unknown", h(adult()), None)

# 13. Waste (ND351 only).
for handling, deprived in [
    ("collected", False),
    ("composted", False),
    ("buried", False),
    ("burned_safely", False),
    ("dumped", True),
    ("burned_in_open", True),
]:
    case("waste", handling, h(adult(), waste_handling=handling), deprived)
case("waste", "unknown", h(adult()), None)


def _params() -> list[Any]:
    out = []
    for key, name, facts, expected in CASES:
        for code in (ND07, ND351):
            if key in get_standard(code).indicator_keys:
                out.append(pytest.param(code, key, facts, expected, id=f"{code}:{key}:{name}"))
    return out


@pytest.mark.parametrize(("code", "key", "facts", "expected"), _params())
def test_rule(code: str, key: str, facts: HouseholdFacts, expected: bool | None) -> None:
    indicator = get_standard(code).indicator(key)
    result = RULES[indicator.rule](facts, indicator.params)
    assert result is expected  # exactly True / False / None, not merely truthy


def test_every_rule_and_every_indicator_has_cases() -> None:
    keys = {key for key, *_ in CASES}
    rules_covered = {get_standard(ND07 if k != "waste" else ND351).indicator(k).rule for k in keys}
    assert rules_covered == set(RULES)
    for code in (ND07, ND351):
        assert set(get_standard(code).indicator_keys) <= keys
    for key in keys:
        expectations = {expected for k, _, _, expected in CASES if k == key}
        assert expectations == {True, False, None}, key


@pytest.mark.parametrize("code", [ND07, ND351])
def test_every_indicator_uses_a_known_rule(code: str) -> None:
    for indicator in get_standard(code).indicators:
        assert indicator.rule in RULES


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("employment", {"min_age": 15, "max_age_male": 60, "max_age_female": 55}),
        ("dependants", {"share": 0.5, "child_max_age": 16, "elderly_min_age": 60}),
        ("nutrition", {"child_max_age": 16}),
        ("health_insurance", {"min_age": 6}),
        ("adult_education", {"min_age": 16, "upper_secondary_from_age": 18, "max_age": 30}),
        ("child_schooling", {"min_age": 3, "max_age": 16}),
        ("housing_quality", {"min_non_durable_parts": 2}),
        ("housing_area", {"min_m2_per_person": 8}),
        (
            "water",
            {
                "clean_sources": [
                    "piped",
                    "drilled_well",
                    "protected_dug_well",
                    "protected_spring",
                    "rainwater",
                    "bottled",
                ]
            },
        ),
        (
            "sanitation",
            {"hygienic_types": ["septic", "semi_septic", "pour_flush", "double_vault", "ventilated_pit"]},
        ),
        ("telecom", {}),
        ("information_devices", {"devices": ["tv", "radio", "computer", "tablet", "smartphone"]}),
        ("waste", {"handled": ["collected", "composted", "buried", "burned_safely"]}),
    ],
)
def test_params_of_the_shipped_standards(key: str, params: dict[str, Any]) -> None:
    for code in (ND07, ND351, "DN-QD32-2022"):
        standard = get_standard(code)
        if key in standard.indicator_keys:
            assert dict(standard.indicator(key).params) == params, code


@pytest.mark.parametrize("key", ["water", "sanitation", "information_devices", "waste"])
def test_every_listed_value_is_not_deprived(key: str) -> None:
    standard = get_standard(ND07 if key != "waste" else ND351)
    indicator = standard.indicator(key)
    field = {
        "water": ("water_source", "clean_sources"),
        "sanitation": ("latrine", "hygienic_types"),
        "information_devices": ("devices", "devices"),
        "waste": ("waste_handling", "handled"),
    }[key]
    for value in indicator.params[field[1]]:
        fact = frozenset({value}) if key == "information_devices" else value
        assert RULES[indicator.rule](h(adult(), **{field[0]: fact}), indicator.params) is False, value


# ---------------------------------------------------------------------------------------------
# evaluate_indicators: computed values, ticked values, unknown rules
# ---------------------------------------------------------------------------------------------


def well_off(**kw: Any) -> HouseholdFacts:
    """A household with every fact known and no deprivation under either standard."""
    defaults: dict[str, Any] = {
        "walls_durable": True,
        "columns_durable": True,
        "roof_durable": True,
        "floor_area_m2": 60,
        "water_source": "piped",
        "latrine": "septic",
        "devices": frozenset({"tv"}),
        "waste_handling": "collected",
    }
    defaults.update(kw)
    members = (
        adult(40, uses_internet=True),
        adult(38, sex="F", employment=E.SELF_EMPLOYED, uses_internet=False),
        m(10, has_health_insurance=True, attending_appropriate_level=True, stunted=False, underweight=False),
    )
    return h(*members, **defaults)


@pytest.mark.parametrize("code", [ND07, ND351])
def test_well_off_household_is_deprived_nowhere(code: str) -> None:
    standard = get_standard(code)
    values = evaluate_indicators(well_off(), standard)
    assert list(values) == list(standard.indicator_keys)
    assert values == dict.fromkeys(standard.indicator_keys, False)


def test_ticked_overrides_computed_values() -> None:
    standard = get_standard(ND07)
    facts = well_off(
        latrine="open_pit",  # computed: deprived
        ticked={"sanitation": False, "water": True, "telecom": 1},  # 1 is taken as True
    )
    values = evaluate_indicators(facts, standard)
    assert values["sanitation"] is False
    assert values["water"] is True
    assert values["telecom"] is True
    assert values["housing_quality"] is False  # not ticked: computed
    result = classify(facts, standard)
    assert result.deprived == ("water", "telecom")


def test_ticked_fills_in_unknown_facts() -> None:
    standard = get_standard(ND07)
    facts = well_off(water_source=None, latrine=None, ticked={"water": True})
    values = evaluate_indicators(facts, standard)
    assert values["water"] is True
    assert values["sanitation"] is None
    assert classify(facts, standard).unknown == ("sanitation",)


def test_ticked_key_the_standard_does_not_have_is_ignored() -> None:
    standard = get_standard(ND351)
    values = evaluate_indicators(well_off(ticked={"information_devices": True}), standard)
    assert "information_devices" not in values
    assert not any(values.values())


def test_unknown_rule_raises_standard_error() -> None:
    nd07 = get_standard(ND07)
    broken_indicator = dataclasses.replace(nd07.indicator("water"), rule="no_such_rule")
    broken: Standard = dataclasses.replace(
        nd07,
        indicators=tuple(broken_indicator if i.key == "water" else i for i in nd07.indicators),
    )
    with pytest.raises(StandardError, match="indicator water uses unknown rule no_such_rule"):
        evaluate_indicators(well_off(), broken)
    # A ticked value does not need the rule.
    assert evaluate_indicators(well_off(ticked={"water": False}), broken)["water"] is False


@pytest.mark.parametrize(
    ("age", "level"),
    [(20, ED.UPPER_SECONDARY), (16, ED.LOWER_SECONDARY), (25, ED.VOCATIONAL), (28, ED.HIGHER)],
)
def test_adult_with_expected_level_is_not_deprived_whether_studying_is_unknown(
    age: int, level: Education
) -> None:
    indicator = get_standard(ND07).indicator("adult_education")
    facts = h(m(age, education=level))  # in_education unknown
    assert RULES[indicator.rule](facts, indicator.params) is False
