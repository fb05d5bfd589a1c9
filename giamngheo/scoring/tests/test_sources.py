"""The computed criteria: each source gives every unit asked a value with the words saying where it comes
from, and an unknown value stays ``None`` (never 0)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from giamngheo.emulation.models import GuidanceTask
from giamngheo.fund import services as fund
from giamngheo.fund.services import DonationInput
from giamngheo.geo.models import Area
from giamngheo.initiatives.models import Initiative
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.org.services import org_unit_create, staff_create
from giamngheo.plans.models import Plan, Target, TargetReport
from giamngheo.scoring import sources
from giamngheo.unitreports.models import ReportRequest, ReportTemplate, UnitReport

YEAR = 2026
D = Decimal


@pytest.fixture
def units(province: Area) -> tuple[OrgUnit, OrgUnit]:
    """Two new units of the department (no demo data of theirs)."""
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    return tuple(  # type: ignore[return-value]
        org_unit_create(
            name=f"Phòng Thử Nghiệm {s}",
            short_name=f"TN{s}",
            kind=OrgUnitKind.DIVISION,
            parent=department,
            area=province,
            acting_user=None,
        )
        for s in "AB"
    )


def ids(units: tuple[OrgUnit, ...]) -> list[int]:
    return [u.pk for u in units]


def test_registry_has_the_five_sources_with_labels() -> None:
    assert set(sources.SOURCES) == {
        "tasks_on_time",
        "reports_on_time",
        "initiatives_recognised",
        "fund_staff_share",
        "unit_targets_on_track",
    }
    assert all(label for _key, label in sources.choices())


def test_tasks_on_time(units: tuple[OrgUnit, OrgUnit]) -> None:
    a, _b = units
    deadline = dt.date(YEAR, 1, 15)
    for i in range(12):
        GuidanceTask.objects.create(
            org_unit=a,
            year=YEAR,
            title=f"NV {i}",
            document="Hướng dẫn",
            deadline=deadline,
            status="issued",
            issued_on=deadline - dt.timedelta(days=1),
        )
    GuidanceTask.objects.create(
        org_unit=a,
        year=YEAR,
        title="Trễ",
        document="HD",
        deadline=deadline,
        status="issued",
        issued_on=deadline + dt.timedelta(days=3),
    )
    GuidanceTask.objects.create(
        org_unit=a, year=YEAR, title="Chưa ban hành", document="HD", deadline=deadline
    )
    got = sources.compute("tasks_on_time", ids(units), YEAR)
    assert got[a.pk].value == D("85.71")  # 12 / 14
    assert got[a.pk].provenance == ("12/14 nhiệm vụ ban hành đúng hạn (Phong trào thi đua → Nhiệm vụ 2026)")
    assert got[units[1].pk].value is None  # no task due: unknown, not 0
    assert "2026" in got[units[1].pk].provenance


def test_reports_on_time(units: tuple[OrgUnit, OrgUnit], province: Area) -> None:
    a, b = units
    template = ReportTemplate.objects.create(name="Báo cáo quý", period_kind="quarter")
    for q in (1, 2, 3, 4):
        start = dt.date(YEAR, 3 * q - 2, 1)
        end = dt.date(YEAR, 3 * q, 28)
        request = ReportRequest.objects.create(
            template=template,
            organiser=a.parent,
            title=f"Quý {q}",
            year=YEAR,
            period=q,
            period_start=start,
            period_end=end,
            due_date=end + dt.timedelta(days=10),
        )
        request.units.set([a])
        if q < 4:  # three submitted: two on time, one late; the fourth not yet
            late = 20 if q == 3 else 0
            UnitReport.objects.create(
                request=request,
                org_unit=a,
                status="submitted",
                submitted_at=timezone.make_aware(
                    dt.datetime.combine(end + dt.timedelta(days=late), dt.time(9))
                ),
            )
    got = sources.compute("reports_on_time", [a.pk, b.pk], YEAR)
    assert got[a.pk].value == D("50.00")
    assert got[a.pk].provenance.startswith("2/4 báo cáo nộp đúng hạn")
    assert got[b.pk].value is None  # nothing was asked of it


def test_initiatives_recognised_counts_zero_as_a_known_value(units: tuple[OrgUnit, OrgUnit]) -> None:
    a, b = units
    for i in range(2):
        Initiative.objects.create(
            org_unit=a,
            year=YEAR,
            title=f"Sáng kiến {i}",
            field="other",
            solution="…",
            status="recognised",
            decision_number=f"{i}/QĐ",
            decision_date=dt.date(YEAR, 11, 1),
        )
    Initiative.objects.create(org_unit=a, year=YEAR, title="Chưa xét", field="other", solution="…")
    got = sources.compute("initiatives_recognised", ids(units), YEAR)
    assert got[a.pk].value == D(2) and got[a.pk].provenance.startswith("2 sáng kiến được công nhận")
    assert got[b.pk].value == D(0)  # counted: none recognised


def test_fund_staff_share(units: tuple[OrgUnit, OrgUnit], province: Area) -> None:
    a, b = units
    staff = [
        staff_create(full_name=f"Cán Bộ Thử {i}", org_unit=a, staff_type="civil_servant", acting_user=None)
        for i in range(4)
    ]
    campaign = fund.campaign_create(
        province=province,
        name="Quỹ thử 2026",
        year=YEAR,
        start_date=dt.date(YEAR, 10, 1),
        end_date=dt.date(YEAR, 11, 30),
        units=[a, b],
        acting_user=None,
    )
    for i, person in enumerate(staff[:3]):
        fund.donation_create(
            campaign=campaign,
            data=DonationInput(
                "staff", 100_000, dt.date(YEAR, 10, 2), "cash", f"T{i}", org_unit=a, staff=person
            ),
            acting_user=None,
        )
    other = org_unit_create(
        name="Phòng Không Tham Gia",
        kind=OrgUnitKind.DIVISION,
        parent=a.parent,
        area=province,
        acting_user=None,
    )
    got = sources.compute("fund_staff_share", [a.pk, b.pk, other.pk], YEAR)
    assert got[a.pk].value == D("75.00")
    assert got[a.pk].provenance == "3/4 cán bộ đã ủng hộ (Quỹ “Vì người nghèo” → Quỹ thử 2026)"
    assert got[b.pk].value is None  # no staff on record
    assert got[other.pk].value is None and "2026" in got[other.pk].provenance
    assert Staff.objects.filter(org_unit=a).count() == 4


def test_unit_targets_on_track(units: tuple[OrgUnit, OrgUnit], province: Area) -> None:
    a, b = units
    plan = Plan.objects.create(province=province, year_from=YEAR, year_to=YEAR, title="KH thử")

    def target(name: str, value: Any) -> None:
        t = Target.objects.create(
            plan=plan,
            name=name,
            indicator_key="programme_disbursement",
            unit="percent",
            baseline_value=D(0),
            target_value=D(100),
            direction="up",
            deadline=dt.date(YEAR, 12, 31),
            responsible_unit=a,
        )
        if value is not None:
            TargetReport.objects.create(target=t, area=province, year=YEAR, value=D(value))

    target("Giải ngân đạt", 100)
    target("Giải ngân chậm", 5)
    target("Chưa báo cáo", None)
    got = sources.compute("unit_targets_on_track", ids(units), YEAR)
    assert got[a.pk].value == D("50.00")
    assert got[a.pk].provenance.startswith("1/2 chỉ tiêu đạt hoặc đúng tiến độ; 1 chỉ tiêu chưa có số liệu")
    assert got[b.pk].value is None


def test_link_of_a_source_is_a_page_or_nothing() -> None:
    assert sources.link("unit_targets_on_track", YEAR) == "/plans/"
    assert sources.link("no_such_source", YEAR) == ""
