"""The engine's fields of the registry, refreshed in bulk: the database side of the engine's vector path.

``province_reclassify`` refreshes the engine's fields (``engine_standard``, ``engine_category``,
``engine_provincial_category``, ``deprived_keys``, ``unknown_keys``) of every active household of a
province, under the national standard in force in a year and the province's own standard if it has one;
``households_reclassify`` does the same for a few households (the registry's services after every write,
an import's updated households); ``Classifier`` classifies households not in the database yet (an import,
before it inserts them). All three go through the same path: the facts become the engine's
``poverty.columns.FactsTable``, ``poverty.vector.classify_table`` classifies it (the vector twins of the
engine's rules, equal to ``poverty.classify`` household by household), and only the rows whose engine
fields change are written. The recognised ``category`` is never touched: it only changes by a decision of
the commune chairperson.

Unknown facts stay unknown, exactly as in the engine: a household whose category the missing facts (or a
missing income) could change gets ``engine_category = ""`` with ``engine_standard`` set and its
``unknown_keys`` filled ("chưa đủ thông tin"); ``deprived_keys`` lists only the indicators really deprived.

Reading is built for a province (1.2 million households) in seconds: households are read commune by commune
in primary-key ranges, their active members by household range. Each query returns one row: the database
encodes every fact as an integer (CASE over the answer codes, booleans as 1/0/-1, dates as YYYYMMDD, the
devices as a bit mask over the device codes, a member's facts packed into one integer) and joins them into
one text (``GROUP_CONCAT`` / ``STRING_AGG``) that numpy parses at once: no Python object per value, no
Django converter, no JSON parsing per row. The stored engine fields come back as one text per household,
coded by their distinct values.

Only rows whose engine fields change are written (one keyed UPDATE run for every changed row; on
PostgreSQL, COPY into a temporary table and one ``UPDATE … FROM`` per chunk), each chunk in its own
transaction so that officers can keep saving while a run is going (a run is idempotent: an interrupted one
is completed by running it again).

No history row is written per household, and neither ``version`` nor ``updated_at`` changes: the engine's
fields are derived data, reproducible from the facts (whose changes have their history) and the standard
(versioned files). The run itself is recorded once in the audit trail, with its counts.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import multiprocessing
import multiprocessing.util
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from django.db import connection, connections, transaction
from django.db.models import Count, Model
from django.db.models import Field as DjangoField
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record
from giamngheo.core.errors import ValidationFailed
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.poverty.ages import ages_on
from giamngheo.poverty.bulk import CATEGORIES, URBAN
from giamngheo.poverty.columns import (
    EDUCATIONS,
    EMPLOYMENTS,
    MEMBER_FLAGS,
    UNKNOWN,
    Coded,
    FactsTable,
    FactsTableBuilder,
)
from giamngheo.poverty.standard import Standard
from giamngheo.poverty.vector import TableResult, classify_table
from giamngheo.standards.adapters import area_type, province_code, standards_in_force

from .models import Household, Member
from .reference import Device, Latrine, WasteHandling, WaterSource

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")
R = TypeVar("R")
CATEGORY_VALUES: tuple[str, ...] = (*(c.value for c in CATEGORIES), "")  # by bulk code; UNDETERMINED: ""


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


# Reading --------------------------------------------------------------------------------------------------


def column_of(model: type[Model], name: str) -> str:
    """The database column of a concrete field."""
    field = model._meta.get_field(name)
    if not isinstance(field, DjangoField) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return str(field.column)


def _q(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(column_of(model, name))


def _hq(name: str) -> str:
    return _q(Household, name)


def _mq(name: str) -> str:
    return _q(Member, name)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _joined(expression: str, separator: str) -> str:
    """An aggregate joining ``expression`` (text) over the rows, ``separator`` a SQL literal."""
    if connection.vendor == "postgresql":
        return f"STRING_AGG({expression}, {separator})"
    return f"GROUP_CONCAT({expression}, {separator})"


def _text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _flag(column: str) -> str:
    """0 not recorded, 1 no, 2 yes (the ``Tri`` value + 1)."""
    if connection.vendor == "postgresql":
        return f"COALESCE(CAST({column} AS INTEGER) + 1, 0)"
    return f"IFNULL({column} + 1, 0)"  # SQLite stores booleans as 0/1


def _vocabulary(choices: Iterable[str], standards: Iterable[Standard], *params: str) -> tuple[str, ...]:
    """The answer codes of a text fact, and every value a standard names for it: a stored value outside
    these is recorded and not in any standard's list, which the rules treat alike."""
    values = [str(c) for c in choices]
    for standard in standards:
        for indicator in standard.indicators:
            for name in params:
                for value in indicator.params.get(name, ()):
                    if str(value) not in values:
                        values.append(str(value))
    return tuple(values)


OTHER = "\x00other"  # a recorded value outside the vocabulary (no standard lists it)
TEXT_BITS, DEVICE_BITS = 5, 16  # a text fact: codes -1 … 30; the devices: up to 15 codes


@dataclass(frozen=True)
class _Vocabularies:
    water: tuple[str, ...]
    latrine: tuple[str, ...]
    waste: tuple[str, ...]
    devices: tuple[str, ...]

    @classmethod
    def of(cls, standards: Iterable[Standard]) -> _Vocabularies:
        chosen = list(standards)
        found = cls(
            water=_vocabulary(WaterSource.values, chosen, "clean_sources"),
            latrine=_vocabulary(Latrine.values, chosen, "hygienic_types"),
            waste=_vocabulary(WasteHandling.values, chosen, "handled"),
            devices=_vocabulary(Device.values, chosen, "devices"),
        )
        if max(len(found.water), len(found.latrine), len(found.waste)) + 2 > 1 << TEXT_BITS or (
            len(found.devices) >= DEVICE_BITS
        ):
            raise ValueError("too many answer codes for the reader's layout")
        return found


def _code(column: str, values: Sequence[str], params: list[Any], *, other: bool = True) -> str:
    """1 + the index of the text in ``values``; 0 when empty; len(values) + 1 for another value (``OTHER``),
    or 0 (not recorded) without ``other``."""
    whens = " ".join(f"WHEN %s THEN {i + 1}" for i in range(len(values)))
    params.extend(values)
    return f"CASE {column} WHEN '' THEN 0 {whens} ELSE {len(values) + 1 if other else 0} END"


