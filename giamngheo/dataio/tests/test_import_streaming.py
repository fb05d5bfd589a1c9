"""A province's file is streamed: the keys seen earlier in the file (codes, ID numbers) move to disk past a
size, and the duplicate checks across the whole file give the same answers."""

from __future__ import annotations

import pytest

from giamngheo.dataio.imports import rows as rows_module
from giamngheo.dataio.imports import staging
from giamngheo.dataio.imports.staging import SeenIndex
from giamngheo.dataio.tests.helpers import HEADERS
from giamngheo.dataio.tests.test_imports import rows_a, run, write_csv


def test_seen_keys_move_to_disk_and_are_still_found(monkeypatch):
    monkeypatch.setattr(staging, "SPILL", 3)
    seen = SeenIndex()
    for n, key in enumerate(["a", "b"], start=1):
        seen[key] = n
    seen.flush()
    assert seen._db is None and "a" in seen  # small: in memory
    seen[(7, "c")] = 3
    seen.flush()
    assert seen._db is not None and seen._memory == {}  # spilled: nothing kept in memory
    seen.prefetch(["a", "zz", (7, "c")])
    assert seen["a"] == 1 and "zz" not in seen and seen[(7, "c")] == 3
    assert "b" in seen and seen["b"] == 2  # not prefetched: looked up all the same
    seen["zz"] = 9
    assert "zz" in seen
    seen.flush()
    assert "zz" in seen and len(seen) == 4
    with pytest.raises(KeyError):
        seen["nothing"]
    seen.clear()
    assert "a" not in seen and len(seen) == 0


@pytest.mark.parametrize("spill", [1000, 2], ids=["in memory", "on disk"])
def test_a_segments_keys_are_added_only_if_none_was_seen(monkeypatch, spill):
    """The checking processes' segments: all of a segment's keys are added, or (one seen earlier) none."""
    monkeypatch.setattr(staging, "SPILL", spill)
    seen = SeenIndex()
    assert seen.add_unseen({"a": 2, "b": 3}, since=2)
    assert seen.add_unseen({"c": 5, "d": 6}, since=5)
    assert (seen._db is not None) == (spill == 2)
    # "b" was seen on row 3: nothing of this segment is added, the earlier rows stay as they were.
    assert not seen.add_unseen({"e": 8, "b": 9, "f": 10}, since=8)
    assert "e" not in seen and "f" not in seen and seen["b"] == 3
    # Taken out again: the keys of a segment whose other index refused it (rows from ``since`` on).
    assert seen.add_unseen({"g": 11, "h": 12}, since=11)
    seen.forget({"g": 11, "h": 12, "a": 2}, since=11)
    assert "g" not in seen and "h" not in seen and seen["a"] == 2
    assert len(seen) == 4
    seen.clear()


@pytest.mark.django_db
def test_duplicates_far_apart_in_a_streamed_file_are_found(tmp_path, users, commune_a, monkeypatch):
    """A code and an ID number repeated chunks later, once the seen keys are on disk."""
    monkeypatch.setattr(staging, "SPILL", 2)
    monkeypatch.setattr(rows_module, "CHUNK", 1)
    monkeypatch.setattr("giamngheo.dataio.imports.running.CHUNK", 1)
    officer = users["canbo.bugiamap"]
    rows = rows_a()
    filler = [
        [f"IMP1{n:02d}", "Ấp 2", "", "", "", f"Người Số {n}", "Nam", "10/02/1965", "Chủ hộ", "", "Kinh", ""]
        for n in range(5)
    ]
    again = ["IMP001", "Thôn 1", "", "", "", "Người Khác", "Nam", "12/03/1979", "Chủ hộ", "", "Kinh", ""]
    same_id = ["IMP200", "Thôn 1", "", "", "", "Người Trùng", "Nam", "12/03/1978", "Chủ hộ", "070078001234"]
    path = write_csv(tmp_path / "ho.csv", HEADERS, [*rows, *filler, again, [*same_id, "Kinh", ""]])
    outcome = run(path, officer, commune_a, dry_run=True)
    messages = [str(e) for e in outcome.errors]
    assert any("mã hộ IMP001 đã có ở dòng 2" in m for m in messages), messages
    assert any("số CCCD 070078001234 trùng với dòng 2" in m for m in messages), messages
    assert outcome.households_created == 7 and outcome.households_rejected == 2
