"""End to end: the provincial specialist records a training course, adds a commune's officers who attended,
marks one as having completed it, and sees the commune's share of officers trained change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
COMMUNE = "Xã Bù Gia Mập"


@pytest.fixture
def officers(seeded):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.training import services
    from giamngheo.training.choices import Position
    from giamngheo.training.models import Attendance, Course, Officer

    Attendance.objects.all().delete()
    Course.objects.all().delete()
    Officer.objects.all().delete()
    commune = Area.objects.get(name=COMMUNE)
    for name in ("Điểu Văn Tập", "Lê Thị Huấn"):
        services.officer_create(
            commune=commune,
            full_name=name,
            position=Position.SOCIAL_AFFAIRS,
            since=dt.date(2020, 1, 1),
            acting_user=None,
        )
    return commune


def _share(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/training/shares/")
    return page.locator(f"tr[data-commune='{COMMUNE}'] [data-testid=share]").inner_text().strip()


def test_record_a_course_and_its_attendance(page, officers) -> None:  # type: ignore[no-untyped-def]
    year = dt.date.today().year
    sign_in(page, "chuyenvien")
    assert _share(page) == "0,0 %"

    page.goto("/training/courses/")
    page.locator("[data-testid=course-create]").click()
    page.fill("#id_title", "Tập huấn nghiệp vụ giảm nghèo")
    page.fill("#id_start_date", f"10/03/{year}")
    page.fill("#id_end_date", f"08/03/{year}")  # before the start: refused with a clear message
    page.locator("[data-testid=save]").click()
    expect(page.locator("body")).to_contain_text("không được trước ngày khai giảng")
    page.fill("#id_end_date", f"12/03/{year}")
    page.locator("[data-testid=save]").click()
    page.wait_for_url(re.compile(r"/training/courses/\d+/$"))
    assert page.locator("[data-testid=course-title]").inner_text() == "Tập huấn nghiệp vụ giảm nghèo"

    add = page.locator("[data-testid=attendance-add]")
    add.get_by_label(re.compile("Điểu Văn Tập")).check()
    add.get_by_label(re.compile("Lê Thị Huấn")).check()
    add.locator("button[type=submit]").click()
    page.wait_for_load_state()
    table = page.locator("[data-testid=attendance-table]")
    assert table.locator("tbody tr").count() == 2
    # Added with completion unknown: not counted yet.
    assert _share(page) == "0,0 %"

    page.go_back()
    page.reload()
    row = page.locator("[data-testid=attendance-table] tbody tr", has_text="Điểu Văn Tập")
    row.locator("select").select_option("yes")
    row.locator("input[name$=certificate_number]").fill("15/CC-SNNMT")
    row.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/training/courses/\d+/$"))
    assert _share(page) == "50,0 %"
    page.goto("/training/untrained/")
    listed = page.locator("[data-testid=untrained-table]").inner_text()
    assert "Lê Thị Huấn" in listed and "Điểu Văn Tập" not in listed
