"""Province-wide reclassification: the engine's result on every household's current facts.

``province_reclassify`` refreshes the engine's fields of the registry (``engine_standard``,
``engine_category``, ``engine_provincial_category``, ``deprived_keys``, ``unknown_keys``) for all active
households of a province, under the national standard in force in a year and the province's own standard if
it has one. The recognised ``category`` is never touched: it only changes by a decision of the commune
chairperson.

Unknown facts stay unknown, exactly as in the engine: every vectorised rule gives a "deprived" and an
"unknown" column; a household whose category the missing facts (or a missing income) could change gets
``engine_category = ""`` with ``engine_standard`` set and its ``unknown_keys`` filled ("chưa đủ thông
tin"); ``deprived_keys`` lists only the indicators really deprived.

Built for a whole province (1.2 million households) in well under a minute:

- households are read commune by commune, in chunks by primary key, with only the columns the engine
  needs, and their active members with one query per chunk. The queries are built with the ORM
  (``values_list`` over portable SQL expressions that encode every member fact as an integer: CASE,
  COALESCE, CAST) and run on the cursor, without Django's per-value converters (dates, booleans,
  ``Decimal``, JSON would cost more than the classification itself): a chunk of members arrives as
  integer rows and becomes one numpy matrix with no Python loop over its values;
- the indicator flags are computed column by column with numpy for the whole chunk, an exact equivalent
  of ``giamngheo.poverty.indicators`` (tests compare it with ``classify`` household by household); a rule
  without a vectorised twin here falls back to the engine's own rule, household by household;
- ``giamngheo.poverty.bulk.classify_bulk`` classifies the chunk;
- only rows whose engine fields change are written (one keyed UPDATE run for every changed row; a single
  ``UPDATE … FROM unnest(…)`` per chunk on PostgreSQL), each chunk in its own transaction so that officers
  can keep saving while a run is going (a run is idempotent: an interrupted one is completed by running
  it again).

No history row is written per household, and neither ``version`` nor ``updated_at`` changes: the engine's
fields are derived data, reproducible from the facts (whose changes have their history) and the standard
(versioned files). A history row per household would add a million rows to the history at every run, and
a new ``version`` would turn every edit form open at that moment into a "stale version" error. The run
itself is recorded once in the audit trail, with its counts.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Case, CharField, F, IntegerField, Model, QuerySet, Value, When
from django.db.models import Field as DjangoField
from django.db.models.functions import Cast, Coalesce, Replace, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record
from giamngheo.core.errors import ValidationFailed
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.poverty.ages import ages_on
from giamngheo.poverty.bulk import CATEGORIES, URBAN, classify_bulk
from giamngheo.poverty.facts import EDUCATION_RANK, Education, Employment, HouseholdFacts, MemberFacts
from giamngheo.poverty.indicators import RULES
from giamngheo.poverty.standard import Standard
from giamngheo.standards.adapters import area_type, province_code, standards_in_force

from .models import Household, Member

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
TriArray = npt.NDArray[np.int8]  # 1 true, 0 false, -1 not recorded

EDUCATIONS: tuple[Education, ...] = tuple(Education)
EMPLOYMENTS: tuple[Employment, ...] = tuple(Employment)
# Rank of each education code; index -1 (not recorded) gives -1.
EDUCATION_RANKS = np.array([EDUCATION_RANK[e] for e in EDUCATIONS] + [-1], dtype=np.int64)


@dataclass(frozen=True)
class ReclassifyResult:
    province: str
    year: int
    on: dt.date
    standard: str
    provincial_standard: str
    households: int  # processed (active households of the province)
    changed: int  # rows whose engine fields were written
    unclassified: int  # no income recorded: no category
    undetermined: int  # income recorded, but missing facts could change the category: no category
    before: dict[str, int]  # engine category counts before the run ("" = none)
    after: dict[str, int]
    provincial_after: dict[str, int]
    recognised: dict[str, int]  # the recognised categories (unchanged)
    differs_from_recognised: int  # engine category differs from the recognised one
    seconds: float


@dataclass
class Chunk:
    """The facts of a chunk of households, column by column. Members are sorted by household."""

    pk: IntArray
    area: npt.NDArray[np.int8]  # 0 rural, 1 urban
    income: IntArray  # -1: not recorded
    walls: TriArray
    columns: TriArray
    roof: TriArray
    floor_tenths: IntArray  # floor area in tenths of m² (-1: not recorded)
    water: list[str | None]
    latrine: list[str | None]
    waste: list[str | None]
    devices: list[frozenset[str] | None]
    size: IntArray  # active members
    # One entry per active member:
    owner: IntArray  # index of the member's household in the chunk
    age: IntArray
    female: BoolArray
    insured: TriArray
    studying: TriArray
    appropriate: TriArray
    education: npt.NDArray[np.int8]  # index into EDUCATIONS, -1: not recorded
    employment: npt.NDArray[np.int8]  # index into EMPLOYMENTS, -1: not recorded
    disabled: TriArray
    allowance: TriArray
    stunted: TriArray
    underweight: TriArray
    internet: TriArray

    def __len__(self) -> int:
        return len(self.pk)

    def any_member(self, mask: BoolArray) -> BoolArray:
        """Households with at least one member in ``mask``."""
        return np.bincount(self.owner[mask], minlength=len(self)) > 0

    def count_members(self, mask: BoolArray) -> IntArray:
        return np.bincount(self.owner[mask], minlength=len(self))

    def any_of_members(
        self, applies: BoolArray, true: BoolArray, unknown: BoolArray
    ) -> tuple[BoolArray, BoolArray]:
        """The engine's ``_members_any``: (deprived, unknown) per household from per-member values (among
        the members where ``applies``): deprived if one is true; else unknown if one is unknown; a
        household without members is unknown."""
        deprived = self.any_member(applies & true)
        undecided = ~deprived & (self.any_member(applies & unknown) | (self.size == 0))
        return deprived, undecided

    def facts(self, index: int) -> HouseholdFacts:
        """One household's facts as ``engine.household_facts`` gives them (for rules without a twin here)."""
        start, stop = np.searchsorted(self.owner, [index, index + 1])

        def tri(values: TriArray, i: int) -> bool | None:
            return None if values[i] < 0 else bool(values[i])

        members = tuple(
            MemberFacts(
                age=int(self.age[i]),
                sex="F" if self.female[i] else "M",
                has_health_insurance=tri(self.insured, i),
                in_education=tri(self.studying, i),
                attending_appropriate_level=tri(self.appropriate, i),
                education=EDUCATIONS[self.education[i]] if self.education[i] >= 0 else None,
                employment=EMPLOYMENTS[self.employment[i]] if self.employment[i] >= 0 else None,
                disabled=tri(self.disabled, i),
                monthly_social_allowance=tri(self.allowance, i),
                stunted=tri(self.stunted, i),
                underweight=tri(self.underweight, i),
                uses_internet=tri(self.internet, i),
            )
            for i in range(int(start), int(stop))
        )
        floor = int(self.floor_tenths[index])
        return HouseholdFacts(
            area="urban" if self.area[index] == URBAN else "rural",
            income_per_capita=int(self.income[index]) if self.income[index] >= 0 else None,
            members=members,
            walls_durable=tri(self.walls, index),
            columns_durable=tri(self.columns, index),
            roof_durable=tri(self.roof, index),
            floor_area_m2=Decimal(floor).scaleb(-1) if floor >= 0 else None,
            water_source=self.water[index],
            latrine=self.latrine[index],
            devices=self.devices[index],
            waste_handling=self.waste[index],
        )


