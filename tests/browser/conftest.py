"""Headless Chromium (Debian's package) driven by Playwright, against Django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these flags Chromium tries to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, seeded):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def two_rounds(code: str, head: str, other_head: str) -> dict[str, object]:
    """The dashboard tests' world: households in Xã Bù Gia Mập (2 poor of 6, the lagging commune) and
    Phường Trấn Biên (1 poor of 4), a closed (frozen) 2025 round and an open 2026 round."""
    from giamngheo.geo.models import Area
    from giamngheo.households.tests.factories import make_household
    from giamngheo.reviews import services
    from giamngheo.reviews.models import CommuneReview

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    other = Area.objects.get(name="Phường Trấn Biên")
    for i, category in enumerate(["poor", "poor", "near_poor", "", "", ""]):
        make_household(commune, head=f"{head} {i}", category=category, code=f"{code}-A{i}")
    for i, category in enumerate(["poor", "", "", ""]):
        make_household(other, head=f"{other_head} {i}", category=category, code=f"{code}-B{i}")
    province = commune.parent
    closed = services.round_open(province=province, year=2025, acting_user=None)
    services.summaries_rebuild(review_round=closed)
    CommuneReview.objects.filter(round=closed).update(locked=True)
    services.round_close(review_round=closed, acting_user=None)
    current = services.round_open(province=province, year=2026, acting_user=None)
    services.summaries_rebuild(review_round=current)
    return {"commune": commune, "province": province}
