"""End to end: a ward officer runs the whole review of their ward on a phone; the province sees the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from giamngheo.demo.seed import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def ward_review(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.households.models import Household
    from giamngheo.households.tests.factories import make_household
    from giamngheo.reviews import services
    from giamngheo.reviews.models import CommuneReview, ReviewRound

    ward = Area.objects.get(name="Phường Trấn Biên")
    # Only our household is on this ward's list, whatever the demo data holds.
    Household.objects.filter(commune=ward).update(category="")
    household = make_household(ward, head="Huỳnh Thị Thử", category="poor")
    province = ward.parent
    review_round = ReviewRound.objects.filter(province=province, year=2026).first() or services.round_open(
        province=province, year=2026, acting_user=None
    )
    review = CommuneReview.objects.get(round=review_round, commune=ward)
    review.step, review.locked = 0, False
    review.save()
    review.round.assessments.filter(commune=ward).delete()
    return review, household


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def step(page, action: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").click()
    page.wait_for_load_state()


def test_officer_reviews_the_ward_and_the_province_sees_it(page, ward_review) -> None:  # type: ignore[no-untyped-def]
    review, household = ward_review
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "canbo.tranbien")
    page.goto(f"/reviews/communes/{review.pk}/")
    step(page, "listing_complete")
    assert household.code in page.content()

    # Dates go through the phone's date picker (ISO values).
    # Survey (form B): the income rose to 1,200,000 đ and the household lacks no indicator: near-poor.
    page.locator("a[href$='/survey/']").first.click()
    page.fill("#id_income_per_capita", "1.200.000")
    page.fill("#id_surveyed_on", "01/10/2026")
    page.get_by_role("button", name="Lưu và phân loại").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Hộ cận nghèo")
    page.goto(f"/reviews/communes/{review.pk}/")
    step(page, "survey_complete")

    # The village's meeting (Decision 24/2021: one per village), then its vote: 30 of 40 agree.
    page.locator("[data-testid^=village-meeting-]").first.click()
    page.fill("#id_held_on", "20/10/2026")
    page.fill("#id_chair", "Ông Trưởng Khu Phố")
    page.fill("#id_attendance", "40")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    page.locator("a[href*='/assessments/'][href$='/meeting/']").first.click()
    page.fill("#id_attendance", "40")
    page.fill("#id_votes_for", "30")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(f"/reviews/communes/{review.pk}/")
    step(page, "meeting_complete")
    page.fill("#id_posting_from", "21/10/2026")
    page.fill("#id_posting_to", "28/10/2026")
    step(page, "posting_complete")
    page.fill("#id_decision_number", "321/QĐ-UBND")
    page.fill("#id_decision_date", "05/11/2026")
    step(page, "recognise")
    assert page.get_by_test_id("movements").is_visible()
    step(page, "certificates_complete")
    step(page, "submit")
    assert page.locator("form:has(input[name=action])").count() == 0  # read-only once submitted

    # The province sees the ward's new numbers.
    page.context.clear_cookies()
    sign_in(page, "chuyenvien")
    page.goto("/tables/summary/?year=2026")
    row = page.locator("tr", has_text="Phường Trấn Biên").first
    cells = row.locator("td").all_inner_texts()
    # STT, name, households, start poor, start near-poor, escaped poverty, …,
    # end poor (n, rate), near-poor (n, rate)
    assert cells[1] == "Phường Trấn Biên"
    assert (cells[3], cells[5]) == ("1", "1"), cells
    assert "0,00 %" in cells and "100,00 %" in cells, cells
    household.refresh_from_db()
    assert household.category == "near_poor"
