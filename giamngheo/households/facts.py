"""The facts of a household and of its members (survey form B), declared once.

Each ``Fact`` names a model field of ``Household`` or ``Member`` and says how every consumer treats it: its
kind and label (the forms), the engine fact it feeds (``engine``: the adapter), its import column (header,
aliases, help: the import, the template, the XLSForm and the Kobo mapping), its export column. The forms,
the import's columns, the exports, the engine adapter, the XLSForm and the service field sets take their
lists from ``HOUSEHOLD_FACTS`` and ``MEMBER_FACTS``; what a consumer does specially (the devices' "asked?"
answer, the income passed apart to the engine) stays in that consumer.

Adding a fact: the model field (and its migration), one ``Fact`` here, and the engine's own code when the
engine reads it (docs/decisions/0014).

Vietnamese labels of answer options (``*_VI``) are those of the files (import, template, exports, XLSForm):
a file must not depend on the language of the user who made it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

from giamngheo.poverty import facts as engine_facts

from .reference import Device, Education, Employment, Latrine, WasteHandling, WaterSource

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Level = Literal["household", "member"]
# tri_state: yes / no / not known (None); flag: yes / no; choice: one code; codes: a set of codes;
# integer, decimal, money (integer đồng), date.
Kind = Literal["tri_state", "flag", "choice", "codes", "integer", "decimal", "money", "date"]
# The form's group of a fact (``households.forms``: one card each).
Section = Literal["household", "living", "circumstances", "health", "social", "children"]

WATER_VI: dict[str, str] = {
    WaterSource.PIPED: "Nước máy",
    WaterSource.DRILLED_WELL: "Giếng khoan",
    WaterSource.PROTECTED_DUG_WELL: "Giếng đào được bảo vệ",
    WaterSource.PROTECTED_SPRING: "Nước khe/mó được bảo vệ",
    WaterSource.RAINWATER: "Nước mưa",
    WaterSource.BOTTLED: "Nước đóng chai",
    WaterSource.UNPROTECTED_WELL: "Giếng không được bảo vệ",
    WaterSource.SURFACE: "Sông, hồ, ao, kênh",
    WaterSource.OTHER: "Khác",
}
LATRINE_VI: dict[str, str] = {
    Latrine.SEPTIC: "Tự hoại",
    Latrine.SEMI_SEPTIC: "Bán tự hoại",
    Latrine.POUR_FLUSH: "Dội nước",
    Latrine.DOUBLE_VAULT: "Hai ngăn",
    Latrine.VENTILATED_PIT: "Chìm có ống thông hơi",
    Latrine.SIMPLE_PIT: "Hố đào đơn giản",
    Latrine.NONE: "Không có nhà tiêu",
}
DEVICE_VI: dict[str, str] = {
    Device.TV: "Ti vi",
    Device.RADIO: "Radio",
    Device.COMPUTER: "Máy tính",
    Device.TABLET: "Máy tính bảng",
    Device.SMARTPHONE: "Điện thoại thông minh",
}
WASTE_VI: dict[str, str] = {
    WasteHandling.COLLECTED: "Thu gom",
    WasteHandling.COMPOSTED: "Ủ phân",
    WasteHandling.BURIED: "Chôn lấp",
    WasteHandling.BURNED_SAFELY: "Đốt an toàn",
    WasteHandling.DUMPED: "Vứt bỏ bừa bãi",
}
EDUCATION_VI: dict[str, str] = {
    Education.NONE: "Chưa đi học",
    Education.PRIMARY: "Tiểu học",
    Education.LOWER_SECONDARY: "Trung học cơ sở",
    Education.UPPER_SECONDARY: "Trung học phổ thông",
    Education.VOCATIONAL: "Sơ cấp, trung cấp, cao đẳng",
    Education.HIGHER: "Đại học trở lên",
}
EMPLOYMENT_VI: dict[str, str] = {
    Employment.WAGE_WITH_CONTRACT: "Làm công có hợp đồng lao động",
    Employment.WAGE_WITHOUT_CONTRACT: "Làm công không có hợp đồng lao động",
    Employment.SELF_EMPLOYED: "Tự làm, sản xuất của gia đình",
    Employment.UNEMPLOYED: "Thất nghiệp, đang tìm việc",
    Employment.NOT_IN_LABOUR_FORCE: "Không làm việc (đi học, nghỉ hưu, không có khả năng)",
}


@dataclass(frozen=True)
class ImportColumn:
    """The fact's column in the import (and the template, the XLSForm, the Kobo mapping)."""

    header: str
    aliases: tuple[str, ...] = ()
    help: str = ""
    maximum: int | None = None
    in_template: bool = True  # a column of our template (and a question of the XLSForm)
    rank: int = 0  # columns sort by rank, then in the order of declaration


