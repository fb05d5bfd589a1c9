"""Reading spreadsheets people actually have: xlsx, xls, ods (python-calamine, a Rust reader) and csv in
UTF-8, UTF-16 (Excel's "Unicode text") or Windows-1258, streamed row by row.

Before a file reaches a parser it is checked: size, that it is a spreadsheet at all, and, for the zip-based
formats, the uncompressed size and compression ratio of every member (a zip bomb is refused before it is
inflated). Merged cells are filled with the value of their top-left cell (communes merge the village
column over all its households). The header row is found, not assumed: the row among the first
``HEADER_SCAN`` that names most of our columns, and a row of column numbers under it ("1 2 3 …",
"(1) (2) …") is skipped.
"""

from __future__ import annotations

import codecs
import csv
import html
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unicodedata import normalize

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

from giamngheo.core.text import fold

from .fields import FormulaWithoutValue, header_index

HEADER_SCAN = 30
SNIFF = 64 * 1024
# Starts of files that are text but not a table: PDF, RTF, HTML/XML (an "XML Spreadsheet 2003" too).
NOT_TABLES = (b"%PDF", b"{\\rtf", b"<")


class FileRejected(ValueError):
    """The file cannot be read at all; the message says why, in Vietnamese."""


@dataclass
class Table:
    """One sheet: its name, the header row (1-based row number and texts) and the data rows after it."""

    sheet: str
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    sheets: list[str] = field(default_factory=list)
    # The lines above the header (a commune list's title block: "DANH SÁCH HỘ NGHÈO …", "(Kèm theo Quyết
    # định số … ngày …)"), each once.
    title: list[str] = field(default_factory=list)
    # Where reading stopped: the first line under the table that is not data (place and date, signers).
    end: dict[str, Any] = field(default_factory=dict)


