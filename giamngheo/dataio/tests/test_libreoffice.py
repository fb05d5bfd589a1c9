"""The xlsx files the app makes open in LibreOffice, and what LibreOffice shows matches the screen.

Each file is converted with ``libreoffice --headless --convert-to csv`` (UTF-8) under a private user
profile, so that parallel runs do not share one. Skipped only when LibreOffice is not installed (``make
test`` installs Debian's ``libreoffice-calc-nogui``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.dataio.fields import propose_mapping
from giamngheo.dataio.imports import ImportOptions, household_import
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.report import ERROR_HEADER, ROW_HEADER, write_error_report
from giamngheo.dataio.template import GUIDE_SHEET, LIST_SHEET, TEMPLATE_SHEET, write_template
from giamngheo.households import selectors
from giamngheo.households.exports import HEADERS
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household

BINARY = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = [
    pytest.mark.skipif(
        BINARY is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
    ),
    pytest.mark.django_db,
]
# Field separator ",", text delimiter '"', UTF-8 (76), from line 1; cells saved as shown.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"
ALL_SHEETS = CSV_FILTER + ",,0,false,true,true,false,false,-1"  # token 12 = -1: one file per sheet
OFFICER = "canbo.bugiamap"
INCOME = "Thu nhập bình quân đầu người/tháng (đồng)"


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice user profile of this module's own (created by the first conversion)."""
    return tmp_path_factory.mktemp("lo-profile")