# Reading -------------------------------------------------------------------------------------------------
#
# The queries encode every member fact as an integer in SQL (portable expressions), so a chunk of members
# arrives as plain integer rows and becomes one numpy matrix without a Python loop over values.


def _tri(field: str) -> Case:
    """1 true, 0 false, -1 not recorded."""
    return Case(
        When(**{field: True}, then=Value(1)),
        When(**{field: False}, then=Value(0)),
        default=Value(-1),
        output_field=IntegerField(),
    )


def _code(field: str, choices: Sequence[str]) -> Case:
    """The index of the value in ``choices``; -1 when empty (or not a valid choice)."""
    return Case(
        *[When(**{field: str(c)}, then=Value(i)) for i, c in enumerate(choices)],
        default=Value(-1),
        output_field=IntegerField(),
    )


# Household columns: integers first, then text.
HOUSEHOLD_NUMBERS: dict[str, Any] = {
    "x_income": Coalesce("income_per_capita", Value(-1), output_field=IntegerField()),
    "x_walls": _tri("walls_durable"),
    "x_columns": _tri("columns_durable"),
    "x_roof": _tri("roof_durable"),
    "x_floor": Coalesce(
        Cast(Round(F("floor_area_m2") * 10), output_field=IntegerField()),
        Value(-1),
        output_field=IntegerField(),
    ),
}
HOUSEHOLD_TEXT = (
    "water_source",
    "latrine",
    "devices",
    "waste_handling",
    "category",
    "engine_standard",
    "engine_category",
    "engine_provincial_category",
    "deprived_keys",
    "unknown_keys",
)
H_PK, H_COMMUNE, H_INCOME, H_WALLS, H_COLUMNS, H_ROOF, H_FLOOR = range(7)
H_WATER, H_LATRINE, H_DEVICES, H_WASTE, H_CATEGORY, H_STANDARD, H_ENGINE, H_PROVINCIAL, H_KEYS = range(7, 16)
H_UNKNOWN = 16
# Member columns: all integers; the date of birth as YYYYMMDD.
MEMBER_NUMBERS: dict[str, Any] = {
    "x_household": F("household_id"),
    "x_born": Cast(
        Replace(Cast("date_of_birth", output_field=CharField()), Value("-"), Value("")),
        output_field=IntegerField(),
    ),
    "x_female": Case(When(sex="F", then=Value(1)), default=Value(0), output_field=IntegerField()),
    "x_insured": _tri("has_health_insurance"),
    "x_studying": _tri("in_education"),
    "x_appropriate": _tri("attending_appropriate_level"),
    "x_education": _code("education", EDUCATIONS),
    "x_employment": _code("employment", EMPLOYMENTS),
    "x_disabled": _tri("disabled"),
    "x_allowance": _tri("monthly_social_allowance"),
    "x_stunted": _tri("stunted"),
    "x_underweight": _tri("underweight"),
    "x_internet": _tri("uses_internet"),
}
(M_HOUSEHOLD, M_BORN, M_FEMALE, M_INSURED, M_STUDYING, M_APPROPRIATE, M_EDUCATION, M_EMPLOYMENT, M_DISABLED,
 M_ALLOWANCE, M_STUNTED, M_UNDERWEIGHT, M_INTERNET) = range(13)  # fmt: skip


