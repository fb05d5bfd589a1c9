"""The vector path from facts to category equals the scalar engine: random ``HouseholdFacts`` (unknown
facts, ticked indicators, members of every age, households without members) classified by
``classify.classify`` and by ``vector.classify_table`` give the same category, deprived and unknown keys,
under every standard shipped (national and provincial), rural and urban."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.poverty import vector
from giamngheo.poverty.ages import age_on
from giamngheo.poverty.bulk import POOR, UNDETERMINED
from giamngheo.poverty.classify import classify
from giamngheo.poverty.columns import UNKNOWN, Coded, FactsTable, FactsTableBuilder, facts_table
from giamngheo.poverty.facts import Education, Employment, HouseholdFacts, MemberFacts
from giamngheo.poverty.indicators import RULES
from giamngheo.poverty.standard import StandardError, all_standards, get_standard
from giamngheo.poverty.vector import VECTOR_RULES, classify_table, indicator_matrices
from giamngheo.poverty.whatif import what_if_table

STANDARDS = all_standards()
ALL_KEYS = tuple(sorted({k for s in STANDARDS for k in s.indicator_keys}))


def _boundaries() -> list[int]:
    values = {0}
    for s in STANDARDS:
        for area in ("rural", "urban"):
            for amount in (s.line(area), s.middle_limit(area)):
                if amount is not None:
                    values.update({amount - 1, amount, amount + 1})
    return sorted(values)


def _ages() -> list[int]:
    """Every age a rule's parameters name, and its neighbours."""
    found = {0, 100}
    for s in STANDARDS:
        for indicator in s.indicators:
            for key, value in indicator.params.items():
                if key.endswith("age") or "age_" in key:
                    found.update({value - 1, value, value + 1})
    return sorted(a for a in found if a >= 0)


def _texts(*params: str) -> list[str]:
    values: set[str] = {"other", "", "surface", "none", "dumped"}
    for s in STANDARDS:
        for indicator in s.indicators:
            for name in params:
                values.update(indicator.params.get(name, ()))
    return sorted(values)


tri = st.sampled_from([None, True, False])
members = st.builds(
    MemberFacts,
    age=st.one_of(st.sampled_from(_ages()), st.integers(min_value=0, max_value=105)),
    sex=st.sampled_from(["M", "F", ""]),
    has_health_insurance=tri,
    in_education=tri,
    attending_appropriate_level=tri,
    education=st.one_of(st.none(), st.sampled_from(list(Education))),
    employment=st.one_of(st.none(), st.sampled_from(list(Employment))),
    disabled=tri,
    monthly_social_allowance=tri,
    stunted=tri,
    underweight=tri,
    uses_internet=tri,
)
floor_areas = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=200),
    st.decimals(min_value=0, max_value=200, places=1),
    st.decimals(min_value=0, max_value=60, places=2),
)
households = st.builds(
    HouseholdFacts,
    area=st.sampled_from(["rural", "urban"]),
    income_per_capita=st.one_of(
        st.none(), st.sampled_from(_boundaries()), st.integers(min_value=0, max_value=6_000_000)
    ),
    members=st.lists(members, max_size=7).map(tuple),
    walls_durable=tri,
    columns_durable=tri,
    roof_durable=tri,
    floor_area_m2=floor_areas,
    water_source=st.one_of(st.none(), st.sampled_from(_texts("clean_sources"))),
    latrine=st.one_of(st.none(), st.sampled_from(_texts("hygienic_types"))),
    devices=st.one_of(st.none(), st.frozensets(st.sampled_from([*_texts("devices"), "fridge"]), max_size=3)),
    waste_handling=st.one_of(st.none(), st.sampled_from(_texts("handled"))),
    ticked=st.one_of(
        st.just({}),
        st.dictionaries(st.sampled_from([*ALL_KEYS, "not_an_indicator"]), st.booleans(), max_size=3),
    ),
)