def convert(path: Path, profile: Path, *, filter_: str = CSV_FILTER) -> list[Path]:
    """Convert ``path`` to CSV with LibreOffice; the CSV files written (one, or one per sheet)."""
    out = path.parent / f"{path.stem}-csv"
    out.mkdir()
    result = subprocess.run(  # noqa: S603 - our own arguments
        [
            str(BINARY),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            filter_,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"HOME": str(profile), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    written = sorted(out.glob("*.csv"))
    assert written, f"LibreOffice wrote nothing: {result.stdout} {result.stderr}"
    return written


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.strip(), f"{path.name} is empty"
    return list(csv.reader(io.StringIO(text)))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_the_household_export_opens_and_matches_the_list(
    tmp_path, profile, users, commune_a, commune_b
) -> None:
    officer = users[OFFICER]
    incomes = {"LO-001": 1_234_567, "LO-002": 0, "LO-003": 950_000, "LO-004": None, "LO-005": 12_000_000}
    for code, income in incomes.items():
        make_household(commune_a, code=code, head=f"Người Xuất {code}", income_per_capita=income)
    for n in range(30):  # more than a page of the list
        make_household(commune_a, code=f"LO-1{n:02d}", income_per_capita=700_000 + 12_345 * n)
    poor = Household.objects.get(commune=commune_a, code="LO-003")
    Household.objects.filter(pk=poor.pk).update(category="poor", category_since=dt.date(2025, 12, 10))
    gone = make_household(commune_a, code="LO-900", income_per_capita=1)
    Household.objects.filter(pk=gone.pk).update(is_active=False)  # not on the list: not in the file
    make_household(commune_b, code="LO-B01", income_per_capita=2)  # another officer's commune
    client = client_for(officer)

    listing = client.get(reverse("households:household-list"))
    assert listing.status_code == 200
    shown = listing.context["page_obj"].paginator.count
    assert shown >= len(incomes) + 30 and listing.context["page_obj"].has_next()
    response = client.get(reverse("households:household-export") + "?format=xlsx")
    assert response.status_code == 200
    path = tmp_path / "ho-gia-dinh.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    [converted] = convert(path, profile)
    header, *rows = read_csv(converted)
    assert header == list(HEADERS)
    assert len(rows) == shown  # one row per household of the list, no more, no fewer
    column = {name: i for i, name in enumerate(header)}
    by_code = {row[column["Mã hộ"]]: row for row in rows}
    expected = dict(
        selectors.household_list(user=officer).values_list("code", "income_per_capita")  # what the list holds
    )
    assert set(by_code) == set(expected) and "LO-900" not in by_code and "LO-B01" not in by_code
    first_page = [h.code for h in listing.context["page_obj"]]
    assert [row[column["Mã hộ"]] for row in rows[: len(first_page)]] == first_page  # same order as on screen
    for code, income in expected.items():
        assert digits(by_code[code][column[INCOME]]) == ("" if income is None else str(income)), code

    # The numbers as the household's page shows them.
    for code, income in incomes.items():
        household = Household.objects.get(commune=commune_a, code=code)
        page = client.get(reverse("households:household-detail", args=[household.pk])).content.decode()
        row = by_code[code]
        assert row[column["Họ tên chủ hộ"]] == f"Người Xuất {code}" and row[column["Số nhân khẩu"]] == "1"
        if income is None:
            assert row[column[INCOME]] == ""
        else:
            on_screen = re.search(r"([\d.]+)\s*(?:đ|&nbsp;đ)", page[page.index("Thu nhập") :])
            assert on_screen, code
            assert digits(on_screen.group(1)) == digits(row[column[INCOME]]) == str(income)
    assert by_code["LO-003"][column["Ngày công nhận"]] == "10/12/2025"
    assert by_code["LO-003"][column["Phân loại hộ"]] == "Hộ nghèo"


def test_an_error_report_opens(tmp_path, profile, users, commune_a) -> None:
    headers = [
        "Mã hộ",
        "Thôn/ấp/khu phố",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Quan hệ với chủ hộ",
        INCOME,
    ]
    rows = [
        ["LO-101", "Thôn 1", "Điểu Văn Lâm", "Nam", "12/03/1978", "Chủ hộ", "1.200.000"],
        ["LO-102", "Ấp 2", "Trần Thị Bé", "Nữ", "31/02/1980", "Chủ hộ", "2.500.000"],
        ["LO-103", "Ấp 3", "Lê Văn Cả", "Không rõ", "01/01/1990", "Chủ hộ", "1,5 triệu"],
    ]
    source = tmp_path / "ho.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([headers, *rows])
    table = open_table(source)
    outcome = household_import(
        table=table,
        options=ImportOptions(mapping=propose_mapping(table.headers), commune_id=commune_a.pk, dry_run=True),
        acting_user=users[OFFICER],
    )
    assert set(outcome.error_rows) == {3, 4}
    report = tmp_path / "dong-loi.xlsx"
    with report.open("wb") as out:
        assert write_error_report(out, table=open_table(source), errors=outcome.error_rows) == 2

    [converted] = convert(report, profile)
    header, *lines = read_csv(converted)
    assert header == [ROW_HEADER, ERROR_HEADER, *headers]
    assert [line[0] for line in lines] == ["3", "4"]
    assert "'31/02/1980' không phải ngày hợp lệ" in lines[0][1]
    assert lines[0][2:] == rows[1]
    assert "Giới tính" in lines[1][1] and "Thu nhập" in lines[1][1]
    assert lines[1][2:] == rows[2]


def test_the_import_template_opens(tmp_path, profile) -> None:
    path = tmp_path / "mau-nhap.xlsx"
    with path.open("wb") as out:
        write_template(out, include_commune=True)
    converted = convert(path, profile, filter_=ALL_SHEETS)
    by_sheet = {p.stem.removeprefix(f"{path.stem}-"): read_csv(p) for p in converted}
    assert set(by_sheet) == {TEMPLATE_SHEET, GUIDE_SHEET, LIST_SHEET}
    header = by_sheet[TEMPLATE_SHEET][0]
    assert header[:3] == ["Xã/phường/đặc khu", "Mã hộ", "Thôn/ấp/khu phố"]
    assert "Ngày sinh" in header and "Số CCCD" in header
    assert any("Kinh" in row for row in by_sheet[LIST_SHEET])
    assert any("Mã hộ" in " ".join(row) for row in by_sheet[GUIDE_SHEET])
