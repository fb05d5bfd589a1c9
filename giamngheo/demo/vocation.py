"""Demo vocational training: a year of courses (Dự án 4 and the local budget) in the communes with the most
poor households, trainees from the poor and near-poor households of the demo registry, their outcomes (about
three in four placed within 6 months, two labour-export contracts) and one job fair.

Everything goes through ``vocation.services`` (audited as "system"). Safe to run again: a province that has
courses is left alone; a province without households gets nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count, Q
from django.utils import timezone

from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member
from giamngheo.vocation import services
from giamngheo.vocation.models import Course, Funding, Level, SessionKind, Trainee

COURSES = [
    ("Kỹ thuật chăn nuôi", Level.SHORT, "Trung tâm Khuyến nông", Funding.PROJECT_4),
    ("May công nghiệp", Level.ELEMENTARY, "Trường Cao đẳng Kỹ thuật Đồng Nai", Funding.PROJECT_4),
    (
        "Sửa chữa máy nông nghiệp",
        Level.SHORT,
        "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên",
        Funding.PROJECT_4,
    ),
    ("Kỹ thuật trồng trọt", Level.SHORT, "Trung tâm Khuyến nông", Funding.LOCAL),
    ("Điện dân dụng", Level.ELEMENTARY, "Trường Trung cấp nghề số 8", Funding.PROJECT_4),
    ("Nấu ăn", Level.SHORT, "Hội Liên hiệp Phụ nữ xã", Funding.OTHER),
]
EMPLOYERS = [
    "Công ty TNHH May mặc Việt Tiến Đồng Nai",
    "Hợp tác xã Nông nghiệp Dịch vụ Tân Tiến",
    "Công ty CP Chăn nuôi C.P. Việt Nam",
    "Khu công nghiệp Biên Hòa 2",
    "Cơ sở sửa chữa máy nông nghiệp Hòa Bình",
]


def seed_vocation(*, province: Area, seed: int = 1) -> int:
    """Record the demo courses; returns the number of trainees enrolled."""
    if Course.objects.filter(area__path__startswith=province.path).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    poor = Q(households__category__in=["poor", "near_poor"], households__is_active=True)
    communes = list(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
        .annotate(n=Count("households", filter=poor))
        .filter(n__gt=0)
        .order_by("-n", "code")[:3]
    )
    if not communes:
        return 0
    today = timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1  # 6 months after the courses have passed
    enrolled = 0
    all_trainees = []
    for i, (trade, level, organiser, funding) in enumerate(COURSES):
        commune = communes[i % len(communes)]
        starts = dt.date(year, 1 + i, 5)
        ends = starts + dt.timedelta(days=rng.choice([45, 60, 75]))
        course = services.course_create(
            trade=trade,
            level=level,
            organiser=organiser,
            area=commune,
            starts_on=starts,
            ends_on=ends,
            cost=rng.choice([45, 60, 80, 120]) * 1_000_000,
            funding=funding,
            acting_user=None,
        )
        households = Household.objects.filter(
            commune=commune, is_active=True, category__in=["poor", "near_poor"]
        )
        born_after = dt.date(year - 50, 1, 1)
        born_before = dt.date(year - 18, 1, 1)
        members = list(
            Member.objects.filter(
                household__in=households,
                is_active=True,
                date_of_birth__gte=born_after,
                date_of_birth__lt=born_before,
            )
            .select_related("household", "household__commune")
            .order_by("pk")
        )
        rng.shuffle(members)
        for member in members[: rng.randint(8, 12)]:
            trainee = services.trainee_enrol_member(
                course=course, member=member, acting_user=None, enrolled_on=starts - dt.timedelta(days=7)
            )
            all_trainees.append(trainee)
            enrolled += 1
            completed = rng.random() < 0.92
            employed = completed and rng.random() < 0.78
            data: dict[str, object] = {"completed": completed, "certificate": completed}
            if employed:
                self_employed = rng.random() < 0.3
                data |= {
                    "employed_6m": True,
                    "employed_on": ends + dt.timedelta(days=rng.randint(10, 170)),
                    "self_employed": self_employed,
                    "employer": "Tự làm tại gia đình" if self_employed else rng.choice(EMPLOYERS),
                }
            elif completed:
                data["employed_6m"] = None if rng.random() < 0.5 else False
            services.trainee_outcome(trainee=trainee, data=data, version=ANY_VERSION, acting_user=None)
    # Two labour-export contracts among the placed trainees.
    placed = [t for t in all_trainees if Trainee.objects.get(pk=t.pk).employed_6m]
    for trainee, country in zip(placed[:2], ["Nhật Bản", "Hàn Quốc"], strict=False):
        start = trainee.course.ends_on + dt.timedelta(days=90)
        services.trainee_outcome(
            trainee=trainee,
            data={
                "employed_on": start,
                "self_employed": False,
                "employer": "Đi làm việc ở nước ngoài theo hợp đồng",
                "export_country": country,
                "export_from": start,
                "export_to": start + dt.timedelta(days=3 * 365),
            },
            version=ANY_VERSION,
            acting_user=None,
        )
    # One job fair in the first commune, with three trainees placed through it.
    commune = communes[0]
    fair = services.session_create(
        kind=SessionKind.FAIR,
        held_on=dt.date(year, 7, 15),
        place=f"Nhà văn hóa {commune.name}",
        area=commune,
        organiser="Trung tâm Dịch vụ việc làm tỉnh",
        attendees=rng.randint(150, 300),
        employers=rng.randint(12, 25),
        acting_user=None,
    )
    at_fair: dict[int, Trainee] = {}  # one placement per person (a member may follow two courses)
    for trainee in all_trainees:
        if trainee.commune_id == commune.pk and len(at_fair) < 3:
            at_fair.setdefault(trainee.member_id or -trainee.pk, trainee)
    for trainee in at_fair.values():
        services.placement_add(
            session=fair, trainee=trainee, employer=rng.choice(EMPLOYERS), acting_user=None
        )
    return enrolled
