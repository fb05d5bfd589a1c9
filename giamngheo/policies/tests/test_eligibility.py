"""Eligibility rules, table-driven, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.policies.eligibility import (
    Household,
    Member,
    Rule,
    WorkingAge,
    count_eligible,
    describe,
    evaluate,
    may_apply,
    months_between,
)

ON = dt.date(2026, 11, 25)
ADULT, CHILD, PUPIL, ELDER = Member(40), Member(4), Member(12, in_education=True), Member(72)

HEALTH_POOR = {"level": "member", "categories": ["poor"]}
HEALTH_NEAR = {
    "level": "member",
    "categories": ["near_poor"],
    "newly_escaped": {"from": ["poor"], "months": 24},
}
LOAN = {
    "level": "household",
    "categories": ["poor", "near_poor"],
    "newly_escaped": {"from": ["poor", "near_poor"], "months": 36},
}
STUDY = {"level": "member", "categories": ["poor"], "age": [3, 18], "in_education": True}
PENSION = {"level": "member", "categories": ["poor", "near_poor"], "age": [70, 74]}
HOUSING_EM = {"level": "household", "categories": ["poor"], "difficult_area": True}
DISABLED_EM = {
    "level": "member",
    "categories": ["poor", "near_poor"],
    "disabled": True,
    "ethnic_minority": True,
}


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2024, 1, 15), dt.date(2024, 1, 31), 0),
        (dt.date(2024, 1, 15), dt.date(2024, 2, 14), 0),
        (dt.date(2024, 1, 15), dt.date(2024, 2, 15), 1),
        (dt.date(2023, 11, 25), dt.date(2026, 11, 24), 35),
        (dt.date(2023, 11, 25), dt.date(2026, 11, 25), 36),
    ],
)
def test_months_between(start, end, months) -> None:
    assert months_between(start, end) == months


CASES = [
    # rule, household, eligible, eligible members
    (HEALTH_POOR, Household("poor", (ADULT, CHILD)), True, [0, 1]),
    (HEALTH_POOR, Household("near_poor", (ADULT,)), False, []),
    (HEALTH_POOR, Household("", (ADULT,), left_category="poor", left_on=dt.date(2026, 1, 1)), False, []),
    (HEALTH_NEAR, Household("near_poor", (ADULT,)), True, [0]),
    (HEALTH_NEAR, Household("", (ADULT,), left_category="poor", left_on=dt.date(2024, 11, 26)), True, [0]),
    (HEALTH_NEAR, Household("", (ADULT,), left_category="poor", left_on=dt.date(2024, 11, 25)), False, []),
    (LOAN, Household("near_poor"), True, []),
    (LOAN, Household("not_poor", left_category="near_poor", left_on=dt.date(2023, 11, 26)), True, []),
    (LOAN, Household("not_poor", left_category="near_poor", left_on=dt.date(2023, 11, 25)), False, []),
    (
        LOAN,
        Household("not_poor", left_category="near_poor", left_on=dt.date(2027, 1, 1)),
        False,
        [],
    ),  # future
    (LOAN, Household("middle"), False, []),
    (STUDY, Household("poor", (ADULT, CHILD, PUPIL)), True, [2]),
    (STUDY, Household("poor", (Member(12, in_education=None),)), False, []),
    (STUDY, Household("near_poor", (PUPIL,)), False, []),
    (PENSION, Household("near_poor", (ADULT, ELDER, Member(75), Member(None))), True, [1]),
    (HOUSING_EM, Household("poor", difficult_village=True), True, []),
    (HOUSING_EM, Household("poor", difficult_commune=True), True, []),
    (HOUSING_EM, Household("poor"), False, []),
    (
        DISABLED_EM,
        Household("poor", (Member(30, disabled=True, ethnic_minority=True), Member(30, disabled=True))),
        True,
        [0],
    ),
]


@pytest.mark.parametrize(("data", "household", "eligible", "members"), CASES)
def test_rules(data, household, eligible, members) -> None:
    result = evaluate(Rule.from_data(data), household, ON)
    assert result.eligible is eligible
    assert result.eligible_members == members
    assert all(v.vi and v.en for v in result.reasons)


def test_reasons_say_why() -> None:
    rule = Rule.from_data(HEALTH_NEAR)
    result = evaluate(rule, Household("", (ADULT,), left_category="poor", left_on=dt.date(2025, 1, 10)), ON)
    assert result.reasons[0].vi == "mới thoát hộ nghèo 22 tháng (trong 24 tháng)"
    refused = evaluate(Rule.from_data(STUDY), Household("poor", (Member(40, in_education=False), ADULT)), ON)
    assert not refused.eligible
    assert [v.vi for v in refused.members[0][1]] == ["40 tuổi (ngoài 3–18)", "không phải đang đi học"]
    assert [v.vi for v in refused.members[1][1]] == ["40 tuổi (ngoài 3–18)", "chưa rõ: đang đi học"]


def test_counts_households_or_members() -> None:
    households = [
        Household("poor", (ADULT, CHILD)),
        Household("near_poor", (ADULT,)),
        Household("poor", (PUPIL,)),
    ]
    assert count_eligible(Rule.from_data(HEALTH_POOR), households, ON) == 3
    assert count_eligible(Rule.from_data(LOAN), households, ON) == 3


@pytest.mark.parametrize(
    "data", [{"level": "family"}, {"level": "household", "categories": ["poor"], "age": [0, 5]}]
)
def test_invalid_rules_are_refused(data) -> None:
    with pytest.raises(ValueError):
        Rule.from_data(data)


# --- Working age (TT 152/2016: 15 to under 55 for women, under 60 for men) -------------------------------

WORKING = {"level": "member", "categories": ["poor"], "working_age": True}
WORKING_CUSTOM = {
    "level": "member",
    "categories": ["poor"],
    "working_age": {"min": 18, "max_female": 60, "max_male": 62},
}


@pytest.mark.parametrize(
    ("data", "member", "ok", "vi"),
    [
        (WORKING, Member(14, sex="F"), False, "14 tuổi, ngoài độ tuổi lao động"),
        (WORKING, Member(14, sex=""), False, "14 tuổi, ngoài độ tuổi lao động"),  # either way too young
        (WORKING, Member(15, sex="F"), True, "15 tuổi, trong độ tuổi lao động của nữ (15–54)"),
        (WORKING, Member(15, sex="M"), True, "15 tuổi, trong độ tuổi lao động của nam (15–59)"),
        (WORKING, Member(54, sex="F"), True, "54 tuổi, trong độ tuổi lao động của nữ (15–54)"),
        (WORKING, Member(55, sex="F"), False, "55 tuổi, ngoài độ tuổi lao động của nữ (15–54)"),
        (WORKING, Member(55, sex="M"), True, "55 tuổi, trong độ tuổi lao động của nam (15–59)"),
        (WORKING, Member(59, sex="M"), True, "59 tuổi, trong độ tuổi lao động của nam (15–59)"),
        (WORKING, Member(59, sex="F"), False, "59 tuổi, ngoài độ tuổi lao động của nữ (15–54)"),
        (WORKING, Member(60, sex="M"), False, "60 tuổi, ngoài độ tuổi lao động"),
        (WORKING, Member(30, sex=""), False, "chưa rõ giới tính"),
        (WORKING, Member(57, sex=""), False, "chưa rõ giới tính"),
        (WORKING, Member(None, sex="F"), False, "chưa có tuổi"),
        (WORKING_CUSTOM, Member(17, sex="M"), False, "17 tuổi, ngoài độ tuổi lao động"),
        (WORKING_CUSTOM, Member(18, sex="M"), True, "18 tuổi, trong độ tuổi lao động của nam (18–61)"),
        (WORKING_CUSTOM, Member(59, sex="F"), True, "59 tuổi, trong độ tuổi lao động của nữ (18–59)"),
        (WORKING_CUSTOM, Member(60, sex="F"), False, "60 tuổi, ngoài độ tuổi lao động của nữ (18–59)"),
        (WORKING_CUSTOM, Member(61, sex="M"), True, "61 tuổi, trong độ tuổi lao động của nam (18–61)"),
        (WORKING_CUSTOM, Member(62, sex="M"), False, "62 tuổi, ngoài độ tuổi lao động"),
    ],
)
def test_working_age(data, member, ok, vi) -> None:
    result = evaluate(Rule.from_data(data), Household("poor", (member,)), ON)
    entitled, verdicts = result.members[0]
    assert entitled is ok and result.eligible is ok
    assert [v.vi for v in verdicts] == [vi]
    assert verdicts[0].ok is ok and verdicts[0].en


def test_working_age_in_english() -> None:
    rule = Rule.from_data(WORKING)
    verdicts = [
        evaluate(rule, Household("poor", (m,)), ON).members[0][1][0].en
        for m in (
            Member(54, sex="F"),
            Member(55, sex="F"),
            Member(30),
            Member(None),
        )
    ]
    assert verdicts == [
        "aged 54, of working age for a woman (15–54)",
        "aged 55, past working age for a woman (15–54)",
        "sex unknown",
        "age unknown",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, WorkingAge(15, 55, 60)),
        (False, None),
        ({}, WorkingAge(15, 55, 60)),
        ({"max_male": 62}, WorkingAge(15, 55, 62)),
        ({"min": 16, "max_female": 56, "max_male": 61}, WorkingAge(16, 56, 61)),
    ],
)
def test_working_age_data(value, expected) -> None:
    rule = Rule.from_data({"level": "member", "categories": ["poor"], "working_age": value})
    assert [c for c in rule.member if isinstance(c, WorkingAge)] == ([expected] if expected else [])
    if expected is not None:
        assert WorkingAge.from_data(expected.to_data()) == expected


@pytest.mark.parametrize(
    "data",
    [
        {"level": "household", "categories": ["poor"], "working_age": True},  # a member condition
        {"level": "member", "working_age": "yes"},
        {"level": "member", "working_age": {"min": "15"}},
        {"level": "member", "working_age": {"min": True}},
        {"level": "member", "working_age": {"min": 60, "max_female": 55}},
        {"level": "member", "working_age": {"maximum": 60}},
    ],
)
def test_invalid_working_age_is_refused(data) -> None:
    with pytest.raises(ValueError):
        Rule.from_data(data)


# --- Descriptions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "vi", "en"),
    [
        (
            LOAN,
            ["Hộ nghèo hoặc hộ cận nghèo", "hoặc mới thoát nghèo/cận nghèo trong 36 tháng"],
            [
                "Poor or near-poor households",
                "or households that escaped from poverty/near-poverty within 36 months",
            ],
        ),
        (
            {"level": "household", "categories": [], "newly_escaped": {"from": ["poor"], "months": 24}},
            ["Hộ mới thoát nghèo trong 24 tháng"],
            ["Households that escaped from poverty within 24 months"],
        ),
        (
            {"level": "household", "categories": ["middle", "near_poor", "poor"]},
            ["Hộ nghèo, hộ cận nghèo hoặc hộ có mức sống trung bình"],
            ["Poor, near-poor or middle-living households"],
        ),
        (
            HOUSING_EM,
            ["Hộ nghèo", "Ở xã/thôn đặc biệt khó khăn"],
            [
                "Poor households",
                "Living in an especially difficult commune or village",
            ],
        ),
        (
            STUDY,
            ["Hộ nghèo", "Thành viên từ 3 đến 18 tuổi", "Thành viên đang đi học"],
            ["Poor households", "Members aged 3 to 18", "Members in education"],
        ),
        (
            {
                "level": "member",
                "categories": ["poor"],
                "age": [None, 5],
                "working_age": True,
                "disabled": True,
                "ethnic_minority": False,
            },
            [
                "Hộ nghèo",
                "Thành viên đến 5 tuổi",
                "Thành viên trong độ tuổi lao động (nữ 15–54, nam 15–59 tuổi)",
                "Thành viên là người khuyết tật",
                "Thành viên không phải người dân tộc thiểu số",
            ],
            [
                "Poor households",
                "Members aged up to 5",
                "Members of working age (women 15–54, men 15–59)",
                "Members with a disability",
                "Members not of an ethnic minority",
            ],
        ),
        (
            {"level": "member", "categories": ["near_poor"], "age": [70, None], "in_education": False},
            ["Hộ cận nghèo", "Thành viên từ 70 tuổi trở lên", "Thành viên không đi học"],
            ["Near-poor households", "Members aged 70 or over", "Members not in education"],
        ),
        (
            {"level": "household", "categories": []},
            ["Chưa chọn diện hộ nào: không ai được hưởng"],
            ["No category chosen: nobody qualifies"],
        ),
    ],
)
def test_describe(data, vi, en) -> None:
    assert describe(data) == vi
    assert describe(data, "vi") == vi
    assert describe(data, "en") == en
    assert Rule.from_data(data).describe("en-gb") == en
    assert [(line.vi, line.en) for line in Rule.from_data(data).lines] == list(zip(vi, en, strict=True))


@pytest.mark.parametrize(
    ("rule", "category", "left", "expected"),
    [
        ({"categories": ["poor"]}, "poor", "", True),
        ({"categories": ["poor"]}, "near_poor", "", False),
        ({"categories": ["poor"]}, "not_poor", "poor", False),  # leavers count only when the rule says so
        ({"categories": [], "newly_escaped": {"from": ["poor"], "months": 36}}, "not_poor", "poor", True),
        (
            {"categories": [], "newly_escaped": {"from": ["poor"], "months": 36}},
            "not_poor",
            "near_poor",
            False,
        ),
        ({"categories": ["middle"]}, "", "", False),
    ],
)
def test_may_apply_skips_only_households_the_rule_cannot_match(rule, category, left, expected) -> None:  # type: ignore[no-untyped-def]
    household = Household(
        category=category, left_category=left, left_on=dt.date(2025, 1, 1) if left else None
    )
    parsed = Rule.from_data(rule)
    assert may_apply(parsed, household) is expected
    if not expected:  # the quick test never hides an entitled household
        assert not evaluate(parsed, household, dt.date(2026, 6, 1)).eligible