def _devices_mask(column: str, names: Sequence[str], params: list[Any]) -> str:
    """1 + the bit mask of the devices owned (bit j: ``names[j]``); 0 when never asked (SQL or JSON null)."""
    if connection.vendor == "postgresql":
        null = f"{column} IS NULL OR JSONB_TYPEOF({column}) = 'null'"
        bits = " + ".join(f"(CASE WHEN {column} ? %s THEN {1 << j} ELSE 0 END)" for j in range(len(names)))
        params.extend(names)
    else:  # JSON text as Django writes it: ["tv", "radio"]
        null = f"{column} IS NULL OR {column} = 'null'"
        bits = " + ".join(
            f"(CASE WHEN INSTR({column}, %s) > 0 THEN {1 << j} ELSE 0 END)" for j in range(len(names))
        )
        params.extend(f'"{name}"' for name in names)
    return f"(CASE WHEN {null} THEN 0 ELSE 1 + {bits or '0'} END)"


def _category_code(column: str, params: list[Any]) -> str:
    """0 … 3 the category (``bulk`` codes), 4 empty, 7 anything else."""
    whens = " ".join(f"WHEN %s THEN {i}" for i in range(len(CATEGORIES)))
    params.extend(c.value for c in CATEGORIES)
    return f"CASE {column} WHEN '' THEN {len(CATEGORIES)} {whens} ELSE 7 END"


# A household is 4 numbers: id, income (-1: not recorded), floor·2¹⁰ + stored codes, and the packed facts.
HOUSEHOLD_NUMBERS = 4
COMMUNE_SHIFT = 3 * 2 + 3 * TEXT_BITS + DEVICE_BITS  # the packed facts: commune id above the facts
FIELD_SEPARATOR, ROW_SEPARATOR = "\x1f", "\x1e"
COMMA = "','"  # the SQL literal


def _floor_scale() -> int:
    places = Household._meta.get_field("floor_area_m2").decimal_places
    return int(10 ** (places or 0))


def _household_sql(where: str, vocab: _Vocabularies, standard_code: str) -> tuple[str, list[Any]]:
    params: list[Any] = []
    stored = " + ".join(
        [
            _category_code(_hq("category"), params),
            f"({_category_code(_hq('engine_category'), params)}) * 8",
            f"({_category_code(_hq('engine_provincial_category'), params)}) * 64",
            f"(CASE WHEN {_hq('engine_standard')} = %s THEN 512 ELSE 0 END)",
        ]
    )
    params.append(standard_code)
    floor = f"COALESCE(CAST(ROUND({_hq('floor_area_m2')} * {_floor_scale()}) AS BIGINT), -1)"
    facts = [
        _flag(_hq("walls_durable")),
        _flag(_hq("columns_durable")),
        _flag(_hq("roof_durable")),
        _code(_hq("water_source"), vocab.water, params),
        _code(_hq("latrine"), vocab.latrine, params),
        _code(_hq("waste_handling"), vocab.waste, params),
        _devices_mask(_hq("devices"), vocab.devices, params),
    ]
    shifts = [0, 2, 4, 6, 6 + TEXT_BITS, 6 + 2 * TEXT_BITS, 6 + 3 * TEXT_BITS]
    packed = f"CAST({_hq('commune')} AS BIGINT) * {1 << COMMUNE_SHIFT} + " + " + ".join(
        f"({f}) * {1 << shift}" for f, shift in zip(facts, shifts, strict=True)
    )
    numbers = [_hq("id"), f"COALESCE({_hq('income_per_capita')}, -1)", f"{floor} * 1024 + {stored}", packed]
    row = f" || {COMMA} || ".join(_text(n) for n in numbers)
    keys = f"COALESCE({_hq('deprived_keys')}, '') || %s || COALESCE({_hq('unknown_keys')}, '')"
    params.extend([FIELD_SEPARATOR, ROW_SEPARATOR])
    sql = (
        f"SELECT {_joined(row, COMMA)}, {_joined(keys, '%s')} "  # noqa: S608
        f"FROM {_table(Household)} WHERE {_hq('is_active')} AND {where}"
    )
    return sql, params


def _member_sql(where: str) -> tuple[str, list[Any]]:
    """Per active member: the household, its packed facts, and the date of birth as the database writes it
    (YYYY-MM-DD: the reader turns its dashes into commas, three more numbers)."""
    params: list[Any] = []
    parts = [f"({_flag(_mq(name))}) * {1 << (2 * k)}" for k, name in enumerate(MEMBER_FLAGS)]
    shift = 2 * len(MEMBER_FLAGS)
    education = _code(_mq("education"), [str(e) for e in EDUCATIONS], params, other=False)
    employment = _code(_mq("employment"), [str(e) for e in EMPLOYMENTS], params, other=False)
    parts.append(f"({education}) * {1 << shift}")
    parts.append(f"({employment}) * {1 << (shift + 3)}")
    parts.append(f"(CASE WHEN {_mq('sex')} = 'F' THEN {1 << (shift + 6)} ELSE 0 END)")
    row = f" || {COMMA} || ".join(
        [_text(_mq("household")), _text(" + ".join(parts)), _text(_mq("date_of_birth"))]
    )
    sql = (
        f"SELECT {_joined(row, COMMA)} "  # noqa: S608
        f"FROM {_table(Member)} WHERE {_mq('is_active')} AND {where}"
    )
    return sql, params


MEMBER_NUMBERS = 5  # household, packed facts, year, month, day


def _numbers(text: str | None, width: int) -> IntArray:
    if not text:
        return np.zeros((0, width), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, width)


def _field(packed: IntArray, shift: int, bits: int) -> IntArray:
    """A field of ``bits`` bits at ``shift``, stored + 1 (0: not recorded): the value, -1 not recorded."""
    return ((packed >> shift) & ((1 << bits) - 1)) - 1


@dataclass
class Batch:
    """Households read from the database: their facts (ages still to count: ``facts(on)``) and their stored
    engine fields (``stored``: codes, ``keys_code`` into the distinct ``keys`` texts)."""

    pk: IntArray
    commune: IntArray
    table: FactsTable  # ages are 0 until ``facts(on)``
    born: IntArray  # per member, YYYYMMDD
    stored: IntArray  # recognised category, engine category ·8, provincial ·64 (codes), same standard ·512
    keys_code: IntArray
    keys: list[str]  # distinct "deprived keys␟unknown keys" texts

    def __len__(self) -> int:
        return len(self.pk)

    def facts(self, on: dt.date) -> FactsTable:
        """The facts with the members' ages on ``on`` (the one age rule, ``poverty.ages``)."""
        return dataclasses.replace(self.table, age=ages_on(self.born, on))


