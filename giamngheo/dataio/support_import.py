"""Importing support records (a policy delivered to a household or a member) from a spreadsheet.

One row per recipient. The file is read by ``reading.open_table`` (xlsx, xls, ods, csv in any encoding, a
title block above the header row), cells by the household import's parsers (``fields.Field.parse``: dates
as dd/mm/yyyy, Excel dates or ISO; amounts as 1500000 or 1.500.000), and errors are the import's
``Issue`` ("Dòng 7, cột Mã hộ: …"). Each row is resolved to a ``policies.services.SupportItem``: the
policy by its code, the household by its code in its commune (among the user's communes), the member by
national ID, else by name and date of birth. Then ``support_records_write`` — the one set of rules of
support recording, all or nothing — validates and writes them; a check (dry run) runs the same call in a
transaction that is rolled back. A row that cannot be resolved, or that the service refuses, refuses the
whole file: nothing is written, and every error is reported with its row.

``run_support_import_job`` is the background job's handler (``JobKind.SUPPORT_IMPORT``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.core.audit import audit_record
from giamngheo.core.bulk import chunks
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Member
from giamngheo.households.selectors import HouseholdFilters, household_list
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress
from giamngheo.policies.models import FundingSource, Policy, PolicyLevel
from giamngheo.policies.services.support import (
    Recipient,
    SupportData,
    SupportItem,
    SupportRejected,
    support_records_write,
)

from . import template
from .fields import BY_KEY, CellError, Field, compact
from .import_jobs import ERRORS_SHOWN
from .imports.planning import Planner
from .imports.rows import Column, Group, Issue
from .reading import FileRejected, Table, blank, open_table
from .report import write_error_report

STAGE_READ = "Đọc và kiểm tra tệp"
STAGE_CHECK = "Kiểm tra theo quy định của chính sách"
STAGE_WRITE = "Ghi các lần hỗ trợ"

FUNDING_VI = {
    FundingSource.CENTRAL: "Trung ương",
    FundingSource.LOCAL: "Địa phương",
    FundingSource.SOCIAL: "Xã hội hóa",
    FundingSource.CREDIT: "Tín dụng ưu đãi",
}
# Other ways communes write the funding source (folded; spaces do not matter).
FUNDING_EXTRA = {
    "ngan sach trung uong": FundingSource.CENTRAL,
    "nstw": FundingSource.CENTRAL,
    "tw": FundingSource.CENTRAL,
    "ngan sach dia phuong": FundingSource.LOCAL,
    "nsdp": FundingSource.LOCAL,
    "ngan sach tinh": FundingSource.LOCAL,
    "xhh": FundingSource.SOCIAL,
    "dong gop": FundingSource.SOCIAL,
    "dong gop xa hoi": FundingSource.SOCIAL,
    "tin dung": FundingSource.CREDIT,
    "tin dung chinh sach": FundingSource.CREDIT,
    "vay uu dai": FundingSource.CREDIT,
    "nhcsxh": FundingSource.CREDIT,
    "ngan hang chinh sach xa hoi": FundingSource.CREDIT,
}

COMMUNE = Field(
    "commune",
    "Mã xã",
    "location",
    max_length=150,
    aliases=("Xã", "Phường", "Xã/phường", "Xã/phường/đặc khu", "Tên xã", "Mã xã/phường", "Mã đơn vị"),
    help="Mã (hoặc tên) của xã, phường, đặc khu. Không cần khi đã chọn xã lúc tải tệp lên.",
)
POLICY = Field(
    "policy",
    "Mã chính sách",
    "household",
    required=True,
    max_length=16,
    aliases=("Chính sách", "Mã CS", "Mã chính sách hỗ trợ", "policy_code"),
    help="Mã của chính sách trong danh mục (ví dụ H1, C1). Trang 'Hướng dẫn' liệt kê các chính sách.",
)
SUPPORT_FIELDS: tuple[Field, ...] = (
    COMMUNE,
    replace(BY_KEY["code"], help="Mã hộ trong xã, như trong sổ hộ."),
    POLICY,
    replace(
        BY_KEY["national_id"],
        help="Chính sách cấp cho thành viên: số CCCD của người nhận (hoặc ghi họ và tên và ngày sinh). "
        "Để trống với chính sách cấp cho hộ.",
    ),
    replace(BY_KEY["full_name"], help="Chính sách cấp cho thành viên, khi không có số CCCD: họ và tên."),
    replace(BY_KEY["date_of_birth"], help="Cùng với họ và tên, khi không có số CCCD."),
    Field(
        "date",
        "Ngày nhận",
        "household",
        "date",
        required=True,
        aliases=("Ngày nhận hỗ trợ", "Ngày hỗ trợ", "Ngày cấp", "Ngày chi", "Ngày giải ngân", "Ngày"),
        help="Ngày/tháng/năm (15/03/2026) hoặc ô kiểu ngày của Excel; trong thời gian hiệu lực của "
        "chính sách.",
    ),
    Field(
        "quantity",
        "Số lượng",
        "household",
        "int",
        minimum=1,
        maximum=1_000_000,
        aliases=("SL", "Số suất", "Số lượng hỗ trợ"),
        help="Số nguyên từ 1 (thẻ, suất, tháng…). Để trống là 1.",
    ),
    Field(
        "amount",
        "Số tiền (đồng)",
        "household",
        "money",
        maximum=100_000_000_000,
        aliases=("Số tiền", "Thành tiền", "Kinh phí", "Số tiền hỗ trợ", "Giá trị hỗ trợ", "Số tiền (VNĐ)"),
        help="Số nguyên, đồng; được viết 1500000 hoặc 1.500.000. Không được âm. Để trống là 0.",
    ),
    Field(
        "funding_source",
        "Nguồn kinh phí",
        "household",
        "choice",
        required=True,
        choices=tuple((str(code), label) for code, label in FUNDING_VI.items()),
        extra_choices=tuple((k, str(v)) for k, v in FUNDING_EXTRA.items()),
        aliases=("Nguồn vốn", "Nguồn", "Nguồn kinh phí hỗ trợ", "Nguồn ngân sách"),
    ),
    Field(
        "project",
        "Dự án",
        "household",
        aliases=("Dự án/tiểu dự án", "Tiểu dự án", "Thuộc dự án", "Dự án, tiểu dự án"),
        help="Dự án, tiểu dự án của chương trình. Để trống: dự án của chính sách.",
    ),
    Field(
        "document",
        "Số văn bản",
        "household",
        aliases=("Văn bản", "Số quyết định", "Quyết định", "Số QĐ", "Văn bản/quyết định", "Căn cứ"),
        help="Số và ngày của quyết định hay văn bản cấp hỗ trợ.",
    ),
    Field(
        "reason",
        "Lý do",
        "household",
        max_length=2000,
        aliases=("Lý do hỗ trợ", "Lý do ngoài diện", "Lý do (người không thuộc diện)"),
        help="Bắt buộc khi người nhận không thuộc diện của chính sách: vì sao vẫn hỗ trợ (bản ghi được "
        "đánh dấu).",
    ),
)
SUPPORT_BY_KEY: dict[str, Field] = {f.key: f for f in SUPPORT_FIELDS}
MEMBER_COLUMNS = ("national_id", "full_name", "date_of_birth")
REQUIRED_COLUMNS = tuple(f.key for f in SUPPORT_FIELDS if f.required)
IDENTIFYING = ("code", "policy", *MEMBER_COLUMNS)
TOTAL_WORDS = frozenset({"tong", "tong cong", "cong", "tong so", "cong tien"})
# Columns lists of recipients often have, that the import reads past.
IGNORED_HEADERS = (
    "STT",
    "TT",
    "Số thứ tự",
    "Ghi chú",
    "Họ và tên chủ hộ",
    "Chủ hộ",
    "Tên chính sách",
    "Thôn/ấp/khu phố",
    "Thôn",
    "Ấp",
    "Địa chỉ",
    "Giới tính",
    "Dân tộc",
    "Ký nhận",
    "Ký tên",
)


# --- Columns -------------------------------------------------------------------------------------------


@cache
def _names() -> dict[str, str]:
    """Folded header or alias -> field key ("" for the columns read past). A field's own header wins over
    another field's alias."""
    names = dict.fromkeys((fold(h) for h in IGNORED_HEADERS), "")
    for f in reversed(SUPPORT_FIELDS):
        names.update({fold(alias): f.key for alias in (f.key, *f.aliases)})
    names.update({fold(f.header): f.key for f in SUPPORT_FIELDS})
    return names


