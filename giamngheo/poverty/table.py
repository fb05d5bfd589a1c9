"""A table of households (ids, area, income, deprivation flags) read from CSV, validated row by row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .bulk import RURAL, URBAN

_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # line in the file (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(slots=True)
class HouseholdTable:
    ids: list[str]
    area: npt.NDArray[np.int8]
    income: npt.NDArray[np.int64]
    indicators: tuple[str, ...]
    deprivations: npt.NDArray[np.uint8]  # n × len(indicators)
    groups: list[str] | None = None
    errors: list[RowError] = field(default_factory=list)
    # With ``allow_unknown``: n × len(indicators), 1 where the cell was empty or "?" (not known), and
    # False where the income was empty or "?".
    unknown: npt.NDArray[np.uint8] | None = None
    income_known: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return len(self.ids)


class TableError(ValueError):
    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]) + (" …" if len(self.errors) > 5 else ""))


def parse_income(raw: str) -> int | None:
    text = raw.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    if text.isascii() and _GROUPED.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    return None


def read_csv(
    path: Path | str,
    indicators: Iterable[str],
    *,
    group_column: str | None = None,
    require_income: bool = True,
    allow_unknown: bool = False,
    max_errors: int = 1000,
) -> HouseholdTable:
    """Read and validate a household CSV. With ``allow_unknown``, an empty cell or "?" is a fact not known
    (an indicator flag or the income).

    Raises ``TableError`` listing every bad row (up to ``max_errors``)."""
    wanted = tuple(indicators)
    errors: list[RowError] = []
    ids: list[str] = []
    areas: list[int] = []
    incomes: list[int] = []
    rows: list[list[int]] = []
    unknown_rows: list[list[int]] = []
    income_known: list[bool] = []
    groups: list[str] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        required = ["household_id", *(["area", "income_per_capita"] if require_income else []), *wanted]
        if group_column:
            required.append(group_column)
        missing = [c for c in required if c not in header]
        if missing:
            raise TableError([RowError(1, c, "missing column") for c in missing])
        for line, row in enumerate(reader, start=2):
            bad = False
            hid = (row.get("household_id") or "").strip()
            if not hid:
                errors.append(RowError(line, "household_id", "empty"))
                bad = True
            area_code = RURAL
            income = 0
            has_income = True
            if require_income:
                area = (row.get("area") or "").strip().lower()
                if area not in ("rural", "urban"):
                    errors.append(RowError(line, "area", f"{row.get('area')!r} is not 'rural' or 'urban'"))
                    bad = True
                area_code = URBAN if area == "urban" else RURAL
                raw_income = (row.get("income_per_capita") or "").strip()
                parsed = parse_income(raw_income)
                if allow_unknown and raw_income in ("", "?"):
                    has_income = False
                elif parsed is None:
                    errors.append(
                        RowError(
                            line,
                            "income_per_capita",
                            f"{row.get('income_per_capita')!r} is not a whole number of VND",
                        )
                    )
                    bad = True
                else:
                    income = parsed
            flags = []
            absent = []
            for key in wanted:
                value = (row.get(key) or "").strip()
                if allow_unknown and value in ("", "?"):
                    flags.append(0)
                    absent.append(1)
                    continue
                absent.append(0)
                if value not in ("0", "1"):
                    errors.append(RowError(line, key, f"{value!r} is not 0 or 1"))
                    bad = True
                    flags.append(0)
                else:
                    flags.append(int(value))
            if len(errors) >= max_errors:
                raise TableError(errors)
            if bad:
                continue
            ids.append(hid)
            areas.append(area_code)
            incomes.append(income)
            income_known.append(has_income)
            rows.append(flags)
            unknown_rows.append(absent)
            if group_column:
                groups.append((row.get(group_column) or "").strip())
    if errors:
        raise TableError(errors)
    matrix = np.array(rows, dtype=np.uint8).reshape(len(rows), len(wanted))
    return HouseholdTable(
        ids=ids,
        area=np.array(areas, dtype=np.int8),
        income=np.array(incomes, dtype=np.int64),
        indicators=wanted,
        deprivations=matrix,
        groups=groups if group_column else None,
        unknown=np.array(unknown_rows, dtype=np.uint8).reshape(len(rows), len(wanted))
        if allow_unknown
        else None,
        income_known=np.array(income_known, dtype=np.bool_) if allow_unknown else None,
    )
