"""``core.xlsx.table_workbook``: the title, scope, year and date on top; numbers stay numbers with a
grouped format; formula-like texts stay inert; the header is frozen and repeated on printed pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from giamngheo.core.xlsx import Column, Section, table_workbook


def test_a_table_page_as_a_workbook() -> None:
    content = table_workbook(
        title="Độ bao phủ chính sách",
        scope="Xã Bù Gia Mập",
        year=2026,
        printed_on=dt.date(2026, 12, 6),
        sections=[
            Section(
                columns=[Column("Chính sách", width=40), Column("Số hộ", decimals=0), Column("Tỷ lệ (%)")],
                rows=[
                    ["=HYPERLINK(1)", 1234, Decimal("12.5")],
                    ["Nhà ở", 5, Decimal("25")],
                    ["—", None, None],
                ],
            ),
            Section(heading="Theo nguồn", columns=["Nguồn", "Số tiền"], rows=[["Trung ương", 1_500_000]]),
        ],
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "Độ bao phủ chính sách",
        "Phạm vi: Xã Bù Gia Mập",
        "Năm: 2026",
        "Ngày in: 06/12/2026",
    ]
    assert sheet["A6"].value == "Chính sách" and sheet["A6"].font.b
    assert sheet.freeze_panes == "A7" and sheet.print_title_rows == "$6:$6"
    assert sheet["A7"].value == "=HYPERLINK(1)" and sheet["A7"].data_type == "s" and sheet["A7"].quotePrefix
    assert sheet["B7"].value == 1234 and sheet["B7"].number_format == "#,##0"
    assert sheet["C7"].value == 12.5 and sheet["C7"].number_format == "#,##0.00"
    assert sheet["C8"].value == 25 and sheet["C8"].number_format == "#,##0"
    assert sheet["B9"].value is None
    assert sheet.column_dimensions["A"].width == 40
    assert sheet["A11"].value == "Theo nguồn" and sheet["B13"].value == 1_500_000
    assert int(sheet.page_setup.paperSize) == 9  # A4


def test_libreoffice_opens_the_workbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The workbook opens in LibreOffice (converted to CSV headless): the top rows and the numbers."""
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "bang.xlsx"
    source.write_bytes(
        table_workbook(
            title="Kinh phí hỗ trợ",
            scope="Xã Bù Gia Mập",
            sections=[
                Section(columns=["Nguồn", Column("Số tiền (đ)", decimals=0)], rows=[["Trung ương", 1500000]])
            ],
        )
    )
    subprocess.run(  # noqa: S603 - LibreOffice on our own file
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "bang.csv").read_text(encoding="utf-8")
    assert "Kinh phí hỗ trợ" in text and "Phạm vi: Xã Bù Gia Mập" in text
    assert "Trung ương" in text and "1500000" in text.replace(",", "").replace(".", "")


def test_a_name_longer_than_its_column_wraps_instead_of_being_cut() -> None:
    long_name = "Hỗ trợ tiền điện cho hộ nghèo và hộ chính sách xã hội theo quyết định của Thủ tướng"
    content = table_workbook(
        title="Chính sách",
        scope="Đồng Nai",
        year=2026,
        printed_on=dt.date(2026, 12, 6),
        sections=[Section(columns=["Chính sách", "Số hộ"], rows=[[long_name, 3], ["Nhà ở", 5]])],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A7"].value == long_name and sheet["A7"].alignment.wrap_text
    assert not sheet["A8"].alignment.wrap_text