def support_mapping(headers: list[str]) -> list[str]:
    """The field of each header ("" for none), each field once; "Số tiền (VNĐ)" is "Số tiền"."""
    names = _names()
    used: set[str] = set()
    keys: list[str] = []
    for header in headers:
        folded = fold(header or "").strip(" *:.")
        key = names.get(folded)
        if key is None and "(" in folded:
            key = names.get(folded[: folded.index("(")].strip(), "")
        key = "" if not key or key in used else key
        used.add(key)
        keys.append(key)
    return keys


def support_columns(headers: list[str]) -> list[Column]:
    return [
        Column(index, header or SUPPORT_BY_KEY[key].header, SUPPORT_BY_KEY[key])
        for index, (header, key) in enumerate(zip(headers, support_mapping(headers), strict=True))
        if key
    ]


def column_problems(headers: list[str], *, fixed_commune: bool) -> list[str]:
    """The columns a file of support records lacks (Vietnamese; empty when it has what it needs)."""
    keys = set(support_mapping(headers))
    missing = [SUPPORT_BY_KEY[k].header for k in REQUIRED_COLUMNS if k not in keys]
    if not fixed_commune and "commune" not in keys:
        missing.insert(0, COMMUNE.header)
    if not missing:
        return []
    return [
        "Tệp thiếu cột: "
        + ", ".join(f"'{name}'" for name in missing)
        + ". Dùng tệp mẫu, hoặc đặt tên cột như tệp mẫu."
    ]


