"""Importing a campaign's donations from a spreadsheet (the "Vì người nghèo" fund): the job, the template.

The upload page stores the file and starts a check job; the job reads the file with ``reading.open_table``,
turns each line into a ``fund.services.DonationInput`` (the unit and the staff member found by name among
the campaign's units the user records for), checks every line (``fund.services.check_donation``: amount,
date within the campaign, unit, staff; the receipt numbers unique in the file and in the campaign) and, for
the import, writes all the lines with ``fund.services.donations_import`` — or none: one refused line refuses
the file. Errors read "Dòng 7, cột Số tiền: …".
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.accounts.models import User
from giamngheo.core.errors import ApplicationError, ValidationFailed
from giamngheo.core.text import fold
from giamngheo.fund import selectors as fund_selectors
from giamngheo.fund import services as fund_services
from giamngheo.fund.models import Campaign, DonorKind, Method
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from . import template
from .fields import Field
from .import_jobs import ERRORS_SHOWN
from .imports.rows import Issue
from .reading import FileRejected, open_table

FUND_IMPORT = "fund_import"  # the job's kind (``jobs.choices.JobKind.FUND_IMPORT``)
MAX_ROWS = 5_000

HEADERS = {
    "receipt_number": "Số biên nhận",
    "date": "Ngày",
    "donor_kind": "Loại người ủng hộ",
    "org_unit": "Đơn vị",
    "staff": "Họ và tên cán bộ",
    "donor_name": "Tên doanh nghiệp, người ủng hộ khác",
    "amount": "Số tiền (đồng)",
    "method": "Hình thức",
    "anonymous": "Ẩn danh",
    "note": "Ghi chú",
}
KIND_NAMES = {
    DonorKind.STAFF: "Cán bộ, công chức",
    DonorKind.UNIT: "Đơn vị",
    DonorKind.BUSINESS: "Doanh nghiệp",
    DonorKind.OTHER: "Cá nhân, tổ chức khác",
}
METHOD_NAMES = {Method.CASH: "Tiền mặt", Method.TRANSFER: "Chuyển khoản", Method.PAYROLL: "Trích lương"}
# A service's field -> the column named in its error.
FIELD_COLUMNS = {"org_unit": "org_unit", "staff": "staff", "amount": "amount", "date": "date"}


@dataclass
class FundOutcome:
    dry_run: bool
    rows: int = 0
    amount: int = 0
    created: int = 0
    errors: list[Issue] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "errors": len(self.errors),
            "rows_rejected": len({i.row for i in self.errors}),
            "written": bool(self.created),
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 1),
            "donations": {"amount": self.amount, "created": self.created},
            "error_messages": [str(issue) for issue in self.errors[:ERRORS_SHOWN]],
        }


def _choice(value: Any, names: dict[Any, str]) -> str | None:
    text = fold(str(value or ""))
    for code, name in names.items():
        if text in (fold(name), fold(str(code))):
            return str(code)
    return None


def _amount(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if float(value) != int(value) or value < 0:
            raise ValueError
        return int(value)
    digits = str(value).strip().removesuffix("đ").removesuffix("đồng").strip()
    cleaned = digits.replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned.isdigit():
        raise ValueError
    return int(cleaned)


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError


def fund_import(*, path: Path, campaign: Campaign, acting_user: User, dry_run: bool) -> FundOutcome:
    """Check (``dry_run``) or import the donations of the file at ``path`` into ``campaign``."""
    started = time.perf_counter()
    outcome = FundOutcome(dry_run=dry_run)
    try:
        table = open_table(path)
    except FileRejected as exc:
        raise ValidationFailed(str(exc)) from None
    folded = {fold(h or ""): i for i, h in enumerate(table.headers)}
    columns = {key: folded[fold(header)] for key, header in HEADERS.items() if fold(header) in folded}
    missing = [HEADERS[k] for k in ("receipt_number", "date", "donor_kind", "amount") if k not in columns]
    if missing:
        raise ValidationFailed(
            _("The file lacks the column(s) %(columns)s. Use the template, or name the columns as it does.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
    units = fund_selectors.recording_units(user=acting_user, campaign=campaign)
    units_by_name = {fold(u.name): u for u in units} | {fold(u.short_name): u for u in units if u.short_name}
    staff = fund_selectors.staff_to_pick(user=acting_user, units=units)
    staff_by_unit_name: dict[tuple[int, str], list[Any]] = {}
    for member in staff:
        staff_by_unit_name.setdefault((member.org_unit_id, fold(member.full_name)), []).append(member)
    seen_receipts: dict[str, int] = {}
    rows: list[fund_services.DonationInput] = []
    for number, record in table.rows:

        def cell(key: str, record: list[Any] = record) -> Any:
            index = columns.get(key)
            return record[index] if index is not None and index < len(record) else None

        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record):
            continue
        outcome.rows += 1
        if outcome.rows > MAX_ROWS:
            raise ValidationFailed(_("The file has too many lines: split it into several files."))
        errors_before = len(outcome.errors)

        def error(key: str, message: str, number: int = number) -> None:
            outcome.errors.append(Issue(table.sheet, number, HEADERS[key], message))

        try:
            amount = _amount(cell("amount"))
        except ValueError:
            amount = None
            error("amount", "số tiền phải là số nguyên (đồng)")
        try:
            day = _date(cell("date"))
        except ValueError:
            day = None
            error("date", "ngày ghi theo dạng ngày/tháng/năm")
        kind = _choice(cell("donor_kind"), KIND_NAMES)
        if kind is None:
            error("donor_kind", "chọn trong danh sách: " + ", ".join(KIND_NAMES.values()))
            continue
        method = _choice(cell("method"), METHOD_NAMES) or (
            Method.CASH if cell("method") in (None, "") else None
        )
        if method is None:
            error("method", "chọn trong danh sách: " + ", ".join(METHOD_NAMES.values()))
            continue
        unit: Any = None
        person: Any = None
        if kind in (DonorKind.STAFF, DonorKind.UNIT):
            unit = units_by_name.get(fold(str(cell("org_unit") or "")))
            if unit is None:
                error(
                    "org_unit", "đơn vị không tham gia cuộc vận động hoặc bạn không được ghi cho đơn vị này"
                )
                continue
        if kind == DonorKind.STAFF and unit is not None:
            found = staff_by_unit_name.get((unit.pk, fold(str(cell("staff") or ""))), [])
            if len(found) != 1:
                error(
                    "staff",
                    "không có cán bộ tên này trong đơn vị"
                    if not found
                    else "đơn vị có nhiều cán bộ cùng tên này: ghi trên biểu mẫu",
                )
                continue
            person = found[0]
        receipt = str(cell("receipt_number") or "").strip()
        if isinstance(cell("receipt_number"), float) and float(cell("receipt_number")).is_integer():
            receipt = str(int(cell("receipt_number")))
        anonymous = fold(str(cell("anonymous") or "")) in ("co", "x", "1", "yes")
        data = fund_services.DonationInput(
            donor_kind=kind,
            amount=amount,
            date=day,
            method=method,
            receipt_number=receipt,
            org_unit=unit,
            staff=person,
            donor_name=str(cell("donor_name") or ""),
            anonymous=anonymous,
            note=str(cell("note") or "")[:255],
        )
        if len(outcome.errors) == errors_before:
            try:
                fund_services.check_donation(campaign, data)
            except ApplicationError as exc:
                key = str(exc.extra.get("field") or "")
                error(key if key in HEADERS else "amount", str(exc.message))
                continue
        if receipt:
            if receipt in seen_receipts:
                error("receipt_number", f"số biên nhận trùng với dòng {seen_receipts[receipt]} của tệp")
            elif fund_selectors.receipt_taken(campaign=campaign, receipt_number=receipt):
                error("receipt_number", "số biên nhận đã có trong cuộc vận động")
            seen_receipts.setdefault(receipt, number)
        if len(outcome.errors) == errors_before:
            rows.append(data)
            outcome.amount += int(data.amount or 0)
    outcome.errors.sort(key=lambda issue: issue.row)
    if not outcome.errors and not dry_run and rows:
        created = fund_services.donations_import(campaign=campaign, rows=rows, acting_user=acting_user)
        outcome.created = len(created)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_fund_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Check or import the job's file (``params``: ``campaign``, ``dry_run``)."""
    params = job.params
    dry_run = bool(params.get("dry_run"))
    user = job_creator(job)
    campaign = fund_selectors.access_campaign_by_id(user=user, campaign_id=int(params["campaign"]))
    progress.start(
        _("Reading and checking the file") if dry_run else _("Checking the file, then importing"), 0
    )
    outcome = fund_import(
        path=Path(job.input_file.path), campaign=campaign, acting_user=user, dry_run=dry_run
    )
    progress.advance(outcome.rows, outcome.rows)
    progress.log(
        _("%(rows)s lines, %(errors)s errors, %(created)s donations recorded")
        % {"rows": outcome.rows, "errors": len(outcome.errors), "created": outcome.created}
    )
    return outcome.summary()


