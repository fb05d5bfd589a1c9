"""The background job of an import: first read the stored file (``inspect_upload``: the zip check, the sheet
and header row, the first rows for the mapping page, all kept on the job: the web process never opens an
uploaded file), then, once the columns are mapped, the check (dry run) or the import: run the engine, keep
the summary, the first errors and the error report on the job."""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File

from giamngheo.core.errors import ValidationFailed
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from .imports.running import ImportOptions, household_import
from .reading import FileRejected, Table, open_table
from .report import write_error_report

ERRORS_SHOWN = 500
INSPECT = "inspect"  # params["stage"] of a job that reads its file for the mapping page
PREVIEW_ROWS = 5


def plans_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / "plans"


def plans_path(job_id: int) -> Path:
    """Where a check (dry run) keeps its plans for the import that follows it (JSON lines, 0600; not
    served; deleted by the import, else by ``manage.py dataio_prune``)."""
    return plans_dir() / f"{int(job_id)}.jsonl"


def _shown(value: Any) -> Any:
    """A cell as the mapping page shows it (JSON on the job: texts and numbers); a whole number read as a
    float from a spreadsheet (1300000.0) as the integer it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def inspect_upload(job: Job, progress: Progress) -> dict[str, Any]:
    """Read the uploaded file as far as the mapping page needs: refuse it (the reason on the job) or keep
    its sheet, header row, headers (``params``) and first rows (``summary["preview"]``)."""
    params = job.params
    progress.start("Đọc tệp", 0)
    try:
        table = load_table(Path(job.input_file.path), source=params.get("source", "table"), sheet=None)
        preview = [[_shown(v) for v in row] for _n, row in islice(table.rows, PREVIEW_ROWS)]
    except FileRejected as exc:
        raise ValidationFailed(str(exc)) from None
    job.params = {**params, "sheet": table.sheet, "header_row": table.header_row, "headers": table.headers}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    progress.log(f"Trang tính '{table.sheet}', dòng tiêu đề {table.header_row}, {len(table.headers)} cột")
    return {"preview": preview}


def load_table(path: Path, *, source: str = "table", sheet: str | None = None) -> Table:
    if source == "kobo":
        from .kobo import submissions_table

        return submissions_table(path)
    return open_table(path, sheet=sheet or None)


def run_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    if params.get("stage") == INSPECT:
        return inspect_upload(job, progress)
    try:
        return _check_or_import(job, progress)
    except FileRejected as exc:  # the file cannot be read after all: its reason on the job's page
        raise ValidationFailed(str(exc)) from None


def _check_or_import(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    source, sheet = params.get("source", "table"), params.get("sheet")
    options = ImportOptions(
        mapping=list(params["mapping"]),
        commune_id=params.get("commune_id"),
        valid_rows_only=bool(params.get("valid_rows_only")),
        create_villages=list(params.get("create_villages", [])),
        dry_run=bool(params.get("dry_run")),
        decision_number=params.get("decision_number", ""),
        decision_date=dt.date.fromisoformat(params["decision_date"]) if params.get("decision_date") else None,
        village_aliases={str(k): int(v) for k, v in (params.get("village_aliases") or {}).items()},
    )
    progress.start("Đọc và kiểm tra tệp" if options.dry_run else "Kiểm tra rồi nhập tệp", 0)

    def report(stage: str, done: int, total: int) -> None:
        if stage != progress.job.stage:
            progress.job.stage = stage
            progress.log(stage)
        progress.advance(done, total)

    checked = plans_path(params["checked_job"]) if params.get("checked_job") else None
    if (
        checked is not None
        and checked.is_file()
        and not options.create_villages
        and not options.village_aliases
    ):
        # The check already read the file: its plans are written (verified against the registry first).
        table = Table(
            sheet=sheet or "",
            header_row=params.get("header_row", 1),
            headers=params["headers"],
            rows=iter(()),
        )
    else:
        checked = None
        table = load_table(Path(job.input_file.path), source=source, sheet=sheet)
    outcome = household_import(
        table=table,
        options=options,
        acting_user=job_creator(job),
        progress=report,
        keep_plans=plans_path(job.pk) if options.dry_run else None,
        checked_plans=checked,
    )
    if params.get("checked_job"):  # the check's plans are used (or outdated by new villages): gone
        plans_path(params["checked_job"]).unlink(missing_ok=True)
    if outcome.error_rows:
        progress.log(f"{outcome.error_count} lỗi: đang ghi báo cáo lỗi")
        with tempfile.TemporaryFile(suffix=".xlsx") as out:
            write_error_report(
                out,
                table=load_table(Path(job.input_file.path), source=source, sheet=sheet),
                errors=outcome.error_rows,
            )
            out.seek(0)
            job.report_file.save(f"bao-cao-loi-{job.pk}.xlsx", File(out), save=False)
    summary = outcome.summary()
    summary["error_messages"] = [str(e) for e in outcome.errors[:ERRORS_SHOWN]]
    summary["dry_run"] = options.dry_run
    progress.log(
        ("Kiểm tra xong" if options.dry_run else "Nhập xong" if outcome.written else "Không nhập")
        + f": {outcome.households} hộ, {outcome.rows} dòng, {outcome.error_count} lỗi, "
        f"{outcome.seconds:.1f} giây"
    )
    return summary
