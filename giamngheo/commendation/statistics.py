"""The yearly statistics of emulation and commendation: how many titles and forms were given in a year, by
title and by recipient (individual, collective, household), the bonus paid, and the same per unit.

Pure aggregation of ``document_selectors.award_facts`` (the awards of the year the user sees): every total is
the sum of its rows. A bonus not known (an award without an amount) is never counted as 0 đồng: the amount
columns sum the known amounts and say how many are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from giamngheo.core.text import vi_sort_key
from giamngheo.core.xlsx import Column, Section

from .choices import Beneficiary, TitleKind
from .document_selectors import AwardFact, YearFact


@dataclass(frozen=True)
class Counts:
    """Awards by recipient, the known bonus total and the number of unknown amounts."""

    individual: int = 0
    collective: int = 0
    household: int = 0
    amount: int = 0
    unknown_amounts: int = 0

    @property
    def total(self) -> int:
        return self.individual + self.collective + self.household

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            individual=self.individual + other.individual,
            collective=self.collective + other.collective,
            household=self.household + other.household,
            amount=self.amount + other.amount,
            unknown_amounts=self.unknown_amounts + other.unknown_amounts,
        )


def _count(fact: AwardFact) -> Counts:
    return Counts(
        individual=int(fact.recipient_kind == Beneficiary.INDIVIDUAL),
        collective=int(fact.recipient_kind == Beneficiary.COLLECTIVE),
        household=int(fact.recipient_kind == Beneficiary.HOUSEHOLD),
        amount=fact.amount or 0,
        unknown_amounts=int(fact.amount is None),
    )


def _sum(counts: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in counts:
        total = total + c
    return total


@dataclass(frozen=True)
class TitleRow:
    title_name: str
    counts: Counts


@dataclass(frozen=True)
class KindBlock:
    """The titles (or the forms) given in the year, with their subtotal."""

    kind: str
    label: str
    rows: tuple[TitleRow, ...]
    subtotal: Counts


@dataclass(frozen=True)
class UnitRow:
    unit_name: str
    titles: int  # emulation titles
    forms: int  # forms of commendation
    counts: Counts


@dataclass(frozen=True)
class YearStatistics:
    year: int
    kinds: tuple[KindBlock, ...]
    total: Counts
    units: tuple[UnitRow, ...]
    unit_total: UnitRow

    @property
    def empty(self) -> bool:
        return self.total.total == 0


def yearly_statistics(*, year: int, facts: Sequence[AwardFact]) -> YearStatistics:
    """The year's tables from its awards (``facts`` of other years are left out)."""
    facts = [f for f in facts if f.year == year]
    kinds = []
    for kind, label in TitleKind.choices:
        titles: dict[int, tuple[tuple[int, str], str, list[Counts]]] = {}
        for fact in facts:
            if fact.title_kind == kind:
                entry = titles.setdefault(
                    fact.title_id, ((fact.title_order, fact.title_name), fact.title_name, [])
                )
                entry[2].append(_count(fact))
        rows = tuple(
            TitleRow(title_name=name, counts=_sum(counts))
            for _key, name, counts in sorted(titles.values(), key=lambda e: e[0])
        )
        kinds.append(KindBlock(kind=kind, label=str(label), rows=rows, subtotal=_sum(r.counts for r in rows)))
    units: dict[tuple[int | None, str], list[AwardFact]] = {}
    for fact in facts:
        units.setdefault((fact.unit_id, fact.unit_name), []).append(fact)
    unit_rows = tuple(
        sorted(
            (
                UnitRow(
                    unit_name=name or _("Unit not known"),
                    titles=sum(1 for f in rows if f.title_kind == TitleKind.EMULATION_TITLE),
                    forms=sum(1 for f in rows if f.title_kind == TitleKind.COMMENDATION_FORM),
                    counts=_sum(_count(f) for f in rows),
                )
                for (_unit_id, name), rows in units.items()
            ),
            key=lambda r: vi_sort_key(r.unit_name),
        )
    )
    unit_total = UnitRow(
        unit_name=_("Total"),
        titles=sum(r.titles for r in unit_rows),
        forms=sum(r.forms for r in unit_rows),
        counts=_sum(r.counts for r in unit_rows),
    )
    return YearStatistics(
        year=year,
        kinds=tuple(kinds),
        total=_sum(k.subtotal for k in kinds),
        units=unit_rows,
        unit_total=unit_total,
    )


# The workbook (what the page shows) -------------------------------------------------------------------------


def _amount(counts: Counts) -> int | None:
    """The bonus total to show: None when every amount is unknown (nothing known to add up)."""
    if counts.unknown_amounts and counts.unknown_amounts == counts.total:
        return None
    return counts.amount


def _counts_cells(counts: Counts) -> list[object]:
    return [
        counts.individual,
        counts.collective,
        counts.household,
        counts.total,
        _amount(counts),
        counts.unknown_amounts,
    ]


def _count_columns() -> list[Column]:
    return [
        Column(str(Beneficiary.INDIVIDUAL.label), decimals=0),
        Column(str(Beneficiary.COLLECTIVE.label), decimals=0),
        Column(str(Beneficiary.HOUSEHOLD.label), decimals=0),
        Column(_("Total"), decimals=0),
        Column(_("Bonus (đồng)"), decimals=0, width=16),
        Column(_("Amounts not known"), decimals=0),
    ]


def xlsx_sections(stats: YearStatistics, history: Sequence[YearFact] = ()) -> list[Section]:
    by_title: list[list[object]] = []
    for block in stats.kinds:
        for n, row in enumerate(block.rows, start=1):
            by_title.append([n, row.title_name, block.label, *_counts_cells(row.counts)])
        by_title.append(
            ["", _("Subtotal: %(kind)s") % {"kind": block.label}, "", *_counts_cells(block.subtotal)]
        )
    by_title.append(["", _("Total"), "", *_counts_cells(stats.total)])
    sections = [
        Section(
            heading=_("By title and form of commendation"),
            columns=[
                Column("#", decimals=0, width=6),
                Column(_("Title or form"), width=40),
                Column(_("Type of award"), width=20),
                *_count_columns(),
            ],
            rows=by_title,
        ),
        Section(
            heading=_("By unit"),
            columns=[
                Column("#", decimals=0, width=6),
                Column(_("Unit"), width=40),
                Column(_("Emulation titles"), decimals=0),
                Column(_("Forms of commendation"), decimals=0),
                *_count_columns(),
            ],
            rows=[
                *(
                    [n, r.unit_name, r.titles, r.forms, *_counts_cells(r.counts)]
                    for n, r in enumerate(stats.units, start=1)
                ),
                [
                    "",
                    stats.unit_total.unit_name,
                    stats.unit_total.titles,
                    stats.unit_total.forms,
                    *_counts_cells(stats.unit_total.counts),
                ],
            ],
        ),
    ]
    if history:
        sections.append(
            Section(
                heading=_("Over the years"),
                columns=[
                    Column(_("Year"), width=8),
                    Column(_("Awards"), decimals=0),
                    Column(_("Bonus (đồng)"), decimals=0, width=16),
                    Column(_("Amounts not known"), decimals=0),
                ],
                rows=[
                    [
                        str(y.year),
                        y.awards,
                        None if y.unknown_amounts == y.awards else y.amount,
                        y.unknown_amounts,
                    ]
                    for y in history
                ],
            )
        )
    return sections
