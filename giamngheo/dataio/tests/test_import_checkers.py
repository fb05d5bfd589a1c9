"""A file with codes checked in several processes, segment by segment, finds exactly what one process finds:
the same plans, counts, messages and proposals, duplicates across segments included (PostgreSQL, outside a
transaction; elsewhere both runs use one process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from giamngheo.accounts.models import User
from giamngheo.dataio.fields import propose_mapping
from giamngheo.dataio.imports import ImportOptions, checking, household_import, running
from giamngheo.dataio.imports.rows import Outcome
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.tests.helpers import HEADERS
from giamngheo.dataio.tests.test_imports import write_csv
from giamngheo.geo.models import Area

HOUSEHOLDS = 12


def _rows() -> list[list[str]]:
    rows = []
    for n in range(HOUSEHOLDS):
        code = f"PX{n:03d}"
        village = "Ấp Mới Lạ" if n in (5, 11) else "Ấp 2"  # a village proposed from two segments
        born = "31/02/1970" if n == 3 else "10/02/1970"  # a cell the import cannot read
        head_id = f"070070{n:06d}"
        wife_id = f"070175{1 if n == 10 else n:06d}"  # household 10's wife: the ID of household 1's
        if n == 9:
            code = "PX002"  # household 2's code again, rows apart: rejected
        rows.append(
            [
                code,
                village,
                "",
                "900.000",
                "Nước máy",
                f"Điểu Văn Số {n}",
                "Nam",
                born,
                "Chủ hộ",
                head_id,
                "Kinh",
                "",
            ]
        )
        rows.append(
            [code, "", "", "", "", f"Thị Số {n}", "Nữ", "01/07/1975", "Vợ/chồng", wife_id, "Kinh", ""]
        )
    return rows


def _check(path: Path, officer: User, commune: Area, plans: Path) -> tuple[Outcome, bytes]:
    table = open_table(path)
    options = ImportOptions(mapping=propose_mapping(table.headers), commune_id=commune.pk, dry_run=True)
    outcome = household_import(table=table, options=options, acting_user=officer, keep_plans=plans)
    return outcome, plans.read_bytes()


def _findings(outcome: Outcome) -> dict[str, Any]:
    summary = outcome.summary()
    summary.pop("seconds")
    return {**summary, "errors_shown": [str(e) for e in outcome.errors], "error_rows": outcome.error_rows}


@pytest.mark.django_db(transaction=True)
def test_several_checking_processes_find_what_one_finds(seeded, tmp_path, monkeypatch, settings):  # type: ignore[no-untyped-def]
    # 12 households: 6 segments, and one process stages its plans by the same 2 households.
    monkeypatch.setattr(checking, "SEGMENT", 2)
    monkeypatch.setattr(checking, "CHUNK", 2)
    monkeypatch.setattr(running, "CHUNK", 2)
    officer = User.objects.get(username="canbo.bugiamap")
    commune = Area.objects.get(name="Xã Bù Gia Mập")
    path = write_csv(tmp_path / "ho.csv", HEADERS, _rows())

    settings.IMPORT_CHECKERS = 1
    one, one_plans = _check(path, officer, commune, tmp_path / "one.jsonl")
    settings.IMPORT_CHECKERS = 2
    assert checking.import_checkers({"code"}) == (2 if connection.vendor == "postgresql" else 1)
    several, several_plans = _check(path, officer, commune, tmp_path / "several.jsonl")

    assert _findings(several) == _findings(one)
    assert several_plans == one_plans  # the staged plans, byte for byte, and the outcome stored with them
    # What the file holds was found: a code and an ID seen in an earlier segment, a bad date, a new village.
    messages = " | ".join(str(e) for e in several.errors)
    assert "mã hộ PX002 đã có ở dòng 6" in messages
    assert "số CCCD 070175000001 trùng với dòng 5" in messages
    assert "31/02/1970" in messages
    proposal = next(iter(several.new_villages.values()))
    assert (proposal["village"], proposal["households"], proposal["rows"]) == ("Ấp Mới Lạ", 2, 4)
    assert several.households == HOUSEHOLDS and several.rows == 2 * HOUSEHOLDS
    assert several.households_created == HOUSEHOLDS - several.households_rejected


def test_segments_are_cut_where_a_household_starts(monkeypatch):  # type: ignore[no-untyped-def]
    from giamngheo.dataio.fields import BY_KEY
    from giamngheo.dataio.imports.rows import Column

    monkeypatch.setattr(checking, "SEGMENT", 2)
    code = Column(0, "Mã hộ", BY_KEY["code"])
    rows = [
        (2, ["A"]),
        (3, [" A "]),  # read as "A": the same household
        (4, ["B"]),
        (5, [""]),  # no code: a household of its own (an error)
        (6, ["C"]),
        (7, ["C"]),
        (8, ["A"]),  # "A" again, rows apart: another household (the duplicate is the planner's to find)
    ]
    cut = [[number for number, _raw in segment] for segment in checking.segments(iter(rows), code, None)]
    assert cut == [[2, 3, 4], [5, 6, 7], [8]]


def test_a_packed_segment_unpacks_to_the_same_cells():  # type: ignore[no-untyped-def]
    import datetime as dt

    segment = [
        (2, ["PX001", "Ấp 2", "", "Điểu Văn Số 1"]),  # text: one string
        (3, ["PX001", "a\x1fb", "c"]),  # the separator in a cell: as it is
        (4, ["PX002", 1.5, dt.date(1970, 2, 10), None]),  # a spreadsheet's values: as they are
        (5, []),
        (6, [""]),
        (7, ["x"]),
    ]
    packed = checking.pack(segment)
    assert [type(raw) for _n, raw in packed] == [str, list, list, list, str, str]
    assert checking.unpack(packed) == segment
