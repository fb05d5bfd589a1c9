"""Importing households and members from a spreadsheet: validate everything, then write whole households.

How a file goes in (``household_import``):

1. **Read and parse** (``parse_rows``): each row of the table, through the column mapping, becomes the
   registry's values or a message per cell ("Dòng 17, cột Ngày sinh: '31/02/1980' không phải ngày hợp
   lệ"). Rows of one household (same commune and ``Mã hộ``) are adjacent and form a group.
2. **Plan** (``Planner.plan``), a chunk of households at a time, against the registry: match households by
   code within their commune and members by national ID (else by name and date of birth), check
   duplicates inside the file and against the registry, villages, heads of household, and work out what
   would be created, updated or left unchanged. A household with any rejected row is rejected whole.
3. The first pass plans the whole file without writing (that *is* the dry run) and stages the plans
   (``HouseholdPlan.freeze``, one JSON line per chunk: ``stage_dump``) in a temporary file (a check keeps
   them, private to the server, for the import that follows it). If
   rows were rejected and the user did not choose "import the valid rows", nothing is written. Otherwise a
   second pass takes the plans chunk by chunk, verifies each against the registry as it is now
   (``Planner.verify``: someone may have saved meanwhile) and writes it in one transaction: inserts with
   allocated ids (``core.bulk``), updates, history rows, search text. Interrupted, a run leaves only whole
   households, and running the same file again completes it: importing a file twice changes nothing.
4. New households are classified by the engine before they are inserted, changed ones after; the open
   review round's summaries are refreshed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from giamngheo.accounts.scoping import area_q
from giamngheo.core.audit import audit_record
from giamngheo.core.bulk import allocate_ids, insert_rows
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel, DivisionType
from giamngheo.households.models import Household, Member
from giamngheo.households.reclassify import Classifier, encode_household, encode_member, households_reclassify
from giamngheo.households.reference import Relationship, Sex, is_ethnic_minority, national_id_problem
from giamngheo.households.services import HOUSEHOLD_FIELDS, MEMBER_FIELDS

from .fields import BY_KEY, CellError, Field, note_flags
from .reading import Table, blank

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


def parse_rows(table: Table, mapping: list[str]) -> Iterator[Row]:
    columns = mapped_columns(table.headers, mapping)
    member_columns = [c for c in columns if c.field.level == "member"]
    household_columns = [c for c in columns if c.field.level == "household"]
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
        for column in household_columns:
            value = raw[column.index] if column.index < width else None
            if blank(value):
                continue
            try:
                household[column.field.key] = column.field.parse(value)
            except CellError as exc:
                errors.append((column.header, str(exc)))
        for column in member_columns:
            value = raw[column.index] if column.index < width else None
            if blank(value):
                continue
            try:
                member[column.field.key] = column.field.parse(value)
            except CellError as exc:
                errors.append((column.header, str(exc)))
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
        commune_text = ""
        if commune is not None and commune.index < width and not blank(raw[commune.index]):
            commune_text = " ".join(str(raw[commune.index]).split())
            if isinstance(raw[commune.index], float) and raw[commune.index].is_integer():
                commune_text = str(int(raw[commune.index]))
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


# --- Staging: plans kept between the passes, as JSON lines ---------------------------------------------


def _stage_default(value: Any) -> Any:
    """Dates, times and decimals as tagged objects (read back exactly by ``_stage_hook``)."""
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot stage a {type(value).__name__}")


def _stage_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "__date__" in obj:
            return dt.date.fromisoformat(obj["__date__"])
        if "__datetime__" in obj:
            return dt.datetime.fromisoformat(obj["__datetime__"])
        if "__decimal__" in obj:
            return decimal.Decimal(obj["__decimal__"])
    return obj


def stage_dump(value: Any, out: IO[bytes]) -> None:
    """One JSON line (never pickle: a staged file is data, read back without running anything)."""
    out.write(json.dumps(value, default=_stage_default, ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"\n")


def stage_load(staged: IO[bytes]) -> Any:
    """The next JSON line, or ``EOFError`` at the end."""
    line = staged.readline()
    if not line.strip():
        raise EOFError
    return json.loads(line, object_hook=_stage_hook)


def private_file(path: Path) -> IO[bytes]:
    """A new file only the server's user can read (0600), in a folder only it can open (0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def outcome_dump(outcome: Outcome) -> dict[str, Any]:
    return asdict(outcome)


def outcome_load(data: dict[str, Any]) -> Outcome:
    known = set(Outcome.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in known}
    values["errors"] = [Issue(**issue) for issue in values.get("errors", [])]
    values["error_rows"] = {int(row): texts for row, texts in values.get("error_rows", {}).items()}
    return Outcome(**values)


# --- Planning against the registry --------------------------------------------------------------------


@dataclass
class MemberPlan:
    row: int
    values: dict[str, Any]
    existing_id: int | None
    changes: dict[str, Any]


