"""The API's typed schemas (OpenAPI 3 is generated from these). Money is whole đồng (int), dates ISO."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from giamngheo.households.reference import (
    Category,
    Device,
    Education,
    Employment,
    Latrine,
    Relationship,
    Sex,
    WasteHandling,
    WaterSource,
    ethnic_groups,
    poverty_causes,
)
from giamngheo.policies.models import FundingSource


def one_of(*values: str) -> Any:
    """A string limited to ``values`` (an ``enum`` in the schema)."""
    return Literal[values]


if TYPE_CHECKING:  # enums at run time (in the schema), plain strings for mypy
    EthnicGroup = str
    CategoryValue = str
    CategoryOrBlank = str
    CategoryFilter = str
    SexValue = str
    RelationshipValue = str
    EducationValue = str
    EmploymentValue = str
    WaterValue = str
    LatrineValue = str
    WasteValue = str
    DeviceValue = str
    CauseValue = str
    FundingValue = str
else:
    EthnicGroup = one_of(*[code for code, _name in ethnic_groups()])
    CategoryValue = one_of(*Category.values)
    CategoryOrBlank = one_of("", *Category.values)
    CategoryFilter = one_of("none", *Category.values)
    SexValue = one_of(*Sex.values)
    RelationshipValue = one_of(*Relationship.values)
    EducationValue = one_of("", *Education.values)
    EmploymentValue = one_of("", *Employment.values)
    WaterValue = one_of("", *WaterSource.values)
    LatrineValue = one_of("", *Latrine.values)
    WasteValue = one_of("", *WasteHandling.values)
    DeviceValue = one_of(*Device.values)
    CauseValue = one_of(*[code for code, _name in poverty_causes()])
    FundingValue = one_of(*FundingSource.values)

Money = int
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
# A row's id: positive and within a database integer (a bigger number names nothing: 404, not an overflow).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = str


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Strict(Schema):
    """Input schemas refuse fields they do not know (a misspelt field is an error, not ignored) and text
    with NUL characters (no database keeps them)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("NUL character")
        return data


class FieldError(Schema):
    field: str
    field_name: str = Field(description="The field's Vietnamese name")
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in Vietnamese")
    errors: list[FieldError] = []


# Households ------------------------------------------------------------------------------------------------


class HouseholdFacts(Schema):
    walls_durable: bool | None = None
    columns_durable: bool | None = None
    roof_durable: bool | None = None
    floor_area_m2: float | None = Field(None, ge=0, le=99999)
    water_source: WaterValue = ""
    latrine: LatrineValue = ""
    devices: list[DeviceValue] | None = None
    waste_handling: WasteValue = ""
    income_per_capita: Money | None = Field(None, ge=0, le=10**12)
    no_working_capacity: bool = False
    has_meritorious_member: bool | None = None
    social_protection: bool | None = None
    declared_persons: int | None = Field(None, ge=0, le=100)
    poverty_causes: list[CauseValue] = []


class HouseholdOut(HouseholdFacts):
    id: int
    code: str
    commune_id: int
    commune_code: str
    village_id: int
    address: str
    head_name: str
    phone: str
    ethnic_group: str
    is_ethnic_minority: bool
    note: str
    category: CategoryOrBlank
    provincial_category: CategoryOrBlank
    category_since: dt.date | None
    category_decision: str
    engine_category: CategoryOrBlank = Field(
        description=(
            "The engine's proposal under the standard in force (derived: a province's recomputation does not "
            "move updated_at; the webhook households.reclassified announces it)"
        )
    )
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class HouseholdIdentity(Strict):
    """Who and where a new household is."""

    commune_id: Id
    village_id: Id
    code: str = Field(min_length=1, max_length=32)
    head_name: str = Field(min_length=1, max_length=150)
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=20)
    ethnic_group: EthnicGroup = "01"
    note: str = Field("", max_length=5000)


class HouseholdIn(HouseholdFacts, HouseholdIdentity):
    """A new household: who and where, then its facts (``HouseholdFacts``, the same fields as read)."""


class HouseholdPatch(Strict):
    """Only the fields sent are changed; ``version`` is the one read (optimistic locking)."""

    version: int = Field(ge=1, le=MAX_VERSION)
    village_id: Id | None = None
    code: str | None = Field(None, min_length=1, max_length=32)
    head_name: str | None = Field(None, min_length=1, max_length=150)
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=20)
    ethnic_group: EthnicGroup | None = None
    note: str | None = Field(None, max_length=5000)
    is_active: bool | None = None
    walls_durable: bool | None = None
    columns_durable: bool | None = None
    roof_durable: bool | None = None
    floor_area_m2: float | None = Field(None, ge=0, le=99999)
    water_source: WaterValue | None = None
    latrine: LatrineValue | None = None
    devices: list[DeviceValue] | None = None
    waste_handling: WasteValue | None = None
    income_per_capita: Money | None = Field(None, ge=0, le=10**12)
    no_working_capacity: bool | None = None
    has_meritorious_member: bool | None = None
    social_protection: bool | None = None
    declared_persons: int | None = Field(None, ge=0, le=100)
    poverty_causes: list[CauseValue] | None = None


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next: str | None = Field(description="The URL of the next page; null on the last page")
    next_cursor: str | None


