"""Inserting many rows fast: COPY on PostgreSQL, one prepared INSERT run over all rows (``executemany``)
elsewhere (``write_rows``; the import and the demo's benchmark writer both use it); primary keys allocated
beforehand so that members and history rows can refer to new households without a round trip.

Django's ``bulk_create`` prepares every value of every row through the field API and, on SQLite, splits
the rows into statements of 999 parameters (about 40 rows of a household): measured at 70 % of an
import's time. Here each column gets at most one adapter, chosen once (dates, datetimes, decimals, JSON),
and plain values (text, integers, booleans, None) go to the driver as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from psycopg.types.json import Json, Jsonb

SKIPPED = ("history_id",)  # filled by the database
IN_LIST = 900  # values per IN (...) list: under SQLite's and every driver's parameter limits


def chunks(values: Sequence[Any], size: int = IN_LIST) -> list[list[Any]]:
    """``values`` in lists short enough for one ``IN (...)`` each."""
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


# Django's PostgreSQL backend hands these to the driver as they are (psycopg adapts them itself).
PASSED_AS_THEY_ARE = {"postgresql": {"DateTimeField", "DateField", "DecimalField"}}


def _adapter(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind in PASSED_AS_THEY_ARE.get(connection.vendor, ()):
        return None
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        digits, places = field.max_digits, field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if kind == "JSONField":
        return lambda value: field.get_db_prep_value(value, connection)
    return None


_SEQUENCES: dict[tuple[str, str], str] = {}


def _sequence(table: str) -> str:
    """The sequence of ``table``'s ``id`` column (PostgreSQL), looked up once per database and table."""
    key = (str(connection.settings_dict.get("NAME")), table)
    if key not in _SEQUENCES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            _SEQUENCES[key] = cursor.fetchone()[0]
    return _SEQUENCES[key]


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table. Call inside the transaction that inserts them (on
    SQLite the write lock, taken when the transaction begins, keeps them ours)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once: ``nextval(pg_get_serial_sequence(…))`` looks it up in the catalogue
            # for every id (20 ms instead of 3 for 7,000 ids: 13 s of the server's time for a province).
            sequence = _sequence(table)
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (field attnames -> Python values; missing fields get their default) into ``model``'s
    table in one ``executemany``. Rows of a model with an auto primary key must carry their ``id``."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if f.attname not in SKIPPED]
    adapters = [(i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f)) is not None]
    names = [f.attname for f in fields]
    # Each row over the defaults, its values picked in the columns' order (in C: no loop per cell here).
    defaults = {f.attname: f.get_default() for f in fields}
    pick = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    if not adapters:
        write_rows(model, names, [pick(defaults | row) for row in rows])
        return
    data = []
    last: dict[int, tuple[Any, Any]] = {}  # column -> (last value, adapted): timestamps repeat row after row
    for row in rows:
        values = list(pick(defaults | row))
        for index, adapt in adapters:
            value = values[index]
            if value is not None:
                seen = last.get(index)
                if seen is not None and seen[0] is value:
                    values[index] = seen[1]
                else:
                    values[index] = adapt(value)
                    last[index] = (value, values[index])
        data.append(values)
    write_rows(model, names, data)


# PostgreSQL types written in COPY's binary form, type oid -> the Python types psycopg writes into it with
# the meaning of the text form, or None where it refuses (TypeError, before anything is sent) every value
# the text form would read otherwise: text, varchar, date, timestamptz (a naive datetime is refused).
# The others take some values silently in another sense — a boolean column takes any value by its truth
# ("false" is true), a number column a boolean, a jsonb column a string as one JSON string (the text form
# reads it as JSON), a smallint or an integer is cut to its width (70000 becomes 4464) — so their columns
# are looked at first (``_binary_types``), and rows with another value go in the text form, as before.
BINARY_TYPES: dict[int, tuple[type, ...] | None] = {
    16: (bool,),
    20: (int,),
    21: (int,),
    23: (int,),
    25: None,
    701: (float, int),
    1043: None,
    1082: None,
    1184: None,
    1700: (Decimal, int),
    3802: (Json, Jsonb),
}
NARROW_INTEGERS = {21: 2**15, 23: 2**31}  # smallint, integer: the range of their binary form
_COLUMN_TYPES: dict[tuple[str, str], dict[str, int]] = {}


