"""What the engine needs to know about a household and its members (from survey form B).

Every fact is optional: a fact the survey did not record (None) makes the indicators that need it
"unknown" (listed in the result), unless the officer ticked the indicator directly (``ticked``). An unknown
indicator is never counted as deprived nor as not deprived: when it could change the category, the result
is not determined. A household without members makes every indicator about its members unknown, and an
unknown income (None) leaves the household unclassified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType


class Employment(StrEnum):
    WAGE_WITH_CONTRACT = "wage_with_contract"
    WAGE_WITHOUT_CONTRACT = "wage_without_contract"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"  # able and willing to work, cannot find a job
    NOT_IN_LABOUR_FORCE = "not_in_labour_force"  # studying, retired, unable to work


class Education(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"  # THCS
    UPPER_SECONDARY = "upper_secondary"  # THPT
    VOCATIONAL = "vocational"  # sơ cấp, trung cấp, cao đẳng nghề; certified on-the-job training
    HIGHER = "higher"


EDUCATION_RANK = {
    Education.NONE: 0,
    Education.PRIMARY: 1,
    Education.LOWER_SECONDARY: 2,
    Education.UPPER_SECONDARY: 3,
    Education.VOCATIONAL: 3,
    Education.HIGHER: 4,
}


@dataclass(frozen=True, slots=True)
class MemberFacts:
    age: int  # completed years on the reference date of the review
    sex: str = ""  # "M" or "F"
    has_health_insurance: bool | None = None
    in_education: bool | None = None  # currently studying or in training
    attending_appropriate_level: bool | None = None  # children: at the level/grade for their age
    education: Education | None = None  # highest level completed
    employment: Employment | None = None
    disabled: bool | None = None
    monthly_social_allowance: bool | None = None
    stunted: bool | None = None  # children: height-for-age
    underweight: bool | None = None  # children: weight-for-age
    uses_internet: bool | None = None


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    area: str  # "rural" | "urban" (the income line of the household's commune or ward)
    income_per_capita: int | None  # VND per person per month; None: not recorded
    members: tuple[MemberFacts, ...] = ()
    walls_durable: bool | None = None
    columns_durable: bool | None = None
    roof_durable: bool | None = None
    floor_area_m2: Decimal | int | None = None
    water_source: str | None = None
    latrine: str | None = None
    devices: frozenset[str] | None = None
    waste_handling: str | None = None
    # Indicators given directly on the form (key -> deprived). They win over computed values.
    ticked: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
