"""Demo officer training: 2–4 grassroots poverty officers per commune of the demo province (some have left),
two courses of the current year and one of last year (Dự án 7), and attendance such that about 80 % of
the province's active officers are trained this year: a few communes at 100 %, a few far below.

Everything goes through ``training.services`` (audited as "system"). Safe to run again: a province that
has officers is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.training import services
from giamngheo.training.choices import FundingProject, Position
from giamngheo.training.models import Officer

from . import names

FOLLOWING = [Position.VILLAGE_HEAD, Position.MASS_ORGANISATION, Position.VILLAGE_HEAD, Position.OTHER]
DETAIL = {
    Position.LEADER: "Phó Chủ tịch UBND xã",
    Position.SOCIAL_AFFAIRS: "Công chức Văn hóa - Xã hội",
    Position.MASS_ORGANISATION: "Chủ tịch Hội Liên hiệp Phụ nữ xã",
    Position.OTHER: "Cán bộ Mặt trận Tổ quốc xã",
}


def seed_training(*, province: Area, seed: int = 1) -> int:
    """The demo officers, courses and attendance of ``province``; the number of officers created."""
    communes = list(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True).order_by("code")
    )
    if not communes or Officer.objects.filter(commune__parent=province).exists():
        return 0
    rng = random.Random(seed + 15)  # noqa: S311 - demo data, not security
    year = timezone.localdate().year
    unit = OrgUnit.objects.filter(area=province, kind=OrgUnitKind.DIVISION).order_by("path").first()
    organiser = "Sở Nông nghiệp và Môi trường"
    last = services.course_create(
        province=province,
        title=f"Tập huấn nâng cao năng lực cán bộ làm công tác giảm nghèo cơ sở năm {year - 1}",
        organiser=organiser,
        org_unit=unit,
        start_date=dt.date(year - 1, 10, 14),
        end_date=dt.date(year - 1, 10, 16),
        place="Hội trường Sở Nông nghiệp và Môi trường",
        content="Chuẩn nghèo đa chiều; quy trình rà soát hộ nghèo, hộ cận nghèo hằng năm.",
        funding_project=FundingProject.P7,
        acting_user=None,
    )
    first = services.course_create(
        province=province,
        title=f"Tập huấn nghiệp vụ rà soát hộ nghèo, hộ cận nghèo năm {year} (đợt 1)",
        organiser=organiser,
        org_unit=unit,
        start_date=dt.date(year, 3, 11),
        end_date=dt.date(year, 3, 13),
        place="Trung tâm Hội nghị tỉnh",
        content="Quy trình, phiếu rà soát (Thông tư 07/2021/TT-BLĐTBXH); sử dụng phần mềm quản lý hộ nghèo.",
        funding_project=FundingProject.P7,
        acting_user=None,
    )
    second = services.course_create(
        province=province,
        title=f"Tập huấn nghiệp vụ rà soát hộ nghèo, hộ cận nghèo năm {year} (đợt 2)",
        organiser=organiser,
        start_date=dt.date(year, 4, 15),
        end_date=dt.date(year, 4, 17),
        place="Trung tâm Hội nghị tỉnh",
        content="Giám sát, đánh giá thực hiện Chương trình; các chính sách hỗ trợ hộ nghèo.",
        funding_project=FundingProject.P7,
        acting_user=None,
    )
    created = 0
    for index, commune in enumerate(communes):
        kind = index % 10  # 0–2: every officer trained; 3: far below; else: most of them
        officers = []
        count = rng.randint(2, 4)
        for n in range(count):
            position = Position.LEADER if n == 0 else Position.SOCIAL_AFFAIRS if n == 1 else FOLLOWING[n]
            sex = rng.choice("MF")
            left = n >= 2 and rng.random() < 0.25  # some left the post last year
            officer = services.officer_create(
                commune=commune,
                full_name=names.kinh_name(rng, sex),
                sex=sex,
                birth_year=rng.randint(1968, 1998),
                phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                position=position,
                position_detail=DETAIL.get(position, ""),
                since=dt.date(rng.randint(2015, year - 2), rng.randint(1, 12), 1),
                left_on=dt.date(year - 1, rng.randint(1, 6), 28) if left else None,
                acting_user=None,
            )
            created += 1
            officers.append(officer)
        for officer in officers:
            in_post = officer.left_on is None or officer.left_on >= last.start_date
            if in_post and rng.random() < 0.6:
                services.attendance_add(course=last, officer=officer, completed=True, acting_user=None)
            if officer.left_on is not None:
                continue
            course = first if rng.random() < 0.6 else second
            if kind <= 2:
                completed: bool | None = True
            elif kind == 3:
                completed = None if rng.random() < 0.5 else False
                if rng.random() < 0.5:
                    continue
            else:
                completed = True if rng.random() < 0.88 else rng.choice([False, None])
            services.attendance_add(
                course=course,
                officer=officer,
                completed=completed,
                certificate_number=f"{rng.randint(100, 999)}/CC-SNNMT" if completed else "",
                acting_user=None,
            )
    return created
