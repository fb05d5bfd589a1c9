"""What "covered" means and how coverage is counted: the pure rules of ``policies.coverage``, table-driven,
without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.policies.coverage import (
    Beneficiary,
    Tally,
    band,
    covers,
    in_force,
    percent,
    reference_date,
    tally,
    window,
    year_bounds,
)

D = dt.date
OPEN_ENDED = (D(2015, 7, 21), None)  # a policy in force since 2015, no end
ENDS_2026 = (D(2022, 1, 18), D(2026, 12, 31))  # a programme of 2022–2026
STARTS_MID_2025 = (D(2025, 8, 15), None)  # a policy that started during 2025
ENDS_MID_2026 = (D(2020, 1, 1), D(2026, 6, 30))  # a policy that ended during 2026


def test_year_bounds() -> None:
    assert year_bounds(2026) == (D(2026, 1, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    ("period", "year", "expected"),
    [
        (OPEN_ENDED, 2014, False),  # not started yet
        (OPEN_ENDED, 2015, True),  # started during the year
        (OPEN_ENDED, 2040, True),
        (ENDS_2026, 2026, True),
        (ENDS_2026, 2027, False),  # ended before the year
        (ENDS_2026, 2021, False),
        ((D(2026, 12, 31), None), 2026, True),  # the last day of the year is part of it
        ((D(2020, 1, 1), D(2026, 1, 1)), 2026, True),  # so is the first
        ((D(2020, 1, 1), D(2025, 12, 31)), 2026, False),
    ],
)
def test_in_force(period: tuple[dt.date, dt.date | None], year: int, expected: bool) -> None:
    assert in_force(*period, year) is expected


@pytest.mark.parametrize(
    ("frequency", "period", "year", "expected"),
    [
        # yearly, monthly, per event: the calendar year, cut to the policy's own period
        ("yearly", OPEN_ENDED, 2026, (D(2026, 1, 1), D(2026, 12, 31))),
        ("monthly", OPEN_ENDED, 2026, (D(2026, 1, 1), D(2026, 12, 31))),
        ("per_event", OPEN_ENDED, 2026, (D(2026, 1, 1), D(2026, 12, 31))),
        ("yearly", STARTS_MID_2025, 2025, (D(2025, 8, 15), D(2025, 12, 31))),
        ("monthly", ENDS_MID_2026, 2026, (D(2026, 1, 1), D(2026, 6, 30))),
        ("per_event", ENDS_MID_2026, 2026, (D(2026, 1, 1), D(2026, 6, 30))),
        # once: from the policy's start to the end of the year (received once is enough)
        ("once", ENDS_2026, 2026, (D(2022, 1, 18), D(2026, 12, 31))),
        ("once", ENDS_2026, 2023, (D(2022, 1, 18), D(2023, 12, 31))),
        ("once", ENDS_MID_2026, 2026, (D(2020, 1, 1), D(2026, 6, 30))),
        ("once", STARTS_MID_2025, 2025, (D(2025, 8, 15), D(2025, 12, 31))),
    ],
)
def test_window(
    frequency: str, period: tuple[dt.date, dt.date | None], year: int, expected: tuple[dt.date, dt.date]
) -> None:
    assert window(frequency, year, *period) == expected


@pytest.mark.parametrize(
    ("frequency", "period", "year", "on", "expected"),
    [
        # the year's boundaries: 31/12 belongs to its year, 1/1 to the next
        ("yearly", OPEN_ENDED, 2026, D(2025, 12, 31), False),
        ("yearly", OPEN_ENDED, 2026, D(2026, 1, 1), True),
        ("yearly", OPEN_ENDED, 2026, D(2026, 12, 31), True),
        ("yearly", OPEN_ENDED, 2026, D(2027, 1, 1), False),
        ("yearly", OPEN_ENDED, 2025, D(2025, 12, 31), True),
        ("monthly", OPEN_ENDED, 2026, D(2025, 12, 31), False),
        ("monthly", OPEN_ENDED, 2026, D(2026, 1, 1), True),
        ("monthly", OPEN_ENDED, 2026, D(2026, 7, 15), True),
        ("per_event", OPEN_ENDED, 2026, D(2025, 12, 31), False),
        ("per_event", OPEN_ENDED, 2026, D(2026, 1, 1), True),
        ("per_event", OPEN_ENDED, 2026, D(2027, 1, 1), False),
        # once: an earlier year's record still covers, a later one does not
        ("once", ENDS_2026, 2026, D(2022, 1, 18), True),
        ("once", ENDS_2026, 2026, D(2024, 5, 1), True),
        ("once", ENDS_2026, 2026, D(2025, 12, 31), True),
        ("once", ENDS_2026, 2025, D(2026, 1, 1), False),
        ("once", ENDS_2026, 2026, D(2022, 1, 17), False),  # before the policy existed
        ("once", ENDS_2026, 2026, D(2027, 1, 1), False),
        # a policy starting or ending inside the year
        ("yearly", STARTS_MID_2025, 2025, D(2025, 8, 14), False),
        ("yearly", STARTS_MID_2025, 2025, D(2025, 8, 15), True),
        ("monthly", ENDS_MID_2026, 2026, D(2026, 6, 30), True),
        ("monthly", ENDS_MID_2026, 2026, D(2026, 7, 1), False),
        ("once", ENDS_MID_2026, 2026, D(2026, 7, 1), False),
        ("once", STARTS_MID_2025, 2026, D(2025, 8, 15), True),
    ],
)
def test_covers(
    frequency: str, period: tuple[dt.date, dt.date | None], year: int, on: dt.date, expected: bool
) -> None:
    assert covers(frequency, year, *period, on) is expected


@pytest.mark.parametrize(
    ("year", "today", "period", "expected"),
    [
        (2026, D(2026, 11, 25), OPEN_ENDED, D(2026, 11, 25)),  # the current year: today
        (2026, D(2026, 1, 1), OPEN_ENDED, D(2026, 1, 1)),
        (2025, D(2026, 11, 25), OPEN_ENDED, D(2025, 12, 31)),  # a past year: its last day
        (2027, D(2026, 11, 25), OPEN_ENDED, D(2027, 1, 1)),  # a future year: its first day
        # clamped into the policy's period
        (2026, D(2026, 11, 25), ENDS_MID_2026, D(2026, 6, 30)),  # ended before today
        (2027, D(2026, 11, 25), ENDS_MID_2026, D(2026, 6, 30)),
        (2025, D(2025, 3, 1), STARTS_MID_2025, D(2025, 8, 15)),  # not started by today
        (2025, D(2026, 11, 25), STARTS_MID_2025, D(2025, 12, 31)),
    ],
)
def test_reference_date(
    year: int, today: dt.date, period: tuple[dt.date, dt.date | None], expected: dt.date
) -> None:
    assert reference_date(year, today, *period) == expected


@pytest.mark.parametrize(
    ("covered", "eligible", "expected"),
    [
        (0, 0, None),  # nobody eligible: no percentage
        (3, 0, None),
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 8, Decimal("12.5")),  # exact half-tenth: rounded half up
        (1, 16, Decimal("6.3")),  # 6.25 -> 6.3
        (1, 400, Decimal("0.3")),  # 0.25 -> 0.3
        (1, 2000, Decimal("0.1")),  # 0.05 -> 0.1
        (1, 2001, Decimal("0.0")),  # 0.04998 -> 0.0
        (899, 1000, Decimal("89.9")),
        (8995, 10000, Decimal("90.0")),  # 89.95 -> 90.0
        (7, 7, Decimal("100.0")),
    ],
)
def test_percent(covered: int, eligible: int, expected: Decimal | None) -> None:
    assert percent(covered, eligible) == expected
    if expected is not None:
        assert percent(covered, eligible).as_tuple().exponent == -1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (None, "none"),
        (Decimal("0.0"), "critical"),
        (Decimal("49.9"), "critical"),
        (Decimal("50.0"), "low"),
        (Decimal("69.9"), "low"),
        (Decimal("70.0"), "medium"),
        (Decimal("89.9"), "medium"),
        (Decimal("90.0"), "high"),
        (Decimal("99.9"), "high"),
        (Decimal("100.0"), "full"),
        (Decimal("-1"), "critical"),  # below every band
    ],
)
def test_band(pct: Decimal | None, expected: str) -> None:
    assert band(pct) == expected


def test_band_of_percent_rounding_at_a_threshold() -> None:
    # 89.95 % rounds to 90.0: the band follows the shown figure
    assert band(percent(8995, 10000)) == "high"
    assert band(percent(8994, 10000)) == "medium"


B = Beneficiary


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], Tally()),
        # household-level policy: one unit per household
        ([B(1, None, True, True), B(2, None, True, False)], Tally(2, 1, 2, 1, 0)),
        # member-level: a household with two eligible members, one covered, is not a covered household
        ([B(1, 11, True, True), B(1, 12, True, False)], Tally(1, 0, 2, 1, 0)),
        ([B(1, 11, True, False), B(1, 12, True, True)], Tally(1, 0, 2, 1, 0)),  # in either order
        # ...with both covered it is
        ([B(1, 11, True, True), B(1, 12, True, True)], Tally(1, 1, 2, 2, 0)),
        # covered but not eligible (recorded with a reason): outside, not a unit, not a household
        ([B(1, 11, True, True), B(1, 12, False, True)], Tally(1, 1, 1, 1, 1)),
        ([B(3, None, False, True)], Tally(0, 0, 0, 0, 1)),
        ([B(3, 31, False, True), B(3, 32, False, True)], Tally(0, 0, 0, 0, 2)),
        # neither eligible nor covered: not counted at all
        ([B(4, None, False, False)], Tally()),
        # a mix over three households
        (
            [
                B(1, 11, True, True),
                B(1, 12, True, True),
                B(1, 13, False, False),
                B(2, 21, True, False),
                B(2, 22, False, True),
                B(3, 31, True, True),
                B(3, 32, True, False),
                B(3, 33, True, True),
            ],
            Tally(3, 1, 6, 4, 1),
        ),
    ],
)
def test_tally(rows: list[Beneficiary], expected: Tally) -> None:
    assert tally(rows) == expected
    assert tally(reversed(rows)) == expected  # the order of rows does not matter


def test_tally_properties() -> None:
    t = Tally(eligible_households=3, covered_households=1, eligible_units=6, covered_units=4, outside_units=1)
    assert t.gap_units == 2
    assert t.percent == Decimal("66.7")
    assert Tally().percent is None and Tally().gap_units == 0
    assert Tally(outside_units=2).percent is None  # only people outside the policy: no percentage


def test_tallies_add_field_by_field() -> None:
    a = Tally(1, 2, 3, 4, 5)
    b = Tally(10, 20, 30, 40, 50)
    assert a + b == Tally(11, 22, 33, 44, 55)
    assert a + Tally() == a
    assert sum([a, b, a], Tally()) == Tally(12, 24, 36, 48, 60)


def test_tally_of_parts_is_the_sum_of_the_tallies_of_parts() -> None:
    """Counting per village then adding equals counting the commune (households do not span villages)."""
    village_1 = [B(1, 11, True, True), B(1, 12, True, False), B(2, None, False, True)]
    village_2 = [B(3, 31, True, True), B(4, 41, True, True), B(4, 42, False, False)]
    assert tally(village_1) + tally(village_2) == tally(village_1 + village_2)
