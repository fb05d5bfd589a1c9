"""What if: the same households under another standard (e.g. the 2027 lines). Nothing is written."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .bulk import CATEGORIES, classify_bulk
from .classify import Category
from .standard import Standard
from .table import HouseholdTable


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
