"""Reading an import: the table's rows through the column mapping become values or messages per cell
(``parse_rows``), and rows of one household form a group (``group_rows``); what a run found and did
(``Outcome``, ``Issue``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from giamngheo.core.text import fold
from giamngheo.geo.models import DivisionType
from giamngheo.households.reference import Relationship, Sex
from giamngheo.households.services import HOUSEHOLD_FIELDS, MEMBER_FIELDS

from ..fields import BY_KEY, CellError, Field
from ..reading import Table, blank

CHUNK = 2_000  # households planned and written together
ERRORS_KEPT = 20_000  # messages kept for the screen; the error report has every rejected row
# Values an import writes (the registry's own editable fields; code, village and ethnic group apart).
LIST_KEYS = {
    "category",
    "category_since",
    "category_decision",
    "declared_persons",
    "note",
    "no_working_capacity",
    "has_meritorious_member",
    "social_protection",
}
HOUSEHOLD_VALUE_KEYS = tuple(
    sorted((HOUSEHOLD_FIELDS - {"code", "village", "ethnic_group", "is_active"}) | LIST_KEYS)
)
MEMBER_VALUE_KEYS = tuple(sorted((MEMBER_FIELDS - {"is_active"}) | {"birth_year_only"}))
MEMBER_REQUIRED = ("sex", "date_of_birth", "relationship")
NOT_NULL_BOOLS = ("disabled", "monthly_social_allowance", "no_working_capacity")
VILLAGE_WORDS = ("to dan pho", "khu pho", "thon", "ap", "ban", "soc", "khu", "to", "xom", "buon", "phum")
DIVISION_BY_WORD = {
    "ap": DivisionType.HAMLET,
    "thon": DivisionType.VILLAGE,
    "ban": DivisionType.BAN,
    "soc": DivisionType.SOC,
    "khu pho": DivisionType.QUARTER,
    "khu": DivisionType.QUARTER,
    "to dan pho": DivisionType.RESIDENTIAL_GROUP,
    "to": DivisionType.RESIDENTIAL_GROUP,
}


def village_match(name: str) -> str:
    """What a village name is matched by: its whole folded name ("Thôn 3" == "THON 3", never "Ấp 3")."""
    return fold(name)


def generated_code(village: str, head: str, year: Any, taken: dict[str, int]) -> str:
    """A household code for a list without one: stable (the same household of the same list gets the same
    code at every import), readable ("DS-THON3-1A2B3C4D": the village, then a digest of the village, the
    head's folded name and year of birth), and unique in the file (a second identical line gets "-2")."""
    digest = hashlib.sha1(f"{fold(village)}|{fold(head)}|{year or ''}".encode()).hexdigest()[:8].upper()  # noqa: S324
    code = f"DS-{re.sub(r'[^A-Z0-9]', '', fold(village).upper())[:12]}-{digest}"
    taken[code] = taken.get(code, 0) + 1
    return code if taken[code] == 1 else f"{code}-{taken[code]}"


def village_key(name: str) -> str:
    """'Ấp 3' -> '3', 'Thôn Bù Tam' -> 'bu tam': village names compared without their division word."""
    folded = fold(name)
    for word in VILLAGE_WORDS:
        if folded.startswith(word + " ") and len(folded) > len(word) + 1:
            return folded[len(word) + 1 :].lstrip("0") or "0"
    return folded.lstrip("0") if folded.isdigit() else folded


# --- Parsed rows ------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    commune: str
    code: str
    household: dict[str, Any]
    member: dict[str, Any] | None
    ethnic_group: str | None
    errors: list[tuple[str, str]]  # (column, message)
    starts: bool = True  # opens a household (a list without codes: the line has a number in "STT")


@dataclass
class Group:
    """The rows of one household in the file."""

    commune: str
    code: str
    rows: list[Row]
    generated: bool = False  # the code was generated (a list without codes)

    @property
    def first_row(self) -> int:
        return self.rows[0].number


@dataclass
class Issue:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"Dòng {self.row}, cột {self.column}: {self.message}"
        return f"Dòng {self.row}: {self.message}"


@dataclass
class Outcome:
    rows: int = 0
    households: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    households_rejected: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    rows_rejected: int = 0
    villages_created: int = 0
    errors: list[Issue] = field(default_factory=list)
    error_count: int = 0
    error_rows: dict[int, list[str]] = field(default_factory=dict)
    new_villages: dict[str, dict[str, Any]] = field(default_factory=dict)
    written_ids: list[int] = field(default_factory=list)
    classified: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    written: bool = False
    notes_understood: dict[str, int] = field(default_factory=dict)  # flag -> households
    notes_other: int = 0  # households whose note states none of the usual facts
    persons_declared: int = 0
    persons_listed: int = 0
    persons_mismatch: list[dict[str, Any]] = field(default_factory=list)
    heads_not_members: int = 0  # heads listed without the year or sex a member needs
    codes_generated: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # what the import understood from the title, the end

    def add_error(self, issue: Issue) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(issue)
        text = f"{issue.column}: {issue.message}" if issue.column else issue.message
        self.error_rows.setdefault(issue.row, []).append(text)

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "households": self.households,
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "households_unchanged": self.households_unchanged,
            "households_rejected": self.households_rejected,
            "members_created": self.members_created,
            "members_updated": self.members_updated,
            "members_unchanged": self.members_unchanged,
            "rows_rejected": self.rows_rejected,
            "villages_created": self.villages_created,
            "errors": self.error_count,
            "written": self.written,
            "new_villages": list(self.new_villages.values()),
            "classified": self.classified,
            "seconds": round(self.seconds, 1),
            "notes_understood": self.notes_understood,
            "notes_other": self.notes_other,
            "persons_declared": self.persons_declared,
            "persons_listed": self.persons_listed,
            "persons_mismatch": self.persons_mismatch[:200],
            "heads_not_members": self.heads_not_members,
            "codes_generated": self.codes_generated,
            "categories": self.categories,
            "notices": self.notices,
        }


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: Field