@dataclass
class HouseholdPlan:
    group: Group
    commune_id: int
    village_id: int | None
    village_name: str
    existing: dict[str, Any] | None
    values: dict[str, Any]  # the household's values after the import
    changes: dict[str, Any]  # for an existing household: what changes
    members: list[MemberPlan]
    others: list[dict[str, Any]]  # registry members not in the file (kept)

    @property
    def is_new(self) -> bool:
        return self.existing is None

    @property
    def row_numbers(self) -> list[int]:
        return [row.number for row in self.group.rows]

    def freeze(self) -> tuple[Any, ...]:
        """What the second pass needs, as plain tuples (staged as JSON between the passes: dataclasses and the
        parsed rows would cost more to stage than to plan again)."""
        existing = (
            None
            if self.existing is None
            else {k: self.existing[k] for k in ("id", "version", "village_id", "head_name")}
        )
        return (
            self.group.commune,
            self.group.code,
            self.row_numbers,
            self.commune_id,
            self.village_id,
            self.village_name,
            existing,
            self.values,
            self.changes,
            [(m.row, m.values, m.existing_id, m.changes) for m in self.members],
            [{"full_name": o["full_name"], "national_id": o["national_id"]} for o in self.others],
        )

    @classmethod
    def thaw(cls, frozen: tuple[Any, ...]) -> HouseholdPlan:
        (
            commune,
            code,
            numbers,
            commune_id,
            village_id,
            village_name,
            existing,
            values,
            changes,
            members,
            others,
        ) = frozen
        rows = [Row(n, commune, code, {}, None, None, []) for n in numbers]
        return cls(
            group=Group(commune=commune, code=code, rows=rows),
            commune_id=commune_id,
            village_id=village_id,
            village_name=village_name,
            existing=existing,
            values=values,
            changes=changes,
            members=[MemberPlan(row, v, existing_id, ch) for row, v, existing_id, ch in members],
            others=others,
        )


