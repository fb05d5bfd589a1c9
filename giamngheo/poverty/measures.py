"""Alkire–Foster (AF) multidimensional poverty measures, vectorised with numpy.

The AF method (Alkire & Foster 2011, "Counting and multidimensional poverty measurement",
*Journal of Public Economics* 95(7–8), 476–487) works on an ``n x d`` matrix of 0/1 deprivations:

1. Each indicator ``j`` has a weight ``w_j``; the weights are normalised to sum to 1.
2. Each unit ``i`` (a household) gets a deprivation score ``c_i = sum_j w_j x_ij`` in ``[0, 1]``.
3. Identification (the "dual cut-off"): a unit is multidimensionally poor when ``c_i >= k``,
   where ``0 < k <= 1`` is the poverty cut-off expressed as a share of the total weight.
4. Aggregation: the headcount ratio ``H = q / n``, the intensity ``A`` (average score among the
   poor) and the adjusted headcount ratio ``M0 = H * A``, which equals the mean of the *censored*
   scores (scores of the non-poor set to zero). ``M0`` can be broken down by indicator (censored
   headcounts and contributions) and by population subgroup (``M0 = sum_g (n_g / n) * M0_g``).

Vietnam's national multidimensional poverty standard counts a household as poor on the
deprivation side when it lacks at least 3 of the 12 indicators of basic social services, i.e. AF
with equal weights and ``k = 3/12``. The national rule, however, *also* requires per-capita income
at or below the income poverty line; that income condition is not part of AF and is not handled
here.

This module is pure Python plus numpy: it never imports Django.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "AFResult",
    "Decomposition",
    "GroupResult",
    "IndicatorWeights",
    "alkire_foster",
    "decompose",
    "equal_weights",
    "nested_weights",
    "normalise_weights",
]

IndicatorWeights = Sequence[float]

#: Absolute tolerance for identification, so that e.g. 3 of 12 equal weights (whose float sum may
#: fall a hair below 0.25) still counts as ``c_i >= k``.
SCORE_TOLERANCE = 1e-9

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


def _check_indicators(indicators: Sequence[str]) -> None:
    if len(indicators) == 0:
        raise ValueError("at least one indicator is required")
    seen: set[str] = set()
    for name in indicators:
        if name in seen:
            raise ValueError(f"duplicate indicator name {name!r}")
        seen.add(name)


def equal_weights(indicators: Sequence[str]) -> tuple[float, ...]:
    """Give each of the ``d`` indicators the weight ``1/d``."""
    _check_indicators(indicators)
    d = len(indicators)
    return tuple(1.0 / d for _ in indicators)


def _dimensions(indicators: Sequence[str], dimension_of: Mapping[str, str]) -> list[str]:
    """Dimensions in order of first appearance; every indicator must have one."""
    missing = [name for name in indicators if name not in dimension_of]
    if missing:
        raise ValueError(f"no dimension given for indicator(s): {', '.join(map(repr, missing))}")
    return list(dict.fromkeys(dimension_of[name] for name in indicators))


def nested_weights(indicators: Sequence[str], dimension_of: Mapping[str, str]) -> tuple[float, ...]:
    """Equal weight per dimension, shared equally among the indicators of that dimension.

    With 6 dimensions of 2 indicators each every indicator gets ``1/12``; with dimensions
    ``{a: [x, y], b: [z]}`` the weights are ``x = y = 1/4`` and ``z = 1/2``.
    """
    _check_indicators(indicators)
    _dimensions(indicators, dimension_of)
    size = Counter(dimension_of[name] for name in indicators)
    return tuple(1.0 / (len(size) * size[dimension_of[name]]) for name in indicators)


def normalise_weights(weights: Sequence[float], *, expected: int | None = None) -> tuple[float, ...]:
    """Return ``w_j / sum(w)``.

    Raises ``ValueError`` when a weight is negative or not finite, when the weights sum to zero,
    or when ``expected`` is given and the number of weights differs from it.
    """
    values = [float(w) for w in weights]
    if expected is not None and len(values) != expected:
        raise ValueError(f"expected {expected} weight(s), one per indicator, got {len(values)}")
    for j, w in enumerate(values, start=1):
        if not math.isfinite(w):
            raise ValueError(f"weight {j} is not a finite number: {w!r}")
        if w < 0:
            raise ValueError(f"weights must be non-negative; weight {j} is {w!r}")
    total = math.fsum(values)
    if total <= 0:
        raise ValueError("weights must not sum to zero")
    return tuple(w / total for w in values)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AFResult:
    """Alkire–Foster measures for one population (or subgroup)."""

    n: int
    """Number of units."""
    q: int
    """Number of units identified as multidimensionally poor."""
    k: float
    """Poverty cut-off as a share of the total weight, ``0 < k <= 1``."""
    H: float
    """Headcount ratio ``q / n`` (0.0 when ``n == 0``)."""
    A: float
    """Intensity: average deprivation score among the poor (0.0 when ``q == 0``)."""
    M0: float
    """Adjusted headcount ratio ``H * A`` = mean of the censored scores."""
    uncensored_headcount: dict[str, float]
    """Per indicator: share of all units deprived in it."""
    censored_headcount: dict[str, float]
    """Per indicator: share of all units that are poor and deprived in it."""
    contribution: dict[str, float]
    """Per indicator: ``w_j * censored_h_j / M0`` (sums to 1 when ``M0 > 0``, else all 0.0)."""
    dimension_contribution: dict[str, float]
    """Per dimension: sum of its indicators' contributions (empty without a dimension map)."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready representation."""
        return {
            "n": self.n,
            "q": self.q,
            "k": self.k,
            "H": self.H,
            "A": self.A,
            "M0": self.M0,
            "uncensored_headcount": dict(self.uncensored_headcount),
            "censored_headcount": dict(self.censored_headcount),
            "contribution": dict(self.contribution),
            "dimension_contribution": dict(self.dimension_contribution),
        }


