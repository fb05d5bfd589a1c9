"""End to end: a unit head opens the year's "Vì người nghèo" campaign on a phone, records a staff member's
donation through their unit, and sees the campaign's total grow by exactly that amount."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def test_unit_head_records_a_donation_and_sees_the_total(page, seeded) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.fund.models import Campaign
    from giamngheo.fund.selectors import campaign_figures
    from giamngheo.org.models import Staff

    campaign = Campaign.objects.order_by("-year").first()
    assert campaign is not None
    before = campaign_figures(campaign=campaign).raised
    person = Staff.objects.filter(org_unit__short_name="PTNT-GN", is_active=True).order_by("pk").first()
    assert person is not None

    sign_in(page, "truongphong")
    page.goto("/fund/")
    page.get_by_role("link", name=campaign.name).click()
    page.wait_for_url(re.compile(rf"/fund/{campaign.pk}/$"))
    assert page.locator("[data-testid=raised]").inner_text().strip() == _vnd(before)
    page.locator("[data-testid=record-donation]").click()
    page.select_option("#id_donor_kind", "staff")
    page.select_option("#id_staff", str(person.pk))
    page.fill("#id_amount", "250.000")
    page.fill("#id_date", campaign.start_date.strftime("17/10/%Y"))
    page.select_option("#id_method", "cash")
    page.fill("#id_receipt_number", "E2E-0001")
    page.locator("[data-testid=save-donation]").click()
    page.wait_for_url(re.compile(rf"/fund/{campaign.pk}/$"))
    expect(page.locator("body")).to_contain_text("Đã ghi nhận khoản ủng hộ.")
    assert page.locator("[data-testid=raised]").inner_text().strip() == _vnd(before + 250_000)

    # Without an amount nothing is written and the officer is told so.
    page.locator("[data-testid=record-donation]").click()
    page.select_option("#id_staff", str(person.pk))
    page.fill("#id_receipt_number", "E2E-0002")
    page.locator("[data-testid=save-donation]").click()
    expect(page.locator("body")).to_contain_text("Nhập số tiền ủng hộ")
    assert campaign.donations.filter(receipt_number="E2E-0002").count() == 0