# Members ---------------------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    household_id: int
    full_name: str
    sex: SexValue
    date_of_birth: dt.date
    birth_year_only: bool
    relationship: RelationshipValue
    national_id: str | None = Field(description="In full only for roles that may see ID numbers")
    ethnic_group: str
    has_health_insurance: bool | None
    in_education: bool | None
    attending_appropriate_level: bool | None
    education: EducationValue
    employment: EmploymentValue
    disabled: bool | None
    monthly_social_allowance: bool | None
    stunted: bool | None
    underweight: bool | None
    uses_internet: bool | None
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class MemberIn(Strict):
    household_id: Id
    full_name: str = Field(min_length=1, max_length=150)
    sex: SexValue
    date_of_birth: dt.date
    birth_year_only: bool = False
    relationship: RelationshipValue
    national_id: str | None = Field(None, max_length=12)
    ethnic_group: EthnicGroup = "01"
    has_health_insurance: bool | None = None
    in_education: bool | None = None
    attending_appropriate_level: bool | None = None
    education: EducationValue = ""
    employment: EmploymentValue = ""
    disabled: bool | None = None
    monthly_social_allowance: bool | None = None
    stunted: bool | None = None
    underweight: bool | None = None
    uses_internet: bool | None = None
    is_active: bool = True


class MemberPatch(Strict):
    version: int = Field(ge=1, le=MAX_VERSION)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    sex: SexValue | None = None
    date_of_birth: dt.date | None = None
    birth_year_only: bool | None = None
    relationship: RelationshipValue | None = None
    national_id: str | None = Field(None, max_length=12)
    ethnic_group: EthnicGroup | None = None
    has_health_insurance: bool | None = None
    in_education: bool | None = None
    attending_appropriate_level: bool | None = None
    education: EducationValue | None = None
    employment: EmploymentValue | None = None
    disabled: bool | None = None
    monthly_social_allowance: bool | None = None
    stunted: bool | None = None
    underweight: bool | None = None
    uses_internet: bool | None = None
    is_active: bool | None = None


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None
    next_cursor: str | None


class TombstoneOut(Schema):
    kind: Literal["household", "member"]
    id: int = Field(description="The id of the deleted household or member")
    household_id: int
    commune_id: int
    deleted_at: dt.datetime


class TombstonePage(Schema):
    items: list[TombstoneOut]
    next: str | None
    next_cursor: str | None


# Reviews ---------------------------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    province_id: int
    province_name: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    status: str
    standard_code: str
    closed_at: dt.datetime | None


class AssessmentOut(Schema):
    id: int
    round_id: int
    commune_id: int
    household_id: int
    household_code: str
    source: str
    status: str
    category_before: str
    proposed_category: str
    decided_category: str
    movement: str
    surveyed_on: dt.date | None
    updated_at: dt.datetime


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    next: str | None
    next_cursor: str | None


class AreaFiguresOut(Schema):
    area_id: int
    area_code: str
    area_name: str
    is_urban: bool
    households: int
    em_households: int
    start_poor: int
    start_near_poor: int
    escaped_poverty: int
    escaped_near_poverty: int
    newly_poor: int
    re_poor: int
    near_poor_to_poor: int
    newly_near_poor: int
    end_poor: int
    end_near_poor: int
    end_poor_em: int
    end_near_poor_em: int
    end_poor_no_work_capacity: int
    figures: dict[str, int] = Field(description="Every other count of the official tables, by key")
    frozen_at: dt.datetime | None


class RoundFiguresOut(Schema):
    round: RoundOut
    province_total: AreaFiguresOut | None = Field(description="Only for users who see the whole province")
    communes: list[AreaFiguresOut]


# Policies --------------------------------------------------------------------------------------------------


class PolicyOut(Schema):
    id: int
    code: str
    name: str
    area: str
    level: str
    legal_basis: str
    benefit: str
    frequency: str
    valid_from: dt.date
    valid_to: dt.date | None
    is_active: bool


class CoverageOut(Schema):
    policy_code: str
    policy_name: str
    eligible_households: int
    covered_households: int
    eligible_units: int
    covered_units: int
    outside_units: int


class SupportOut(Schema):
    id: int
    policy_code: str
    household_id: int
    member_id: int | None
    commune_id: int
    date: dt.date
    quantity: int
    amount: Money
    funding_source: str
    project: str
    document: str
    eligible: bool
    reason: str
    cancelled_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SupportIn(Strict):
    policy_code: str = Field(min_length=1, max_length=16)
    household_id: Id
    member_id: Id | None = None
    date: dt.date
    funding_source: FundingValue
    quantity: int = Field(1, ge=1, le=1_000_000)
    amount: Money = Field(0, ge=0, le=10**13)
    project: str = Field("", max_length=255)
    document: str = Field("", max_length=255)
    reason: str = Field("", max_length=2000)


class SupportPage(Schema):
    items: list[SupportOut]
    next: str | None
    next_cursor: str | None


# Plans -----------------------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    province_id: int
    title: str
    year_from: int
    year_to: int
    document_number: str
    document_date: dt.date | None


class TargetOut(Schema):
    id: int
    plan_id: int
    name: str
    indicator_key: str
    indicator_name: str
    formula: str
    unit: str
    computed: bool
    baseline: float | None
    target_value: float | None
    actual: float | None
    measured_year: int | None
    achieved_percent: float | None
    status: str
    status_label: str
    deadline: dt.date
    area_id: int
    year: int
