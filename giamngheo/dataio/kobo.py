"""Submissions of the household survey (``xlsform.write_xlsform``) exported by KoboToolbox or ODK Central,
flattened into the table an import reads: the columns are field keys, one row per member with the
household's answers repeated on every member row, one household-only row for a submission without members.

Accepted exports:

* KoboToolbox .xlsx (or .xls): the first sheet holds the submissions (``household/code`` …, ``_index``), the
  sheet named after the repeat (``members``) holds the members, linked by ``_parent_index``.
* ODK Central .zip: ``<form>.csv`` (``household-code`` …, ``KEY``) and ``<form>-members.csv`` linked by
  ``PARENT_KEY``; or the submissions .csv alone (household-only rows).

Group prefixes are dropped (``household/code``, ``household-code`` → ``code``); meta columns (``_id``,
``KEY``, ``start`` …) are left out; select_multiple answers ("tv smartphone") become "tv, smartphone".
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_calamine import CalamineError, CalamineWorkbook

from giamngheo.core.text import fold

from .fields import BY_KEY, FIELDS, Field, header_index
from .reading import (
    FileRejected,
    Table,
    blank,
    check_zip,
    decode_text,
    sheet_rows,
    zip_limits,
)

REPEAT = "members"
MAX_MEMBER_SIZE = 1024**3  # bytes, one file of an ODK Central zip, uncompressed
HEADER_SCAN = 10
# (column of the submission, column of the member row that points to it), in order of preference
LINKS = (("_index", "_parent_index"), ("_uuid", "_submission__uuid"), ("KEY", "PARENT_KEY"))
Row = tuple[int, list[Any]]


@dataclass
class _Sheet:
    """A sheet or csv file of an export: its name, header row and the field key of each column."""

    name: str
    header_row: int
    headers: list[str]
    keys: dict[str, int] = field(default_factory=dict)  # field key -> column

    def __post_init__(self) -> None:
        for column, header in enumerate(self.headers):
            key = column_key(header)
            if key:
                self.keys.setdefault(key, column)

    def column(self, name: str) -> int | None:
        return self.headers.index(name) if name in self.headers else None


def column_key(name: str) -> str:
    """The field key a column of the export holds ("" for meta columns and the ones we do not know)."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    if name in BY_KEY:
        return name
    tail = re.split(r"[/-]", name)[-1]
    if tail in BY_KEY:
        return tail
    # An export with labels for headers ("Thông tin hộ/Mã hộ"): the header, without its groups.
    index = header_index()
    parts = name.split("/")
    for start in range(len(parts)):
        key = index.get(fold("/".join(parts[start:])).strip(" *:."))
        if key:
            return key
    return ""