def mapped_columns(headers: list[str], mapping: list[str]) -> list[Column]:
    columns = []
    for index, key in enumerate(mapping):
        if key and key in BY_KEY:
            header = headers[index] if index < len(headers) and headers[index] else BY_KEY[key].header
            columns.append(Column(index, header, BY_KEY[key]))
    return columns


def check_mapping(mapping: list[str], *, fixed_commune: bool) -> list[str]:
    """What is missing from a mapping for an import to make sense (Vietnamese messages)."""
    keys = [k for k in mapping if k]
    problems = []
    duplicated = sorted({BY_KEY[k].header for k in keys if keys.count(k) > 1 and k in BY_KEY})
    if duplicated:
        problems.append(
            "Mỗi trường chỉ gán cho một cột; đang gán nhiều cột cho: " + ", ".join(duplicated) + "."
        )
    if "code" not in keys and "head_name" not in keys:
        # (A list named by the heads, without codes, gets generated codes.)
        problems.append("Chưa chọn cột 'Mã hộ'.")
    if "village" not in keys:
        problems.append("Chưa chọn cột 'Thôn/ấp/khu phố'.")
    if not fixed_commune and "commune" not in keys:
        problems.append("Nhập cho cả tỉnh cần cột 'Xã/phường/đặc khu'.")
    if "full_name" not in keys and "head_name" not in keys:
        problems.append("Chưa chọn cột 'Họ và tên' (thành viên) hay 'Họ và tên chủ hộ'.")
    return problems


def cell_commune(raw: list[Any], column: Column | None) -> str:
    """The commune a row names (its "Xã/phường/đặc khu" cell as the import reads it), or ""."""
    if column is None or column.index >= len(raw) or blank(raw[column.index]):
        return ""
    value = raw[column.index]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def cell_code(raw: list[Any], column: Column | None) -> str:
    """The household code a row gives, as ``parse_rows`` reads it ("" when blank or unreadable: the row
    then has an error and a group of its own)."""
    if column is None or column.index >= len(raw) or blank(raw[column.index]):
        return ""
    try:
        value = column.field.parse(raw[column.index])
    except CellError:
        return ""
    return str(value).strip() if value is not None else ""