@dataclass(frozen=True)
class ExportColumn:
    """The fact's column in the export of the household list."""

    header: str
    width: int
    rank: int = 0  # columns sort by rank, then in the order of declaration


@dataclass(frozen=True)
class Fact:
    name: str  # the model field
    level: Level
    kind: Kind
    label: StrOrPromise  # the form's label (the model's verbose name msgid unless the form says it otherwise)
    section: Section
    choices_vi: Mapping[str, str] | None = None  # codes -> Vietnamese labels of the files
    engine: str | None = None  # the attribute of ``poverty.facts.HouseholdFacts``/``MemberFacts`` it feeds
    engine_type: Callable[[str], Any] | None = None  # the engine's type of a code (an enum)
    imported: ImportColumn | None = None
    exported: ExportColumn | None = None
    help_text: StrOrPromise = ""  # the form's help text, when it has one


H: Level = "household"
M: Level = "member"

HOUSEHOLD_FACTS: tuple[Fact, ...] = (
    Fact(
        "walls_durable",
        H,
        "tri_state",
        _("durable walls"),
        "living",
        engine="walls_durable",
        imported=ImportColumn("Tường bền chắc", ("Tường nhà bền chắc",)),
    ),
    Fact(
        "columns_durable",
        H,
        "tri_state",
        _("durable columns"),
        "living",
        engine="columns_durable",
        imported=ImportColumn("Cột bền chắc", ("Cột nhà bền chắc", "Khung cột bền chắc")),
    ),
    Fact(
        "roof_durable",
        H,
        "tri_state",
        _("durable roof"),
        "living",
        engine="roof_durable",
        imported=ImportColumn("Mái bền chắc", ("Mái nhà bền chắc",)),
    ),
    Fact(
        "floor_area_m2",
        H,
        "decimal",
        _("floor area (m²)"),
        "living",
        engine="floor_area_m2",
        imported=ImportColumn(
            "Diện tích nhà ở (m²)",
            ("Diện tích nhà ở", "Diện tích nhà", "Diện tích ở (m2)", "Diện tích nhà ở (m2)"),
        ),
        help_text=_("Total floor area of the dwelling, e.g. 45,5."),
    ),
    Fact(
        "water_source",
        H,
        "choice",
        _("water source"),
        "living",
        choices_vi=WATER_VI,
        engine="water_source",
        imported=ImportColumn("Nguồn nước sinh hoạt", ("Nguồn nước",)),
        exported=ExportColumn("Nguồn nước sinh hoạt", 18),
    ),
    Fact(
        "latrine",
        H,
        "choice",
        _("latrine"),
        "living",
        choices_vi=LATRINE_VI,
        engine="latrine",
        imported=ImportColumn("Loại nhà tiêu", ("Nhà tiêu", "Nhà vệ sinh")),
        exported=ExportColumn("Nhà tiêu", 16),
    ),
    Fact(
        "devices",
        H,
        "codes",
        _("Information devices"),
        "living",
        choices_vi=DEVICE_VI,
        engine="devices",
        imported=ImportColumn(
            "Phương tiện tiếp cận thông tin",
            ("Phương tiện thông tin", "Thiết bị thông tin"),
            help="Một hoặc nhiều giá trị, cách nhau bằng dấu phẩy (ví dụ: Ti vi, Điện thoại thông minh).",
        ),
        exported=ExportColumn("Phương tiện tiếp cận thông tin", 24),
    ),
    Fact(
        "waste_handling",
        H,
        "choice",
        _("waste handling"),
        "living",
        choices_vi=WASTE_VI,
        engine="waste_handling",
        imported=ImportColumn("Xử lý rác thải", ("Xử lý rác",)),
        exported=ExportColumn("Xử lý rác thải", 18),
    ),
    Fact(
        "income_per_capita",
        H,
        "money",
        _("Income per person per month (VND)"),
        "living",
        engine="income_per_capita",
        imported=ImportColumn(
            "Thu nhập bình quân người/tháng (đồng)",
            (
                "Thu nhập bình quân đầu người/tháng (đồng)",
                "Thu nhập bình quân",
                "Thu nhập bình quân đầu người",
                "Thu nhập BQ/người/tháng",
                "Thu nhập",
            ),
            help="Số nguyên, đồng/người/tháng; được viết 1500000 hoặc 1.500.000.",
            maximum=1_000_000_000,
            rank=-1,  # the first fact of a commune's list
        ),
        exported=ExportColumn("Thu nhập bình quân đầu người/tháng (đồng)", 16, rank=-2),
        help_text=_("In đồng, e.g. 1.500.000."),
    ),
    Fact(
        "no_working_capacity",
        H,
        "flag",
        _("no member able to work"),
        "circumstances",
        imported=ImportColumn(
            "Hộ không có khả năng lao động", ("Không có khả năng lao động", "Không có lao động")
        ),
        exported=ExportColumn("Không có khả năng lao động", 12, rank=-1),
        help_text=_("Recorded at the review: no member of the household is able to work."),
    ),
    Fact(
        "has_meritorious_member",
        H,
        "tri_state",
        _("Has a member with meritorious services (người có công)"),
        "circumstances",
    ),
    Fact(
        "social_protection",
        H,
        "tri_state",
        _("Is a social protection household (bảo trợ xã hội)"),
        "circumstances",
    ),
    Fact(
        "declared_persons",
        H,
        "integer",
        _("Declared number of persons"),
        "household",
        imported=ImportColumn(
            "Số nhân khẩu",
            ("Số khẩu", "Nhân khẩu", "Số người", "Số NK", "Số thành viên", "Tổng số nhân khẩu"),
            help="Số người của hộ theo danh sách của xã; được dùng khi chưa ghi danh sách thành viên.",
            maximum=99,
            in_template=False,
        ),
        help_text=_(
            "“Số nhân khẩu” of the commune's list. Person counts use it until the members are listed."
        ),
    ),
    Fact(
        "poverty_causes",
        H,
        "codes",
        _("Causes of poverty"),
        "circumstances",
        help_text=_(
            "Provisional list (the report's layout), not yet checked against the official survey form."
        ),
    ),
)