def _read(
    household_where: str,
    household_params: list[Any],
    member_where: str,
    member_params: list[Any],
    *,
    urban: Mapping[int, bool],
    vocab: _Vocabularies,
    standard_code: str,
) -> Batch:
    sql, params = _household_sql(household_where, vocab, standard_code)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *household_params])
        numbers_text, keys_text = cursor.fetchone()
        numbers = _numbers(numbers_text, HOUSEHOLD_NUMBERS)
        sql, params = _member_sql(member_where)
        cursor.execute(sql, [*params, *member_params])
        text = cursor.fetchone()[0]
        members = _numbers(text.replace("-", ",") if text else None, MEMBER_NUMBERS)
    rows = keys_text.split(ROW_SEPARATOR) if numbers_text else []
    distinct: dict[str, int] = {}
    codes = np.fromiter(
        (distinct.setdefault(r, len(distinct)) for r in rows), dtype=np.int64, count=len(rows)
    )
    order = np.argsort(numbers[:, 0], kind="stable")
    numbers, codes = numbers[order], codes[order]
    pk = numbers[:, 0]
    n = len(pk)
    # Members of these households only (a range of ids can hold other communes' households).
    owner = np.searchsorted(pk, members[:, 0])
    inside = (owner < n) & (pk[np.minimum(owner, max(n - 1, 0))] == members[:, 0]) if n else owner < 0
    owner, packed = owner[inside], members[inside, 1]
    born = members[inside, 2] * 10_000 + members[inside, 3] * 100 + members[inside, 4]
    facts = numbers[:, 3]
    mask = _field(facts, 6 + 3 * TEXT_BITS, DEVICE_BITS)
    known = mask >= 0
    devices = (np.where(known, mask, 0)[:, None] >> np.arange(len(vocab.devices))) & 1
    communes = facts >> COMMUNE_SHIFT
    lookup = {c: URBAN if u else 0 for c, u in urban.items()}
    area = np.array([lookup.get(c, 0) for c in communes.tolist()], dtype=np.int8)
    shift = 2 * len(MEMBER_FLAGS)
    flags: dict[str, Any] = {
        name: _field(packed, 2 * k, 2).astype(np.int8) for k, name in enumerate(MEMBER_FLAGS)
    }
    table = FactsTable(
        area=area,
        income=numbers[:, 1],
        walls_durable=_field(facts, 0, 2).astype(np.int8),
        columns_durable=_field(facts, 2, 2).astype(np.int8),
        roof_durable=_field(facts, 4, 2).astype(np.int8),
        floor_area=numbers[:, 2] >> 10,
        floor_scale=_floor_scale(),
        water_source=Coded(_field(facts, 6, TEXT_BITS).astype(np.int16), (*vocab.water, OTHER)),
        latrine=Coded(_field(facts, 6 + TEXT_BITS, TEXT_BITS).astype(np.int16), (*vocab.latrine, OTHER)),
        waste_handling=Coded(
            _field(facts, 6 + 2 * TEXT_BITS, TEXT_BITS).astype(np.int16), (*vocab.waste, OTHER)
        ),
        devices=devices.astype(np.bool_),
        devices_known=known,
        device_names=vocab.devices,
        member_of=owner.astype(np.int64),
        age=np.zeros(len(owner), dtype=np.int64),
        female=((packed >> (shift + 6)) & 1).astype(np.bool_),
        education=_field(packed, shift, 3).astype(np.int8),
        employment=_field(packed, shift + 3, 3).astype(np.int8),
        **flags,
    )
    return Batch(
        pk=pk,
        commune=communes,
        table=table,
        born=born,
        stored=numbers[:, 2] & 1023,
        keys_code=codes,
        keys=list(distinct),
    )


def read_households(
    ids: Sequence[int], *, urban: Mapping[int, bool], standards: Sequence[Standard] = ()
) -> Batch:
    """The active households with these primary keys (any order; the batch is sorted by key). ``standards``:
    those the facts will be classified under, the national one first (its code is compared with the
    stored one)."""
    vocab = _Vocabularies.of(standards)
    code = standards[0].code if standards else ""
    wanted = sorted(set(ids))
    if not wanted:
        return _read("1 = 0", [], "1 = 0", [], urban=urban, vocab=vocab, standard_code=code)
    marks = ", ".join(["%s"] * len(wanted))
    if wanted[-1] - wanted[0] < 2 * len(wanted):  # dense (new households get consecutive ids): a range
        h_where, m_where = (
            f"{_hq('id')} BETWEEN %s AND %s AND {_hq('id')} IN ({marks})",
            f"{_mq('household')} BETWEEN %s AND %s",
        )
        h_params, m_params = [wanted[0], wanted[-1], *wanted], [wanted[0], wanted[-1]]
    else:
        h_where, m_where = f"{_hq('id')} IN ({marks})", f"{_mq('household')} IN ({marks})"
        h_params, m_params = list(wanted), list(wanted)
    return _read(h_where, h_params, m_where, m_params, urban=urban, vocab=vocab, standard_code=code)


