"""The dashboard's downloads over the demo province: the xlsx has the page's numbers; the PDF report (charts
drawn on the server) opens, says in Vietnamese what it is, the unit and the page's numbers; both are
scoped like the page and written to the export log."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from typing import Any

import openpyxl
import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from giamngheo.core.models import ExportRecord
from giamngheo.dashboard import report, report_charts, selectors
from giamngheo.dashboard.tests.test_dashboard import _table_rate, world, world_keys  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def off_track(world: dict[str, Any], province: Any) -> dict[str, Any]:  # noqa: F811
    """The dashboard tests' world (two communes, a closed 2025 and an open 2026 round) and a 2026 plan
    whose poverty-rate target is far out of reach (off track)."""
    import datetime as dt
    from decimal import Decimal

    from giamngheo.plans import services as plan_services

    plan = plan_services.plan_create(
        province=province, year_from=2026, year_to=2026, title="Kế hoạch thử 2026", acting_user=None
    )
    plan_services.target_create(
        plan=plan,
        name="Giảm tỷ lệ hộ nghèo",
        indicator_key="poverty_rate",
        baseline_value=Decimal("40"),
        target_value=Decimal("1"),
        direction="down",
        deadline=dt.date(2026, 12, 31),
        acting_user=None,
    )
    return world


def pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    program = shutil.which("pdftotext")
    assert program
    done = subprocess.run([program, "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode()


def test_the_province_report_is_a_pdf_with_the_pages_numbers(
    off_track: Any, users: Any, province: Any
) -> None:
    user = users["chuyenvien"]
    client = client_for(user)
    page = client.get(reverse("dashboard:index"))
    board = page.context["board"]
    assert board.review_round is not None and board.ranking is not None
    assert page.context["report_url"] in page.content.decode()
    started = time.monotonic()
    response = client.get(page.context["report_url"])
    seconds = time.monotonic() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert seconds < 10, f"the province report took {seconds:.1f} s"
    print(f"province report: {seconds:.2f} s, {len(response.content) / 1024:.0f} KiB")  # noqa: T201
    import os

    if os.environ.get("GN_KEEP_REPORT"):
        with open(os.environ["GN_KEEP_REPORT"], "wb") as kept:
            kept.write(response.content)
    text = pdf_text(response.content)
    assert "Báo cáo tình hình giảm nghèo" in text
    assert province.name in text
    assert "Ngày in" in text
    # The headline rate and the first commune of the ranking, written as on the page (1.234,56).
    with translation.override("vi"):
        rate = floatformat(board.headlines[0].value, "-2g")
        first = floatformat(board.ranking.series[0].values[0], "-2g")
    assert rate in page.content.decode() and rate in text
    assert board.ranking.categories[0] in text and first in text
    # The target cards: their Vietnamese status.
    cards = page.context["target_cards"]
    assert cards and str(cards[0].status) == "off_track"
    assert "Giảm tỷ lệ hộ nghèo" in text and "Chậm tiến độ" in text
    log = ExportRecord.objects.filter(kind="dashboard_report").latest("created_at")
    assert log.username == "chuyenvien" and log.fmt == "pdf" and province.name in log.detail


def test_the_report_is_scoped_like_the_page(
    off_track: Any, users: Any, commune_a: Any, commune_b: Any
) -> None:
    client = client_for(users["canbo.bugiamap"])
    mine = client.get(reverse("dashboard:report"))
    assert mine.status_code == 200
    text = pdf_text(mine.content)
    assert commune_a.name in text and commune_b.name not in text
    foreign = client.get(reverse("dashboard:area-report", kwargs={"pk": commune_b.pk}))
    assert foreign.status_code == 404
    xlsx = client.get(reverse("dashboard:area", kwargs={"pk": commune_b.pk}), {"format": "xlsx"})
    assert xlsx.status_code == 404


def test_the_dashboard_workbook_has_the_pages_numbers(
    off_track: Any, users: Any, province: Any, commune_a: Any, commune_b: Any
) -> None:
    client = client_for(users["chuyenvien"])
    page = client.get(reverse("dashboard:index"))
    board = page.context["board"]
    response = client.get(reverse("dashboard:index"), {"format": "xlsx", "year": board.year})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Bảng điều hành"
    assert values[1][0] == f"Phạm vi: {province.name}"
    assert values[2][0] == f"Năm: {board.year}"
    assert values[3][0].startswith("Ngày in: ")
    flat = {row[1]: row[2] for row in values if row and len(row) > 2 and row[1]}
    ranking = board.ranking
    for name, value in zip(ranking.categories, ranking.series[0].values, strict=True):
        assert flat[name] == pytest.approx(value), name
    # ... and the official tables' (Mẫu summary) rate of the same round.
    for commune in (commune_a, commune_b):
        official = _table_rate(users["chuyenvien"], off_track["open"], commune.pk)
        assert official is not None and flat[commune.name] == pytest.approx(float(official))
    headers = next(row for row in values if row and row[0] == "Chỉ số")
    assert headers[:2] == ["Chỉ số", "Giá trị"]
    headline = next(row for row in values if row and row[0] == board.headlines[0].label)
    assert headline[1] == pytest.approx(float(board.headlines[0].value))
    assert sheet.freeze_panes is not None
    assert ExportRecord.objects.filter(kind="summary_table", username="chuyenvien", fmt="xlsx").exists()


def test_the_charts_are_pngs_with_vietnamese_numbers(off_track: Any, users: Any, province: Any) -> None:
    with translation.override("vi"):
        board = selectors.dashboard(user=users["chuyenvien"], area=province, year=None)
        assert report_charts.vn(1234.5) == "1.234,50" and report_charts.vn(1234) == "1.234"
        assert board.rates is not None and board.movements is not None and board.ranking is not None
        for png in (
            report_charts.line_chart(board.rates),
            report_charts.stacked_chart(board.movements),
            report_charts.bar_chart(board.ranking),
        ):
            assert png.startswith(PNG) and len(png) > 5_000


def test_a_report_without_a_round_still_opens(users: Any, province: Any) -> None:
    with translation.override("vi"):
        board = selectors.dashboard(user=users["chuyenvien"], area=province, year=1990)
        meta = report.ReportMeta(title="Báo cáo thử", scope=province.name, year=1990, printed_on=_today())
        text = pdf_text(report.build_report(board, None, meta))
    assert "Báo cáo thử" in text and "Chưa có đợt rà soát" in text


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()
