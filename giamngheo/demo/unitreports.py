"""Demo periodic reports from units: the quarterly report on the emulation movement and poverty reduction,
requested for Q1–Q3 2026 and the current quarter; most units submitted (some late, one missing, one within an
extension), approvals at both levels for the older quarters, one returned with comments; a unit merged into
another on 30/06/2026, so expected only for Q1–Q2; the PTNT-GN division still has the current quarter's
report to submit.

Everything goes through ``unitreports.services`` and ``org.services`` (audited as "system"; the moments of
the changes are given, so that timeliness and history read as if they had happened then). Safe to run again:
a province whose department already has the template is left alone. Figures and texts are samples."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.org.services import org_unit_create, org_unit_update
from giamngheo.unitreports import services
from giamngheo.unitreports.models import FieldKind, ReportRequest, ReportTemplate, UnitReport
from giamngheo.unitreports.periods import current_period

TEMPLATE_NAME = "Báo cáo kết quả thực hiện phong trào thi đua và công tác giảm nghèo"
YEAR = 2026
FIGURES = (
    ("Số văn bản chỉ đạo, hướng dẫn ban hành", "văn bản", True, (1, 6)),
    ("Số hộ nghèo, hộ cận nghèo được hỗ trợ", "hộ", True, (10, 120)),
    ("Số lượt cán bộ tham gia tập huấn", "người", False, (3, 25)),
    ("Số tiền vận động Quỹ “Vì người nghèo”", "đồng", False, (20, 300)),  # × 100.000 đ
)
NARRATIVES = (
    (
        "Kết quả nổi bật",
        True,
        (
            "Hoàn thành 100 % văn bản chỉ đạo đúng hạn; phối hợp các xã rà soát hộ nghèo phát sinh.",
            "Tổ chức hội nghị triển khai phong trào thi đua “Cả nước chung tay vì người nghèo”.",
            "Hỗ trợ giống cây trồng, vật nuôi cho hộ nghèo tại các xã đặc biệt khó khăn.",
            "Tập huấn nghiệp vụ giảm nghèo cho cán bộ cấp xã; vận động quỹ vượt chỉ tiêu.",
        ),
    ),
    (
        "Tồn tại, hạn chế",
        False,
        (
            "Một số văn bản ban hành chậm so với kế hoạch.",
            "Số liệu của một số xã gửi chậm, chưa đầy đủ.",
            "Nguồn lực hỗ trợ sinh kế còn hạn chế.",
        ),
    ),
    (
        "Phương hướng, nhiệm vụ quý tới",
        True,
        (
            "Tiếp tục đôn đốc các xã hoàn thành chỉ tiêu giảm nghèo năm 2026.",
            "Chuẩn bị sơ kết phong trào thi đua, đề xuất khen thưởng tập thể, cá nhân tiêu biểu.",
            "Triển khai rà soát hộ nghèo, hộ cận nghèo cuối năm theo chuẩn mới.",
        ),
    ),
)
MERGED = ("Chi cục Phát triển nông thôn", "CCPTNT")
MERGED_SOURCE = (
    "Quyết định sáp nhập Chi cục Phát triển nông thôn vào Phòng PTNT-GN từ 01/07/2026 (dữ liệu mẫu)"
)
RETURN_COMMENTS = (
    "Đề nghị bổ sung số hộ nghèo được hỗ trợ chia theo từng xã và gửi lại trước ngày 20/10/2026."
)


@dataclass
class UnitReportsReport:
    template: ReportTemplate | None = None
    requests: list[ReportRequest] = field(default_factory=list)
    submitted: int = 0


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def _template() -> ReportTemplate:
    template = services.template_create(
        name=TEMPLATE_NAME,
        period_kind="quarter",
        description="Các phòng, đơn vị thuộc Sở báo cáo hằng quý, gửi Văn phòng Sở tổng hợp (mẫu).",
        acting_user=None,
    )
    for label, unit, required, _range in FIGURES:
        services.field_add(
            template=template,
            kind=FieldKind.FIGURE,
            label=label,
            unit=unit,
            required=required,
            acting_user=None,
        )
    for label, required, _texts in NARRATIVES:
        services.field_add(
            template=template, kind=FieldKind.TEXT, label=label, required=required, acting_user=None
        )
    return template


def _merged_unit(department: OrgUnit) -> OrgUnit:
    unit = OrgUnit.objects.filter(path__startswith=department.path, short_name=MERGED[1]).first()
    if unit is None:
        unit = org_unit_create(
            name=MERGED[0],
            short_name=MERGED[1],
            kind=OrgUnitKind.AFFILIATED_UNIT,
            parent=department,
            area=department.area,
            legal_source=MERGED_SOURCE,
            valid_from=dt.date(2025, 3, 1),
            acting_user=None,
        )
    if unit.valid_to is None:
        unit = org_unit_update(unit=unit, valid_to=dt.date(2026, 6, 30), is_active=False, acting_user=None)
    return unit


def _fill(report: UnitReport, rng: random.Random, *, when: dt.datetime, partial: bool = False) -> UnitReport:
    fields = list(report.request.template.fields.order_by("sort_order", "pk"))
    figures = {f.label: f for f in fields if f.kind == FieldKind.FIGURE}
    texts = {f.label: f for f in fields if f.kind == FieldKind.TEXT}
    values: dict[int, Decimal | str | None] = {}
    for label, _unit, required, (low, high) in FIGURES:
        number: Decimal | None = Decimal(rng.randint(low, high))
        if label.startswith("Số tiền"):
            number = Decimal(rng.randint(low, high) * 100_000)
        if not required and rng.random() < 0.25:
            number = None  # not known: not a zero
        if partial and rng.random() < 0.5:
            number = None
        values[figures[label].pk] = number
    for label, required, choices in NARRATIVES:
        if partial and not required:
            continue
        values[texts[label].pk] = rng.choice(choices)
    return services.report_save(
        report=report, values=values, version=report.version, acting_user=None, when=when
    )


def seed_unitreports(*, province: Area, seed: int = 1) -> UnitReportsReport:
    result = UnitReportsReport()
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None or ReportTemplate.objects.filter(name=TEMPLATE_NAME).exists():
        return result
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    merged = _merged_unit(department)
    template = _template()
    result.template = template
    periods = [(YEAR, 1), (YEAR, 2), (YEAR, 3)]
    current = (today.year, current_period("quarter", today))
    if current not in periods and current[0] >= YEAR:
        periods.append(current)  # type: ignore[arg-type]
    for year, quarter in periods:
        assert quarter is not None  # noqa: S101
        end_month = quarter * 3
        due = dt.date(year + (1 if end_month == 12 else 0), 1 if end_month == 12 else end_month + 1, 10)
        request = services.request_create(
            template=template, year=year, period=quarter, due_date=due, organiser=department, acting_user=None
        )
        result.requests.append(request)
        reports = list(
            UnitReport.objects.filter(request=request).select_related("org_unit", "request__template")
        )
        if due >= today:  # still open: a few drafts, the PTNT-GN division's untouched
            for report in reports:
                if report.org_unit.short_name != "PTNT-GN" and rng.random() < 0.4:
                    _fill(report, rng, when=_at(today), partial=True)
            continue
        _past_request(request, reports, rng, quarter=quarter, today=today, merged=merged, result=result)
    return result


def _past_request(
    request: ReportRequest,
    reports: list[UnitReport],
    rng: random.Random,
    *,
    quarter: int,
    today: dt.date,
    merged: OrgUnit,
    result: UnitReportsReport,
) -> None:
    due = request.due_date
    late = {1: "KHTC", 2: "TT", 3: "TTKN"}.get(quarter)
    missing = "TTDVNN" if quarter == 3 else None
    extended = "QLĐĐ" if quarter == 3 else None
    returned = "VPĐP" if quarter == 3 else None
    if extended:
        unit = next((r.org_unit for r in reports if r.org_unit.short_name == extended), None)
        if unit is not None:
            services.exception_grant(
                request=request,
                org_unit=unit,
                until=due + dt.timedelta(days=7),
                reason="Đơn vị đề nghị gia hạn do chờ số liệu tổng hợp từ các xã (mẫu).",
                acting_user=None,
            )
    for report in reports:
        short = report.org_unit.short_name
        if short == missing:
            continue
        if short == late:
            day = due + dt.timedelta(days=rng.randint(2, 6))
        elif short == extended:
            day = due + dt.timedelta(days=5)
        else:
            day = due - dt.timedelta(days=rng.randint(0, 8))
        day = min(day, today)
        report = _fill(report, rng, when=_at(day, 8))
        report = services.report_submit(
            report=report, version=report.version, acting_user=None, when=_at(day)
        )
        result.submitted += 1
        if short == returned:
            services.report_return(
                report=report,
                comments=RETURN_COMMENTS,
                version=report.version,
                acting_user=None,
                when=_at(min(day + dt.timedelta(days=2), today), 14),
            )
            continue
        office_day = min(day + dt.timedelta(days=rng.randint(1, 4)), today)
        if quarter == 3 and rng.random() < 0.4:
            continue  # awaiting the office
        report = services.report_office_approve(
            report=report, version=report.version, acting_user=None, when=_at(office_day, 15)
        )
        if quarter == 3 and report.org_unit != merged:
            continue  # awaiting the leader
        services.report_leader_approve(
            report=report,
            version=report.version,
            acting_user=None,
            when=_at(min(office_day + dt.timedelta(days=rng.randint(2, 6)), today), 16),
        )
