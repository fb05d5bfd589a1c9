"""Eligibility rules, table-driven, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.policies.eligibility import Household, Member, Rule, count_eligible, evaluate, months_between

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
