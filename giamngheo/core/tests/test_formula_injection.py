"""Formula injection (issue 12, finding 2): text that a spreadsheet would read as a formula comes out inert
in every CSV and XLSX the app writes, checked by opening the files with LibreOffice.

CSV files get OWASP's leading quote (LibreOffice then shows the text with the quote, never its result);
XLSX files keep the text as typed, in a text cell marked ``quotePrefix`` (decision 0011). Each file is
converted with ``soffice --headless --convert-to csv`` under a private user profile, as in
``dataio/tests/test_libreoffice.py``; skipped only when LibreOffice is not installed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.core.exports import csv_stream, safe_text
from giamngheo.core.xlsx import write_table
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.report import write_error_report
from giamngheo.households.exports import HEADERS
from giamngheo.households.tests.factories import make_household

BINARY = shutil.which("libreoffice") or shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    BINARY is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
# Field separator ",", text delimiter '"', UTF-8 (76), from line 1.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"
CSV_IN_FILTER = "CSV:44,34,76,1"
OFFICER = "canbo.bugiamap"
# What an attacker types as a name; what a spreadsheet would make of it without the export layer.
DANGEROUS = {
    "FX-01": "=1+2",  # 3
    "FX-02": "+84 912",  # a formula (error) or a number
    "FX-03": "-5",  # the number -5
    "FX-04": "@SUM(A1)",  # a formula
    "FX-05": '=HYPERLINK("http://x","y")',  # a link shown as "y"
    "FX-06": "＝1+2",  # full-width equals sign
}
FORMULA_RESULTS = {"3", "y", "-5", "0", "#NAME?", "Err:508", "Err:509", "#VALUE!"}


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lo-profile-formula")


def convert(path: Path, profile: Path) -> list[list[str]]:
    """The rows of ``path`` as LibreOffice reads them (converted to CSV, cells saved as shown)."""
    out = path.parent / f"{path.stem}-out"
    out.mkdir()
    infilter = [f"--infilter={CSV_IN_FILTER}"] if path.suffix == ".csv" else []
    result = subprocess.run(  # noqa: S603 - our own arguments
        [
            str(BINARY),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            *infilter,
            "--convert-to",
            CSV_FILTER,
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
    [written] = sorted(out.glob("*.csv"))
    return list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"))))


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# --- The rule ----------------------------------------------------------------------------------------


def test_safe_text_prefixes_formula_like_text_only() -> None:
    for text in ("=1+2", "+84 912", "-5", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"):
        assert safe_text(text) == "'" + text
    for value in ("Nguyễn Văn An", "", "0912 345 678", "a=b", " =1"):
        assert safe_text(value) == value
    for value in (-5, 3.5, Decimal("-1.25"), dt.date(2026, 1, 2), None, True):
        assert safe_text(value) is value  # numbers, dates and money stay typed


def test_csv_keeps_numbers_unquoted_and_quotes_text() -> None:
    text = "".join(
        csv_stream([[-5, "-5", Decimal("-0.50"), dt.date(2026, 1, 2), None]], ["a", "b", "c", "d", "e"])
    )
    assert text.splitlines()[1] == "-5,'-5,-0.50,02/01/2026,"


def test_the_fast_xlsx_writer_marks_formula_like_text_quote_prefix(tmp_path) -> None:
    path = tmp_path / "t.xlsx"
    with path.open("wb") as out:
        write_table(out, sheet="t", headers=["a", "b", "c"], rows=[["=1+2", "An", -5]])
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "=1+2" and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B2"].value == "An" and not sheet["B2"].quotePrefix
    assert sheet["C2"].value == -5 and sheet["C2"].data_type == "n"  # a number stays a number


# --- Exports opened by LibreOffice ---------------------------------------------------------------------


def _households(commune):  # type: ignore[no-untyped-def]
    for code, name in DANGEROUS.items():
        make_household(commune, code=code, head=name, phone="+84 912 345 678", address=name)


def _by_code(rows: list[list[str]]) -> dict[str, list[str]]:
    header, *lines = rows
    assert header == list(HEADERS)
    code = header.index("Mã hộ")
    return {line[code]: line for line in lines if line[code] in DANGEROUS}


@needs_libreoffice
@pytest.mark.django_db
def test_the_household_csv_export_is_inert_in_libreoffice(tmp_path, profile, users, commune_a) -> None:
    _households(commune_a)
    response = _client(users[OFFICER]).get(reverse("households:household-export") + "?format=csv")
    assert response.status_code == 200
    path = tmp_path / "ho.csv"
    path.write_bytes(b"".join(response.streaming_content))

    by_code = _by_code(convert(path, profile))
    assert set(by_code) == set(DANGEROUS)
    name, phone = HEADERS.index("Họ tên chủ hộ"), HEADERS.index("Điện thoại")
    for code, typed in DANGEROUS.items():
        shown = by_code[code][name]
        assert shown == "'" + typed, (code, shown)  # text with the quote, not 3, not a link, not -5
        assert shown not in FORMULA_RESULTS
        assert by_code[code][phone] == "'+84 912 345 678"


@needs_libreoffice
@pytest.mark.django_db
def test_the_household_xlsx_export_is_inert_in_libreoffice(tmp_path, profile, users, commune_a) -> None:
    _households(commune_a)
    response = _client(users[OFFICER]).get(reverse("households:household-export") + "?format=xlsx")
    assert response.status_code == 200
    path = tmp_path / "ho.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    by_code = _by_code(convert(path, profile))
    name = HEADERS.index("Họ tên chủ hộ")
    for code, typed in DANGEROUS.items():
        assert by_code[code][name] == typed, code  # shown exactly as typed: text, never evaluated
    # And marked as text for editing (Excel keeps it text when the cell is edited).
    sheet = load_workbook(path, read_only=False).active
    column = name + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[1].value in DANGEROUS]
    assert len(cells) == len(DANGEROUS)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


@needs_libreoffice
@pytest.mark.django_db
def test_the_error_report_of_an_uploaded_file_is_inert_in_libreoffice(tmp_path, profile) -> None:
    """An uploaded CSV whose cells are formulas: the error report echoes them as text, not as live
    formulas (openpyxl writes a str starting with "=" as a formula unless told otherwise)."""
    source = tmp_path / "tai-len.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã hộ", "Họ và tên", "Ghi chú"])
        for code, typed in DANGEROUS.items():
            writer.writerow([code, typed, typed])
    table = open_table(source)
    report = tmp_path / "bao-cao-loi.xlsx"
    with report.open("wb") as out:
        written = write_error_report(
            out, table=table, errors={n: ["sai"] for n in range(2, 2 + len(DANGEROUS))}
        )
    assert written == len(DANGEROUS)

    header, *lines = convert(report, profile)
    assert header[2:] == ["Mã hộ", "Họ và tên", "Ghi chú"]
    assert {line[2]: line[3] for line in lines} == DANGEROUS  # the text as uploaded, not its result
    assert all(line[4] == DANGEROUS[line[2]] for line in lines)
    sheet = load_workbook(report).active
    assert all(row[3].data_type == "s" for row in sheet.iter_rows(min_row=2))  # no formula cell


@needs_libreoffice
@pytest.mark.django_db
def test_the_official_list_csv_is_inert_in_libreoffice(tmp_path, profile, users, commune_a) -> None:
    """The official tables' CSV goes through the same layer (a household name of a list)."""
    from giamngheo.reviews import services
    from giamngheo.reviews.models import ReviewRound

    province = commune_a.parent
    review_round = ReviewRound.objects.filter(province=province, year=2026).first() or services.round_open(
        province=province, year=2026, acting_user=None
    )
    for code, name in DANGEROUS.items():
        make_household(commune_a, code=code, head=name, category="poor")
    services.summary_refresh(round_id=review_round.pk, commune_id=commune_a.pk)
    response = _client(users[OFFICER]).get(
        reverse("tables:household-list-xlsx", args=["poor"]), {"year": 2026, "format": "csv"}
    )
    assert response.status_code == 200
    path = tmp_path / "ds.csv"
    path.write_bytes(b"".join(response.streaming_content))
    cells = [cell for row in convert(path, profile) for cell in row]
    shown = [cell for cell in cells if cell.lstrip("'") in DANGEROUS.values()]
    assert sorted(shown) == sorted("'" + typed for typed in DANGEROUS.values())  # each name, quoted