class Planner:
    """Decides what each household of the file becomes, chunk by chunk; remembers what it has seen so
    that duplicates across the whole file are found."""

    def __init__(
        self,
        *,
        user: Any,
        sheet: str,
        commune: Area | None,
        create_villages: Iterable[str] = (),
        headers: dict[str, str] | None = None,
        defaults: dict[str, Any] | None = None,
        village_aliases: dict[str, int] | None = None,
    ) -> None:
        self.user = user
        self.defaults = defaults or {}  # category, category_since, category_decision of the whole list
        self.village_aliases = village_aliases or {}  # "commune_id|folded name" -> village id (confirmed)
        self.sheet = sheet
        self.commune = commune
        self.headers = headers or {}
        self.approved = set(create_villages)  # "commune_id|village key"
        visible = Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE)
        if commune is not None:
            visible = visible.filter(pk=commune.pk)
        # Communes by code, exact name, else folded name when no other commune folds the same ("Xã Lộc
        # Thành" and "Xã Lộc Thạnh" both fold to "xa loc thanh": only their exact names or codes name them).
        folded: dict[str, Area | None] = {}
        exact: dict[str, Area] = {}
        codes: dict[str, Area] = {}
        for area in visible:
            codes[area.code] = area
            codes[area.code.lstrip("0")] = area
            exact[area.name] = area
            for key in {fold(area.name), village_key(area.name)}:
                folded[key] = area if folded.get(key, area) == area else None
        self.ambiguous = {k for k, a in folded.items() if a is None}
        self.communes: dict[str, Area] = {
            **{k: a for k, a in folded.items() if a is not None},
            **exact,
            **codes,
        }
        self.villages: dict[int, dict[str, Area]] = {}
        self.village_names: dict[tuple[int, str], Area | None] = {}
        self.seen_codes: dict[tuple[int, str], int] = {}
        self.seen_ids: dict[str, int] = {}

    def reset(self) -> None:
        self.seen_codes.clear()
        self.seen_ids.clear()
        self.villages.clear()
        self.village_names.clear()

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].header

    def _villages(self, commune_id: int) -> dict[str, Area]:
        if commune_id not in self.villages:
            table: dict[str, Area] = {}
            villages = list(
                Area.objects.filter(parent_id=commune_id, level=AreaLevel.VILLAGE, is_active=True)
            )
            for village in villages:
                for alias in village.aliases or []:
                    table.setdefault(village_match(alias), village)
            for village in villages:
                table[village_match(village.name)] = village
            by_id = {v.pk: v for v in villages}
            for key, village_id in self.village_aliases.items():
                commune_key, _sep, name = key.partition("|")
                if commune_key == str(commune_id) and village_id in by_id:
                    table[name] = by_id[village_id]
            self.villages[commune_id] = table
        return self.villages[commune_id]

    def _find_village(self, commune_id: int, name: str) -> Area | None:
        key = (commune_id, name)
        if key not in self.village_names:
            table = self._villages(commune_id)
            self.village_names[key] = table.get(village_match(name))
        return self.village_names[key]

    def near_villages(self, commune_id: int, name: str) -> list[dict[str, Any]]:
        """Villages whose name is close to ``name`` (the same number or name under another division word,
        or a similar spelling): shown beside a proposed village so that the user chooses."""
        table = self._villages(commune_id)
        seen: dict[int, Area] = {}
        for village in table.values():
            if village_key(village.name) == village_key(name):
                seen[village.pk] = village
        names = {village_match(v.name): v for v in table.values()}
        for close in difflib.get_close_matches(village_match(name), list(names), n=3, cutoff=0.75):
            seen.setdefault(names[close].pk, names[close])
        return [{"id": v.pk, "name": v.name} for v in sorted(seen.values(), key=lambda v: v.name)]

    def resolve_commune(self, group: Group) -> tuple[Area | None, str]:
        if self.commune is not None:
            if group.commune:
                found = self.communes.get(group.commune) or self.communes.get(fold(group.commune))
                if found is None and village_key(group.commune) != village_key(self.commune.name):
                    return (
                        None,
                        f"'{group.commune}' không phải {self.commune.name} (tệp đang nhập cho xã này)",
                    )
            return self.commune, ""
        if not group.commune:
            return None, "bắt buộc khi nhập cho cả tỉnh"
        found = self.communes.get(group.commune)
        if found is None:
            found = self.communes.get(fold(group.commune)) or self.communes.get(village_key(group.commune))
            if found is not None:
                self.communes[group.commune] = found  # the file repeats the name on every row
        if found is None and fold(group.commune) in self.ambiguous:
            return (
                None,
                f"'{group.commune}' có thể là nhiều xã (tên giống nhau khi bỏ dấu): ghi đúng dấu hoặc mã xã",
            )
        if found is None:
            return None, f"không tìm thấy '{group.commune}' trong các xã, phường bạn được quản lý"
        return found, ""

    def plan(self, groups: list[Group], outcome: Outcome) -> list[HouseholdPlan]:
        """Plans for the valid households of ``groups``; errors go to ``outcome``."""
        resolved: list[tuple[Group, Area]] = []
        for group in groups:
            commune, problem = self.resolve_commune(group)
            if commune is None:
                self._reject(group, outcome, [(group.first_row, self.header("commune"), problem)])
                continue
            resolved.append((group, commune))
        existing: dict[tuple[int, str], dict[str, Any]] = {}
        by_commune: dict[int, list[str]] = {}
        for group, commune in resolved:
            if group.code:
                by_commune.setdefault(commune.pk, []).append(group.code)
        for commune_id, codes in by_commune.items():
            for values in Household.objects.filter(commune_id=commune_id, code__in=codes).values(
                "id", "code", "village_id", "ethnic_group", "version", "is_active", *HOUSEHOLD_VALUE_KEYS
            ):
                existing[(commune_id, values["code"])] = values
        household_ids = [v["id"] for v in existing.values()]
        registry_members: dict[int, list[dict[str, Any]]] = {}
        for values in Member.objects.filter(household_id__in=household_ids, is_active=True).values(
            "id", "household_id", "version", *MEMBER_VALUE_KEYS
        ):
            registry_members.setdefault(values["household_id"], []).append(values)
        ids_in_chunk = [
            r.member["national_id"]
            for g, _c in resolved
            for r in g.rows
            if r.member and r.member.get("national_id")
        ]
        registry_ids: dict[str, int] = {
            national_id: household_id
            for national_id, household_id in Member.objects.filter(national_id__in=ids_in_chunk).values_list(
                "national_id", "household_id"
            )
            if national_id
        }
        plans = []
        for group, commune in resolved:
            plan = self._plan_household(
                group,
                commune,
                existing.get((commune.pk, group.code)),
                registry_members,
                registry_ids,
                outcome,
            )
            if plan is not None:
                plans.append(plan)
        return plans

    def verify(self, plans: list[HouseholdPlan], outcome: Outcome) -> list[HouseholdPlan]:
        """The plans still valid against the registry as it is now (inside the writing transaction): new
        households whose code is still free, existing households and members not saved since they were
        read, ID numbers still not someone else's. Others are rejected: importing the file again takes
        them with the registry's current values."""
        new_codes: dict[int, list[str]] = {}
        for p in plans:
            if p.is_new:
                new_codes.setdefault(p.commune_id, []).append(p.group.code)
        taken: set[tuple[int, str]] = set()
        for commune_id, codes in new_codes.items():
            taken.update(
                (commune_id, c)
                for c in Household.objects.filter(commune_id=commune_id, code__in=codes).values_list(
                    "code", flat=True
                )
            )
        versions = dict(
            Household.objects.filter(pk__in=[p.existing["id"] for p in plans if p.existing]).values_list(
                "pk", "version"
            )
        )
        member_versions = dict(
            Member.objects.filter(
                pk__in=[m.existing_id for p in plans for m in p.members if m.existing_id and m.changes]
            ).values_list("pk", "version")
        )
        wanted_ids = [
            m.values["national_id"]
            for p in plans
            for m in p.members
            if m.values.get("national_id") and (m.existing_id is None or "national_id" in m.changes)
        ]
        owners = dict(
            Member.objects.filter(national_id__in=wanted_ids).values_list("national_id", "household_id")
        )
        valid = []
        for p in plans:
            problem = ""
            if p.is_new and (p.commune_id, p.group.code) in taken:
                problem = f"hộ {p.group.code} vừa được người khác thêm vào sổ trong lúc nhập"
            elif p.existing and versions.get(p.existing["id"]) != p.existing["version"]:
                problem = f"hộ {p.group.code} vừa được người khác sửa trong lúc nhập"
            else:
                for m in p.members:
                    if (
                        m.existing_id
                        and m.changes
                        and member_versions.get(m.existing_id) != m.values.get("version")
                    ):
                        name = m.values.get("full_name", "")
                        problem = f"thành viên {name} vừa được người khác sửa trong lúc nhập"
                    national_id = m.values.get("national_id")
                    owner = owners.get(national_id) if national_id else None
                    if owner is not None and (p.existing is None or owner != p.existing["id"]):
                        problem = f"số CCCD {national_id} vừa được ghi cho người khác trong lúc nhập"
            if problem:
                self._reject(p.group, outcome, [(p.group.first_row, "", problem + ": nhập lại tệp")])
            else:
                valid.append(p)
        return valid

    def _list_values(
        self, group: Group, values: dict[str, Any], existing: dict[str, Any] | None, outcome: Outcome
    ) -> None:
        """A commune's list: the category of the title, the recognition decision, the facts of the notes."""
        default_category = self.defaults.get("category")
        if (
            default_category
            and "category" not in values
            and (existing is None or existing.get("category") in ("", default_category))
        ):
            values["category"] = default_category
        if values.get("category") in ("poor", "near_poor"):
            for key in ("category_decision", "category_since"):
                if self.defaults.get(key) and key not in values:
                    values[key] = self.defaults[key]
        note = values.get("note")
        if note:
            flags = note_flags(str(note))
            for flag in flags:
                values[flag] = True
            if not flags:
                outcome.notes_other += 1

    def _count_list(
        self,
        group: Group,
        values: dict[str, Any],
        member_plans: list[MemberPlan],
        others: list[dict[str, Any]],
        head_not_member: bool,
        outcome: Outcome,
    ) -> None:
        if values.get("note"):
            for flag in note_flags(str(values["note"])):
                outcome.notes_understood[flag] = outcome.notes_understood.get(flag, 0) + 1
        if values.get("category"):
            outcome.categories[values["category"]] = outcome.categories.get(values["category"], 0) + 1
        outcome.codes_generated += group.generated
        outcome.heads_not_members += head_not_member
        listed = len(member_plans) + len(others)
        outcome.persons_listed += listed
        declared = values.get("declared_persons")
        if declared is not None:
            outcome.persons_declared += declared
            if listed > 1 and listed != declared:
                outcome.persons_mismatch.append(
                    {
                        "row": group.first_row,
                        "code": group.code,
                        "head": values.get("head_name", ""),
                        "declared": declared,
                        "listed": listed,
                    }
                )

    def _reject(self, group: Group, outcome: Outcome, problems: list[tuple[int, str, str]]) -> None:
        outcome.households_rejected += 1
        flagged = set()
        for number, column, message in problems:
            outcome.add_error(Issue(self.sheet, number, column, message))
            flagged.add(number)
        for row in group.rows:
            if row.number not in flagged:
                outcome.error_rows.setdefault(row.number, []).append(
                    f"Cả hộ {group.code or ''} không được nhập vì có lỗi ở dòng "
                    + ", ".join(str(n) for n in sorted(flagged))
                )
        outcome.rows_rejected += len(group.rows)

    def _plan_household(
        self,
        group: Group,
        commune: Area,
        existing: dict[str, Any] | None,
        registry_members: dict[int, list[dict[str, Any]]],
        registry_ids: dict[str, int],
        outcome: Outcome,
    ) -> HouseholdPlan | None:
        problems: list[tuple[int, str, str]] = [
            (row.number, column, message) for row in group.rows for column, message in row.errors
        ]
        key = (commune.pk, group.code)
        if group.code and key in self.seen_codes:
            problems.append(
                (
                    group.first_row,
                    self.header("code"),
                    f"mã hộ {group.code} đã có ở dòng {self.seen_codes[key]}: "
                    "các dòng của một hộ phải liền nhau",
                )
            )
        elif group.code:
            self.seen_codes[key] = group.first_row
        # Household values: the first non-empty value of each column; a different one later is an error.
        values: dict[str, Any] = {}
        where: dict[str, int] = {}
        for row in group.rows:
            for name, value in row.household.items():
                if name not in values:
                    values[name], where[name] = value, row.number
                elif values[name] != value:
                    problems.append(
                        (
                            row.number,
                            self.header(name),
                            f"khác với dòng {where[name]} của cùng hộ {group.code}",
                        )
                    )
        head_not_member = bool(values.pop("_head_not_member", False))
        self._list_values(group, values, existing, outcome)
        # Village
        village_id: int | None = existing["village_id"] if existing else None
        village_name = ""
        if "village" in values:
            village_name = str(values.pop("village"))
            found = self._find_village(commune.pk, village_name)
            if found is not None:
                village_id = found.pk
            elif f"{commune.pk}|{village_match(village_name)}" in self.approved:
                village_id = None  # created before the households are written
            else:
                proposed = f"{commune.pk}|{village_match(village_name)}"
                if proposed not in outcome.new_villages:
                    outcome.new_villages[proposed] = {
                        "key": proposed,
                        "commune": commune.name,
                        "village": village_name,
                        "rows": 0,
                        "households": 0,
                        "near": self.near_villages(commune.pk, village_name),
                    }
                proposal = outcome.new_villages[proposed]
                proposal["households"] = proposal.get("households", 0) + 1
                proposal["rows"] += len(group.rows)
                problems.append(
                    (
                        where.get("village", group.first_row),
                        self.header("village"),
                        f"thôn/ấp '{village_name}' chưa có trong {commune.name}: "
                        "duyệt đề xuất tạo thôn mới rồi nhập lại",
                    )
                )
        elif existing is None:
            problems.append((group.first_row, self.header("village"), "bắt buộc cho hộ mới"))
        # Members
        registry = registry_members.get(existing["id"], []) if existing else []
        by_id = {m["national_id"]: m for m in registry if m["national_id"]}
        by_person: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        for m in registry:
            by_person.setdefault((m["full_name"].lower(), m["date_of_birth"]), []).append(m)
        member_plans: list[MemberPlan] = []
        matched: set[int] = set()
        people: dict[tuple[str, Any], int] = {}
        heads: list[int] = []
        for row in group.rows:
            member = row.member
            if not member or "full_name" not in member:
                continue
            person = (member["full_name"].lower(), member.get("date_of_birth"))
            if person in people:
                problems.append(
                    (row.number, self.header("full_name"), f"người này đã ghi ở dòng {people[person]} của hộ")
                )
                continue
            people[person] = row.number
            national_id = member.get("national_id")
            if national_id:
                problem = national_id_problem(
                    national_id, date_of_birth=member.get("date_of_birth"), sex=member.get("sex", "")
                )
                if problem:
                    problems.append((row.number, self.header("national_id"), problem))
                if national_id in self.seen_ids:
                    problems.append(
                        (
                            row.number,
                            self.header("national_id"),
                            f"số CCCD {national_id} trùng với dòng {self.seen_ids[national_id]}",
                        )
                    )
                else:
                    self.seen_ids[national_id] = row.number
                owner = registry_ids.get(national_id)
                if owner is not None and (existing is None or owner != existing["id"]):
                    problems.append(
                        (
                            row.number,
                            self.header("national_id"),
                            f"số CCCD {national_id} đã có trong sổ cho một người ở hộ khác",
                        )
                    )
            match = by_id.get(national_id) if national_id else None
            if match is None:
                candidates = [m for m in by_person.get(person, []) if m["id"] not in matched]
                if len(candidates) == 1 and not (
                    national_id
                    and candidates[0]["national_id"]
                    and candidates[0]["national_id"] != national_id
                ):
                    match = candidates[0]
            if match is not None and match["id"] in matched:
                match = None
            if member.get("relationship") == Relationship.HEAD:
                heads.append(row.number)
            ethnic = row.ethnic_group
            full = {**member}
            if ethnic is not None:
                full["ethnic_group"] = ethnic
            if match is not None:
                matched.add(match["id"])
                differs = {k: v for k, v in full.items() if match.get(k) != v}
                member_plans.append(MemberPlan(row.number, {**match, **full}, match["id"], differs))
            else:
                member_plans.append(MemberPlan(row.number, full, None, {}))
        if len(heads) > 1:
            problems.append(
                (
                    heads[1],
                    self.header("relationship"),
                    f"hộ có hai chủ hộ (dòng {heads[0]} và {heads[1]})",
                )
            )
        others = [m for m in registry if m["id"] not in matched]
        head_plan = next((m for m in member_plans if m.values.get("relationship") == Relationship.HEAD), None)
        if head_plan is not None and any(m["relationship"] == Relationship.HEAD for m in others):
            problems.append(
                (
                    head_plan.row,
                    self.header("relationship"),
                    "hộ đã có chủ hộ khác trong sổ: sửa quan hệ của chủ hộ cũ trên phiếu hộ trước",
                )
            )
        # Head name and ethnic group of the household
        if head_plan is not None:
            values["head_name"] = head_plan.values["full_name"]
        if not values.get("head_name") and not (existing and existing["head_name"]):
            problems.append(
                (
                    group.first_row,
                    self.header("full_name"),
                    "hộ chưa có chủ hộ: ghi một thành viên có quan hệ 'Chủ hộ' hoặc cột 'Họ và tên chủ hộ'",
                )
            )
        household_ethnic = None
        if head_plan is not None and head_plan.values.get("ethnic_group"):
            household_ethnic = head_plan.values["ethnic_group"]
        else:
            household_ethnic = next(
                (r.ethnic_group for r in group.rows if r.ethnic_group and not r.member), None
            )
        if household_ethnic:
            values["ethnic_group"] = household_ethnic
        if existing is not None and "category" in values and values["category"] != existing["category"]:
            problems.append(
                (
                    where["category"],
                    self.header("category"),
                    "phân loại của hộ đã có chỉ thay đổi qua rà soát; "
                    "để trống hoặc ghi đúng phân loại hiện tại",
                )
            )
        if existing is not None and not existing["is_active"]:
            problems.append(
                (group.first_row, self.header("code"), f"hộ {group.code} đã ngừng theo dõi trong sổ")
            )
        if problems:
            self._reject(group, outcome, problems)
            return None
        self._count_list(group, values, member_plans, others, head_not_member, outcome)
        for plan in member_plans:
            if plan.existing_id is None:
                plan.values.setdefault(
                    "ethnic_group", household_ethnic or (existing or {}).get("ethnic_group") or "01"
                )
        changes: dict[str, Any] = {}
        if existing is not None:
            for name, value in values.items():
                old = existing.get(name)
                if name == "devices":
                    if sorted(old or []) != sorted(value):
                        changes[name] = value
                elif old != value:
                    changes[name] = value
            if village_id != existing["village_id"] or (village_id is None and village_name):
                changes["village_id"] = village_id
        return HouseholdPlan(
            group=group,
            commune_id=commune.pk,
            village_id=village_id,
            village_name=village_name,
            existing=existing,
            values=values,
            changes=changes,
            members=member_plans,
            others=others,
        )


