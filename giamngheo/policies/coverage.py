"""What "covered" means for a policy in a period, and how coverage is counted and coloured.

Pure Python: no Django, no database (an import-linter contract keeps it so). The period of coverage is a
calendar year. A beneficiary (a household for a household-level policy, a member for a member-level one)
is *covered* in year Y by a support record whose date falls in the policy's window for Y:

* given once (``once``): any record from the policy's start to the end of Y — received once is enough;
* yearly, monthly or per event: a record dated in Y.

Eligibility is evaluated on the year's reference date: today for the current year, 31 December for a past
year (``reference_date``), never outside the policy's own period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONCE = "once"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def in_force(valid_from: dt.date, valid_to: dt.date | None, year: int) -> bool:
    """The policy applies during at least part of ``year``."""
    start, end = year_bounds(year)
    return valid_from <= end and (valid_to is None or valid_to >= start)


def window(
    frequency: str, year: int, valid_from: dt.date, valid_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The dates a support record must fall in to cover a beneficiary in ``year``."""
    start, end = year_bounds(year)
    if frequency == ONCE:
        start = valid_from
    start = max(start, valid_from)
    if valid_to is not None:
        end = min(end, valid_to)
    return start, end


def covers(frequency: str, year: int, valid_from: dt.date, valid_to: dt.date | None, on: dt.date) -> bool:
    start, end = window(frequency, year, valid_from, valid_to)
    return start <= on <= end


def reference_date(year: int, today: dt.date, valid_from: dt.date, valid_to: dt.date | None) -> dt.date:
    """The date eligibility is judged on for ``year``: today in the current year, 31 December of a past
    year, 1 January of a future one; clamped into the policy's period."""
    start, end = year_bounds(year)
    on = min(max(today, start), end)
    if valid_to is not None and on > valid_to:
        on = valid_to
    return max(on, valid_from)


def percent(covered: int, eligible: int) -> Decimal | None:
    """Coverage in per cent with one decimal (None when nobody is eligible)."""
    if eligible <= 0:
        return None
    return (Decimal(100 * covered) / Decimal(eligible)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Colour bands of the coverage matrix, worst first: (lowest per cent of the band, band name).
BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(100), "full"),
    (Decimal(90), "high"),
    (Decimal(70), "medium"),
    (Decimal(50), "low"),
    (Decimal(0), "critical"),
)


def band(pct: Decimal | None) -> str:
    if pct is None:
        return "none"
    for lowest, name in BANDS:
        if pct >= lowest:
            return name
    return "critical"


@dataclass(frozen=True)
class Beneficiary:
    """One row of the entitlement table: a household (``member`` None) or a member, eligible and/or
    covered for a policy in a year."""

    household: int
    member: int | None
    eligible: bool
    covered: bool


@dataclass(frozen=True)
class Tally:
    eligible_households: int = 0
    covered_households: int = 0  # eligible households whose every eligible beneficiary is covered
    eligible_units: int = 0  # households or members, by the policy's level
    covered_units: int = 0  # eligible units covered
    outside_units: int = 0  # covered but not eligible (recorded with a reason)

    @property
    def gap_units(self) -> int:
        return self.eligible_units - self.covered_units

    @property
    def percent(self) -> Decimal | None:
        return percent(self.covered_units, self.eligible_units)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.eligible_households + other.eligible_households,
            self.covered_households + other.covered_households,
            self.eligible_units + other.eligible_units,
            self.covered_units + other.covered_units,
            self.outside_units + other.outside_units,
        )


def tally(rows: Iterable[Beneficiary]) -> Tally:
    """Counts of one policy over beneficiaries (the reference the database aggregation is tested against)."""
    households: dict[int, bool] = {}
    eligible = covered = outside = 0
    for row in rows:
        if row.eligible:
            eligible += 1
            covered += row.covered
            households[row.household] = households.get(row.household, True) and row.covered
        elif row.covered:
            outside += 1
    return Tally(len(households), sum(households.values()), eligible, covered, outside)