MEMBER_FACTS: tuple[Fact, ...] = (
    Fact(
        "has_health_insurance",
        M,
        "tri_state",
        _("has health insurance"),
        "health",
        engine="has_health_insurance",
        imported=ImportColumn("Có thẻ BHYT", ("BHYT", "Thẻ BHYT", "Có BHYT")),
    ),
    Fact(
        "in_education",
        M,
        "tri_state",
        _("studying or in training"),
        "health",
        engine="in_education",
        imported=ImportColumn("Đang đi học", ("Đi học",)),
    ),
    Fact(
        "attending_appropriate_level",
        M,
        "tri_state",
        _("at the school level for their age"),
        "health",
        engine="attending_appropriate_level",
        imported=ImportColumn("Học đúng cấp theo tuổi", ("Học đúng độ tuổi", "Đúng độ tuổi")),
        help_text=_("For children of school age."),
    ),
    Fact(
        "education",
        M,
        "choice",
        _("education level"),
        "health",
        choices_vi=EDUCATION_VI,
        engine="education",
        engine_type=engine_facts.Education,
        imported=ImportColumn("Trình độ giáo dục", ("Trình độ học vấn", "Học vấn", "Trình độ")),
    ),
    Fact(
        "employment",
        M,
        "choice",
        _("employment"),
        "health",
        choices_vi=EMPLOYMENT_VI,
        engine="employment",
        engine_type=engine_facts.Employment,
        imported=ImportColumn("Việc làm", ("Tình trạng việc làm",)),
        help_text=_("Wage work: say whether there is a labour contract."),
    ),
    Fact(
        "disabled",
        M,
        "tri_state",
        _("disability"),
        "social",
        engine="disabled",
        imported=ImportColumn("Khuyết tật", ("Người khuyết tật",)),
    ),
    Fact(
        "monthly_social_allowance",
        M,
        "tri_state",
        _("monthly social allowance"),
        "social",
        engine="monthly_social_allowance",
        imported=ImportColumn(
            "Hưởng trợ cấp xã hội hằng tháng", ("Trợ cấp xã hội hằng tháng", "Hưởng trợ cấp xã hội")
        ),
    ),
    Fact(
        "stunted",
        M,
        "tri_state",
        _("stunted (children under 16)"),
        "children",
        engine="stunted",
        imported=ImportColumn("Trẻ thấp còi", ("Thấp còi",)),
        help_text=_("Only for children under 16."),
    ),
    Fact(
        "underweight",
        M,
        "tri_state",
        _("underweight (children under 16)"),
        "children",
        engine="underweight",
        imported=ImportColumn("Trẻ nhẹ cân", ("Nhẹ cân", "Suy dinh dưỡng")),
        help_text=_("Only for children under 16."),
    ),
    Fact(
        "uses_internet",
        M,
        "tri_state",
        _("uses the internet"),
        "health",
        engine="uses_internet",
        imported=ImportColumn("Sử dụng Internet", ("Dùng Internet", "Internet")),
    ),
)

