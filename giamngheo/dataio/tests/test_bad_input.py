"""Bad input never crashes the import or leaves partial data.

Every case goes the way a file goes through the app: ``open_table`` (which may refuse the file with a
Vietnamese ``FileRejected``), ``propose_mapping`` and ``check_mapping``, then ``household_import``. Where a
file must not be imported, the registry's household and member counts are the same afterwards.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import struct
import time
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo.accounts.models import User
from giamngheo.dataio.fields import BY_KEY, EXCEL_EPOCH, propose_mapping
from giamngheo.dataio.imports import ImportOptions, Outcome, check_mapping, household_import
from giamngheo.dataio.reading import FileRejected, Table, open_table
from giamngheo.dataio.template import TEMPLATE_SHEET, write_template
from giamngheo.dataio.tests.helpers import HEADERS, to_cp1258
from giamngheo.households.models import Household, Member

pytestmark = pytest.mark.django_db

OFFICER = "canbo.bugiamap"
COL = {name: i for i, name in enumerate(HEADERS)}
# Letters only Vietnamese has (tone marks, đ): a message with one of them is written in Vietnamese.
VIETNAMESE = re.compile(r"[đĐăâêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹýàáèéìíòóùú]")
BIRTHDAY = dt.date(1980, 11, 25)


def family(code: str = "KT001", national_id: str = "070078001234") -> list[list[Any]]:
    """A valid household of three members (one row each)."""
    return [
        [code, "Thôn 1", "Tổ 3", "1.200.000", "Nước máy", "Điểu Văn Lâm", "Nam", "12/03/1978", "Chủ hộ",
         national_id, "X'tiêng", "Có"],
        [code, "", "", "", "", "Thị Hoa", "Nữ", "01/07/1982", "Vợ/chồng", "", "X'tiêng", "Có"],
        [code, "", "", "", "", "Điểu Văn Tí", "Nam", "05/09/2012", "Con", "", "X'tiêng", "Không"],
    ]  # fmt: skip


def single(code: str = "KT010", **cells: Any) -> list[Any]:
    """A household of one member (its head), with some cells replaced by header name."""
    row: list[Any] = [code, "Thôn 1", "", "1500000", "Nước máy", "Trần Văn Một", "Nam", "25/11/1980",
                      "Chủ hộ", "", "Kinh", "Có"]  # fmt: skip
    for header, value in cells.items():
        row[COL[header]] = value
    return row


def csv_bytes(headers: Sequence[Any], rows: Sequence[Sequence[Any]], *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, headers: Sequence[Any], rows: Sequence[Sequence[Any]], **kw: Any) -> Path:
    path.write_text(csv_bytes(headers, rows, **kw), encoding="utf-8", newline="")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, merges: Sequence[str] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def counts() -> tuple[int, int]:
    return Household.objects.count(), Member.objects.count()


def officer(users: dict[str, Any]) -> Any:
    return users[OFFICER]


def import_table(
    table: Table, user: User, commune: Any, mapping: list[str] | None = None, **options: Any
) -> Outcome:
    mapping = propose_mapping(table.headers) if mapping is None else mapping
    return household_import(
        table=table,
        options=ImportOptions(mapping=mapping, commune_id=commune.pk, **options),
        acting_user=user,
    )


def run(path: Path, user: User, commune: Any, **options: Any) -> Outcome:
    """The whole way of a file; the mapping proposed must be complete."""
    table = open_table(path)
    mapping = propose_mapping(table.headers)
    assert check_mapping(mapping, fixed_commune=True) == []
    return import_table(table, user, commune, mapping, **options)


def rejected(path: Path) -> str:
    """``open_table`` refuses the file with a Vietnamese message (and nothing else escapes)."""
    with pytest.raises(FileRejected) as info:
        open_table(path)
    message = str(info.value)
    assert message and VIETNAMESE.search(message), message
    return message


def messages(outcome: Outcome) -> list[str]:
    return [str(issue) for issue in outcome.errors]


def head(code: str) -> Member:
    return Member.objects.get(household__code=code, relationship="head")


# --- Empty files --------------------------------------------------------------------------------------------


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _blank_sheets_workbook() -> bytes:
    """Two sheets with formatting and empty strings but no value."""
    workbook = Workbook()
    workbook.active["A1"] = ""
    workbook.active.column_dimensions["A"].width = 40
    workbook.create_sheet("Trang 2")["C3"] = "   "
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trong.xlsx", b""),
        ("trong.csv", b""),
        ("trong.xls", b""),
        ("sheet-trong.xlsx", _empty_workbook()),
        ("hai-sheet-trong.xlsx", _blank_sheets_workbook()),
        ("dong-trong.csv", b"\r\n\r\n\n"),
        ("chi-dau-phay.csv", b",,,\n,,,\n"),
        ("chi-cham-phay.csv", b";;;;\r\n;;;;\r\n"),
        ("chi-bom.csv", codecs.BOM_UTF8),
        ("chi-khoang-trang.csv", b" \t \n   \n"),
    ],
)
def test_an_empty_file_is_rejected(tmp_path, users, commune_a, name, content) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    assert rejected(path) == "Tệp trống: không có dòng dữ liệu nào."
    assert counts() == before


def test_a_file_with_only_headers_imports_nothing(tmp_path, users, commune_a) -> None:
    before = counts()
    for path in (
        write_csv(tmp_path / "chi-tieu-de.csv", HEADERS, []),
        write_xlsx(tmp_path / "chi-tieu-de.xlsx", [HEADERS, [], []]),
    ):
        outcome = run(path, officer(users), commune_a, valid_rows_only=True)
        assert (outcome.rows, outcome.households, outcome.error_count) == (0, 0, 0)
        assert not outcome.written_ids
    assert counts() == before


def test_the_first_sheet_with_data_is_used(tmp_path, users, commune_a) -> None:
    workbook = Workbook()
    workbook.active.title = "Bìa"
    data = workbook.create_sheet("Danh sách")
    for row in [HEADERS, *family()]:
        data.append(row)
    path = tmp_path / "hai-trang.xlsx"
    workbook.save(path)
    assert open_table(path).sheet == "Danh sách"
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.households_created == 1 and outcome.members_created == 3


# --- Files that are not spreadsheets, renamed files ---------------------------------------------------------


def _png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
        + bytes(range(256)) * 8
    )


def _pdf() -> bytes:
    """A PDF as programs write it: a binary comment line and a compressed (Flate) stream."""
    import zlib

    stream = zlib.compress(bytes(range(256)) * 40 + "BT /F1 12 Tf (Danh sách hộ nghèo) Tj ET".encode())
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _random(size: int, seed: int = 7) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("anh.xlsx", _png(), "dữ liệu nhị phân"),
        ("anh.png", _png(), "dữ liệu nhị phân"),
        ("ngau-nhien.xlsx", _random(8192), "không phải bảng tính"),
        ("ngau-nhien.csv", _random(100_000, seed=3), "không phải bảng tính"),
        ("nhi-phan.csv", b"M\xe3 h\xf4\x00\x00\x01\x02" * 50, "dữ liệu nhị phân"),
        ("bao-cao.xlsx", _pdf(), ""),
        ("bao-cao.pdf", _pdf(), ""),
        ("van-ban.xlsx", _docx_like(), "không phải bảng tính Excel"),
        ("hong.xlsx", _xlsx_bytes([HEADERS, *family()])[:1500], "Tệp bị hỏng"),
        ("ole-hong.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random(4096), "Không đọc được tệp bảng tính"),
        ("zip-hong.xlsx", b"PK\x03\x04" + _random(500), "Tệp bị hỏng"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_rejected(
    tmp_path, users, commune_a, name, content, fragment
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    message = rejected(path)
    assert fragment in message
    assert counts() == before


def test_a_text_only_pdf_is_rejected(tmp_path, users, commune_a) -> None:
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] "
        b"/Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    before = counts()
    rejected(path)
    assert counts() == before


def test_a_text_file_renamed_xlsx_is_read_as_text_and_imports_nothing(tmp_path, users, commune_a) -> None:
    """A letter saved as .txt and renamed .xlsx: read by content as one-column text; the mapping names what
    is missing; nothing is written even with 'import the valid rows'."""
    path = tmp_path / "cong-van.xlsx"
    path.write_text("Kính gửi: UBND xã Bù Gia Mập\nV/v rà soát hộ nghèo năm 2026\nĐề nghị xã báo cáo.\n")
    before = counts()
    try:
        table = open_table(path)
    except FileRejected as exc:
        assert VIETNAMESE.search(str(exc))
    else:
        mapping = propose_mapping(table.headers)
        assert "Chưa chọn cột 'Mã hộ'." in check_mapping(mapping, fixed_commune=True)
        outcome = import_table(table, officer(users), commune_a, mapping, valid_rows_only=True)
        assert outcome.rows == 2 and set(outcome.error_rows) == {2, 3} and not outcome.written_ids
    assert counts() == before


def test_detection_is_by_content_not_by_name(tmp_path, users, commune_a) -> None:
    user = officer(users)
    xlsx_as_csv = tmp_path / "ho.csv"
    xlsx_as_csv.write_bytes(_xlsx_bytes([HEADERS, *family("KT001", "070078000001")]))
    outcome = run(xlsx_as_csv, user, commune_a)
    assert outcome.written and (outcome.households_created, outcome.members_created) == (1, 3)

    csv_as_xlsx = write_csv(tmp_path / "ho.xlsx", HEADERS, family("KT002", "070078000002"))
    outcome = run(csv_as_xlsx, user, commune_a)
    assert outcome.written and (outcome.households_created, outcome.members_created) == (1, 3)

    csv_as_xls = write_csv(tmp_path / "ho.xls", HEADERS, family("KT003", "070078000003"))
    assert run(csv_as_xls, user, commune_a).households_created == 1
    assert Household.objects.filter(commune=commune_a, code__in=["KT001", "KT002", "KT003"]).count() == 3


def test_the_import_template_renamed_and_filled_in(tmp_path, users, commune_a) -> None:
    """Our own template, filled in and saved under another name: its header row is found, the drop-down
    rows that are still empty are skipped."""
    out = io.BytesIO()
    write_template(out, include_commune=False)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook[TEMPLATE_SHEET]
    headers = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    values = dict(zip(HEADERS, family("KT050")[0], strict=True))
    for column, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=2, column=column, value=values[header])
    path = tmp_path / "danh-sach-ho-Bu-Gia-Map.xlsx"
    workbook.save(path)
    table = open_table(path)
    assert table.sheet == TEMPLATE_SHEET
    mapping = propose_mapping(table.headers)
    assert check_mapping(mapping, fixed_commune=True) == []
    outcome = import_table(table, officer(users), commune_a, mapping)
    assert outcome.rows == 1 and outcome.written and outcome.households_created == 1, messages(outcome)
    assert head("KT050").full_name == "Điểu Văn Lâm"


# --- Missing and extra columns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        ("Mã hộ", "Chưa chọn cột 'Mã hộ'."),
        ("Thôn/ấp/khu phố", "Chưa chọn cột 'Thôn/ấp/khu phố'."),
        ("Họ và tên", "Chưa chọn cột 'Họ và tên' (thành viên) hay 'Họ và tên chủ hộ'."),
    ],
)
def test_a_missing_required_column_is_named_and_nothing_is_written(
    tmp_path, users, commune_a, column, problem
) -> None:
    keep = [i for i, name in enumerate(HEADERS) if name != column]
    rows = [[row[i] for i in keep] for row in [*family("KT001"), *family("KT002", "070078000002")]]
    path = write_csv(tmp_path / "thieu-cot.csv", [HEADERS[i] for i in keep], rows)
    table = open_table(path)
    mapping = propose_mapping(table.headers)
    assert check_mapping(mapping, fixed_commune=True) == [problem]
    before = counts()
    # Even if the mapping were used as it is, with "import the valid rows", nothing could be written.
    outcome = import_table(table, officer(users), commune_a, mapping, valid_rows_only=True)
    assert not outcome.written_ids and outcome.households_created == 0
    assert set(outcome.error_rows) == {2, 3, 4, 5, 6, 7}
    assert all(outcome.error_rows[n] for n in outcome.error_rows)
    assert counts() == before


def test_a_missing_member_column_rejects_every_member_row(tmp_path, users, commune_a) -> None:
    keep = [i for i, name in enumerate(HEADERS) if name != "Giới tính"]
    rows = [[row[i] for i in keep] for row in family()]
    path = write_csv(tmp_path / "thieu-gioi-tinh.csv", [HEADERS[i] for i in keep], rows)
    before = counts()
    outcome = run(path, officer(users), commune_a, valid_rows_only=True)
    assert outcome.households_rejected == 1 and not outcome.written_ids
    assert messages(outcome) == [f"Dòng {n}, cột Giới tính: bắt buộc cho mỗi thành viên" for n in (2, 3, 4)]
    assert counts() == before


def test_extra_unknown_columns_are_ignored(tmp_path, users, commune_a) -> None:
    headers = ["STT", *HEADERS[:3], "Cột lạ", *HEADERS[3:], "Ghi chú", "", "Họ và tên", "Ký tên"]
    rows = [
        [n, *row[:3], "giá trị lạ 😀", *row[3:], "ghi chú", "không tên", "Trùng tên", "..."]
        for n, row in enumerate(family(), start=1)
    ]
    path = write_csv(tmp_path / "thua-cot.csv", headers, rows)
    table = open_table(path)
    mapping = propose_mapping(table.headers)
    extra = {i for i, h in enumerate(headers) if h not in HEADERS} | {len(headers) - 2}  # 2nd "Họ và tên"
    kept = {0: "seq", len(headers) - 4: "note"}  # "STT" and "Ghi chú" are a commune list's columns
    assert {i: mapping[i] for i in kept} == kept
    assert {i for i, key in enumerate(mapping) if key == ""} == extra - set(kept)
    assert check_mapping(mapping, fixed_commune=True) == []
    outcome = import_table(table, officer(users), commune_a, mapping)
    assert outcome.written and (outcome.households_created, outcome.members_created) == (1, 3)
    assert head("KT001").full_name == "Điểu Văn Lâm"  # the first "Họ và tên" column


def test_a_field_mapped_to_two_columns_is_refused_by_check_mapping() -> None:
    mapping = propose_mapping(HEADERS)
    mapping[COL["Địa chỉ"]] = "full_name"
    assert check_mapping(mapping, fixed_commune=True) == [
        "Mỗi trường chỉ gán cho một cột; đang gán nhiều cột cho: Họ và tên."
    ]
    assert "Nhập cho cả tỉnh cần cột 'Xã/phường/đặc khu'." in check_mapping(
        propose_mapping(HEADERS), fixed_commune=False
    )


# --- Merged cells and title blocks --------------------------------------------------------------------------


def test_merged_title_block_and_merged_village_column(tmp_path, users, commune_a) -> None:
    headers = ["Mã hộ", "Thôn/ấp/khu phố", "Họ và tên", "Giới tính", "Ngày sinh", "Quan hệ với chủ hộ",
               "Dân tộc", "Thu nhập bình quân người/tháng (đồng)"]  # fmt: skip
    rows: list[list[Any]] = [
        ["DANH SÁCH HỘ NGHÈO NĂM 2026"],
        ["Xã Bù Gia Mập, tỉnh Đồng Nai (kèm theo Quyết định số 12/QĐ-UBND)"],
        [],
        headers,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        ["KT101", "Ấp 2", "Điểu Văn Lâm", "Nam", "12/03/1978", "Chủ hộ", "X'tiêng", 1_200_000],
        [None, None, "Thị Hoa", "Nữ", "01/07/1982", "Vợ/chồng", "X'tiêng", None],
        [None, None, "Điểu Văn Tí", "Nam", "05/09/2012", "Con", "X'tiêng", None],
        ["KT102", "Ấp 3", "Trần Văn Bình", "Nam", "10/02/1965", "Chủ hộ", "Kinh", 3_500_000],
        [None, None, "Lê Thị Cúc", "Nữ", "20/10/1968", "Vợ", "Kinh", None],
    ]
    path = write_xlsx(
        tmp_path / "gop-o.xlsx",
        rows,
        merges=["A1:H1", "A2:H2", "A6:A8", "B6:B8", "A9:A10", "B9:B10", "H6:H8", "H9:H10"],
    )
    table = open_table(path)
    assert table.header_row == 4 and table.headers == headers
    data = list(table.rows)
    assert [n for n, _row in data] == [6, 7, 8, 9, 10]  # the numbering row (5) is skipped
    assert [row[:2] for _n, row in data] == [["KT101", "Ấp 2"]] * 3 + [["KT102", "Ấp 3"]] * 2

    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert (outcome.households_created, outcome.members_created) == (2, 5)
    first = Household.objects.get(commune=commune_a, code="KT101")
    second = Household.objects.get(commune=commune_a, code="KT102")
    assert (first.village.name, first.members.count(), first.income_per_capita) == ("Ấp 2", 3, 1_200_000)
    assert (second.village.name, second.members.count(), second.income_per_capita) == ("Ấp 3", 2, 3_500_000)


# --- Formulas -----------------------------------------------------------------------------------------------


def with_cached_values(path: Path, cached: dict[str, tuple[str, str, str]]) -> Path:
    """Give formula cells the cached value Excel or LibreOffice would have saved with them.

    ``cached``: cell reference -> (formula, type "n" or "str", value). openpyxl saves formulas without.
    """
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, (formula, kind, value) in cached.items():
        cell = f'<c r="{ref}" t="{kind}"><f>{formula}</f><v>{value}</v></c>'
        xml, replaced = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>', cell, xml)
        assert replaced == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def formula_rows() -> list[list[Any]]:
    return [
        HEADERS,
        single("KT201", **{"Thu nhập bình quân người/tháng (đồng)": "=1000000*1.5", "Dân tộc": '="Tày"'}),
    ]


def test_formulas_with_saved_values_are_read(tmp_path, users, commune_a) -> None:
    path = write_xlsx(tmp_path / "cong-thuc.xlsx", formula_rows())
    with_cached_values(path, {"D2": ("1000000*1.5", "n", "1500000"), "K2": ('"Tày"', "str", "Tày")})
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    household = Household.objects.get(commune=commune_a, code="KT201")
    assert household.income_per_capita == 1_500_000 and household.ethnic_group == "02"


def test_formulas_without_saved_values_do_not_crash_or_invent_values(tmp_path, users, commune_a) -> None:
    """openpyxl (and some other programs) save formulas without their value: whatever the engine does,
    it does cleanly: the value, or nothing, or a message that names the row and the column."""
    path = write_xlsx(tmp_path / "cong-thuc.xlsx", formula_rows())
    outcome = run(path, officer(users), commune_a)
    for issue in outcome.errors:
        assert issue.row == 2 and issue.column in HEADERS
    if outcome.households_created:
        household = Household.objects.get(commune=commune_a, code="KT201")
        assert household.income_per_capita in (None, 1_500_000)
        assert household.ethnic_group in ("01", "02")  # "01": the default, when the cell reads as empty


def test_formulas_without_saved_values_are_reported(tmp_path, users, commune_a) -> None:
    path = write_xlsx(tmp_path / "cong-thuc.xlsx", formula_rows())
    outcome = run(path, officer(users), commune_a)
    income = "Thu nhập bình quân người/tháng (đồng)"
    if outcome.households_created:
        household = Household.objects.get(commune=commune_a, code="KT201")
        assert household.income_per_capita == 1_500_000 and household.ethnic_group == "02"
    else:
        assert {(i.row, i.column) for i in outcome.errors} >= {(2, income), (2, "Dân tộc")}


def test_a_formula_in_a_required_text_column_is_reported(tmp_path, users, commune_a) -> None:
    rows = [HEADERS, single("KT202", **{"Họ và tên": '=CONCATENATE("Trần ","Văn Một")'})]
    path = write_xlsx(tmp_path / "cong-thuc-ten.xlsx", rows)
    before = counts()
    outcome = run(path, officer(users), commune_a)
    assert not outcome.written and counts() == before
    assert outcome.error_rows and set(outcome.error_rows) == {2}
    assert all(issue.row == 2 and issue.column for issue in outcome.errors)
    assert "Dòng 2, cột Họ và tên: bắt buộc khi dòng có thông tin thành viên" in messages(outcome)


# --- Dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["25/11/1980", "1980-11-25", "25-11-1980", "25.11.1980", "25/11/1980 ", "1980-11-25 00:00:00", "29550"],
)
def test_dates_written_as_text(tmp_path, users, commune_a, value) -> None:
    path = write_csv(tmp_path / "ngay.csv", HEADERS, [single(**{"Ngày sinh": value})])
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert head("KT010").date_of_birth == BIRTHDAY


@pytest.mark.parametrize(
    "value",
    [
        BIRTHDAY,
        dt.datetime(1980, 11, 25, 0, 0),
        29550,
        29550.0,
        "25/11/1980",
        "1980-11-25",
    ],
    ids=["date", "datetime", "serial-int", "serial-float", "text-dmy", "text-iso"],
)
def test_dates_in_excel_cells(tmp_path, users, commune_a, value) -> None:
    assert (BIRTHDAY - EXCEL_EPOCH).days == 29550
    path = write_xlsx(tmp_path / "ngay.xlsx", [HEADERS, single(**{"Ngày sinh": value})])
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert head("KT010").date_of_birth == BIRTHDAY


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/1980", "'31/02/1980' không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 25/11/1980)"),
        ("1980-13-01", "'1980-13-01' không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 25/11/1980)"),
        ("25/11/80", "'25/11/80' không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 25/11/1980)"),
        ("năm 1980", "'năm 1980' không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 25/11/1980)"),
        ("01/01/1850", "'01/01/1850' nằm ngoài khoảng cho phép (từ năm 1900 đến hôm nay)"),
        ("01/01/2999", "'01/01/2999' nằm ngoài khoảng cho phép (từ năm 1900 đến hôm nay)"),
    ],
)
def test_an_invalid_date_is_reported_with_row_and_column(tmp_path, users, commune_a, value, message) -> None:
    path = write_csv(tmp_path / "ngay.csv", HEADERS, [*family(), single(**{"Ngày sinh": value})])
    before = counts()
    outcome = run(path, officer(users), commune_a)
    assert messages(outcome) == [f"Dòng 5, cột Ngày sinh: {message}"]
    assert not outcome.written and counts() == before  # all or nothing


@pytest.mark.parametrize("value", [-5, 0.5, 3_000_000, True], ids=["negative", "fraction", "too-big", "bool"])
def test_an_invalid_excel_date_cell_is_reported(tmp_path, users, commune_a, value) -> None:
    path = write_xlsx(tmp_path / "ngay.xlsx", [HEADERS, single(**{"Ngày sinh": value})])
    before = counts()
    outcome = run(path, officer(users), commune_a)
    assert [(i.row, i.column) for i in outcome.errors] == [(2, "Ngày sinh")], messages(outcome)
    assert not outcome.written and counts() == before


# --- Numbers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1.500.000",
        "1,500,000",
        "1 500 000",
        "1\u00a0500\u00a0000",
        "1500000",
        "1.500.000 đ",
        "1.500.000đ",
        "1 500 000 VNĐ",
        " 1500000 ",
    ],
)
def test_money_with_thousand_separators_in_text(tmp_path, users, commune_a, value) -> None:
    income = "Thu nhập bình quân người/tháng (đồng)"
    path = write_csv(tmp_path / "so.csv", HEADERS, [single(**{income: value})])
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert Household.objects.get(commune=commune_a, code="KT010").income_per_capita == 1_500_000


@pytest.mark.parametrize("value", [1_500_000, 1_500_000.0, "1.500.000", "1,500,000"])
def test_money_in_excel_cells(tmp_path, users, commune_a, value) -> None:
    income = "Thu nhập bình quân người/tháng (đồng)"
    path = write_xlsx(tmp_path / "so.xlsx", [HEADERS, single(**{income: value})])
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert Household.objects.get(commune=commune_a, code="KT010").income_per_capita == 1_500_000


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5 triệu", "'1,5 triệu' không phải là số nguyên (ví dụ: 1.500.000)"),
        ("1.500.00", "'1.500.00' không phải là số nguyên (ví dụ: 1.500.000)"),
        ("-500000", "'-500000' nhỏ hơn 0"),
        ("2.000.000.000", "'2.000.000.000' lớn hơn 1.000.000.000"),
    ],
)
def test_an_invalid_amount_is_reported(tmp_path, users, commune_a, value, message) -> None:
    income = "Thu nhập bình quân người/tháng (đồng)"
    path = write_csv(tmp_path / "so.csv", HEADERS, [single(**{income: value})])
    before = counts()
    outcome = run(path, officer(users), commune_a, valid_rows_only=True)
    assert messages(outcome) == [f"Dòng 2, cột {income}: {message}"]
    assert not outcome.written_ids and counts() == before


# --- Other cell values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("x", True),
        ("X", True),
        ("1", True),
        ("Không", False),
        ("k", False),
        ("ko", False),
        ("0", False),
        ("", None),
    ],
)
def test_yes_no_cells(tmp_path, users, commune_a, value, expected) -> None:
    path = write_csv(tmp_path / "co-khong.csv", HEADERS, [single(**{"Có thẻ BHYT": value})])
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert head("KT010").has_health_insurance is expected


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("Có thẻ BHYT", "Có thể", "'Có thể' không hợp lệ: ghi Có hoặc Không"),
        ("Nguồn nước sinh hoạt", "Abc", "'Abc' không có trong danh sách (Nước máy, Giếng khoan,"),
        ("Giới tính", "Abc", "'Abc' không có trong danh sách (Nam, Nữ)"),
        ("Dân tộc", "Abc", "'Abc' không có trong danh sách (Kinh, Tày,"),
        ("Quan hệ với chủ hộ", "Hàng xóm", "'Hàng xóm' không có trong danh sách (Chủ hộ,"),
        ("Số CCCD", "12345", "'12345' không phải số CCCD (12 chữ số)"),
        ("Địa chỉ", "x" * 300, "dài 300 ký tự, tối đa 255 ký tự"),
    ],
)
def test_an_invalid_cell_is_reported_not_crashing(tmp_path, users, commune_a, header, value, message) -> None:
    path = write_csv(tmp_path / "sai.csv", HEADERS, [*family(), single(**{header: value})])
    before = counts()
    outcome = run(path, officer(users), commune_a)
    assert not outcome.written and counts() == before
    assert all(issue.row == 5 for issue in outcome.errors), messages(outcome)
    assert str(outcome.errors[0]).startswith(f"Dòng 5, cột {header}: {message}"), messages(outcome)

    outcome = run(path, officer(users), commune_a, valid_rows_only=True)  # the valid household goes in
    assert outcome.written and (outcome.households_created, outcome.households_rejected) == (1, 1)
    assert counts() == (before[0] + 1, before[1] + 3)
    assert set(outcome.error_rows) == {5}


def test_a_too_long_household_code_is_reported_once_as_too_long(tmp_path, users, commune_a) -> None:
    path = write_csv(tmp_path / "ma-dai.csv", HEADERS, [single("K" * 40)])
    before = counts()
    outcome = run(path, officer(users), commune_a, valid_rows_only=True)
    assert not outcome.written_ids and counts() == before
    assert messages(outcome) == ["Dòng 2, cột Mã hộ: dài 40 ký tự, tối đa 32 ký tự"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        pytest.param(
            "Số CCCD",
            "０７８０８００００００１",
            id="full-width-national-id",
        ),
        pytest.param(
            "Điện thoại",
            "()()()()",
            id="phone-without-digits",
        ),
        pytest.param(
            "Điện thoại",
            "+" + "1" * 20,
            id="phone-cut-silently",
        ),
        pytest.param(
            "Diện tích nhà ở (m²)",
            "99999,96",
            id="area-rounded-out-of-range",
        ),
    ],
)
def test_a_value_is_stored_as_written_or_reported(tmp_path, users, commune_a, header, value) -> None:
    headers = [*HEADERS, "Điện thoại", "Diện tích nhà ở (m²)"]
    row = [*single(**{"Số CCCD": "078080000001"}), "0912345678", "40"]
    row[headers.index(header)] = value
    path = write_csv(tmp_path / "gia-tri.csv", headers, [row])
    outcome = run(path, officer(users), commune_a)
    if outcome.written:
        household = Household.objects.get(commune=commune_a, code="KT010")
        if header == "Số CCCD":
            assert household.members.get().national_id == "078080000001"
        elif header == "Điện thoại":
            assert household.phone == value and any(ch.isdigit() for ch in household.phone)
        else:
            assert household.floor_area_m2 is not None and household.floor_area_m2 <= Decimal("99999.9")
    else:
        assert [issue.column for issue in outcome.errors] == [header], messages(outcome)
        if header == "Số CCCD":
            assert "không phải số CCCD (12 chữ số)" in messages(outcome)[0]


# --- Size ---------------------------------------------------------------------------------------------------


def test_a_50_mb_file_is_read_and_checked(tmp_path, users, commune_a) -> None:
    """About 50 MB of valid rows (three members a household, the household's columns repeated on every
    row as the template allows), checked as a dry run: every row is read, nothing is written."""
    address = ("Tổ 3, đường liên thôn Bù Gia Mập – Đắk Ơ, gần trường tiểu học Bù Gia Mập, " * 3)[:250]
    path = tmp_path / "lon.csv"
    households = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        while fh.tell() < 50 * 1024 * 1024:
            households += 1
            code = f"KT{households:07d}"
            writer.writerows(
                [
                    [code, "Thôn 1", address, "1.500.000", "Nước máy", "Điểu Văn Lâm", "Nam", "12/03/1978",
                     "Chủ hộ", "", "X'tiêng", "Có"],
                    [code, "Thôn 1", address, "1.500.000", "Nước máy", "Thị Hoa", "Nữ", "01/07/1982",
                     "Vợ/chồng", "", "X'tiêng", "Có"],
                    [code, "Thôn 1", address, "1.500.000", "Nước máy", "Điểu Văn Tí", "Nam", "05/09/2012",
                     "Con", "", "X'tiêng", "Không"],
                ]
            )  # fmt: skip
    assert path.stat().st_size >= 50 * 1024 * 1024
    before = counts()
    outcome = run(path, officer(users), commune_a, dry_run=True)
    assert outcome.error_count == 0, messages(outcome)[:5]
    assert (outcome.rows, outcome.households, outcome.households_created) == (
        3 * households,
        households,
        households,
    )
    assert outcome.members_created == 3 * households and not outcome.written
    assert counts() == before


def test_a_huge_cell_in_a_csv_is_rejected_cleanly(tmp_path, users, commune_a) -> None:
    """Python's csv module refuses fields over 128 KB: the file is refused with a Vietnamese message."""
    path = write_csv(tmp_path / "o-lon.csv", HEADERS, [single(**{"Địa chỉ": "a" * 200_000})])
    before = counts()
    message = rejected(path)
    assert message.startswith("Tệp CSV bị lỗi định dạng")
    assert counts() == before