# --- Writing ---------------------------------------------------------------------------------------------


def _search_text(
    code: str, head_name: str, phone: str, address: str, members: Iterable[dict[str, Any]]
) -> str:
    parts = [code, head_name, phone, address]
    for m in members:
        parts.extend([m.get("full_name") or "", m.get("national_id") or ""])
    return fold(" ".join(p for p in parts if p))


def _member_model(values: dict[str, Any], household_id: int) -> Member:
    data = {k: values[k] for k in MEMBER_VALUE_KEYS if k in values}
    for name in NOT_NULL_BOOLS:
        if name in data and data[name] is None:
            data[name] = False
    return Member(household_id=household_id, **data)


def count_plans(plans: list[HouseholdPlan], outcome: Outcome) -> None:
    for plan in plans:
        member_changes = any(m.existing_id is None or m.changes for m in plan.members)
        if plan.is_new:
            outcome.households_created += 1
        elif plan.changes or member_changes:
            outcome.households_updated += 1
        else:
            outcome.households_unchanged += 1
        for m in plan.members:
            if m.existing_id is None:
                outcome.members_created += 1
            elif m.changes:
                outcome.members_updated += 1
            else:
                outcome.members_unchanged += 1


def _history_rows(
    rows: list[dict[str, Any]], *, now: Any, user_id: int | None, kind: str
) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "history_date": now,
            "history_type": kind,
            "history_user_id": user_id,
            "history_change_reason": None,
        }
        for row in rows
    ]