FACTS: tuple[Fact, ...] = (*HOUSEHOLD_FACTS, *MEMBER_FACTS)
HOUSEHOLD_FACT_NAMES: tuple[str, ...] = tuple(f.name for f in HOUSEHOLD_FACTS)
MEMBER_FACT_NAMES: tuple[str, ...] = tuple(f.name for f in MEMBER_FACTS)


def facts_of(level: Level) -> tuple[Fact, ...]:
    return HOUSEHOLD_FACTS if level == "household" else MEMBER_FACTS


def in_section(level: Level, section: Section) -> list[str]:
    """The names of the facts of ``level`` in the form's ``section``, in the order of declaration."""
    return [f.name for f in facts_of(level) if f.section == section]


def imported_facts(level: Level) -> list[Fact]:
    """The facts of ``level`` the import reads, in the order of their columns."""
    found = [f for f in facts_of(level) if f.imported is not None]
    return sorted(found, key=lambda f: f.imported.rank if f.imported else 0)


def exported_facts() -> list[Fact]:
    """The household facts of the household list's export, in the order of their columns."""
    found = [f for f in HOUSEHOLD_FACTS if f.exported is not None]
    return sorted(found, key=lambda f: f.exported.rank if f.exported else 0)


def engine_facts_of(level: Level) -> tuple[Fact, ...]:
    return tuple(f for f in facts_of(level) if f.engine is not None)


def to_engine(fact: Fact, value: Any) -> Any:
    """A stored value as the engine reads it: an empty code or an unasked set is None (not known)."""
    if fact.kind == "codes":
        return frozenset(value) if value is not None else None
    if fact.kind == "choice":
        if not value:
            return None
        return fact.engine_type(value) if fact.engine_type is not None else value
    return value


def engine_values(level: Level, values: Callable[[str], Any]) -> dict[str, Any]:
    """The engine's facts of ``level`` (income aside: its callers pass it) from ``values(name)``."""
    return {
        f.engine: to_engine(f, values(f.name))
        for f in engine_facts_of(level)
        if f.engine is not None and f.engine != "income_per_capita"
    }


def to_json(fact: Fact, value: Any) -> Any:
    """An engine fact, JSON-ready (stored with an assessment)."""
    if value is None:
        return None
    if fact.kind == "codes":
        return sorted(value)
    if fact.kind == "decimal":
        return str(value)
    if fact.kind == "choice" and fact.engine_type is not None:
        return value.value
    return value


BY_NAME: dict[str, Fact] = {f.name: f for f in FACTS}