# --- The outcome ---------------------------------------------------------------------------------------


@dataclass
class SupportOutcome:
    dry_run: bool = False
    rows: int = 0
    records: int = 0  # written, or that would be written (a check)
    households: int = 0
    amount: int = 0
    not_entitled: int = 0  # records given with a reason to someone not entitled (flagged)
    written: bool = False
    seconds: float = 0.0
    errors: list[Issue] = field(default_factory=list)
    error_rows: dict[int, list[str]] = field(default_factory=dict)

    def add_error(self, issue: Issue) -> None:
        self.errors.append(issue)
        text = f"{issue.column}: {issue.message}" if issue.column else issue.message
        self.error_rows.setdefault(issue.row, []).append(text)

    @property
    def rows_rejected(self) -> int:
        return len(self.error_rows)

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "records": self.records,
            "households": self.households,
            "amount": self.amount,
            "not_entitled": self.not_entitled,
            "rows_rejected": self.rows_rejected,
            "errors": len(self.errors),
            "written": self.written,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 1),
        }


# --- Reading the rows ----------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    member_cells: dict[str, Any]  # read only for member-level policies
    problems: list[tuple[str, str]]  # (column, message)


def _total_line(raw: list[Any], columns: list[Column]) -> bool:
    """The "Tổng cộng" line under a list: no recipient nor policy, a cell that says it is a total."""
    named = any(
        c.field.key in IDENTIFYING and c.index < len(raw) and not blank(raw[c.index]) for c in columns
    )
    return not named and any(isinstance(v, str) and fold(v).rstrip(" :") in TOTAL_WORDS for v in raw)


def _read(table: Table, columns: list[Column]) -> Iterator[_Row]:
    for number, raw in table.rows:
        if _total_line(raw, columns):
            continue
        row = _Row(number, {}, {}, [])
        for column in columns:
            value = raw[column.index] if column.index < len(raw) else None
            if blank(value):
                continue
            if column.field.key in MEMBER_COLUMNS:
                row.member_cells[column.field.key] = value
                continue
            try:
                row.values[column.field.key] = column.field.parse(value)
            except CellError as exc:
                row.problems.append((column.header, str(exc)))
        given = {header for header, _m in row.problems}
        for key in REQUIRED_COLUMNS:
            header = _header(columns, key)
            if key not in row.values and header not in given:
                row.problems.append((header, "bắt buộc"))
        yield row


