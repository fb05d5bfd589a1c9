"""The vectorised bulk path gives exactly the results of ``classify_flags`` (property test) and validates
its input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.poverty.bulk import (
    CATEGORIES,
    MIDDLE,
    NEAR_POOR,
    NOT_POOR,
    POOR,
    RURAL,
    UNDETERMINED,
    URBAN,
    area_codes,
    classify_bulk,
)
from giamngheo.poverty.classify import Category, classify_flags
from giamngheo.poverty.standard import StandardError, all_standards, get_standard

STANDARDS = all_standards()
ALL_KEYS: tuple[str, ...] = tuple(sorted({k for s in STANDARDS for k in s.indicator_keys}))
AREAS = ("rural", "urban")


def _boundaries() -> list[int]:
    values = {0}
    for s in STANDARDS:
        for area in AREAS:
            for amount in (s.line(area), s.middle_limit(area)):
                if amount is not None:
                    values.update({amount - 1, amount, amount + 1})
    return sorted(values)


BOUNDARIES = _boundaries()

incomes = st.one_of(st.sampled_from(BOUNDARIES), st.integers(min_value=0, max_value=10_000_000))
households = st.tuples(
    st.sampled_from(AREAS),
    incomes,
    st.frozensets(st.sampled_from(ALL_KEYS)),
)


def test_the_property_test_covers_the_union_of_the_standards() -> None:
    assert len(STANDARDS) == 3
    assert "information_devices" in ALL_KEYS and "waste" in ALL_KEYS
    assert len(ALL_KEYS) == 13
    assert {1_500_000, 1_500_001, 1_499_999, 2_250_001, 2_800_000, 3_750_001, 0} <= set(BOUNDARIES)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(households, max_size=40))
def test_bulk_equals_classify_flags(batch: list[tuple[str, int, frozenset[str]]]) -> None:
    area = area_codes([a for a, _, _ in batch])
    income = np.array([i for _, i, _ in batch], dtype=np.int64)
    matrix = np.array(
        [[1 if key in deprived else 0 for key in ALL_KEYS] for _, _, deprived in batch], dtype=np.uint8
    ).reshape(len(batch), len(ALL_KEYS))
    for standard in STANDARDS:
        bulk = classify_bulk(
            area=area, income=income, deprivations=matrix, indicators=ALL_KEYS, standard=standard
        )
        expected = [classify_flags(a, i, d, standard) for a, i, d in batch]
        assert bulk.categories() == [r.category for r in expected]
        assert bulk.deprivation_count.tolist() == [r.deprivation_count for r in expected]
        assert bulk.income_line.tolist() == [r.income_line for r in expected]
        assert sum(bulk.counts().values()) == len(batch)


maybe_incomes = st.one_of(st.none(), incomes)
households_with_unknowns = st.tuples(
    st.sampled_from(AREAS),
    maybe_incomes,
    st.frozensets(st.sampled_from(ALL_KEYS)),
    st.frozensets(st.sampled_from(ALL_KEYS)),
)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(households_with_unknowns, max_size=40))
def test_bulk_equals_classify_flags_with_unknowns(
    batch: list[tuple[str, int | None, frozenset[str], frozenset[str]]],
) -> None:
    """Unknown indicators and unknown incomes: the same category or the same "not determined"."""
    area = area_codes([a for a, _, _, _ in batch])
    income = np.array([-1 if i is None else i for _, i, _, _ in batch], dtype=np.int64)
    known = np.array([i is not None for _, i, _, _ in batch], dtype=np.bool_)

    def flags(index: int) -> np.ndarray:  # type: ignore[type-arg]
        return np.array(
            [[1 if key in row[index] else 0 for key in ALL_KEYS] for row in batch], dtype=np.uint8
        ).reshape(len(batch), len(ALL_KEYS))

    for standard in STANDARDS:
        bulk = classify_bulk(
            area=area,
            income=income,
            deprivations=flags(2),
            indicators=ALL_KEYS,
            standard=standard,
            unknown=flags(3),
            income_known=known,
        )
        expected = [classify_flags(a, i, d, standard, u) for a, i, d, u in batch]
        assert bulk.categories() == [r.category for r in expected]
        assert bulk.determined.tolist() == [r.determined for r in expected]
        assert bulk.deprivation_count.tolist() == [r.deprivation_count for r in expected]
        assert bulk.unknown_count.tolist() == [len(r.unknown) for r in expected]
        assert sum(bulk.counts().values()) + bulk.undetermined == len(batch)


def test_unknown_matrix_must_match() -> None:
    with pytest.raises(StandardError, match="unknown must be"):
        run(area=[RURAL], income=[1], deprivations=[[0, 0, 0]], unknown=[[0, 0]])
    with pytest.raises(StandardError, match="income_known"):
        run(area=[RURAL], income=[1], deprivations=[[0, 0, 0]], income_known=[True, False])


def test_an_unknown_income_is_not_checked() -> None:
    result = run(
        area=[RURAL, RURAL], income=[-1, 5], deprivations=[[0, 0, 0], [0, 0, 0]], income_known=[0, 1]
    )
    assert result.categories() == [None, Category.NEAR_POOR]
    assert result.undetermined == 1 and result.category.tolist() == [UNDETERMINED, NEAR_POOR]


# ---------------------------------------------------------------------------------------------
# Unit tests
# ---------------------------------------------------------------------------------------------

ND07 = get_standard("ND07-2021")
ND351 = get_standard("ND351-2025")


def run(standard: Any = ND07, **kw: Any) -> Any:
    kw.setdefault("indicators", ("employment", "water", "sanitation"))
    return classify_bulk(standard=standard, **kw)


def test_category_codes() -> None:
    assert CATEGORIES[POOR] is Category.POOR
    assert CATEGORIES[NEAR_POOR] is Category.NEAR_POOR
    assert CATEGORIES[MIDDLE] is Category.MIDDLE
    assert CATEGORIES[NOT_POOR] is Category.NOT_POOR
    assert (RURAL, URBAN) == (0, 1)


def test_a_small_table() -> None:
    result = run(
        area=[RURAL, RURAL, RURAL, URBAN, URBAN],
        income=[1_500_000, 1_500_000, 1_500_001, 2_000_000, 3_000_001],
        deprivations=[[1, 1, 1], [1, 1, 0], [1, 1, 1], [0, 0, 0], [1, 1, 1]],
    )
    assert result.categories() == [
        Category.POOR,
        Category.NEAR_POOR,
        Category.MIDDLE,
        Category.NEAR_POOR,
        Category.NOT_POOR,
    ]
    assert result.deprivation_count.tolist() == [3, 2, 3, 0, 3]
    assert result.income_line.tolist() == [1_500_000, 1_500_000, 1_500_000, 2_000_000, 2_000_000]
    assert result.counts() == {
        Category.POOR: 1,
        Category.NEAR_POOR: 2,
        Category.MIDDLE: 1,
        Category.NOT_POOR: 1,
    }
    assert result.standard is ND07


def test_columns_the_standard_does_not_use_are_ignored() -> None:
    result = run(
        standard=ND351,
        area=[RURAL],
        income=[2_200_000],
        deprivations=[[1, 1, 1, 0]],
        indicators=("information_devices", "water", "sanitation", "waste"),
    )
    assert result.categories() == [Category.NEAR_POOR]
    assert result.deprivation_count.tolist() == [2]


def test_no_used_column_means_no_deprivation() -> None:
    result = run(area=[RURAL], income=[0], deprivations=[[1, 1]], indicators=("waste", "bogus"))
    assert result.deprivation_count.tolist() == [0]
    assert result.categories() == [Category.NEAR_POOR]


def test_empty_input() -> None:
    result = run(
        area=np.array([], dtype=np.int8),
        income=np.array([], dtype=np.int64),
        deprivations=np.zeros((0, 3), dtype=np.uint8),
    )
    assert result.categories() == []
    assert result.category.shape == (0,)
    assert result.counts() == dict.fromkeys(CATEGORIES, 0)


def test_empty_python_lists() -> None:
    result = run(area=[], income=[], deprivations=np.zeros((0, 3), dtype=np.uint8))
    assert result.counts() == dict.fromkeys(CATEGORIES, 0)


@pytest.mark.parametrize(
    "kw",
    [
        pytest.param({"deprivations": [[1, 1, 1]]}, id="fewer-rows-than-incomes"),
        pytest.param({"deprivations": [[1, 1], [1, 1]]}, id="fewer-columns-than-indicators"),
        pytest.param({"deprivations": [1, 1]}, id="one-dimensional"),
        pytest.param({"deprivations": [[[1, 1, 1]], [[1, 1, 1]]]}, id="three-dimensional"),
        pytest.param({"area": [RURAL]}, id="area-shorter-than-income"),
    ],
)
def test_shape_mismatch_raises(kw: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        "area": [RURAL, URBAN],
        "income": [1, 2],
        "deprivations": [[0, 0, 0], [1, 1, 1]],
    }
    args.update(kw)
    with pytest.raises(StandardError):
        run(**args)


def test_negative_income_raises() -> None:
    with pytest.raises(StandardError, match="income cannot be negative"):
        run(area=[RURAL, URBAN], income=[1_000_000, -1], deprivations=[[0, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize(
    "income",
    [
        pytest.param([1_500_000.0, 1.0], id="float-list"),
        pytest.param(np.array([1_500_000, 1], dtype=np.float64), id="float64-array"),
        pytest.param([1_499_999.5, 1.0], id="fraction"),
        pytest.param([True, False], id="bool"),
        pytest.param(["1500000", "1"], id="strings"),
    ],
)
def test_non_integer_incomes_raise(income: Any) -> None:
    with pytest.raises(StandardError, match="income must be whole numbers of VND"):
        run(area=[RURAL, URBAN], income=income, deprivations=[[0, 0, 0], [0, 0, 0]])


def test_unsigned_incomes_are_accepted() -> None:
    result = run(area=[RURAL], income=np.array([1_500_000], dtype=np.uint32), deprivations=[[1, 1, 1]])
    assert result.categories() == [Category.POOR]


@pytest.mark.parametrize("code", [2, -1])
def test_unknown_area_code_raises(code: int) -> None:
    with pytest.raises(StandardError):
        run(area=[code], income=[1_800_000], deprivations=[[0, 0, 0]])


@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_counts_sum_to_n(n: int) -> None:
    rng = np.random.default_rng(n)
    result = run(
        area=rng.integers(0, 2, size=n),
        income=rng.integers(0, 5_000_000, size=n),
        deprivations=rng.integers(0, 2, size=(n, 3)),
    )
    counts = result.counts()
    assert list(counts) == list(CATEGORIES)
    assert sum(counts.values()) == n
    assert all(isinstance(v, int) for v in counts.values())


def test_area_codes() -> None:
    assert area_codes(["rural", "urban", "rural"]).tolist() == [RURAL, URBAN, RURAL]
    assert area_codes([]).tolist() == []


@pytest.mark.parametrize(
    ("areas", "row", "bad"),
    [
        (["rural", "city"], 2, "city"),
        (["city"], 1, "city"),
        (["rural", "urban", "Urban"], 3, "Urban"),
        (["", "rural"], 1, ""),
    ],
)
def test_area_codes_reject_unknown_areas(areas: list[str], row: int, bad: str) -> None:
    with pytest.raises(StandardError, match=f"row {row}: area must be 'rural' or 'urban', not {bad!r}"):
        area_codes(areas)