def assert_same(batch: list[HouseholdFacts], table: FactsTable) -> None:
    for standard in STANDARDS:
        result = classify_table(table, standard)
        categories = result.categories()
        for i, facts in enumerate(batch):
            scalar = classify(facts, standard)
            assert categories[i] == scalar.category, (standard.code, i, facts)
            assert result.deprived_keys(i) == scalar.deprived, (standard.code, i, facts)
            assert result.unknown_keys(i) == scalar.unknown, (standard.code, i, facts)
            assert int(result.bulk.deprivation_count[i]) == scalar.deprivation_count
            assert bool(result.income_known[i]) == (facts.income_per_capita is not None)


def test_every_rule_has_a_vector_twin_and_every_standard_is_covered() -> None:
    assert set(VECTOR_RULES) == set(RULES)
    assert {s.code for s in STANDARDS} == {"ND07-2021", "DN-QD32-2022", "ND351-2025"}
    assert any(not s.is_national for s in STANDARDS)


@settings(max_examples=400, deadline=None)
@given(batch=st.lists(households, max_size=25))
def test_the_vector_path_equals_the_scalar_engine(batch: list[HouseholdFacts]) -> None:
    assert_same(batch, facts_table(batch))


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(households, min_size=1, max_size=12))
def test_rules_without_a_twin_fall_back_to_the_scalar_rule(batch: list[HouseholdFacts]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vector, "VECTOR_RULES", {})
        assert_same(batch, facts_table(batch))


@settings(max_examples=100, deadline=None)
@given(batch=st.lists(households, max_size=15))
def test_the_table_gives_the_facts_back(batch: list[HouseholdFacts]) -> None:
    table = facts_table(batch)
    back = table.to_facts()
    assert len(back) == len(batch) == len(table)
    for original, copy in zip(batch, back, strict=True):
        assert copy.members == tuple(
            MemberFacts(**{**_fields(m), "sex": "F" if m.sex == "F" else "M"}) for m in original.members
        )
        assert copy.floor_area_m2 == original.floor_area_m2
        assert copy.devices == original.devices and dict(copy.ticked) == dict(original.ticked)
        assert (copy.water_source, copy.latrine, copy.waste_handling) == (
            original.water_source,
            original.latrine,
            original.waste_handling,
        )


def _fields(m: MemberFacts) -> dict[str, Any]:
    return {name: getattr(m, name) for name in MemberFacts.__slots__}


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(households, min_size=1, max_size=15), data=st.data())
def test_take_keeps_the_households_and_their_members(
    batch: list[HouseholdFacts], data: st.DataObject
) -> None:
    table = facts_table(batch)
    rows = data.draw(st.lists(st.integers(min_value=0, max_value=len(batch) - 1), unique=True))
    part = table.take(rows)
    assert part.to_facts() == [table.to_facts()[r] for r in rows]


# The builder from plain values (the registry's fields) ----------------------------------------------------

ON = dt.date(2026, 10, 1)