def _header(columns: Iterable[Column], key: str) -> str:
    return next((c.header for c in columns if c.field.key == key), SUPPORT_BY_KEY[key].header)


# --- Resolving rows to recipients ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    date_of_birth: Any
    national_id: str


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class _Resolver:
    """Policies by code, communes (the household import's ``Planner`` rules), households by code within
    their commune and members by national ID or name and date of birth — all within the user's scope, and
    never saying anything about what lies outside it."""

    def __init__(self, *, user: User, sheet: str, commune: Area | None, columns: list[Column]) -> None:
        self.user = user
        self.sheet = sheet
        self.columns = columns
        self.planner = Planner(user=user, sheet=sheet, commune=commune)
        self.policies = {compact(p.code): p for p in Policy.objects.all()}
        self.communes: dict[str, tuple[Area | None, str]] = {}

    def header(self, key: str) -> str:
        return _header(self.columns, key)

    def commune(self, text: str) -> tuple[Area | None, str]:
        if text not in self.communes:
            self.communes[text] = self.planner.resolve_commune(Group(commune=text, code="", rows=[]))
        return self.communes[text]

    def resolve(self, rows: list[_Row], outcome: SupportOutcome) -> tuple[list[SupportItem], list[int]]:
        """The items of the rows that resolve, and their row numbers; the others' errors go to outcome."""
        located: list[tuple[_Row, Policy | None, Area | None]] = []
        for row in rows:
            policy = None
            if "policy" in row.values:
                policy = self.policies.get(compact(row.values["policy"]))
                if policy is None:
                    unknown = f"không có mã chính sách '{row.values['policy']}' trong danh mục"
                    row.problems.append((self.header("policy"), unknown))
            commune, problem = self.commune(str(row.values.get("commune", "")))
            if problem:
                row.problems.append((self.header("commune"), problem))
            located.append((row, policy, commune))
        households = self._households(
            {(c.pk, str(r.values["code"])) for r, _p, c in located if c is not None and "code" in r.values}
        )
        members = self._members(
            {
                households[(c.pk, str(r.values["code"]))][0]
                for r, p, c in located
                if p is not None and p.level == PolicyLevel.MEMBER and c is not None
                if (c.pk, str(r.values.get("code"))) in households
            }
        )
        items: list[SupportItem] = []
        numbers: list[int] = []
        for row, policy, commune in located:
            household_id = self._household(row, commune, households)
            member_id = None
            if household_id is not None and policy is not None and policy.level == PolicyLevel.MEMBER:
                member_id = self._member(row, policy, members.get(household_id, []))
            if row.problems:
                for column, message in row.problems:
                    outcome.add_error(Issue(self.sheet, row.number, column, message))
                continue
            if policy is None or household_id is None:  # not without a problem
                continue
            v = row.values
            data = SupportData(
                date=v["date"],
                funding_source=v["funding_source"],
                quantity=v.get("quantity", 1),
                amount=v.get("amount", 0),
                project=v.get("project", ""),
                document=v.get("document", ""),
                reason=v.get("reason", ""),
            )
            items.append(SupportItem(policy, Recipient(household_id, member_id), data))
            numbers.append(row.number)
        return items, numbers

    def _households(self, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, bool]]:
        """(commune id, code) -> (household id, active) for the households of the user's scope."""
        found: dict[tuple[int, str], tuple[int, bool]] = {}
        by_commune: dict[int, list[str]] = {}
        for commune_id, code in wanted:
            by_commune.setdefault(commune_id, []).append(code)
        visible = household_list(user=self.user, filters=HouseholdFilters(include_inactive=True)).order_by()
        for commune_id, codes in by_commune.items():
            for chunk in chunks(codes):
                for pk, code, active in visible.filter(commune_id=commune_id, code__in=chunk).values_list(
                    "pk", "code", "is_active"
                ):
                    found[(commune_id, code)] = (pk, active)
        return found

    def _members(self, household_ids: set[int]) -> dict[int, list[_Person]]:
        people: dict[int, list[_Person]] = {}
        for chunk in chunks(sorted(household_ids)):
            for pk, household_id, name, born, national_id in Member.objects.filter(
                household_id__in=chunk, is_active=True
            ).values_list("pk", "household_id", "full_name", "date_of_birth", "national_id"):
                people.setdefault(household_id, []).append(_Person(pk, name, born, national_id or ""))
        return people

    def _household(
        self, row: _Row, commune: Area | None, households: dict[tuple[int, str], tuple[int, bool]]
    ) -> int | None:
        if commune is None or "code" not in row.values:
            return None
        code = str(row.values["code"])
        found = households.get((commune.pk, code))
        if found is None:
            row.problems.append((self.header("code"), f"không có hộ mã '{code}' trong {commune.name}"))
            return None
        if not found[1]:
            row.problems.append(
                (self.header("code"), f"hộ mã '{code}' không còn trong sổ hộ (đã ra khỏi sổ)")
            )
            return None
        return found[0]

    def _member(self, row: _Row, policy: Policy, people: list[_Person]) -> int | None:
        cells: dict[str, Any] = {}
        for key, value in row.member_cells.items():
            try:
                cells[key] = SUPPORT_BY_KEY[key].parse(value)
            except CellError as exc:
                row.problems.append((self.header(key), str(exc)))
        if len(cells) < len(row.member_cells):
            return None
        code = row.values["code"]
        national_id, name, born = cells.get("national_id"), cells.get("full_name"), cells.get("date_of_birth")
        if national_id:
            column = self.header("national_id")
            matches = [p for p in people if p.national_id == national_id]
            missing = f"hộ '{code}' không có thành viên nào mang số CCCD {national_id}"
        elif name and born:
            column = self.header("full_name")
            matches = [p for p in people if p.date_of_birth == born and _same_name(p.name, name)] or [
                p for p in people if p.date_of_birth == born and fold(p.name) == fold(name)
            ]
            missing = f"hộ '{code}' không có thành viên nào tên '{name}' sinh ngày {born:%d/%m/%Y}"
        else:
            need = "ngày sinh" if name else "số CCCD, hoặc họ và tên và ngày sinh"
            row.problems.append(
                (
                    self.header("date_of_birth" if name else "national_id"),
                    f"chính sách {policy.code} cấp cho từng thành viên: ghi {need} của người nhận",
                )
            )
            return None
        if len(matches) != 1:
            ambiguous = f"hộ '{code}' có {len(matches)} thành viên cùng tên và ngày sinh: ghi số CCCD"
            row.problems.append((column, ambiguous if matches else missing))
            return None
        return matches[0].id


