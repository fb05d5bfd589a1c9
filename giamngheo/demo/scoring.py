"""Demo emulation scoring: the criteria set of the year's plan of the department's movement (≈100 points,
entered and computed criteria mixed, a bonus and a penalty), open; most units have sent their
self-assessment, the council has scored some and returned one, and the Division of Rural Development and
Poverty Reduction (``truongphong``) has still to assess itself.

Everything goes through ``scoring.services``. Runs after ``seed_emulation``, ``seed_initiatives``,
``seed_unitreports`` and ``seed_fund`` (the computed criteria read them); does nothing when the year's plan of
the movement is missing, or when its set already exists. The criteria are samples (CHƯA XÁC NHẬN)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.emulation.models import MovementPlan
from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.scoring import services
from giamngheo.scoring.models import CriteriaSet, Criterion, ScoreEntry, ScoreSheet
from giamngheo.scoring.services import CriterionInput, EntryInput

D = Decimal
G1 = "I. Thực hiện nhiệm vụ chuyên môn được giao"
G2 = "II. Công tác thi đua, phong trào và sáng kiến"
G3 = "III. Điểm cộng, điểm trừ"
CRITERIA = (
    CriterionInput(
        "1",
        "Ban hành văn bản hướng dẫn, nhiệm vụ được giao đúng hạn",
        "quantity",
        G1,
        D(20),
        None,
        D(100),
        "target",
        "tasks_on_time",
    ),
    CriterionInput(
        "2",
        "Chỉ tiêu của kế hoạch giảm nghèo do đơn vị chủ trì đạt hoặc đúng tiến độ",
        "quantity",
        G1,
        D(20),
        None,
        D(100),
        "target",
        "unit_targets_on_track",
    ),
    CriterionInput(
        "3", "Gửi báo cáo định kỳ đúng hạn", "quantity", G1, D(10), None, D(100), "target", "reports_on_time"
    ),
    CriterionInput(
        "4",
        "Số hoạt động hỗ trợ giảm nghèo, truyền thông do đơn vị tham mưu, tổ chức trong năm",
        "quantity",
        G1,
        D(15),
        None,
        None,
        "best",
    ),
    CriterionInput(
        "5",
        "Tỷ lệ cán bộ, công chức, người lao động ủng hộ Quỹ “Vì người nghèo”",
        "quantity",
        G2,
        D(10),
        None,
        D(100),
        "target",
        "fund_staff_share",
    ),
    CriterionInput(
        "6",
        "Sáng kiến được công nhận trong năm (2,5 điểm/sáng kiến)",
        "count",
        G2,
        D(10),
        D("2.5"),
        source="initiatives_recognised",
    ),
    CriterionInput(
        "7", "Tổ chức phát động, tuyên truyền phong trào thi đua tại đơn vị", "pass_fail", G2, D(15)
    ),
    CriterionInput(
        "8", "Được cấp trên khen thưởng đột xuất trong năm (cộng 2 điểm/lần)", "bonus_penalty", G3, D(5), D(2)
    ),
    CriterionInput(
        "9",
        "Bị phê bình, nhắc nhở do chậm thực hiện nhiệm vụ (trừ 2 điểm/lần)",
        "bonus_penalty",
        G3,
        D(10),
        D(-2),
    ),
)
# The units the council has scored, returned, and left to assess themselves (by short name).
SCORED = ("VP", "TT", "KHTC", "TTKN")
RETURNED = ("QLĐĐ",)
NOT_SENT = ("PTNT-GN",)
RETURN_REASON = "Đề nghị bổ sung minh chứng cho tiêu chí 4 (danh sách hoạt động, văn bản tổ chức)."


@dataclass
class ScoringReport:
    criteria_set: CriteriaSet | None = None
    sheets: int = 0
    scored: int = 0


def _plan(department: OrgUnit, year: int) -> MovementPlan | None:
    return (
        MovementPlan.objects.filter(year=year, movement__organiser__path__startswith=department.path)
        .select_related("movement")
        .order_by("movement__pk", "pk")
        .first()
    )


def seed_scoring(*, province: Area, seed: int = 1, plan: MovementPlan | None = None) -> ScoringReport:
    """The demo set of ``plan`` (by default, the year's plan of the department's movement)."""
    report = ScoringReport()
    year = timezone.localdate().year
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None:
        return report
    plan = plan or _plan(department, year)
    if plan is None or CriteriaSet.objects.filter(plan=plan).exists():
        return report
    rng = random.Random(seed)  # noqa: S311 - demo data
    units = list(department.children.filter(is_active=True).order_by("path"))
    criteria_set = services.criteria_set_create(
        plan=plan,
        name=f"Bảng tiêu chí chấm điểm thi đua năm {year} – khối các phòng, đơn vị thuộc Sở",
        cluster="Khối các phòng, đơn vị thuộc Sở",
        units=units,
        self_deadline=dt.date(year, 12, 15),
        acting_user=None,
    )
    for order, data in enumerate(CRITERIA, start=1):
        services.criterion_create(
            criteria_set=criteria_set,
            data=replace(data, sort_order=order * 10),
            acting_user=None,
        )
    criteria_set = services.criteria_set_open(
        criteria_set=criteria_set, version=ANY_VERSION, acting_user=None
    )
    report.criteria_set = criteria_set
    council = User.objects.filter(username="hoidong").first()
    entered = {c.code: c for c in Criterion.objects.filter(criteria_set=criteria_set, source="")}
    for sheet in ScoreSheet.objects.filter(criteria_set=criteria_set).select_related("org_unit"):
        report.sheets += 1
        short = sheet.org_unit.short_name
        if short in NOT_SENT:
            continue
        values = {
            "4": EntryInput(D(rng.randint(3, 12)), "Báo cáo kết quả hoạt động năm của đơn vị (mẫu)"),
            "7": EntryInput(D(1), f"Kế hoạch phát động thi đua số {rng.randint(10, 99)}/KH (mẫu)"),
            "8": EntryInput(D(rng.choice([0, 0, 1])), ""),
            "9": EntryInput(D(rng.choice([0, 0, 0, 1])), ""),
        }
        sheet = services.sheet_self_save(
            sheet=sheet,
            entries={entered[code].pk: value for code, value in values.items()},
            version=ANY_VERSION,
            acting_user=None,
        )
        sheet = services.sheet_submit(sheet=sheet, version=ANY_VERSION, acting_user=None)
        if short in RETURNED:
            services.sheet_return(sheet=sheet, reason=RETURN_REASON, version=ANY_VERSION, acting_user=council)
        elif short in SCORED:
            own = values["4"].value or D(0)
            council_values = {entered["4"].pk: max(own - rng.choice([0, 1, 2]), D(0))}
            note = "Hội đồng thống nhất điểm của đơn vị, điều chỉnh tiêu chí 4 theo minh chứng."
            # A computed criterion without data (no task due, no target owned): the council judges it met.
            unknown = ScoreEntry.objects.filter(sheet=sheet, council_value__isnull=True).select_related(
                "criterion"
            )
            for entry in unknown:
                council_values[entry.criterion_id] = entry.criterion.target or D(0)
            if unknown:
                note += " Tiêu chí chưa phát sinh số liệu được tính đạt theo đánh giá của Hội đồng."
            sheet = services.sheet_council_save(
                sheet=sheet,
                values=council_values,
                note=note,
                version=ANY_VERSION,
                acting_user=council,
            )
            services.sheet_score(sheet=sheet, version=ANY_VERSION, acting_user=council)
            report.scored += 1
    return report
