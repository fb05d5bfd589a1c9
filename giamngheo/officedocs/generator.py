"""The data of a department's document: reads ONLY selectors (the same figures as the dashboard, the
official tables, the plans' target cards, the activity apps and the emulation summaries) and builds plain
dataclasses; ``formatter`` turns a ``DocumentData`` into a DOCX and ``annex`` into an XLSX, and ``drafts``
writes the narrative's first draft from the same ``Figures``.

Every text is Vietnamese whatever the interface language (the documents are official papers): the labels
read from other apps are translated under ``translation.override("vi")``.

Which year the figures are of:
- the final report of year Y: the poverty results of Y's review (start and end of the year), the targets
  and activities of Y, the emulation and commendations of Y;
- the interim report of year Y: the poverty results of the latest full year (Y − 1: the situation at the
  start of Y), the targets measured now, the activities and emulation of Y so far;
- the plan for year Y: the poverty results of Y − 1 (the baseline), the targets of the plans in force in Y,
  the activities and emulation of Y − 1.
A count not known is None (printed "—"), never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation

from giamngheo.commendation.summary import AwardSummary, award_summary
from giamngheo.emulation.choices import RegistrationStatus
from giamngheo.fund import selectors as fund_selectors
from giamngheo.plans import indicators as ind
from giamngheo.plans import selectors as plan_selectors
from giamngheo.scoring.summary import EmulationSummary, emulation_summary

from .choices import TYPE_NAME, DocumentKind, TableKey

if TYPE_CHECKING:
    from giamngheo.accounts.models import User
    from giamngheo.geo.models import Area
    from giamngheo.org.models import OrgUnit

    from .models import OfficialDocument

Cell = str | int | Decimal | None
SERIES_YEARS = 5  # the poverty rate chart: the last five years with a review


@dataclass(frozen=True)
class Table:
    key: str  # a TableKey
    title: str  # "Kết quả giảm nghèo năm 2025"
    columns: list[str]
    rows: list[list[Cell]]
    widths: list[float]  # cm, summing to at most the text width (16.5 cm)
    unit: str = ""  # "Đơn vị tính: hộ"
    total: list[Cell] | None = None
    text_columns: tuple[int, ...] = (1,)  # left-aligned columns
    empty: str = "Chưa có số liệu."


@dataclass(frozen=True)
class Chart:
    key: str  # the TableKey it follows
    title: str
    categories: list[str]
    series: list[tuple[str, list[Decimal | None]]]
    unit: str = "%"


@dataclass(frozen=True)
class TargetRow:
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    achieved: Decimal | None
    status: str  # the status's name in Vietnamese
    status_key: str  # plans.indicators.Status


@dataclass(frozen=True)
class Activity:
    name: str
    unit: str
    count: int | None  # the achievement (officers trained, đồng raised…)
    out_of: int | None  # the base of the rate
    rate: Decimal | None


@dataclass(frozen=True)
class Figures:
    """What a document of a kind and a year says, read once."""

    kind: str
    year: int
    province: str  # "Đồng Nai"
    department: str  # "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai"
    poverty_year: int
    poverty: ind.Inputs  # plans.selectors.area_inputs of the province in poverty_year
    activity_year: int
    activities: list[Activity]
    rates: list[tuple[int, Decimal | None, Decimal | None]]  # year, poverty rate, near-poverty rate
    targets: list[TargetRow]
    emulation: EmulationSummary
    awards: AwardSummary

    def count(self, key: str) -> int | None:
        value = self.poverty.get(key)
        return None if value is None else int(value)

    def rate(self, key: str) -> Decimal | None:
        return ind.indicator(key).value(self.poverty)

    @property
    def other_poor_changes(self) -> int | None:
        """The poor households' other changes in the year (moved in or out, merged, split, died out): what
        makes start − escaped + fallen back + newly poor equal the end, so the table balances on its face;
        unknown when one of them is."""
        parts = [
            self.count(k)
            for k in (ind.POOR, ind.START_POOR, ind.ESCAPED_POVERTY, ind.FALLEN_BACK, ind.NEWLY_POOR)
        ]
        if any(p is None for p in parts):
            return None
        end, start, escaped, fallen, new = (int(p or 0) for p in parts)
        return end - (start - escaped + fallen + new)

    @property
    def start_poverty_rate(self) -> Decimal | None:
        """Poor households at the start ÷ the households of the area (the review's only household count)."""
        return ind.Indicator(
            "start", "", ind.Unit.PERCENT, ind.Direction.DOWN, "", ind.START_POOR, ind.HOUSEHOLDS
        ).value(self.poverty)

    @property
    def start_near_poverty_rate(self) -> Decimal | None:
        return ind.Indicator(
            "start", "", ind.Unit.PERCENT, ind.Direction.DOWN, "", ind.START_NEAR_POOR, ind.HOUSEHOLDS
        ).value(self.poverty)


@dataclass(frozen=True)
class SectionData:
    heading: str
    paragraphs: list[str]
    tables: list[str]  # TableKey values


@dataclass(frozen=True)
class DocumentData:
    kind: str
    year: int
    type_name: str  # "BÁO CÁO"
    title: str
    parent_body: str
    issuer: str
    number: str  # "      /BC-SNNMT" while the number is blank
    place: str
    issued_on: dt.date | None
    recipients: list[str]
    signer_lines: list[str]
    signer_name: str
    sections: list[SectionData]
    tables: dict[str, list[Table]] = field(default_factory=dict)
    charts: dict[str, list[Chart]] = field(default_factory=dict)

    def all_tables(self) -> list[Table]:
        """Every table in the order the document prints them (each once)."""
        seen: list[str] = []
        for section in self.sections:
            seen.extend(k for k in section.tables if k not in seen)
        seen.extend(k for k in self.tables if k not in seen)
        return [t for key in seen for t in self.tables.get(key, [])]


# Reading the figures ---------------------------------------------------------------------------------------
def province_name(area: Area) -> str:
    """ "Tỉnh Đồng Nai" -> "Đồng Nai" (the place of the documents, the name after "tỉnh")."""
    for word in ("Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "):
        if area.name.startswith(word):
            return area.name[len(word) :]
    return area.name


def figure_years(kind: str, year: int) -> tuple[int, int]:
    """The year of the poverty results and the year of the activities and emulation a document cites."""
    if kind == DocumentKind.FINAL_REPORT:
        return year, year
    if kind == DocumentKind.INTERIM_REPORT:
        return year - 1, year
    return year - 1, year - 1


def _activities(*, user: User, province: Area, year: int) -> list[Activity]:
    inputs = plan_selectors.area_inputs(user=user, area=province, year=year)

    def item(name: str, unit: str, key: str, count: str, base: str | None = None) -> Activity:
        value = inputs.get(count)
        out_of = inputs.get(base) if base else None
        rate = ind.indicator(key).value(inputs) if base else None
        return Activity(name, unit, None if value is None else int(value), out_of, rate)

    campaigns = [
        c for c in fund_selectors.campaign_list(user=user, year=year) if c.province_id == province.pk
    ]
    disbursed: int | None = None
    if campaigns:
        disbursed = sum(fund_selectors.campaign_figures(campaign=c).disbursed for c in campaigns)
    return [
        item(
            "Cán bộ làm công tác giảm nghèo cơ sở được tập huấn",
            "người",
            "officers_trained",
            ind.OFFICERS_TRAINED,
            ind.OFFICERS_ACTIVE,
        ),
        item(
            "Lao động học nghề có việc làm trong 6 tháng sau khóa học",
            "người",
            "trainees_employed",
            ind.TRAINEES_EMPLOYED,
            ind.TRAINEES_COMPLETED,
        ),
        item("Quỹ “Vì người nghèo”: số tiền vận động", "đồng", "fund_raised", ind.FUND_RAISED),
        Activity("Quỹ “Vì người nghèo”: số tiền đã chi hỗ trợ", "đồng", disbursed, None, None),
        item(
            "Cán bộ, công chức, viên chức đóng góp Quỹ “Vì người nghèo”",
            "người",
            "fund_staff_share",
            ind.FUND_STAFF_GAVE,
            ind.FUND_STAFF,
        ),
        item(
            "Hộ bị ảnh hưởng thiên tai, dịch bệnh được hỗ trợ",
            "hộ",
            "relief_coverage",
            ind.RELIEF_SUPPORTED,
            ind.RELIEF_AFFECTED,
        ),
    ]


def _targets(*, user: User, province: Area, year: int) -> list[TargetRow]:
    return [
        TargetRow(
            name=card.target.name or card.indicator_name,
            unit=card.unit,
            baseline=card.baseline,
            target=card.target_value,
            actual=card.actual,
            achieved=card.achieved,
            status=card.status_label,
            status_key=str(card.status),
        )
        for card in plan_selectors.target_cards(user=user, area=province, year=year)
    ]


def collect(*, user: User, org_unit: OrgUnit, kind: str, year: int) -> Figures:
    """The figures of a document of ``kind`` for ``year`` issued by ``org_unit`` (the department: its
    province's figures), as ``user`` may see them."""
    province = org_unit.area
    poverty_year, activity_year = figure_years(kind, year)
    with translation.override("vi"):
        rate_years = range(poverty_year - SERIES_YEARS + 1, poverty_year + 1)
        rates = []
        for y in rate_years:  # as plans.selectors.series computes them, one read of the year for both
            inputs = plan_selectors.area_inputs(user=user, area=province, year=y)
            poor = ind.indicator("poverty_rate").value(inputs)
            near = ind.indicator("near_poverty_rate").value(inputs)
            if poor is not None or near is not None:
                rates.append((y, poor, near))
        return Figures(
            kind=kind,
            year=year,
            province=province_name(province),
            department=org_unit.name,
            poverty_year=poverty_year,
            poverty=plan_selectors.area_inputs(user=user, area=province, year=poverty_year),
            activity_year=activity_year,
            activities=_activities(user=user, province=province, year=activity_year),
            rates=rates,
            targets=_targets(user=user, province=province, year=year),
            emulation=emulation_summary(user=user, year=activity_year),
            awards=award_summary(user=user, year=activity_year),
        )


# The tables ------------------------------------------------------------------------------------------
def poverty_table(f: Figures) -> Table:
    y = f.poverty_year
    rows: list[list[Cell]] = [
        ["1", "Tổng số hộ dân cư", "hộ", None, f.count(ind.HOUSEHOLDS)],
        ["2", "Số hộ nghèo", "hộ", f.count(ind.START_POOR), f.count(ind.POOR)],
        ["", "Tỷ lệ hộ nghèo", "%", f.start_poverty_rate, f.rate("poverty_rate")],
        ["3", "Số hộ cận nghèo", "hộ", f.count(ind.START_NEAR_POOR), f.count(ind.NEAR_POOR)],
        ["", "Tỷ lệ hộ cận nghèo", "%", f.start_near_poverty_rate, f.rate("near_poverty_rate")],
        ["4", "Số hộ thoát nghèo trong năm", "hộ", None, f.count(ind.ESCAPED_POVERTY)],
        ["5", "Số hộ tái nghèo trong năm", "hộ", None, f.count(ind.FALLEN_BACK)],
        ["6", "Số hộ nghèo phát sinh trong năm", "hộ", None, f.count(ind.NEWLY_POOR)],
        [
            "7",
            "Biến động khác của hộ nghèo (chuyển đến, chuyển đi, nhập, tách hộ)",
            "hộ",
            None,
            f.other_poor_changes,
        ],
        ["8", "Tỷ lệ hộ nghèo dân tộc thiểu số", "%", None, f.rate("em_poverty_rate")],
    ]
    return Table(
        key=TableKey.POVERTY,
        title=f"Kết quả rà soát hộ nghèo, hộ cận nghèo năm {y} tỉnh {f.province}",
        columns=["TT", "Chỉ tiêu", "Đơn vị tính", f"Đầu năm {y}", f"Cuối năm {y}"],
        rows=rows,
        widths=[1.2, 7.3, 2.2, 2.9, 2.9],
    )


def rate_table(f: Figures) -> Table:
    return Table(
        key=TableKey.POVERTY,
        title=f"Tỷ lệ hộ nghèo, hộ cận nghèo qua các năm tỉnh {f.province}",
        columns=["TT", "Năm", "Tỷ lệ hộ nghèo (%)", "Tỷ lệ hộ cận nghèo (%)"],
        rows=[[str(i), str(y), p, n] for i, (y, p, n) in enumerate(f.rates, start=1)],
        widths=[1.2, 4.3, 5.5, 5.5],
        text_columns=(),
        empty="Chưa có kết quả rà soát của các năm.",
    )


def rate_chart(f: Figures) -> Chart | None:
    if not f.rates:
        return None
    return Chart(
        key=TableKey.POVERTY,
        title=f"Tỷ lệ hộ nghèo, hộ cận nghèo tỉnh {f.province} qua các năm (%)",
        categories=[str(y) for y, _p, _n in f.rates],
        series=[
            ("Tỷ lệ hộ nghèo", [p for _y, p, _n in f.rates]),
            ("Tỷ lệ hộ cận nghèo", [n for _y, _p, n in f.rates]),
        ],
    )


def target_table(f: Figures) -> Table:
    return Table(
        key=TableKey.TARGETS,
        title=f"Các chỉ tiêu giảm nghèo năm {f.year} và tình hình thực hiện",
        columns=["TT", "Chỉ tiêu", "Đơn vị tính", "Năm gốc", "Kế hoạch", "Thực hiện", "Đạt (%)", "Đánh giá"],
        rows=[
            [str(i), t.name, t.unit, t.baseline, t.target, t.actual, t.achieved, t.status]
            for i, t in enumerate(f.targets, start=1)
        ],
        widths=[0.9, 4.6, 1.6, 1.7, 1.7, 1.7, 1.5, 2.8],
        text_columns=(1, 7),
        empty="Kế hoạch của tỉnh chưa có chỉ tiêu cho năm này.",
    )


def activity_table(f: Figures) -> Table:
    return Table(
        key=TableKey.ACTIVITIES,
        title=f"Kết quả thực hiện các hoạt động giảm nghèo năm {f.activity_year}",
        columns=["TT", "Nội dung", "Đơn vị tính", "Kết quả", "Trên tổng số", "Tỷ lệ (%)"],
        rows=[
            [str(i), a.name, a.unit, a.count, a.out_of, a.rate] for i, a in enumerate(f.activities, start=1)
        ],
        widths=[0.9, 6.6, 1.6, 2.9, 2.4, 2.0],
    )


def emulation_table(f: Figures) -> Table:
    e = f.emulation
    with translation.override("vi"):
        labels = {value: str(label) for value, label in RegistrationStatus.choices}
    rows: list[list[Cell]] = [
        [
            str(i),
            u.unit_name,
            labels.get(u.registration_status, "Chưa đăng ký"),
            u.collective_title,
            u.self_total,
            u.council_total,
            u.rank,
            u.initiatives,
        ]
        for i, u in enumerate(e.units, start=1)
    ]
    return Table(
        key=TableKey.EMULATION,
        title=f"Kết quả đăng ký, chấm điểm thi đua và sáng kiến năm {e.year}",
        columns=[
            "TT",
            "Đơn vị",
            "Đăng ký thi đua",
            "Danh hiệu đăng ký",
            "Điểm tự chấm",
            "Điểm Hội đồng",
            "Xếp hạng",
            "Sáng kiến được công nhận",
        ],
        rows=rows,
        widths=[0.9, 4.4, 2.2, 2.8, 1.6, 1.6, 1.4, 1.6],
        text_columns=(1, 2, 3),
        total=["", "Tổng cộng", f"{e.registered}/{e.participants}", "", None, None, None, e.initiatives]
        if rows
        else None,
        empty="Chưa có đơn vị tham gia phong trào thi đua của năm.",
    )


def award_table(f: Figures) -> Table:
    a = f.awards
    return Table(
        key=TableKey.AWARDS,
        title=f"Kết quả khen thưởng năm {a.year}",
        columns=[
            "TT",
            "Danh hiệu, hình thức khen thưởng",
            "Tập thể",
            "Cá nhân",
            "Hộ gia đình",
            "Tiền thưởng (đồng)",
        ],
        rows=[
            [str(i), r.title, r.collective, r.individual, r.household, r.amount]
            for i, r in enumerate(a.rows, start=1)
        ],
        widths=[0.9, 6.2, 1.8, 1.8, 1.9, 3.0],
        total=["", "Tổng cộng", a.collective, a.individual, a.household, a.amount] if a.rows else None,
        empty="Chưa có quyết định khen thưởng của năm.",
    )


def build_tables(f: Figures) -> dict[str, list[Table]]:
    return {
        TableKey.POVERTY: [poverty_table(f), rate_table(f)],
        TableKey.TARGETS: [target_table(f)],
        TableKey.ACTIVITIES: [activity_table(f)],
        TableKey.EMULATION: [emulation_table(f)],
        TableKey.AWARDS: [award_table(f)],
    }


def build_charts(f: Figures) -> dict[str, list[Chart]]:
    chart = rate_chart(f)
    return {TableKey.POVERTY: [chart]} if chart is not None else {}


# The document ----------------------------------------------------------------------------------------
def number_text(number: str, symbol: str) -> str:
    """ "12/BC-SNNMT"; a draft without its number keeps the blank the clerk fills in: "      /BC-SNNMT"."""
    return f"{number.strip() or ' ' * 6}/{symbol}"


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def document_data(*, user: User, document: OfficialDocument, sections: Sequence[object] = ()) -> DocumentData:
    """Everything the formatter prints: the document's own fields and narrative, and the tables and charts
    read now (as ``user`` sees them)."""
    figures = collect(user=user, org_unit=document.org_unit, kind=document.kind, year=document.year)
    rows = list(sections) or list(document.sections.all())
    return DocumentData(
        kind=document.kind,
        year=document.year,
        type_name=TYPE_NAME[DocumentKind(document.kind)][0],
        title=document.title,
        parent_body=document.parent_body,
        issuer=document.issuer,
        number=number_text(document.number, document.symbol),
        place=document.place,
        issued_on=document.issued_on,
        recipients=lines(document.recipients),
        signer_lines=lines(document.signer_title),
        signer_name=document.signer_name,
        sections=[
            SectionData(
                heading=getattr(s, "heading", ""),
                paragraphs=lines(getattr(s, "text", "")),
                tables=list(getattr(s, "table_keys", [])),
            )
            for s in rows
        ],
        tables=build_tables(figures),
        charts=build_charts(figures),
    )