def write_plans(
    plans: list[HouseholdPlan],
    *,
    user: Any,
    villages: dict[str, int],
    classifier: Classifier | None = None,
    classified: Counter[str] | None = None,
) -> tuple[list[int], list[int]]:
    """Write the planned households of a chunk (inside the caller's transaction); return the ids of the
    households created and of those updated. With a ``classifier``, new households are classified before
    they are inserted (their engine fields go in with them; ``classified`` counts the categories); the
    caller reclassifies the updated ones.

    New households and members go in with ``bulk.insert_rows`` (ids allocated first, one prepared INSERT
    per table, a history row each); changed ones through the ORM's ``bulk_update`` (rare, and their history
    rows need the full current row)."""
    now = timezone.now()
    history_user = user if getattr(user, "pk", None) else None
    user_id = history_user.pk if history_user is not None else None
    new_plans: list[HouseholdPlan] = []
    to_update: list[HouseholdPlan] = []
    for plan in plans:
        if plan.village_id is None and plan.village_name:
            plan.village_id = villages[f"{plan.commune_id}|{village_match(plan.village_name)}"]
            if plan.existing is not None:
                plan.changes["village_id"] = plan.village_id
        if plan.is_new:
            new_plans.append(plan)
        elif plan.changes or any(m.existing_id is None or m.changes for m in plan.members):
            to_update.append(plan)
    created: list[int] = []
    updated_ids: list[int] = []
    household_of: dict[int, int] = {}
    # New households
    household_rows = []
    for plan, pk in zip(new_plans, allocate_ids(Household, len(new_plans)), strict=True):
        v = plan.values
        ethnic = v.get("ethnic_group") or "01"
        row = {k: v[k] for k in HOUSEHOLD_VALUE_KEYS if k in v}
        row.update(
            id=pk,
            created_at=now,
            updated_at=now,
            code=plan.group.code,
            commune_id=plan.commune_id,
            village_id=plan.village_id,
            head_name=v.get("head_name", ""),
            ethnic_group=ethnic,
            is_ethnic_minority=is_ethnic_minority(ethnic),
            no_working_capacity=bool(v.get("no_working_capacity")),
            search_text=_search_text(
                plan.group.code,
                v.get("head_name", ""),
                v.get("phone", ""),
                v.get("address", ""),
                (m.values for m in plan.members),
            ),
        )
        household_rows.append(row)
        household_of[id(plan)] = pk
        created.append(pk)
    if classifier is not None and household_rows:
        encoded_members = [
            encode_member(household_of[id(plan)], m.values) for plan in new_plans for m in plan.members
        ]
        result = classifier.classify(
            [encode_household(r["id"], r["commune_id"], r) for r in household_rows], encoded_members
        )
        for row, standard, category, provincial, keys, unknown in zip(
            household_rows,
            result.standard,
            result.category,
            result.provincial_category,
            result.deprived_keys,
            result.unknown_keys,
            strict=True,
        ):
            row.update(
                engine_standard=standard,
                engine_category=category,
                engine_provincial_category=provincial,
                deprived_keys=keys,
                unknown_keys=unknown,
            )
        if classified is not None:
            classified.update(result.category)
    insert_rows(Household, household_rows)
    insert_rows(Household.history.model, _history_rows(household_rows, now=now, user_id=user_id, kind="+"))
    # Changed households
    updated: list[Household] = []
    update_fields: set[str] = set()
    instances = Household.objects.in_bulk([(p.existing or {})["id"] for p in to_update])
    for plan in to_update:
        household = instances[(plan.existing or {})["id"]]
        for name, value in plan.changes.items():
            setattr(household, name, value)
        if "ethnic_group" in plan.changes:
            household.is_ethnic_minority = is_ethnic_minority(household.ethnic_group)
            update_fields.add("is_ethnic_minority")
        household.version += 1
        household.updated_at = now
        household.search_text = _search_text(
            plan.group.code,
            household.head_name,
            household.phone,
            household.address,
            [*(m.values for m in plan.members), *plan.others],
        )
        update_fields.update(k if k != "village_id" else "village" for k in plan.changes)
        updated.append(household)
        household_of[id(plan)] = household.pk
        updated_ids.append(household.pk)
    if updated:
        fields = sorted(update_fields | {"version", "updated_at", "search_text", "head_name"})
        Household.objects.bulk_update(updated, fields, batch_size=500)
        Household.history.bulk_history_create(updated, batch_size=500, default_user=history_user, update=True)
    # Members
    new_members: list[tuple[int, MemberPlan]] = []
    changed: list[MemberPlan] = []
    for plan in (*new_plans, *to_update):
        for m in plan.members:
            if m.existing_id is None:
                new_members.append((household_of[id(plan)], m))
            elif m.changes:
                changed.append(m)
    member_rows = []
    for (household_id, m), pk in zip(new_members, allocate_ids(Member, len(new_members)), strict=True):
        row = {k: m.values[k] for k in MEMBER_VALUE_KEYS if k in m.values}
        for name in NOT_NULL_BOOLS:
            if name in row and row[name] is None:
                row[name] = False
        row.update(id=pk, household_id=household_id, created_at=now, updated_at=now)
        member_rows.append(row)
    insert_rows(Member, member_rows)
    insert_rows(Member.history.model, _history_rows(member_rows, now=now, user_id=user_id, kind="+"))
    changed_members = []
    member_fields: set[str] = set()
    current = Member.objects.in_bulk([m.existing_id for m in changed])
    for m in changed:
        member = current[m.existing_id]
        for name, value in m.changes.items():
            setattr(member, name, False if value is None and name in NOT_NULL_BOOLS else value)
        member.version += 1
        member.updated_at = now
        member_fields.update(m.changes)
        changed_members.append(member)
    if changed_members:
        Member.objects.bulk_update(
            changed_members, sorted(member_fields | {"updated_at", "version"}), batch_size=500
        )
        Member.history.bulk_history_create(
            changed_members, batch_size=500, default_user=history_user, update=True
        )
    return created, updated_ids


