"""A commune's own recognised list (the annex of its decision) imported whole, from the command line alone:
title block, merged headers, a row of column numbers, year-only births, notes, variants of ethnic names and
categories, blank rows and the signature block; no household code column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giamngheo.dataio.fields import note_flags
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.units import title_facts, unit_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member

HEADER = [
    "STT",
    "Họ và tên chủ hộ",
    "Năm sinh",
    "Giới tính",
    "Dân tộc",
    "Thôn/ấp",
    "Số nhân khẩu",
    "Phân loại hộ",
    "Ghi chú",
]


def free_number(commune: Area) -> tuple[int, str]:
    """A number n such that "Ấp n" or "Sóc n" exists in the commune but "Thôn n" does not (the trap)."""
    names = set(Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE).values_list("name", flat=True))
    for n in range(1, 30):
        for word in ("Ấp", "Sóc"):
            if f"{word} {n}" in names and f"Thôn {n}" not in names:
                return n, f"{word} {n}"
    raise AssertionError(f"no trap village in {sorted(names)}")


def existing_village(commune: Area, exclude: str) -> str:
    return (
        Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE)
        .exclude(name=exclude)
        .order_by("code")
        .values_list("name", flat=True)
        .first()
    ) or ""


def poor_list(commune: Area) -> tuple[list[list[Any]], dict[str, Any]]:
    n, trap = free_number(commune)
    known = existing_village(commune, trap)
    rows = [
        [1, "Điểu Thị Mai", 1975, "Nữ", "S'tiêng", known, 4, "Hộ nghèo", "Không có khả năng lao động"],
        [2, "Trần Văn Hùng", 1980, "Nam", "Kinh", known.upper(), 3, "NGHÈO", None],
        [3, "Thị Bé", 1968, "nữ", "M'Nông", f"Thôn {n}", 2, "cận nghèo", "Hộ có người có công"],
        [4, "Lâm Văn Sáu", "1959", "Nam", "Khơ-me", f"thôn {n}", 5, "Hộ Cận Nghèo", "hộ bảo trợ xã hội"],
        [5, "Hoàng A Páo", 1990, "NAM", "Mnông", trap, 6, "HN", ""],
        [6, "Lý Thị Hoa", 1985, "Nữ", "Hoa", f"Thôn {n}", 1, "HCN", "Chuyển đến năm 2024"],
        [7, "Thạch Thị Sa", 1962, "Nữ", "Khmer", known, 2, "hộ nghèo", "KHONG CO KHA NANG LAO DONG"],
        [8, "Điểu Văn Lĩnh", 1971, "Nam", "Xtiêng", trap, 4, "Nghèo", None],
    ]
    expected = {
        "households": 8,
        "categories": {"poor": 5, "near_poor": 3},
        "persons": 27,
        "villages": {known: 3, f"Thôn {n}": 3, trap: 2},
        "new_village": f"Thôn {n}",
        "trap": trap,
    }
    return rows, expected


def title_block(commune: Area, category: str = "HỘ NGHÈO, HỘ CẬN NGHÈO") -> list[str]:
    return [
        f"UBND {commune.name.upper()}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"DANH SÁCH {category} NĂM 2025",
        f"(Kèm theo Quyết định số 123/QĐ-UBND ngày 15/12/2025 của Chủ tịch UBND {commune.name.lower()})",
    ]


def write_xlsx(path: Path, commune: Area, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for line in title_block(commune):
        sheet.append([line])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=9)
    sheet.append([None])
    top = sheet.max_row + 1
    sheet.append(HEADER)
    sheet.append([None] * 9)  # the header is two rows tall: every header cell merged downwards
    for column in range(1, 10):
        sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    sheet.append([f"({i})" for i in range(1, 10)])
    for row in rows:
        sheet.append(row)
    sheet.append([None])
    sheet.append([None])
    sheet.append([None, None, None, None, None, "Bù Gia Mập, ngày 15 tháng 12 năm 2025"])
    sheet.append([None, "NGƯỜI LẬP BIỂU", None, None, None, "CHỦ TỊCH"])
    sheet.append([None, "(Ký, ghi rõ họ tên)", None, None, None, "(Ký tên, đóng dấu)"])
    sheet.append([None])
    sheet.append([None, "Nguyễn Văn Lập", None, None, None, "Trần Văn Chủ"])
    book.save(path)
    return path


def cli(path: Path, commune: Area, *args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command(
            "households_import", str(path), "--commune", commune.code, *args, stdout=out, stderr=io.StringIO()
        )
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


def test_notes_set_their_flags_tolerantly() -> None:
    assert note_flags("Hộ có người có công; KHÔNG CÓ KHẢ NĂNG LAO ĐỘNG") == [
        "no_working_capacity",
        "has_meritorious_member",
    ]
    assert note_flags("hộ bảo trợ xã hội") == ["social_protection"]
    assert note_flags("chuyển đến năm 2024") == []


@pytest.mark.django_db
def test_reading_stops_at_the_signature_block_and_keeps_the_title(tmp_path, commune_a) -> None:
    rows, _expected = poor_list(commune_a)
    table = open_table(write_xlsx(tmp_path / "ds.xlsx", commune_a, rows))
    assert table.headers == HEADER
    assert any("Quyết định số 123/QĐ-UBND" in line for line in table.title)
    data = list(table.rows)
    assert [row[1] for _n, row in data] == [r[1] for r in rows]
    assert "ngày 15 tháng 12 năm 2025" in table.end["text"]


@pytest.mark.django_db
def test_commune_list_imports_whole_from_the_command_line(tmp_path, commune_a) -> None:
    rows, expected = poor_list(commune_a)
    path = write_xlsx(tmp_path / "danh-sach.xlsx", commune_a, rows)
    before = set(Household.objects.filter(commune=commune_a).values_list("pk", flat=True))
    trap = Area.objects.get(parent=commune_a, name=expected["trap"])
    trap_households = Household.objects.filter(village=trap).count()

    dry, code = cli(path, commune_a, "--dry-run", "--create-villages")
    assert code == 0 and "Chạy thử" in dry and "sẽ tạo mới 8" in dry, dry
    assert "Sẽ tạo 1 thôn/ấp mới: Thôn" in dry
    assert not Household.objects.filter(commune=commune_a).exclude(pk__in=before).exists()

    out, code = cli(path, commune_a, "--create-villages")
    assert code == 0, out
    new = Household.objects.filter(commune=commune_a).exclude(pk__in=before)
    assert new.count() == expected["households"], out
    assert "Hộ: tạo mới 8" in out and "Thôn/ấp đã tạo: 1" in out
    counts: dict[str, int] = {}
    for h in new:
        counts[h.category] = counts.get(h.category, 0) + 1
    assert counts == expected["categories"]
    assert sum(h.declared_persons for h in new) == expected["persons"]
    by_village: dict[str, int] = {}
    for h in new.select_related("village"):
        by_village[h.village.name] = by_village.get(h.village.name, 0) + 1
    assert by_village == expected["villages"]
    # "Thôn n" is a new village, never the existing "Ấp n" that shares the number.
    assert Area.objects.filter(parent=commune_a, name=expected["new_village"]).count() == 1
    assert Household.objects.filter(village=trap).count() == trap_households + 2
    # The head is the first member, with the year of birth only.
    mai = new.get(head_name="Điểu Thị Mai")
    [head] = mai.members.all()
    assert (head.full_name, head.relationship, head.sex) == ("Điểu Thị Mai", "head", "F")
    assert head.birth_year_only and head.date_of_birth == dt.date(1975, 1, 1)
    assert head.get_ethnic_group_display() == "Xtiêng"
    assert mai.no_working_capacity and mai.note == "Không có khả năng lao động"
    assert (mai.category_decision, mai.category_since) == ("123/QĐ-UBND", dt.date(2025, 12, 15))
    assert new.get(head_name="Thị Bé").has_meritorious_member is True
    assert new.get(head_name="Lâm Văn Sáu").social_protection is True
    assert new.get(head_name="Lâm Văn Sáu").members.get().get_ethnic_group_display() == "Khmer"
    assert new.get(head_name="Hoàng A Páo").has_meritorious_member is None  # not said: not known
    assert Member.objects.filter(household__in=new).count() == 8
    assert "Hộ không có khả năng lao động: 2 hộ" in out
    assert "Nhân khẩu: theo cột số nhân khẩu 27" in out
    assert all(h.code.startswith("DS-") for h in new)

    # The same file again creates nothing.
    again, code = cli(path, commune_a, "--create-villages")
    assert code == 0, again
    assert "Hộ: tạo mới 0, cập nhật 0, không đổi 8" in again, again
    assert Household.objects.filter(commune=commune_a).exclude(pk__in=before).count() == 8


@pytest.mark.django_db
def test_members_listed_under_the_head_and_category_from_the_title(tmp_path, commune_a) -> None:
    """A CSV of a poor list with the members under their head (no number in STT), no category column;
    the decision is given on the command line; a mapping is given with --map."""
    _n, trap = free_number(commune_a)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in title_block(commune_a, "HỘ NGHÈO"):
        writer.writerow([line])
    writer.writerow(["TT", "HO VA TEN CHU HO", "NAM SINH", "GIOI TINH", "DAN TOC", "THON", "SO KHAU", "QH"])
    writer.writerow(["1", "Điểu Văn Tâm", "1970", "Nam", "S'tiêng", trap, "3", "Chủ hộ"])
    writer.writerow(["", "Thị Lan", "1974", "Nữ", "Xtiêng", trap, "", "Vợ"])
    writer.writerow(["", "Điểu Văn Tí", "2005", "Nam", "S'tiêng", trap, "", "Con"])
    writer.writerow(["2", "Nguyễn Thị Hạnh", "1950", "Nữ", "Kinh", trap, "4", ""])
    writer.writerow(["", "Lê Văn Bảy", "1978", "Nam", "Kinh", trap, "", "Con"])
    writer.writerow(["", "", "", "", "", "", "", ""])
    writer.writerow(["Ngày 16 tháng 12 năm 2025"])
    writer.writerow(["NGƯỜI LẬP BIỂU", "", "", "", "CHỦ TỊCH"])
    path = tmp_path / "ds.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = set(Household.objects.filter(commune=commune_a).values_list("pk", flat=True))
    out, code = cli(
        path,
        commune_a,
        "--map",
        "QH=relationship",
        "--decision-number",
        "77/QĐ-UBND",
        "--decision-date",
        "16/12/2025",
    )
    new = Household.objects.filter(commune=commune_a).exclude(pk__in=before)
    assert code == 0 and new.count() == 2, out
    tam = new.get(head_name="Điểu Văn Tâm")
    assert tam.category == "poor" and tam.category_decision == "77/QĐ-UBND"
    assert tam.category_since == dt.date(2025, 12, 16)
    assert sorted(tam.members.values_list("relationship", flat=True)) == ["child", "head", "spouse"]
    hanh = new.get(head_name="Nguyễn Thị Hạnh")
    assert hanh.members.count() == 2 and hanh.declared_persons == 4
    assert "ghi 4 nhân khẩu, liệt kê 2 người" in out
    assert trap in {h.village.name for h in new}


@pytest.mark.django_db
def test_a_title_for_another_old_commune_is_warned(tmp_path, commune_a) -> None:
    rows, _expected = poor_list(commune_a)
    path = write_xlsx(tmp_path / "ds.xlsx", commune_a, rows[:1])
    book = openpyxl.load_workbook(path)
    book.active["A4"] = (
        "(Kèm theo Quyết định số 9/QĐ-UBND ngày 15/12/2024 của Chủ tịch UBND xã Đak Ơ, huyện Bù Gia Mập, "
        "tỉnh Bình Phước)"
    )
    book.save(path)
    out, _code = cli(path, commune_a, "--dry-run")
    assert "Cảnh báo" in out and "Đăk Ơ" in out


OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    OFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_the_same_list_saved_as_ods_or_xls_imports_the_same(tmp_path, commune_a, suffix) -> None:
    rows, expected = poor_list(commune_a)
    source = write_xlsx(tmp_path / "danh-sach.xlsx", commune_a, rows)
    subprocess.run(  # noqa: S603 - our own arguments
        [
            str(OFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            suffix,
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    path = tmp_path / "out" / f"danh-sach.{suffix}"
    before = set(Household.objects.filter(commune=commune_a).values_list("pk", flat=True))
    out, code = cli(path, commune_a, "--create-villages")
    new = Household.objects.filter(commune=commune_a).exclude(pk__in=before)
    assert code == 0 and new.count() == expected["households"], out
    assert sum(h.declared_persons for h in new) == expected["persons"]
    assert Member.objects.filter(household__in=new, birth_year_only=True).count() == 8
    assert {h.category_decision for h in new} == {"123/QĐ-UBND"}


def test_title_facts_decision_category_and_unit() -> None:
    facts = title_facts(
        [
            "UBND HUYỆN BÙ GIA MẬP",
            "UBND XÃ ĐAK Ơ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "DANH SÁCH HỘ CẬN NGHÈO TRÊN ĐỊA BÀN XÃ NĂM 2025",
            "(Kèm theo Quyết định số 45/QĐ-UBND ngày 15 tháng 12 năm 2025 của Chủ tịch UBND xã)",
        ]
    )
    assert (facts.decision_number, facts.decision_date) == ("45/QĐ-UBND", dt.date(2025, 12, 15))
    assert facts.category == "near_poor"
    assert facts.unit_text == "XÃ ĐAK Ơ, HUYỆN BÙ GIA MẬP"
    assert title_facts(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO"]).category == ""
    assert title_facts(["DANH SACH HO NGHEO NAM 2025"]).category == "poor"


@pytest.mark.django_db
def test_an_old_unit_name_is_converted_to_todays_commune(commune_a) -> None:
    same, message = unit_check("xã Bù Gia Mập, huyện Bù Gia Mập, tỉnh Bình Phước", commune_a)
    assert same and "nay là Xã Bù Gia Mập" in message
    same, message = unit_check("xã Đak Ơ, huyện Bù Gia Mập, tỉnh Bình Phước", commune_a)
    assert not same and "Đăk Ơ" in message


def test_a_mapping_given_on_the_command_line_replaces_the_proposal() -> None:
    from giamngheo.dataio.management.commands.households_import import apply_mapping

    headers = ["TT", "Tên chủ hộ", "Năm SN", "Ấp", "Ghi chú khác"]
    proposed = ["seq", "head_name", "", "village", ""]
    given = {"NĂM SN": "birth_year", "ghi chu khac": "Ghi chú", "TT": ""}
    assert apply_mapping(headers, proposed, given) == ["", "head_name", "birth_year", "village", "note"]
    with pytest.raises(CommandError, match="Không có trường"):
        apply_mapping(headers, proposed, {"Ấp": "thôn xóm"})
    with pytest.raises(CommandError, match="Tệp không có cột"):
        apply_mapping(headers, proposed, {"Xã": "commune"})


@pytest.mark.django_db
def test_mapping_file(tmp_path, commune_a) -> None:
    _n, trap = free_number(commune_a)
    path = tmp_path / "ds.csv"
    path.write_text(
        "TT,Chủ hộ,Năm SN,Giới,Dân tộc,Ấp,Khẩu,Diện\n1,Điểu Văn Mười,1966,Nam,Xtiêng," + trap + ",2,HCN\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "cot.json"
    mapping.write_text(
        '{"Năm SN": "birth_year", "Giới": "sex", "Khẩu": "declared_persons", "Diện": "category"}'
    )
    out, code = cli(path, commune_a, "--mapping", str(mapping), "--dry-run")
    assert code == 0 and "sẽ tạo mới 1" in out and "Hộ cận nghèo 1" in out, out
    assert "Chạy thử" in out and not Household.objects.filter(head_name="Điểu Văn Mười").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_year_of_birth_under_nam_or_nu_gives_the_sex(tmp_path, commune_a, kind) -> None:
    """ "Năm sinh" over two columns "Nam" and "Nữ": the column the year is written in gives the sex."""
    _n, trap = free_number(commune_a)
    top = [
        "STT",
        "Họ và tên chủ hộ",
        "Năm sinh",
        "Năm sinh" if kind == "xlsx" else "",
        "Dân tộc",
        "Thôn/ấp",
        "Số nhân khẩu",
        "Phân loại hộ",
    ]
    sub = ["STT", "Họ và tên chủ hộ", "Nam", "Nữ", "Dân tộc", "Thôn/ấp", "Số nhân khẩu", "Phân loại hộ"]
    if kind == "csv":
        sub = ["", "", "Nam", "Nữ", "", "", "", ""]
    rows = [
        ["1", "Điểu Văn Chín", "1961", "", "Xtiêng", trap, "3", "Hộ nghèo"],
        ["2", "Thị Mười", "", "1979", "M'Nông", trap, "2", "Hộ cận nghèo"],
    ]
    lines = [
        ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"],
        top,
        sub,
        *rows,
        [],
        ["Ngày 15 tháng 12 năm 2025"],
    ]
    if kind == "xlsx":
        book = openpyxl.Workbook()
        for line in lines:
            book.active.append([int(v) if isinstance(v, str) and v.isdigit() else v for v in line] or [None])
        book.active.merge_cells("C2:D2")  # "Năm sinh" across; the others down two rows
        for column in "ABEFGH":
            book.active.merge_cells(f"{column}2:{column}3")
        path = tmp_path / "ds.xlsx"
        book.save(path)
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(lines)
        path = tmp_path / "ds.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
    table = open_table(path)
    assert table.headers[2:4] == ["Năm sinh Nam", "Năm sinh Nữ"], table.headers
    before = set(Household.objects.filter(commune=commune_a).values_list("pk", flat=True))
    out, code = cli(path, commune_a)
    new = Household.objects.filter(commune=commune_a).exclude(pk__in=before)
    assert code == 0 and new.count() == 2, out
    chin = Member.objects.get(household__in=new, full_name="Điểu Văn Chín")
    muoi = Member.objects.get(household__in=new, full_name="Thị Mười")
    assert (chin.sex, chin.date_of_birth.year, muoi.sex, muoi.date_of_birth.year) == ("M", 1961, "F", 1979)


def test_the_values_communes_write() -> None:
    from giamngheo.dataio.fields import BY_KEY

    category = BY_KEY["category"]
    assert [category.parse(v) for v in ("Hộ nghèo", "NGHÈO", "cận nghèo", "Hộ Cận Nghèo", "HN", "HCN")] == [
        "poor",
        "poor",
        "near_poor",
        "near_poor",
        "poor",
        "near_poor",
    ]
    assert category.parse("Hộ nghèo thiếu hụt BHYT") == "poor" and category.parse("Hộ nghèo (N)") == "poor"
    ethnic = BY_KEY["ethnic_group"]
    names = ["M'Nông", "Mnông", "Xtiêng", "S'tiêng", "Khơ-me", "Khmer", "Hoa", "Kinh", "Hoa (Hán)", "Khơ Me"]
    labels = dict(ethnic.choices)
    assert [labels[ethnic.parse(v)] for v in names] == [
        "Mnông",
        "Mnông",
        "Xtiêng",
        "Xtiêng",
        "Khmer",
        "Khmer",
        "Hoa",
        "Kinh",
        "Hoa",
        "Khmer",
    ]
    year = BY_KEY["birth_year"]
    assert (year.parse("1975"), year.parse(1975.0), year.parse("1975.0")) == (1975, 1975, 1975)


@pytest.mark.django_db
def test_communes_whose_names_fold_alike_are_told_apart_by_their_accents(tmp_path, users, province) -> None:
    """Province-wide: "Xã Lộc Thành" and "Xã Lộc Thạnh" both fold to "xa loc thanh"; each row goes to the
    commune written, and "Xa Loc Thanh" without accents is refused as ambiguous."""
    from giamngheo.dataio.fields import propose_mapping
    from giamngheo.dataio.imports import ImportOptions, household_import

    communes = {}
    for area in Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True):
        communes.setdefault(area.name_folded, []).append(area)
    twins = next((pair for pair in communes.values() if len(pair) == 2), None)
    if twins is None:
        pytest.skip("no two communes of the province fold alike")
    rows = []
    for index, commune in enumerate([*twins, twins[0]]):
        village = Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE).order_by("code").first()
        name = commune.name if index < 2 else fold_name(commune.name)
        rows.append(
            [name, f"TW{index}", village.name, f"Người Số {index}", 1970, "Nam", "Kinh", 2, "Hộ nghèo"]
        )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            [
                "Xã/phường",
                "Mã hộ",
                "Thôn/ấp",
                "Họ và tên chủ hộ",
                "Năm sinh",
                "Giới tính",
                "Dân tộc",
                "Số nhân khẩu",
                "Phân loại hộ",
            ],
            *rows,
        ]
    )
    path = tmp_path / "tinh.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    table = open_table(path)
    outcome = household_import(
        table=table,
        options=ImportOptions(mapping=propose_mapping(table.headers), dry_run=True),
        acting_user=users["chuyenvien"],
    )
    assert outcome.households_created == 2 and outcome.households_rejected == 1
    assert "nhiều xã" in str(outcome.errors[0])


def fold_name(name: str) -> str:
    from giamngheo.core.text import fold

    return fold(name).title()
