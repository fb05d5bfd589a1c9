"""A leader's morning on a phone (390 × 844): the dashboard shows a target of the plan off track; the
ranking points at the lagging commune; its dashboard leads to its poor households and to one of them; the
chart's PNG and the dashboard's PDF report download and open (the PDF read back with pdftotext). On paper
the page keeps its title, scope and date and drops the menu and the buttons."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from giamngheo.demo.seed import DEMO_PASSWORD

from .conftest import two_rounds
from .test_csp import REPORT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def world(seeded):  # type: ignore[no-untyped-def]
    """Two communes (Bù Gia Mập: 2 poor of 6 households, the lagging one; Trấn Biên: 1 of 4), a closed 2025
    round, an open 2026 round, and a 2026 plan whose poverty-rate target (1 %) is far out of reach."""
    from giamngheo.plans import services as plan_services

    made = two_rounds("LD", "Hộ Lãnh Đạo Xem", "Hộ Phường")
    commune, province = made["commune"], made["province"]
    plan = plan_services.plan_create(
        province=province, year_from=2026, year_to=2026, title="Kế hoạch giảm nghèo 2026", acting_user=None
    )
    plan_services.target_create(
        plan=plan,
        name="Giảm tỷ lệ hộ nghèo xuống 1 %",
        indicator_key="poverty_rate",
        baseline_value=Decimal("40"),
        target_value=Decimal("1"),
        direction="down",
        deadline=dt.date(2026, 12, 31),
        acting_user=None,
    )
    return {"commune": commune, "province": province}


def pdf_text(path: str) -> str:
    program = shutil.which("pdftotext")
    assert program, "poppler-utils (pdftotext) is needed"
    done = subprocess.run([program, "-layout", path, "-"], capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode()


def test_a_leader_finds_the_lagging_commune_and_its_poor_households(
    browser, live_server, world, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "lanhdao")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))

        # The dashboard of the province: a target off track, in Vietnamese.
        assert page.goto("/dashboard/").status == 200  # type: ignore[union-attr]
        expect(page.locator("html[data-charts-ready]")).to_have_count(1)
        off = page.locator('[data-testid="target-cards"] [data-status="off_track"]')
        expect(off.first).to_be_visible()
        expect(off.first).to_contain_text("Chậm tiến độ")
        expect(page.locator('[data-testid="target-cards"]')).to_contain_text("Giảm tỷ lệ hộ nghèo xuống 1 %")

        # The ranking's first bar is the lagging commune (the highest poverty rate); down to its dashboard.
        data = json.loads(page.locator("#dashboard-data").text_content() or "{}")
        lagging = data["ranking"]["categories"][0]
        assert lagging == world["commune"].name
        page.locator('[data-testid="child-links"] a', has_text=lagging).click()
        page.wait_for_url(re.compile(rf"/dashboard/area/{world['commune'].pk}/"))
        expect(page.locator('[data-testid="dashboard-title"]')).to_contain_text(lagging)

        # Its poor households, then one of them.
        page.click('[data-testid="commune-poor-households"]')
        page.wait_for_url(re.compile(r"/households/\?"))
        rows = page.locator('a[href^="/households/"]', has_text="Hộ Lãnh Đạo Xem")
        expect(rows.first).to_be_visible()
        expect(rows).to_have_count(2)  # the two poor households of the commune, not the near-poor or others
        assert "Hộ Phường" not in (page.locator("main").text_content() or "")
        rows.first.click()
        page.wait_for_url(re.compile(r"/households/\d+/"))
        expect(page.locator("main")).to_contain_text("Hộ Lãnh Đạo Xem")
        expect(page.locator("main")).to_contain_text("nghèo")

        # Back on the province's dashboard: the PNG of a chart and the PDF report.
        page.goto("/dashboard/")
        expect(page.locator("html[data-charts-ready]")).to_have_count(1)
        with page.expect_download() as png_download:
            page.click('[data-png="rates"]')
        png_path = png_download.value.path()
        with open(png_path, "rb") as png:
            content = png.read()
        assert content.startswith(PNG_SIGNATURE) and len(content) > 1024, len(content)
        with page.expect_download() as pdf_download:
            page.click('[data-testid="export-pdf"]')
        assert pdf_download.value.suggested_filename.endswith(".pdf")
        pdf_path = str(pdf_download.value.path())
        with open(pdf_path, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        text = pdf_text(pdf_path)
        assert "Báo cáo tình hình giảm nghèo" in text and world["province"].name in text
        assert "Chậm tiến độ" in text and lagging in text

        # On paper: the print header (title, scope, date), no menu, no buttons.
        header = page.locator('[data-testid="print-header"]')
        expect(header).to_be_hidden()
        page.emulate_media(media="print")
        expect(header).to_be_visible()
        expect(header).to_contain_text(world["province"].name)
        expect(header).to_contain_text("Ngày in")
        expect(page.locator("nav.navbar")).to_be_hidden()
        expect(page.locator('[data-testid="export-bar"]')).to_be_hidden()
        printed = tmp_path / "printed.pdf"
        page.pdf(path=str(printed), format="A4", print_background=True)
        on_paper = pdf_text(str(printed))
        assert world["province"].name in on_paper and "Ngày in" in on_paper
        assert (
            "Tải báo cáo PDF" not in on_paper and "Giảm nghèo bền vững" not in on_paper
        )  # no button, no menu
        page.emulate_media(media="screen")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