def _random_values(seed: int, n: int) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """Field values as the registry holds them, every fact sometimes unknown (empty text or None)."""
    rng = random.Random(seed)

    def flag(p_none: float = 0.2, p_true: float = 0.5) -> bool | None:
        return None if rng.random() < p_none else rng.random() < p_true

    def pick(options: list[str], p_none: float = 0.15) -> str:
        return "" if rng.random() < p_none else rng.choice(options)

    rows = []
    for _ in range(n):
        values = {
            "income_per_capita": None
            if rng.random() < 0.1
            else rng.choice([0, 1_500_000, 2_000_000]) + rng.randrange(-300_000, 300_000, 100_000) + 300_000,
            "walls_durable": flag(0.2, 0.7),
            "columns_durable": flag(0.2, 0.7),
            "roof_durable": flag(0.2, 0.7),
            "floor_area_m2": None if rng.random() < 0.1 else Decimal(rng.randint(50, 600)).scaleb(-1),
            "water_source": pick(["piped", "surface", "drilled_well"]),
            "latrine": pick(["septic", "none", "simple_pit"]),
            "devices": None if rng.random() < 0.2 else rng.choice([[], ["tv"], ["radio", "fridge"]]),
            "waste_handling": pick(["collected", "dumped"]),
        }
        people = [
            {
                "date_of_birth": dt.date(rng.randint(1930, 2025), rng.randint(1, 12), rng.choice([1, 2, 28])),
                "sex": rng.choice("MF"),
                "has_health_insurance": flag(),
                "in_education": flag(),
                "attending_appropriate_level": flag(),
                "education": pick(
                    ["none", "primary", "lower_secondary", "upper_secondary", "vocational", "higher"]
                ),
                "employment": pick(
                    ["unemployed", "self_employed", "wage_without_contract", "wage_with_contract"]
                ),
                "disabled": flag(0.3, 0.2),
                "monthly_social_allowance": flag(0.3, 0.4),
                "stunted": flag(0.3, 0.2),
                "underweight": flag(0.3, 0.2),
                "uses_internet": flag(0.3, 0.3),
                "is_active": rng.random() < 0.95,
            }
            for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6]))
        ]
        rows.append((rng.choice(["rural", "urban"]), values, people))
    return rows


def _facts_of(area: str, values: dict[str, Any], people: list[dict[str, Any]]) -> HouseholdFacts:
    """What the registry's adapter (``households.engine.household_facts``) makes of these values."""
    return HouseholdFacts(
        area=area,
        income_per_capita=values["income_per_capita"],
        members=tuple(
            MemberFacts(
                age=age_on(p["date_of_birth"], ON),
                sex=p["sex"],
                has_health_insurance=p["has_health_insurance"],
                in_education=p["in_education"],
                attending_appropriate_level=p["attending_appropriate_level"],
                education=Education(p["education"]) if p["education"] else None,
                employment=Employment(p["employment"]) if p["employment"] else None,
                disabled=p["disabled"],
                monthly_social_allowance=p["monthly_social_allowance"],
                stunted=p["stunted"],
                underweight=p["underweight"],
                uses_internet=p["uses_internet"],
            )
            for p in people
            if p["is_active"]
        ),
        walls_durable=values["walls_durable"],
        columns_durable=values["columns_durable"],
        roof_durable=values["roof_durable"],
        floor_area_m2=values["floor_area_m2"],
        water_source=values["water_source"] or None,
        latrine=values["latrine"] or None,
        devices=frozenset(values["devices"]) if values["devices"] is not None else None,
        waste_handling=values["waste_handling"] or None,
    )


@pytest.mark.parametrize("seed", [7, 8])
def test_values_build_the_facts_the_registry_adapter_gives(seed: int) -> None:
    """Random registry values (a fifth unknown, households without members, devices None vs [], nullable
    disability and allowance, inactive members): the builder's table classifies like the scalar engine on
    the adapter's facts, under every standard."""
    rows = _random_values(seed, 1500)
    builder = FactsTableBuilder(on=ON)
    for area, values, people in rows:
        builder.add_values(values, people, area=area)
    table = builder.build()
    expected = [_facts_of(*row) for row in rows]
    assert table.to_facts() == expected
    assert_same(expected, table)
    results = [classify(f, get_standard("ND07-2021")) for f in expected]
    undetermined = sum(1 for r in results if not r.determined)
    assert 0 < undetermined < len(rows)  # the sample exercises both outcomes
    assert int(np.count_nonzero(table.size == 0)) > 50  # and households without members


