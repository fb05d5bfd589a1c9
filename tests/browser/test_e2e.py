"""End to end in headless Chromium: sign in, navigate, scope, language, on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from giamngheo.demo.seed import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_commune_officer_signs_in_and_navigates(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "canbo.bugiamap", "wrong-password-1")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").is_visible()

    sign_in(page, "canbo.bugiamap")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Xin chào" in page.content()

    # The menu collapses on a phone: open it, then go to the administrative units.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Đơn vị hành chính").click()
    page.wait_for_url(re.compile(r"/geo/"))
    rows = page.locator("#commune-table tbody tr")
    assert rows.count() == 1
    assert "Xã Bù Gia Mập" in rows.first.inner_text()
    assert "Phường Trấn Biên" not in page.content()

    # Open the commune, then add a village with the form.
    page.get_by_role("link", name="Xã Bù Gia Mập").click()
    page.get_by_role("link", name="Thêm thôn, ấp").click()
    page.get_by_label("Tên").fill("Thôn Bù Rên")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_text("Thôn Bù Rên").first.is_visible()
    breadcrumb = page.locator("nav[aria-label] ol.breadcrumb")
    assert "Xã Bù Gia Mập" in breadcrumb.inner_text()

    # A foreign commune's page is the friendly 404.
    page.goto("/geo/999999/")
    assert page.get_by_test_id("error-404").is_visible()

    # English on request.
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hello" in page.content()


def test_specialist_searches_units_with_htmx_without_diacritics(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "chuyenvien")
    page.goto("/geo/")
    assert page.get_by_test_id("count-communes").inner_text() == "72"
    assert page.get_by_test_id("count-wards").inner_text() == "23"
    page.get_by_placeholder("Tên hoặc mã").fill("tran bien")
    # Not wait_for_function: its polling evaluates a string in the page, which the CSP forbids (no eval).
    expect(page.locator("#commune-table tbody tr")).to_have_count(1)
    assert "Phường Trấn Biên" in page.locator("#commune-table").inner_text()
    assert "tran+bien" in page.url or "tran%20bien" in page.url
