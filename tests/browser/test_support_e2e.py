"""End to end: a commune officer opens the health-insurance gap list on a phone, records the cards of
everyone listed in one go, and sees the commune's coverage of that policy reach 100 %."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def poor_household(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.households.models import Household
    from giamngheo.households.tests.factories import make_household
    from giamngheo.policies.services import entitlements_refresh

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    # Only our household is poor in this commune, whatever the demo data holds.
    Household.objects.filter(commune=commune).update(category="")
    household = make_household(
        commune,
        head="Điểu Thị Thẻ",
        category="poor",
        members=[
            {
                "full_name": "Điểu Văn Bảo",
                "sex": "M",
                "date_of_birth": dt.date(1985, 4, 2),
                "relationship": "spouse",
            },
            {
                "full_name": "Điểu Thị Hiểm",
                "sex": "F",
                "date_of_birth": dt.date(2015, 9, 9),
                "relationship": "child",
            },
        ],
    )
    entitlements_refresh(household_ids=[household.pk])
    return household


def test_officer_closes_the_health_insurance_gap(page, poor_household) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "canbo.bugiamap")
    page.goto("/policies/coverage/")
    h1 = page.locator("tr[data-policy=H1]")
    assert h1.get_attribute("data-percent") == "0.0"
    h1.locator("[data-testid=gap-link]").click()
    page.wait_for_url(re.compile(r"/policies/gaps/H1/"))
    rows = page.locator("[data-testid=gap-table] tbody tr")
    assert rows.count() == 3
    assert "Điểu Thị Hiểm" in page.locator("[data-testid=gap-table]").inner_text()

    # Nobody is ticked at first; "tick all" ticks everyone listed. Today, cards paid by the central budget
    # (the form's defaults), one decision.
    picks = page.locator("[data-testid=gap-table] tbody input[name=pick]")
    assert picks.count() == 3 and all(not picks.nth(i).is_checked() for i in range(3))
    page.locator("[data-testid=tick-all]").check()
    assert all(picks.nth(i).is_checked() for i in range(3))
    page.fill("#id_document", "QĐ 15/QĐ-UBND")
    page.locator("[data-testid=record-submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=empty-state]").is_visible()
    expect(page.locator("body")).to_contain_text("Đã ghi nhận 3")

    page.goto("/policies/coverage/")
    h1 = page.locator("tr[data-policy=H1]")
    assert h1.get_attribute("data-percent") == "100.0"
    assert "100,0 %" in h1.locator("[data-testid=coverage-percent]").inner_text()

    # The household card says the cards were received.
    page.goto(f"/households/{poor_household.pk}/")
    card = page.locator("[data-testid=household-policies] li[data-policy=H1]")
    card.wait_for()
    assert card.get_attribute("data-received") == "yes"