def _column_types(table: str) -> dict[str, int]:
    """``table``'s columns -> their type oid (PostgreSQL), looked up once per database and table."""
    key = (str(connection.settings_dict.get("NAME")), table)
    if key not in _COLUMN_TYPES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [connection.ops.quote_name(table)],
            )
            _COLUMN_TYPES[key] = {name: int(oid) for name, oid in cursor.fetchall()}
    return _COLUMN_TYPES[key]


def _binary_types(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int] | None:
    """The type oids for a binary COPY of ``rows`` into ``columns``, or None when the text form must be
    used: a column of another type than ``BINARY_TYPES``', a boolean, number or jsonb column holding
    another Python type than they take, a smallint or integer out of its range. (Only those columns are
    looked at, each whole through ``set(map(type, …))``.)"""
    known = _column_types(table)
    types = [known.get(column, 0) for column in columns]
    if not all(oid in BINARY_TYPES for oid in types):
        return None
    for index, oid in enumerate(types):
        allowed = BINARY_TYPES[oid]
        if allowed is None:
            continue
        kinds = set(map(type, map(itemgetter(index), rows)))
        kinds.discard(type(None))
        if not kinds.issubset(allowed):
            return None
        limit = NARROW_INTEGERS.get(oid)
        if limit is not None and kinds:
            present = [v for row in rows if (v := row[index]) is not None]
            if min(present) < -limit or max(present) >= limit:
                return None
    return types


def _copy(
    cursor: Any, table: str, names: str, rows: Sequence[Sequence[Any]], types: list[int] | None
) -> None:
    binary = " (FORMAT BINARY)" if types is not None else ""
    with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({names}) FROM STDIN{binary}") as copy:
        if types is not None:
            copy.set_types(types)
        for values in rows:
            copy.write_row(values)


def write_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write ``rows`` (values already in the driver's terms, in the order of ``columns``: field names or
    attnames) into ``model``'s table: COPY on PostgreSQL, one prepared INSERT run over all rows elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    db_columns = [str(model._meta.get_field(c).column) for c in columns]  # type: ignore[union-attr]
    names = ", ".join(quote(c) for c in db_columns)
    if connection.vendor == "postgresql":
        # COPY: several times faster than a pipelined executemany for wide rows; in its binary form, with
        # each column's type given, a member's row costs a third of the text form here and half of it in
        # the server (decision 0040). A value the binary form cannot take (a naive datetime, a number in
        # a text column: the ORM's callers never hand one, but a caller might) makes psycopg stop before
        # anything is sent; the rows then go in the text form, as before, from a savepoint. The driver's
        # errors become Django's (a unique constraint's refusal is an ``IntegrityError``, as from a query).
        types = _binary_types(model._meta.db_table, db_columns, rows)
        with connection.cursor() as cursor:
            if types is None:
                _copy(cursor.cursor, table, names, rows, None)
                return
            try:
                with transaction.atomic():
                    _copy(cursor.cursor, table, names, rows, types)
            except (TypeError, ValueError, OverflowError, AttributeError):
                _copy(cursor.cursor, table, names, rows, None)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def copy_to_history(
    model: type[Model], ids: Sequence[int], *, history_date: Any, user_id: int | None, kind: str
) -> None:
    """A history row (django-simple-history's table of ``model``) for each of the rows ``ids`` as they are
    now, copied inside the database (``INSERT … SELECT``): the rows just written do not travel to the
    server a second time (a province's import writes 5.4 million history rows). Sequential ids (SQLite's,
    allocated under its write lock) are selected by range, others by list."""
    if not ids:
        return
    history: type[Model] = model.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    live = {f.attname for f in model._meta.concrete_fields}
    columns = [str(f.column) for f in history._meta.concrete_fields if f.attname in live]
    names = ", ".join(quote(c) for c in columns)
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({names}, history_date, history_type, history_user_id, "  # noqa: S608
        f"history_change_reason) SELECT {names}, %s, %s, %s, NULL FROM {quote(model._meta.db_table)} "
    )
    params = [connection.ops.adapt_datetimefield_value(history_date), kind, user_id]
    with connection.cursor() as cursor:
        first, last = min(ids), max(ids)
        if last - first + 1 == len(ids):
            cursor.execute(insert + "WHERE id BETWEEN %s AND %s", [*params, first, last])
        elif connection.vendor == "postgresql":
            cursor.execute(insert + "WHERE id = ANY(%s)", [*params, list(ids)])
        else:
            for part in chunks(ids):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(insert + f"WHERE id IN ({marks})", [*params, *part])