# --- The run -------------------------------------------------------------------------------------------


@dataclass
class ImportOptions:
    mapping: list[str]
    commune_id: int | None = None
    valid_rows_only: bool = False
    create_villages: list[str] = field(default_factory=list)
    dry_run: bool = False
    # The recognition decision the list is attached to (else read from its title) and the category of a
    # list without a category column (else read from its title: "DANH SÁCH HỘ NGHÈO").
    decision_number: str = ""
    decision_date: dt.date | None = None
    category: str = ""
    # Village names confirmed as other names of existing villages: "commune_id|folded name" -> village id.
    village_aliases: dict[str, int] = field(default_factory=dict)


def list_defaults(
    table: Table, options: ImportOptions, commune: Area | None
) -> tuple[dict[str, Any], list[str]]:
    """The values a commune's list gives all its households (from the options, else from its title), and
    what was understood (Vietnamese lines for the report)."""
    from .units import title_facts, unit_check

    facts = title_facts(table.title)
    notices: list[str] = []
    defaults: dict[str, Any] = {}
    number = options.decision_number or facts.decision_number
    day = options.decision_date or facts.decision_date
    if number:
        defaults["category_decision"] = number
    if day:
        defaults["category_since"] = day
    if number or day:
        source = "đã nhập" if options.decision_number or options.decision_date else "đọc từ tiêu đề"
        shown = f"{day:%d/%m/%Y}" if day else "?"
        notices.append(f"Quyết định công nhận ({source}): số {number or '?'} ngày {shown}.")
    category = options.category or facts.category
    if category:
        defaults["category"] = category
        if not options.category:
            label = "hộ nghèo" if category == "poor" else "hộ cận nghèo"
            notices.append(f"Tiêu đề là danh sách {label}: hộ không ghi phân loại được ghi là {label}.")
    if commune is not None and facts.unit_text:
        same, message = unit_check(facts.unit_text, commune)
        if message:
            notices.append(message if same else f"Cảnh báo: {message}")
    return defaults, notices


