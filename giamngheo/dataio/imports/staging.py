"""Staging: plans kept between the two passes of an import, as JSON lines (``stage_dump``/``stage_load``),
and the keys seen earlier in the file (``SeenIndex``), on disk once there are many."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import sqlite3
from collections.abc import Hashable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import orjson

from .rows import Issue, Outcome


def _stage_default(value: Any) -> Any:
    """Dates, times and decimals as tagged objects (read back exactly by ``_stage_hook``)."""
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot stage a {type(value).__name__}")


def _stage_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "__date__" in obj:
            return dt.date.fromisoformat(obj["__date__"])
        if "__datetime__" in obj:
            return dt.datetime.fromisoformat(obj["__datetime__"])
        if "__decimal__" in obj:
            return decimal.Decimal(obj["__decimal__"])
    return obj


# Dates and datetimes go to ``_stage_default`` (tagged), keys that are numbers (an outcome's rows) as text.
_STAGE_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE


def stage_dump(value: Any, out: IO[bytes]) -> None:
    """One JSON line (never pickle: a staged file is data, read back without running anything). Written by
    orjson: the same JSON as the standard library's, five times faster (a province's check stages
    5.4 million households and members: 2.6 CPU seconds per 100,000 households with ``json.dumps``, 0.56
    with orjson); read back by the standard library (``stage_loads``: its hook restores the tagged values,
    which orjson cannot). What orjson refuses (an integer past 64 bits) is written by the standard library."""
    try:
        out.write(orjson.dumps(value, default=_stage_default, option=_STAGE_OPTIONS))
    except orjson.JSONEncodeError:
        text = json.dumps(value, default=_stage_default, ensure_ascii=False, separators=(",", ":"))
        out.write(text.encode() + b"\n")


def stage_load(staged: IO[bytes]) -> Any:
    """The next JSON line, or ``EOFError`` at the end."""
    line = staged.readline()
    if not line.strip():
        raise EOFError
    return stage_loads(line)


def stage_loads(line: bytes) -> Any:
    """One staged JSON line read back."""
    return json.loads(line, object_hook=_stage_hook)


def private_file(path: Path) -> IO[bytes]:
    """A new file only the server's user can read (0600), in a folder only it can open (0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def outcome_dump(outcome: Outcome) -> dict[str, Any]:
    return asdict(outcome)


def outcome_load(data: dict[str, Any]) -> Outcome:
    known = set(Outcome.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in known}
    values["errors"] = [Issue(**issue) for issue in values.get("errors", [])]
    values["error_rows"] = {int(row): texts for row, texts in values.get("error_rows", {}).items()}
    return Outcome(**values)


SPILL = 100_000  # keys kept in memory before the index moves to disk
LOOKUP = 500  # keys per SELECT of the on-disk index


class SeenIndex:
    """Keys seen earlier in a file (household codes, national ID numbers) -> the row they were first seen
    on, for the duplicate checks across a whole file. A small file's keys stay in a dict; past ``SPILL``
    keys they move to a private temporary SQLite database on disk (deleted when closed) and only the
    current chunk's keys stay in memory: a province's file (4 million rows) would otherwise hold every code
    and ID in memory (~500 MB of Python objects).

    Used chunk by chunk: ``prefetch`` the chunk's keys (one query per ``LOOKUP`` keys), check and add them,
    ``flush`` at the end of the chunk. A key not prefetched is still looked up (one query), so the answers
    never depend on the prefetch."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, int] = {}  # everything, or (on disk) this chunk's prefetched and new keys
        self._new: dict[str, int] = {}  # (on disk) keys added since the last flush
        self._absent: set[str] = set()  # (on disk) keys prefetched and not found
        self._log: dict[str, int] | None = None  # keys added since ``start_log``

    @staticmethod
    def _key(key: Hashable) -> str:
        return "|".join(str(k) for k in key) if isinstance(key, tuple) else str(key)

    def __len__(self) -> int:
        if self._db is None:
            return len(self._memory)
        (count,) = self._db.execute("SELECT count(*) FROM seen").fetchone()
        return int(count) + len(self._new)

    def prefetch(self, keys: Iterable[Hashable]) -> None:
        if self._db is None:
            return
        wanted = list({k for k in map(self._key, keys) if k not in self._memory and k not in self._absent})
        for start in range(0, len(wanted), LOOKUP):
            part = wanted[start : start + LOOKUP]
            marks = ",".join("?" * len(part))
            self._memory.update(self._db.execute(f"SELECT key, row FROM seen WHERE key IN ({marks})", part))  # noqa: S608
        self._absent.update(k for k in wanted if k not in self._memory)

    def _get(self, key: str) -> int | None:
        found = self._memory.get(key)
        if found is None and self._db is not None and key not in self._absent:
            row = self._db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found = self._memory[key] = row[0]
        return found

    def __contains__(self, key: Hashable) -> bool:
        return self._get(self._key(key)) is not None

    def __getitem__(self, key: Hashable) -> int:
        found = self._get(self._key(key))
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key: Hashable, row: int) -> None:
        text = self._key(key)
        self._memory[text] = row
        if self._log is not None:
            self._log[text] = row
        if self._db is not None:
            self._new[text] = row
            self._absent.discard(text)

    def start_log(self) -> None:
        """Remember the keys added from now on (``take_log``)."""
        self._log = {}

    def take_log(self) -> dict[str, int]:
        """The keys (as stored) added since ``start_log``, and their rows."""
        added, self._log = self._log or {}, None
        return added

    def add_unseen(self, entries: dict[str, int], *, since: int) -> bool:
        """Add ``entries`` (keys as stored -> rows, all from row ``since`` on) if none of their keys was seen
        (True), else add none (False). On disk the keys are inserted without being looked up first (most
        are new) and, when one was there already, those just inserted — rows from ``since`` on, later than
        any key seen before — are taken out again."""
        self.flush()
        if self._db is None:
            if any(key in self._memory for key in entries):
                return False
            self._memory.update(entries)
            self.flush()
            return True
        before = self._db.total_changes
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", entries.items())
        if self._db.total_changes - before == len(entries):
            return True
        self.forget(entries, since=since)
        return False

    def forget(self, entries: Iterable[str], *, since: int) -> None:
        """Take out the keys of ``entries`` added for rows from ``since`` on (``add_unseen`` undone)."""
        self.flush()
        if self._db is None:
            for key in entries:
                if self._memory.get(key, -1) >= since:
                    del self._memory[key]
            return
        keys = list(entries)
        for start in range(0, len(keys), LOOKUP):
            part = keys[start : start + LOOKUP]
            marks = ",".join("?" * len(part))
            self._db.execute(f"DELETE FROM seen WHERE key IN ({marks}) AND row >= ?", [*part, since])  # noqa: S608

    def flush(self) -> None:
        """The end of a chunk: new keys to disk (the whole index, the first time there are ``SPILL``)."""
        if self._db is None:
            if len(self._memory) < SPILL:
                return
            self._db = sqlite3.connect("")  # a private temporary database on disk
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("PRAGMA cache_size = -16384")  # 16 MB of pages in memory
            self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID")
            self._new = self._memory
        if self._new:
            self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", self._new.items())
        self._memory = {}
        self._new = {}
        self._absent = set()

    def clear(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._memory = {}
        self._new = {}
        self._absent = set()
