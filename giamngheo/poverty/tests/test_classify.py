"""Classification of one household: boundaries, ignored keys, errors, reasons and scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from giamngheo.poverty.classify import (
    Category,
    categorise,
    classify,
    classify_all,
    classify_flags,
)
from giamngheo.poverty.facts import Education, Employment, HouseholdFacts, MemberFacts
from giamngheo.poverty.standard import StandardError, get_standard, standard_for

ND07, ND351, DN = "ND07-2021", "ND351-2025", "DN-QD32-2022"
POOR, NEAR, MIDDLE, NOT = Category.POOR, Category.NEAR_POOR, Category.MIDDLE, Category.NOT_POOR

THREE = ("employment", "dependants", "nutrition")
TWO = ("water", "sanitation")
ALL_ND07 = get_standard(ND07).indicator_keys

# (how the standard is chosen, area, income, deprived keys, expected category)
BOUNDARIES = [
    # ND07-2021 through 2026: rural 1,500,000 / 2,250,000; urban 2,000,000 / 3,000,000.
    ("2026", "rural", 1_500_000, THREE, POOR),
    ("2026", "rural", 1_500_000, TWO, NEAR),
    ("2026", "rural", 1_500_000, (), NEAR),
    ("2026", "rural", 1_500_000, ALL_ND07, POOR),
    ("2026", "rural", 0, THREE, POOR),
    ("2026", "rural", 0, (), NEAR),
    ("2026", "rural", 1_500_001, THREE, MIDDLE),
    ("2026", "rural", 1_500_001, (), MIDDLE),
    ("2026", "rural", 2_250_000, ALL_ND07, MIDDLE),
    ("2026", "rural", 2_250_001, ALL_ND07, NOT),
    ("2026", "urban", 2_000_000, THREE, POOR),
    ("2026", "urban", 2_000_000, TWO, NEAR),
    ("2026", "urban", 1_500_001, TWO, NEAR),  # rural line does not apply in town
    ("2026", "urban", 2_000_001, THREE, MIDDLE),
    ("2026", "urban", 3_000_000, (), MIDDLE),
    ("2026", "urban", 3_000_001, (), NOT),
    ("2022", "rural", 1_500_000, THREE, POOR),
    # ND351-2025 from 2027: rural 2,200,000; urban 2,800,000; no middle band.
    ("2027", "rural", 2_200_000, THREE, POOR),
    ("2027", "rural", 2_200_000, TWO, NEAR),
    ("2027", "rural", 2_200_001, THREE, NOT),
    ("2027", "rural", 1_500_001, THREE, POOR),  # was middle under ND07
    ("2027", "urban", 2_800_000, THREE, POOR),
    ("2027", "urban", 2_800_000, TWO, NEAR),
    ("2027", "urban", 2_800_001, THREE, NOT),
    ("2030", "urban", 2_800_001, (), NOT),
    # DN-QD32-2022 (province 75): rural 2,000,000 / 3,000,000; urban 2,500,000 / 3,750,000.
    ("2024/75", "rural", 2_000_000, THREE, POOR),
    ("2024/75", "rural", 2_000_000, TWO, NEAR),
    ("2024/75", "rural", 2_000_001, THREE, MIDDLE),
    ("2024/75", "rural", 3_000_000, (), MIDDLE),
    ("2024/75", "rural", 3_000_001, (), NOT),
    ("2024/75", "urban", 2_500_000, THREE, POOR),
    ("2024/75", "urban", 2_500_000, (), NEAR),
    ("2024/75", "urban", 2_500_001, THREE, MIDDLE),
    ("2024/75", "urban", 3_750_000, (), MIDDLE),
    ("2024/75", "urban", 3_750_001, (), NOT),
]


def pick(which: str) -> Any:
    year, _, province = which.partition("/")
    return standard_for(int(year), province=province or None)


@pytest.mark.parametrize(
    ("which", "area", "income", "deprived", "expected"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}-{row[2]:_}-{len(row[3])}dep-{row[4]}") for row in BOUNDARIES],
)
def test_boundaries(
    which: str, area: str, income: int, deprived: tuple[str, ...], expected: Category
) -> None:
    standard = pick(which)
    result = classify_flags(area, income, set(deprived), standard)
    assert result.category is expected
    assert result.deprivation_count == len(deprived)
    assert result.income_line == standard.line(area)
    assert result.middle_limit == standard.middle_limit(area)
    assert result.income_per_capita == income
    assert result.area == area
    assert result.is_poor is (expected is POOR)
    assert result.unknown == ()


@pytest.mark.parametrize(
    ("which", "code"), [("2026", ND07), ("2027", ND351), ("2024/75", DN)], ids=["2026", "2027", "2024-75"]
)
def test_the_year_picks_the_standard(which: str, code: str) -> None:
    assert pick(which).code == code
    assert classify_flags("rural", 0, (), pick(which)).standard_code == code


@pytest.mark.parametrize(
    ("income", "line", "middle", "count", "cutoff", "expected"),
    [
        (100, 100, 150, 3, 3, POOR),
        (100, 100, 150, 2, 3, NEAR),
        (101, 100, 150, 9, 3, MIDDLE),
        (150, 100, 150, 0, 3, MIDDLE),
        (151, 100, 150, 0, 3, NOT),
        (101, 100, None, 9, 3, NOT),
        (100, 100, None, 1, 1, POOR),
        (100, 100, None, 0, 1, NEAR),
    ],
)
def test_categorise_on_plain_numbers(
    income: int, line: int, middle: int | None, count: int, cutoff: int, expected: Category
) -> None:
    assert categorise(income, line, middle, count, cutoff) is expected


def test_deprived_keys_in_the_standard_order() -> None:
    result = classify_flags("rural", 0, ["telecom", "water", "employment"], get_standard(ND07))
    assert result.deprived == ("employment", "water", "telecom")


@pytest.mark.parametrize(
    ("deprived", "count", "category"),
    [
        pytest.param({"information_devices", "water", "sanitation"}, 2, NEAR, id="information_devices"),
        pytest.param({"bogus", "water", "sanitation"}, 2, NEAR, id="unknown-key"),
        pytest.param({"information_devices", "water", "sanitation", "waste"}, 3, POOR, id="with-waste"),
    ],
)
def test_keys_not_in_the_standard_are_ignored(deprived: set[str], count: int, category: Category) -> None:
    result = classify_flags("rural", 2_200_000, deprived, get_standard(ND351))
    assert result.deprivation_count == count
    assert "information_devices" not in result.deprived
    assert "bogus" not in result.deprived
    assert result.category is category


def test_waste_is_ignored_under_nd07() -> None:
    result = classify_flags("rural", 1_500_000, {"waste", "water", "sanitation"}, get_standard(ND07))
    assert result.deprived == ("water", "sanitation")
    assert result.category is NEAR


@pytest.mark.parametrize(
    "income",
    [
        pytest.param(-1, id="negative"),
        pytest.param(True, id="bool-true"),
        pytest.param(False, id="bool-false"),
        pytest.param(1_500_000.0, id="float"),
        pytest.param(1_499_999.5, id="float-fraction"),
        pytest.param(Decimal("1500000"), id="decimal"),
        pytest.param("1500000", id="string"),
    ],
)
def test_invalid_income_raises(income: Any) -> None:
    with pytest.raises(StandardError, match="income per capita must be a whole, non-negative number"):
        classify_flags("rural", income, (), get_standard(ND07))


@pytest.mark.parametrize("area", ["city", "", "Rural", "nông thôn", "do_thi"])
def test_unknown_area_raises(area: str) -> None:
    with pytest.raises(StandardError, match="unknown area type"):
        classify_flags(area, 1_000_000, (), get_standard(ND07))


# ---------------------------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------------------------


def test_reasons_near_poor_rural_at_the_line() -> None:
    result = classify_flags("rural", 1_500_000, {"sanitation", "health_insurance"}, get_standard(ND07))
    assert result.category is NEAR
    vi = " ".join(result.reasons_vi)
    for fragment in ("Hộ cận nghèo", "1.500.000", "nông thôn", "bảo hiểm y tế", "nhà tiêu hợp vệ sinh"):
        assert fragment in vi
    assert "1,500,000" not in vi
    assert result.reasons_vi[0] == "Hộ cận nghèo theo ND07-2021."
    assert "thiếu hụt 2 chỉ số: bảo hiểm y tế, nhà tiêu hợp vệ sinh" in vi
    en = " ".join(result.reasons_en)
    for fragment in ("Near-poor", "1,500,000", "health insurance", "hygienic latrine", "rural"):
        assert fragment in en
    assert result.reasons_en[0] == "Near-poor household under ND07-2021."
    assert "lacks 2 indicator(s): health insurance, hygienic latrine" in en


def test_reasons_poor_urban() -> None:
    result = classify_flags("urban", 1_999_999, set(THREE), get_standard(ND07))
    vi = " ".join(result.reasons_vi)
    assert result.reasons_vi[0] == "Hộ nghèo theo ND07-2021."
    assert "1.999.999" in vi and "2.000.000" in vi and "thành thị" in vi
    assert "từ 3 chỉ số trở lên là hộ nghèo" in vi
    en = " ".join(result.reasons_en)
    assert result.reasons_en[0] == "Poor household under ND07-2021."
    assert "3 or more make it poor" in en
    assert "1,999,999" in en and "2,000,000" in en


def test_reasons_middle() -> None:
    result = classify_flags("rural", 2_250_000, set(), get_standard(ND07))
    vi = " ".join(result.reasons_vi)
    assert "Hộ có mức sống trung bình" in vi
    assert "trên chuẩn 1.500.000 đ và không quá 2.250.000 đ (nông thôn)" in vi
    en = " ".join(result.reasons_en)
    assert "Middle-living" in en
    assert "above the line of 1,500,000 VND and at most 2,250,000 VND" in en


def test_reasons_not_poor_with_middle_band() -> None:
    result = classify_flags("urban", 3_000_001, set(), get_standard(ND07))
    vi = " ".join(result.reasons_vi)
    assert "trên mức 3.000.000 đ (thành thị)" in vi
    assert "chưa quy định mức sống trung bình" not in vi
    assert "no middle-living band" not in " ".join(result.reasons_en)


def test_nd351_above_the_line_is_not_poor_and_says_there_is_no_middle_band() -> None:
    result = classify_flags("rural", 2_200_001, set(THREE), get_standard(ND351))
    assert result.category is NOT
    assert result.middle_limit is None
    assert "Chuẩn này chưa quy định mức sống trung bình." in result.reasons_vi
    assert "This standard defines no middle-living band." in result.reasons_en
    assert "trên mức 2.200.000 đ (nông thôn)" in " ".join(result.reasons_vi)
    assert "above 2,200,000 VND (rural)" in " ".join(result.reasons_en)


def test_no_deprivation_names_when_none() -> None:
    result = classify_flags("rural", 100, set(), get_standard(ND07))
    assert "thiếu hụt 0 chỉ số (" in " ".join(result.reasons_vi)
    assert "lacks 0 indicator(s) (" in " ".join(result.reasons_en)


# ---------------------------------------------------------------------------------------------
# Whole households: classify(HouseholdFacts, standard)
# ---------------------------------------------------------------------------------------------


def member(age: int, **kw: Any) -> MemberFacts:
    kw.setdefault("disabled", False)
    kw.setdefault("monthly_social_allowance", False)
    return MemberFacts(age=age, **kw)


def household(**kw: Any) -> HouseholdFacts:
    """Every fact known; deprived in nothing unless overridden."""
    values: dict[str, Any] = {
        "area": "rural",
        "income_per_capita": 1_200_000,
        "members": (
            member(
                40,
                sex="M",
                employment=Employment.WAGE_WITH_CONTRACT,
                has_health_insurance=True,
                uses_internet=True,
            ),
            member(38, sex="F", employment=Employment.SELF_EMPLOYED, has_health_insurance=True),
            member(
                10,
                has_health_insurance=True,
                attending_appropriate_level=True,
                stunted=False,
                underweight=False,
            ),
        ),
        "walls_durable": True,
        "columns_durable": True,
        "roof_durable": True,
        "floor_area_m2": Decimal("45.5"),
        "water_source": "piped",
        "latrine": "septic",
        "devices": frozenset({"smartphone"}),
        "waste_handling": "collected",
    }
    values.update(kw)
    return HouseholdFacts(**values)


def test_full_household_example() -> None:
    facts = household(
        members=(
            # Unemployed man of working age -> employment; no health insurance -> health_insurance.
            member(45, sex="M", employment=Employment.UNEMPLOYED, has_health_insurance=False),
            # Woman of 56 is past working age (55): her missing job does not count.
            member(56, sex="F", employment=Employment.UNEMPLOYED, has_health_insurance=True),
            # 20-year-old with only lower secondary, not studying -> adult_education.
            member(
                20,
                sex="M",
                employment=Employment.WAGE_WITH_CONTRACT,
                has_health_insurance=True,
                education=Education.LOWER_SECONDARY,
                in_education=False,
                uses_internet=True,
            ),
            # Child of 4, insured for free (under 6, not counted), attending, healthy.
            member(4, attending_appropriate_level=True, stunted=False, underweight=False),
        ),
        floor_area_m2=Decimal("31.9"),  # 4 members x 8 m² = 32 -> housing_area
        walls_durable=False,
        columns_durable=True,
        roof_durable=True,  # only 1 of 3 non-durable: housing_quality not deprived
        latrine="open_pit",  # sanitation
    )
    result = classify(facts, get_standard(ND07))
    assert result.deprived == (
        "employment",
        "health_insurance",
        "adult_education",
        "housing_area",
        "sanitation",
    )
    assert result.deprivation_count == 5
    assert result.unknown == ()
    assert result.category is POOR
    assert result.score_b == 50
    # The same household with income one đồng above the line is middle-living.
    above = classify(household(**{**facts_kwargs(facts), "income_per_capita": 1_500_001}), get_standard(ND07))
    assert above.category is MIDDLE
    assert above.deprivation_count == 5


def facts_kwargs(facts: HouseholdFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in HouseholdFacts.__dataclass_fields__}


def test_well_off_household() -> None:
    result = classify(household(), get_standard(ND07))
    assert result.deprived == ()
    assert result.unknown == ()
    assert result.category is NEAR  # income 1,200,000 is at or below the line
    assert result.score_b == 0


def test_unknown_indicators_are_listed_and_explained() -> None:
    facts = household(latrine=None, water_source=None, ticked={"water": True})
    result = classify(facts, get_standard(ND07))
    assert result.unknown == ("sanitation",)
    assert result.deprived == ("water",)
    assert any("Chưa đủ thông tin" in r and "nhà tiêu hợp vệ sinh" in r for r in result.reasons_vi)
    assert (
        "Not enough information to decide: hygienic latrine (it does not change the category)."
        in result.reasons_en
    )


def test_several_unknown_indicators_in_standard_order() -> None:
    facts = household(members=(member(30, sex="M"),), devices=None)
    result = classify(facts, get_standard(ND07))
    assert result.unknown == (
        "employment",
        "health_insurance",
        "adult_education",
        "telecom",
        "information_devices",
    )
    assert result.deprivation_count == 0
    assert result.category is None  # 0 deprived, but 5 unknown could reach 3
    en = " ".join(result.reasons_en)
    assert "employment, health insurance, education level of adults" in en


def test_unknown_is_neither_deprived_nor_not_deprived() -> None:
    """Was "unknown counts as not deprived": 2 deprived + 1 unknown could be 3, so the category is open."""
    facts = household(latrine=None, ticked={"employment": True, "water": True})
    result = classify(facts, get_standard(ND07))
    assert result.category is None and not result.determined
    assert result.unknown == ("sanitation",)
    assert result.deprived == ("employment", "water") and result.deprivation_count == 2
    assert result.possible == (POOR, NEAR)
    assert result.reasons_vi[0] == (
        "Chưa đủ thông tin để phân loại theo ND07-2021: thiếu thông tin để xác định 1 chỉ số: "
        "nhà tiêu hợp vệ sinh."
    )
    assert "hộ nghèo, hộ cận nghèo" in result.reasons_vi[-1]
    assert result.reasons_en[0].startswith("Not enough information to classify under ND07-2021: missing")


def test_unknowns_that_cannot_change_the_category_leave_it_determined() -> None:
    nd07 = get_standard(ND07)
    # Already poor: 3 deprived, whatever the unknown ones.
    poor = classify(
        household(latrine=None, ticked={"employment": True, "water": True, "telecom": True}), nd07
    )
    assert poor.category is POOR and poor.determined and poor.unknown == ("sanitation",)
    assert any("không làm thay đổi kết quả" in r for r in poor.reasons_vi)
    # 1 deprived + 1 unknown cannot reach 3: near-poor.
    near = classify(household(latrine=None, ticked={"water": True}), nd07)
    assert near.category is NEAR and near.determined
    # Above the line, the indicators do not matter.
    above = classify(
        household(latrine=None, water_source=None, devices=None, income_per_capita=1_500_001), nd07
    )
    assert above.category is MIDDLE and above.determined and len(above.unknown) == 3


def test_unknown_income_is_not_determined() -> None:
    nd07 = get_standard(ND07)
    result = classify(household(income_per_capita=None), nd07)
    assert result.category is None and not result.determined and result.income_per_capita is None
    assert result.unknown == ()
    assert result.reasons_vi[0] == (
        "Chưa đủ thông tin để phân loại theo ND07-2021: thiếu thu nhập bình quân đầu người."
    )
    assert result.possible == (NEAR, MIDDLE, Category.NOT_POOR)
    both = classify(
        household(income_per_capita=None, latrine=None, ticked={"water": True, "telecom": True}), nd07
    )
    assert both.possible == (POOR, NEAR, MIDDLE, Category.NOT_POOR)
    assert "thiếu thu nhập bình quân đầu người; thông tin để xác định 1 chỉ số" in both.reasons_vi[0]
    three = classify_flags("rural", None, {"water", "telecom", "sanitation"}, nd07)
    assert three.possible == (POOR, MIDDLE, Category.NOT_POOR) and three.category is None


def test_a_household_without_members_is_unknown_on_the_member_indicators() -> None:
    result = classify(household(members=()), get_standard(ND07))
    assert result.unknown == (
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
        "housing_area",
        "telecom",
    )
    assert result.deprived == () and result.category is None


def test_devices_never_asked_are_unknown_not_deprived() -> None:
    result = classify(household(devices=None), get_standard(ND07))
    assert result.unknown == ("information_devices",) and "information_devices" not in result.deprived
    assert result.category is NEAR  # 0 deprived + 1 unknown cannot reach 3
    none_owned = classify(household(devices=frozenset()), get_standard(ND07))
    assert none_owned.deprived == ("information_devices",) and none_owned.unknown == ()


def test_known_household_has_no_unknown_reason() -> None:
    result = classify(household(), get_standard(ND07))
    assert not any("Chưa đủ thông tin" in r for r in result.reasons_vi)
    assert not any("Not enough information" in r for r in result.reasons_en)


# ---------------------------------------------------------------------------------------------
# Score B
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", range(13))
def test_score_b_is_ten_points_per_deprivation_under_nd07(count: int) -> None:
    result = classify_flags("rural", 1_000_000, set(ALL_ND07[:count]), get_standard(ND07))
    assert result.score_b == 10 * count
    assert (result.score_b >= 30) is result.is_poor  # B >= 30 <=> poor, at or below the line


@pytest.mark.parametrize("code", [ND351, DN])
def test_no_score_b_without_scores(code: str) -> None:
    result = classify_flags("rural", 1_000_000, set(THREE), get_standard(code))
    assert result.score_b is None


# ---------------------------------------------------------------------------------------------
# National and provincial standards together
# ---------------------------------------------------------------------------------------------


def test_classify_all_national_and_provincial_can_differ() -> None:
    facts = household(income_per_capita=1_800_000, ticked=dict.fromkeys(THREE, True))
    results = classify_all(facts, {"national": standard_for(2024), "75": standard_for(2024, province="75")})
    assert set(results) == {"national", "75"}
    assert results["national"].standard_code == ND07
    assert results["75"].standard_code == DN
    assert results["national"].category is MIDDLE
    assert results["75"].category is POOR
    assert results["national"].deprived == results["75"].deprived == THREE


def test_classify_all_can_agree() -> None:
    facts = household(income_per_capita=1_000_000)
    results = classify_all(facts, {"n": get_standard(ND07), "p": get_standard(DN)})
    assert results["n"].category is results["p"].category is NEAR


def test_classify_all_empty() -> None:
    assert classify_all(household(), {}) == {}
