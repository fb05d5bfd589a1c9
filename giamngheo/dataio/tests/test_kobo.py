"""Survey exports (KoboToolbox xlsx, ODK Central zip and csv) flattened into one row per member."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo.dataio import kobo
from giamngheo.dataio.fields import BY_KEY
from giamngheo.dataio.kobo import column_key, submissions_table
from giamngheo.dataio.reading import FileRejected
from giamngheo.dataio.xlsform import household_fields, member_fields, survey_rows

KOBO_MAIN = [
    "start", "end", "household/commune", "household/code", "household/village", "household/income_per_capita",
    "household/devices", "household/devices/tv", "household/devices/smartphone", "household/walls_durable",
    "__version__", "_id", "_uuid", "_submission_time", "_validation_status", "_index",
]  # fmt: skip
KOBO_MEMBERS = [
    "members/full_name", "members/sex", "members/date_of_birth", "members/relationship",
    "members/ethnic_group", "members/has_health_insurance", "members/national_id", "_index",
    "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
]  # fmt: skip


def _kobo_xlsx(path: Path, *, members: bool = True) -> None:
    workbook = Workbook()
    main = workbook.active
    main.title = "Phiếu B – Rà soát"
    main.append(KOBO_MAIN)
    now = dt.datetime(2025, 10, 1, 8, 0)
    main.append([now, now, "Xã Bù Gia Mập", "H001", "Thôn 1", 1500000, "tv smartphone", 1, 1, "yes",
                 "v1", 101, "uuid-1", now, None, 1])  # fmt: skip
    main.append([now, now, "Xã Bù Gia Mập", "H002", "Thôn 2", 900000, "radio", 0, 0, "no",
                 "v1", 102, "uuid-2", now, None, 2])  # fmt: skip
    main.append([now, now, "Xã Bù Gia Mập", "H003", "Thôn 2", None, None, 0, 0, None,
                 "v1", 103, "uuid-3", now, None, 3])  # fmt: skip
    if members:
        sheet = workbook.create_sheet("members")
        sheet.append(KOBO_MEMBERS)
        sheet.append(["Nguyễn Văn A", "M", "1980-11-25", "head", "01", "yes", "012345678901", 1, "Phiếu B", 1,
                      101, "uuid-1"])  # fmt: skip
        sheet.append(["Thị Lan", "F", "1985-02-01", "head", 5, "no", None, 2, "Phiếu B", 2, 102, "uuid-2"])
        sheet.append(["Nguyễn Thị B", "F", dt.date(2016, 3, 8), "child", "01", "yes", None, 3, "Phiếu B", 1,
                      101, "uuid-1"])  # fmt: skip
    workbook.save(path)


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


ODK_MAIN = [
    ["SubmissionDate", "start", "household-commune", "household-code", "household-village",
     "household-devices", "household-walls_durable", "meta-instanceID", "KEY", "SubmitterID", "ReviewState"],
    ["2025-10-01T08:00:00.000Z", "2025-10-01T07:30:00.000+07:00", "Phường Trấn Biên", "T01", "Khu phố 3",
     "tv computer", "yes", "uuid:aaa", "uuid:aaa", "5", ""],
    ["2025-10-01T09:00:00.000Z", "2025-10-01T08:30:00.000+07:00", "Phường Trấn Biên", "T02", "Khu phố 4", "",
     "no", "uuid:bbb", "uuid:bbb", "5", ""],
]  # fmt: skip
ODK_MEMBERS = [
    ["full_name", "sex", "date_of_birth", "relationship", "ethnic_group", "PARENT_KEY", "KEY"],
    ["Trần Văn C", "M", "1970-01-01", "head", "05", "uuid:aaa", "uuid:aaa/members[1]"],
    ["Trần Thị D", "F", "1972-05-06", "spouse", "05", "uuid:aaa", "uuid:aaa/members[2]"],
    ["Lê Văn E", "M", "1990-09-09", "head", "01", "uuid:bbb", "uuid:bbb/members[1]"],
]


def _odk_zip(path: Path, *, members: list[list[Any]] | None = None) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("giamngheo_phieu_b.csv", _csv_bytes(ODK_MAIN))
        archive.writestr("giamngheo_phieu_b-members.csv", _csv_bytes(members or ODK_MEMBERS))
        archive.writestr("media/", b"")


def _dicts(table: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(number, dict(zip(table.headers, row, strict=True))) for number, row in table.rows]


def test_column_key() -> None:
    assert column_key("household/code") == "code"
    assert column_key("household-code") == "code"
    assert column_key("code") == "code"
    assert column_key("members/full_name") == "full_name"
    assert column_key("household/members/full_name") == "full_name"
    assert column_key("household/devices/tv") == ""
    meta_columns = (
        "_id", "_uuid", "_index", "_parent_index", "start", "end", "__version__", "KEY", "PARENT_KEY",
        "meta-instanceID", "SubmissionDate", "_submission_time", "SubmitterName", "ReviewState",
    )  # fmt: skip
    for meta in meta_columns:
        assert column_key(meta) == "", meta
    # Exports with labels for headers.
    assert column_key("Thông tin hộ/Mã hộ") == "code"
    assert column_key("Thôn/ấp/khu phố") == "village"


def test_every_question_of_the_form_is_recognised() -> None:
    names = {
        row["name"] for row in survey_rows() if row.get("type", "").split(" ")[0] not in ("begin", "end")
    }
    names -= {"start", "end"}
    for name in names:
        assert column_key(f"household/{name}") == name
        assert column_key(f"household-{name}") == name
    assert {f.key for f in (*household_fields(), *member_fields())} == names


def test_kobo_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "kobo.xlsx"
    _kobo_xlsx(path)
    table = submissions_table(path)
    assert table.sheet == "Phiếu B – Rà soát"
    assert table.sheets == ["Phiếu B – Rà soát", "members"]
    assert table.header_row == 1
    assert table.headers == [
        "commune", "code", "village", "income_per_capita", "walls_durable", "devices", "full_name", "sex",
        "date_of_birth", "relationship", "national_id", "ethnic_group", "has_health_insurance",
    ]  # fmt: skip
    rows = _dicts(table)
    # members in member-sheet order within their household; the household without members: one row
    assert [(n, r["code"], r["full_name"]) for n, r in rows] == [
        (2, "H001", "Nguyễn Văn A"),
        (4, "H001", "Nguyễn Thị B"),
        (3, "H002", "Thị Lan"),
        (4, "H003", None),
    ]
    head, child, other, lone = (r for _n, r in rows)
    for row in (head, child):  # household values repeated on every member row
        assert row["village"] == "Thôn 1"
        assert row["commune"] == "Xã Bù Gia Mập"
        assert row["income_per_capita"] == 1500000
        assert row["devices"] == "tv, smartphone"
        assert row["walls_durable"] == "yes"
    assert other["devices"] == "radio"
    assert other["ethnic_group"] == "05"  # the number 5 back to the registry's code
    assert head["ethnic_group"] == "01"
    assert head["national_id"] == "012345678901"
    assert child["date_of_birth"] in (dt.date(2016, 3, 8), dt.datetime(2016, 3, 8))
    assert lone["village"] == "Thôn 2" and lone["devices"] is None and lone["sex"] is None
    # Every value reads as the import engine will read it.
    for _n, row in rows:
        for key, value in row.items():
            if value is not None:
                BY_KEY[key].parse(value)
    assert BY_KEY["devices"].parse(head["devices"]) == ["tv", "smartphone"]


def test_kobo_xlsx_without_repeat_sheet(tmp_path: Path) -> None:
    path = tmp_path / "kobo.xlsx"
    _kobo_xlsx(path, members=False)
    table = submissions_table(path)
    assert "full_name" not in table.headers
    assert [(n, dict(zip(table.headers, r, strict=True))["code"]) for n, r in table.rows] == [
        (2, "H001"),
        (3, "H002"),
        (4, "H003"),
    ]


def test_kobo_members_without_submission_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "kobo.xlsx"
    _kobo_xlsx(path)
    workbook = load_workbook(path)
    workbook["members"].append(
        ["Mồ Côi", "M", "2000-01-01", "head", "01", "yes", None, 4, "Phiếu B", 9, 0, ""]
    )
    workbook.save(path)
    rows = _dicts(submissions_table(path))
    assert rows[-1][0] == 5
    assert rows[-1][1]["full_name"] == "Mồ Côi"
    assert rows[-1][1]["code"] is None


def test_odk_central_zip(tmp_path: Path) -> None:
    path = tmp_path / "giamngheo_phieu_b.zip"
    _odk_zip(path)
    table = submissions_table(path)
    assert table.sheet == "giamngheo_phieu_b.csv"
    assert table.header_row == 1
    assert table.headers == [
        "commune", "code", "village", "walls_durable", "devices", "full_name", "sex", "date_of_birth",
        "relationship", "ethnic_group",
    ]  # fmt: skip
    rows = _dicts(table)
    assert [(n, r["code"], r["full_name"], r["devices"]) for n, r in rows] == [
        (2, "T01", "Trần Văn C", "tv, computer"),
        (3, "T01", "Trần Thị D", "tv, computer"),
        (4, "T02", "Lê Văn E", None),
    ]
    assert all(r["commune"] == "Phường Trấn Biên" for _n, r in rows)
    assert rows[1][1]["village"] == "Khu phố 3"
    assert rows[1][1]["ethnic_group"] == "05"
    assert BY_KEY["relationship"].parse(rows[1][1]["relationship"]) == "spouse"
    assert BY_KEY["walls_durable"].parse(rows[2][1]["walls_durable"]) is False


def test_odk_central_zip_with_a_household_without_members(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    _odk_zip(path, members=ODK_MEMBERS[:3])
    rows = _dicts(submissions_table(path))
    assert [(n, r["code"], r["full_name"]) for n, r in rows] == [
        (2, "T01", "Trần Văn C"),
        (3, "T01", "Trần Thị D"),
        (3, "T02", None),  # row 3 of the submissions file
    ]


def test_odk_central_single_csv(tmp_path: Path) -> None:
    path = tmp_path / "giamngheo_phieu_b.csv"
    path.write_bytes(_csv_bytes(ODK_MAIN))
    table = submissions_table(path)
    assert table.sheet == "giamngheo_phieu_b.csv"
    assert table.headers == ["commune", "code", "village", "walls_durable", "devices"]
    assert list(table.rows) == [
        (2, ["Phường Trấn Biên", "T01", "Khu phố 3", "yes", "tv, computer"]),
        (3, ["Phường Trấn Biên", "T02", "Khu phố 4", "no", None]),
    ]


def test_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    path.write_text('"household/code";"household/village";"_id"\nH9;"Thôn 9";1\n', encoding="utf-8")
    table = submissions_table(path)
    assert table.headers == ["code", "village"]
    assert list(table.rows) == [(2, ["H9", "Thôn 9"])]


def test_labels_multi_select_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_bytes(
        _csv_bytes([["household-code", "household-devices"], ["H1", "Ti vi"], ["H2", "tv bogus"]])
    )
    assert [row[1] for _n, row in submissions_table(path).rows] == ["Ti vi", "tv bogus"]


def test_missing_code_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv_bytes([["household-village", "KEY"], ["Thôn 1", "uuid:1"]]))
    with pytest.raises(FileRejected, match="Không thấy cột 'code' \\(Mã hộ\\)"):
        submissions_table(path)


def test_zip_without_submissions(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    with pytest.raises(FileRejected, match="không có tệp CSV"):
        submissions_table(path)


def test_zip_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("giamngheo_phieu_b.csv", b"household-code\n" + b"0" * (4 * 1024 * 1024))
    with pytest.raises(FileRejected, match="bom nén"):
        submissions_table(path)


def test_oversized_member_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.zip"
    _odk_zip(path)
    monkeypatch.setattr(kobo, "MAX_MEMBER_SIZE", 100)
    with pytest.raises(FileRejected, match="trên 1 GB"):
        submissions_table(path)


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRejected, match="trống"):
        submissions_table(empty)
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02\x03binary")
    with pytest.raises(FileRejected):
        submissions_table(binary)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(FileRejected):
        submissions_table(broken)
