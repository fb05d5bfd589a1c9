"""What if: the same households under another standard (e.g. the 2027 lines). Nothing is written.

``what_if`` reads a table of deprivation flags (the CSV of the command line); ``what_if_table`` reads a
``FactsTable`` (the registry's facts, unknown ones included: a household the missing facts leave open is
counted apart, under None)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .bulk import CATEGORIES, UNDETERMINED, classify_bulk
from .classify import Category
from .columns import FactsTable
from .standard import Standard
from .table import HouseholdTable
from .vector import classify_table


@dataclass(frozen=True, slots=True)
class GroupChange:
    group: str
    households: int
    before: dict[Category, int]
    after: dict[Category, int]

    def change(self, category: Category) -> int:
        return self.after[category] - self.before[category]


@dataclass(frozen=True, slots=True)
class WhatIfReport:
    current: Standard
    proposed: Standard
    households: int
    before: dict[Category, int]
    after: dict[Category, int]
    transitions: dict[tuple[Category, Category], int]  # (before, after) -> households, changes only
    groups: tuple[GroupChange, ...]  # sorted by the change in poor households, largest increase first

    def change(self, category: Category) -> int:
        return self.after[category] - self.before[category]


def what_if(table: HouseholdTable, current: Standard, proposed: Standard) -> WhatIfReport:
    a = classify_bulk(
        area=table.area,
        income=table.income,
        deprivations=table.deprivations,
        indicators=table.indicators,
        standard=current,
    )
    b = classify_bulk(
        area=table.area,
        income=table.income,
        deprivations=table.deprivations,
        indicators=table.indicators,
        standard=proposed,
    )
    k = len(CATEGORIES)
    pairs = np.bincount(a.category.astype(np.int64) * k + b.category, minlength=k * k).reshape(k, k)
    transitions = {
        (CATEGORIES[i], CATEGORIES[j]): int(pairs[i, j])
        for i in range(k)
        for j in range(k)
        if i != j and pairs[i, j]
    }
    groups: list[GroupChange] = []
    if table.groups is not None:
        before: dict[str, Counter[Category]] = {}
        after: dict[str, Counter[Category]] = {}
        sizes: Counter[str] = Counter()
        for group, ca, cb in zip(table.groups, a.category.tolist(), b.category.tolist(), strict=True):
            before.setdefault(group, Counter())[CATEGORIES[ca]] += 1
            after.setdefault(group, Counter())[CATEGORIES[cb]] += 1
            sizes[group] += 1
        groups = [
            GroupChange(
                group=g,
                households=sizes[g],
                before={c: before[g][c] for c in CATEGORIES},
                after={c: after[g][c] for c in CATEGORIES},
            )
            for g in sizes
        ]
        groups.sort(key=lambda gc: (-gc.change(Category.POOR), gc.group))
    return WhatIfReport(
        current=current,
        proposed=proposed,
        households=len(table),
        before=a.counts(),
        after=b.counts(),
        transitions=transitions,
        groups=tuple(groups),
    )


@dataclass(frozen=True, slots=True)
class TableWhatIf:
    """A facts table under two standards; None stands for "not determined" (missing facts or income)."""

    current: Standard
    proposed: Standard
    households: int
    before: dict[Category | None, int]
    after: dict[Category | None, int]
    transitions: dict[tuple[Category | None, Category | None], int]  # changes only
    changed: int  # households whose category (or determination) differs
    before_codes: npt.NDArray[np.int8]  # codes into bulk.CATEGORIES, or bulk.UNDETERMINED
    after_codes: npt.NDArray[np.int8]

    @property
    def poor_change(self) -> int:
        return self.after[Category.POOR] - self.before[Category.POOR]


def what_if_table(table: FactsTable, current: Standard, proposed: Standard) -> TableWhatIf:
    """Classify every household of ``table`` under both standards (the vector path) and count the changes."""
    a = classify_table(table, current).category
    b = classify_table(table, proposed).category
    k = len(CATEGORIES) + 1  # the categories and UNDETERMINED
    labels: tuple[Category | None, ...] = (*CATEGORIES, None)
    assert len(CATEGORIES) == UNDETERMINED  # noqa: S101 - the label table relies on it
    pairs = np.bincount(a.astype(np.int64) * k + b, minlength=k * k).reshape(k, k)
    return TableWhatIf(
        current=current,
        proposed=proposed,
        households=len(table),
        before={labels[i]: int(pairs[i, :].sum()) for i in range(k)},
        after={labels[j]: int(pairs[:, j].sum()) for j in range(k)},
        transitions={
            (labels[i], labels[j]): int(pairs[i, j])
            for i in range(k)
            for j in range(k)
            if i != j and pairs[i, j]
        },
        changed=int(np.count_nonzero(a != b)),
        before_codes=a,
        after_codes=b,
    )
