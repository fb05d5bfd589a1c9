"""The fund: bad input refused with nothing written, shares and exact totals, scope, the public page, the
receipts, the import (all or nothing) and the plan's indicators."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import ExportRecord
from giamngheo.dataio.fund_import import HEADERS, fund_import
from giamngheo.fund import selectors, services
from giamngheo.fund.models import Donation, DonorKind
from giamngheo.fund.services import DonationInput
from giamngheo.households.tests.factories import make_household
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.org.services import staff_create

YEAR = 2023
START, END = dt.date(YEAR, 10, 1), dt.date(YEAR, 11, 30)
ANON = "Trần Thị Ẩn Danh Bí Mật"


@pytest.fixture
def world(province: Any, users: dict[str, User]) -> dict[str, Any]:
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    units = list(department.children.filter(is_active=True).order_by("path")[:2])
    for unit in units:  # known staff: 4 active and 1 who left, per unit
        for i in range(4):
            staff_create(
                full_name=f"Cán Bộ {unit.short_name} {i}",
                org_unit=unit,
                staff_type="civil_servant",
                acting_user=None,
            )
        staff_create(
            full_name=f"Đã Nghỉ {unit.short_name}",
            org_unit=unit,
            staff_type="civil_servant",
            is_active=False,
            acting_user=None,
        )
    campaign = services.campaign_create(
        province=province,
        name="Tháng cao điểm Vì người nghèo 2023",
        year=YEAR,
        start_date=START,
        end_date=END,
        units=units,
        target_amount=50_000_000,
        acting_user=users["vanphong"],
    )
    return {"campaign": campaign, "units": units, "department": department}


def staff_of(unit: OrgUnit) -> list[Staff]:
    return list(Staff.objects.filter(org_unit=unit, is_active=True).order_by("pk"))


def give(campaign: Any, staff: Staff, amount: int, receipt: str, **extra: Any) -> Donation:
    data = DonationInput(
        donor_kind=DonorKind.STAFF,
        amount=amount,
        date=extra.pop("date", START),
        method="cash",
        receipt_number=receipt,
        org_unit=staff.org_unit,
        staff=staff,
        **extra,
    )
    return services.donation_create(campaign=campaign, data=data, acting_user=None)


def test_bad_donations_are_refused_and_nothing_written(world: dict[str, Any]) -> None:
    campaign, unit = world["campaign"], world["units"][0]
    person = staff_of(unit)[0]
    for amount in (None, 0):
        with pytest.raises(ValidationFailed) as exc:
            give(campaign, person, amount, "R1")  # type: ignore[arg-type]
        assert exc.value.extra["field"] == "amount"
    with pytest.raises(ValidationFailed) as exc:
        give(campaign, person, 100_000, "R1", date=dt.date(YEAR, 12, 1))
    assert exc.value.extra["field"] == "date"
    give(campaign, person, 100_000, "R1")
    with pytest.raises(ValidationFailed) as exc:
        give(campaign, staff_of(unit)[1], 100_000, "R1")
    assert exc.value.extra["field"] == "receipt_number"
    other = staff_of(world["units"][1])[0]
    with pytest.raises(ValidationFailed):  # a staff member of another unit than the one given
        services.donation_create(
            campaign=campaign,
            data=DonationInput("staff", 1000, START, "cash", "R9", org_unit=unit, staff=other),
            acting_user=None,
        )
    assert Donation.objects.filter(campaign=campaign).count() == 1


def test_message_of_a_missing_amount_in_vietnamese(world: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        give(world["campaign"], staff_of(world["units"][0])[0], 0, "R1")
    assert str(exc.value.message) == "Nhập số tiền ủng hộ"


def test_shares_and_exact_totals(world: dict[str, Any]) -> None:
    campaign = world["campaign"]
    a, b = world["units"]
    sa, sb = staff_of(a), staff_of(b)
    give(campaign, sa[0], 333_333, "1")
    give(campaign, sa[0], 1, "2")  # the same person twice counts once
    give(campaign, sa[1], 500_000, "3", anonymous=True)
    give(campaign, sb[0], 200_000, "4")
    services.donation_create(
        campaign=campaign,
        data=DonationInput("unit", 5_000_000, START, "transfer", "5", org_unit=b),
        acting_user=None,
    )
    services.donation_create(
        campaign=campaign,
        data=DonationInput("business", 10_000_001, START, "transfer", "6", donor_name="Công ty TNHH A"),
        acting_user=None,
    )
    f = selectors.campaign_figures(campaign=campaign)
    rows = {u.unit.pk: u for u in f.units}
    na, nb = len(sa), len(sb)  # active staff (the demo's and the world's; those who left are not counted)
    assert (rows[a.pk].staff, rows[a.pk].staff_gave) == (na, 2)
    assert rows[a.pk].share == round(100 * 2 / na, 1)
    assert (rows[b.pk].staff, rows[b.pk].staff_gave) == (nb, 1)
    assert (f.staff, f.staff_gave) == (na + nb, 3)
    assert rows[a.pk].amount == 833_334 and rows[b.pk].amount == 5_200_000
    assert f.raised == 16_033_335 == sum(k.amount for k in f.kinds)
    assert f.units_total + f.outside_units == f.raised
    assert {k.kind: k.amount for k in f.kinds}["business"] == 10_000_001
    assert f.donors == 5  # 3 staff, 1 unit, 1 business


def test_disbursement_never_more_than_the_balance(world: dict[str, Any], commune_a: Any) -> None:
    campaign = world["campaign"]
    give(campaign, staff_of(world["units"][0])[0], 1_000_000, "1")
    household = make_household(commune_a, head="Lò Văn Nhận", category="poor")
    services.disbursement_create(
        campaign=campaign,
        household=household,
        amount=600_000,
        date=END,
        purpose="livelihood",
        acting_user=None,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.disbursement_create(
            campaign=campaign,
            household=household,
            amount=400_001,
            date=END,
            purpose="housing",
            acting_user=None,
        )
    assert exc.value.extra["field"] == "amount"
    assert selectors.balance(campaign=campaign) == 400_000
    with pytest.raises(ValidationFailed):
        services.disbursement_create(
            campaign=campaign, household=household, amount=0, date=END, purpose="housing", acting_user=None
        )
    assert campaign.disbursements.count() == 1


def test_unit_head_records_and_sees_only_their_unit(world: dict[str, Any], users: dict[str, User]) -> None:
    campaign = world["campaign"]
    a, b = world["units"]
    head_a = user_create(
        username="truong.a",
        password="x-Pass-1234",
        full_name="Trưởng A",
        role="unit_head",
        scope_org_units=[a],
        acting_user=None,
    )
    head_b = user_create(
        username="truong.b",
        password="x-Pass-1234",
        full_name="Trưởng B",
        role="unit_head",
        scope_org_units=[b],
        acting_user=None,
    )
    person = staff_of(a)[0]
    data = DonationInput("staff", 50_000, START, "payroll", "A-1", org_unit=a, staff=person)
    donation = services.donation_create(campaign=campaign, data=data, acting_user=head_a)
    with pytest.raises(PermissionDenied):
        services.donation_create(
            campaign=campaign,
            data=DonationInput("staff", 50_000, START, "payroll", "A-2", org_unit=a, staff=staff_of(a)[1]),
            acting_user=head_b,
        )
    assert list(selectors.donation_list(user=head_a, campaign=campaign)) == [donation]
    assert list(selectors.donation_list(user=head_b, campaign=campaign)) == []
    client = client_for(head_b)
    page = client.get(reverse("fund:donation-list", args=[campaign.pk]))
    assert page.status_code == 200 and person.full_name not in page.content.decode()
    assert client.get(reverse("fund:donation-receipt", args=[donation.pk])).status_code == 404
    officer = client_for(users["canbo.bugiamap"])
    assert officer.get(reverse("fund:campaign-detail", args=[campaign.pk])).status_code in (403, 404)


def test_public_page_shows_no_anonymous_name_nor_household(world: dict[str, Any], commune_a: Any) -> None:
    campaign = world["campaign"]
    unit = world["units"][0]
    hidden = staff_create(full_name=ANON, org_unit=unit, staff_type="civil_servant", acting_user=None)
    give(campaign, hidden, 2_000_000, "1", anonymous=True)
    named = staff_of(unit)[0]
    give(campaign, named, 100_000, "2")
    services.donation_create(
        campaign=campaign,
        data=DonationInput(
            "other", 300_000, START, "cash", "3", donor_name="Bà Hảo Tâm Giấu Tên", anonymous=True
        ),
        acting_user=None,
    )
    household = make_household(
        commune_a,
        head="Lò Thị Được Giúp",
        category="poor",
        members=[
            {
                "full_name": "Lò Thị Được Giúp",
                "sex": "F",
                "date_of_birth": dt.date(1980, 1, 1),
                "relationship": "spouse",
                "national_id": "070180009999",
            }
        ],
    )
    services.disbursement_create(
        campaign=campaign,
        household=household,
        amount=1_000_000,
        date=END,
        purpose="housing",
        acting_user=None,
    )
    page = Client().get(reverse("fund:public", args=[campaign.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert ANON not in text and "Bà Hảo Tâm Giấu Tên" not in text
    assert text.count("Nhà hảo tâm ẩn danh") == 2
    assert named.full_name in text
    assert "Được Giúp" not in text and "070180009999" not in text and f">{household.code}<" not in text
    assert commune_a.name in text
    assert "2.400.000 đ" in text  # the total raised


def test_receipts_open_with_the_amount_in_words(world: dict[str, Any], users: dict[str, User]) -> None:
    donation = give(world["campaign"], staff_of(world["units"][0])[0], 1_500_000, "BN-01")
    client = client_for(users["vanphong"])
    logged = ExportRecord.objects.count()
    pdf = client.get(reverse("fund:donation-receipt", args=[donation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert ExportRecord.objects.count() == logged + 1
    assert ExportRecord.objects.latest("pk").kind == "donation_receipt"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.pdf"
        path.write_bytes(pdf.content)
        command = [shutil.which("pdftotext") or "pdftotext", str(path), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "Một triệu năm trăm nghìn đồng" in text and "BN-01" in text and "1.500.000" in text
    docx = client.get(reverse("fund:donation-receipt", args=[donation.pk]) + "?format=docx")
    from docx import Document

    doc = Document(io.BytesIO(docx.content))
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert (
        "Một triệu năm trăm nghìn đồng" in cells
        and donation.staff is not None
        and donation.staff.full_name in cells
    )
    anonymous = give(world["campaign"], staff_of(world["units"][0])[1], 20_000, "BN-02", anonymous=True)
    doc = Document(
        io.BytesIO(client.get(reverse("fund:donation-receipt", args=[anonymous.pk]) + "?format=docx").content)
    )
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "ẩn danh" in cells and "Hai mươi nghìn đồng" in cells


def _sheet(rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            HEADERS[k]
            for k in (
                "receipt_number",
                "date",
                "donor_kind",
                "org_unit",
                "staff",
                "donor_name",
                "amount",
                "method",
                "anonymous",
            )
        ]
    )
    for row in rows:
        sheet.append(row)
    path = Path(tempfile.mkdtemp()) / "ung-ho.xlsx"
    book.save(path)
    return path


def test_import_is_all_or_nothing(world: dict[str, Any], users: dict[str, User]) -> None:
    campaign = world["campaign"]
    unit = world["units"][0]
    names = [s.full_name for s in staff_of(unit)]
    give(campaign, staff_of(unit)[3], 10_000, "OLD-1")
    bad = _sheet(
        [
            ["N1", "05/10/2023", "Cán bộ, công chức", unit.name, names[0], "", 200000, "Tiền mặt", ""],
            ["N2", "05/10/2023", "Cán bộ, công chức", unit.name, names[1], "", None, "Tiền mặt", ""],
            [
                "N3",
                "05/10/2023",
                "Cán bộ, công chức",
                unit.name,
                "Không Có Người Này",
                "",
                1000,
                "Tiền mặt",
                "",
            ],
            ["N1", "06/10/2023", "Doanh nghiệp", "", "", "Công ty B", 1000, "Chuyển khoản", ""],
            ["OLD-1", "06/10/2023", "Doanh nghiệp", "", "", "Công ty C", 1000, "Chuyển khoản", ""],
            ["N6", "06/12/2023", "Doanh nghiệp", "", "", "Công ty D", 1000, "Chuyển khoản", ""],
        ]
    )
    outcome = fund_import(path=bad, campaign=campaign, acting_user=users["vanphong"], dry_run=False)
    messages = [str(i) for i in outcome.errors]
    assert any(m.startswith("Dòng 3, cột Số tiền (đồng)") for m in messages), messages
    assert any(m.startswith("Dòng 4, cột Họ và tên cán bộ") for m in messages), messages
    assert any(m.startswith("Dòng 5, cột Số biên nhận") for m in messages), messages
    assert any(m.startswith("Dòng 6, cột Số biên nhận") for m in messages), messages
    assert any(m.startswith("Dòng 7, cột Ngày") for m in messages), messages
    assert outcome.created == 0 and campaign.donations.count() == 1
    good = _sheet(
        [
            ["N1", "05/10/2023", "Cán bộ, công chức", unit.name, names[0], "", 200000, "Tiền mặt", ""],
            [
                "N2",
                dt.datetime(2023, 10, 6),
                "Doanh nghiệp",
                "",
                "",
                "Công ty B",
                "1.000.000",
                "Chuyển khoản",
                "Có",
            ],
        ]
    )
    checked = fund_import(path=good, campaign=campaign, acting_user=users["vanphong"], dry_run=True)
    assert not checked.errors and checked.created == 0 and checked.amount == 1_200_000
    done = fund_import(path=good, campaign=campaign, acting_user=users["vanphong"], dry_run=False)
    assert done.created == 2 and campaign.donations.count() == 3
    assert campaign.donations.get(receipt_number="N2").anonymous


def test_indicator_inputs_feed_the_targets(world: dict[str, Any], province: Any, commune_a: Any) -> None:
    from giamngheo.plans import indicators as ind
    from giamngheo.plans.selectors import area_inputs

    campaign = world["campaign"]
    assert selectors.indicator_inputs(user=None, area=province, year=YEAR + 1) == {}
    assert selectors.indicator_inputs(user=None, area=commune_a, year=YEAR) == {}
    a = world["units"][0]
    give(campaign, staff_of(a)[0], 700_000, "1")
    give(campaign, staff_of(a)[1], 300_000, "2")
    inputs = area_inputs(user=None, area=province, year=YEAR)
    staff = sum(len(staff_of(u)) for u in world["units"])
    assert (
        inputs["fund_raised"] == 1_000_000
        and inputs["fund_staff"] == staff
        and inputs["fund_staff_gave"] == 2
    )
    assert ind.indicator("fund_raised").value(inputs) == Decimal(1_000_000)
    share = ind.indicator("fund_staff_share").value(inputs)
    assert share is not None and abs(share - Decimal(200) / staff) < Decimal("0.01")


def test_pages_open_for_the_office(world: dict[str, Any], users: dict[str, User], commune_a: Any) -> None:
    campaign = world["campaign"]
    client = client_for(users["vanphong"])
    give(campaign, staff_of(world["units"][0])[0], 100_000, "1")
    for name, args in [
        ("fund:campaign-list", []),
        ("fund:campaign-create", []),
        ("fund:campaign-detail", [campaign.pk]),
        ("fund:campaign-update", [campaign.pk]),
        ("fund:donation-list", [campaign.pk]),
        ("fund:donation-create", [campaign.pk]),
        ("fund:disbursement-list", [campaign.pk]),
        ("fund:disbursement-create", [campaign.pk]),
        ("dataio:fund-import", [campaign.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    detail = client.get(reverse("fund:campaign-detail", args=[campaign.pk])).content.decode()
    assert reverse("fund:public", args=[campaign.pk]) in detail
    logged = ExportRecord.objects.count()
    xlsx = client.get(reverse("fund:donation-list", args=[campaign.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    paid = client.get(reverse("fund:disbursement-list", args=[campaign.pk]) + "?format=xlsx")
    assert paid.status_code == 200 and "spreadsheetml" in paid["Content-Type"]
    kinds = list(ExportRecord.objects.order_by("pk").values_list("kind", flat=True)[logged:])
    assert kinds == ["donation_list", "disbursement_list"]  # one row each, named for what was downloaded
    template = client.get(reverse("dataio:fund-template", args=[campaign.pk]))
    assert template.status_code == 200
    household = make_household(commune_a, head="Lò Văn Nhà", category="poor")
    response = client.post(
        reverse("fund:disbursement-create", args=[campaign.pk]),
        {
            "commune": commune_a.pk,
            "household_code": household.code,
            "amount": "200.000",
            "date": "30/11/2023",
            "purpose": "tet",
        },
    )
    assert response.status_code == 200 and "Số dư không đủ" in response.content.decode()
    response = client.post(
        reverse("fund:disbursement-create", args=[campaign.pk]),
        {
            "commune": commune_a.pk,
            "household_code": household.code,
            "amount": "50.000",
            "date": "30/11/2023",
            "purpose": "tet",
        },
    )
    assert response.status_code == 302 and campaign.disbursements.get().household == household


def test_plan_targets_on_the_fund_get_values(
    world: dict[str, Any], province: Any, users: dict[str, User]
) -> None:
    from giamngheo.plans import selectors as plan_selectors
    from giamngheo.plans import services as plan_services

    campaign = world["campaign"]
    a = world["units"][0]
    give(campaign, staff_of(a)[0], 1_250_000, "1")
    plan = plan_services.plan_create(
        province=province, year_from=YEAR, year_to=YEAR, title="KH quỹ", acting_user=None
    )
    cards = {}
    for key, goal in (("fund_raised", Decimal(50_000_000)), ("fund_staff_share", Decimal(100))):
        target = plan_services.target_create(
            plan=plan,
            name=key,
            indicator_key=key,
            target_value=goal,
            direction="up",
            deadline=dt.date(YEAR, 12, 31),
            acting_user=None,
        )
        cards[key] = plan_selectors.target_card(
            user=users["vanphong"], target=target, area=province, year=YEAR
        )
    assert cards["fund_raised"].actual == Decimal(1_250_000)
    staff = sum(len(staff_of(u)) for u in world["units"])
    share = cards["fund_staff_share"].actual
    assert share is not None and abs(share - Decimal(100) / staff) < Decimal("0.01")


def test_import_pages_check_then_import(world: dict[str, Any], users: dict[str, User]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign = world["campaign"]
    unit = world["units"][0]
    path = _sheet(
        [
            [
                "P1",
                "05/10/2023",
                "Cán bộ, công chức",
                unit.name,
                staff_of(unit)[0].full_name,
                "",
                300000,
                "Tiền mặt",
                "",
            ]
        ]
    )
    client = client_for(users["vanphong"])
    upload = SimpleUploadedFile("ung-ho.xlsx", path.read_bytes())
    response = client.post(reverse("dataio:fund-import", args=[campaign.pk]), {"file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and campaign.donations.count() == 0
    job_pk = int(response["Location"].rstrip("/").split("/")[-1])
    done = client.post(reverse("dataio:fund-import-run", args=[job_pk]))
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    assert campaign.donations.get().amount == 300_000
    other = client_for(users["canbo.tranbien"])
    assert other.get(reverse("dataio:fund-import-detail", args=[job_pk])).status_code in (403, 404)
