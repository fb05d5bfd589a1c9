"""End to end: a commune officer imports the commune's own list on a phone, through the database queue.

The file is read by a worker (the mapping page waits for it); each job waits in the database until a worker
takes it: the page shows its progress bar, survives a
reload, and updates itself (htmx) when the worker has finished; then the import, and the registry shows
the households.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.browser.test_review_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OWN_LIST = (
    "DANH SÁCH HỘ NGHÈO NĂM 2026\n"
    "\n"
    "STT,Mã hộ,Họ và tên chủ hộ,Dân tộc,Thôn/ấp,Phân loại hộ,Ghi chú\n"
    "1,E2E01,Điểu Thị Nhập,S'tiêng,Thôn 1,Hộ nghèo,\n"
    "2,E2E02,Lâm Văn Tệp,Kinh,Ấp 2,Hộ cận nghèo,\n"
)


def run_worker() -> None:
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        settings.JOBS_QUEUE,
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


def test_officer_imports_the_commune_list_through_the_queue(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.households.models import Household

    path = tmp_path / "danh-sach.csv"
    path.write_text(OWN_LIST, encoding="utf-8-sig")
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [settings.JOBS_QUEUE]}}
    with override_settings(TASKS=tasks):
        sign_in(page, "canbo.bugiamap")
        page.goto("/households/")
        page.click("[data-testid=import]")
        page.set_input_files("#id_file", str(path))
        page.click("#import-form button[type=submit]")
        page.wait_for_url(re.compile(r"/data/import/\d+/mapping/$"))
        # The file is read by a worker, never in the request: the page waits for it, then shows the mapping.
        assert page.locator("#import-reading").is_visible()
        run_worker()
        page.locator("#id_col_1").wait_for()
        assert page.locator("#id_col_1").input_value() == "code"
        assert page.locator("#id_col_2").input_value() == "head_name"
        page.click("#mapping-form button[type=submit]")
        page.wait_for_url(re.compile(r"/data/import/\d+/$"))

        # Waiting for a worker: a progress bar, also after a reload.
        assert page.locator("#import-status .progress").is_visible()
        page.reload()
        assert page.locator("#import-status .progress").is_visible()
        run_worker()
        created = page.locator("[data-count=households_created]")
        created.wait_for()  # htmx polled the status and swapped in the result
        assert created.inner_text() == "2"
        assert not Household.objects.filter(code__startswith="E2E").exists()

        page.click("form[action$='/run/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/data/import/\d+/$"))
        assert page.locator("#import-status .progress").is_visible()
        run_worker()
        page.locator("[data-count=households_created]").wait_for()
        assert page.locator("[data-count=households_created]").inner_text() == "2"

    assert Household.objects.filter(code__startswith="E2E", commune__name="Xã Bù Gia Mập").count() == 2
    page.goto("/households/?q=E2E01")
    assert "Điểu Thị Nhập" in page.content()
