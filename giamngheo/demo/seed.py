"""Demo data of a realistic province. Deterministic for a given seed, and safe to run again.

Everything goes through the domain services (and so into the audit trail, as "system").
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.accounts.services import user_create
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel, DifficultyPeriod
from giamngheo.geo.services import difficulty_period_add, geo_load_province, village_create
from giamngheo.org.models import OrgUnit, OrgUnitKind, StaffType
from giamngheo.org.services import org_unit_create, staff_create

from . import names

DEMO_PASSWORD = "GiamNgheo@2026"
SAMPLE = "Dữ liệu mẫu (demo) — cần thay bằng quyết định thật"

# Especially difficult communes of the former Bình Phước in the demo (by name; sample, not the official list).
DIFFICULT_COMMUNES = [
    "Xã Đak Nhau",
    "Xã Bù Gia Mập",
    "Xã Đăk Ơ",
    "Xã Thọ Sơn",
    "Xã Phú Nghĩa",
    "Xã Lộc Thành",
    "Xã Hưng Phước",
    "Xã Bom Bo",
]
COMMUNE_OFFICER_COMMUNES = ["Xã Bù Gia Mập", "Phường Trấn Biên"]

ORG_STRUCTURE = [
    ("Văn phòng Sở", "VP", OrgUnitKind.DIVISION),
    ("Thanh tra Sở", "TT", OrgUnitKind.DIVISION),
    ("Phòng Kế hoạch – Tài chính", "KHTC", OrgUnitKind.DIVISION),
    ("Phòng Phát triển nông thôn và Giảm nghèo", "PTNT-GN", OrgUnitKind.DIVISION),
    ("Phòng Quản lý đất đai", "QLĐĐ", OrgUnitKind.DIVISION),
    ("Trung tâm Khuyến nông", "TTKN", OrgUnitKind.AFFILIATED_UNIT),
    ("Trung tâm Dịch vụ nông nghiệp", "TTDVNN", OrgUnitKind.AFFILIATED_UNIT),
    ("Văn phòng Điều phối chương trình nông thôn mới và giảm nghèo", "VPĐP", OrgUnitKind.AFFILIATED_UNIT),
]
POSITIONS = [
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên chính",
    "Phó Trưởng phòng",
    "Kế toán",
    "Nhân viên",
]


@dataclass
class DemoAccount:
    username: str
    role: str
    scope: str


@dataclass
class SeedReport:
    province: str = ""
    units: int = 0
    villages_created: int = 0
    villages_total: int = 0
    difficult_areas: int = 0
    org_units: int = 0
    staff_created: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    households_note: str = ""


def _village_names(rng: random.Random, commune: Area, former_bp: bool) -> list[tuple[str, str]]:
    if commune.is_urban:
        return [(f"Khu phố {i}", "khu_pho") for i in range(1, rng.randint(4, 12) + 1)]
    count = rng.randint(5, 14)
    if not former_bp:
        return [(f"Ấp {i}", "ap") for i in range(1, count + 1)]
    result: list[tuple[str, str]] = []
    for i in range(1, count + 1):
        kind = rng.choices(["ap", "thon", "soc"], weights=[5, 4, 1])[0]
        label = {"ap": "Ấp", "thon": "Thôn", "soc": "Sóc"}[kind]
        result.append((f"{label} {i}", kind))
    return result


@transaction.atomic
def seed_demo(*, province_code: int, households: int = 0, seed: int = 1) -> SeedReport:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    report = SeedReport()
    loaded = geo_load_province(province_code=province_code)
    province = loaded.province
    report.province = province.name
    communes = list(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True).order_by("code")
    )
    report.units = len(communes)
    former_bp = set(
        Area.objects.filter(predecessor_links__predecessor__code="L70").values_list("pk", flat=True)
    )

    # Villages: wards have quarters (khu phố); communes have hamlets (ấp) and, in the former
    # Bình Phước, villages (thôn) and Khmer/S'tiêng sóc.
    for commune in communes:
        wanted = _village_names(rng, commune, commune.pk in former_bp)
        if commune.children.exists():
            continue
        for name, kind in wanted:
            village_create(commune=commune, name=name, division_type=kind, acting_user=None)
            report.villages_created += 1

    # Especially difficult communes and villages (2021–2025, extended through 2026 in the demo).
    for commune in communes:
        if commune.name in DIFFICULT_COMMUNES and not DifficultyPeriod.objects.filter(area=commune).exists():
            difficulty_period_add(
                area=commune,
                from_year=2021,
                to_year=2026,
                legal_source=SAMPLE,
                note="QĐ 861/QĐ-TTg (mẫu)",
                acting_user=None,
            )
    for commune in communes:
        if commune.pk not in former_bp or commune.is_urban:
            continue
        for village in commune.children.order_by("code"):
            if rng.random() < 0.12 and not DifficultyPeriod.objects.filter(area=village).exists():
                difficulty_period_add(
                    area=village,
                    from_year=2021,
                    to_year=2026,
                    legal_source=SAMPLE,
                    note="QĐ 612/QĐ-UBDT (mẫu)",
                    acting_user=None,
                )
    report.villages_total = Area.objects.filter(parent__parent=province, level=AreaLevel.VILLAGE).count()
    report.difficult_areas = DifficultyPeriod.objects.filter(area__path__startswith=province.path).count()

    # The department, its divisions and units, and their staff.
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).first()
    if department is None:
        department = org_unit_create(
            name=f"Sở Nông nghiệp và Môi trường tỉnh {province.name.removeprefix('Tỉnh ')}",
            short_name="Sở NN&MT",
            kind=OrgUnitKind.DEPARTMENT,
            parent=None,
            area=province,
            legal_source=SAMPLE,
            valid_from=dt.date(2025, 3, 1),
            acting_user=None,
        )
        for name, short, kind in ORG_STRUCTURE:
            unit = org_unit_create(
                name=name,
                short_name=short,
                kind=kind,
                parent=department,
                area=province,
                legal_source=SAMPLE,
                acting_user=None,
            )
            head_sex = rng.choice("MF")
            staff_create(
                full_name=names.kinh_name(rng, head_sex),
                org_unit=unit,
                position="Chánh Văn phòng"
                if short == "VP"
                else ("Giám đốc" if kind == OrgUnitKind.AFFILIATED_UNIT else "Trưởng phòng"),
                staff_type=StaffType.CIVIL_SERVANT
                if kind == OrgUnitKind.DIVISION
                else StaffType.PUBLIC_EMPLOYEE,
                sex=head_sex,
                acting_user=None,
            )
            report.staff_created += 1
            for _ in range(rng.randint(3, 7)):
                sex = rng.choice("MF")
                staff_create(
                    full_name=names.kinh_name(rng, sex),
                    org_unit=unit,
                    position=rng.choice(POSITIONS),
                    staff_type=rng.choices(list(StaffType), weights=[5, 3, 1])[0]
                    if kind == OrgUnitKind.DIVISION
                    else rng.choice([StaffType.PUBLIC_EMPLOYEE, StaffType.WORKER]),
                    sex=sex,
                    date_of_birth=dt.date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    acting_user=None,
                )
                report.staff_created += 1
    report.org_units = OrgUnit.objects.filter(area=province).count()

    report.accounts = _seed_accounts(province=province, department=department, communes=communes)
    if households:
        report.households_note = "households: the household registry is not built yet; none created."
    return report


def _seed_accounts(*, province: Area, department: OrgUnit, communes: list[Area]) -> list[DemoAccount]:
    by_name = {c.name: c for c in communes}
    officer_communes = [by_name[n] for n in COMMUNE_OFFICER_COMMUNES if n in by_name]
    if len(officer_communes) < 2:  # another province: take the first commune and the first ward
        officer_communes = [
            next(c for c in communes if not c.is_urban),
            next(c for c in communes if c.is_urban),
        ]
    poverty_division = department.children.filter(short_name="PTNT-GN").first() or department
    specs = [
        ("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, [], []),
        (
            "chuyenvien",
            "Chuyên viên giảm nghèo tỉnh",
            Role.PROVINCIAL_SPECIALIST,
            [province],
            [poverty_division],
        ),
        ("vanphong", "Văn phòng Sở", Role.DEPARTMENT_OFFICE, [], [department]),
        ("truongphong", "Trưởng phòng PTNT và Giảm nghèo", Role.UNIT_HEAD, [], [poverty_division]),
        ("lanhdao", "Lãnh đạo Sở", Role.VIEWER, [province], [department]),
    ]
    for commune in officer_communes:
        slug = commune.name.split(" ", 1)[1] if " " in commune.name else commune.name
        specs.append(
            (
                f"canbo.{fold(slug).replace(' ', '')}",
                f"Cán bộ giảm nghèo {commune.name}",
                Role.COMMUNE_OFFICER,
                [commune],
                [],
            )
        )
    accounts = []
    for username, full_name, role, areas, units in specs:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                scope_areas=areas,
                scope_org_units=units,
                acting_user=None,
            )
        scope = (
            ", ".join([a.name for a in areas] + [u.short_name or u.name for u in units]) or "toàn hệ thống"
        )
        accounts.append(DemoAccount(username=username, role=str(Role(role).label), scope=scope))
    return accounts