# --- Zip bombs ----------------------------------------------------------------------------------------------

WORKBOOK_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path, users, commune_a) -> None:
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", WORKBOOK_XML)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = bytes(1024 * 1024)
            for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
                member.write(zeros)
    assert path.stat().st_size < 1024 * 1024
    before = counts()
    started = time.perf_counter()
    message = rejected(path)
    assert time.perf_counter() - started < 2  # inflating 200 MB would take longer
    assert "bom nén" in message and "tỉ lệ nén" in message
    assert counts() == before


def test_a_zip_bomb_that_lies_about_its_size_is_refused(tmp_path, users, commune_a) -> None:
    """The sizes in the zip directory say the sheet is small (so the ratio looks normal); it inflates to
    50 MB. The reader must still refuse it (or read only what was declared), not crash."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([HEADERS, *family()])))
    path = tmp_path / "bom-noi-doi.xlsx"
    sheet_name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != sheet_name:
                archive.writestr(info.filename, data)
                continue
            cut = data.index(b"</sheetData>")
            with archive.open(sheet_name, "w") as member:
                member.write(data[:cut])
                for _ in range(50):
                    member.write(b" " * (1024 * 1024))
                member.write(data[cut:])
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo(sheet_name)
    declared = info.compress_size  # ratio 1
    struct.pack_into("<I", raw, info.header_offset + 22, declared)  # local header: uncompressed size
    entry = raw.find(b"PK\x01\x02")
    while entry >= 0:
        length = struct.unpack_from("<H", raw, entry + 28)[0]
        if raw[entry + 46 : entry + 46 + length] == sheet_name.encode():
            struct.pack_into("<I", raw, entry + 24, declared)  # central directory: uncompressed size
            break
        entry = raw.find(b"PK\x01\x02", entry + 4)
    assert entry >= 0
    path.write_bytes(bytes(raw))
    assert zipfile.ZipFile(path).getinfo(sheet_name).file_size == declared
    before = counts()
    started = time.perf_counter()
    try:
        table = open_table(path)
        outcome = import_table(table, officer(users), commune_a, dry_run=True)
    except FileRejected as exc:
        assert VIETNAMESE.search(str(exc))
    else:
        assert outcome.rows <= 3
    assert time.perf_counter() - started < 10
    assert counts() == before


# --- Encodings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("windows-1258.csv", lambda: to_cp1258(csv_bytes(HEADERS, family()))),
        # Excel's "Unicode text": UTF-16 little endian with a BOM, tab separated.
        ("unicode-text.txt", lambda: csv_bytes(HEADERS, family(), delimiter="\t").encode("utf-16")),
        ("utf-16-be.csv", lambda: codecs.BOM_UTF16_BE + csv_bytes(HEADERS, family()).encode("utf-16-be")),
        ("utf-8-bom.csv", lambda: codecs.BOM_UTF8 + csv_bytes(HEADERS, family(), delimiter=";").encode()),
        ("utf-8-nfd.csv", lambda: unicodedata.normalize("NFD", csv_bytes(HEADERS, family())).encode()),
    ],
)
def test_text_encodings(tmp_path, users, commune_a, name, encode) -> None:
    path = tmp_path / name
    path.write_bytes(encode())
    outcome = run(path, officer(users), commune_a)
    assert outcome.written and outcome.error_count == 0, messages(outcome)
    assert (outcome.households_created, outcome.members_created) == (1, 3)
    household = Household.objects.get(commune=commune_a, code="KT001")
    names = sorted(household.members.values_list("full_name", flat=True))
    assert names == sorted(["Điểu Văn Lâm", "Thị Hoa", "Điểu Văn Tí"])  # NFC, as typed
    assert household.ethnic_group == BY_KEY["ethnic_group"].parse("X'tiêng")


@pytest.mark.parametrize(("header", "value"), [("Địa chỉ", "Tổ\x003"), ("Mã hộ", "KT\x0009999")])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_a_nul_byte_after_the_first_64_kb_is_not_stored(
    tmp_path, users, commune_a, header, value, dry_run
) -> None:
    rows = [single(f"KT{n:05d}", **{"Họ và tên": f"Người Thứ {n}"}) for n in range(2, 1201)]
    rows.append(single("KT09999", **{header: value}))
    path = write_csv(tmp_path / "nul-cuoi.csv", HEADERS, rows)
    assert path.read_bytes().index(b"\x00") > 64 * 1024
    before = counts()
    try:
        outcome = run(path, officer(users), commune_a, valid_rows_only=True, dry_run=dry_run)
    except FileRejected as exc:
        assert VIETNAMESE.search(str(exc))
        assert counts() == before
        return
    stored = Household.objects.filter(commune=commune_a).values_list("code", "address")
    assert not any("\x00" in code + address for code, address in stored)  # (SQLite's LIKE stops at a NUL)
    assert 1201 in outcome.error_rows  # reported, not silently kept or dropped


def test_a_cell_with_a_control_character_or_an_uncomputed_formula_is_an_error() -> None:
    from giamngheo.dataio.fields import CellError, FormulaWithoutValue

    with pytest.raises(CellError, match=r"ký tự điều khiển không hợp lệ \(mã 0x07\)"):
        BY_KEY["address"].parse("Tổ\x073")
    with pytest.raises(CellError, match=r"ô F12 có công thức chưa được tính giá trị"):
        BY_KEY["income_per_capita"].parse(FormulaWithoutValue("F12"))
    assert BY_KEY["address"].parse("Tổ 3\tẤp 1") == "Tổ 3 Ấp 1"  # a tab is not refused: spaces are joined
    assert BY_KEY["income_per_capita"].parse(1_500_000.0) == 1_500_000
