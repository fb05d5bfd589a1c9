"""Importing the attendance list of a training course from a spreadsheet: the job, the template.

The upload page stores the file and starts a check job (nothing is read in the request); the job reads the
file with ``reading.open_table``, parses each line (full name, commune, position, phone, completed,
certificate) and hands the rows to ``training.services.attendance_import``: a check (dry run) first, then,
from the check's page, the import — all lines or none. A line matches an officer of its commune by folded
name (and phone when given); a line matching no officer creates the officer, in post since the course's
start: the check's summary lists them. Refused lines read "Dòng 7, cột Xã: …".

``run_training_import_job`` is the background job's handler (``JobKind.TRAINING_IMPORT``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.accounts.models import User
from giamngheo.core.errors import ValidationFailed
from giamngheo.geo.models import Area
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator
from giamngheo.training.choices import Position
from giamngheo.training.selectors import access_course_by_id, communes_of_scope
from giamngheo.training.services import AttendanceRow, attendance_import

from . import template
from .fields import CellError, Field, compact
from .import_jobs import ERRORS_SHOWN
from .imports.rows import Issue
from .reading import FileRejected, open_table

MAX_ROWS = 2_000  # lines of one attendance list
SHEET = "Danh sách học viên"
HEADERS = {
    "full_name": "Họ và tên",
    "commune": "Xã, phường",
    "position": "Chức vụ",
    "phone": "Số điện thoại",
    "completed": "Hoàn thành",
    "certificate_number": "Số chứng chỉ",
}
REQUIRED = ("full_name", "commune")
POSITION_VI = {
    Position.LEADER: "Lãnh đạo UBND xã phụ trách",
    Position.SOCIAL_AFFAIRS: "Công chức Văn hóa - Xã hội",
    Position.VILLAGE_HEAD: "Trưởng thôn, ấp",
    Position.MASS_ORGANISATION: "Cán bộ đoàn thể",
    Position.OTHER: "Khác",
}


def fields_for(communes: list[Area]) -> tuple[Field, ...]:
    return (
        Field(
            "full_name",
            HEADERS["full_name"],
            "row",
            required=True,
            max_length=150,
            help="Ví dụ: Nguyễn Văn An.",
        ),
        Field(
            "commune",
            HEADERS["commune"],
            "row",
            "choice",
            required=True,
            choices=tuple((str(c.pk), c.name) for c in communes),
            help="Chọn xã, phường trong danh sách thả xuống.",
        ),
        Field(
            "position",
            HEADERS["position"],
            "row",
            "choice",
            choices=tuple((str(k), v) for k, v in POSITION_VI.items()),
            help="Chỉ cần khi cán bộ chưa có trong danh sách cán bộ của xã.",
        ),
        Field(
            "phone",
            HEADERS["phone"],
            "row",
            "phone",
            max_length=20,
            help="Không bắt buộc; giúp phân biệt người trùng tên.",
        ),
        Field("completed", HEADERS["completed"], "row", "bool", help="Có / Không; để trống là chưa rõ."),
        Field("certificate_number", HEADERS["certificate_number"], "row", max_length=60),
    )


def _columns(headers: list[str]) -> dict[str, int]:
    wanted = {compact(h): key for key, h in HEADERS.items()}
    wanted.update(
        {"hoten": "full_name", "ten": "full_name", "xa": "commune", "sdt": "phone", "dienthoai": "phone"}
    )
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = wanted.get(compact(header or ""))
        if key is not None and key not in found:
            found[key] = index
    return found


def read_rows(path: Path, communes: list[Area]) -> tuple[list[AttendanceRow], list[Issue], int, str]:
    """The lines of the file as rows, the cells that cannot be read, the number of lines, the sheet."""
    try:
        table = open_table(path)
    except FileRejected as exc:
        raise ValidationFailed(str(exc)) from None
    columns = _columns(table.headers)
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise ValidationFailed(
            _("The file lacks the column(s) %(columns)s. Use the template, or name the columns as it does.")
            % {"columns": ", ".join(f"“{HEADERS[key]}”" for key in missing)}
        )
    fields = {f.key: f for f in fields_for(communes)}
    by_id = {str(c.pk): c for c in communes}
    rows: list[AttendanceRow] = []
    issues: list[Issue] = []
    count = 0
    for number, record in table.rows:
        values = {key: record[i] if i < len(record) else None for key, i in columns.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationFailed(
                _("The file has more than %(max)s lines: split it into several files.") % {"max": MAX_ROWS}
            )
        parsed: dict[str, Any] = {}
        bad = False
        for key, value in values.items():
            f = fields[key]
            if value is None or str(value).strip() == "":
                if f.required:
                    issues.append(Issue(table.sheet, number, HEADERS[key], "không được để trống"))
                    bad = True
                continue
            try:
                parsed[key] = f.parse(value)
            except CellError as exc:
                issues.append(Issue(table.sheet, number, HEADERS[key], str(exc)))
                bad = True
        if bad:
            continue
        rows.append(
            AttendanceRow(
                line=number,
                full_name=parsed["full_name"],
                commune=by_id[parsed["commune"]],
                position=parsed.get("position", ""),
                phone=str(parsed.get("phone", "")),
                completed=parsed.get("completed"),
                certificate_number=parsed.get("certificate_number", ""),
            )
        )
    return rows, issues, count, table.sheet


def training_import(*, path: Path, course_id: int, acting_user: User, dry_run: bool) -> dict[str, Any]:
    """Check (``dry_run``) or import the attendance list at ``path`` into the course; the job's summary."""
    started = time.perf_counter()
    course = access_course_by_id(user=acting_user, course_id=course_id)
    communes = communes_of_scope(user=acting_user, province=course.province)
    rows, issues, count, sheet = read_rows(path, communes)
    result = attendance_import(
        course=course, rows=rows, dry_run=dry_run or bool(issues), acting_user=acting_user
    )
    issues.extend(Issue(sheet, e.line, HEADERS.get(e.column, ""), e.message) for e in result.errors)
    issues.sort(key=lambda issue: issue.row)
    return {
        "rows": count,
        "rows_rejected": len({i.row for i in issues}),
        "errors": len(issues),
        "written": result.written,
        "dry_run": dry_run,
        "seconds": round(time.perf_counter() - started, 1),
        "course_id": course.pk,
        "attendance": {"matched": result.matched, "new_officers": len(result.new_officers)},
        "new_officers": [list(n) for n in result.new_officers[:500]],
        "error_messages": [str(issue) for issue in issues[:ERRORS_SHOWN]],
    }


