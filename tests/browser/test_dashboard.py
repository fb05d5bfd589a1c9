"""The dashboard in a real browser on a phone-sized screen (375 × 800): the charts are drawn (a canvas of
non-zero size per chart), without a single Content-Security-Policy violation; a click leads to a commune's
dashboard; the "Download PNG" button gives a PNG file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from giamngheo.demo.seed import DEMO_PASSWORD

from .conftest import two_rounds
from .test_csp import REPORT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def world(seeded):  # type: ignore[no-untyped-def]
    """Households in two communes, a closed 2025 round (frozen) and an open 2026 round."""
    return two_rounds("BD", "Hộ Biểu Đồ", "Hộ Biểu Đồ B")


def test_a_leader_opens_the_dashboard_on_a_phone_and_drills_down(browser, live_server, world) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 375, "height": 800},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    found: list[str] = []

    def seen(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    page.on("pageerror", lambda error: found.append(f"{page.url}: script error {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "chuyenvien")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))

        response = page.goto("/dashboard/")
        assert response is not None and response.status == 200
        expect(page.locator("html[data-charts-ready]")).to_have_count(1)
        for key in ("rates", "movements", "af", "ranking"):
            canvas = page.locator(f'[data-chart="{key}"] canvas').first
            expect(canvas).to_be_visible()
            box = canvas.bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0, key
            assert box["width"] <= 375, f"{key} is wider than the phone"
        # Vietnamese text from the server, Vietnamese number formats in the headline cards.
        expect(page.get_by_text("Tỷ lệ hộ nghèo, hộ cận nghèo qua các năm")).to_be_visible()

        # The PNG of a chart.
        with page.expect_download() as download_info:
            page.click('[data-png="rates"]')
        path = download_info.value.path()
        assert path is not None
        with open(path, "rb") as png:
            assert png.read(8) == PNG_SIGNATURE

        # Down to the commune: its dashboard (charts drawn again), then its villages.
        page.locator('[data-testid="child-links"] a', has_text=world["commune"].name).click()
        page.wait_for_url(re.compile(rf"/dashboard/area/{world['commune'].pk}/"))
        expect(page.locator('[data-testid="dashboard-title"]')).to_contain_text(world["commune"].name)
        expect(page.locator('[data-chart="rates"] canvas').first).to_be_visible()
        # Resizing keeps the charts inside the page.
        page.set_viewport_size({"width": 800, "height": 800})
        page.set_viewport_size({"width": 375, "height": 800})
        assert not found, "\n".join(found)
    finally:
        context.close()
