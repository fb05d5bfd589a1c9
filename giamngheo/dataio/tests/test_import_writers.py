"""A checked file's chunks written by several processes at once (PostgreSQL, outside a transaction): the
registry ends as one writer leaves it, and the same file again changes nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from giamngheo.accounts.models import User
from giamngheo.dataio.imports import running
from giamngheo.dataio.tests.helpers import HEADERS
from giamngheo.dataio.tests.test_imports import run, write_csv
from giamngheo.geo.models import Area
from giamngheo.households.models import Household, Member

HOUSEHOLDS = 9


def _rows() -> list[list[str]]:
    rows = []
    for n in range(HOUSEHOLDS):
        code = f"PW{n:03d}"
        income = "900.000" if n % 3 == 0 else "4.000.000"
        rows.append(
            [
                code,
                "Ấp 2",
                "",
                income,
                "Nước máy",
                f"Điểu Văn Số {n}",
                "Nam",
                "10/02/1970",
                "Chủ hộ",
                "",
                "Kinh",
                "",
            ]
        )
        rows.append([code, "", "", "", "", f"Thị Số {n}", "Nữ", "01/07/1975", "Vợ/chồng", "", "Kinh", ""])
    return rows


@pytest.mark.django_db(transaction=True)
def test_chunks_written_by_several_processes_give_the_same_registry(seeded, tmp_path, monkeypatch, settings):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(running, "CHUNK", 2)  # 9 households: 5 chunks
    settings.IMPORT_WRITERS = 2
    several = connection.vendor == "postgresql"
    assert running.import_writers(HOUSEHOLDS) == (2 if several else 1)
    officer = User.objects.get(username="canbo.bugiamap")
    commune = Area.objects.get(name="Xã Bù Gia Mập")
    path = write_csv(tmp_path / "ho.csv", HEADERS, _rows())

    outcome = run(path, officer, commune)
    assert (outcome.households_created, outcome.members_created, outcome.error_count) == (HOUSEHOLDS, 18, 0)
    assert outcome.written and len(outcome.written_ids) == HOUSEHOLDS
    households = Household.objects.filter(commune=commune, code__startswith="PW")
    assert households.count() == HOUSEHOLDS
    assert Member.objects.filter(household__in=households).count() == 2 * HOUSEHOLDS
    assert set(outcome.written_ids) == set(households.values_list("pk", flat=True))
    # Classified as they went in, each with its history row, whichever process wrote it.
    assert not households.filter(engine_standard="").exists()
    assert sum(outcome.classified.values()) == HOUSEHOLDS
    assert Household.history.filter(code__startswith="PW", history_type="+").count() == HOUSEHOLDS
    # The parent's connection still works after the writing processes (the next steps use it).
    assert Household.objects.filter(pk__in=outcome.written_ids).count() == HOUSEHOLDS

    again = run(path, officer, commune)
    assert (again.households_created, again.households_unchanged, again.error_count) == (0, HOUSEHOLDS, 0)