def _create_villages(keys: Iterable[str], proposals: dict[str, dict[str, Any]], user: Any) -> dict[str, int]:
    from giamngheo.geo.services import village_create

    created: dict[str, int] = {}
    for key in keys:
        proposal = proposals.get(key)
        if proposal is None:
            continue
        commune = Area.objects.get(pk=int(key.split("|", 1)[0]))
        folded = fold(proposal["village"])
        word = next((w for w in VILLAGE_WORDS if folded.startswith(w + " ")), "")
        division = DIVISION_BY_WORD.get(
            word, DivisionType.QUARTER if commune.division_type == DivisionType.WARD else DivisionType.HAMLET
        )
        village = village_create(
            commune=commune, name=proposal["village"], division_type=division, acting_user=user
        )
        created[key] = village.pk
    return created


def household_import(
    *,
    table: Table,
    options: ImportOptions,
    acting_user: Any,
    progress: Callable[[str, int, int], None] | None = None,
    total_rows: int = 0,
    keep_plans: Path | None = None,
    checked_plans: Path | None = None,
) -> Outcome:
    """Validate the whole table, then (unless a dry run, or rows were rejected and the user did not choose
    to import the valid rows) write it. ``progress(stage, done, total)`` reports rows read and households
    written.

    ``keep_plans``: a dry run stores its plans (and its outcome) there. ``checked_plans``: an import given
    the plans of its dry run does not read the file again (unless villages are to be created, which changes
    the plans): it only writes, each chunk verified against the registry as it is then."""
    started = time.perf_counter()
    commune = None
    if options.commune_id is not None:
        commune = Area.objects.filter(
            area_q(acting_user), pk=options.commune_id, level=AreaLevel.COMMUNE
        ).first()
        if commune is None:
            raise ValidationFailed("Bạn không được nhập dữ liệu cho xã này.")
    columns = mapped_columns(table.headers, options.mapping)
    headers = {c.field.key: c.header for c in columns}
    defaults, notices = list_defaults(table, options, commune)
    planner = Planner(
        user=acting_user,
        sheet=table.sheet,
        commune=commune,
        create_villages=options.create_villages,
        headers=headers,
        defaults=defaults,
        village_aliases=options.village_aliases,
    )
    # A list named by its heads without codes: codes are generated (a member list needs its codes).
    generate_codes = "code" not in headers and "head_name" in headers and "full_name" not in headers
    outcome = Outcome()
    stage_read = "Đọc và kiểm tra tệp"

    def counted(rows: Iterator[Row]) -> Iterator[Row]:
        for row in rows:
            outcome.rows += 1
            if progress is not None and outcome.rows % 5_000 == 0:
                progress(stage_read, outcome.rows, total_rows)
            yield row

    with tempfile.TemporaryFile() as scratch, ExitStack() as stack:
        staged: IO[bytes] = scratch
        plans_at = 0
        if (
            checked_plans is not None
            and checked_plans.is_file()
            and not options.create_villages
            and not options.village_aliases
        ):
            # The plans of this file's check (its dry run): only the second pass is left to do.
            staged = stack.enter_context(checked_plans.open("rb"))
            checked = outcome_load(stage_load(staged))
            plans_at = staged.tell()
            outcome = replace(checked, written_ids=[], written=False)
        else:
            chunk: list[Group] = []

            def plan_chunk(groups: list[Group]) -> None:
                plans = planner.plan(groups, outcome)
                outcome.households += len(groups)
                count_plans(plans, outcome)
                stage_dump([p.freeze() for p in plans], scratch)

            for group in group_rows(
                counted(parse_rows(table, options.mapping)), generate_codes=generate_codes
            ):
                chunk.append(group)
                if len(chunk) >= CHUNK:
                    plan_chunk(chunk)
                    chunk = []
            if chunk:
                plan_chunk(chunk)
            if progress is not None:
                progress(stage_read, outcome.rows, outcome.rows)
            outcome.notices = notices
            if table.end:
                outcome.notices.append(
                    f"Bảng dừng ở dòng {table.end['row']} ('{table.end['text'][:80]}'): các dòng từ đó trở "
                    "xuống (nơi, ngày ký, người ký) không phải dữ liệu."
                )
            if options.dry_run and keep_plans is not None:
                with private_file(keep_plans) as kept:
                    stage_dump(outcome_dump(outcome), kept)
                    scratch.seek(0)
                    shutil.copyfileobj(scratch, kept)
        if options.dry_run or (outcome.error_count and not options.valid_rows_only):
            outcome.seconds = time.perf_counter() - started
            return outcome
        writable = outcome.households_created + outcome.households_updated
        if not writable and not options.create_villages:
            outcome.seconds = time.perf_counter() - started
            return outcome
        # Second pass: write the staged plans, chunk by chunk, each checked first against the registry as
        # it is now (someone may have saved a household or a member since the first pass read it).
        staged.seek(plans_at)
        check = Outcome()
        villages = _create_villages_from_staged(staged, options.create_villages, planner, acting_user)
        outcome.villages_created = len(villages)
        _confirm_aliases(options.village_aliases, acting_user)
        staged.seek(plans_at)
        written = 0
        communes: set[int] = set()
        stage_write = "Ghi vào sổ hộ"
        if progress is not None:
            progress(stage_write, 0, writable)
        classifier: Classifier | None = None
        next_analyze = 4 * CHUNK
        classified: Counter[str] = Counter()
        to_reclassify: list[int] = []
        for plans in _load(staged):
            if classifier is None and plans:
                province = Area.objects.get(pk=plans[0].commune_id).parent
                classifier = Classifier(province=province) if province is not None else None
            with transaction.atomic():
                plans = planner.verify(plans, check)
                created, changed = write_plans(
                    plans, user=acting_user, villages=villages, classifier=classifier, classified=classified
                )
            outcome.written_ids.extend(created + changed)
            to_reclassify.extend(changed)
            communes.update(p.commune_id for p in plans)
            written += len(created) + len(changed)
            if written >= next_analyze:
                _analyze()
                next_analyze *= 4
            if progress is not None:
                progress(stage_write, written, writable)
        for issue in check.errors:  # conflicts with changes saved between the two passes
            outcome.add_error(issue)
        if check.households_rejected:
            outcome.households_rejected += check.households_rejected
            outcome.rows_rejected += check.rows_rejected
    outcome.written = True
    if outcome.written_ids:
        if progress is not None:
            progress("Phân loại theo chuẩn nghèo", 0, len(outcome.written_ids))
        _analyze()
        classified.update(households_reclassify(household_ids=to_reclassify))
        outcome.classified = dict(classified)
        # The review recounts the open round's summaries of these communes (reviews.receivers).
        households_changed.send(sender=Household, commune_ids=communes)
    outcome.seconds = time.perf_counter() - started
    audit_record(
        actor=acting_user,
        action="dataio.household_import",
        target=commune,
        after={k: v for k, v in outcome.summary().items() if k not in ("new_villages",)},
        note=f"{table.sheet}: {outcome.seconds:.1f} s",
    )
    return outcome


