"""Demo plans: the province's 2024 plan of the movement "Vì người nghèo – Không để ai bị bỏ lại phía sau"
(QĐ 666/QĐ-TTg of 02/06/2022 launched the movement for 2021–2025), carried into each year the demo has a
review round, with its targets, their split across the communes, the thresholds and a priority list.

Everything goes through ``plans.services`` (audited as "system"). Safe to run again: a province that has
plans is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit
from giamngheo.plans import services
from giamngheo.plans.indicators import Direction, indicator
from giamngheo.plans.models import Plan
from giamngheo.plans.selectors import area_inputs, commune_inputs, ranking
from giamngheo.reviews.models import ReviewRound

MOVEMENT_NAME = "Phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau”"
MOVEMENT = f"{MOVEMENT_NAME} giai đoạn 2021–2025"
NOTE = (
    "Căn cứ Quyết định 666/QĐ-TTg ngày 02/06/2022 của Thủ tướng Chính phủ ban hành Kế hoạch tổ chức thực "
    "hiện Phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau” giai đoạn 2021–2025 (đã xác "
    "nhận). Số, ngày và cơ quan ban hành kế hoạch của tỉnh là dữ liệu mẫu (CHƯA XÁC NHẬN), cần thay bằng văn "
    "bản thật; các chỉ tiêu theo kế hoạch mẫu: tỷ lệ hộ nghèo giảm 0,15 điểm/năm, giảm 500 hộ nghèo, "
    "100 % hộ đủ điều kiện được hưởng chính sách, 100 % cán bộ giảm nghèo cơ sở được tập huấn."
)
RATE_STEP = Decimal("0.15")
FALLBACK_RATE = Decimal("1.03")  # Bình Phước, early 2023 (legal-facts: SGGPN-BP), when no round is known
ESCAPED_TARGET = 500  # the sample plan's figure for the whole province (about 1 million households)
ESCAPED_SHARE = Decimal("0.35")  # a smaller demo: this share of the poor households at the start of the year
REPORTED_SHARE = 3  # one commune in REPORTED_SHARE has not reported the current quarter yet
THRESHOLDS = {"poverty_rate": (100, 80), "policy_coverage": (95, 80), "escaped_poverty": (100, 75)}
PLAN_YEAR = 2024


def _pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII): the demo evidence of a reported value."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """``total`` split in proportion to ``weights`` (largest remainders): the parts add up to ``total``."""
    whole = sum(weights.values())
    if whole <= 0:
        return {}
    exact = {k: Decimal(total) * w / whole for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), k))[: total - sum(parts.values())]:
        parts[k] += 1
    return parts


# Targets on the activities' indicators: (name, indicator, target, responsible unit's short name).
ACTIVITY_TARGETS = (
    (
        "Ít nhất 70 % người lao động học nghề có việc làm sau đào tạo",
        "trainees_employed",
        Decimal(70),
        "PTNT-GN",
    ),
    (
        "100 % cán bộ, công chức, viên chức, người lao động ủng hộ Quỹ “Vì người nghèo”",
        "fund_staff_share",
        Decimal(100),
        "VP",
    ),
    ("Vận động Quỹ “Vì người nghèo” đạt 300 triệu đồng", "fund_raised", Decimal(300_000_000), "VP"),
    (
        "100 % hộ bị ảnh hưởng bởi thiên tai, dịch bệnh được hỗ trợ kịp thời",
        "relief_coverage",
        Decimal(100),
        "PTNT-GN",
    ),
)


def seed_plans(*, province: Area) -> int:
    """The demo plans of ``province``; returns the number of plans created."""
    if Plan.objects.filter(province=province).exists():
        return 0
    viewer = (
        User.objects.filter(role=Role.PROVINCIAL_SPECIALIST, scope_areas=province).order_by("pk").first()
        or User.objects.filter(is_superuser=True).first()
    )
    years = sorted(
        {PLAN_YEAR} | set(ReviewRound.objects.filter(province=province).values_list("year", flat=True))
    )
    division = OrgUnit.objects.filter(area=province, short_name="PTNT-GN").first()
    office = OrgUnit.objects.filter(area=province, short_name="VP").first()
    officer_communes = set(
        Area.objects.filter(
            parent=province, scoped_users__role=Role.COMMUNE_OFFICER, level=AreaLevel.COMMUNE
        ).values_list("name", flat=True)
    )
    communes = list(Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True))
    for key, (on_track, at_risk) in THRESHOLDS.items():
        services.threshold_set(
            province=province,
            indicator_key=key,
            on_track=on_track,
            at_risk=at_risk,
            version=ANY_VERSION,
            acting_user=None,
        )
    rate = indicator("poverty_rate")

    def value_in(area: Area, year: int) -> Decimal | None:
        return rate.value(area_inputs(user=viewer, area=area, year=year)) if viewer is not None else None

    def escaped_target(year: int) -> int:
        """The households to take out of poverty in ``year``: the plan's 500, or, in a demo smaller than a
        province, ``ESCAPED_SHARE`` of the poor households at the start of the year."""
        inputs = area_inputs(user=viewer, area=province, year=year) if viewer is not None else {}
        start = inputs.get("start_poor")
        if start is None or start * 4 >= ESCAPED_TARGET:
            return ESCAPED_TARGET
        return max(1, int((Decimal(start) * ESCAPED_SHARE).to_integral_value()))

    def start_rate(year: int) -> Decimal | None:
        """The rate at the start of ``year`` (its round's start-of-year poor households)."""
        inputs = area_inputs(user=viewer, area=province, year=year) if viewer is not None else {}
        if not inputs.get("households") or inputs.get("start_poor") is None:
            return None
        return (Decimal(inputs["start_poor"]) * 100 / Decimal(inputs["households"])).quantize(Decimal("0.01"))

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    created = 0
    for year in years:
        carried = year != PLAN_YEAR
        plan = services.plan_create(
            province=province,
            year_from=year,
            year_to=year,
            title=f"Kế hoạch thực hiện {MOVEMENT_NAME} năm {year}",
            issuing_body=f"Ủy ban nhân dân {province.name}",
            document_number=f"{100 + year % 100}/KH-UBND (mẫu)",
            document_date=dt.date(year, 2, 15),
            movement=MOVEMENT,
            note=NOTE + (f" Chuyển tiếp các chỉ tiêu của kế hoạch năm {PLAN_YEAR}." if carried else ""),
            acting_user=None,
        )
        created += 1
        deadline = dt.date(year, 12, 31)
        known = value_in(province, year - 1)
        later = next(
            (v for y in range(year, years[-1] + 1) if (v := value_in(province, y)) is not None), None
        )
        baseline = known if known is not None else start_rate(year)
        if baseline is None:
            baseline = later + RATE_STEP if later is not None else FALLBACK_RATE
        poverty = services.target_create(
            plan=plan,
            name="Tỷ lệ hộ nghèo đa chiều giảm 0,15 điểm phần trăm trong năm",
            indicator_key="poverty_rate",
            baseline_value=baseline,
            baseline_year=year - 1,
            target_value=max(Decimal(0), baseline - RATE_STEP),
            direction=Direction.DOWN,
            deadline=deadline,
            responsible_unit=division,
            sort_order=1,
            acting_user=None,
        )
        escaped_goal = escaped_target(year)
        escaped = services.target_create(
            plan=plan,
            name=f"Giảm {escaped_goal} hộ nghèo (ít nhất {escaped_goal} hộ thoát nghèo trong năm)",
            indicator_key="escaped_poverty",
            baseline_value=Decimal(0),
            baseline_year=year - 1,
            target_value=Decimal(escaped_goal),
            direction=Direction.UP,
            deadline=deadline,
            responsible_unit=division,
            sort_order=2,
            acting_user=None,
        )
        services.target_create(
            plan=plan,
            name="100 % hộ đủ điều kiện được hưởng đầy đủ các chính sách hỗ trợ",
            indicator_key="policy_coverage",
            baseline_value=Decimal(0),
            baseline_year=year,
            target_value=Decimal(100),
            direction=Direction.UP,
            deadline=deadline,
            responsible_unit=division,
            sort_order=3,
            acting_user=None,
        )
        services.target_create(
            plan=plan,
            name="100 % cán bộ làm công tác giảm nghèo cấp cơ sở được tập huấn",
            indicator_key="officers_trained",
            baseline_value=Decimal(0),
            baseline_year=year,
            target_value=Decimal(100),
            direction=Direction.UP,
            deadline=deadline,
            responsible_unit=division,
            sort_order=5,
            acting_user=None,
        )
        # The programme's activities (issue 15): measured from the apps' records.
        for order, (name, key, goal, unit) in enumerate(ACTIVITY_TARGETS, start=6):
            services.target_create(
                plan=plan,
                name=name,
                indicator_key=key,
                baseline_value=Decimal(0),
                baseline_year=year,
                target_value=goal,
                direction=Direction.UP,
                deadline=deadline,
                responsible_unit=office if unit == "VP" and office is not None else division,
                sort_order=order,
                acting_user=None,
            )
        trained = services.target_create(
            plan=plan,
            name="Giải ngân 100 % vốn Chương trình MTQG giảm nghèo bền vững được giao",
            indicator_key="programme_disbursement",
            baseline_value=Decimal(0),
            baseline_year=year,
            target_value=Decimal(100),
            direction=Direction.UP,
            deadline=deadline,
            responsible_unit=division,
            sort_order=4,
            acting_user=None,
        )
        current = year >= today.year
        services.report_create(
            target=trained,
            area=province,
            year=year,
            quarter=max(1, quarter - 1) if current else None,
            value=Decimal(85) if current else Decimal(100),
            evidence=SimpleUploadedFile(
                f"bao-cao-giai-ngan-{year}.pdf", _pdf(f"Bao cao giai ngan von Chuong trinh MTQG {year} (mau)")
            ),
            note="Báo cáo mẫu của Phòng PTNT và Giảm nghèo (dữ liệu demo).",
            acting_user=None,
        )
        if current:  # the communes report the quarter: most have, some not yet (the office collects them)
            reporting = sorted(communes, key=lambda c: c.code)
            for number, commune in enumerate(reporting):
                if number % REPORTED_SHARE == 0 or commune.name in officer_communes:
                    continue
                services.report_create(
                    target=trained,
                    area=commune,
                    year=year,
                    quarter=quarter,
                    value=Decimal(60 + (number * 7) % 41),
                    note="Báo cáo mẫu của xã (dữ liệu demo).",
                    acting_user=None,
                )
        # The split across the communes: each commune's rate down by the same step; the households in
        # proportion to the commune's poor households (so that the communes add up to the province).
        poor: dict[int, int] = {}
        before = commune_inputs(user=viewer, province=province, year=year - 1) if viewer is not None else {}
        during = commune_inputs(user=viewer, province=province, year=year) if viewer is not None else {}
        for commune in communes:
            inputs = before.get(commune.pk) or during.get(commune.pk) or {}
            commune_rate = rate.value(inputs)
            if commune_rate is not None:
                services.allocation_save(
                    target=poverty,
                    commune=commune,
                    baseline_value=commune_rate,
                    target_value=max(Decimal(0), commune_rate - RATE_STEP),
                    acting_user=None,
                )
            if inputs.get("poor"):
                poor[commune.pk] = inputs["poor"]
        by_id = {c.pk: c for c in communes}
        for commune_id, part in _split(escaped_goal, poor).items():
            services.allocation_save(
                target=escaped,
                commune=by_id[commune_id],
                baseline_value=Decimal(0),
                target_value=Decimal(part),
                acting_user=None,
            )
    # The priority list of the latest years: the five communes with the highest poverty rate, and the
    # especially difficult villages among the ten poorest villages.
    if viewer is not None:
        for year in years[-2:]:
            for row in ranking(user=viewer, year=year)[:5]:
                services.priority_mark(
                    year=year,
                    area=row.area,
                    reason=f"Tỷ lệ hộ nghèo cao ({row.poverty_rate} %), {row.poor} hộ nghèo",
                    acting_user=None,
                )
            for row in ranking(user=viewer, year=year, level=AreaLevel.VILLAGE)[:10]:
                if row.difficult:
                    services.priority_mark(
                        year=year, area=row.area, reason="Thôn, ấp đặc biệt khó khăn", acting_user=None
                    )
    return created
