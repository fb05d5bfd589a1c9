"""End to end: a commune officer records a vocational course, enrols a member of a poor household found in
the registry, records that she completed it and found work, and sees the placement rate of the year."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def poor_member(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.households.tests.factories import make_household

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    household = make_household(commune, head="Điểu Thị Nghề", category="poor", code="NGHE-01")
    return household.members.first()


def test_course_enrol_outcome_rate(page, poor_member) -> None:  # type: ignore[no-untyped-def]
    year = dt.date.today().year - 1
    sign_in(page, "canbo.bugiamap")
    page.goto("/vocation/")
    page.get_by_test_id("course-create").click()
    page.fill("#id_trade", "May công nghiệp")
    page.select_option("#id_level", "elementary")
    page.fill("#id_organiser", "Trung tâm GDNN-GDTX")
    page.fill("#id_starts_on", f"05/03/{year}")
    page.fill("#id_ends_on", f"30/04/{year}")
    page.fill("#id_cost", "45.000.000")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_test_id("course-title").inner_text() == "May công nghiệp"
    search = page.get_by_test_id("member-search")
    search.locator("input[name=q]").fill("NGHE-01")
    search.get_by_role("button").click()
    page.get_by_role("button", name="Ghi danh", exact=True).first.click()
    table = page.get_by_test_id("trainee-table")
    assert "Điểu Thị Nghề" in table.inner_text()
    assert "Hộ nghèo" in table.inner_text()
    table.get_by_role("link", name="Kết quả").click()
    page.select_option("#id_completed", "1")
    page.select_option("#id_employed_6m", "1")
    page.fill("#id_employed_on", f"01/06/{year}")
    page.fill("#id_employer", "Công ty May Đồng Nai")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"/vocation/rates/?year={year}&by=trade")
    total = page.get_by_test_id("rate-total").inner_text()
    assert "100,0 %" in total
