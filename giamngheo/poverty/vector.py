"""The indicator rules on a whole ``FactsTable`` at once: the vector twin of every rule of
``indicators.RULES``, and the classification of the table under a standard.

Each twin returns two boolean columns, (deprived, unknown), never both true for a household: exactly the
three values of its scalar rule (True, None, False). A property test (``tests/test_vector.py``) checks
every twin, and the categories, against ``classify.classify`` on random facts. A rule without a twin
(``VECTOR_RULES`` has no entry, or the twin returns None for these parameters) is evaluated by its scalar
rule, household by household: slower, never different.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from .bulk import CATEGORIES, UNDETERMINED, BulkResult, classify_bulk
from .classify import Category
from .columns import EDUCATIONS, EMPLOYMENTS, UNKNOWN, BoolArray, FactsTable
from .facts import EDUCATION_RANK, Education, Employment
from .indicators import RULES
from .standard import Standard, StandardError

Column = tuple[BoolArray, BoolArray]  # (deprived, unknown) per household
VectorRule = Callable[[FactsTable, Mapping[str, Any]], Column | None]
VECTOR_RULES: dict[str, VectorRule] = {}

# Rank of each education code; the last entry (index UNKNOWN = -1) gives -1.
EDUCATION_RANKS = np.array([EDUCATION_RANK[e] for e in EDUCATIONS] + [-1], dtype=np.int64)


def vector_rule(name: str) -> Callable[[VectorRule], VectorRule]:
    """Register the vector twin of ``indicators.RULES[name]``."""
    if name not in RULES:
        raise StandardError(f"no rule {name!r} to be the twin of")

    def register(fn: VectorRule) -> VectorRule:
        VECTOR_RULES[name] = fn
        return fn

    return register


def any_of_members(t: FactsTable, applies: BoolArray, true: BoolArray, unknown: BoolArray) -> Column:
    """``indicators._members_any``: among the members where ``applies``, deprived if one is true, else
    unknown if one is unknown; a household without members is unknown."""
    deprived = t.any_member(applies & true)
    undecided = ~deprived & (t.any_member(applies & unknown) | (t.size == 0))
    return deprived, undecided


def _not_among(values: Any, allowed: Sequence[str]) -> Column:
    """Deprived when the text is recorded and not in ``allowed``; unknown when not recorded."""
    known = values.known
    return known & ~values.among(allowed), ~known


@vector_rule("working_age_member_without_stable_job")
def working_age_member_without_stable_job(t: FactsTable, p: Mapping[str, Any]) -> Column:
    upper = np.where(t.female, p["max_age_female"], p["max_age_male"])
    working = (t.age >= p["min_age"]) & (t.age < upper)
    unstable = np.isin(
        t.employment,
        [EMPLOYMENTS.index(Employment.UNEMPLOYED), EMPLOYMENTS.index(Employment.WAGE_WITHOUT_CONTRACT)],
    )
    return any_of_members(t, working, unstable, t.employment == UNKNOWN)


@vector_rule("dependants_share_above")
def dependants_share_above(t: FactsTable, p: Mapping[str, Any]) -> Column:
    """``is_dependant`` member by member, then the share with the unknown ones on either side."""
    child = t.age < p["child_max_age"]
    elderly = t.age >= p["elderly_min_age"]
    on_allowance = t.monthly_social_allowance == 1
    allowance_unknown = t.monthly_social_allowance == UNKNOWN
    disabled, not_disabled = t.disabled == 1, t.disabled == 0
    dependant = child | (on_allowance & (elderly | disabled))
    undecided = ~child & (
        (on_allowance & ~elderly & (t.disabled == UNKNOWN)) | (allowance_unknown & (elderly | ~not_disabled))
    )
    known = t.count_members(dependant)
    unknown = t.count_members(undecided)
    limit = p["share"] * t.size
    deprived: BoolArray = (t.size > 0) & (known > limit)
    open_: BoolArray = (t.size == 0) | (~deprived & (known + unknown > limit))
    return deprived, open_


@vector_rule("child_malnourished")
def child_malnourished(t: FactsTable, p: Mapping[str, Any]) -> Column:
    true = (t.stunted == 1) | (t.underweight == 1)
    unknown = ~true & ((t.stunted == UNKNOWN) | (t.underweight == UNKNOWN))
    return any_of_members(t, t.age < p["child_max_age"], true, unknown)


@vector_rule("member_without_health_insurance")
def member_without_health_insurance(t: FactsTable, p: Mapping[str, Any]) -> Column:
    insured = t.has_health_insurance
    return any_of_members(t, t.age >= p["min_age"], insured == 0, insured == UNKNOWN)


@vector_rule("young_adult_without_expected_education")
def young_adult_without_expected_education(t: FactsTable, p: Mapping[str, Any]) -> Column:
    rank = EDUCATION_RANKS[t.education]
    needed = np.where(
        t.age >= p["upper_secondary_from_age"],
        EDUCATION_RANK[Education.UPPER_SECONDARY],
        EDUCATION_RANK[Education.LOWER_SECONDARY],
    )
    in_range = (t.age >= p["min_age"]) & (t.age <= p["max_age"])
    open_ = (t.in_education != 1) & (rank < needed)  # neither studying nor known to have the level
    true = open_ & (t.in_education == 0) & (rank >= 0)
    unknown = open_ & ((t.in_education == UNKNOWN) | (rank < 0))
    return any_of_members(t, in_range, true, unknown)


@vector_rule("child_not_at_appropriate_level")
def child_not_at_appropriate_level(t: FactsTable, p: Mapping[str, Any]) -> Column:
    in_range = (t.age >= p["min_age"]) & (t.age < p["max_age"])
    level = t.attending_appropriate_level
    return any_of_members(t, in_range, level == 0, level == UNKNOWN)


@vector_rule("non_durable_house")
def non_durable_house(t: FactsTable, p: Mapping[str, Any]) -> Column:
    parts = (t.walls_durable, t.columns_durable, t.roof_durable)
    non_durable = sum((part == 0).astype(np.int64) for part in parts)
    unknown = sum((part == UNKNOWN).astype(np.int64) for part in parts)
    deprived = np.asarray(non_durable >= p["min_non_durable_parts"], dtype=np.bool_)
    return deprived, ~deprived & np.asarray(non_durable + unknown >= p["min_non_durable_parts"])


@vector_rule("floor_area_per_person_below")
def floor_area_per_person_below(t: FactsTable, p: Mapping[str, Any]) -> Column | None:
    """floor / scale < bound · size, compared exactly in whole numbers (``bound`` as a fraction)."""
    minimum = p["min_m2_per_person"]
    if isinstance(minimum, bool) or not isinstance(minimum, int | float):
        return None
    bound = Fraction(minimum)
    unknown = (t.floor_area == UNKNOWN) | (t.size == 0)
    left_max = int(t.floor_area.max(initial=0)) * bound.denominator
    right_max = abs(bound.numerator) * t.floor_scale * int(t.size.max(initial=0))
    if max(left_max, right_max) >= 2**62:
        return None  # would overflow: the scalar rule compares it exactly
    below = t.floor_area * bound.denominator < bound.numerator * t.floor_scale * t.size
    return ~unknown & below, unknown


@vector_rule("no_clean_water")
def no_clean_water(t: FactsTable, p: Mapping[str, Any]) -> Column:
    return _not_among(t.water_source, p["clean_sources"])


@vector_rule("no_hygienic_latrine")
def no_hygienic_latrine(t: FactsTable, p: Mapping[str, Any]) -> Column:
    return _not_among(t.latrine, p["hygienic_types"])


@vector_rule("no_member_uses_internet")
def no_member_uses_internet(t: FactsTable, p: Mapping[str, Any]) -> Column:
    users = t.count_members(t.uses_internet == 1)
    unknown = t.count_members(t.uses_internet == UNKNOWN)
    deprived: BoolArray = (t.size > 0) & (users == 0) & (unknown == 0)
    return deprived, (users == 0) & ((unknown > 0) | (t.size == 0))


@vector_rule("no_information_device")
def no_information_device(t: FactsTable, p: Mapping[str, Any]) -> Column:
    wanted = {str(d) for d in p["devices"]}
    columns = [j for j, name in enumerate(t.device_names) if name in wanted]
    owns = t.devices[:, columns].any(axis=1) if columns else np.zeros(len(t), dtype=np.bool_)
    return t.devices_known & ~owns, ~t.devices_known


@vector_rule("waste_not_handled")
def waste_not_handled(t: FactsTable, p: Mapping[str, Any]) -> Column:
    return _not_among(t.waste_handling, p["handled"])


def _scalar_column(table: FactsTable, rule: str, params: Mapping[str, Any]) -> Column:
    fn = RULES[rule]
    values = [fn(facts, params) for facts in table.to_facts()]
    n = len(table)
    return (
        np.fromiter((v is True for v in values), dtype=np.bool_, count=n),
        np.fromiter((v is None for v in values), dtype=np.bool_, count=n),
    )


def indicator_matrices(table: FactsTable, standard: Standard) -> tuple[BoolArray, BoolArray]:
    """Two n × d matrices over the standard's indicators: household i is deprived in indicator j / the
    facts cannot decide it (never both). An indicator ticked on the form wins over its rule."""
    n = len(table)
    deprived = np.zeros((n, len(standard.indicators)), dtype=np.bool_)
    unknown = np.zeros_like(deprived)
    ticked_column = {k: j for j, k in enumerate(table.ticked_keys)}
    for j, indicator in enumerate(standard.indicators):
        if indicator.rule not in RULES:
            raise StandardError(
                f"{standard.code}: indicator {indicator.key} uses unknown rule {indicator.rule}"
            )
        twin = VECTOR_RULES.get(indicator.rule)
        column = twin(table, indicator.params) if twin is not None and n else None
        if column is None:
            column = _scalar_column(table, indicator.rule, indicator.params)
        true, undecided = column
        if table.ticked is not None and indicator.key in ticked_column:
            marks = table.ticked[:, ticked_column[indicator.key]]
            given = marks != UNKNOWN
            true = np.where(given, marks == 1, true)
            undecided = undecided & ~given
        deprived[:, j], unknown[:, j] = true, undecided
    return deprived, unknown


@dataclass(frozen=True, slots=True)
class TableResult:
    """A facts table classified under one standard: the indicator matrices and the bulk result."""

    standard: Standard
    deprived: BoolArray  # n × len(standard.indicators)
    unknown: BoolArray  # n × len(standard.indicators): the facts cannot decide (never deprived too)
    income_known: BoolArray
    bulk: BulkResult

    @property
    def category(self) -> npt.NDArray[np.int8]:
        """Codes into ``bulk.CATEGORIES``, or ``bulk.UNDETERMINED``."""
        return self.bulk.category

    def categories(self) -> list[Category | None]:
        return self.bulk.categories()

    def category_values(self) -> list[str]:
        """The category of each household as its value (``"poor"`` …), ``""`` when not determined."""
        codes = [c.value for c in CATEGORIES] + [""]
        return [codes[code] for code in self.bulk.category.tolist()]

    def deprived_keys(self, row: int) -> tuple[str, ...]:
        keys = self.standard.indicator_keys
        return tuple(keys[j] for j in np.flatnonzero(self.deprived[row]))

    def unknown_keys(self, row: int) -> tuple[str, ...]:
        keys = self.standard.indicator_keys
        return tuple(keys[j] for j in np.flatnonzero(self.unknown[row]))


def classify_table(
    table: FactsTable, standard: Standard, matrices: tuple[BoolArray, BoolArray] | None = None
) -> TableResult:
    """Every household of the table under ``standard``: what ``classify.classify`` gives household by
    household (category, deprived and unknown indicators; not determined when the missing facts or the
    missing income could change the category). ``matrices``: the ``indicator_matrices`` of the table
    under a standard with the same indicators, when already computed."""
    deprived, unknown = matrices if matrices is not None else indicator_matrices(table, standard)
    known = table.income != UNKNOWN
    bulk = classify_bulk(
        area=table.area,
        income=np.where(known, table.income, 0),
        deprivations=deprived,
        indicators=standard.indicator_keys,
        standard=standard,
        unknown=unknown,
        income_known=known,
    )
    return TableResult(standard=standard, deprived=deprived, unknown=unknown, income_known=known, bulk=bulk)


__all__ = [
    "UNDETERMINED",
    "VECTOR_RULES",
    "Column",
    "TableResult",
    "VectorRule",
    "classify_table",
    "indicator_matrices",
    "vector_rule",
]
