"""The scoring arithmetic (pure Python): each kind of criterion, rounding, unknown values, totals."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from giamngheo.scoring import points as P
from giamngheo.scoring.points import Rule, points, total

D = Decimal


def test_quantity_against_its_target() -> None:
    rule = Rule(P.QUANTITY, max_points=D(20), target=D(100))
    assert points(rule, D(85)) == D("17.00")
    assert points(rule, D(100)) == D("20.00")
    assert points(rule, D(140)) == D("20.00")  # capped at the maximum
    assert points(rule, D(0)) == D("0.00")
    assert points(rule, D(-5)) == D("0.00")  # a negative quantity counts as nothing
    # 2 decimals, half up: 1/3 of 10 = 3.333… → 3.33; 2/3 → 6.67; 0.125 × 10 = 1.25
    third = Rule(P.QUANTITY, max_points=D(10), target=D(3))
    assert points(third, D(1)) == D("3.33")
    assert points(third, D(2)) == D("6.67")
    assert points(Rule(P.QUANTITY, max_points=D(10), target=D(8)), D(1)) == D("1.25")


def test_half_up_rounding() -> None:
    # 0.005 rounds up (banker's rounding would give 0.00)
    assert P.q2(D("0.005")) == D("0.01")
    assert P.q2(D("2.345")) == D("2.35")
    assert P.q2(D("-2.345")) == D("-2.35")


def test_quantity_against_the_best_unit() -> None:
    rule = Rule(P.QUANTITY, max_points=D(15), scale=P.BEST)
    assert points(rule, D(12), best=D(12)) == D("15.00")
    assert points(rule, D(6), best=D(12)) == D("7.50")
    assert points(rule, D(0), best=D(0)) == D("0.00")  # everyone at 0
    assert points(rule, D(5), best=None) is None  # no best known


def test_quantity_without_what_it_needs_is_unknown() -> None:
    assert points(Rule(P.QUANTITY, max_points=D(10)), D(5)) is None  # no target
    assert points(Rule(P.QUANTITY, target=D(10)), D(5)) is None  # no maximum
    assert points(Rule(P.QUANTITY, max_points=D(10), target=D(0)), D(5)) is None


def test_pass_fail() -> None:
    rule = Rule(P.PASS_FAIL, max_points=D(15))
    assert points(rule, D(1)) == D("15.00")
    assert points(rule, D(0)) == D("0.00")
    assert points(Rule(P.PASS_FAIL), D(1)) is None


def test_count_times_points_capped() -> None:
    rule = Rule(P.COUNT, max_points=D(10), points_each=D("2.5"))
    assert points(rule, D(0)) == D("0.00")
    assert points(rule, D(3)) == D("7.50")
    assert points(rule, D(5)) == D("10.00")  # 12.5 capped at 10
    uncapped = Rule(P.COUNT, points_each=D(2))
    assert points(uncapped, D(30)) == D("60.00")


def test_bonus_and_penalty() -> None:
    bonus = Rule(P.BONUS_PENALTY, points_each=D(2), max_points=D(5))
    penalty = Rule(P.BONUS_PENALTY, points_each=D(-2), max_points=D(10))
    assert points(bonus, D(1)) == D("2.00")
    assert points(bonus, D(4)) == D("5.00")  # capped
    assert points(penalty, D(2)) == D("-4.00")
    assert points(penalty, D(9)) == D("-10.00")  # capped at −10
    assert points(Rule(P.BONUS_PENALTY, points_each=D("-1.5")), D(3)) == D("-4.50")


def test_unknown_value_has_unknown_points_never_zero() -> None:
    for rule in (
        Rule(P.QUANTITY, max_points=D(10), target=D(100)),
        Rule(P.PASS_FAIL, max_points=D(10)),
        Rule(P.COUNT, points_each=D(1)),
        Rule(P.BONUS_PENALTY, points_each=D(-1)),
    ):
        assert points(rule, None) is None


def test_total_is_the_sum_and_says_when_incomplete() -> None:
    t = total([D("17.00"), D("7.50"), D("-4.00")])
    assert t.value == D("20.50") and t.complete and t.final == D("20.50")
    t = total([D("17.00"), None, D("2.00")])
    assert t.value == D("19.00") and not t.complete and t.missing == 1 and t.final is None
    assert total([]).final == D("0.00")


def test_max_total_leaves_bonuses_apart() -> None:
    rules = [
        Rule(P.QUANTITY, max_points=D(20), target=D(100)),
        Rule(P.PASS_FAIL, max_points=D(15)),
        Rule(P.COUNT, points_each=D(1), max_points=D(10)),
        Rule(P.COUNT, points_each=D(1)),  # uncapped: no maximum to add
        Rule(P.BONUS_PENALTY, points_each=D(2), max_points=D(5)),
    ]
    assert P.max_total(rules) == D("45.00")


def test_points_module_is_pure_python() -> None:
    source = Path(P.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "collections", "dataclasses", "decimal"}, imported


# Properties -------------------------------------------------------------------------------------------
money = st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@given(value=money, maximum=positive, target=positive, best=money)
def test_quantity_never_exceeds_its_maximum(
    value: Decimal, maximum: Decimal, target: Decimal, best: Decimal
) -> None:
    for rule, b in (
        (Rule(P.QUANTITY, max_points=maximum, target=target), None),
        (Rule(P.QUANTITY, max_points=maximum, scale=P.BEST), max(best, value)),
    ):
        got = points(rule, value, best=b)
        assert got is not None
        assert D(0) <= got <= P.q2(maximum)


@given(value=money, maximum=positive)
def test_pass_fail_is_the_maximum_or_nothing(value: Decimal, maximum: Decimal) -> None:
    got = points(Rule(P.PASS_FAIL, max_points=maximum), value)
    assert got in (D("0.00"), P.q2(maximum))


@given(value=money, maximum=positive, each=positive)
def test_a_capped_count_stays_within_its_maximum(value: Decimal, maximum: Decimal, each: Decimal) -> None:
    got = points(Rule(P.COUNT, max_points=maximum, points_each=each), value)
    assert got is not None and D(0) <= got <= P.q2(maximum)


@given(st.lists(st.one_of(st.none(), money), max_size=20))
def test_total_is_the_sum_of_the_entries(entries: list[Decimal | None]) -> None:
    t = total(entries)
    known = [e for e in entries if e is not None]
    assert t.value == P.q2(sum(known, D(0)))
    assert t.complete == (len(known) == len(entries))
    assert t.final == (t.value if t.complete else None)
