"""``insert_rows``/``write_rows``: what goes in is what the ORM reads back, in the binary COPY (PostgreSQL),
its text fallback and SQLite's INSERT alike; a number too wide for its column is refused, never cut."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from giamngheo.core import bulk
from giamngheo.core.bulk import allocate_ids, insert_rows
from giamngheo.households.models import Household

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _row(commune: Any, **values: Any) -> dict[str, Any]:
    (pk,) = allocate_ids(Household, 1)
    village = commune.children.order_by("code").first()
    now = dt.datetime(2026, 12, 8, 9, 30, 15, 123456, tzinfo=HANOI)
    return {
        "id": pk,
        "created_at": now,
        "updated_at": now,
        "code": f"COPY{pk}",
        "commune_id": commune.pk,
        "village_id": village.pk,
        "head_name": "Nguyễn Thị Ánh",
        **values,
    }


@pytest.mark.django_db
def test_rows_read_back_as_written(commune_a) -> None:  # type: ignore[no-untyped-def]
    row = _row(
        commune_a,
        floor_area_m2=Decimal("35.50"),
        devices=["tv", "smartphone"],
        poverty_causes=[],
        category_since=dt.date(2025, 1, 31),
        declared_persons=7,
        note='Tab\there, a line\nbreak, a backslash \\ and "quotes"; chữ Việt: Đắk Lắk',
        phone="",
        version=3,
        no_working_capacity=True,
    )
    with transaction.atomic():
        insert_rows(Household, [row])

    stored = Household.objects.get(pk=row["id"])
    assert stored.floor_area_m2 == Decimal("35.50")
    assert stored.devices == ["tv", "smartphone"] and stored.poverty_causes == []
    assert stored.category_since == dt.date(2025, 1, 31)
    assert stored.declared_persons == 7 and stored.version == 3 and stored.no_working_capacity is True
    assert stored.note == row["note"]
    assert stored.created_at == row["created_at"]  # the same instant, whatever the zone it was given in
    assert stored.head_name == "Nguyễn Thị Ánh"


@pytest.mark.django_db
def test_a_value_the_binary_form_cannot_take_goes_in_as_text(commune_a) -> None:  # type: ignore[no-untyped-def]
    # Values the text form reads in its own way: a number in a text column (its digits), "false" in a
    # boolean column.
    row = _row(commune_a, phone=912345678, no_working_capacity="false")
    with transaction.atomic():
        insert_rows(Household, [row])
    stored = Household.objects.get(pk=row["id"])
    assert (stored.phone, stored.no_working_capacity) == ("912345678", False)


@pytest.mark.django_db
def test_json_already_encoded_is_written_as_json(commune_a) -> None:  # type: ignore[no-untyped-def]
    # ``write_rows`` takes values in the driver's terms: the benchmarks' writer hands JSON as text, which
    # the binary form would store as one JSON string.
    fields = Household._meta.concrete_fields
    row = {f.attname: f.get_default() for f in fields} | _row(commune_a)
    for f in fields:
        if f.get_internal_type() == "JSONField":
            row[f.attname] = json.dumps(row[f.attname])
    row["devices"] = '["tv", "computer"]'
    with transaction.atomic():
        bulk.write_rows(Household, list(row), [list(row.values())])
    assert Household.objects.get(pk=row["id"]).devices == ["tv", "computer"]


@pytest.mark.django_db
def test_a_number_too_wide_for_its_column_is_never_cut(commune_a) -> None:  # type: ignore[no-untyped-def]
    row = _row(commune_a, declared_persons=70_000)  # a smallint: the binary form would store 4464
    try:
        with transaction.atomic():
            insert_rows(Household, [row])
    except (DataError, IntegrityError):
        assert connection.vendor == "postgresql"
        assert not Household.objects.filter(pk=row["id"]).exists()
    else:
        assert connection.vendor == "sqlite"  # no widths in SQLite: kept as given
        assert Household.objects.get(pk=row["id"]).declared_persons == 70_000


@pytest.mark.django_db
def test_binary_copy_is_chosen_for_the_registrys_rows(commune_a) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    columns = ["id", "declared_persons", "phone", "devices"]
    table = Household._meta.db_table
    assert bulk._binary_types(table, columns, [(1, 7, "0912", None), (2, None, "", None)]) is not None
    assert bulk._binary_types(table, columns, [(1, 70_000, "0912", None)]) is None
    assert bulk._binary_types(table, columns, [(1, "7", "0912", None)]) is None
    assert bulk._binary_types(table, [*columns, "unknown_column"], [(1, 7, "", None, 1)]) is None
    assert bulk._binary_types(table, columns, [(1, 7, "0912", '["tv"]')]) is None  # JSON text, not Jsonb
    assert bulk._binary_types(table, ["id", "no_working_capacity"], [(1, True), (2, "false")]) is None
    assert bulk._binary_types(table, ["id", "declared_persons"], [(1, True)]) is None