_DEVICES_CACHE: dict[str, frozenset[str] | None] = {}


def _devices(value: Any) -> frozenset[str] | None:
    """The devices as the engine reads them: SQL NULL or JSON ``null`` -> None (never asked: unknown),
    ``[]`` -> the empty set (asked, owns none)."""
    if value is None:
        return None
    if isinstance(value, str):  # JSON text (SQLite, and PostgreSQL through Django's loader)
        try:
            return _DEVICES_CACHE[value]
        except KeyError:
            parsed = json.loads(value)
            found = frozenset(parsed) if parsed is not None else None
            _DEVICES_CACHE[value] = found
            return found
    return frozenset(value)


def _raw(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """Run a ``values_list`` query on the cursor, without Django's per-value converters."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def household_rows(queryset: QuerySet[Household, Any]) -> list[tuple[Any, ...]]:
    """Rows of ``queryset`` in the chunk's household layout (``H_*`` positions)."""
    return _raw(
        queryset.annotate(**HOUSEHOLD_NUMBERS).values_list(
            "pk", "commune_id", *HOUSEHOLD_NUMBERS, *HOUSEHOLD_TEXT
        )
    )


def member_rows(queryset: QuerySet[Member, Any]) -> list[tuple[Any, ...]]:
    """Rows of ``queryset`` (active members, sorted by household) in the chunk's member layout."""
    return _raw(
        queryset.filter(is_active=True)
        .order_by("household_id")
        .annotate(**MEMBER_NUMBERS)
        .values_list(*MEMBER_NUMBERS)
    )


def read_chunk(
    households: Sequence[tuple[Any, ...]],
    members: Sequence[tuple[Any, ...]],
    *,
    urban: Mapping[int, bool],
    on: dt.date,
) -> Chunk:
    """Build a chunk from ``household_rows`` (sorted by primary key) and ``member_rows``. Members of
    households not in ``households`` are left out."""
    n = len(households)
    table = np.array(households, dtype=object).reshape(n, len(HOUSEHOLD_NUMBERS) + 2 + len(HOUSEHOLD_TEXT))
    numbers = table[:, : H_FLOOR + 1].astype(np.int64)
    pk = numbers[:, H_PK]
    matrix = np.array(members, dtype=np.int64).reshape(len(members), len(MEMBER_NUMBERS))
    position = np.searchsorted(pk, matrix[:, M_HOUSEHOLD])
    if n:
        inside = (position < n) & (pk[np.minimum(position, n - 1)] == matrix[:, M_HOUSEHOLD])
    else:
        inside = np.zeros(len(matrix), dtype=np.bool_)
    if not inside.all():
        matrix, position = matrix[inside], position[inside]
    owner = position.astype(np.int64)

    def text(column: int) -> list[str | None]:
        return [v or None for v in table[:, column].tolist()]

    return Chunk(
        pk=pk,
        area=np.fromiter(
            (URBAN if urban.get(c, False) else 0 for c in numbers[:, H_COMMUNE].tolist()),
            dtype=np.int8,
            count=n,
        ),
        income=numbers[:, H_INCOME],
        walls=numbers[:, H_WALLS].astype(np.int8),
        columns=numbers[:, H_COLUMNS].astype(np.int8),
        roof=numbers[:, H_ROOF].astype(np.int8),
        floor_tenths=numbers[:, H_FLOOR],
        water=text(H_WATER),
        latrine=text(H_LATRINE),
        devices=[_devices(v) for v in table[:, H_DEVICES].tolist()],
        waste=text(H_WASTE),
        size=np.bincount(owner, minlength=n).astype(np.int64),
        owner=owner,
        age=ages_on(matrix[:, M_BORN], on),
        female=matrix[:, M_FEMALE] == 1,
        insured=matrix[:, M_INSURED].astype(np.int8),
        studying=matrix[:, M_STUDYING].astype(np.int8),
        appropriate=matrix[:, M_APPROPRIATE].astype(np.int8),
        education=matrix[:, M_EDUCATION].astype(np.int8),
        employment=matrix[:, M_EMPLOYMENT].astype(np.int8),
        disabled=matrix[:, M_DISABLED].astype(np.int8),
        allowance=matrix[:, M_ALLOWANCE].astype(np.int8),
        stunted=matrix[:, M_STUNTED].astype(np.int8),
        underweight=matrix[:, M_UNDERWEIGHT].astype(np.int8),
        internet=matrix[:, M_INTERNET].astype(np.int8),
    )


# The indicator rules, vectorised (twins of giamngheo.poverty.indicators) ---------------------------------

Column = tuple[BoolArray, BoolArray]  # (deprived, unknown) per household
VectorRule = Callable[[Chunk, Mapping[str, Any]], Column | None]


def _text_rule(values: Sequence[str | None], allowed: Sequence[str]) -> Column:
    """Deprived when the value is recorded and not in ``allowed``; unknown when not recorded."""
    accepted = set(allowed)
    codes = np.fromiter(
        (0 if v in accepted else 2 if v is None else 1 for v in values), dtype=np.int8, count=len(values)
    )
    return codes == 1, codes == 2


def _working_age_member_without_stable_job(c: Chunk, p: Mapping[str, Any]) -> Column:
    upper = np.where(c.female, p["max_age_female"], p["max_age_male"])
    working = (c.age >= p["min_age"]) & (c.age < upper)
    unstable = np.isin(
        c.employment,
        [EMPLOYMENTS.index(Employment.UNEMPLOYED), EMPLOYMENTS.index(Employment.WAGE_WITHOUT_CONTRACT)],
    )
    return c.any_of_members(working, unstable, c.employment < 0)


def _dependants_share_above(c: Chunk, p: Mapping[str, Any]) -> Column:
    """Twin of ``indicators.dependants_share_above`` with ``is_dependant`` member by member."""
    child = c.age < p["child_max_age"]
    elderly = c.age >= p["elderly_min_age"]
    on_allowance, allowance_unknown = c.allowance == 1, c.allowance < 0
    disabled, not_disabled = c.disabled == 1, c.disabled == 0
    dependant = child | (on_allowance & (elderly | disabled))
    undecided = ~child & (
        (on_allowance & ~elderly & (c.disabled < 0)) | (allowance_unknown & (elderly | ~not_disabled))
    )
    known = c.count_members(dependant)
    unknown = c.count_members(undecided)
    limit = p["share"] * c.size
    deprived: BoolArray = (c.size > 0) & (known > limit)
    open_: BoolArray = (c.size == 0) | (~deprived & (known + unknown > limit))
    return deprived, open_


def _child_malnourished(c: Chunk, p: Mapping[str, Any]) -> Column:
    true = (c.stunted == 1) | (c.underweight == 1)
    unknown = ~true & ((c.stunted < 0) | (c.underweight < 0))
    return c.any_of_members(c.age < p["child_max_age"], true, unknown)


def _member_without_health_insurance(c: Chunk, p: Mapping[str, Any]) -> Column:
    return c.any_of_members(c.age >= p["min_age"], c.insured == 0, c.insured < 0)


def _young_adult_without_expected_education(c: Chunk, p: Mapping[str, Any]) -> Column:
    rank = EDUCATION_RANKS[c.education]
    needed = np.where(
        c.age >= p["upper_secondary_from_age"],
        EDUCATION_RANK[Education.UPPER_SECONDARY],
        EDUCATION_RANK[Education.LOWER_SECONDARY],
    )
    in_range = (c.age >= p["min_age"]) & (c.age <= p["max_age"])
    open_ = (c.studying != 1) & (rank < needed)  # neither studying nor known to have the level
    true = open_ & (c.studying == 0) & (rank >= 0)
    unknown = open_ & ((c.studying < 0) | (rank < 0))
    return c.any_of_members(in_range, true, unknown)


def _child_not_at_appropriate_level(c: Chunk, p: Mapping[str, Any]) -> Column:
    in_range = (c.age >= p["min_age"]) & (c.age < p["max_age"])
    return c.any_of_members(in_range, c.appropriate == 0, c.appropriate < 0)


def _non_durable_house(c: Chunk, p: Mapping[str, Any]) -> Column:
    non_durable = (c.walls == 0).astype(np.int64) + (c.columns == 0) + (c.roof == 0)
    unknown = (c.walls < 0).astype(np.int64) + (c.columns < 0) + (c.roof < 0)
    deprived = np.asarray(non_durable >= p["min_non_durable_parts"], dtype=np.bool_)
    return deprived, ~deprived & (non_durable + unknown >= p["min_non_durable_parts"])


def _floor_area_per_person_below(c: Chunk, p: Mapping[str, Any]) -> Column | None:
    minimum = p["min_m2_per_person"]
    if isinstance(minimum, bool) or not isinstance(minimum, int):
        return None  # a fractional bound: the engine's own rule compares it exactly
    unknown = (c.floor_tenths < 0) | (c.size == 0)
    return ~unknown & (c.floor_tenths < minimum * 10 * c.size), unknown


def _no_clean_water(c: Chunk, p: Mapping[str, Any]) -> Column:
    return _text_rule(c.water, p["clean_sources"])


def _no_hygienic_latrine(c: Chunk, p: Mapping[str, Any]) -> Column:
    return _text_rule(c.latrine, p["hygienic_types"])


def _no_member_uses_internet(c: Chunk, p: Mapping[str, Any]) -> Column:
    users = c.count_members(c.internet == 1)
    unknown = c.count_members(c.internet < 0)
    deprived: BoolArray = (c.size > 0) & (users == 0) & (unknown == 0)
    return deprived, (users == 0) & ((unknown > 0) | (c.size == 0))


def _no_information_device(c: Chunk, p: Mapping[str, Any]) -> Column:
    wanted = set(p["devices"])
    codes = np.fromiter(
        (2 if d is None else 0 if d & wanted else 1 for d in c.devices), dtype=np.int8, count=len(c.devices)
    )
    return codes == 1, codes == 2


def _waste_not_handled(c: Chunk, p: Mapping[str, Any]) -> Column:
    return _text_rule(c.waste, p["handled"])


VECTOR_RULES: dict[str, VectorRule] = {
    "working_age_member_without_stable_job": _working_age_member_without_stable_job,
    "dependants_share_above": _dependants_share_above,
    "child_malnourished": _child_malnourished,
    "member_without_health_insurance": _member_without_health_insurance,
    "young_adult_without_expected_education": _young_adult_without_expected_education,
    "child_not_at_appropriate_level": _child_not_at_appropriate_level,
    "non_durable_house": _non_durable_house,
    "floor_area_per_person_below": _floor_area_per_person_below,
    "no_clean_water": _no_clean_water,
    "no_hygienic_latrine": _no_hygienic_latrine,
    "no_member_uses_internet": _no_member_uses_internet,
    "no_information_device": _no_information_device,
    "waste_not_handled": _waste_not_handled,
}


def indicator_matrices(
    chunk: Chunk, standard: Standard
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Two n × d matrices: household i is deprived in the standard's indicator j / the facts cannot decide
    it (never both)."""
    deprived = np.zeros((len(chunk), len(standard.indicators)), dtype=np.bool_)
    unknown = np.zeros_like(deprived)
    for j, indicator in enumerate(standard.indicators):
        vector = VECTOR_RULES.get(indicator.rule)
        column = vector(chunk, indicator.params) if vector is not None else None
        if column is None:  # no twin here: the engine's rule, household by household
            rule = RULES[indicator.rule]
            values = [rule(chunk.facts(i), indicator.params) for i in range(len(chunk))]
            column = (
                np.fromiter((v is True for v in values), dtype=np.bool_, count=len(chunk)),
                np.fromiter((v is None for v in values), dtype=np.bool_, count=len(chunk)),
            )
        deprived[:, j], unknown[:, j] = column
    return deprived, unknown


def deprivation_matrix(chunk: Chunk, standard: Standard) -> npt.NDArray[np.bool_]:
    """n × d: household i is deprived in the standard's indicator j (an unknown one is not in it)."""
    return indicator_matrices(chunk, standard)[0]


def deprived_keys(matrix: npt.NDArray[np.bool_], keys: Sequence[str]) -> list[str]:
    """Also used for the unknown keys (the same "|key|" text of another matrix)."""
    return _keys_text(matrix, keys)


def _keys_text(matrix: npt.NDArray[np.bool_], keys: Sequence[str]) -> list[str]:
    """ "|key|key|" per row ("" when none), keys in the standard's order."""
    if not len(keys):
        return [""] * len(matrix)
    weights = np.left_shift(np.int64(1), np.arange(len(keys), dtype=np.int64))
    codes = (matrix.astype(np.int64) * weights).sum(axis=1)
    text: dict[int, str] = {}
    result = []
    for code in codes.tolist():
        found = text.get(code)
        if found is None:
            chosen = [k for j, k in enumerate(keys) if code >> j & 1]
            found = "|" + "|".join(chosen) + "|" if chosen else ""
            text[code] = found
        result.append(found)
    return result


@dataclass(frozen=True)
class ChunkResult:
    standard: list[str]
    category: list[str]  # "" when not determined (no income, or missing facts that could change it)
    provincial_category: list[str]
    deprived_keys: list[str]
    unknown_keys: list[str]  # indicators of the national standard the facts cannot decide
    income_known: list[bool]


def _categories(
    chunk: Chunk, standard: Standard, deprived: npt.NDArray[np.bool_], unknown: npt.NDArray[np.bool_]
) -> list[str]:
    known = chunk.income >= 0
    result = classify_bulk(
        area=chunk.area,
        income=np.where(known, chunk.income, 0),
        deprivations=deprived,
        indicators=standard.indicator_keys,
        standard=standard,
        unknown=unknown,
        income_known=known,
    )
    codes = [c.value for c in CATEGORIES] + [""]  # UNDETERMINED is the code after the categories
    return [codes[code] for code in result.category.tolist()]


def classify_chunk(chunk: Chunk, national: Standard, local: Standard | None) -> ChunkResult:
    """The engine's fields for every household of the chunk: the standard's code always, the category only
    when determined ("" without an income, or when missing facts could change it)."""
    n = len(chunk)
    deprived, unknown = indicator_matrices(chunk, national)
    keys = national.indicator_keys
    category = _categories(chunk, national, deprived, unknown) if n else []
    provincial = [""] * n
    if local is not None and n:
        if local.indicators == national.indicators:
            local_deprived, local_unknown = deprived, unknown
        else:
            local_deprived, local_unknown = indicator_matrices(chunk, local)
        provincial = _categories(chunk, local, local_deprived, local_unknown)
    return ChunkResult(
        standard=[national.code] * n,
        category=category,
        provincial_category=provincial,
        deprived_keys=deprived_keys(deprived, keys),
        unknown_keys=_keys_text(unknown, keys),
        income_known=(chunk.income >= 0).tolist(),
    )


# The run -------------------------------------------------------------------------------------------------


def _default_on(year: int) -> dt.date:
    """Ages are counted on today's date, brought into ``year`` (1 January or 31 December)."""
    today = timezone.localdate()
    return min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _chunks(
    commune_ids: list[int], chunk_size: int
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(household rows, member rows) commune by commune, at most ``chunk_size`` households at a time, in
    primary-key ranges. The primary keys of a commune are read first (on the commune index), then each
    range: a filter on the commune with ``ORDER BY id LIMIT n`` would let the planner walk the whole
    primary key for every commune (PostgreSQL does), and a filter on all the province's communes at once
    makes SQLite sort the rest of the table for every chunk."""
    for commune_id in commune_ids:
        households = Household.objects.filter(commune_id=commune_id, is_active=True)
        pks = sorted(households.values_list("pk", flat=True))
        for start in range(0, len(pks), chunk_size):
            first, last = pks[start], pks[min(start + chunk_size, len(pks)) - 1]
            rows = household_rows(households.filter(pk__gte=first, pk__lte=last).order_by("pk"))
            members = member_rows(
                Member.objects.filter(
                    household__commune_id=commune_id, household_id__gte=first, household_id__lte=last
                )
            )
            yield rows, members


def column_of(model: type[Model], name: str) -> str:
    """The database column of a concrete field."""
    field = model._meta.get_field(name)
    if not isinstance(field, DjangoField) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return str(field.column)


STAGING = "giamngheo_reclassify_rows"  # temporary table of the PostgreSQL path


def _write(changes: list[tuple[int, str, str, str, str, str]]) -> None:
    """Store (pk, standard, category, provincial category, deprived keys, unknown keys) rows: on PostgreSQL,
    COPY into a
    temporary table then one UPDATE … FROM it; elsewhere, one prepared UPDATE run for every row. Runs
    inside the chunk's transaction."""
    if not changes:
        return
    table = connection.ops.quote_name(Household._meta.db_table)
    fields = (
        "engine_standard",
        "engine_category",
        "engine_provincial_category",
        "deprived_keys",
        "unknown_keys",
    )
    columns = [connection.ops.quote_name(column_of(Household, f)) for f in fields]
    pk = connection.ops.quote_name(column_of(Household, "id"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} "
                "(id bigint, c0 text, c1 text, c2 text, c3 text, c4 text) ON COMMIT DELETE ROWS"
            )
            # Empty it explicitly too: inside an outer transaction (a test, or a caller's atomic block)
            # nothing commits between chunks, and stale rows would join the next UPDATE.
            cursor.execute(f"TRUNCATE {STAGING}")
            with cursor.cursor.copy(f"COPY {STAGING} (id, c0, c1, c2, c3, c4) FROM STDIN") as copy:
                for row in changes:
                    copy.write_row(row)
            assignments = ", ".join(f"{c} = v.c{i}" for i, c in enumerate(columns))
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {STAGING} AS v WHERE t.{pk} = v.id")  # noqa: S608
        else:
            assignments = ", ".join(f"{c} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                [(*row[1:], row[0]) for row in changes],
            )


def province_reclassify(
    *,
    province: Area,
    year: int,
    acting_user: User | None,
    chunk_size: int = 20_000,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReclassifyResult:
    """Classify every active household of ``province`` under the standards in force in ``year`` and store the
    engine's fields. ``on``: the date ages are counted on (default: today, brought into ``year``).
    ``progress(done, total)`` is called after each chunk."""
    started = time.perf_counter()
    if province.level != AreaLevel.PROVINCE:
        raise ValueError(f"{province} is not a province")
    standards = standards_in_force(year=year, province=province_code(province))
    national = next((s for s in standards.values() if s.is_national), None)
    local = next((s for s in standards.values() if not s.is_national), None)
    if national is None:
        raise ValidationFailed(
            _("No poverty standard governs %(year)s.") % {"year": year}, extra={"field": "year"}
        )
    on = on or _default_on(year)
    communes = list(Area.objects.filter(parent=province, level=AreaLevel.COMMUNE))
    urban = {c.pk: area_type(c) == "urban" for c in communes}
    total = Household.objects.filter(commune_id__in=list(urban), is_active=True).count()

    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    provincial_after: Counter[str] = Counter()
    recognised: Counter[str] = Counter()
    done = changed = unclassified = undetermined = differs = 0
    for rows, members in _chunks(sorted(urban), chunk_size):
        chunk = read_chunk(rows, members, urban=urban, on=on)
        result = classify_chunk(chunk, national, local)
        new = list(
            zip(
                result.standard,
                result.category,
                result.provincial_category,
                result.deprived_keys,
                result.unknown_keys,
                strict=True,
            )
        )
        old = [(r[H_STANDARD], r[H_ENGINE], r[H_PROVINCIAL], r[H_KEYS], r[H_UNKNOWN] or "") for r in rows]
        current = [r[H_CATEGORY] for r in rows]
        before.update(o[1] for o in old)
        after.update(result.category)
        provincial_after.update(result.provincial_category)
        recognised.update(current)
        no_income = result.income_known.count(False)
        unclassified += no_income
        undetermined += result.category.count("") - no_income
        differs += sum(1 for c, r in zip(result.category, current, strict=True) if c != r)
        changes = [(r[H_PK], *n) for r, n, o in zip(rows, new, old, strict=True) if n != o]
        with transaction.atomic():
            _write(changes)
        changed += len(changes)
        done += len(rows)
        if progress is not None:
            progress(done, total)

    outcome = ReclassifyResult(
        province=province.name,
        year=year,
        on=on,
        standard=national.code,
        provincial_standard=local.code if local else "",
        households=done,
        changed=changed,
        unclassified=unclassified,
        undetermined=undetermined,
        before=dict(before),
        after=dict(after),
        provincial_after=dict(provincial_after),
        recognised=dict(recognised),
        differs_from_recognised=differs,
        seconds=time.perf_counter() - started,
    )
    audit_record(
        actor=acting_user,
        action="households.reclassify",
        target=province,
        after={
            "year": year,
            "on": on,
            "standard": outcome.standard,
            "provincial_standard": outcome.provincial_standard,
            "households": outcome.households,
            "changed": outcome.changed,
            "unclassified": outcome.unclassified,
            "undetermined": outcome.undetermined,
            "before": outcome.before,
            "after": outcome.after,
            "provincial_after": outcome.provincial_after,
            "differs_from_recognised": outcome.differs_from_recognised,
        },
        note=f"{outcome.seconds:.1f} s",
    )
    return outcome


def households_reclassify(
    *, household_ids: Sequence[int], year: int | None = None, chunk_size: int = 5_000
) -> dict[str, int]:
    """Refresh the engine's fields of the given households (after an import): the same computation as
    ``province_reclassify``, restricted to these households; no audit record of its own (the caller's
    write is audited). Returns the engine's category counts of these households."""
    ids = sorted(set(household_ids))
    counts: Counter[str] = Counter()
    if not ids:
        return {}
    year = year or timezone.localdate().year
    on = _default_on(year)
    first = Household.objects.select_related("commune__parent").get(pk=ids[0])
    province = first.commune.parent
    if province is None:
        return {}
    standards = standards_in_force(year=year, province=province_code(province))
    national = next((s for s in standards.values() if s.is_national), None)
    local = next((s for s in standards.values() if not s.is_national), None)
    if national is None:
        return {}
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE)
    urban = {c.pk: area_type(c) == "urban" for c in communes}
    for start in range(0, len(ids), chunk_size):
        part = ids[start : start + chunk_size]
        low, high = part[0], part[-1]
        if high - low < 2 * len(part):  # dense (new households get consecutive ids): a range scan
            wanted = set(part)
            households = Household.objects.filter(pk__gte=low, pk__lte=high, is_active=True)
            rows = [r for r in household_rows(households.order_by("pk")) if r[H_PK] in wanted]
            members = member_rows(Member.objects.filter(household_id__gte=low, household_id__lte=high))
        else:
            rows = household_rows(Household.objects.filter(pk__in=part, is_active=True).order_by("pk"))
            members = member_rows(Member.objects.filter(household_id__in=part))
        if not rows:
            continue
        chunk = read_chunk(rows, members, urban=urban, on=on)
        result = classify_chunk(chunk, national, local)
        new = zip(
            result.standard,
            result.category,
            result.provincial_category,
            result.deprived_keys,
            result.unknown_keys,
            strict=True,
        )
        changes = []
        for r, n in zip(rows, new, strict=True):
            counts[n[1]] += 1
            if n != (r[H_STANDARD], r[H_ENGINE], r[H_PROVINCIAL], r[H_KEYS], r[H_UNKNOWN] or ""):
                changes.append((r[H_PK], *n))
        with transaction.atomic():
            _write(changes)
    return dict(counts)


# Classifying rows that are not in the database yet (an import classifies its new households before it
# inserts them, so that no UPDATE follows) -----------------------------------------------------------------

_EDUCATION_INDEX = {str(e): i for i, e in enumerate(EDUCATIONS)}
_EMPLOYMENT_INDEX = {str(e): i for i, e in enumerate(EMPLOYMENTS)}


def _tri_value(value: bool | None) -> int:
    return -1 if value is None else int(bool(value))


def encode_household(pk: int, commune_id: int, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """A household's values (field names -> Python values) in the layout of ``household_rows``. Unknown
    facts stay unknown: a missing income, None flags and ``devices`` None (never asked; [] is "owns
    none")."""
    floor = values.get("floor_area_m2")
    income = values.get("income_per_capita")
    return (
        pk,
        commune_id,
        -1 if income is None else int(income),
        _tri_value(values.get("walls_durable")),
        _tri_value(values.get("columns_durable")),
        _tri_value(values.get("roof_durable")),
        -1 if floor is None else round(Decimal(floor) * 10),
        values.get("water_source") or None,
        values.get("latrine") or None,
        values.get("devices"),
        values.get("waste_handling") or None,
        values.get("category") or "",
        "",
        "",
        "",
        "",
        "",
    )


def encode_member(household_pk: int, values: Mapping[str, Any]) -> tuple[int, ...]:
    """An active member's values in the layout of ``member_rows`` (None facts stay unknown: -1). A birth
    known only by its year is 1 January of that year."""
    born: dt.date = values["date_of_birth"]
    return (
        household_pk,
        born.year * 10_000 + born.month * 100 + born.day,
        int(values.get("sex") == "F"),
        _tri_value(values.get("has_health_insurance")),
        _tri_value(values.get("in_education")),
        _tri_value(values.get("attending_appropriate_level")),
        _EDUCATION_INDEX.get(values.get("education") or "", -1),
        _EMPLOYMENT_INDEX.get(values.get("employment") or "", -1),
        _tri_value(values.get("disabled")),
        _tri_value(values.get("monthly_social_allowance")),
        _tri_value(values.get("stunted")),
        _tri_value(values.get("underweight")),
        _tri_value(values.get("uses_internet")),
    )


class Classifier:
    """The engine for the households of one province in one year, on encoded rows (sorted by primary
    key; members sorted by household)."""

    def __init__(self, *, province: Area, year: int | None = None) -> None:
        self.year = year or timezone.localdate().year
        self.on = _default_on(self.year)
        standards = standards_in_force(year=self.year, province=province_code(province))
        self.national = next((s for s in standards.values() if s.is_national), None)
        self.local = next((s for s in standards.values() if not s.is_national), None)
        communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE)
        self.urban = {c.pk: area_type(c) == "urban" for c in communes}

    def classify(
        self, households: Sequence[tuple[Any, ...]], members: Sequence[tuple[Any, ...]]
    ) -> ChunkResult:
        if self.national is None or not households:
            n = len(households)
            return ChunkResult(
                standard=[""] * n,
                category=[""] * n,
                provincial_category=[""] * n,
                deprived_keys=[""] * n,
                unknown_keys=[""] * n,
                income_known=[True] * n,
            )
        chunk = read_chunk(households, members, urban=self.urban, on=self.on)
        return classify_chunk(chunk, self.national, self.local)
