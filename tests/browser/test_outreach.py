"""End to end: a commune officer records a communication activity with a photo and finds it in the list and
the summary; records a good model with a photo, and another commune's officer sees it in the catalogue with
its thumbnail (served by the app, shown under the page's CSP)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_officer_records_an_activity_and_a_good_model(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "ruong-lua.png"
    photo.write_bytes(_png())
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    sign_in(page, "canbo.tranbien")
    menu = page.locator("a[href='/outreach/']", has_text="Truyền thông, mô hình hay")
    assert menu.count() >= 1  # the menu entry (collapsed on a phone)

    # A communication activity of the commune, with its photo.
    page.goto("/outreach/activities/")
    page.locator("[data-testid=activity-new]").click()
    page.select_option("#id_kind", label="Đối thoại")
    page.fill("#id_date", "14/03/2026")
    page.fill("#id_topic", "Đối thoại chính sách với hộ nghèo phường")
    page.fill("#id_organiser", "Ủy ban nhân dân phường")
    page.fill("#id_audience", "64")
    page.fill("#id_cost", "3500000")
    page.set_input_files("#id_file", str(photo))
    page.locator("[data-testid=activity-save]").click()
    page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))
    assert (
        "Đối thoại chính sách với hộ nghèo phường"
        in page.locator("[data-testid=activity-topic]").inner_text()
    )
    facts = page.locator("[data-testid=activity-facts]").inner_text()
    assert "14/03/2026" in facts and "3.500.000 đ" in facts and "Dự án 6" in facts
    image = page.locator("[data-testid=activity-files] img")
    image.wait_for()
    # The photo arrives after the page: wait for it to be decoded before reading its width.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 64

    page.goto("/outreach/activities/?year=2026&kind=dialogue")
    assert (
        "Đối thoại chính sách với hộ nghèo phường"
        in page.locator("[data-testid=activity-table]").inner_text()
    )
    page.goto("/outreach/activities/summary/?year=2026")
    assert page.locator("[data-testid=summary-total]").is_visible()

    # A good model with a photo; refused first for an end before its start.
    page.goto("/outreach/")
    page.locator("[data-testid=model-new]").click()
    page.fill("#id_title", "Mô hình trồng rau sạch trong nhà lưới")
    page.select_option("#id_field", label="Sản xuất")
    page.fill("#id_started_on", "01/06/2025")
    page.fill("#id_ended_on", "01/05/2025")
    page.fill("#id_description", "Hộ nghèo được hỗ trợ nhà lưới và kỹ thuật trồng rau an toàn.")
    page.fill("#id_households_joined", "12")
    page.fill("#id_households_escaped", "5")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_caption", "Nhà lưới của tổ hợp tác")
    page.locator("[data-testid=model-save]").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Ngày kết thúc không được trước ngày bắt đầu.")
    page.fill("#id_ended_on", "")
    page.set_input_files("#id_file", str(photo))
    page.locator("[data-testid=model-save]").click()
    page.wait_for_url(re.compile(r"/outreach/models/\d+/$"))
    assert "Mô hình trồng rau sạch trong nhà lưới" in page.locator("[data-testid=model-title]").inner_text()
    assert page.locator("[data-testid=model-photos] img").count() == 1

    # Another commune's officer finds it in the catalogue, with its thumbnail.
    page.context.clear_cookies()
    sign_in(page, "canbo.bugiamap")
    page.goto("/outreach/?q=rau sạch")
    card = page.locator("[data-testid=model-card]", has_text="Mô hình trồng rau sạch trong nhà lưới")
    card.wait_for()
    thumb = card.locator("[data-testid=model-thumb]")
    thumb.wait_for()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    card.locator("a").first.click()
    page.wait_for_url(re.compile(r"/outreach/models/\d+/$"))
    assert "Nhà lưới của tổ hợp tác" in page.content()
    assert page.locator("a[href$='/edit/']").count() == 0  # read, not changed, by another commune
    assert not blocked, blocked
