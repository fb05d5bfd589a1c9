"""The check of a large household file in several processes (``check_in_processes``; decision 0037).

The file is cut into segments of ``SEGMENT`` households, at the rows where a household starts. Each segment
is parsed, grouped and planned in a forked process by the import's own ``Planner``, with an empty memory of
the codes and national ID numbers seen earlier; the process hands back the segment's staged plans, its
outcome and the keys it saw. This process takes the segments in the file's order: when none of a segment's
keys was seen in an earlier segment (a file's codes and IDs are unique but for its errors), the segment's
result is exactly what one process would have found, and it is kept; otherwise the segment is planned again
here, against every key seen so far — the result of one process, whatever the file holds.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import connection

from giamngheo.households.reclassify import in_processes_in_order

from ..reading import Table
from .planning import Planner
from .rows import CHUNK, ERRORS_KEPT, Column, Group, Outcome, cell_code, cell_commune, group_rows, parse_rows
from .staging import SeenIndex, stage_dump
from .writing import count_plans

SEGMENT = CHUNK  # households per segment (one staged chunk each)
Segment = list[tuple[int, list[Any]]]  # (row number, cells) of whole households
# A row of text cells crosses to a checking process as one string, its cells joined by the ASCII unit
# separator: one object to pickle instead of one per cell (a province's file has 150 million cells).
SEPARATOR = "\x1f"


def pack(segment: Segment) -> list[tuple[int, Any]]:
    """The segment with each row of text cells joined into one string (a row with another value — a
    spreadsheet's numbers and dates — or with the separator in a cell, as it is)."""
    packed: list[tuple[int, Any]] = []
    for number, raw in segment:
        try:
            joined = SEPARATOR.join(raw)
        except TypeError:
            packed.append((number, raw))
            continue
        packed.append((number, joined if raw and joined.count(SEPARATOR) == len(raw) - 1 else raw))
    return packed


def unpack(packed: list[tuple[int, Any]]) -> Segment:
    """``pack`` undone: the same rows, the same cells."""
    return [(number, raw.split(SEPARATOR) if isinstance(raw, str) else raw) for number, raw in packed]


def import_checkers(keys: set[str]) -> int:
    """How many processes check a file at once: ``settings.IMPORT_CHECKERS`` (default the machine's cores,
    at most 4) for a file with household codes (a list without codes numbers its households from the
    first line: one process), outside a transaction (other connections would not see its rows), on a
    database other processes can open (not SQLite in memory); 1 otherwise."""
    import os

    from django.conf import settings

    if "code" not in keys or connection.in_atomic_block:
        return 1
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and (not name or ":memory:" in name or "mode=memory" in name):
        return 1
    wanted = getattr(settings, "IMPORT_CHECKERS", None)
    return max(1, int(wanted) if wanted is not None else min(4, os.cpu_count() or 1))


def segments(
    rows: Iterator[tuple[int, list[Any]]], code: Column, commune: Column | None
) -> Iterator[Segment]:
    """The rows in segments of ``SEGMENT`` households, each cut where a household starts (as ``group_rows``
    groups them: a row starts one when its code is empty or its commune and code differ from the row
    before)."""
    segment: Segment = []
    households = 0
    previous: tuple[str, str] | None = None
    for number, raw in rows:
        key = (cell_commune(raw, commune), cell_code(raw, code))
        if not key[1] or key != previous:
            if households >= SEGMENT:
                yield segment
                segment, households = [], 0
            households += 1
        previous = key
        segment.append((number, raw))
    if segment:
        yield segment


def plan_and_stage(planner: Planner, groups: list[Group], outcome: Outcome, staged: IO[bytes]) -> None:
    """Plan a chunk of households, count what the plans do and stage them (one line)."""
    plans = planner.plan(groups, outcome)
    outcome.households += len(groups)
    count_plans(plans, outcome)
    stage_dump([p.freeze() for p in plans], staged)


@dataclass
class Checked:
    """What checking one segment found (crosses back from a checking process)."""

    staged: bytes
    outcome: Outcome
    codes: dict[str, int]  # keys as ``SeenIndex`` stores them -> the row first seen on
    ids: dict[str, int]


@dataclass
class SegmentChecker:
    planner: Planner
    table: Table
    mapping: list[str]

    def apart(self, packed: list[tuple[int, Any]]) -> Checked:
        """In a checking process: the segment (``pack``ed) alone (an empty memory of the keys seen before)."""
        self.planner.seen_codes, self.planner.seen_ids = SeenIndex(), SeenIndex()
        return self.here(unpack(packed))

    def here(self, segment: Segment) -> Checked:
        """The segment planned against the planner's memory of keys (here: every key seen so far)."""
        outcome = Outcome()
        self.planner.seen_codes.start_log()
        self.planner.seen_ids.start_log()
        part = Table(
            sheet=self.table.sheet,
            header_row=self.table.header_row,
            headers=self.table.headers,
            rows=iter(segment),
        )
        groups = list(group_rows(parse_rows(part, self.mapping)))
        staged = io.BytesIO()
        for start in range(0, len(groups), CHUNK):
            plan_and_stage(self.planner, groups[start : start + CHUNK], outcome, staged)
        codes, ids = self.planner.seen_codes.take_log(), self.planner.seen_ids.take_log()
        return Checked(staged=staged.getvalue(), outcome=outcome, codes=codes, ids=ids)


def check_in_processes(
    checker: SegmentChecker,
    rows: Iterator[tuple[int, list[Any]]],
    code: Column,
    commune: Column | None,
    processes: int,
    outcome: Outcome,
    staged: io.BufferedIOBase | Any,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Check the file's rows in ``processes`` processes: the staged plans written to ``staged`` in the
    file's order, the findings added to ``outcome`` (its ``rows`` counted here) — as one process would."""
    planner = checker.planner
    counted = 0

    def read() -> Iterator[Segment]:
        nonlocal counted
        for segment in segments(rows, code, commune):
            counted += len(segment)
            yield segment

    def keep(result: Checked) -> None:
        staged.write(result.staged)
        merge_outcome(outcome, result.outcome)
        if progress is not None:
            progress(counted)

    source = read()
    first = list(itertools.islice(source, 2))
    if processes <= 1 or len(first) < 2:  # a small file: not worth the processes
        for segment in itertools.chain(first, source):
            keep(checker.here(segment))
    else:
        packed = (pack(segment) for segment in itertools.chain(first, source))
        for segment, result in in_processes_in_order(checker.apart, packed, processes):
            since = segment[0][0]  # the segment's first row: every key seen earlier is on an earlier row
            codes, ids = planner.seen_codes, planner.seen_ids
            if not codes.add_unseen(result.codes, since=since):
                result = checker.here(unpack(segment))  # a key of an earlier segment: planned again
            elif not ids.add_unseen(result.ids, since=since):
                codes.forget(result.codes, since=since)
                result = checker.here(unpack(segment))
            keep(result)
    outcome.rows = counted


def merge_outcome(total: Outcome, part: Outcome) -> None:
    """Add a segment's findings to the file's (the segments in the file's order)."""
    for name in (
        "households",
        "households_created",
        "households_updated",
        "households_unchanged",
        "households_rejected",
        "members_created",
        "members_updated",
        "members_unchanged",
        "rows_rejected",
        "error_count",
        "notes_other",
        "persons_declared",
        "persons_listed",
        "heads_not_members",
        "codes_generated",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.errors.extend(part.errors[: max(0, ERRORS_KEPT - len(total.errors))])
    for row, texts in part.error_rows.items():
        total.error_rows.setdefault(row, []).extend(texts)
    for key, proposal in part.new_villages.items():
        if key in total.new_villages:
            total.new_villages[key]["rows"] += proposal["rows"]
            total.new_villages[key]["households"] += proposal["households"]
        else:
            total.new_villages[key] = proposal
    for flag, count in part.notes_understood.items():
        total.notes_understood[flag] = total.notes_understood.get(flag, 0) + count
    for category, count in part.categories.items():
        total.categories[category] = total.categories.get(category, 0) + count
    total.persons_mismatch.extend(part.persons_mismatch)
