"""End to end: a commune officer records a poor household's loan request from its card, finds it in the
coverage page's gap list of C1 (loans count only households that asked), and approves it."""

from __future__ import annotations

import re

import pytest

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def poor_household(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.households.models import Household
    from giamngheo.households.tests.factories import make_household
    from giamngheo.policies.models import SupportRecord, SupportRequest
    from giamngheo.policies.services import coverage_rebuild

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    # Only our household is poor in this commune, whatever the demo data holds.
    Household.objects.filter(commune=commune).update(category="")
    SupportRequest.objects.filter(commune=commune).delete()
    SupportRecord.objects.filter(commune=commune).delete()
    household = make_household(commune, head="Điểu Thị Vay", category="poor", code="VAY-01")
    coverage_rebuild(commune_ids=[commune.pk])
    return household


def test_officer_records_a_loan_request_and_sees_the_gap(page, poor_household) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "canbo.bugiamap")
    page.goto("/policies/gaps/C1/")
    assert page.locator("[data-testid=empty-state]").is_visible()  # nobody asked: no gap
    assert "Chỉ tính hộ có đề nghị được ghi nhận" in page.locator("[data-testid=counting-note]").inner_text()

    page.goto(f"/households/{poor_household.pk}/")
    link = page.locator("[data-testid=request-C1]")
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/requests/new/"))
    page.fill("#id_note", "Vay vốn chăn nuôi bò")
    page.locator("[data-testid=request-form] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/households/{poor_household.pk}/"))

    page.goto("/policies/gaps/C1/")
    assert "VAY-01" in page.locator("[data-testid=gap-table]").inner_text()

    page.goto("/policies/requests/")
    row = page.locator("[data-testid=request-table] tbody tr").first
    assert row.get_attribute("data-status") == "requested"
    row.locator("a").first.click()
    page.select_option("#id_status", "approved")
    page.locator("[data-testid=decision-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert (
        page.locator("[data-testid=request-detail] [data-status]").get_attribute("data-status") == "approved"
    )