# --- The run -------------------------------------------------------------------------------------------


class _CheckOnly(Exception):
    """Raised to roll back the writes of a check (dry run)."""


def _commune(user: User, commune_id: int | None) -> Area | None:
    communes = Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE)
    if commune_id is None:
        only = list(communes.filter(is_active=True)[:2])
        return only[0] if len(only) == 1 else None  # a commune's officer: their commune
    commune = communes.filter(pk=commune_id).first()
    if commune is None:
        raise ValidationFailed("Bạn không được nhập dữ liệu cho xã này.")
    return commune


def support_import(
    *,
    table: Table,
    acting_user: User | None,
    commune_id: int | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> SupportOutcome:
    """Read, resolve and validate every row; unless a check, or a row was refused, write them all."""
    started = time.perf_counter()
    if not can(acting_user, Capability.RECORD_SUPPORT):
        raise PermissionDenied(_("You may not record support."))
    commune = _commune(acting_user, commune_id)
    problems = column_problems(table.headers, fixed_commune=commune is not None)
    if problems:
        raise ValidationFailed(" ".join(problems))
    columns = support_columns(table.headers)
    outcome = SupportOutcome(dry_run=dry_run)
    rows: list[_Row] = []
    for row in _read(table, columns):
        rows.append(row)
        if progress is not None and len(rows) % 5_000 == 0:
            progress(STAGE_READ, len(rows), 0)
    outcome.rows = len(rows)
    if not rows:
        raise ValidationFailed("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if progress is not None:
        progress(STAGE_READ, len(rows), len(rows))
    resolver = _Resolver(user=acting_user, sheet=table.sheet, commune=commune, columns=columns)
    items, numbers = resolver.resolve(rows, outcome)
    write = not dry_run and not outcome.errors
    if items:
        if progress is not None:
            progress(STAGE_WRITE if write else STAGE_CHECK, 0, len(items))
        try:
            with transaction.atomic():
                records = support_records_write(items=items, acting_user=acting_user)
                outcome.records = len(records)
                outcome.households = len({r.household_id for r in records})
                outcome.amount = sum(r.amount for r in records)
                outcome.not_entitled = sum(not r.eligible for r in records)
                if not write:
                    raise _CheckOnly
            outcome.written = True
        except _CheckOnly:
            pass
        except SupportRejected as exc:
            for position, message in exc.errors:
                outcome.add_error(Issue(table.sheet, numbers[position], "", str(message)))
        if progress is not None:
            progress(STAGE_WRITE if write else STAGE_CHECK, len(items), len(items))
    if outcome.errors:
        outcome.records = outcome.households = outcome.amount = outcome.not_entitled = 0
        outcome.errors.sort(key=lambda issue: issue.row)
    outcome.seconds = time.perf_counter() - started
    if outcome.written:
        audit_record(
            actor=acting_user,
            action="dataio.support_import",
            target=commune,
            after=outcome.summary(),
            note=f"{table.sheet}: {outcome.seconds:.1f} s",
        )
    return outcome


# --- The background job --------------------------------------------------------------------------------


def run_support_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Check or import the job's file (``params``: ``commune_id``, ``dry_run``, ``sheet``); keep the
    summary, the first errors and the error report (the refused rows with the reason) on the job."""
    params = job.params
    dry_run = bool(params.get("dry_run"))
    path, sheet = Path(job.input_file.path), params.get("sheet") or None
    progress.start(STAGE_READ if dry_run else "Kiểm tra rồi ghi các lần hỗ trợ", 0)
    try:  # the upload is read here, never in the request: a file that cannot be read fails with its reason
        table = open_table(path, sheet=sheet)
    except FileRejected as exc:
        raise ValidationFailed(str(exc)) from None
    if not sheet:  # the import that follows a check reads the same sheet
        job.params = {
            **params,
            "sheet": table.sheet,
            "header_row": table.header_row,
            "headers": table.headers,
        }
        Job.objects.filter(pk=job.pk).update(params=job.params)

    def report(stage: str, done: int, total: int) -> None:
        if stage != progress.job.stage:
            progress.job.stage = stage
            progress.log(stage)
        progress.advance(done, total)

    outcome = support_import(
        table=table,
        acting_user=job.created_by,
        commune_id=params.get("commune_id"),
        dry_run=dry_run,
        progress=report,
    )
    if outcome.error_rows:
        progress.log(f"{len(outcome.errors)} lỗi: đang ghi báo cáo lỗi")
        with tempfile.TemporaryFile(suffix=".xlsx") as out:
            write_error_report(out, table=open_table(path, sheet=table.sheet), errors=outcome.error_rows)
            out.seek(0)
            job.report_file.save(f"bao-cao-loi-{job.pk}.xlsx", File(out), save=False)
    summary = outcome.summary()
    summary["error_messages"] = [str(e) for e in outcome.errors[:ERRORS_SHOWN]]
    progress.log(
        ("Kiểm tra xong" if dry_run else "Nhập xong" if outcome.written else "Không nhập")
        + f": {outcome.rows} dòng, {outcome.records} lần hỗ trợ, {len(outcome.errors)} lỗi, "
        f"{outcome.seconds:.1f} giây"
    )
    return summary


# --- The template --------------------------------------------------------------------------------------

SUPPORT_SHEET = "Hỗ trợ chính sách"
SUPPORT_GUIDE = (
    "Hướng dẫn ghi danh sách hỗ trợ chính sách",
    "• Mỗi dòng trên trang 'Hỗ trợ chính sách' là một lần hỗ trợ cho một người nhận: một hộ (chính sách "
    "cấp cho hộ) hoặc một thành viên (chính sách cấp cho thành viên).",
    "• Hộ được nhận ra bằng 'Mã hộ' trong xã; thành viên bằng 'Số CCCD', hoặc 'Họ và tên' cùng 'Ngày sinh'. "
    "Với chính sách cấp cho hộ, các cột của thành viên được bỏ qua.",
    "• Người không thuộc diện của chính sách chỉ được ghi khi có 'Lý do'; bản ghi được đánh dấu.",
    "• Cả tệp được kiểm tra trước: chỉ cần một dòng sai là không dòng nào được ghi. Hãy kiểm tra tệp trước, "
    "sửa các dòng lỗi theo báo cáo lỗi, rồi nhập.",
    "• Cột tô màu cam là bắt buộc. Chọn giá trị trong danh sách thả xuống; ngày ghi theo dạng "
    "ngày/tháng/năm. Không đổi tên cột.",
)
LEVEL_NAMES: dict[str, str] = {PolicyLevel.HOUSEHOLD: "Hộ", PolicyLevel.MEMBER: "Thành viên"}


def template_columns(*, include_commune: bool, policies: Iterable[Policy] = ()) -> tuple[Field, ...]:
    """The template's columns; the policy codes of ``policies`` as the drop-down of 'Mã chính sách'."""
    codes = tuple((p.code, p.code) for p in policies)
    return tuple(
        replace(f, kind="choice", choices=codes) if f.key == "policy" and codes else f
        for f in SUPPORT_FIELDS
        if include_commune or f.key != "commune"
    )


def _write_support_guide(sheet: Worksheet, fields: tuple[Field, ...], policies: list[Policy]) -> None:
    row = 0
    for index, line in enumerate(SUPPORT_GUIDE):
        row += 1
        sheet.cell(row=row, column=1, value=line).font = Font(bold=True, size=14) if index == 0 else Font()

    def table(headers: tuple[str, ...], lines: list[tuple[Any, ...]], required: set[int]) -> None:
        nonlocal row
        row += 2
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=row, column=column, value=header)
            cell.font, cell.fill = template.BOLD, template.HEADER_FILL
        for number, values in enumerate(lines):
            row += 1
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value if value != "" else None)
                cell.alignment = template.WRAP
                if column == 1 and number in required:
                    cell.fill = template.REQUIRED_FILL
                if isinstance(value, dt.date):
                    cell.number_format = template.DATE_FORMAT

    table(
        ("Cột", "Giá trị cho phép", "Bắt buộc", "Giải thích"),
        [(f.header, template.allowed_values(f), "Có" if f.required else "", f.help) for f in fields],
        {i for i, f in enumerate(fields) if f.required},
    )
    table(
        ("Mã chính sách", "Tên chính sách", "Cấp", "Dự án", "Hiệu lực từ", "Đến"),
        [
            (p.code, p.name, LEVEL_NAMES.get(p.level, p.level), p.project, p.valid_from, p.valid_to or "")
            for p in policies
        ],
        set(),
    )
    for column, width in enumerate((24, 50, 12, 50, 14, 14), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_support_template(out: IO[bytes], *, include_commune: bool, policies: Iterable[Policy]) -> None:
    """The support import template (.xlsx): the headers with their drop-downs and cell formats (written by
    the household template's helpers), a guide sheet with the columns and the policies, the hidden lists."""
    in_force = list(policies)
    fields = template_columns(include_commune=include_commune, policies=in_force)
    workbook = Workbook()
    data = workbook.active
    data.title = SUPPORT_SHEET
    guide = workbook.create_sheet(template.GUIDE_SHEET)
    lists = workbook.create_sheet(template.LIST_SHEET)
    references = template.write_lists(lists, fields)
    lists.sheet_state = "hidden"
    template.write_data_sheet(data, fields, references)
    _write_support_guide(guide, fields, in_force)
    workbook.active = 0
    workbook.save(out)
