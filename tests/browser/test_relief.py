"""End to end: the provincial specialist records a flood in a commune, an affected household of the
registry with its damage and the cash it received, and sees the incident's totals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def household(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.households.tests.factories import make_household

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    return make_household(commune, head="Điểu Thị Lũ", category="near_poor", code="LU-0001")


def test_record_an_incident_its_household_and_support(page, household) -> None:  # type: ignore[no-untyped-def]
    start = dt.date.today() - dt.timedelta(days=3)
    sign_in(page, "chuyenvien")
    page.goto("/relief/")
    assert page.locator("[data-testid=empty-state]").is_visible()
    page.locator("[data-testid=incident-create]").click()
    page.select_option("#id_kind", "flood")
    page.fill("#id_name", "Lũ quét thử nghiệm")
    page.fill("#id_start_date", start.strftime("%d/%m/%Y"))
    # An end before the start is refused, with a message next to the field.
    page.fill("#id_end_date", (start - dt.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.get_by_label("Xã Bù Gia Mập", exact=True).check()
    page.locator("[data-testid=incident-save]").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Ngày kết thúc không được trước ngày bắt đầu")
    page.fill("#id_end_date", start.strftime("%d/%m/%Y"))
    page.locator("[data-testid=incident-save]").click()
    page.wait_for_url(re.compile(r"/relief/\d+/$"))
    assert "Xã Bù Gia Mập" in page.locator("[data-testid=incident-communes]").inner_text()

    # The affected household, found in the registry by its code.
    page.locator("[data-testid=affected-create]").click()
    page.fill("#id_q", "LU-0001")
    page.locator("[data-testid=household-search] button[type=submit]").click()
    page.locator("[data-testid=pick-household]").first.click()
    assert "Điểu Thị Lũ" in page.locator("[data-testid=picked-household]").inner_text()
    page.fill("#id_injured", "1")
    page.select_option("#id_house", "destroyed")
    page.fill("#id_estimated_loss", "45.000.000")
    page.locator("[data-testid=affected-save]").click()
    page.wait_for_url(re.compile(r"/relief/households/\d+/$"))
    assert "Sập, đổ hoàn toàn" in page.locator("[data-testid=damage]").inner_text()

    # Its support: a date before the incident is refused, then the cash is recorded.
    page.select_option("#id_kind", "cash")
    page.fill("#id_amount", "2.500.000")
    page.select_option("#id_source", "state")
    page.fill("#id_given_on", (start - dt.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.locator("[data-testid=support-save]").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Ngày hỗ trợ không được trước ngày bắt đầu sự cố")
    page.fill("#id_given_on", start.strftime("%d/%m/%Y"))
    page.locator("[data-testid=support-save]").click()
    page.wait_for_load_state()
    assert "2.500.000 đ" in page.locator("[data-testid=support-table]").inner_text()

    # The totals of the incident.
    page.get_by_role("link", name="Lũ quét thử nghiệm").first.click()
    page.locator("[data-testid=totals-link]").click()
    page.wait_for_url(re.compile(r"/relief/\d+/totals/$"))
    assert "2.500.000 đ" in page.locator("[data-testid=totals-commune-amount]").inner_text()
    assert "2.500.000 đ" in page.locator("[data-testid=totals-kind-amount]").inner_text()

    # The near-poor household whose house was destroyed is on the follow-up list.
    page.goto("/relief/follow-up/")
    assert "Điểu Thị Lũ" in page.locator("[data-testid=follow-up-table]").inner_text()