@dataclass(frozen=True, slots=True)
class GroupResult:
    """AF measures within one population subgroup and its share of overall ``M0``."""

    group: str
    n: int
    population_share: float
    """``n_g / n``."""
    result: AFResult
    """AF measures computed within the group."""
    contribution: float
    """``population_share * M0_g / M0`` (0.0 when the overall ``M0`` is 0)."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready representation."""
        return {
            "group": self.group,
            "n": self.n,
            "population_share": self.population_share,
            "result": self.result.to_dict(),
            "contribution": self.contribution,
        }


@dataclass(frozen=True, slots=True)
class Decomposition:
    """Overall AF measures and their breakdown by population subgroup."""

    overall: AFResult
    groups: tuple[GroupResult, ...]
    """Sorted by the group's ``M0``, highest first, then by group name."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready representation."""
        return {"overall": self.overall.to_dict(), "groups": [g.to_dict() for g in self.groups]}


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    deprived: FloatArray  # n x d, 0.0 / 1.0
    weights: FloatArray  # d, normalised
    indicators: tuple[str, ...]
    dimension_of: Mapping[str, str] | None
    k: float


def _prepare(
    matrix: npt.ArrayLike,
    indicators: Sequence[str],
    k: float,
    weights: Sequence[float] | None,
    dimension_of: Mapping[str, str] | None,
) -> _Prepared:
    _check_indicators(indicators)
    d = len(indicators)
    k = float(k)
    if not 0.0 < k <= 1.0:
        raise ValueError(f"poverty cut-off k must satisfy 0 < k <= 1, got {k!r}")
    w = normalise_weights(equal_weights(indicators) if weights is None else weights, expected=d)
    if dimension_of is not None:
        _dimensions(indicators, dimension_of)

    arr = np.asarray(matrix)
    if arr.ndim == 1 and arr.size == 0:
        arr = np.zeros((0, d), dtype=np.float64)  # ``[]``: no units
    if arr.ndim != 2:
        raise ValueError(f"matrix must be 2-dimensional (units x indicators), got {arr.ndim} dimension(s)")
    if arr.shape[1] != d:
        raise ValueError(f"matrix has {arr.shape[1]} column(s) but {d} indicator name(s) were given")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"matrix values must be 0/1 (bool or numeric), got dtype {arr.dtype}")
    bad = (arr != 0) & (arr != 1)  # NaN is bad too
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"matrix values must be 0 or 1: row {row + 1}, column {col + 1} "
            f"(indicator {indicators[col]!r}) is {arr[row, col].item()!r}"
        )
    return _Prepared(
        deprived=arr.astype(np.float64),
        weights=np.asarray(w, dtype=np.float64),
        indicators=tuple(indicators),
        dimension_of=dimension_of,
        k=k,
    )


