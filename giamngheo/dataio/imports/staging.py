"""Staging: plans kept between the two passes of an import, as JSON lines (``stage_dump``/``stage_load``)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

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


def stage_dump(value: Any, out: IO[bytes]) -> None:
    """One JSON line (never pickle: a staged file is data, read back without running anything)."""
    out.write(json.dumps(value, default=_stage_default, ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"\n")


def stage_load(staged: IO[bytes]) -> Any:
    """The next JSON line, or ``EOFError`` at the end."""
    line = staged.readline()
    if not line.strip():
        raise EOFError
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
