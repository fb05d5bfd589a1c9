"""Ratings pasted from a spreadsheet or a list: one staff member a line, ``name <tab or ;> rating
[<tab or ;> discipline]``. The rating is the usual abbreviation (HTXSNV, HTTNV, HTNV, KHTNV) or its words;
a third column that says "có", "x" or "kỷ luật" marks the member disciplined. Pure apart from the folding of
names (``core.text.fold``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from giamngheo.core.text import fold

RATING_WORDS = {
    "htxsnv": "excellent",
    "hoan thanh xuat sac nhiem vu": "excellent",
    "xuat sac": "excellent",
    "httnv": "good",
    "hoan thanh tot nhiem vu": "good",
    "tot": "good",
    "htnv": "completed",
    "hoan thanh nhiem vu": "completed",
    "hoan thanh": "completed",
    "khtnv": "not_completed",
    "khong hoan thanh nhiem vu": "not_completed",
    "khong hoan thanh": "not_completed",
}
YES = {"co", "x", "ky luat", "1"}


@dataclass
class Pasted:
    rows: list[tuple[Any, str, bool]] = field(default_factory=list)  # (staff, rating, disciplined)
    errors: list[str] = field(default_factory=list)  # the lines not understood, as written


def parse_ratings(text: str, staff: Sequence[Any]) -> Pasted:
    by_name: dict[str, list[Any]] = {}
    for person in staff:
        by_name.setdefault(fold(person.full_name), []).append(person)
    result = Pasted()
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in re.split(r"\t|;", line)]
        name = fold(cells[0]) if cells else ""
        rating = RATING_WORDS.get(fold(cells[1]).strip(" .")) if len(cells) > 1 else None
        people = by_name.get(name, [])
        if rating is None or len(people) != 1:
            result.errors.append(line.strip())
            continue
        disciplined = len(cells) > 2 and fold(cells[2]) in YES
        result.rows.append((people[0], rating, disciplined))
    return result