def test_values_keep_unknown_facts() -> None:
    builder = FactsTableBuilder(on=ON)
    base = {"income_per_capita": 1_000_000, "devices": None, "water_source": "", "floor_area_m2": 40}
    builder.add_values(base, [{"date_of_birth": dt.date(1980, 1, 1), "disabled": None}], area="rural")
    builder.add_values(
        {**base, "devices": [], "income_per_capita": None, "floor_area_m2": Decimal("12.5")}, [], area="urban"
    )
    table = builder.build()
    assert table.devices_known.tolist() == [False, True]
    assert table.income.tolist() == [1_000_000, UNKNOWN]
    assert table.water_source.codes.tolist() == [UNKNOWN, UNKNOWN]
    assert table.disabled.tolist() == [UNKNOWN] and table.age.tolist() == [46]
    assert table.size.tolist() == [1, 0]
    assert table.floor_area.tolist() == [400, 125] and table.floor_scale == 10


def test_the_builder_refuses_what_the_engine_refuses() -> None:
    with pytest.raises(StandardError):
        FactsTableBuilder().add_values({}, area="mountain")
    with pytest.raises(StandardError):
        FactsTableBuilder().add_values({"income_per_capita": -5}, area="rural")
    with pytest.raises(StandardError):
        FactsTableBuilder().add_values({}, [{"date_of_birth": ON}], area="rural")  # no date to count on
    with pytest.raises(StandardError):
        FactsTableBuilder(on=ON).add_values({}, [{"age": 3, "education": "phd"}], area="rural")


def test_an_empty_table() -> None:
    table = facts_table([])
    assert len(table) == 0 and table.members == 0
    result = classify_table(table, STANDARDS[0])
    assert result.deprived.shape == (0, len(STANDARDS[0].indicators)) and result.categories() == []


def test_a_bad_table_is_refused() -> None:
    table = facts_table([HouseholdFacts(area="rural", income_per_capita=1, members=(MemberFacts(age=3),))])
    with pytest.raises(StandardError):
        FactsTable(**{**_table_fields(table), "member_of": np.array([1], dtype=np.int64)})
    with pytest.raises(StandardError):
        FactsTable(**{**_table_fields(table), "income": np.array([1, 2], dtype=np.int64)})


def _table_fields(table: FactsTable) -> dict[str, Any]:
    from giamngheo.poverty.columns import TABLE_FIELDS

    return {name: getattr(table, name) for name in TABLE_FIELDS}


def test_coded_text() -> None:
    coded = Coded.encode(["a", None, "b", "a"], values=["z"])
    assert coded.values == ("z", "a", "b") and coded.codes.tolist() == [1, UNKNOWN, 2, 1]
    assert coded.among(["a", "q"]).tolist() == [True, False, False, True]
    assert coded.known.tolist() == [True, False, True, True]


def test_a_ticked_indicator_wins_over_its_rule() -> None:
    standard = get_standard("ND07-2021")
    facts = HouseholdFacts(
        area="rural", income_per_capita=1_000_000, water_source="surface", ticked={"water": False}
    )
    deprived, unknown = indicator_matrices(facts_table([facts]), standard)
    water = standard.indicator_keys.index("water")
    assert not deprived[0, water] and not unknown[0, water]


def test_what_if_of_a_facts_table() -> None:
    rows = _random_values(3, 400)
    builder = FactsTableBuilder(on=ON)
    for area, values, people in rows:
        builder.add_values(values, people, area=area)
    table = builder.build()
    current, proposed = get_standard("ND07-2021"), get_standard("ND351-2025")
    report = what_if_table(table, current, proposed)
    a, b = classify_table(table, current), classify_table(table, proposed)
    assert report.households == len(table)
    assert report.changed == int(np.count_nonzero(a.category != b.category))
    assert report.before[None] == int(np.count_nonzero(a.category == UNDETERMINED))
    assert report.after_codes.tolist() == b.category.tolist()
    assert sum(report.transitions.values()) == report.changed
    assert report.poor_change == int(np.count_nonzero(b.category == POOR)) - int(
        np.count_nonzero(a.category == POOR)
    )