def _detect(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.lstrip().startswith(NOT_TABLES):
        return "other"
    return "text"


def zip_limits() -> tuple[int, int]:
    """(largest unpacked size of all members together in bytes, largest compression ratio of a member)."""
    return int(settings.ZIP_MAX_UNPACKED_BYTES), int(settings.ZIP_MAX_RATIO)


def check_zip(path: Path) -> None:
    """Refuse zip bombs and zip files that are not spreadsheets, without inflating anything: the sizes are
    read from the central directory (``settings.ZIP_MAX_UNPACKED_BYTES`` for all members together,
    ``settings.ZIP_MAX_RATIO`` per member)."""
    max_unpacked, max_ratio = zip_limits()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            total = 0
            for member in members:
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > 1024 * 1024 and ratio > max_ratio:
                    raise FileRejected(
                        "Tệp bị nén bất thường (tỉ lệ nén quá cao, có thể là 'bom nén'): không đọc tệp này."
                    )
                if total > max_unpacked:
                    raise FileRejected(
                        f"Tệp quá lớn khi giải nén (trên {max_unpacked // (1024 * 1024)} MB): hãy chia thành "
                        "nhiều tệp nhỏ hơn."
                    )
    except zipfile.BadZipFile:
        raise FileRejected("Tệp bị hỏng: không mở được như một tệp Excel (.xlsx).") from None
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise FileRejected("Tệp nén này không phải bảng tính Excel (.xlsx) hay OpenDocument (.ods).")


def decode_text(path: Path) -> tuple[str, str]:
    """The encoding of a text file: BOMs first, then UTF-8 if it decodes, else Windows-1258."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ""
    if b"\x00" in head:
        raise FileRejected("Tệp không phải bảng tính (xlsx, xls, ods) hay CSV: có dữ liệu nhị phân.")
    try:
        head.decode("utf-8")
        return "utf-8", ""
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the sniff window
            return "utf-8", ""
    return "cp1258", ""


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    encoding, _unused = decode_text(path)
    with path.open(encoding=encoding, errors="strict", newline="") as fh:
        sample = fh.read(SNIFF)
        fh.seek(0)
        if encoding == "utf-16":  # seek(0) re-reads the BOM correctly; nothing to skip
            pass
        delimiter = max(",;\t", key=lambda d: sample.split("\n", 1)[0].count(d))
        # Each line in NFC before it is cut into cells: the same cells as normalising each cell (the
        # delimiters and quotes never compose with a neighbour), one call per line instead of one per
        # cell (a province's file: 4 million lines, 150 million cells).
        lines = (unicodedata.normalize("NFC", line) for line in fh)
        try:
            for row in csv.reader(lines, delimiter=delimiter):
                yield list(map(str.strip, row))
        except UnicodeDecodeError:
            raise FileRejected(
                "Không đọc được chữ tiếng Việt trong tệp CSV: hãy lưu lại với mã UTF-8 (CSV UTF-8)."
            ) from None
        except csv.Error as exc:
            raise FileRejected(f"Tệp CSV bị lỗi định dạng: {exc}.") from None


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _score(row: list[Any]) -> int:
    index = header_index()
    score = 0
    for value in row:
        if not blank(value) and not isinstance(value, str):
            score -= 3  # numbers and dates are data, not headers
        elif isinstance(value, str) and value.strip():
            folded = fold(value).strip(" *:.")
            folded_short = re.sub(r"\s*\(.*?\)\s*$", "", folded)
            if index.get(folded) or index.get(folded_short):
                score += 3
            elif folded in index or folded_short in index:
                score += 1
    return score


def _numbering_row(row: list[Any]) -> bool:
    """A row of column numbers under the header: 1, 2, 3 … or (1), (2) … or A, B, C."""
    values = [v for v in row if not blank(v)]
    if len(values) < 2:
        return False
    return all(
        (isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() and 0 < v < 200)
        or (isinstance(v, str) and re.fullmatch(r"\(?\s*(\d{1,3}|[A-Za-z])\s*\)?", v.strip()) is not None)
        for v in values
    )


# Lines under a table that are not data: the place and date of signing, signer titles, totals.
FOOTER = re.compile(
    r"(^|\W)(ngay\s*\.*\s*\d{0,2}\s*\.*\s*thang\s*\.*\s*\d{0,2}\s*\.*\s*nam\s*\.*\s*\d{0,4}"
    r"|nguoi lap( bieu| danh sach)?"
    r"|chu tich|pho chu tich|tm\.? ?(uy ban|ubnd)|kt\.? ?chu tich|truong (thon|ap|ban|khu pho)|thu truong"
    r"|xac nhan cua|ky,? ghi ro ho ten|ky ten|dong dau|tong cong|tong so|^cong$|^tong$)(\W|$)"
)
FOOTER_MAX_CELLS = 3


def footer_line(row: list[Any]) -> str:
    """The text of a line under the table that is not data ("Bù Gia Mập, ngày 15 tháng 12 năm 2025",
    "NGƯỜI LẬP BIỂU   CHỦ TỊCH", "Tổng cộng"), else ""."""
    texts = [v for v in row if not blank(v)]
    if not texts or len(texts) > FOOTER_MAX_CELLS or not isinstance(texts[0], str):
        return ""
    numbers = not all(isinstance(v, str) for v in texts)
    for value in texts:
        if isinstance(value, str) and (found := FOOTER.search(fold(value))):
            if numbers and not found.group(2).startswith(("tong", "cong")):
                return ""  # numbers beside a text: only a total line ("Tổng cộng | 60 | 290") ends the table
            return " ".join(" ".join(str(v).split()) for v in dict.fromkeys(texts))
    return ""


def _distinct_texts(row: list[Any]) -> str:
    """A title line: its texts once each (a merged title cell is filled into every cell it covers)."""
    return " ".join(" ".join(str(v).split()) for v in dict.fromkeys(v for v in row if not blank(v)))


# Sub-headers that only name a part of the header above them ("Năm sinh" over "Nam" and "Nữ").
SUB_HEADERS = frozenset({"nam", "nu"})


def _header_continuation(header: list[Any], row: list[Any]) -> bool:
    """A second header line (merged header cells filled downwards, or sub-headers under a merged header):
    only texts, most of them equal to the header above."""
    values = [(i, v) for i, v in enumerate(row) if not blank(v)]
    if len(values) < 2 or not all(isinstance(v, str) for _i, v in values):
        return False
    same = sum(1 for i, v in values if i < len(header) and header[i] == v)
    if same * 2 >= len(values):
        return True
    # Sub-headers alone ("Nam", "Nữ" under a "Năm sinh" merged across two columns): all known names.
    index = header_index()
    return all(
        (i < len(header) and header[i] == v) or fold(v).strip(" *:.") in index or fold(v) in SUB_HEADERS
        for i, v in values
    )


def _trim(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and blank(row[end - 1]):
        end -= 1
    return row[:end]


def locate_header(rows: Iterator[tuple[int, list[Any]]], sheet: str, sheets: list[str]) -> Table:
    """Read up to ``HEADER_SCAN`` rows, pick the header row, and return the table that follows it."""
    buffered: list[tuple[int, list[Any]]] = []
    for number, row in rows:
        buffered.append((number, row))
        if len(buffered) >= HEADER_SCAN:
            break
    if not buffered or all(all(blank(v) for v in row) for _n, row in buffered):
        raise FileRejected("Tệp trống: không có dòng dữ liệu nào.")
    scored = [(_score(row), -i) for i, (_n, row) in enumerate(buffered)]
    best, negative_index = max(scored)
    if best < 3:
        # None of our names: the first row with at least two texts is the header.
        negative_index = -next(
            (
                i
                for i, (_n, row) in enumerate(buffered)
                if sum(isinstance(v, str) and v.strip() != "" for v in row) >= 2
            ),
            0,
        )
    position = -negative_index
    header_number, header = buffered[position]
    title = [text for _n, row in buffered[:position] if (text := _distinct_texts(row))]
    header = list(header)
    rest = buffered[position + 1 :]
    while rest and (all(blank(v) for v in rest[0][1]) or _header_continuation(header, rest[0][1])):
        # Sub-headers fill the header's empty cells (the header above them was merged across), or name a
        # part of it ("Năm sinh" over "Nam" and "Nữ" -> "Năm sinh Nam", "Năm sinh Nữ").
        above = list(header)
        for i, v in enumerate(rest[0][1]):
            if blank(v):
                continue
            if i >= len(header):
                header.extend([None] * (i + 1 - len(header)))
            if not blank(above[i] if i < len(above) else None) and above[i] != v:
                header[i] = f"{above[i]} {v}"
            elif blank(above[i] if i < len(above) else None):
                # A header merged across without its value repeated: the part of the header on its left.
                left = next(
                    (above[j] for j in range(min(i, len(above)) - 1, -1, -1) if not blank(above[j])), None
                )
                sub_left = i > 0 and not blank(rest[0][1][i - 1]) and fold(str(v)) in SUB_HEADERS
                header[i] = f"{left} {v}" if sub_left and left else v
        rest = rest[1:]
    while rest and all(blank(v) for v in rest[0][1]):
        rest = rest[1:]
    if rest and _numbering_row(rest[0][1]):
        rest = rest[1:]
    headers = [str(v).strip() if not blank(v) else "" for v in _trim(header)]
    end: dict[str, Any] = {}

    def data() -> Iterator[tuple[int, list[Any]]]:
        for number, row in itertools.chain(rest, rows):
            filled = len(row) - row.count(None) - row.count("")
            if filled <= FOOTER_MAX_CELLS:
                if not any(not blank(v) for v in row):
                    continue
                text = footer_line(row)
                if text:
                    # The end of the table: what follows (signers' names) is never data.
                    end.update(row=number, text=text)
                    return
            yield number, row

    return Table(
        sheet=sheet,
        header_row=header_number,
        headers=headers,
        rows=data(),
        sheets=sheets,
        title=title,
        end=end,
    )


FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
RELATION = re.compile(
    rb'<Relationship\b[^>]*?(?:Target="([^"]*)"[^>]*?Id="([^"]*)"|Id="([^"]*)"[^>]*?Target="([^"]*)")'
)


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def formulas_without_values(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) -> reference of the formula cells of an xlsx sheet that have no computed value, read
    from the sheet's XML as a stream (one pass, no tree)."""
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                return found
            ids = {
                html.unescape(m[1].decode("utf-8")): m[2].decode()
                for m in SHEET_ENTRY.finditer(archive.read("xl/workbook.xml"))
            }
            targets = {}
            for m in RELATION.finditer(archive.read("xl/_rels/workbook.xml.rels")):
                target, rid = (m[1], m[2]) if m[1] is not None else (m[4], m[3])
                targets[rid.decode()] = target.decode().lstrip("/")
            target = targets.get(ids.get(sheet, ""), "")
            member = target if target.startswith("xl/") else f"xl/{target}"
            if member not in names:
                return found
            with archive.open(member) as fh:
                carry = b""
                while chunk := fh.read(4 * 1024 * 1024):
                    data = carry + chunk
                    cut = data.rfind(b"<c ")
                    cut = cut if cut > 0 else len(data)
                    if b"<f" in data:
                        for m in FORMULA_CELL.finditer(data, 0, cut):
                            found[(int(m[2]) - 1, _column_index(m[1]))] = (m[1] + m[2]).decode()
                    carry = data[cut:]
                if b"<f" in carry:
                    for m in FORMULA_CELL.finditer(carry):
                        found[(int(m[2]) - 1, _column_index(m[1]))] = (m[1] + m[2]).decode()
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    return found


def _calamine_rows(
    workbook: CalamineWorkbook, name: str, path: Path | None = None
) -> Iterator[tuple[int, list[Any]]]:
    sheet = workbook.get_sheet_by_name(name)
    uncomputed: dict[int, list[tuple[int, str]]] = {}
    for (fr, fc), reference in (formulas_without_values(path, name) if path is not None else {}).items():
        uncomputed.setdefault(fr, []).append((fc, reference))
    first_row, first_col = sheet.start or (0, 0)
    # row -> [(column, origin)] for every cell covered by a merge but its top-left one
    covered: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    origins: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= 100_000:
            origins.setdefault(r0, []).append((r0, c0))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered.setdefault(r, []).append((c, (r0, c0)))
    top_left: dict[tuple[int, int], Any] = {}
    for index, raw in enumerate(sheet.iter_rows()):
        r = first_row + index
        # Inline for speed (every cell of the file passes here): ASCII text needs no normalisation.
        row: list[Any] = [
            None
            if v == ""
            else (v.strip() if v.isascii() else normalize("NFC", v).strip())
            if v.__class__ is str
            else v
            for v in raw
        ]
        if first_col:
            row = [None] * first_col + row
        if uncomputed:
            for fc, reference in uncomputed.get(r, ()):
                if blank(row[fc] if fc < len(row) else None):
                    row.extend([None] * (fc + 1 - len(row)))
                    row[fc] = FormulaWithoutValue(reference)
        if origins:
            for origin in origins.get(r, ()):
                top_left[origin] = row[origin[1]] if origin[1] < len(row) else None
            for c, origin in covered.get(r, ()):
                if c < len(row) and blank(row[c]):
                    row[c] = top_left.get(origin)
        yield r + 1, row


def open_table(path: Path, *, sheet: str | None = None) -> Table:
    """The table of a spreadsheet or csv file (the named sheet, or the first sheet that has data)."""
    kind = _detect(path)
    if path.stat().st_size == 0:
        raise FileRejected("Tệp trống: không có dòng dữ liệu nào.")
    if kind == "other":
        raise FileRejected(
            "Tệp không phải bảng tính (xlsx, xls, ods) hay CSV. Hãy mở tệp bằng Excel và lưu dưới dạng .xlsx."
        )
    if kind == "text":
        rows = ((number, row) for number, row in enumerate(_csv_rows(path), start=1))
        return locate_header(rows, "CSV", ["CSV"])
    if kind == "zip":
        check_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise FileRejected(f"Không đọc được tệp bảng tính ({exc.__class__.__name__}).") from None
    if not names:
        raise FileRejected("Tệp không có trang tính nào.")
    if sheet is not None and sheet not in names:
        raise FileRejected(f"Tệp không có trang tính '{sheet}' (có: {', '.join(names)}).")
    candidates = [sheet] if sheet else names
    for name in candidates:
        try:
            return locate_header(_calamine_rows(workbook, name, path), name, names)
        except FileRejected:
            if sheet or name == candidates[-1]:
                raise
        except (CalamineError, ValueError) as exc:
            raise FileRejected(f"Không đọc được trang tính '{name}' ({exc.__class__.__name__}).") from None
    raise FileRejected("Tệp trống: không có dòng dữ liệu nào.")


def sheet_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """Every row of a sheet (for multi-sheet exports such as KoboToolbox's)."""
    workbook = CalamineWorkbook.from_path(str(path))
    return _calamine_rows(workbook, sheet, path)
