"""Tests for the Alkire–Foster measures (pure Python + numpy: no Django, no database)."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.poverty.measures import (
    AFResult,
    alkire_foster,
    decompose,
    equal_weights,
    nested_weights,
    normalise_weights,
)

EXACT = 1e-12


def approx(value: object) -> object:
    return pytest.approx(value, abs=EXACT)


def ham(r: AFResult) -> dict[str, float]:
    return {"H": r.H, "A": r.A, "M0": r.M0}


def assert_m0_is_h_times_a(r: AFResult) -> None:
    assert math.isclose(r.M0, r.H * r.A, rel_tol=0.0, abs_tol=EXACT)


# ---------------------------------------------------------------------------------------------
# Worked example, computed by hand
# ---------------------------------------------------------------------------------------------
#
# 4 households x 4 indicators; 1 = deprived.
#
#                schooling  attendance  water  housing
#   household 1      1          1         1       0
#   household 2      1          0         0       0
#   household 3      0          1         1       0
#   household 4      0          0         0       1
#
# Dimensions: education = {schooling, attendance}, living = {water, housing}.

INDICATORS = ("schooling", "attendance", "water", "housing")
DIMENSION_OF = {"schooling": "education", "attendance": "education", "water": "living", "housing": "living"}
MATRIX = [
    [1, 1, 1, 0],
    [1, 0, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 0, 1],
]


def by_indicator(*values: float) -> dict[str, float]:
    return dict(zip(INDICATORS, values, strict=True))


def test_worked_example_equal_weights() -> None:
    # Equal weights w = 1/4 each, k = 0.5.
    # Scores c = (3/4, 1/4, 2/4, 1/4) = (0.75, 0.25, 0.5, 0.25).
    # Poor iff c >= 0.5: households 1 and 3 (household 3 sits exactly on the cut-off).
    # q = 2, H = 2/4 = 0.5, A = (0.75 + 0.5) / 2 = 0.625, M0 = H * A = 0.3125 = (0.75 + 0.5) / 4.
    # Uncensored headcounts (all 4 households): schooling {1,2} 2/4 = 0.5, attendance {1,3} 0.5,
    #   water {1,3} 0.5, housing {4} 0.25.
    # Censored headcounts (poor = {1,3}): schooling {1} 0.25, attendance {1,3} 0.5, water {1,3} 0.5,
    #   housing {} 0.
    # Contributions w_j * h_j / M0: schooling 0.25 * 0.25 / 0.3125 = 0.2, attendance 0.25 * 0.5 /
    #   0.3125 = 0.4, water 0.4, housing 0 -> sum 1.
    # Dimension contributions: education 0.2 + 0.4 = 0.6, living 0.4 + 0 = 0.4.
    r = alkire_foster(MATRIX, INDICATORS, k=0.5, dimension_of=DIMENSION_OF)
    assert (r.n, r.q, r.k) == (4, 2, 0.5)
    assert ham(r) == approx({"H": 0.5, "A": 0.625, "M0": 0.3125})
    assert r.uncensored_headcount == approx(by_indicator(0.5, 0.5, 0.5, 0.25))
    assert r.censored_headcount == approx(by_indicator(0.25, 0.5, 0.5, 0.0))
    assert r.contribution == approx(by_indicator(0.2, 0.4, 0.4, 0.0))
    assert r.dimension_contribution == approx({"education": 0.6, "living": 0.4})
    assert list(r.contribution) == list(INDICATORS)


def test_worked_example_unequal_weights() -> None:
    # Raw weights (4, 3, 2, 1) normalise to w = (0.4, 0.3, 0.2, 0.1); k = 0.4.
    # Scores: h1 0.4 + 0.3 + 0.2 = 0.9, h2 0.4, h3 0.3 + 0.2 = 0.5, h4 0.1.
    # Poor iff c >= 0.4: households 1, 2, 3 (household 2 exactly on the cut-off; with equal weights
    #   its score would be 0.25 and it would not be poor).
    # q = 3, H = 0.75, A = (0.9 + 0.4 + 0.5) / 3 = 0.6, M0 = 0.45 = 1.8 / 4.
    # Uncensored headcounts do not depend on weights: (0.5, 0.5, 0.5, 0.25).
    # Censored (poor = {1,2,3}): schooling {1,2} 0.5, attendance {1,3} 0.5, water {1,3} 0.5, housing 0.
    # Contributions: 0.4 * 0.5 / 0.45 = 4/9, 0.3 * 0.5 / 0.45 = 3/9, 0.2 * 0.5 / 0.45 = 2/9, 0.
    # Dimensions: education 7/9, living 2/9.
    r = alkire_foster(MATRIX, INDICATORS, k=0.4, weights=[4, 3, 2, 1], dimension_of=DIMENSION_OF)
    assert (r.n, r.q) == (4, 3)
    assert ham(r) == approx({"H": 0.75, "A": 0.6, "M0": 0.45})
    assert r.uncensored_headcount == approx(by_indicator(0.5, 0.5, 0.5, 0.25))
    assert r.censored_headcount == approx(by_indicator(0.5, 0.5, 0.5, 0.0))
    assert r.contribution == approx(by_indicator(4 / 9, 3 / 9, 2 / 9, 0.0))
    assert r.dimension_contribution == approx({"education": 7 / 9, "living": 2 / 9})


def test_bool_matrix_gives_same_result_and_to_dict_is_json_ready() -> None:
    as_int = alkire_foster(MATRIX, INDICATORS, k=0.5, dimension_of=DIMENSION_OF)
    as_bool = alkire_foster(np.array(MATRIX, dtype=bool), INDICATORS, k=0.5, dimension_of=DIMENSION_OF)
    assert as_bool == as_int
    data = as_int.to_dict()
    assert list(data) == [
        "n",
        "q",
        "k",
        "H",
        "A",
        "M0",
        "uncensored_headcount",
        "censored_headcount",
        "contribution",
        "dimension_contribution",
    ]
    assert json.loads(json.dumps(data)) == data
    assert all(type(v) is float for v in as_int.contribution.values())  # not numpy scalars


def test_no_dimension_map_gives_empty_dimension_contribution() -> None:
    assert alkire_foster(MATRIX, INDICATORS, k=0.5).dimension_contribution == {}


# ---------------------------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------------------------

# Vietnam's 12 indicators in 6 dimensions (2021–2025 standard), two indicators per dimension.
VN_DIMENSION_OF = {
    "employment": "employment",
    "dependants": "employment",
    "nutrition": "health",
    "health_insurance": "health",
    "adult_education": "education",
    "child_schooling": "education",
    "housing_quality": "housing",
    "floor_area": "housing",
    "drinking_water": "water_sanitation",
    "latrine": "water_sanitation",
    "telecoms": "information",
    "information_assets": "information",
}
VN_INDICATORS = tuple(VN_DIMENSION_OF)


@pytest.mark.parametrize(
    ("indicators", "dimension_of", "expected"),
    [
        (VN_INDICATORS, VN_DIMENSION_OF, (1 / 12,) * 12),
        (("x", "y", "z"), {"x": "a", "y": "a", "z": "b"}, (1 / 4, 1 / 4, 1 / 2)),
        (("z", "x", "y"), {"x": "a", "y": "a", "z": "b"}, (1 / 2, 1 / 4, 1 / 4)),
        (("p", "q", "r", "s"), {"p": "a", "q": "b", "r": "b", "s": "b"}, (1 / 2, 1 / 6, 1 / 6, 1 / 6)),
        (("only",), {"only": "a"}, (1.0,)),
    ],
)
def test_nested_weights(
    indicators: Sequence[str], dimension_of: Mapping[str, str], expected: tuple[float, ...]
) -> None:
    weights = nested_weights(indicators, dimension_of)
    assert weights == approx(expected)
    assert math.fsum(weights) == approx(1.0)


def test_equal_weights() -> None:
    assert equal_weights(("a", "b", "c", "d")) == approx((0.25,) * 4)
    assert equal_weights(VN_INDICATORS) == approx(nested_weights(VN_INDICATORS, VN_DIMENSION_OF))


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([4, 3, 2, 1], (0.4, 0.3, 0.2, 0.1)),
        ([1.0, 1.0], (0.5, 0.5)),
        ([0, 2], (0.0, 1.0)),
        ((0.25, 0.75), (0.25, 0.75)),
    ],
)
def test_normalise_weights(weights: Sequence[float], expected: tuple[float, ...]) -> None:
    assert normalise_weights(weights) == approx(expected)


@pytest.mark.parametrize(
    ("weights", "expected", "match"),
    [
        ([1, -1, 2], None, "non-negative"),
        ([0, 0], None, "sum to zero"),
        ([], None, "sum to zero"),
        ([1, float("nan")], None, "finite"),
        ([1, 2], 3, "expected 3 weight"),
    ],
)
def test_normalise_weights_rejects(weights: Sequence[float], expected: int | None, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        normalise_weights(weights, expected=expected)


def test_weight_helpers_reject_bad_indicators() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        equal_weights(["a", "a"])
    with pytest.raises(ValueError, match="at least one"):
        equal_weights([])
    with pytest.raises(ValueError, match="no dimension"):
        nested_weights(["a", "b"], {"a": "x"})


# ---------------------------------------------------------------------------------------------
# Identification boundary
# ---------------------------------------------------------------------------------------------


def _rows_with(d: int, m: int) -> npt.NDArray[np.int_]:
    """Every 0/1 row of length d with exactly m deprivations."""
    rows = np.zeros((math.comb(d, m), d), dtype=int)
    for i, cols in enumerate(itertools.combinations(range(d), m)):
        rows[i, list(cols)] = 1
    return rows


def test_vietnam_rule_three_of_twelve_is_poor_two_is_not() -> None:
    # Every household deprived in exactly 3 of the 12 (220 of them) is poor at k = 3/12;
    # every household deprived in exactly 2 (66) is not.
    three, two = _rows_with(12, 3), _rows_with(12, 2)
    r = alkire_foster(np.vstack([three, two]), VN_INDICATORS, k=3 / 12)
    assert (r.n, r.q, r.A) == approx((220 + 66, 220, 0.25))
    assert alkire_foster(three, VN_INDICATORS, k=3 / 12).H == 1.0
    assert alkire_foster(two, VN_INDICATORS, k=3 / 12).q == 0
    nested = nested_weights(VN_INDICATORS, VN_DIMENSION_OF)
    assert alkire_foster(three, VN_INDICATORS, k=0.25, weights=nested).q == 220


@pytest.mark.parametrize(
    ("d", "m", "k"),
    [
        # Cases where the float sum of m equal weights 1/d falls just below m/d
        # (e.g. six times 1/12 sums to 0.49999999999999994): the tolerance must still count them.
        (12, 6, 0.5),
        (12, 7, 7 / 12),
        (10, 10, 1.0),
        (14, 7, 0.5),
    ],
)
def test_tolerance_counts_scores_a_rounding_error_below_k(d: int, m: int, k: float) -> None:
    names = [f"i{j}" for j in range(d)]
    r = alkire_foster(np.vstack([_rows_with(d, m), _rows_with(d, m - 1)]), names, k=k)
    assert r.q == math.comb(d, m)


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------

RNG_CASES = [(0, 50, 12, 0.25), (1, 200, 5, 0.4), (2, 7, 3, 1.0), (3, 30, 8, 0.1)]  # seed, n, d, k


@pytest.mark.parametrize(("seed", "n", "d", "k"), RNG_CASES)
def test_contributions_sum_to_one_and_m0_is_h_times_a(seed: int, n: int, d: int, k: float) -> None:
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 2, size=(n, d))
    names = [f"i{j}" for j in range(d)]
    dims = {name: f"dim{j % 3}" for j, name in enumerate(names)}
    weights = rng.uniform(0.1, 2.0, size=d).tolist()
    r = alkire_foster(matrix, names, k=k, weights=weights, dimension_of=dims)
    assert r.M0 > 0
    assert_m0_is_h_times_a(r)
    assert math.fsum(r.contribution.values()) == approx(1.0)
    assert math.fsum(r.dimension_contribution.values()) == approx(1.0)
    assert set(r.dimension_contribution) == set(dims.values())


def test_nobody_poor_gives_zero_contributions() -> None:
    r = alkire_foster([[0, 0], [1, 0]], ["a", "b"], k=1.0, dimension_of={"a": "x", "b": "y"})
    assert (r.q, r.H, r.A, r.M0) == (0, 0.0, 0.0, 0.0)
    assert r.contribution == {"a": 0.0, "b": 0.0}
    assert r.dimension_contribution == {"x": 0.0, "y": 0.0}
    assert r.uncensored_headcount == approx({"a": 0.5, "b": 0.0})


@pytest.mark.parametrize("k", [1e-12, 1e-300, 0.2])
def test_unit_without_weighted_deprivation_is_never_poor(k: float) -> None:
    # "c" has weight 0, so row 3 (deprived only in c) scores 0 like row 1; neither is poor,
    # however small k is. Rows 2 and 4 score 0.5 and 1.0.
    r = alkire_foster([[0, 0, 0], [1, 0, 0], [0, 0, 1], [1, 1, 1]], ["a", "b", "c"], k=k, weights=[1, 1, 0])
    assert r.q == 2
    assert ham(r) == approx({"H": 0.5, "A": 0.75, "M0": 0.375})
    assert r.contribution == approx({"a": 2 / 3, "b": 1 / 3, "c": 0.0})


@pytest.mark.parametrize("empty", [[], np.zeros((0, 3)), np.zeros((0, 3), dtype=bool)])
def test_empty_matrix_returns_zeros(empty: npt.ArrayLike) -> None:
    r = alkire_foster(empty, ["a", "b", "c"], k=0.5)
    assert (r.n, r.q, r.H, r.A, r.M0) == (0, 0, 0.0, 0.0, 0.0)
    assert r.uncensored_headcount == r.censored_headcount == r.contribution == {"a": 0.0, "b": 0.0, "c": 0.0}
    d = decompose(empty, [], ["a", "b", "c"], k=0.5)
    assert d.groups == ()
    assert d.overall == r


# ---------------------------------------------------------------------------------------------
# Decomposition
# ---------------------------------------------------------------------------------------------


def test_decomposition_worked_example() -> None:
    # Groups: households 1, 2 in "north"; 3, 4 in "south"; equal weights, k = 0.5.
    # north: scores (0.75, 0.25) -> poor {1}: H = 0.5, A = 0.75, M0 = 0.375.
    # south: scores (0.5, 0.25)  -> poor {3}: H = 0.5, A = 0.5,  M0 = 0.25.
    # Overall M0 = 0.3125 = 0.5 * 0.375 + 0.5 * 0.25.
    # Contributions: north 0.5 * 0.375 / 0.3125 = 0.6, south 0.5 * 0.25 / 0.3125 = 0.4.
    d = decompose(MATRIX, ["north", "north", "south", "south"], INDICATORS, k=0.5)
    assert [g.group for g in d.groups] == ["north", "south"]
    north, south = d.groups
    assert (north.n, north.population_share, north.result.q) == (2, 0.5, 1)
    assert ham(d.overall) == approx({"H": 0.5, "A": 0.625, "M0": 0.3125})
    assert ham(north.result) == approx({"H": 0.5, "A": 0.75, "M0": 0.375})
    assert ham(south.result) == approx({"H": 0.5, "A": 0.5, "M0": 0.25})
    assert (north.contribution, south.contribution) == approx((0.6, 0.4))
    assert json.loads(json.dumps(d.to_dict()))["groups"][0]["group"] == "north"


def test_decomposition_identity_and_sorting() -> None:
    rng = np.random.default_rng(7)
    n, d = 400, 6
    matrix = rng.integers(0, 2, size=(n, d))
    groups = rng.choice(["b", "a", "c", "d", "e"], size=n).tolist()
    groups[:3] = ["z", "z", "y"]  # tiny groups, likely with extreme M0
    names = [f"i{j}" for j in range(d)]
    dec = decompose(matrix, groups, names, k=0.5)
    assert dec.overall == alkire_foster(matrix, names, k=0.5)
    assert sum(g.n for g in dec.groups) == n
    assert sorted(g.group for g in dec.groups) == ["a", "b", "c", "d", "e", "y", "z"]
    assert math.fsum(g.population_share * g.result.M0 for g in dec.groups) == approx(dec.overall.M0)
    assert math.fsum(g.contribution for g in dec.groups) == approx(1.0)
    keys = [(-g.result.M0, g.group) for g in dec.groups]
    assert keys == sorted(keys)
    for g in dec.groups:  # each group's result is AF on its own rows
        rows = [i for i, label in enumerate(groups) if label == g.group]
        assert g.result == alkire_foster(matrix[rows], names, k=0.5)


def test_decomposition_ties_sorted_by_group_name() -> None:
    dec = decompose([[1, 1], [1, 1], [0, 0]], ["beta", "alpha", "gamma"], ["a", "b"], k=0.5)
    assert [g.group for g in dec.groups] == ["alpha", "beta", "gamma"]
    assert [g.contribution for g in dec.groups] == approx([0.5, 0.5, 0.0])


# ---------------------------------------------------------------------------------------------
# Property test against a naive reference implementation
# ---------------------------------------------------------------------------------------------


def _reference(matrix: list[list[int]], weights: list[float], k: float) -> tuple[int, float]:
    """Loop-based q and M0, straight from the definitions."""
    total = math.fsum(weights)
    w = [x / total for x in weights]
    scores = [math.fsum(wj * xij for wj, xij in zip(w, row, strict=True)) for row in matrix]
    poor = [c for c in scores if c >= k - 1e-9 and c > 0]
    return len(poor), (math.fsum(poor) / len(matrix) if matrix else 0.0)


@st.composite
def af_inputs(draw: st.DrawFn) -> tuple[list[list[int]], list[float], float, list[str]]:
    n = draw(st.integers(0, 60))
    d = draw(st.integers(1, 8))
    matrix = draw(st.lists(st.lists(st.integers(0, 1), min_size=d, max_size=d), min_size=n, max_size=n))
    weights = draw(st.lists(st.floats(0.01, 100.0), min_size=d, max_size=d))
    k = draw(st.floats(0.0, 1.0, exclude_min=True))
    groups = draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n))
    return matrix, weights, k, groups


@settings(max_examples=300, deadline=None)
@given(af_inputs())
def test_properties(inputs: tuple[list[list[int]], list[float], float, list[str]]) -> None:
    matrix, weights, k, groups = inputs
    d = len(weights)
    names = [f"i{j}" for j in range(d)]
    dims = {name: f"dim{j % 2}" for j, name in enumerate(names)}
    arr = np.array(matrix, dtype=int).reshape(len(matrix), d)
    r: AFResult = alkire_foster(arr, names, k=k, weights=weights, dimension_of=dims)

    assert r.n == len(matrix)
    assert_m0_is_h_times_a(r)
    assert 0.0 <= r.M0 <= r.H + EXACT <= 1.0 + 2 * EXACT
    assert 0.0 <= r.A <= 1.0 + EXACT
    for name in names:
        assert 0.0 <= r.censored_headcount[name] <= r.uncensored_headcount[name] <= 1.0
    if r.M0 > 0:
        assert math.fsum(r.contribution.values()) == approx(1.0)
        assert math.fsum(r.dimension_contribution.values()) == approx(1.0)
        assert min(r.A, k - 1e-9) == k - 1e-9  # A >= k: every poor unit scores at least k
    else:
        assert set(r.contribution.values()) <= {0.0}

    q, m0 = _reference(matrix, weights, k)
    assert (r.q, r.M0) == approx((q, m0))

    dec = decompose(arr, groups, names, k=k, weights=weights, dimension_of=dims)
    assert dec.overall == r
    assert math.fsum(g.population_share * g.result.M0 for g in dec.groups) == approx(r.M0)
    assert sum(g.result.q for g in dec.groups) == r.q
    if r.M0 > 0:
        assert math.fsum(g.contribution for g in dec.groups) == approx(1.0)
    keys = [(-g.result.M0, g.group) for g in dec.groups]
    assert keys == sorted(keys)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

GOOD = [[0, 1, 0], [1, 1, 0], [0, 0, 1]]
ABC = ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, r"0 < k <= 1"),
        ({"k": 1.0000001}, r"0 < k <= 1"),
        ({"k": 1.5}, r"0 < k <= 1"),
        ({"k": -0.25}, r"0 < k <= 1"),
        ({"k": float("nan")}, r"0 < k <= 1"),
        ({"matrix": [[0, 1, 0], [1, 1, 0], [0, 2, 1]]}, r"row 3, column 2 \(indicator 'b'\) is 2"),
        ({"matrix": [[0, 1, -1], [1, 5, 0]]}, r"row 1, column 3 .* is -1"),
        ({"matrix": [[0, 1, 0.5]]}, r"row 1, column 3 .* is 0\.5"),
        ({"matrix": [[0, 1, float("nan")]]}, r"row 1, column 3"),
        ({"matrix": [["0", "1", "0"]]}, r"0/1"),
        ({"matrix": [0, 1, 0]}, r"2-dimensional"),
        ({"matrix": np.zeros((0, 2))}, r"2 column\(s\) but 3 indicator"),
        ({"indicators": ["a", "b"]}, r"3 column\(s\) but 2 indicator"),
        ({"indicators": ["a", "b", "c", "d"]}, r"3 column\(s\) but 4 indicator"),
        ({"indicators": ["a", "b", "a"]}, r"duplicate indicator name 'a'"),
        ({"indicators": []}, r"at least one indicator"),
        ({"weights": [1, -0.5, 1]}, r"non-negative; weight 2 is -0\.5"),
        ({"weights": [0, 0, 0]}, r"sum to zero"),
        ({"weights": [1, 1]}, r"expected 3 weight"),
        ({"dimension_of": {"a": "x", "b": "x"}}, r"no dimension given for indicator\(s\): 'c'"),
    ],
)
def test_alkire_foster_rejects(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"matrix": GOOD, "indicators": ABC, "k": 0.5} | kwargs
    with pytest.raises(ValueError, match=match):
        alkire_foster(**args)
    with pytest.raises(ValueError, match=match):
        decompose(groups=["g"] * 3, **args)


def test_decompose_rejects_wrong_number_of_groups() -> None:
    with pytest.raises(ValueError, match=r"2 group label\(s\) for 3 unit\(s\)"):
        decompose(GOOD, ["a", "b"], ABC, k=0.5)
