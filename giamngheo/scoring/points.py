"""The scoring arithmetic: the points of one criterion for a value, and the total of a sheet. Pure Python
(no Django), ``Decimal`` throughout, every result rounded to 2 decimals half up.

The four kinds of criterion (issue 16 §4):

- ``quantity``: a value measured against its target, ``min(value / target, 1) × max`` (scale ``target``), or
  against the best value among the set's units, ``value / best × max`` (scale ``best``);
- ``pass_fail``: ``max`` when the value is not zero (met), else 0;
- ``count``: ``value × points each``, capped at ``max`` when a maximum is set;
- ``bonus_penalty``: ``value × points each`` (negative points each: a penalty), capped at ``±max`` when a
  maximum is set; added to the total like every other entry.

An unknown value (``None``) has unknown points (``None``), never 0: the total of a sheet with an unknown entry
is incomplete. A negative value counts as 0 except for a bonus or penalty (where the sign is in points each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUANTITY = "quantity"
PASS_FAIL = "pass_fail"
COUNT = "count"
BONUS_PENALTY = "bonus_penalty"
KINDS = (QUANTITY, PASS_FAIL, COUNT, BONUS_PENALTY)

TARGET = "target"
BEST = "best"

ZERO = Decimal(0)
CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """Two decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """How one criterion turns a value into points (the fields of ``scoring.Criterion``)."""

    kind: str
    max_points: Decimal | None = None
    points_each: Decimal | None = None
    target: Decimal | None = None
    scale: str = TARGET

    @property
    def capped(self) -> bool:
        """Whether the points can never exceed ``max_points`` (and never fall below 0)."""
        return self.kind in (QUANTITY, PASS_FAIL) or (self.kind == COUNT and self.max_points is not None)


def points(rule: Rule, value: Decimal | None, *, best: Decimal | None = None) -> Decimal | None:
    """The points of ``value`` under ``rule`` (``best``: the best value among the set's units, for a quantity
    scaled to the best). ``None`` when the value is unknown or the rule lacks what it needs (a quantity
    without its maximum or target, a count without its points each)."""
    if value is None:
        return None
    if rule.kind == QUANTITY:
        return _quantity(rule, value, best)
    if rule.kind == PASS_FAIL:
        if rule.max_points is None:
            return None
        return q2(rule.max_points) if value > 0 else q2(ZERO)
    if rule.kind == COUNT:
        if rule.points_each is None:
            return None
        result = max(value, ZERO) * rule.points_each
        if rule.max_points is not None:
            result = min(result, rule.max_points)
        return q2(max(result, ZERO))
    if rule.kind == BONUS_PENALTY:
        if rule.points_each is None:
            return None
        result = value * rule.points_each
        if rule.max_points is not None:
            cap = abs(rule.max_points)
            result = max(-cap, min(result, cap))
        return q2(result)
    raise ValueError(f"unknown kind of criterion: {rule.kind!r}")


def _quantity(rule: Rule, value: Decimal, best: Decimal | None) -> Decimal | None:
    if rule.max_points is None:
        return None
    value = max(value, ZERO)
    if rule.scale == BEST:
        if best is None:
            return None
        if best <= 0:  # every unit is at 0: nobody earns anything
            return q2(ZERO)
        share = value / best
    else:
        if rule.target is None or rule.target <= 0:
            return None
        share = value / rule.target
    return q2(min(share, Decimal(1)) * rule.max_points)


def best_value(values: Iterable[Decimal | None]) -> Decimal | None:
    """The best (highest) known value among the units, ``None`` when none is known."""
    known = [v for v in values if v is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class Total:
    """The total of a sheet: the sum of the known points, and whether every entry is known."""

    value: Decimal
    complete: bool
    missing: int

    @property
    def final(self) -> Decimal | None:
        """The total when complete, else ``None`` (what is stored on the sheet)."""
        return self.value if self.complete else None


def total(entries: Iterable[Decimal | None]) -> Total:
    """The sum of the entries' points (bonuses and penalties included), 2 decimals."""
    known: list[Decimal] = []
    missing = 0
    for p in entries:
        if p is None:
            missing += 1
        else:
            known.append(p)
    return Total(value=q2(sum(known, ZERO)), complete=missing == 0, missing=missing)


def max_total(rules: Iterable[Rule]) -> Decimal:
    """The most a sheet can earn without bonuses: the sum of the maxima of the capped criteria."""
    return q2(sum((r.max_points or ZERO for r in rules if r.capped), ZERO))