def _link(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if blank(value) else str(value).strip()


def _clean(value: Any, f: Field) -> Any:
    """An exported answer as the import reads it."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        if not value:
            return None
        if f.kind == "multi" and "," not in value:
            tokens = value.split()
            codes = {code for code, _label in f.choices}
            if tokens and all(token in codes for token in tokens):
                return ", ".join(tokens)  # "tv smartphone" -> "tv, smartphone"
    elif (
        f.kind == "choice"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        # A code such as "01" that came back from a spreadsheet as the number 1.
        number = int(value)
        return next((c for c, _label in f.choices if c.isdigit() and int(c) == number), str(number))
    return value


def _header(rows: Iterator[Row], name: str) -> _Sheet:
    """The first non-empty row among the first few is the header (exports write it on row 1)."""
    for _ in range(HEADER_SCAN):
        try:
            number, row = next(rows)
        except StopIteration:
            break
        if any(not blank(v) for v in row):
            return _Sheet(name, number, ["" if blank(v) else str(v).strip() for v in row])
    raise FileRejected(f"'{name}' trống: không có dòng tiêu đề nào.")


def _value(row: list[Any], column: int | None) -> Any:
    return row[column] if column is not None and column < len(row) else None


class _Flattener:
    """Joins submissions with their members into the rows of one table."""

    def __init__(self, main: _Sheet, members: _Sheet | None, member_rows: Iterable[Row]) -> None:
        if "code" not in main.keys:
            raise FileRejected(
                f"Không thấy cột 'code' ({BY_KEY['code'].header}) trong tệp kết quả khảo sát ('{main.name}')."
            )
        self.main = main
        self.members = members
        self.keys = [f.key for f in FIELDS if f.key in main.keys or (members and f.key in members.keys)]
        self.main_link: int | None = None
        self.by_parent: dict[str, list[Row]] = {}
        self.ordinal = False
        if members is None:
            return
        for main_name, member_name in LINKS:
            member_column = members.column(member_name)
            if member_column is None:
                continue
            self.main_link = main.column(main_name)
            if self.main_link is None and main_name != "_index":
                continue
            self.ordinal = self.main_link is None  # KoboToolbox's _index is the submission's position
            for number, row in member_rows:
                if any(not blank(v) for v in row):
                    self.by_parent.setdefault(_link(_value(row, member_column)), []).append((number, row))
            return
        raise FileRejected(
            f"Không nối được thành viên ('{members.name}') với hộ: "
            "thiếu cột '_parent_index' hoặc 'PARENT_KEY'."
        )

    def _row(self, household: list[Any] | None, member: list[Any] | None) -> list[Any]:
        values: list[Any] = []
        for key in self.keys:
            value = None
            if member is not None and self.members is not None and key in self.members.keys:
                value = _value(member, self.members.keys[key])
            if blank(value) and household is not None and key in self.main.keys:
                value = _value(household, self.main.keys[key])
            values.append(_clean(value, BY_KEY[key]))
        return values

    def rows(self, main_rows: Iterator[Row]) -> Iterator[Row]:
        position = 0
        for number, household in main_rows:
            if all(blank(v) for v in household):
                continue
            position += 1
            link = str(position) if self.ordinal else _link(_value(household, self.main_link))
            members = self.by_parent.pop(link, []) if link else []
            if not members:
                yield number, self._row(household, None)
            for member_number, member in members:
                yield member_number, self._row(household, member)
        # Members whose submission is not in the file: shown, so that the import says what is missing.
        for orphans in self.by_parent.values():
            for member_number, member in orphans:
                yield member_number, self._row(None, member)

    def table(self, main_rows: Iterator[Row], sheets: list[str]) -> Table:
        return Table(
            sheet=self.main.name,
            header_row=self.main.header_row,
            headers=list(self.keys),
            rows=self.rows(main_rows),
            sheets=sheets,
        )


# --- KoboToolbox: xlsx / xls ------------------------------------------------------------------------------


def _safe_rows(path: Path, name: str) -> Iterator[Row]:
    try:
        yield from sheet_rows(path, name)
    except FileRejected:
        raise
    except (CalamineError, ValueError) as exc:
        raise FileRejected(f"Không đọc được trang tính '{name}' ({exc.__class__.__name__}).") from None


def _repeat_sheet(path: Path, names: list[str]) -> tuple[_Sheet, Iterator[Row]] | None:
    others = names[1:]
    ordered = sorted(others, key=lambda n: (n.strip().lower() != REPEAT, not n.lower().endswith(REPEAT)))
    for name in ordered:
        rows = _safe_rows(path, name)
        try:
            sheet = _header(rows, name)
        except FileRejected:
            continue
        is_repeat = name.strip().lower() == REPEAT or "_parent_index" in sheet.headers
        if is_repeat and sheet.keys:
            return sheet, rows
    return None


def _workbook(path: Path) -> Table:
    try:
        names = list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise FileRejected(f"Không đọc được tệp bảng tính ({exc.__class__.__name__}).") from None
    if not names:
        raise FileRejected("Tệp không có trang tính nào.")
    main_rows = _safe_rows(path, names[0])
    main = _header(main_rows, names[0])
    repeat = _repeat_sheet(path, names)
    members, member_rows = repeat if repeat else (None, iter(()))
    return _Flattener(main, members, member_rows).table(main_rows, names)


# --- ODK Central: csv / zip of csv -------------------------------------------------------------------------


def _csv_rows(stream: IO[str], name: str) -> Iterator[Row]:
    try:
        first = stream.readline()
        delimiter = max(",;\t", key=first.count)
        lines = (line for part in ([first], stream) for line in part)
        for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            yield number, [unicodedata.normalize("NFC", v) for v in row]
    except UnicodeDecodeError:
        raise FileRejected(f"Không đọc được '{name}': tệp CSV phải có mã UTF-8.") from None
    except csv.Error as exc:
        raise FileRejected(f"Tệp CSV '{name}' bị lỗi định dạng: {exc}.") from None


def _file_rows(path: Path) -> Iterator[Row]:
    encoding, _unused = decode_text(path)
    with path.open(encoding=encoding, newline="") as fh:
        yield from _csv_rows(fh, path.name)


def _single_csv(path: Path) -> Table:
    rows = _file_rows(path)
    main = _header(rows, path.name)
    return _Flattener(main, None, ()).table(rows, [path.name])


def _zip_rows(path: Path, member: str) -> Generator[Row, None, None]:
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        yield from _csv_rows(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), member)


def _zip_header(path: Path, member: str) -> _Sheet | None:
    rows = _zip_rows(path, member)
    try:
        return _header(rows, member)
    except FileRejected:
        return None  # an empty csv (a repeat nobody answered)
    finally:
        rows.close()


def _after(rows: Iterator[Row], header_row: int) -> Iterator[Row]:
    return ((number, row) for number, row in rows if number > header_row)


def _check_members(archive: zipfile.ZipFile) -> list[str]:
    """The csv files of an ODK Central export, after refusing oversized or abnormally compressed ones."""
    total = 0
    names: list[str] = []
    max_unpacked, max_ratio = zip_limits()
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > MAX_MEMBER_SIZE:
            raise FileRejected(f"Tệp '{info.filename}' trong tệp nén quá lớn khi giải nén (trên 1 GB).")
        if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > max_ratio:
            raise FileRejected(
                "Tệp bị nén bất thường (tỉ lệ nén quá cao, có thể là 'bom nén'): không đọc tệp này."
            )
        if not info.is_dir() and info.filename.lower().endswith(".csv"):
            names.append(info.filename)
    if total > max_unpacked:
        raise FileRejected(
            f"Tệp quá lớn khi giải nén (trên {max_unpacked // (1024 * 1024)} MB): hãy chia thành nhiều tệp "
            "nhỏ hơn."
        )
    return names


def _odk_zip(path: Path, names: list[str]) -> Table:
    sheets = {name: sheet for name in names if (sheet := _zip_header(path, name)) is not None and sheet.keys}
    mains = [n for n, sheet in sheets.items() if "PARENT_KEY" not in sheet.headers]
    if not mains:
        raise FileRejected("Tệp nén không có tệp CSV kết quả khảo sát (xuất từ ODK Central).")
    main = sheets[min(mains, key=lambda n: ("KEY" not in sheets[n].headers, len(n)))]
    repeats = [n for n, sheet in sheets.items() if "PARENT_KEY" in sheet.headers]
    repeats.sort(key=lambda n: not n.lower().endswith(f"-{REPEAT}.csv"))
    members = sheets[repeats[0]] if repeats else None
    member_rows: Iterable[Row] = ()
    if members is not None:
        member_rows = _after(_zip_rows(path, members.name), members.header_row)
    flattener = _Flattener(main, members, member_rows)
    return flattener.table(_after(_zip_rows(path, main.name), main.header_row), names)


# --- entry point -------------------------------------------------------------------------------------------


def submissions_table(path: Path) -> Table:
    """The flattened table of a KoboToolbox or ODK Central export of the household survey."""
    if path.stat().st_size == 0:
        raise FileRejected("Tệp trống: không có dòng dữ liệu nào.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                members = {info.filename for info in archive.infolist()}
                if "xl/workbook.xml" in members or "content.xml" in members:
                    csv_names = None
                else:
                    csv_names = _check_members(archive)
        except zipfile.BadZipFile:
            raise FileRejected("Tệp nén bị hỏng: không mở được.") from None
        if csv_names is None:
            check_zip(path)
            return _workbook(path)
        return _odk_zip(path, csv_names)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _workbook(path)
    if b"\x00" in head:
        raise FileRejected("Tệp không phải kết quả khảo sát (xlsx, csv hoặc tệp nén của ODK Central).")
    return _single_csv(path)