def _measure(p: _Prepared, deprived: FloatArray) -> AFResult:
    """AF measures for the units (rows) in ``deprived``; inputs are already validated."""
    n = int(deprived.shape[0])
    scores: FloatArray = deprived @ p.weights
    # A unit with no (weighted) deprivation is never poor, even when k <= SCORE_TOLERANCE.
    poor: BoolArray = (scores >= p.k - SCORE_TOLERANCE) & (scores > 0.0)
    q = int(np.count_nonzero(poor))
    if n:
        uncensored: FloatArray = deprived.mean(axis=0)
        censored: FloatArray = poor.astype(np.float64) @ deprived / n
    else:
        uncensored = censored = np.zeros(len(p.indicators), dtype=np.float64)
    total = float(scores[poor].sum())
    H = q / n if n else 0.0
    A = total / q if q else 0.0
    M0 = total / n if n else 0.0
    weighted = p.weights * censored
    contrib: FloatArray = weighted / M0 if M0 > 0 else np.zeros_like(weighted)

    names = p.indicators
    contribution = dict(zip(names, contrib.tolist(), strict=True))
    dimension_contribution: dict[str, float] = {}
    if p.dimension_of is not None:
        for name in names:
            dim = p.dimension_of[name]
            dimension_contribution[dim] = dimension_contribution.get(dim, 0.0) + contribution[name]
    return AFResult(
        n=n,
        q=q,
        k=p.k,
        H=H,
        A=A,
        M0=M0,
        uncensored_headcount=dict(zip(names, uncensored.tolist(), strict=True)),
        censored_headcount=dict(zip(names, censored.tolist(), strict=True)),
        contribution=contribution,
        dimension_contribution=dimension_contribution,
    )


def alkire_foster(
    matrix: npt.ArrayLike,
    indicators: Sequence[str],
    k: float,
    weights: Sequence[float] | None = None,
    dimension_of: Mapping[str, str] | None = None,
) -> AFResult:
    """Compute the Alkire–Foster measures.

    ``matrix`` is ``n x d`` of 0/1 deprivations (bool or int), one column per name in
    ``indicators``. ``weights`` default to equal and are normalised to sum to 1. A unit is poor
    when its score ``c_i = sum_j w_j x_ij`` satisfies ``c_i >= k - SCORE_TOLERANCE`` and
    ``c_i > 0``.
    ``dimension_of`` maps every indicator to its dimension, for dimension contributions.

    Raises ``ValueError`` for ``k`` outside ``(0, 1]``, values other than 0/1 (naming the first
    offending 1-based row and column), shape mismatches, duplicate indicator names and invalid
    weights. With no units (``n == 0``) all measures are zero.
    """
    p = _prepare(matrix, indicators, k, weights, dimension_of)
    return _measure(p, p.deprived)


def decompose(
    matrix: npt.ArrayLike,
    groups: Sequence[str],
    indicators: Sequence[str],
    k: float,
    weights: Sequence[float] | None = None,
    dimension_of: Mapping[str, str] | None = None,
) -> Decomposition:
    """Overall AF measures and their decomposition by population subgroup.

    ``groups[i]`` is the subgroup of row ``i``. ``M0`` is subgroup decomposable:
    ``M0 == sum_g population_share_g * M0_g``; each group's ``contribution`` is its term of that
    sum divided by ``M0``.
    """
    p = _prepare(matrix, indicators, k, weights, dimension_of)
    n = int(p.deprived.shape[0])
    labels = [str(g) for g in groups]
    if len(labels) != n:
        raise ValueError(f"got {len(labels)} group label(s) for {n} unit(s)")
    overall = _measure(p, p.deprived)
    out: list[GroupResult] = []
    if n:
        names, inverse = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(names) + 1))
        for g, name in enumerate(names.tolist()):
            rows = order[bounds[g] : bounds[g + 1]]
            res = _measure(p, p.deprived[rows])
            share = res.n / n
            contribution = share * res.M0 / overall.M0 if overall.M0 > 0 else 0.0
            out.append(GroupResult(str(name), res.n, share, res, contribution))
    out.sort(key=lambda g: (-g.result.M0, g.group))
    return Decomposition(overall=overall, groups=tuple(out))
