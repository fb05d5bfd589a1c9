"""Demo data of a realistic province. Deterministic for a given seed, and safe to run again.

Everything goes through the domain services (and so into the audit trail, as "system"), except what is
written in bulk because demo data is not user input: the households and their members
(``demo.households.save_households``: the same rows as the services, one audit record) and the history of
the closed 2024 and 2025 reviews (``_closed_round``: assessments in bulk, then closed and frozen by the
review service). The open 2026 review goes through the review services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.accounts.services import user_create
from giamngheo.commendation import services as commendation_services
from giamngheo.core.text import fold
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.demo.commendation import seed_commendation
from giamngheo.demo.emulation import seed_emulation
from giamngheo.demo.fund import seed_fund
from giamngheo.demo.initiatives import seed_initiatives
from giamngheo.demo.officedocs import seed_officedocs
from giamngheo.demo.outreach import seed_outreach
from giamngheo.demo.plans import seed_plans
from giamngheo.demo.policies import seed_policy_requests
from giamngheo.demo.relief import seed_relief
from giamngheo.demo.scoring import seed_scoring
from giamngheo.demo.training import seed_training
from giamngheo.demo.unitreports import seed_unitreports
from giamngheo.geo.models import Area, AreaLevel, DifficultyKind, DifficultyPeriod
from giamngheo.geo.services import difficulty_period_add, geo_load_province, village_create
from giamngheo.households.engine import facts_snapshot, household_facts
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import Category
from giamngheo.org.models import OrgUnit, OrgUnitKind, StaffType
from giamngheo.org.services import org_unit_create, staff_create
from giamngheo.plans.alerts import alerts_scan as plan_alerts_scan
from giamngheo.policies.coverage import percent
from giamngheo.policies.models import CoverageSummary, Entitlement, FundingSource, SupportRecord
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    SupportItem,
    SupportRejected,
    catalogue_seed,
    coverage_rebuild,
    support_records_write,
)
from giamngheo.poverty.classify import classify
from giamngheo.reviews.alerts import alerts_scan as review_alerts_scan
from giamngheo.reviews.models import (
    Assessment,
    AssessmentStatus,
    CommuneReview,
    RegularRequest,
    RequestKind,
    RequestStatus,
    ReviewRound,
    RoundStatus,
    Source,
    Step,
    StepEvent,
)
from giamngheo.reviews.receivers import summaries_refreshed_by_caller
from giamngheo.reviews.services import (
    certificates_complete,
    listing_complete,
    meeting_complete,
    meeting_record,
    meeting_villages,
    movement_of,
    posting_complete,
    recognise,
    regular_request_file,
    request_add,
    round_close,
    round_open,
    round_standard_year,
    screening_record,
    submit,
    summaries_rebuild,
    survey_complete,
    survey_record,
    village_meeting_record,
)
from giamngheo.standards.adapters import area_type, province_code, standards_in_force

from . import names
from .households import generate_households, review_calendar, save_households, village_slots
from .vocation import seed_vocation

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
# Poor communes (xã nghèo, the rules' successor of the poor district after 2025) for 2026–2030: a sample of
# the especially difficult ones, never a demo officer's commune (the tests' worlds live there).
POOR_COMMUNES = ["Xã Đak Nhau", "Xã Thọ Sơn", "Xã Bom Bo"]
POOR_COMMUNE_SOURCE = "Quyết định phê duyệt danh sách xã nghèo giai đoạn 2026–2030 (dữ liệu mẫu)"

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
    households: int = 0  # created by this run
    members: int = 0
    poor: int = 0
    near_poor: int = 0
    ethnic_minority: int = 0
    households_existing: int = 0  # the province already had households: none created
    rounds: list[RoundReport] = field(default_factory=list)
    support_records: int = 0
    coverage_percent: Any = None  # all policies, the current year
    activities: dict[str, int] = field(default_factory=dict)  # the programme's activities on record


@dataclass
class RoundReport:
    year: int
    status: str
    communes: int
    submitted: int
    steps: dict[str, int]  # commune name -> step completed, for the communes that started


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
        if (
            commune.name in DIFFICULT_COMMUNES
            and not DifficultyPeriod.objects.filter(
                area=commune, kind=DifficultyKind.ESPECIALLY_DIFFICULT
            ).exists()
        ):
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
    for commune in communes:
        if (
            commune.name in POOR_COMMUNES
            and not DifficultyPeriod.objects.filter(area=commune, kind=DifficultyKind.POOR_COMMUNE).exists()
        ):
            difficulty_period_add(
                area=commune,
                kind=DifficultyKind.POOR_COMMUNE,
                from_year=2026,
                to_year=2030,
                legal_source=POOR_COMMUNE_SOURCE,
                note="Xã nghèo (mẫu)",
                acting_user=None,
            )
    report.villages_total = Area.objects.filter(parent__parent=province, level=AreaLevel.VILLAGE).count()
    # The sample policy catalogue (the province edits it).
    catalogue_seed(acting_user=None)
    report.difficult_areas = DifficultyPeriod.objects.filter(
        area__path__startswith=province.path, kind=DifficultyKind.ESPECIALLY_DIFFICULT
    ).count()

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
        _seed_households(province=province, count=households, seed=seed, report=report)
    seed_training(province=province, seed=seed)  # officer training (issue 15), before the plans read it
    seed_vocation(province=province, seed=seed)  # after the registry: trainees are its members
    seed_fund(province=province, seed=seed)  # after the org units, staff and registry: the fund drive
    seed_relief(province=province, seed=seed)  # after the registry and the rounds (none without households)
    seed_plans(province=province)  # after the review rounds and the coverage: the plans read their figures
    seed_outreach(province=province)
    # The emulation movement (issue 16): initiatives first (proposals use them as grounds).
    commendation_services.catalogue_load()  # the law's titles (a database emptied by a test lost them)
    seed_emulation(province=province)  # the movement, its yearly plans, registrations and guidance tasks
    seed_initiatives(province=province)
    seed_unitreports(province=province)
    seed_scoring(province=province, seed=seed)  # after the movement's plan, initiatives, reports and fund
    seed_commendation(province=province)  # after the initiatives (a ground) and the registry (a household)
    seed_officedocs(province=province)  # last: the department's reports read everything above
    report.activities = activity_counts()
    # Tell the demo's users what needs their attention (the daily scans of the alerts).
    plan_alerts_scan()
    review_alerts_scan()
    return report


def activity_counts() -> dict[str, int]:
    """What the programme's activities have on record (the demo's summary)."""
    from django.db.models import Sum

    from giamngheo.fund.models import Donation
    from giamngheo.outreach.models import Activity, GoodModel
    from giamngheo.relief.models import AffectedHousehold
    from giamngheo.training.models import Course as TrainingCourse
    from giamngheo.training.models import Officer
    from giamngheo.vocation.models import Trainee

    return {
        "officers": Officer.objects.count(),
        "courses": TrainingCourse.objects.count(),
        "trainees": Trainee.objects.count(),
        "donations": Donation.objects.count(),
        "raised": int(Donation.objects.aggregate(total=Sum("amount"))["total"] or 0),
        "affected": AffectedHousehold.objects.count(),
        "activities": Activity.objects.count(),
        "models": GoodModel.objects.count(),
    }


def _seed_households(*, province: Area, count: int, seed: int, report: SeedReport) -> None:
    """``count`` generated households, then the review rounds of 2024 and 2025 (closed) and 2026 (open),
    the in-year requests of the officers' communes and the support of the year. Skipped when the province
    already has households (running the command again changes nothing)."""
    existing = Household.objects.filter(commune__parent=province).count()
    if existing:
        report.households_existing = existing
        return
    generated = generate_households(
        village_slots(province),
        count=count,
        seed=seed,
        province_code=int(province.code),
        focus=COMMUNE_OFFICER_COMMUNES,
    )
    saved = save_households(generated)
    report.households, report.members = saved.households, saved.members
    report.poor, report.near_poor, report.ethnic_minority = saved.poor, saved.near_poor, saved.ethnic_minority
    report.rounds = seed_review_rounds(province=province, seed=seed)
    _seed_requests(province=province)
    _seed_support(province=province, seed=seed, report=report)
    seed_policy_requests(province=province)  # loans asked for: some given, some pending (the gaps)


# In-year requests (form 01) pending in the officers' communes: one past its 15 days, one recent.
REQUEST_AGES = (22, 4)


def _seed_requests(*, province: Area) -> None:
    today = timezone.localdate()
    officers = User.objects.filter(role=Role.COMMUNE_OFFICER, scope_areas__parent=province).prefetch_related(
        "scope_areas"
    )
    for officer in officers.order_by("username"):
        for commune in officer.scope_areas.filter(level=AreaLevel.COMMUNE):
            households = Household.objects.filter(
                commune=commune, is_active=True, category__in=[Category.MIDDLE, Category.NOT_POOR]
            ).order_by("income_per_capita", "pk")[: len(REQUEST_AGES)]
            for household, days in zip(households, REQUEST_AGES, strict=False):
                regular_request_file(
                    household=household,
                    kind=RequestKind.BECOME_POOR
                    if household.category == Category.MIDDLE
                    else (RequestKind.BECOME_NEAR_POOR),
                    filed_on=today - dt.timedelta(days=days),
                    note="Chủ hộ ốm nặng, mất khả năng lao động (dữ liệu mẫu)",
                    acting_user=officer,
                )


# Share of the entitled who received a policy of each area this year, and what one record gives:
# (amount in đồng, funding source). Health-insurance cards and job advice carry no amount.
SUPPORT_DEMO: dict[str, tuple[float, int, str]] = {
    "health": (0.9, 0, FundingSource.CENTRAL),
    "education": (0.75, 150_000, FundingSource.CENTRAL),
    "housing": (0.15, 40_000_000, FundingSource.CENTRAL),
    "credit": (0.35, 50_000_000, FundingSource.CREDIT),
    "vocational": (0.2, 3_000_000, FundingSource.CENTRAL),
    "jobs": (0.3, 0, FundingSource.LOCAL),
    "labour_export": (0.05, 20_000_000, FundingSource.CREDIT),
    "water": (0.25, 5_000_000, FundingSource.LOCAL),
    "information": (0.4, 1_000_000, FundingSource.CENTRAL),
    "production": (0.3, 10_000_000, FundingSource.CENTRAL),
    "livelihood": (0.3, 8_000_000, FundingSource.SOCIAL),
    "other": (0.8, 150_000, FundingSource.LOCAL),
}


def _seed_support(*, province: Area, seed: int, report: SeedReport) -> None:
    """Support delivered this year to most of those entitled (the rest are the gaps the pages show),
    recorded by the provincial specialist through the same service as the pages."""
    rng = random.Random(seed + 7)  # noqa: S311 - demo data
    today = timezone.localdate()
    coverage_rebuild(year=today.year)
    specialist = User.objects.filter(role=Role.PROVINCIAL_SPECIALIST).order_by("pk").first()
    if specialist is None or SupportRecord.objects.filter(commune__parent=province).exists():
        return
    items = []
    entitled = (
        Entitlement.objects.filter(year=today.year, eligible=True, commune__parent=province)
        .select_related("policy")
        .order_by("policy_id", "household_id", "member_id")
    )
    for e in entitled:
        share, amount, source = SUPPORT_DEMO[e.policy.area]
        if rng.random() >= share:
            continue
        start = max(dt.date(today.year, 1, 1), e.policy.valid_from)
        on = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
        items.append(
            SupportItem(
                e.policy,
                Recipient(e.household_id, e.member_id),
                SupportData(
                    date=on,
                    funding_source=source,
                    amount=amount,
                    document=f"QĐ {rng.randint(10, 999)}/QĐ-UBND",
                ),
            )
        )
    if items:
        try:
            written = support_records_write(items=items, acting_user=specialist)
        except SupportRejected as exc:  # entitled today, not yet on the drawn date (e.g. a birthday since)
            refused = {position for position, _message in exc.errors}
            items = [item for position, item in enumerate(items) if position not in refused]
            written = support_records_write(items=items, acting_user=specialist)
        report.support_records = len(written)
    total = CoverageSummary.objects.filter(year=today.year, commune__parent=province).aggregate(
        eligible=Sum("eligible_units"), covered=Sum("covered_units")
    )
    report.coverage_percent = percent(total["covered"] or 0, total["eligible"] or 0)


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
        ("hoidong", "Ủy viên Hội đồng Thi đua - Khen thưởng Sở", Role.COUNCIL_MEMBER, [], [department]),
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


# Review rounds -------------------------------------------------------------------------------------------

CLOSED_YEARS, OPEN_YEAR = (2024, 2025), 2026
# 2026 round: how far some communes have got (the others have not started). By name in Đồng Nai; in
# another province, the first communes by code.
OPEN_ROUND_STEPS = [
    ("Xã Bù Gia Mập", Step.LISTING),
    ("Xã Bom Bo", Step.SURVEY),
    ("Xã Đak Nhau", Step.POSTING),
    ("Xã Xuân Lộc", Step.MEETING),
    ("Xã Long Thành", Step.SUBMITTED),
]
NOT_STARTED = "Phường Trấn Biên"
LISTED = (Category.POOR, Category.NEAR_POOR)


def seed_review_rounds(*, province: Area, seed: int) -> list[RoundReport]:
    """Closed rounds for 2024 and 2025 (every commune submitted, movements recorded, figures frozen) and an
    open one for 2026 (a few communes at various steps), each only if the province does not have it yet."""
    reports = []
    if not ReviewRound.objects.filter(province=province, year__in=CLOSED_YEARS).exists():
        history = _history(province=province, seed=seed)
        for year in CLOSED_YEARS:
            reports.append(_round_report(_closed_round(province=province, seed=seed, year=history[year])))
    if not ReviewRound.objects.filter(province=province, year=OPEN_YEAR).exists():
        reports.append(_round_report(_open_round(province=province, seed=seed)))
    return reports


def _round_report(review_round: ReviewRound) -> RoundReport:
    reviews = list(review_round.commune_reviews.select_related("commune").order_by("commune__code"))
    return RoundReport(
        year=review_round.year,
        status=str(RoundStatus(review_round.status).label),
        communes=len(reviews),
        submitted=sum(1 for r in reviews if r.step == Step.SUBMITTED),
        steps={r.commune.name: r.step for r in reviews if r.step} if review_round.status == "open" else {},
    )


@dataclass
class YearHistory:
    """One closed year of the registry's history: each listed household's category at the start and at
    the end of the year (the end of the last closed year is the registry's category today)."""

    year: int
    end: dict[int, str]  # every classified active household: its category at the end of the year
    before: dict[int, str]  # the households listed in the year's review: their category at its start
    escaped_earlier: set[int] = field(default_factory=set)  # poor again after escaping in an earlier year


def _history(*, province: Area, seed: int) -> dict[int, YearHistory]:
    """The categories of the closed years, drawn backwards from today's registry: a year's start is the
    previous year's end. Each year lists the poor and near-poor households at its end plus some that
    escaped (modest incomes first); the poor came mostly from the poor (70 %), some from the near-poor
    (10 %), the others were newly poor or fell back after escaping earlier. The households that fall back
    in a year escaped in the year before (or, for the first year, by an approved request the year before)."""
    households = list(
        Household.objects.filter(commune__parent=province, is_active=True)
        .exclude(category="")
        .order_by("pk")
        .values_list("pk", "category", "income_per_capita")
    )
    income = {pk: value or 0 for pk, _c, value in households}
    end = {pk: category for pk, category, _i in households}
    history: dict[int, YearHistory] = {}
    must_escape: set[int] = set()  # fell back the year after: they escaped this year
    stays_out: set[int] = set()  # newly poor the year after: they were not poor this year
    for year in sorted(CLOSED_YEARS, reverse=True):
        rng = random.Random(f"round:{seed}:{year}")  # noqa: S311 - demo data
        poor_count = sum(1 for c in end.values() if c == Category.POOR)
        on_list = [pk for pk, c in end.items() if c in LISTED]
        pool = sorted(
            (
                pk
                for pk, c in end.items()
                if c not in LISTED and pk not in must_escape and pk not in stays_out
            ),
            key=lambda pk: (income[pk], pk),
        )[: max(poor_count, 1) * 3]
        escaped = must_escape | set(rng.sample(pool, k=min(len(pool), poor_count * 2 // 3)))
        before: dict[int, str] = {}
        fell_back: set[int] = set()
        for pk in sorted(set(on_list) | escaped):
            draw = rng.random()
            if pk in escaped:
                before[pk] = Category.POOR if pk in must_escape or draw < 0.4 else Category.NEAR_POOR
            elif end[pk] == Category.POOR:
                before[pk] = (
                    Category.POOR if draw < 0.70 else Category.NEAR_POOR if draw < 0.80 else Category.NOT_POOR
                )
                if before[pk] == Category.NOT_POOR and draw >= 0.92:
                    fell_back.add(pk)
            else:
                before[pk] = (
                    Category.NEAR_POOR if draw < 0.65 else Category.POOR if draw < 0.85 else Category.NOT_POOR
                )
        history[year] = YearHistory(year=year, end=dict(end), before=before, escaped_earlier=fell_back)
        must_escape = fell_back
        stays_out = {pk for pk, c in before.items() if c == Category.NOT_POOR}
        end = end | before  # the year before ended where this one started
    return history


def _closed_round(*, province: Area, seed: int, year: YearHistory) -> ReviewRound:
    """A closed review round of the registry's history (``_history``): each listed household with its
    start-of-year category and the decided category at the end of the year, and the movement that follows
    (escaped, newly poor, fallen back into poverty, …).

    Demo data is not user input: the assessments are written in bulk, with the engine's results on the
    households' facts on the commune's survey date (what ``survey_record`` stores), instead of walking every
    commune through the review's steps one household at a time. The round is closed by the review service
    (``round_close``), which freezes its figures from the registry: for an earlier year the registry is set
    to that year's end for the freeze, then back to today's categories.
    """
    rng = random.Random(f"round:{seed}:{year.year}:meetings")  # noqa: S311 - demo data
    review_round = round_open(province=province, year=year.year, acting_user=None)
    reviews = {r.commune_id: r for r in review_round.commune_reviews.select_related("commune")}
    # The round's standard: the one in force on 1 January of the year after, when its lists apply.
    standards = standards_in_force(year=round_standard_year(review_round), province=province_code(province))
    national = next(s for s in standards.values() if s.is_national)
    local = next((s for s in standards.values() if not s.is_national), None)

    wanted = sorted(year.before)
    listed = [  # a few thousand parameters per query (a province's history lists tens of thousands)
        household
        for start in range(0, len(wanted), 5000)
        for household in Household.objects.filter(
            pk__in=wanted[start : start + 5000], commune_id__in=list(reviews)
        ).order_by("pk")
    ]
    members: dict[int, list[Member]] = {h.pk: [] for h in listed}
    ids = sorted(members)
    for start in range(0, len(ids), 5000):  # a few thousand parameters per query
        for member in Member.objects.filter(
            household_id__in=ids[start : start + 5000], is_active=True
        ).order_by("household_id", "date_of_birth"):
            members[member.household_id].append(member)

    assessments: list[Assessment] = []
    fell_back: list[Household] = []
    for household in listed:
        before, end = year.before[household.pk], year.end[household.pk]
        escaped_earlier = household.pk in year.escaped_earlier
        if escaped_earlier and year.year == CLOSED_YEARS[0]:
            fell_back.append(household)  # escaped by a request the year before the first round
        commune = reviews[household.commune_id].commune
        calendar = review_calendar(seed=seed, commune_code=commune.code, year=year.year)
        facts = household_facts(
            household,
            members[household.pk],
            on=calendar.survey,
            area=area_type(commune),
            income_per_capita=household.income_per_capita or 0,
        )
        result = classify(facts, national)
        local_result = classify(facts, local) if local is not None else None
        attendance = rng.randint(25, 80)
        listed_before = before in LISTED
        assessments.append(
            Assessment(
                round=review_round,
                household=household,
                commune=commune,
                source=Source.CURRENT_LIST if listed_before else Source.REQUEST,
                status=AssessmentStatus.RECOGNISED,
                category_before=before,
                screening_passed=None if listed_before else True,
                surveyed_on=calendar.survey,
                facts=facts_snapshot(facts),
                income_per_capita=household.income_per_capita,
                standard=result.standard_code,
                proposed_category=str(result.category),
                deprivation_count=result.deprivation_count,
                deprived=list(result.deprived),
                reasons=result.reasons_vi,
                reasons_en=result.reasons_en,
                provincial_standard=local_result.standard_code if local_result else "",
                provincial_category=str(local_result.category) if local_result else "",
                meeting_votes_for=attendance - rng.randint(0, attendance // 3),
                meeting_attendance=attendance,
                decided_category=end,
                movement=movement_of(before, end, escaped_earlier),
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    # Fallen back into poverty in the first round: they had escaped by a request the year before.
    requests = []
    for household in fell_back:
        filed = dt.date(year.year - 1, rng.randint(2, 10), rng.randint(1, 28))
        requests.append(
            RegularRequest(
                household=household,
                commune_id=household.commune_id,
                kind=RequestKind.ESCAPE,
                filed_on=filed,
                due_on=filed + dt.timedelta(days=RegularRequest.DAYS_TO_DECIDE),
                status=RequestStatus.APPROVED,
                decided_on=filed + dt.timedelta(days=rng.randint(3, 14)),
                decision_number=f"{rng.randint(10, 99)}/QĐ-UBND",
                note=SAMPLE,
            )
        )
    RegularRequest.objects.bulk_create(requests)

    # Every commune went through the steps and submitted.
    counts = Counter((a.commune_id, a.movement) for a in assessments)
    listed_per_commune = Counter(a.commune_id for a in assessments)
    events: list[StepEvent] = []
    for review in reviews.values():
        calendar = review_calendar(seed=seed, commune_code=review.commune.code, year=year.year)
        review.step, review.locked, review.version = Step.SUBMITTED, True, Step.SUBMITTED + 1
        review.meeting_date, review.meeting_attendance = calendar.meeting, rng.randint(40, 150)
        review.posting_from, review.posting_to = calendar.posting_from, calendar.posting_to
        review.decision_number, review.decision_date = calendar.decision_number, calendar.decision
        review.submitted_at = timezone.make_aware(
            dt.datetime.combine(calendar.decision + dt.timedelta(days=2), dt.time(9, 30))
        )
        movements = {m: n for (commune_id, m), n in counts.items() if commune_id == review.commune_id}
        data: dict[int, dict[str, Any]] = {
            Step.LISTING: {"households": listed_per_commune[review.commune_id]},
            Step.MEETING: {
                "meeting_date": calendar.meeting.isoformat(),
                "attendance": review.meeting_attendance,
            },
            Step.POSTING: {
                "posting_from": calendar.posting_from.isoformat(),
                "posting_to": calendar.posting_to.isoformat(),
            },
            Step.RECOGNITION: {
                "decision_number": calendar.decision_number,
                "decision_date": calendar.decision.isoformat(),
                "movements": movements,
            },
        }
        events.extend(
            StepEvent(commune_review=review, step=step, action="complete", data=data.get(step, {}))
            for step in range(Step.LISTING, Step.SUBMITTED + 1)
        )
    CommuneReview.objects.bulk_update(
        list(reviews.values()),
        [
            "step",
            "locked",
            "version",
            "meeting_date",
            "meeting_attendance",
            "posting_from",
            "posting_to",
            "decision_number",
            "decision_date",
            "submitted_at",
        ],
    )
    StepEvent.objects.bulk_create(events, batch_size=1000)
    # The registry as it stood at the end of the year while the service freezes the round's figures.
    ended = sorted(year.end)
    today: dict[int, str] = {}
    for start in range(0, len(ended), 5000):
        today.update(
            Household.objects.filter(pk__in=ended[start : start + 5000])
            .values_list("pk", "category")
            .order_by()
        )
    changed = {pk: category for pk, category in year.end.items() if today.get(pk) != category}
    _set_categories(changed)
    round_close(review_round=review_round, acting_user=None)
    _set_categories({pk: today[pk] for pk in changed})
    return review_round


def _set_categories(categories: dict[int, str]) -> None:
    """Set the registry's category of households in bulk (the history of the demo, not a decision)."""
    by_category: dict[str, list[int]] = {}
    for pk, category in categories.items():
        by_category.setdefault(category, []).append(pk)
    for category, ids in by_category.items():
        for start in range(0, len(ids), 5000):
            Household.objects.filter(pk__in=ids[start : start + 5000]).update(category=category)


def _open_round(*, province: Area, seed: int) -> ReviewRound:
    """The 2026 review under way, through the services: a few communes at various steps."""
    rng = random.Random(f"round:{seed}:{OPEN_YEAR}")  # noqa: S311 - demo data
    review_round = round_open(province=province, year=OPEN_YEAR, acting_user=None)
    reviews = list(review_round.commune_reviews.select_related("commune").order_by("commune__code"))
    by_name = {r.commune.name: r for r in reviews}
    plan = [(by_name[name], step) for name, step in OPEN_ROUND_STEPS if name in by_name]
    if not plan:  # another province: the first communes by code (the last one stays not started)
        plan = [(r, step) for r, (_name, step) in zip(reviews[:-1], OPEN_ROUND_STEPS, strict=False)]
    officers = {
        area.pk: user
        for user in User.objects.filter(role=Role.COMMUNE_OFFICER).prefetch_related("scope_areas")
        for area in user.scope_areas.all()
    }
    for review, step in plan:
        if review.commune.name == NOT_STARTED:
            continue
        # Each survey and vote would recount the commune on commit; the round is recounted once below.
        with summaries_refreshed_by_caller():
            _walk(review, step, officers.get(review.commune_id), rng)
    summaries_rebuild(review_round=review_round)
    return review_round


def _walk(review: CommuneReview, target: int, officer: User | None, rng: random.Random) -> None:
    """Take a commune's 2026 review through the services up to step ``target``."""
    year = review.round.year
    listing_complete(review=review, acting_user=officer)
    # Two households of modest means filed a request (form 01): so the round has newly poor ones.
    for household in Household.objects.filter(
        commune=review.commune, is_active=True, category__in=[Category.MIDDLE, Category.NOT_POOR]
    ).order_by("income_per_capita", "pk")[:2]:
        requested = request_add(review=review, household=household, acting_user=officer)
        screening_record(assessment=requested, passed=True, version=ANY_VERSION, acting_user=officer)
    if target < Step.SURVEY:
        return
    surveyed_on = dt.date(year, 10, rng.randint(1, 25))
    for assessment in review.round.assessments.filter(commune=review.commune).select_related("household"):
        survey_record(
            assessment=assessment,
            income_per_capita=assessment.household.income_per_capita or 0,
            version=ANY_VERSION,
            acting_user=officer,
            surveyed_on=surveyed_on,
        )
    survey_complete(review=review, acting_user=officer)
    if target < Step.MEETING:
        return
    # Decision 24/2021: each village with households on the list holds its own meeting, then votes.
    villages = meeting_villages(review)
    held = {v.pk: dt.date(year, 11, rng.randint(2, 8)) for v in villages}
    attendances = {v.pk: rng.randint(25, 80) for v in villages}
    for village in villages:
        village_meeting_record(
            review=review,
            village=village,
            held_on=held[village.pk],
            place=f"Nhà văn hóa {village.name}",
            chair=f"Trưởng {village.name}",
            secretary="Chi hội trưởng Chi hội Phụ nữ",
            attendance=attendances[village.pk],
            acting_user=officer,
        )
    for assessment in review.round.assessments.filter(commune=review.commune).select_related("household"):
        attendance = attendances[assessment.household.village_id]
        # The meeting knows what the survey does not (a new job, a serious illness): some households
        # move, with the reason written down, so that the round has movements.
        decided, reason = assessment.proposed_category, ""
        draw = rng.random()
        if not decided:  # not enough information for the standard: the meeting keeps the current list
            decided = assessment.category_before or Category.NEAR_POOR
            reason = (
                "Chưa đủ thông tin theo chuẩn; hội nghị giữ theo kết quả năm trước, bổ sung thông tin sau"
            )
        elif assessment.source == Source.REQUEST:
            decided, reason = Category.POOR, "Chủ hộ ốm nặng, mất khả năng lao động trong năm"
        elif decided == Category.POOR and draw < 0.3:
            decided, reason = Category.NEAR_POOR, "Có thêm lao động có việc làm ổn định"
        elif decided == Category.POOR and draw < 0.4:
            decided, reason = Category.NOT_POOR, "Thu nhập tăng ổn định từ sản xuất"
        elif decided == Category.NEAR_POOR and draw < 0.25:
            decided, reason = Category.MIDDLE, "Thu nhập tăng ổn định từ sản xuất"
        elif decided == Category.NEAR_POOR and draw < 0.35:
            decided, reason = Category.POOR, "Chủ hộ ốm nặng, mất khả năng lao động trong năm"
        meeting_record(
            version=ANY_VERSION,
            assessment=assessment,
            votes_for=attendance - rng.randint(0, attendance // 3),
            decided_category=decided,
            reason=reason,
            acting_user=officer,
        )
    meeting_complete(review=review, acting_user=officer)
    meeting = max(held.values(), default=dt.date(year, 11, 8))
    if target < Step.POSTING:
        return
    if held:
        posting_complete(
            review=review,
            posting_from=meeting + dt.timedelta(days=1),
            posting_to=meeting + dt.timedelta(days=8),
            acting_user=officer,
        )
    else:  # nobody on the list: the posting is not held
        posting_complete(review=review, acting_user=officer)
    if target < Step.RECOGNITION:
        return
    recognise(
        review=review,
        decision_number=f"{rng.randint(100, 999)}/QĐ-UBND",
        decision_date=meeting + dt.timedelta(days=12),
        acting_user=officer,
    )
    if target < Step.CERTIFICATES:
        return
    certificates_complete(review=review, acting_user=officer)
    if target < Step.SUBMITTED:
        return
    submit(review=review, acting_user=officer)