def run_training_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Check or import the job's file (``params``: ``course_id``, ``dry_run``)."""
    params = job.params
    dry_run = bool(params.get("dry_run"))
    progress.start(
        _("Reading and checking the file") if dry_run else _("Checking the file, then importing"), 0
    )
    summary = training_import(
        path=Path(job.input_file.path),
        course_id=int(params["course_id"]),
        acting_user=job_creator(job),
        dry_run=dry_run,
    )
    progress.advance(summary["rows"], summary["rows"])
    progress.log(
        _("%(rows)s lines, %(errors)s errors") % {"rows": summary["rows"], "errors": summary["errors"]}
    )
    return summary


GUIDE = (
    "Hướng dẫn ghi danh sách học viên của lớp tập huấn",
    "• Mỗi dòng trên trang 'Danh sách học viên' là một cán bộ tham dự lớp.",
    "• 'Họ và tên' và 'Xã, phường' là bắt buộc. Cán bộ được tìm theo họ tên "
    "(không phân biệt dấu, hoa thường) trong danh sách cán bộ của xã, và theo số điện thoại nếu có ghi.",
    "• Cán bộ chưa có trong danh sách của xã sẽ được thêm mới (đang công tác từ ngày khai giảng lớp); "
    "trang kiểm tra liệt kê những người này.",
    "• 'Hoàn thành': Có / Không; để trống là chưa rõ (không được tính là đã hoàn thành).",
    "• Cả tệp được kiểm tra trước; chỉ cần một dòng sai là không dòng nào được nhập.",
)


def write_training_template(out: IO[bytes], *, communes: list[Area]) -> None:
    """The attendance list template (.xlsx): the headers with their drop-downs, a guide sheet."""
    fields = fields_for(communes)
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
    guide.column_dimensions["A"].width = 120
    workbook.active = 0
    workbook.save(out)