def _commune_ids(commune_id: int) -> IntArray:
    sql = (
        f"SELECT {_joined(_text(_hq('id')), COMMA)} FROM {_table(Household)} "  # noqa: S608
        f"WHERE {_hq('commune')} = %s AND {_hq('is_active')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [commune_id])
        return np.sort(_numbers(cursor.fetchone()[0], 1)[:, 0])


def read_communes(
    commune_ids: Iterable[int],
    *,
    urban: Mapping[int, bool],
    standards: Sequence[Standard] = (),
    chunk_size: int = 50_000,
) -> Iterator[Batch]:
    """The active households of these communes, commune by commune, at most ``chunk_size`` at a time, in
    primary-key ranges (the keys of a commune are read first, on the commune index: a filter on the
    commune with ``ORDER BY id LIMIT n`` would let the planner walk the whole primary key). ``standards``
    as for ``read_households``.

    The members of a dense range (a commune's households entered together: consecutive keys) are read by
    the range; those of a scattered one (households added over the years, a merged commune, other
    communes' households between them) through the commune's households, so that a commune never reads
    the members of the whole registry between its first and last key (measured: 2.7 million members read
    for a commune of 24,000 households, 80 s instead of 4 for a province)."""
    vocab = _Vocabularies.of(standards)
    code = standards[0].code if standards else ""
    for commune_id in commune_ids:
        pks = _commune_ids(commune_id)
        for start in range(0, len(pks), chunk_size):
            count = min(start + chunk_size, len(pks)) - start
            first, last = int(pks[start]), int(pks[start + count - 1])
            where = f"{_hq('commune')} = %s AND {_hq('id')} BETWEEN %s AND %s"
            if last - first < 2 * count:
                member_where, member_params = f"{_mq('household')} BETWEEN %s AND %s", [first, last]
            else:
                member_where = (
                    f"{_mq('household')} IN (SELECT {_hq('id')} FROM {_table(Household)} "  # noqa: S608
                    f"WHERE {where} AND {_hq('is_active')})"
                )
                member_params = [commune_id, first, last]
            yield _read(
                where,
                [commune_id, first, last],
                member_where,
                member_params,
                urban=urban,
                vocab=vocab,
                standard_code=code,
            )


def prefetched(batches: Iterator[Batch]) -> Iterator[Batch]:
    """``batches``, each read in a second thread (with its own database connection) while the caller
    classifies and writes the one before, on PostgreSQL: the read (SQL that packs the facts, in the
    server's process) and the write overlap (1.2 M households rewritten: 16–18 s → 11 s). On SQLite the
    reader slows the writer down more than it saves (one file, its write-ahead log: 15.4 → 16.9 s), and
    inside a transaction (a caller's atomic block, a test) another connection would not see its
    uncommitted rows: then the batches are read here, one after the other."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield from batches
        return

    def read_next() -> Batch | None:
        return next(batches, None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reclassify-read") as pool:
        try:
            pending = pool.submit(read_next)
            while (batch := pending.result()) is not None:
                pending = pool.submit(read_next)
                yield batch
        finally:
            pool.submit(connections.close_all).result()  # the reader thread's connection


# The engine's fields -------------------------------------------------------------------------------------


def _keys_text(keys: Sequence[str], mask: int) -> str:
    chosen = [k for j, k in enumerate(keys) if mask >> j & 1]
    return "|" + "|".join(chosen) + "|" if chosen else ""


def _masks(matrix: npt.NDArray[np.bool_]) -> IntArray:
    weights = np.left_shift(np.int64(1), np.arange(matrix.shape[1], dtype=np.int64))
    return (
        (matrix.astype(np.int64) * weights).sum(axis=1)
        if matrix.shape[1]
        else np.zeros(len(matrix), np.int64)
    )


@dataclass(frozen=True)
class EngineFields:
    """The engine's fields of n households, as the registry stores them."""

    standard: list[str]
    category: list[str]  # "" when not determined (no income, or missing facts that could change it)
    provincial_category: list[str]
    deprived_keys: list[str]
    unknown_keys: list[str]  # indicators of the national standard the facts cannot decide
    income_known: list[bool]


ChunkResult = EngineFields  # the former name


@dataclass
class _Classified:
    """The engine's new fields of a batch as one integer per household (``key``) and its texts."""

    national: TableResult
    provincial: TableResult | None
    key: IntArray  # category, provincial category, deprived and unknown masks packed

    def fields(self, national: Standard) -> EngineFields:
        n = len(self.key)
        texts = _Codec(national, self.provincial is not None).texts(self.key)
        return EngineFields(
            standard=[national.code] * n,
            category=[texts[k][0] for k in self.key.tolist()],
            provincial_category=[texts[k][1] for k in self.key.tolist()],
            deprived_keys=[texts[k][2] for k in self.key.tolist()],
            unknown_keys=[texts[k][3] for k in self.key.tolist()],
            income_known=self.national.income_known.tolist(),
        )


_MASK_BITS = 20  # room for the indicators of a standard (a standard has 12 or 13)


def _pack(category: IntArray, provincial: IntArray, deprived: IntArray, unknown: IntArray) -> IntArray:
    return ((category * 8 + provincial) << (2 * _MASK_BITS)) + (deprived << _MASK_BITS) + unknown


class _Codec:
    """The texts of the engine's fields under one national standard, by packed key and by stored text,
    cached for a whole run (a few thousand distinct values among a million households)."""

    def __init__(self, national: Standard, has_local: bool) -> None:
        self.national = national
        self.has_local = has_local
        self.labels = national.indicator_keys
        self._texts: dict[int, tuple[str, str, str, str]] = {}
        self._masks: dict[str, tuple[int, int]] = {}

    def texts(self, keys: IntArray) -> dict[int, tuple[str, str, str, str]]:
        """(category, provincial category, deprived keys, unknown keys) of each distinct key."""
        low = (1 << _MASK_BITS) - 1
        found = {}
        for key in np.unique(keys).tolist():
            text = self._texts.get(key)
            if text is None:
                codes = key >> (2 * _MASK_BITS)
                text = self._texts[key] = (
                    CATEGORY_VALUES[codes // 8],
                    CATEGORY_VALUES[codes % 8] if codes % 8 < len(CATEGORY_VALUES) else "",
                    _keys_text(self.labels, (key >> _MASK_BITS) & low),
                    _keys_text(self.labels, key & low),
                )
            found[key] = text
        return found

    def masks(self, stored: str) -> tuple[int, int]:
        """The (deprived, unknown) masks of a stored "deprived␟unknown" text; -1 when the engine would not
        write it so under this standard."""
        found = self._masks.get(stored)
        if found is None:
            masks = []
            for text in stored.split(FIELD_SEPARATOR):
                mask = sum(1 << self.labels.index(k) for k in text.strip("|").split("|") if k in self.labels)
                masks.append(mask if _keys_text(self.labels, mask) == text else -1)
            found = self._masks[stored] = (masks[0], masks[1]) if len(masks) == 2 else (-1, -1)
        return found

    def stored_keys(self, batch: Batch) -> IntArray:
        """Each household's stored engine fields as the ``_pack`` key the engine would give them now; -1
        when it cannot (another standard, a text the engine does not write)."""
        masks = np.array([self.masks(k) for k in batch.keys], dtype=np.int64).reshape(-1, 2)
        deprived, unknown = masks[batch.keys_code, 0], masks[batch.keys_code, 1]
        category = (batch.stored >> 3) & 7
        provincial = (batch.stored >> 6) & 7
        if not self.has_local:  # stored "" with no provincial standard
            provincial = np.where(provincial == len(CATEGORIES), NO_PROVINCIAL, -1)
        valid = (
            ((batch.stored >> 9) & 1 == 1)
            & (category <= len(CATEGORIES))
            & (provincial >= 0)
            & (provincial != 7 if self.has_local else provincial >= 0)
            & (deprived >= 0)
            & (unknown >= 0)
        )
        return np.where(valid, _pack(category, np.maximum(provincial, 0), deprived, unknown), -1)


NO_PROVINCIAL = 7  # provincial code when no provincial standard applies: stored as ""


def classify_facts(table: FactsTable, national: Standard, local: Standard | None) -> _Classified:
    if len(national.indicators) > _MASK_BITS or (local is not None and len(local.indicators) > _MASK_BITS):
        raise ValueError("a standard with more indicators than the engine's fields can hold")
    result = classify_table(table, national)
    provincial = None
    if local is not None:
        same = local.indicators == national.indicators  # the same rules: only the lines and cut-off differ
        provincial = classify_table(table, local, (result.deprived, result.unknown) if same else None)
    local_codes = (
        provincial.category.astype(np.int64)
        if provincial is not None
        else np.full(len(table), NO_PROVINCIAL, dtype=np.int64)
    )
    key = _pack(
        result.category.astype(np.int64), local_codes, _masks(result.deprived), _masks(result.unknown)
    )
    return _Classified(national=result, provincial=provincial, key=key)


# The run -------------------------------------------------------------------------------------------------


def _default_on(year: int) -> dt.date:
    """Ages are counted on today's date, brought into ``year`` (1 January or 31 December)."""
    today = timezone.localdate()
    return min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))