def _create_villages_from_staged(
    staged: IO[bytes], keys: list[str], planner: Planner, user: Any
) -> dict[str, int]:
    """Create the approved villages that the staged households use (names as written in the file)."""
    if not keys:
        return {}
    wanted = set(keys)
    proposals: dict[str, dict[str, Any]] = {}
    for plans in _load(staged):
        for plan in plans:
            if plan.village_id is None and plan.village_name:
                key = f"{plan.commune_id}|{village_match(plan.village_name)}"
                if key in wanted and key not in proposals:
                    proposals[key] = {"village": plan.village_name}
    with transaction.atomic():
        return _create_villages(proposals.keys(), proposals, user)


def _confirm_aliases(aliases: dict[str, int], user: Any) -> None:
    """Remember the village names the user mapped to existing villages (the next import matches them)."""
    from giamngheo.geo.services import village_alias_confirm

    for key, village_id in aliases.items():
        village = Area.objects.filter(pk=village_id, level=AreaLevel.VILLAGE).first()
        if village is not None and key.partition("|")[0] == str(village.parent_id):
            village_alias_confirm(village=village, alias=key.partition("|")[2], acting_user=user)


def _load(staged: IO[bytes]) -> Iterator[list[HouseholdPlan]]:
    while True:
        try:
            frozen = stage_load(staged)
            yield [HouseholdPlan.thaw(f) for f in frozen]
        except EOFError:
            return


def _analyze() -> None:
    """Refresh PostgreSQL's statistics of the registry while an import grows it: a first import into an empty
    registry would otherwise be planned as if the tables were still empty (sequential scans, time growing with
    the square of the size) until autovacuum catches up."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Household, Member))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