# --- The template --------------------------------------------------------------------------------------
SHEET = "Danh sách ủng hộ"
GUIDE = (
    "Hướng dẫn ghi danh sách ủng hộ Quỹ “Vì người nghèo”",
    "• Mỗi dòng là một lần ủng hộ, có số biên nhận riêng (không trùng trong tệp và trong cuộc vận động).",
    "• Cán bộ ủng hộ qua đơn vị: chọn 'Cán bộ, công chức', chọn đơn vị và ghi họ tên "
    "đúng như danh sách cán bộ.",
    "• Đơn vị ủng hộ: chọn 'Đơn vị' và chọn đơn vị. Doanh nghiệp, cá nhân khác: ghi tên.",
    "• Số tiền là số nguyên (đồng), lớn hơn 0. Ngày ghi ngày/tháng/năm, trong thời gian của cuộc vận động.",
    "• Ẩn danh: ghi 'Có' nếu người ủng hộ không muốn công khai tên.",
    "• Cả tệp được kiểm tra trước; chỉ cần một dòng sai là không dòng nào được nhập.",
)


def template_fields(unit_names: list[str]) -> tuple[Field, ...]:
    return (
        Field("receipt_number", HEADERS["receipt_number"], "location", required=True, max_length=40),
        Field("date", HEADERS["date"], "location", "date", required=True),
        Field(
            "donor_kind",
            HEADERS["donor_kind"],
            "location",
            "choice",
            required=True,
            choices=tuple((str(k), v) for k, v in KIND_NAMES.items()),
        ),
        Field(
            "org_unit", HEADERS["org_unit"], "location", "choice", choices=tuple((n, n) for n in unit_names)
        ),
        Field("staff", HEADERS["staff"], "location", max_length=150),
        Field("donor_name", HEADERS["donor_name"], "location", max_length=255),
        Field("amount", HEADERS["amount"], "location", "money", required=True),
        Field(
            "method",
            HEADERS["method"],
            "location",
            "choice",
            required=True,
            choices=tuple((str(k), v) for k, v in METHOD_NAMES.items()),
        ),
        Field("anonymous", HEADERS["anonymous"], "location", "bool"),
        Field("note", HEADERS["note"], "location", max_length=255),
    )


def write_fund_template(out: IO[bytes], *, unit_names: list[str]) -> None:
    """The donations template (.xlsx): headers with drop-downs (unit, donor kind, method), a guide sheet."""
    fields = template_fields(unit_names)
    workbook = Workbook()
    data = workbook.active
    assert data is not None  # noqa: S101 - a new workbook has its sheet
    data.title = SHEET
    guide = workbook.create_sheet(template.GUIDE_SHEET)
    lists = workbook.create_sheet(template.LIST_SHEET)
    references = template.write_lists(lists, fields)
    lists.sheet_state = "hidden"
    template.write_data_sheet(data, fields, references)
    for row, line in enumerate(GUIDE, start=1):
        guide.cell(row=row, column=1, value=line).font = Font(bold=True, size=14) if row == 1 else Font()
    guide.column_dimensions["A"].width = 100
    workbook.active = 0
    workbook.save(out)