STAGING = "giamngheo_reclassify_rows"  # temporary table of the PostgreSQL path


def _write(changes: list[tuple[int, str, str, str, str, str]]) -> None:
    """Store (pk, standard, category, provincial category, deprived keys, unknown keys) rows: on PostgreSQL,
    COPY into a temporary table then one UPDATE … FROM it; elsewhere, one prepared UPDATE run for every
    row. Runs inside the chunk's transaction."""
    if not changes:
        return
    table = _table(Household)
    fields = (
        "engine_standard",
        "engine_category",
        "engine_provincial_category",
        "deprived_keys",
        "unknown_keys",
    )
    columns = [_q(Household, f) for f in fields]
    pk = _q(Household, "id")
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


@dataclass
class _Tally:
    before: Counter[str] = dataclasses.field(default_factory=Counter)
    after: Counter[str] = dataclasses.field(default_factory=Counter)
    provincial_after: Counter[str] = dataclasses.field(default_factory=Counter)
    recognised: Counter[str] = dataclasses.field(default_factory=Counter)
    households: int = 0
    changed: int = 0
    unclassified: int = 0
    undetermined: int = 0
    differs: int = 0

    COUNTERS = ("before", "after", "provincial_after", "recognised")
    NUMBERS = ("households", "changed", "unclassified", "undetermined", "differs")

    def as_json(self) -> dict[str, Any]:
        return {
            **{name: dict(getattr(self, name)) for name in self.COUNTERS},
            **{name: getattr(self, name) for name in self.NUMBERS},
        }

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> _Tally:
        tally = cls()
        for name in cls.COUNTERS:
            getattr(tally, name).update({str(k): int(v) for k, v in values[name].items()})
        for name in cls.NUMBERS:
            setattr(tally, name, int(values[name]))
        return tally

    def add(self, other: _Tally) -> None:
        for name in ("before", "after", "provincial_after", "recognised"):
            getattr(self, name).update(getattr(other, name))
        for name in ("households", "changed", "unclassified", "undetermined", "differs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


RECOGNISED_LABELS = (*CATEGORY_VALUES, "?", "?", "?")  # by stored code; "?": a value outside the choices


@dataclass
class _Outcome:
    """A batch classified: the rows to write (keys and their new engine key) and the batch's counts."""

    pks: IntArray
    keys: IntArray
    tally: _Tally


def _classify(batch: Batch, local: Standard | None, on: dt.date, codec: _Codec) -> _Outcome:
    """Classify a batch and count (nothing written): the rows whose engine fields change, and the counts."""
    tally = _Tally()
    n = len(batch)
    if not n:
        return _Outcome(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), tally)
    national = codec.national
    classified = classify_facts(batch.facts(on), national, local)
    changed = np.flatnonzero(codec.stored_keys(batch) != classified.key)
    texts = codec.texts(classified.key)
    # Counts, by code.
    recognised = batch.stored & 7
    for code, count in enumerate(np.bincount(recognised, minlength=8).tolist()):
        if count:
            tally.recognised[RECOGNISED_LABELS[code]] += count
    for code, count in enumerate(np.bincount((batch.stored >> 3) & 7, minlength=8).tolist()):
        if count:
            tally.before[RECOGNISED_LABELS[code]] += count
    new_keys, new_counts = np.unique(classified.key, return_counts=True)
    for key, count in zip(new_keys.tolist(), new_counts.tolist(), strict=True):
        tally.after[texts[key][0]] += count
        tally.provincial_after[texts[key][1]] += count
    no_income = int(np.count_nonzero(~classified.national.income_known))
    tally.households += n
    tally.changed += len(changed)
    tally.unclassified += no_income
    tally.undetermined += int(np.count_nonzero(~classified.national.bulk.determined)) - no_income
    tally.differs += int(np.count_nonzero(recognised != classified.national.category))
    return _Outcome(batch.pk[changed], classified.key[changed], tally)


def _save(outcome: _Outcome, codec: _Codec, tally: _Tally) -> None:
    """Write a classified batch's changed rows (in one transaction) and add its counts to ``tally``."""
    if len(outcome.pks):
        texts = codec.texts(outcome.keys)
        code = codec.national.code
        with transaction.atomic():
            if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33):
                _write_keyed(outcome.pks.tolist(), outcome.keys.tolist(), texts, code)
            else:
                pks, keys = outcome.pks.tolist(), outcome.keys.tolist()
                _write([(pk, code, *texts[key]) for pk, key in zip(pks, keys, strict=True)])
    tally.add(outcome.tally)


KEYS_TABLE, ROWS_TABLE = (
    "giamngheo_reclassify_texts",
    "giamngheo_reclassify_keys",
)  # SQLite's temporary tables


def _keyed_update_sql() -> str:
    """SQLite's ``UPDATE … FROM`` of the changed rows (``_write_keyed``); its one parameter: the standard."""
    table = _table(Household)
    fields = ("engine_category", "engine_provincial_category", "deprived_keys", "unknown_keys")
    assignments = ", ".join(
        [f"{_q(Household, 'engine_standard')} = %s"]
        + [f"{_q(Household, name)} = k.c{i}" for i, name in enumerate(fields)]
    )
    return (
        f"UPDATE {table} SET {assignments} FROM {ROWS_TABLE} AS r "  # noqa: S608
        f"JOIN {KEYS_TABLE} AS k ON k.k = r.k WHERE {table}.{_q(Household, 'id')} = r.id"
    )


