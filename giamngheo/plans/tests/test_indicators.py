from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.plans import indicators as ind
from giamngheo.plans.indicators import (
    Direction,
    Status,
    Thresholds,
    achieved_percent,
    indicator,
    target_status,
)


def test_a_rate_is_a_decimal_percent_with_two_places() -> None:
    value = indicator("poverty_rate").value({ind.POOR: 1, ind.HOUSEHOLDS: 3})
    assert value == Decimal("33.33")
    assert isinstance(value, Decimal)


def test_an_unknown_count_is_an_unknown_value_never_zero() -> None:
    assert indicator("poverty_rate").value({ind.HOUSEHOLDS: 100}) is None
    assert indicator("poverty_rate").value({ind.POOR: 0}) is None
    assert indicator("poverty_rate").value({ind.POOR: 0, ind.HOUSEHOLDS: 0}) is None
    assert indicator("poverty_rate").value({ind.POOR: 0, ind.HOUSEHOLDS: 10}) == Decimal("0.00")
    assert indicator("poor_households").value({}) is None
    assert indicator("programme_disbursement").value({"programme_disbursement": 5}) is None  # entered


def test_every_key_is_unique_and_every_rate_names_its_inputs() -> None:
    keys = [i.key for i in ind.INDICATORS]
    assert len(keys) == len(set(keys))
    coverage = indicator("policy_coverage.health")
    assert coverage.policy_area == "health"
    assert coverage.value(
        {ind.coverage_covered("health"): 9, ind.coverage_eligible("health"): 12}
    ) == Decimal("75.00")


def test_progress_down_and_up() -> None:
    # poverty rate 5.00 → target 4.70 (down 0.3 points); now 4.85: half the way
    assert achieved_percent(
        baseline=Decimal("5.00"), target=Decimal("4.70"), actual=Decimal("4.85"), direction=Direction.DOWN
    ) == Decimal("50.0")
    # coverage 80 → 100; now 90
    assert achieved_percent(
        baseline=Decimal(80), target=Decimal(100), actual=Decimal(90), direction=Direction.UP
    ) == Decimal("50.0")
    # a target equal to its baseline: achieved when kept
    assert achieved_percent(
        baseline=Decimal(100), target=Decimal(100), actual=Decimal(100), direction=Direction.UP
    ) == Decimal(100)


@pytest.mark.parametrize(
    ("actual", "elapsed", "status"),
    [
        (None, "0.5", Status.NO_DATA),
        ("4.70", "0.5", Status.ACHIEVED),
        ("4.85", "0.5", Status.ON_TRACK),  # half the way at half the time
        ("4.88", "0.5", Status.AT_RISK),  # 40 % of the way, 80 % of what is expected
        ("4.95", "0.5", Status.OFF_TRACK),
        ("5.10", "0.0", Status.ON_TRACK),  # nothing expected yet
    ],
)
def test_status_by_thresholds(actual: str | None, elapsed: str, status: Status) -> None:
    assert (
        target_status(
            baseline=Decimal("5.00"),
            target=Decimal("4.70"),
            actual=None if actual is None else Decimal(actual),
            direction=Direction.DOWN,
            elapsed=Decimal(elapsed),
            thresholds=Thresholds(on_track=100, at_risk=75),
        )
        is status
    )


def test_thresholds_are_checked_and_say_their_rule() -> None:
    with pytest.raises(ValueError):
        Thresholds(on_track=50, at_risk=80)
    msgid, params = Thresholds(90, 60).rule
    assert "%(on_track)s" in msgid
    assert params == {"on_track": 90, "at_risk": 60}


@given(
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.sampled_from(list(Direction)),
)
def test_moving_towards_the_target_never_lowers_progress(
    baseline: int, target: int, actual: int, d: Direction
) -> None:
    step = 1 if (d is Direction.UP) else -1
    before = achieved_percent(
        baseline=Decimal(baseline), target=Decimal(target), actual=Decimal(actual), direction=d
    )
    after = achieved_percent(
        baseline=Decimal(baseline), target=Decimal(target), actual=Decimal(actual + step), direction=d
    )
    assert after >= before
