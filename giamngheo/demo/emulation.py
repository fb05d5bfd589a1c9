"""Demo emulation movement of the department: "Vì người nghèo – Không để ai bị bỏ lại phía sau" 2024–2026
(launched by the department's director, after the Prime Minister's plan QĐ 666/QĐ-TTg), its plans for 2025
and 2026, every division and unit taking part; the 2026 registrations — most approved, one awaiting approval,
one returned with a reason, one unit not registered (PTNT-GN, truongphong's division, approved with its
staff's titles) —; the 2025 registrations all approved; and about twelve guidance tasks of 2026 over the
divisions, mixed on time, late and open.

Everything goes through ``emulation.services``, acted by the demo accounts when they exist (``vanphong`` for
the office, ``truongphong`` for the poverty division; the system otherwise); the sent/decided times are then
set to plausible days of the year (the audit keeps the real times). Safe to run again: a department that
already has the movement is left alone. Document numbers are samples (CHƯA XÁC NHẬN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.commendation.models import Title
from giamngheo.emulation import services
from giamngheo.emulation.models import GuidanceTask, Movement, MovementKind, MovementPlan, Registration
from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

NAME = "Vì người nghèo – Không để ai bị bỏ lại phía sau"
YEARS = (2024, 2026)
LDTT, CSTDCS = "lao-dong-tien-tien", "chien-si-thi-dua-co-so"
TTLDTT, TTLDXS = "tap-the-lao-dong-tien-tien", "tap-the-lao-dong-xuat-sac"
GIAY_KHEN = "giay-khen-ca-nhan"

GOALS = (
    "Huy động toàn thể công chức, viên chức, người lao động của Sở và các đơn vị trực thuộc chung tay thực "
    "hiện mục tiêu giảm nghèo đa chiều, bao trùm, bền vững; hạn chế tái nghèo và phát sinh nghèo.\n"
    "- Tỷ lệ hộ nghèo đa chiều của tỉnh giảm bình quân 1–1,5 %/năm; hộ nghèo dân tộc thiểu số giảm trên "
    "3 %/năm.\n"
    "- 100 % hộ nghèo, hộ cận nghèo được hưởng đầy đủ, kịp thời các chính sách hỗ trợ theo quy định.\n"
    "- 100 % cán bộ làm công tác giảm nghèo cấp xã được tập huấn, bồi dưỡng nghiệp vụ.\n"
    "- 100 % công chức, viên chức, người lao động tham gia ủng hộ Quỹ “Vì người nghèo”."
)
CONTENT = (
    "1. Tham mưu kịp thời các văn bản chỉ đạo, hướng dẫn thực hiện Chương trình mục tiêu quốc gia giảm "
    "nghèo bền vững và rà soát hộ nghèo, hộ cận nghèo hằng năm.\n"
    "2. Theo dõi, đôn đốc các xã, phường thực hiện chính sách giảm nghèo; giải ngân vốn đúng tiến độ.\n"
    "3. Tập huấn, nâng cao năng lực cho đội ngũ cán bộ giảm nghèo cơ sở.\n"
    "4. Tuyên truyền, nhân rộng các mô hình giảm nghèo hiệu quả, gương điển hình thoát nghèo.\n"
    "5. Vận động ủng hộ Quỹ “Vì người nghèo” trong Tháng cao điểm (17/10 – 18/11)."
)
CRITERIA = (
    "- Ban hành văn bản hướng dẫn được giao đúng hạn (tỷ lệ đúng hạn).\n"
    "- Kết quả giảm nghèo thuộc lĩnh vực đơn vị phụ trách so với chỉ tiêu được giao.\n"
    "- Công tác tuyên truyền, phổ biến mô hình giảm nghèo.\n"
    "- Tỷ lệ công chức, viên chức, người lao động tham gia ủng hộ Quỹ “Vì người nghèo”.\n"
    "- Sáng kiến, giải pháp được công nhận trong năm."
)
COMMITMENTS = {
    "PTNT-GN": (
        "Phấn đấu hoàn thành xuất sắc nhiệm vụ năm 2026: tham mưu ban hành đúng hạn 100 % văn bản hướng dẫn "
        "rà soát hộ nghèo, hộ cận nghèo; giảm tỷ lệ hộ nghèo đa chiều toàn tỉnh 1,2 %; 100 % cán bộ giảm "
        "nghèo cấp xã được tập huấn; 100 % công chức của phòng ủng hộ Quỹ “Vì người nghèo”."
    ),
    "VP": (
        "Hoàn thành tốt công tác tổng hợp, thi đua – khen thưởng của Sở; tổng hợp báo cáo định kỳ đúng hạn; "
        "100 % công chức, người lao động tham gia phong trào và ủng hộ Quỹ “Vì người nghèo”."
    ),
    "KHTC": (
        "Tham mưu phân bổ, giải ngân vốn Chương trình mục tiêu quốc gia giảm nghèo bền vững đạt trên 95 % kế "
        "hoạch; thẩm định dự toán đúng thời hạn."
    ),
    "TTKN": (
        "Xây dựng và nhân rộng 5 mô hình khuyến nông hỗ trợ sinh kế cho hộ nghèo, hộ cận nghèo; tập huấn kỹ "
        "thuật cho 500 lượt hộ."
    ),
    "VPĐP": (
        "Đôn đốc, tổng hợp tiến độ thực hiện các chương trình mục tiêu quốc gia hằng quý; phối hợp kiểm tra "
        "tại 10 xã khó khăn."
    ),
    "TT": (
        "Kiểm tra việc thực hiện chính sách giảm nghèo tại 6 xã; giải quyết 100 % đơn thư về rà soát hộ "
        "nghèo đúng thời hạn."
    ),
    "QLĐĐ": "Thực hiện tốt nhiệm vụ chuyên môn và phong trào thi đua.",
}
RETURN_REASON = (
    "Bản đăng ký chưa nêu chỉ tiêu cụ thể gắn với nhiệm vụ giảm nghèo của phòng (hỗ trợ đất ở, đất sản xuất "
    "cho hộ nghèo dân tộc thiểu số); đề nghị bổ sung và gửi lại."
)
INITIATIVES = (
    "Ứng dụng bảng tính tự động hóa tổng hợp kết quả rà soát hộ nghèo cấp xã",
    "Quy trình phối hợp giải ngân vốn hỗ trợ sinh kế theo nhóm hộ",
)
# short name of the division, task, document to issue, (month, day) of the deadline, state:
# "on_time" issued days before; "late" issued after; "open" not yet issued.
TASKS = [
    ("PTNT-GN", "Hướng dẫn rà soát hộ nghèo, hộ cận nghèo năm 2026", "Hướng dẫn của Sở", (8, 31), "on_time"),
    ("PTNT-GN", "Kế hoạch thực hiện Chương trình MTQG giảm nghèo năm 2026", "Kế hoạch", (2, 28), "on_time"),
    ("PTNT-GN", "Hướng dẫn hỗ trợ nhà ở cho hộ nghèo", "Hướng dẫn của Sở", (5, 15), "late"),
    ("PTNT-GN", "Báo cáo sơ kết 6 tháng phong trào thi đua", "Báo cáo", (7, 10), "on_time"),
    (
        "KHTC",
        "Hướng dẫn lập dự toán vốn sự nghiệp Chương trình MTQG",
        "Công văn hướng dẫn",
        (3, 31),
        "on_time",
    ),
    ("KHTC", "Thông báo phân bổ vốn đợt 2", "Thông báo", (6, 30), "late"),
    ("VP", "Kế hoạch tổ chức Tháng cao điểm “Vì người nghèo”", "Kế hoạch", (9, 30), "on_time"),
    ("VP", "Hướng dẫn bình xét thi đua, khen thưởng năm 2026", "Hướng dẫn của Sở", (11, 15), "open"),
    ("VPĐP", "Hướng dẫn kiểm tra, giám sát Chương trình MTQG", "Hướng dẫn của Sở", (4, 30), "on_time"),
    ("TTKN", "Hướng dẫn xây dựng mô hình sinh kế cho hộ nghèo", "Hướng dẫn kỹ thuật", (3, 15), "late"),
    ("TT", "Kế hoạch thanh tra việc thực hiện chính sách giảm nghèo", "Kế hoạch thanh tra", (10, 31), "open"),
    (
        "QLĐĐ",
        "Hướng dẫn hỗ trợ đất sản xuất cho hộ nghèo dân tộc thiểu số",
        "Hướng dẫn của Sở",
        (12, 31),
        "open",
    ),
]


@dataclass
class EmulationReport:
    movement: Movement | None = None
    registrations: int = 0
    lines: int = 0
    tasks: int = 0


def _account(username: str) -> User | None:
    """A demo account (the office, the poverty division's head) acting in the demo, when it exists; the
    system otherwise."""
    return User.objects.filter(username=username, is_active=True).first()


def _title(code: str) -> Title | None:
    return Title.objects.filter(code=code).order_by("-valid_from").first()


def _register(
    *,
    plan: MovementPlan,
    unit: OrgUnit,
    state: str,
    sent_on: dt.date,
    collective: Title | None,
    titles: dict[str, Title | None],
    report: EmulationReport,
    office: User | None,
    unit_user: User | None,
) -> None:
    """One unit's registration brought to ``state`` ("approved", "sent", "returned") through the services."""
    reg = services.registration_create(
        plan=plan,
        org_unit=unit,
        commitments=COMMITMENTS.get(unit.short_name, COMMITMENTS["QLĐĐ"]),
        collective_title=collective,
        acting_user=unit_user,
    )
    report.registrations += 1
    staff = list(Staff.objects.filter(org_unit=unit, is_active=True).order_by("pk"))
    for i, person in enumerate(staff):
        head = i == 0
        title = titles[CSTDCS] if head else titles[LDTT]
        if title is None:
            continue
        services.line_add(
            registration=reg,
            staff=person,
            title=title,
            form=titles[GIAY_KHEN] if head and unit.short_name == "PTNT-GN" else None,
            initiative_topic=INITIATIVES[i % len(INITIATIVES)]
            if head or (i == 1 and unit.short_name == "PTNT-GN")
            else "",
            acting_user=unit_user,
        )
        report.lines += 1
    reg.refresh_from_db()
    services.registration_send(registration=reg, version=reg.version, acting_user=unit_user)
    reg.refresh_from_db()
    decided_on = sent_on + dt.timedelta(days=6)
    if state == "approved":
        services.registration_approve(registration=reg, version=reg.version, acting_user=office)
    elif state == "returned":
        services.registration_return(
            registration=reg, reason=RETURN_REASON, version=reg.version, acting_user=office
        )
    # Plausible days of the year rather than the moment the demo runs (the audit keeps the real times).
    noon = dt.time(9, 30)
    tz = timezone.get_current_timezone()
    Registration.objects.filter(pk=reg.pk).update(
        sent_at=dt.datetime.combine(sent_on, noon, tzinfo=tz),
        decided_at=dt.datetime.combine(decided_on, noon, tzinfo=tz) if state != "sent" else None,
    )


def seed_emulation(*, province: Area) -> EmulationReport:
    report = EmulationReport()
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None or Movement.objects.filter(organiser=department, name=NAME).exists():
        return report
    units = list(
        OrgUnit.objects.filter(
            parent=department,
            kind__in=(OrgUnitKind.DIVISION, OrgUnitKind.AFFILIATED_UNIT),
            is_active=True,
        ).order_by("path")
    )
    if not units:
        return report
    office = _account("vanphong")
    movement = services.movement_create(
        organiser=department,
        data={
            "name": NAME,
            "theme": "Chung tay giảm nghèo đa chiều, bao trùm, bền vững giai đoạn 2024–2026",
            "kind": MovementKind.THEMATIC,
            "year_from": YEARS[0],
            "year_to": YEARS[1],
            "launch_number": "45/KH-SNNMT (mẫu)",
            "launch_date": dt.date(2024, 3, 15),
            "launch_issuer": "Giám đốc Sở Nông nghiệp và Môi trường",
            "goals": GOALS,
            "content": CONTENT,
            "criteria_text": CRITERIA,
            "all_staff": True,
        },
        participants=units,
        acting_user=office,
    )
    report.movement = movement
    plans = {}
    for year, number, day in (
        (2025, "18/KH-SNNMT (mẫu)", dt.date(2025, 2, 20)),
        (2026, "21/KH-SNNMT (mẫu)", dt.date(2026, 2, 24)),
    ):
        plans[year] = services.plan_create(
            movement=movement,
            data={
                "year": year,
                "title": f"Kế hoạch tiếp tục thực hiện phong trào thi đua “{NAME}” năm {year}",
                "document_number": number,
                "document_date": day,
                "content": (
                    f"Tiếp tục triển khai các nội dung của phong trào trong năm {year}; các phòng, đơn vị "
                    f"đăng ký thi đua trước ngày 31/3/{year}; sơ kết 6 tháng vào tháng 7 và tổng kết vào "
                    "tháng 12."
                ),
                "registration_deadline": dt.date(year, 3, 31),
                "interim_review_on": dt.date(year, 7, 15),
                "final_review_on": dt.date(year, 12, 20),
            },
            acting_user=office,
        )
    titles = {code: _title(code) for code in (LDTT, CSTDCS, GIAY_KHEN)}
    head = _account("truongphong")
    head_of = {"PTNT-GN": head} if head is not None else {}
    by_short = {u.short_name: u for u in units}
    # 2025: every unit registered and was approved.
    for i, unit in enumerate(units):
        _register(
            plan=plans[2025],
            unit=unit,
            state="approved",
            sent_on=dt.date(2025, 3, 10 + i),
            collective=_title(TTLDXS if unit.short_name == "PTNT-GN" else TTLDTT),
            titles=titles,
            report=report,
            office=office,
            unit_user=head_of.get(unit.short_name),
        )
    # 2026: most approved, TT awaiting, QLĐĐ returned, TTDVNN not registered.
    states = {"TT": "sent", "QLĐĐ": "returned", "TTDVNN": None}
    for i, unit in enumerate(units):
        state = states.get(unit.short_name, "approved")
        if state is None:
            continue
        _register(
            plan=plans[2026],
            unit=unit,
            state=state,
            sent_on=dt.date(2026, 3, 9 + 2 * i),
            collective=_title(TTLDXS if unit.short_name in ("PTNT-GN", "VP") else TTLDTT),
            titles=titles,
            report=report,
            office=office,
            unit_user=head_of.get(unit.short_name),
        )
    report.tasks = _seed_tasks(by_short, office, head_of)
    return report


def _seed_tasks(by_short: dict[str, OrgUnit], office: User | None, head_of: dict[str, User]) -> int:
    year = 2026
    if GuidanceTask.objects.filter(year=year, org_unit__in=list(by_short.values())).exists():
        return 0
    today = timezone.localdate()
    count = 0
    for short, title, document, (month, day), state in TASKS:
        unit = by_short.get(short)
        if unit is None:
            continue
        deadline = dt.date(year, month, day)
        task = services.task_create(
            org_unit=unit,
            data={
                "year": year,
                "title": title,
                "document": document,
                "source": "Kế hoạch 21/KH-SNNMT (mẫu)",
                "deadline": deadline,
                "note": "",
            },
            acting_user=office,
        )
        count += 1
        issued = deadline - dt.timedelta(days=5) if state == "on_time" else deadline + dt.timedelta(days=12)
        if state != "open" and issued <= today:
            services.task_issue(
                task=task,
                issued_on=issued,
                document_number=f"{100 + count}/HD-SNNMT (mẫu)",
                version=task.version,
                acting_user=head_of.get(short),
            )
    return count
