"""Importing villages (thôn, ấp, bản, sóc, khu phố, tổ dân phố) from a list: the job, the template.

The upload page only stores the file (its size bounded by ``UPLOAD_MAX_BYTES["village_import"]``) and
starts a job; the job reads the file with ``reading.open_table`` (csv in any encoding, xlsx, xls, ods; zip
members checked before anything is inflated), turns each line into a ``geo.services.VillageRow``
(``geo.csvio`` knows the column names) and hands them to ``geo.services.villages_import``: a check (dry run)
first, then, from the check's page, the import. The import is all or nothing, or — when the user ticks it —
only the valid rows. Refused lines are reported as "Dòng 7, cột Mã xã: …", and in an error report (the
lines as in the file, with the reason).

``run_village_import_job`` is the background job's handler (``JobKind.VILLAGE_IMPORT``).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.errors import ValidationFailed
from giamngheo.geo.csvio import match_columns, missing_columns, village_row
from giamngheo.geo.models import Area, AreaLevel, DivisionType
from giamngheo.geo.services import VillageImportResult, VillageRow, villages_import
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from . import template
from .fields import Field, FormulaWithoutValue
from .import_jobs import ERRORS_SHOWN
from .imports.rows import Issue
from .reading import FileRejected, Table, open_table
from .report import write_error_report

MAX_ROWS = 10_000  # lines of villages in one file (a province has a few thousand villages)
VILLAGES_SHOWN = 1_000  # new villages listed on the job's page

# The file's columns: field of ``VillageRow`` -> header of our template (also the name used in messages when
# the file's own header is missing).
HEADERS = {"commune_code": "Mã xã", "name": "Tên thôn", "division_type": "Loại", "code": "Mã thôn"}
# The village types as the template's drop-down offers them (the import also reads "thôn", "khu_pho"…).
TYPE_NAMES = {
    DivisionType.HAMLET: "Ấp",
    DivisionType.VILLAGE: "Thôn",
    DivisionType.BAN: "Bản",
    DivisionType.SOC: "Sóc",
    DivisionType.QUARTER: "Khu phố",
    DivisionType.RESIDENTIAL_GROUP: "Tổ dân phố",
}


@dataclass
class VillageOutcome:
    dry_run: bool
    rows: int = 0
    result: VillageImportResult = field(default_factory=VillageImportResult)
    errors: list[Issue] = field(default_factory=list)
    error_rows: dict[int, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def add_error(self, issue: Issue) -> None:
        self.errors.append(issue)
        text = f"{issue.column}: {issue.message}" if issue.column else issue.message
        self.error_rows.setdefault(issue.row, []).append(text)

    @property
    def written(self) -> bool:
        return bool(self.result.created)

    def summary(self, communes: dict[str, Area]) -> dict[str, Any]:
        planned = self.result.planned
        return {
            "rows": self.rows,
            "rows_rejected": len(self.error_rows),
            "errors": len(self.errors),
            "written": self.written,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 1),
            # Figures of this import (a dict: the jobs' generic page does not list it).
            "villages": {
                "to_create": len(planned),
                "existing": self.result.existing,
                "created": len(self.result.created),
            },
            "new_villages": [
                [
                    communes[row.commune_code].name if row.commune_code in communes else row.commune_code,
                    row.name,
                    TYPE_NAMES.get(row.division_type, row.division_type),  # type: ignore[call-overload]
                    row.code,
                ]
                for row in planned[:VILLAGES_SHOWN]
            ],
            "error_messages": [str(issue) for issue in self.errors[:ERRORS_SHOWN]],
        }


def allowed_communes(*, user: User) -> dict[str, Area]:
    """Code -> commune, for the communes the user may add villages to (one query)."""
    return {
        commune.code: commune
        for commune in Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE, is_active=True).order_by(
            "name"
        )
    }


def read_rows(table: Table, outcome: VillageOutcome) -> tuple[list[VillageRow], dict[str, int]]:
    """The lines of the table as rows (cells that cannot be read go to the outcome's errors)."""
    columns = match_columns(table.headers)
    missing = missing_columns(columns)
    if missing:
        raise ValidationFailed(
            _("The file lacks the column(s) %(columns)s. Use the template, or name the columns as it does.")
            % {"columns": ", ".join(f"“{HEADERS[key]}”" for key in missing)}
        )
    rows: list[VillageRow] = []
    for number, record in table.rows:
        outcome.rows += 1
        if outcome.rows > MAX_ROWS:
            raise ValidationFailed(
                _("The file has more than %(max)s lines of villages: split it into several files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        unreadable = [
            (key, record[index])
            for key, index in columns.items()
            if index < len(record) and isinstance(record[index], FormulaWithoutValue)
        ]
        if unreadable:
            for key, value in unreadable:
                outcome.add_error(
                    Issue(
                        table.sheet,
                        number,
                        _header(table, columns, key),
                        _(
                            "the formula of cell %(cell)s has no computed value: open the file in Excel or "
                            "LibreOffice, save it and upload it again."
                        )
                        % {"cell": value.reference},
                    )
                )
            continue
        row = village_row(number, record, columns)
        if row is None:
            outcome.rows -= 1
            continue
        rows.append(row)
    return rows, columns


def _header(table: Table, columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    if index is not None and index < len(table.headers) and table.headers[index]:
        return table.headers[index]
    return HEADERS[key]


def village_import(
    *, path: Path, acting_user: User, dry_run: bool, valid_rows_only: bool = False
) -> tuple[VillageOutcome, dict[str, Area]]:
    """Check (``dry_run``) or import the villages of the file at ``path`` for ``acting_user``."""
    started = time.perf_counter()
    outcome = VillageOutcome(dry_run=dry_run)
    try:
        table = open_table(path)
        rows, columns = read_rows(table, outcome)
    except FileRejected as exc:
        raise ValidationFailed(str(exc)) from None
    communes = allowed_communes(user=acting_user)
    unreadable = bool(outcome.errors)
    outcome.result = villages_import(
        rows=rows,
        allowed_communes=communes,
        acting_user=acting_user,
        # A line that could not be read refuses the file like any refused line (unless valid rows only).
        dry_run=dry_run or (unreadable and not valid_rows_only),
        valid_rows_only=valid_rows_only,
    )
    for error in outcome.result.errors:
        column = _header(table, columns, error.column) if error.column else ""
        outcome.add_error(Issue(table.sheet, error.line, column, error.message))
    outcome.errors.sort(key=lambda issue: issue.row)
    outcome.seconds = time.perf_counter() - started
    return outcome, communes


def run_village_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Check or import the job's file (``params``: ``dry_run``, ``valid_rows_only``); keep the summary, the
    villages to create, the first errors and the error report on the job."""
    params = job.params
    dry_run = bool(params.get("dry_run"))
    path = Path(job.input_file.path)
    progress.start(
        _("Reading and checking the file") if dry_run else _("Checking the file, then creating the villages"),
        0,
    )
    outcome, communes = village_import(
        path=path,
        acting_user=job_creator(job),
        dry_run=dry_run,
        valid_rows_only=bool(params.get("valid_rows_only")),
    )
    progress.advance(outcome.rows, outcome.rows)
    if outcome.error_rows:
        progress.log(_("%(n)s errors: writing the error report") % {"n": len(outcome.errors)})
        with tempfile.TemporaryFile(suffix=".xlsx") as out:
            write_error_report(out, table=open_table(path), errors=outcome.error_rows)
            out.seek(0)
            job.report_file.save(f"bao-cao-loi-{job.pk}.xlsx", File(out), save=False)
    progress.log(
        _("%(what)s: %(rows)s lines, %(villages)s villages, %(errors)s errors, %(seconds)s seconds")
        % {
            "what": _("Check finished")
            if dry_run
            else _("Import finished")
            if outcome.written
            else _("Nothing imported"),
            "rows": outcome.rows,
            "villages": len(outcome.result.created) if not dry_run else len(outcome.result.planned),
            "errors": len(outcome.errors),
            "seconds": f"{outcome.seconds:.1f}".replace(".", ","),
        }
    )
    return outcome.summary(communes)


# --- The template --------------------------------------------------------------------------------------

VILLAGE_SHEET = "Thôn, ấp, khu phố"
VILLAGE_GUIDE = (
    "Hướng dẫn ghi danh sách thôn, ấp, bản, sóc, khu phố, tổ dân phố",
    "• Mỗi dòng trên trang 'Thôn, ấp, khu phố' là một thôn (ấp, bản, sóc, khu phố, tổ dân phố) cần thêm.",
    "• 'Mã xã': chọn mã của xã, phường, đặc khu trong danh sách thả xuống (bảng cuối trang này ghi tên).",
    "• 'Loại': chọn trong danh sách; để trống là Ấp (xã) hoặc Khu phố (phường).",
    "• 'Mã thôn' không bắt buộc: để trống thì hệ thống tự đặt mã (mã xã-001, mã xã-002…).",
    "• Thôn đã có trong xã (cùng tên) được bỏ qua. Cả tệp được kiểm tra trước; chỉ cần một dòng sai là "
    "không dòng nào được nhập, trừ khi chọn 'chỉ nhập các dòng hợp lệ'.",
    "• Dòng ví dụ dưới đây chỉ để tham khảo, không nhập dòng này.",
)


def template_fields(communes: list[Area]) -> tuple[Field, ...]:
    return (
        Field(
            "commune_code",
            HEADERS["commune_code"],
            "location",
            "choice",
            required=True,
            choices=tuple((c.code, c.code) for c in communes),
            help="Mã của xã, phường, đặc khu (5 chữ số).",
        ),
        Field(
            "name",
            HEADERS["name"],
            "location",
            required=True,
            max_length=150,
            help="Ví dụ: Ấp 3, Thôn Bù Tam.",
        ),
        Field(
            "division_type",
            HEADERS["division_type"],
            "location",
            "choice",
            choices=tuple((str(code), name) for code, name in TYPE_NAMES.items()),
            help="Để trống: Ấp ở xã, Khu phố ở phường.",
        ),
        Field(
            "code",
            HEADERS["code"],
            "location",
            max_length=32,
            help="Không bắt buộc: chữ, số, dấu '.', '-' hoặc '_'. Để trống thì hệ thống tự đặt mã.",
        ),
    )


def write_village_template(out: IO[bytes], *, communes: list[Area]) -> None:
    """The village import template (.xlsx): the headers with their drop-downs (the user's communes, the
    village types), a guide sheet with an example row and the communes' names, the hidden lists."""
    fields = template_fields(communes)
    workbook = Workbook()
    data = workbook.active
    data.title = VILLAGE_SHEET
    guide = workbook.create_sheet(template.GUIDE_SHEET)
    lists = workbook.create_sheet(template.LIST_SHEET)
    references = template.write_lists(lists, fields)
    lists.sheet_state = "hidden"
    template.write_data_sheet(data, fields, references)
    data.column_dimensions["A"].number_format = "@"  # commune codes keep their leading zeros
    row = 0
    for index, line in enumerate(VILLAGE_GUIDE):
        row += 1
        guide.cell(row=row, column=1, value=line).font = Font(bold=True, size=14) if index == 0 else Font()
    example = communes[0] if communes else None
    tables: tuple[tuple[str, tuple[str, ...], list[tuple[str, ...]]], ...] = (
        (
            "Ví dụ (chỉ để tham khảo):",
            tuple(f.header for f in fields),
            [(example.code if example else "25195", "Ấp Ví Dụ", "Ấp", "")],
        ),
        ("Các xã, phường, đặc khu của bạn:", ("Mã xã", "Tên"), [(c.code, c.name) for c in communes]),
    )
    for title, headers, lines in tables:
        row += 2
        guide.cell(row=row, column=1, value=title).font = template.BOLD
        row += 1
        for column, header in enumerate(headers, start=1):
            cell = guide.cell(row=row, column=column, value=header)
            cell.font, cell.fill = template.BOLD, template.HEADER_FILL
        for values in lines:
            row += 1
            for column, value in enumerate(values, start=1):
                cell = guide.cell(row=row, column=column, value=value or None)
                cell.number_format = "@"
                if title.startswith("Ví dụ"):
                    cell.font = template.EXAMPLE_FONT
    for column, width in enumerate((16, 36, 14, 16), start=1):
        guide.column_dimensions[get_column_letter(column)].width = width
    workbook.active = 0
    workbook.save(out)