def parse_rows(table: Table, mapping: list[str]) -> Iterator[Row]:
    columns = mapped_columns(table.headers, mapping)
    member_columns = [c for c in columns if c.field.level == "member"]
    household_columns = [c for c in columns if c.field.level == "household"]
    household_cells = [(c.index, c.field.key, c.field.parse, c.header) for c in household_columns]
    member_cells = [(c.index, c.field.key, c.field.parse, c.header) for c in member_columns]
    ethnic = next((c for c in columns if c.field.key == "ethnic_group"), None)
    commune = next((c for c in columns if c.field.key == "commune"), None)
    seq = next((c for c in columns if c.field.key == "seq"), None)
    keys = {c.field.key for c in columns}
    has_code = "code" in keys
    # A commune's list: one line per household, named by its head ("Họ và tên chủ hộ"), maybe with its
    # members on the lines under it (no number in "STT"). The head becomes the household's first member.
    head_lines = "head_name" in keys and "full_name" not in keys
    first = True
    for number, raw in table.rows:
        width = len(raw)
        errors: list[tuple[str, str]] = []
        household: dict[str, Any] = {}
        member: dict[str, Any] = {}
        # (The cells of a province's file number in the hundred millions: the loops read prepared tuples and
        # test blank cells inline, as ``blank`` does.)
        for index, key, parse, header in household_cells:
            value = raw[index] if index < width else None
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                continue
            try:
                household[key] = parse(value)
            except CellError as exc:
                errors.append((header, str(exc)))
        for index, key, parse, header in member_cells:
            value = raw[index] if index < width else None
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                continue
            try:
                member[key] = parse(value)
            except CellError as exc:
                errors.append((header, str(exc)))
                member.setdefault("_invalid", True)
        for key, sex in (("birth_year_male", Sex.MALE), ("birth_year_female", Sex.FEMALE)):
            if key in member:
                member.setdefault("birth_year", member.pop(key))
                member.setdefault("sex", sex)
        year = member.pop("birth_year", None)
        if year is not None and "date_of_birth" not in member:
            member["date_of_birth"] = dt.date(year, 1, 1)
            member["birth_year_only"] = True
        ethnic_value = None
        if ethnic is not None and ethnic.index < width and not blank(raw[ethnic.index]):
            try:
                ethnic_value = ethnic.field.parse(raw[ethnic.index])
            except CellError as exc:
                errors.append((ethnic.header, str(exc)))
        commune_text = cell_commune(raw, commune)
        starts = first or seq is None or (seq.index < width and not blank(raw[seq.index]))
        first = False
        if head_lines and "head_name" in household:
            if not has_code and not starts:
                # A member listed under the head: the name column holds the member's name.
                member["full_name"] = household.pop("head_name")
                member.setdefault("relationship", Relationship.OTHER)
            elif member.get("relationship", Relationship.HEAD) == Relationship.HEAD:
                member["full_name"] = household["head_name"]
                member["relationship"] = Relationship.HEAD
                if "_invalid" not in member and not all(k in member for k in ("sex", "date_of_birth")):
                    member = {}  # the head stays the household's head name; the report counts it
                    household["_head_not_member"] = True
        code = household.pop("code", "")
        code = str(code).strip() if code is not None else ""
        if (
            (has_code or not head_lines)
            and not code
            and not any(h == _header(columns, "code") for h, _m in errors)
        ):
            errors.append((_header(columns, "code"), "bắt buộc: ghi mã hộ trên mọi dòng của hộ"))
        if member:
            if "full_name" not in member:
                errors.append((_header(columns, "full_name"), "bắt buộc khi dòng có thông tin thành viên"))
            else:
                for key in MEMBER_REQUIRED:
                    if key not in member and not any(h == _header(columns, key) for h, _m in errors):
                        shown = "birth_year" if key == "date_of_birth" and "birth_year" in keys else key
                        if key in ("sex", "date_of_birth") and keys & {
                            "birth_year_male",
                            "birth_year_female",
                        }:
                            shown = "birth_year_male"
                        errors.append((_header(columns, shown), "bắt buộc cho mỗi thành viên"))
        member.pop("_invalid", None)
        yield Row(
            number=number,
            commune=commune_text,
            code=code,
            household=household,
            member=member or None,
            ethnic_group=ethnic_value,
            errors=errors,
            starts=starts,
        )


def _header(columns: list[Column], key: str) -> str:
    return next((c.header for c in columns if c.field.key == key), BY_KEY[key].header)


def group_rows(rows: Iterable[Row], *, generate_codes: bool = False) -> Iterator[Group]:
    """Adjacent rows of one household. Without a code column, a row that opens a household (a number in
    "STT", or every row when there is no such column) starts a group, and the group gets a generated code."""
    current: Group | None = None
    taken: dict[str, int] = {}

    def done(group: Group) -> Group:
        if generate_codes:
            head = next((r for r in group.rows if r.household.get("head_name")), group.rows[0])
            year = (head.member or {}).get("date_of_birth")
            group.code = generated_code(
                str(head.household.get("village", "")),
                str(head.household.get("head_name", "")),
                year.year if year else "",
                taken,
            )
            group.generated = True
            for row in group.rows:
                row.code = group.code
        return group

    for row in rows:
        if generate_codes:
            if current is not None and not row.starts:
                current.rows.append(row)
                continue
        else:
            key = (row.commune, row.code)
            if current is not None and (current.commune, current.code) == key and row.code:
                current.rows.append(row)
                continue
        if current is not None:
            yield done(current)
        current = Group(commune=row.commune, code=row.code, rows=[row])
    if current is not None:
        yield done(current)
