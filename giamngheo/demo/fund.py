"""Demo "Vì người nghèo" fund: the current year's campaign of the province (the department and its units
take part), donations from 70–90 % of each unit's staff (some anonymous), each unit's own donation, two
businesses, and a few disbursements to poor households of the registry.

Everything goes through ``fund.services`` (audited as "system"). Safe to run again: a province that has a
campaign this year is left alone. The names of businesses and documents are samples (CHƯA XÁC NHẬN).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from giamngheo.fund import services
from giamngheo.fund.models import Campaign, DonorKind
from giamngheo.fund.services import DonationInput
from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

BUSINESSES = (
    ("Công ty Cổ phần Cao su Đồng Phú (mẫu)", 50_000_000),
    ("Ngân hàng TMCP Công Thương – Chi nhánh Bình Phước (mẫu)", 30_000_000),
)
PURPOSES = ("housing", "livelihood", "education", "tet", "health")


@dataclass
class FundReport:
    campaign: Campaign | None = None
    donations: int = 0
    disbursements: int = 0


def seed_fund(*, province: Area, seed: int = 1) -> FundReport:
    report = FundReport()
    year = timezone.localdate().year
    if Campaign.objects.filter(province=province, year=year).exists():
        return report
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None:
        return report
    rng = random.Random(seed)  # noqa: S311 - demo data
    units = list(OrgUnit.objects.filter(path__startswith=department.path, is_active=True).order_by("path"))
    start, end = dt.date(year, 10, 1), dt.date(year, 11, 18)  # around 17/10, the day for the poor
    campaign = services.campaign_create(
        province=province,
        name=f"Cuộc vận động ủng hộ Quỹ “Vì người nghèo” năm {year}",
        year=year,
        start_date=start,
        end_date=end,
        units=units,
        target_amount=300_000_000,
        document_number=f"125/KH-SNNMT (mẫu, {year})",
        document_date=dt.date(year, 9, 25),
        note="Kế hoạch phát động là dữ liệu mẫu (CHƯA XÁC NHẬN).",
        acting_user=None,
    )
    report.campaign = campaign
    number = 0

    def receipt() -> str:
        nonlocal number
        number += 1
        return f"BN-{year}-{number:04d}"

    def day() -> dt.date:
        return start + dt.timedelta(days=rng.randint(0, (end - start).days))

    for unit in units:
        staff = list(Staff.objects.filter(org_unit=unit, is_active=True).order_by("pk"))
        givers = rng.sample(staff, round(len(staff) * rng.uniform(0.7, 0.9))) if staff else []
        for person in givers:
            services.donation_create(
                campaign=campaign,
                data=DonationInput(
                    donor_kind=DonorKind.STAFF,
                    amount=rng.choice([100_000, 200_000, 200_000, 300_000, 500_000]),
                    date=day(),
                    method=rng.choice(["payroll", "payroll", "cash", "transfer"]),
                    receipt_number=receipt(),
                    org_unit=unit,
                    staff=person,
                    anonymous=rng.random() < 0.12,
                ),
                acting_user=None,
            )
            report.donations += 1
        if unit.kind != OrgUnitKind.DEPARTMENT:
            services.donation_create(
                campaign=campaign,
                data=DonationInput(
                    donor_kind=DonorKind.UNIT,
                    amount=rng.choice([2_000_000, 3_000_000, 5_000_000]),
                    date=day(),
                    method="transfer",
                    receipt_number=receipt(),
                    org_unit=unit,
                ),
                acting_user=None,
            )
            report.donations += 1
    for name, amount in BUSINESSES:
        services.donation_create(
            campaign=campaign,
            data=DonationInput(
                donor_kind=DonorKind.BUSINESS,
                amount=amount,
                date=day(),
                method="transfer",
                receipt_number=receipt(),
                donor_name=name,
            ),
            acting_user=None,
        )
        report.donations += 1
    poor = list(Household.objects.filter(commune__parent=province, category="poor").order_by("pk")[:200])
    for i, household in enumerate(rng.sample(poor, min(5, len(poor)))):
        services.disbursement_create(
            campaign=campaign,
            household=household,
            amount=rng.choice([5_000_000, 10_000_000, 15_000_000]),
            date=end,
            purpose=PURPOSES[i % len(PURPOSES)],
            decision_number=f"{30 + i}/QĐ-SNNMT (mẫu)",
            decision_date=end,
            acting_user=None,
        )
        report.disbursements += 1
    return report