def _write_keyed(
    pks: list[int], keys: list[int], texts: Mapping[int, tuple[str, str, str, str]], standard_code: str
) -> None:
    """SQLite (3.33+): the few distinct engine texts of the batch and each changed row's key go into two
    temporary tables, then one ``UPDATE … FROM`` joins them: a row costs two integers bound instead of six
    values, and the rows are updated in key order (1.2 million households rewritten: ~25 % less time than a
    prepared UPDATE per row). Runs inside the chunk's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {KEYS_TABLE} (k INTEGER PRIMARY KEY, c0, c1, c2, c3)"
        )
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {ROWS_TABLE} (id INTEGER PRIMARY KEY, k INTEGER)")
        cursor.execute(f"DELETE FROM {KEYS_TABLE}")  # noqa: S608
        cursor.execute(f"DELETE FROM {ROWS_TABLE}")  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {KEYS_TABLE} (k, c0, c1, c2, c3) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [(key, *text) for key, text in texts.items()],
        )
        cursor.executemany(
            f"INSERT INTO {ROWS_TABLE} (id, k) VALUES (%s, %s)",  # noqa: S608
            list(zip(pks, keys, strict=True)),
        )
        # Statistics of the temporary tables, so that the planner walks the changed rows and finds each
        # household by its key: without them it takes the temporary table for a large one and scans the
        # whole household table for every batch (a province: 95 communes × 1.2 M index entries).
        cursor.execute(f"ANALYZE temp.{ROWS_TABLE}")
        cursor.execute(f"ANALYZE temp.{KEYS_TABLE}")
        cursor.execute(_keyed_update_sql(), [standard_code])
        cursor.execute(f"DELETE FROM {ROWS_TABLE}")  # noqa: S608


def _store(batch: Batch, local: Standard | None, on: dt.date, codec: _Codec, tally: _Tally) -> None:
    """Classify a batch, write the rows whose engine fields change (in one transaction) and count."""
    _save(_classify(batch, local, on, codec), codec, tally)


# Reading and classifying in several processes (SQLite) ------------------------------------------------------
@dataclass(frozen=True)
class _Work:
    """What a reading process needs (set before the processes fork, inherited by them)."""

    urban: Mapping[int, bool]
    standards: Sequence[Standard]
    local: Standard | None
    on: dt.date
    chunk_size: int
    national: Standard


def _commune_outcomes(work: _Work, commune_id: int) -> list[_Outcome]:
    """A reading process's task: the commune's households classified (nothing written)."""
    codec = _Codec(work.national, work.local is not None)
    batches = read_communes(
        [commune_id], urban=work.urban, standards=work.standards, chunk_size=work.chunk_size
    )
    return [_classify(batch, work.local, work.on, codec) for batch in batches]


def reading_processes() -> int:
    """How many processes read and classify a province at once: on SQLite (a file, outside a transaction)
    ``settings.RECLASSIFY_PROCESSES`` (default: the machine's cores, at most 4); 1 otherwise. SQLite's
    reads are one core each: the province's 1.2 million households read in two processes take half the
    time, while the one writer (this process) writes what they hand back (decision 0024). PostgreSQL reads
    in the server (``prefetched``); inside a transaction (a caller's atomic block, a test) other connections
    would not see its rows; an in-memory database cannot be shared with another process."""
    from django.conf import settings

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return 1
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or ":memory:" in name or "mode=memory" in name:
        return 1
    wanted = getattr(settings, "RECLASSIFY_PROCESSES", None)
    return max(1, int(wanted) if wanted is not None else min(4, os.cpu_count() or 1))


_TASK: Callable[[Any], Any] | None = None  # the task of the forked processes (inherited, never pickled)


def _goodbye() -> None:
    """A forked process keeps its database connection from one item to the next (a new connection per
    item costs the server a new process and its caches each time: 600 times for a province's import) and
    closes it when the process ends — when the pool is closed rather than stopped."""
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _lower_priority() -> None:
    """The reading processes yield the processor to the writer (this process), the one that cannot be
    parallelised: on two cores it then writes at full speed while the readers share what is left."""
    _goodbye()
    os.nice(READER_NICENESS)


READER_NICENESS = 10


def _run_task(item: Any) -> Any:
    if _TASK is None:
        raise RuntimeError("_run_task runs in a process forked by in_processes")
    return _TASK(item)


def in_processes(
    task: Callable[[T], R], items: Iterable[T], processes: int, *, writers: bool = False
) -> Iterator[R]:
    """``task(item)`` for every item, in ``processes`` forked processes (one item at a time each), the
    results as they come (any order). The task may read the database (each process opens its own
    connection); it must not write, unless ``writers`` (PostgreSQL only, each item in a transaction of its
    own: SQLite has one writer at a time): the processes then keep this process's priority. Only the items
    and the results cross between processes (pickled)."""
    global _TASK
    if processes <= 1:
        yield from map(task, items)
        return
    connections.close_all()  # a forked process must not share this process's connection
    _TASK = task
    pool = multiprocessing.get_context("fork").Pool(
        processes=processes, initializer=_goodbye if writers else _lower_priority
    )
    try:
        yield from pool.imap_unordered(_run_task, items, chunksize=1)
        # The processes end on their own (not stopped): each says goodbye to the server (``_goodbye``).
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        _TASK = None


def in_processes_in_order(
    task: Callable[[T], R], items: Iterable[T], processes: int
) -> Iterator[tuple[T, R]]:
    """``(item, task(item))`` for every item, in the items' order, the tasks run in ``processes`` forked
    processes (reads only, as ``in_processes``). The items are read in this thread, at most two per process
    ahead of the results: a generator reading a file is neither run in another thread nor read whole into
    the pool's queue."""
    global _TASK
    if processes <= 1:
        for item in items:
            yield item, task(item)
        return
    connections.close_all()  # a forked process must not share this process's connection
    _TASK = task
    pool = multiprocessing.get_context("fork").Pool(processes=processes, initializer=_lower_priority)
    try:
        pending: collections.deque[tuple[T, Any]] = collections.deque()
        for item in items:
            pending.append((item, pool.apply_async(_run_task, (item,))))
            if len(pending) >= 2 * processes:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
        pool.close()  # the processes end on their own, closing their connections (``_goodbye``)
        pool.join()
    finally:
        pool.terminate()
        _TASK = None


def reading_concurrently(task: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """``task(item)`` for every item (a read: it must not write), as several at once as the database
    allows: forked processes on SQLite (``reading_processes``, any order), ``pipeline_threads()[0]``
    threads with their own connections on PostgreSQL outside a transaction (the reading SQL runs in the
    server's processes; the items' order), else one after the other."""
    readers = pipeline_threads()[0]
    if connection.vendor != "postgresql" or connection.in_atomic_block or readers <= 1:
        yield from in_processes(task, items, reading_processes())
        return
    with ThreadPoolExecutor(max_workers=readers, thread_name_prefix="reclassify-read") as pool:
        try:
            yield from pool.map(task, items)
        finally:
            _close_thread_connections(pool, readers)


def _largest_first(commune_ids: Iterable[int]) -> list[int]:
    """The communes by their number of active households, largest first (the processes end together)."""
    ids = list(commune_ids)
    sizes = dict(
        Household.objects.filter(commune_id__in=ids, is_active=True)
        .values_list("commune_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("commune_id", "n")
    )
    return sorted(ids, key=lambda c: (-sizes.get(c, 0), c))


REGISTRY_TIDY = "registry_tidy"  # the job that tidies the household table after a large run


def _tidy_later(*, changed: int, households: int) -> None:
    """After a run that rewrote many rows on PostgreSQL, put ``REGISTRY_TIDY`` (``tidy_registry``, ≈ 3 s
    for 1.2 M households) on the queue, a job of the system: the run's result is complete and recorded
    without waiting for it, and a worker tidies the table right after (autovacuum would, later)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or changed * 10 < households:
        return
    from giamngheo.jobs.services import job_create

    job_create(
        kind=REGISTRY_TIDY, title=_("Tidying the household table after a reclassification"), acting_user=None
    )


def tidy_registry() -> None:
    """``VACUUM (ANALYZE)`` the household table on PostgreSQL after a run that rewrote many rows, rather than
    waiting for autovacuum: the old row versions are pruned and the visibility map is set again, so the
    registry's counts (index-only scans) stay fast (the province's list: 335 ms p95 before, ~130 ms after;
    about 3 s for 1.2 M households). Not inside a transaction (VACUUM cannot run there)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_table(Household)}")


def _standards(year: int, province: Area) -> tuple[Standard | None, Standard | None]:
    standards = standards_in_force(year=year, province=province_code(province))
    national = next((s for s in standards.values() if s.is_national), None)
    local = next((s for s in standards.values() if not s.is_national), None)
    return national, local


def _urban(province: Area) -> dict[int, bool]:
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE)
    return {c.pk: area_type(c) == "urban" for c in communes}


def province_reclassify(
    *,
    province: Area,
    year: int,
    acting_user: User | None,
    chunk_size: int = 50_000,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReclassifyResult:
    """Classify every active household of ``province`` under the standards in force in ``year`` and store the
    engine's fields. ``on``: the date ages are counted on (default: today, brought into ``year``).
    ``progress(done, total)`` is called after each chunk."""
    started = time.perf_counter()
    national, local = _province_standards(province, year)
    on = on or _default_on(year)
    urban = _urban(province)
    tally = _reclassify_communes(
        list(urban),
        urban=urban,
        national=national,
        local=local,
        on=on,
        chunk_size=chunk_size,
        progress=progress,
    )
    return _finish(province, year, on, national, local, tally, acting_user, time.perf_counter() - started)


def _province_standards(province: Area, year: int) -> tuple[Standard, Standard | None]:
    if province.level != AreaLevel.PROVINCE:
        raise ValueError(f"{province} is not a province")
    national, local = _standards(year, province)
    if national is None:
        raise ValidationFailed(
            _("No poverty standard governs %(year)s.") % {"year": year}, extra={"field": "year"}
        )
    return national, local


def _reclassify_communes(
    commune_ids: Sequence[int],
    *,
    urban: Mapping[int, bool],
    national: Standard,
    local: Standard | None,
    on: dt.date,
    chunk_size: int,
    progress: Callable[[int, int], None] | None,
) -> _Tally:
    """Read, classify and write the active households of these communes (a whole province, or a part of
    it): the rows whose engine fields change are written, the counts come back."""
    total = Household.objects.filter(commune_id__in=list(commune_ids), is_active=True).count()
    tally = _Tally()
    used = [s for s in (national, local) if s is not None]
    codec = _Codec(national, local is not None)
    processes = reading_processes()
    if processes > 1:
        work = _Work(
            urban=urban, standards=used, local=local, on=on, chunk_size=chunk_size, national=national
        )
        task = functools.partial(_commune_outcomes, work)
        for outcomes in in_processes(task, _largest_first(commune_ids), processes):
            for classified in outcomes:
                _save(classified, codec, tally)
            if progress is not None:
                progress(tally.households, total)
    elif connection.vendor == "postgresql" and not connection.in_atomic_block:
        work = _Work(
            urban=urban, standards=used, local=local, on=on, chunk_size=chunk_size, national=national
        )
        for outcome_tally in _pipelined(work, codec, _largest_first(commune_ids)):
            tally.add(outcome_tally)
            if progress is not None:
                progress(tally.households, total)
    else:
        batches = read_communes(sorted(commune_ids), urban=urban, standards=used, chunk_size=chunk_size)
        for batch in prefetched(batches):
            _store(batch, local, on, codec, tally)
            if progress is not None:
                progress(tally.households, total)
    return tally


def pipeline_threads() -> tuple[int, int]:
    """(reading, writing) connections of a PostgreSQL run: ``settings.RECLASSIFY_READERS`` (default 2) and
    ``settings.RECLASSIFY_WRITERS`` (default 1)."""
    from django.conf import settings

    readers = int(getattr(settings, "RECLASSIFY_READERS", 2) or 2)
    writers = int(getattr(settings, "RECLASSIFY_WRITERS", 1) or 1)
    return max(1, readers), max(1, writers)


def _close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection of each of the pool's threads (a barrier makes each take one task)."""
    barrier = threading.Barrier(threads)

    def close() -> None:
        connections.close_all()
        barrier.wait(timeout=300)

    for future in [pool.submit(close) for _thread in range(threads)]:
        future.result()


def _pipelined(work: _Work, codec: _Codec, commune_ids: Sequence[int]) -> Iterator[_Tally]:
    """PostgreSQL, outside a transaction: the communes (largest first) are read by ``readers`` connections
    at once (the packing SQL runs in their server processes), classified here, and their changed rows
    written by ``writers`` other connections (each batch in its own transaction), so that the server's
    reading, its writing and this process's classifying overlap on the machine's cores (decision 0034).
    Yields each written batch's counts, in the order the batches were classified."""
    readers, writers = pipeline_threads()

    def read(commune_id: int) -> list[Batch]:
        return list(
            read_communes(
                [commune_id], urban=work.urban, standards=work.standards, chunk_size=work.chunk_size
            )
        )

    def write(outcome: _Outcome) -> _Tally:
        _save(outcome, codec, _Tally())
        return outcome.tally

    pending_ids = iter(commune_ids)
    with (
        ThreadPoolExecutor(max_workers=readers, thread_name_prefix="reclassify-read") as reading,
        ThreadPoolExecutor(max_workers=writers, thread_name_prefix="reclassify-write") as writing,
    ):
        reads: collections.deque[Future[list[Batch]]] = collections.deque(
            reading.submit(read, commune_id) for commune_id in itertools.islice(pending_ids, readers + 1)
        )
        writes: collections.deque[Future[_Tally]] = collections.deque()
        try:
            while reads:
                batches = reads.popleft().result()
                following = next(pending_ids, None)
                if following is not None:
                    reads.append(reading.submit(read, following))
                for batch in batches:
                    writes.append(writing.submit(write, _classify(batch, work.local, work.on, codec)))
                    while len(writes) > writers or (writes and writes[0].done()):
                        yield writes.popleft().result()
            while writes:
                yield writes.popleft().result()
        finally:
            for read_future in reads:
                read_future.cancel()
            for write_future in writes:
                write_future.cancel()
            for pool, threads in ((reading, readers), (writing, writers)):
                with contextlib.suppress(Exception):
                    _close_thread_connections(pool, threads)


def _finish(
    province: Area,
    year: int,
    on: dt.date,
    national: Standard,
    local: Standard | None,
    tally: _Tally,
    acting_user: User | None,
    seconds: float,
) -> ReclassifyResult:
    """After the last write: record the run once in the audit trail, then put the table's tidying on the
    queue (PostgreSQL, after a large rewrite: ``_tidy_later``)."""
    started = time.perf_counter()
    outcome = ReclassifyResult(
        province=province.name,
        year=year,
        on=on,
        standard=national.code,
        provincial_standard=local.code if local else "",
        households=tally.households,
        changed=tally.changed,
        unclassified=tally.unclassified,
        undetermined=tally.undetermined,
        before=dict(tally.before),
        after=dict(tally.after),
        provincial_after=dict(tally.provincial_after),
        recognised=dict(tally.recognised),
        differs_from_recognised=tally.differs,
        seconds=seconds + time.perf_counter() - started,
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
    _tidy_later(changed=tally.changed, households=tally.households)  # after the run, not in its time
    return outcome


# A province's run in parts (several workers, decision 0032) ------------------------------------------------


@dataclass(frozen=True)
class Part:
    """Communes of a province that one worker reclassifies, and their active households."""

    communes: list[int]
    households: int


def province_parts(*, province: Area, parts: int) -> list[Part]:
    """The province's communes in at most ``parts`` groups of about the same number of active households
    (largest commune first, each to the group with the fewest households so far); no empty group."""
    urban = _urban(province)
    sizes = dict(
        Household.objects.filter(commune_id__in=list(urban), is_active=True)
        .values_list("commune_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("commune_id", "n")
    )
    groups = [Part(communes=[], households=0) for _ in range(max(1, parts))]
    for commune in sorted(urban, key=lambda c: (-sizes.get(c, 0), c)):
        smallest = min(range(len(groups)), key=lambda g: (groups[g].households, len(groups[g].communes)))
        group = groups[smallest]
        groups[smallest] = Part(
            communes=[*group.communes, commune], households=group.households + sizes.get(commune, 0)
        )
    return [g for g in groups if g.communes]


def reclassify_part(
    *,
    province: Area,
    year: int,
    on: dt.date,
    commune_ids: Sequence[int],
    chunk_size: int = 50_000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """A part of a province's run (``province_parts``): these communes' households classified and their
    changed engine fields written, exactly as the whole run does for them; no audit record (the run is
    recorded once, by ``reclassify_parts_finish``). Returns the part's counts (JSON: a job's summary)."""
    national, local = _province_standards(province, year)
    urban = _urban(province)
    wanted = [c for c in commune_ids if c in urban]
    tally = _reclassify_communes(
        wanted, urban=urban, national=national, local=local, on=on, chunk_size=chunk_size, progress=progress
    )
    return tally.as_json()


def reclassify_parts_finish(
    *,
    province: Area,
    year: int,
    on: dt.date,
    parts: Sequence[Mapping[str, Any]],
    acting_user: User | None,
    seconds: float,
) -> ReclassifyResult:
    """The run whose parts (``reclassify_part``'s counts) are all written: their counts summed, the table
    tidied and the run recorded once, as ``province_reclassify`` does."""
    national, local = _province_standards(province, year)
    tally = _Tally()
    for part in parts:
        tally.add(_Tally.from_json(part))
    return _finish(province, year, on, national, local, tally, acting_user, seconds)


def default_on(year: int) -> dt.date:
    """The date a run in ``year`` counts ages on, unless told (today, brought into ``year``)."""
    return _default_on(year)


def households_reclassify(
    *, household_ids: Sequence[int], year: int | None = None, chunk_size: int = 5_000
) -> dict[str, int]:
    """Refresh the engine's fields of the given households (after a write or an import): the same path as
    ``province_reclassify``, restricted to these households; no audit record of its own (the caller's
    write is audited). Returns the engine's category counts of these households."""
    ids = sorted(set(household_ids))
    if not ids:
        return {}
    year = year or timezone.localdate().year
    first = Household.objects.select_related("commune__parent").get(pk=ids[0])
    province = first.commune.parent
    if province is None:
        return {}
    national, local = _standards(year, province)
    if national is None:
        return {}
    urban = _urban(province)
    tally = _Tally()
    used = [s for s in (national, local) if s is not None]
    codec = _Codec(national, local is not None)
    for start in range(0, len(ids), chunk_size):
        batch = read_households(ids[start : start + chunk_size], urban=urban, standards=used)
        _store(batch, local, _default_on(year), codec, tally)
    return dict(tally.after)


# Classifying households that are not in the database yet (an import classifies its new households before
# it inserts them, so that no UPDATE follows) ---------------------------------------------------------------


class Classifier:
    """The engine for the households of one province in one year, on field values (``classify_values``)
    or on a facts table (``classify_table``)."""

    def __init__(self, *, province: Area, year: int | None = None) -> None:
        self.year = year or timezone.localdate().year
        self.on = _default_on(self.year)
        self.national, self.local = _standards(self.year, province)
        self.urban = _urban(province)

    def area(self, commune_id: int) -> str:
        return "urban" if self.urban.get(commune_id, False) else "rural"

    def classify_values(
        self, households: Iterable[tuple[Mapping[str, Any], Iterable[Mapping[str, Any]]]]
    ) -> EngineFields:
        """(household values with ``commune_id``, its members' values) in order: their engine fields."""
        builder = FactsTableBuilder(on=self.on)
        for values, members in households:
            builder.add_values(values, members, area=self.area(values["commune_id"]))
        return self.classify_table(builder.build())

    def classify_table(self, table: FactsTable) -> EngineFields:
        n = len(table)
        if self.national is None or not n:
            return EngineFields(
                standard=[""] * n,
                category=[""] * n,
                provincial_category=[""] * n,
                deprived_keys=[""] * n,
                unknown_keys=[""] * n,
                income_known=[True] * n,
            )
        return classify_facts(table, self.national, self.local).fields(self.national)

    def categories(self, table: FactsTable) -> list[str]:
        """The national category of each household ("" when not determined)."""
        if self.national is None:
            return [""] * len(table)
        return classify_table(table, self.national).category_values()

    @property
    def standards(self) -> list[Standard]:
        return [s for s in (self.national, self.local) if s is not None]


__all__ = [
    "UNKNOWN",
    "Batch",
    "ChunkResult",
    "Classifier",
    "EngineFields",
    "Part",
    "ReclassifyResult",
    "default_on",
    "households_reclassify",
    "province_parts",
    "province_reclassify",
    "read_communes",
    "read_households",
    "reclassify_part",
    "reclassify_parts_finish",
]
