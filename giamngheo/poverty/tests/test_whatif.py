"""What if: the same households under ND07-2021 and ND351-2025 (nothing is written)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from giamngheo.poverty.bulk import RURAL, URBAN
from giamngheo.poverty.classify import Category
from giamngheo.poverty.cli import main
from giamngheo.poverty.standard import get_standard
from giamngheo.poverty.table import HouseholdTable
from giamngheo.poverty.whatif import what_if

ND07, ND351 = get_standard("ND07-2021"), get_standard("ND351-2025")
KEYS: tuple[str, ...] = tuple(dict.fromkeys((*ND07.indicator_keys, *ND351.indicator_keys)))
POOR, NEAR, MIDDLE, NOT = Category.POOR, Category.NEAR_POOR, Category.MIDDLE, Category.NOT_POOR

THREE = ("employment", "dependants", "nutrition")
AN_LOC, LOC_NINH, THANH_LUONG = "Phường An Lộc", "Xã Lộc Ninh", "Xã Thanh Lương"

# (id, group, area, income, deprived)          ND07-2021 -> ND351-2025
ROWS = [
    ("c1", AN_LOC, "urban", 3_500_000, ()),  # not_poor -> not_poor
    ("c2", AN_LOC, "rural", 2_250_000, ()),  # middle -> not_poor (no middle band)
    ("c3", AN_LOC, "rural", 1_400_000, ("information_devices", "water", "sanitation")),  # poor -> near
    ("b1", LOC_NINH, "rural", 2_000_000, ()),  # middle -> near_poor
    ("b2", LOC_NINH, "rural", 1_000_000, ("water", "sanitation", "telecom")),  # poor -> poor
    ("b3", LOC_NINH, "urban", 2_500_000, ("employment", "water", "housing_area")),  # middle -> poor
    ("a1", THANH_LUONG, "rural", 2_000_000, ("water", "sanitation", "waste")),  # middle -> poor
    ("a2", THANH_LUONG, "rural", 2_000_000, ("water",)),  # middle -> near_poor
    ("a3", THANH_LUONG, "rural", 2_000_000, ("employment", "dependants", "nutrition")),  # middle -> poor
]


def table(rows: list[tuple[str, str, str, int, tuple[str, ...]]], *, groups: bool = True) -> HouseholdTable:
    return HouseholdTable(
        ids=[r[0] for r in rows],
        area=np.array([URBAN if r[2] == "urban" else RURAL for r in rows], dtype=np.int8),
        income=np.array([r[3] for r in rows], dtype=np.int64),
        indicators=KEYS,
        deprivations=np.array([[1 if k in r[4] else 0 for k in KEYS] for r in rows], dtype=np.uint8).reshape(
            len(rows), len(KEYS)
        ),
        groups=[r[1] for r in rows] if groups else None,
    )


def tally(poor: int, near: int, middle: int, not_poor: int) -> dict[Category, int]:
    return {POOR: poor, NEAR: near, MIDDLE: middle, NOT: not_poor}


def test_before_and_after_counts() -> None:
    report = what_if(table(ROWS), ND07, ND351)
    assert report.current is ND07
    assert report.proposed is ND351
    assert report.households == 9
    assert report.before == tally(2, 0, 6, 1)
    assert report.after == tally(4, 3, 0, 2)
    assert report.change(POOR) == 2
    assert report.change(NEAR) == 3
    assert report.change(MIDDLE) == -6
    assert report.change(NOT) == 1


def test_transitions_only_list_changes() -> None:
    report = what_if(table(ROWS), ND07, ND351)
    assert report.transitions == {
        (MIDDLE, POOR): 3,  # a1, a3, b3
        (MIDDLE, NEAR): 2,  # a2, b1
        (MIDDLE, NOT): 1,  # c2
        (POOR, NEAR): 1,  # c3: information devices no longer count
    }
    assert sum(report.transitions.values()) == 7  # c1 and b2 keep their category
    assert all(a is not b for a, b in report.transitions)


def test_middle_rural_households_at_2_million_become_poor_or_near_poor() -> None:
    rows = [r for r in ROWS if r[2] == "rural" and r[3] == 2_000_000]
    assert len(rows) == 4
    report = what_if(table(rows), ND07, ND351)
    assert report.before == tally(0, 0, 4, 0)
    assert report.after == tally(2, 2, 0, 0)
    assert report.transitions == {(MIDDLE, POOR): 2, (MIDDLE, NEAR): 2}


def test_groups_sorted_by_largest_increase_in_poor_households() -> None:
    report = what_if(table(ROWS), ND07, ND351)
    # Neither the order of the rows nor the alphabetical order: +2, +1, -1.
    assert [g.group for g in report.groups] == [THANH_LUONG, LOC_NINH, AN_LOC]
    assert [g.change(POOR) for g in report.groups] == [2, 1, -1]
    by_name = {g.group: g for g in report.groups}
    assert by_name[THANH_LUONG].households == 3
    assert by_name[THANH_LUONG].before == tally(0, 0, 3, 0)
    assert by_name[THANH_LUONG].after == tally(2, 1, 0, 0)
    assert by_name[LOC_NINH].before == tally(1, 0, 2, 0)
    assert by_name[LOC_NINH].after == tally(2, 1, 0, 0)
    assert by_name[AN_LOC].before == tally(1, 0, 1, 1)
    assert by_name[AN_LOC].after == tally(0, 1, 0, 2)
    assert by_name[AN_LOC].change(NOT) == 1
    assert sum(g.households for g in report.groups) == report.households


def test_groups_with_the_same_change_are_sorted_by_name() -> None:
    rows = [
        ("x1", "Xã B", "rural", 2_000_000, THREE),
        ("x2", "Xã C", "rural", 2_000_000, THREE),
        ("x3", "Xã A", "rural", 2_000_000, THREE),
        ("x4", "Xã D", "rural", 3_000_000, ()),
    ]
    report = what_if(table(rows), ND07, ND351)
    assert [(g.group, g.change(POOR)) for g in report.groups] == [
        ("Xã A", 1),
        ("Xã B", 1),
        ("Xã C", 1),
        ("Xã D", 0),
    ]


def test_without_groups() -> None:
    report = what_if(table(ROWS, groups=False), ND07, ND351)
    assert report.groups == ()
    assert report.after == tally(4, 3, 0, 2)


def test_same_standard_changes_nothing() -> None:
    report = what_if(table(ROWS), ND07, ND07)
    assert report.before == report.after == tally(2, 0, 6, 1)
    assert report.transitions == {}
    assert all(g.change(c) == 0 for g in report.groups for c in Category)


def test_reverse_direction() -> None:
    report = what_if(table(ROWS), ND351, ND07)
    assert report.before == tally(4, 3, 0, 2)
    assert report.after == tally(2, 0, 6, 1)
    assert report.transitions == {(POOR, MIDDLE): 3, (NEAR, MIDDLE): 2, (NOT, MIDDLE): 1, (NEAR, POOR): 1}
    assert [g.group for g in report.groups] == [AN_LOC, LOC_NINH, THANH_LUONG]


def test_empty_table() -> None:
    report = what_if(table([]), ND07, ND351)
    assert report.households == 0
    assert report.before == report.after == tally(0, 0, 0, 0)
    assert report.transitions == {}
    assert report.groups == ()


def test_whatif_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [",".join(["household_id", "commune", "area", "income_per_capita", *KEYS])]
    for hid, group, area, income, deprived in ROWS:
        flags = ["1" if k in deprived else "0" for k in KEYS]
        lines.append(",".join([hid, group, area, str(income), *flags]))
    path = tmp_path / "households.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(
        ["whatif", str(path), "--from", "ND07-2021", "--to", "ND351-2025", "--group-column", "commune"]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["households"] == 9
    assert (payload["current"], payload["proposed"]) == ("ND07-2021", "ND351-2025")
    assert payload["before"] == {"poor": 2, "near_poor": 0, "middle": 6, "not_poor": 1}
    assert payload["after"] == {"poor": 4, "near_poor": 3, "middle": 0, "not_poor": 2}
    assert {(t["from"], t["to"]): t["households"] for t in payload["transitions"]} == {
        ("middle", "poor"): 3,
        ("middle", "near_poor"): 2,
        ("middle", "not_poor"): 1,
        ("poor", "near_poor"): 1,
    }
    assert [(g["group"], g["poor_change"]) for g in payload["groups"]] == [
        (THANH_LUONG, 2),
        (LOC_NINH, 1),
        (AN_LOC, -1),
    ]
