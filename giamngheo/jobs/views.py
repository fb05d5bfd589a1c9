"""Pages of background jobs: the user's list, a job's page (whose status part polls itself while the job
runs), and the downloads of its files. Every read goes through ``selectors``: a user sees only the jobs they
started, and any other job is the same 404 as a missing one."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, paginate

from . import registry, selectors
from .models import Job

# Keys of ``Job.summary`` (English snake_case, written by the handlers) -> their label on the page.
# A key not listed here is not shown (a page never shows a key); ``test_every_summary_key_has_a_label``
# checks the handlers' keys.
SUMMARY_LABELS: dict[str, Any] = {
    "rows": gettext_lazy("Rows"),
    "households": gettext_lazy("Households"),
    "members": gettext_lazy("Members"),
    "households_created": gettext_lazy("Households created"),
    "households_updated": gettext_lazy("Households updated"),
    "households_unchanged": gettext_lazy("Households unchanged"),
    "members_created": gettext_lazy("Members created"),
    "members_updated": gettext_lazy("Members updated"),
    "members_unchanged": gettext_lazy("Members unchanged"),
    "rows_rejected": gettext_lazy("Rows rejected"),
    "households_rejected": gettext_lazy("Households rejected"),
    "changed": gettext_lazy("Households whose result changed"),
    "unclassified": gettext_lazy("Households without a result (no income recorded)"),
    "undetermined": gettext_lazy("Households without a result (not enough information)"),
    "seconds": gettext_lazy("Duration (seconds)"),
    "communes": gettext_lazy("Communes"),
    "records": gettext_lazy("Support records"),
    "amount": gettext_lazy("Amount (VND)"),
    "not_entitled": gettext_lazy("Recipients not entitled (with a reason)"),
    "errors": gettext_lazy("Errors"),
    "written": gettext_lazy("Written"),
    "dry_run": gettext_lazy("Check only (nothing written)"),
    "villages_created": gettext_lazy("Villages created"),
    "classified": gettext_lazy("Households classified"),
    "notes_understood": gettext_lazy("Notes understood"),
    "notes_other": gettext_lazy("Other notes kept as written"),
    "persons_declared": gettext_lazy("Persons declared"),
    "persons_listed": gettext_lazy("Persons listed by name"),
    "heads_not_members": gettext_lazy("Heads of household not added as members"),
    "codes_generated": gettext_lazy("Household codes made"),
    "header_row": gettext_lazy("Header row"),
    "sheet": gettext_lazy("Sheet"),
    "created": gettext_lazy("Created"),
    "existing": gettext_lazy("Already there"),
    "to_create": gettext_lazy("To create"),
    "villages": gettext_lazy("Villages"),
    "count": gettext_lazy("Rows"),
    "format": gettext_lazy("Format"),
    "name": gettext_lazy("File name"),
    "province": gettext_lazy("Province"),
    "year": gettext_lazy("Year"),
}
# Summary entries that are not figures (shown by the job's own page, not as a row of the summary).
SUMMARY_HIDDEN = {"error_messages", "new_villages", "headers"}

# ``which`` of the download URL -> (file field, field holding the name to give the download).
DOWNLOADS: dict[str, tuple[str, str]] = {
    "result": ("result_file", "result_name"),
    "report": ("report_file", ""),
    "input": ("input_file", "input_name"),
}


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Background jobs"), reverse("jobs:job-list")), *tail]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if not isinstance(value, int | float):
        return str(value)
    return str(number_format(value, decimal_pos=None if isinstance(value, int) else 1, force_grouping=True))


def _status_context(job: Job) -> dict[str, Any]:
    summary = job.summary if isinstance(job.summary, dict) else {}
    return {
        "job": job,
        "summary": [
            (SUMMARY_LABELS[key], _value(value) if key != "year" else str(value))
            for key, value in summary.items()
            if key in SUMMARY_LABELS and key not in SUMMARY_HIDDEN and not isinstance(value, list | dict)
        ],
        "downloads": {which: bool(getattr(job, field)) for which, (field, _name) in DOWNLOADS.items()},
    }


@require_GET
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, selectors.job_list(user=request.user))
    return render(
        request,
        "jobs/job_list.html",
        {"page_obj": page, "breadcrumbs": [(_("Background jobs"), None)]},
    )


@require_GET
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_or_404(selectors.access_job_by_id, user=request.user, job_id=pk)
    context = _status_context(job)
    context["breadcrumbs"] = _crumbs((job.title, None))
    return render(request, "jobs/job_detail.html", context)


@require_GET
def job_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The status part of a job's page (htmx polls it every second until the job has finished)."""
    job = get_or_404(selectors.access_job_by_id, user=request.user, job_id=pk)
    return render(request, "jobs/_job_status.html", _status_context(job))


@require_GET
def job_download(request: AuthenticatedRequest, pk: int, which: str) -> FileResponse:
    if which not in DOWNLOADS:
        raise Http404
    job = get_or_404(selectors.access_job_by_id, user=request.user, job_id=pk)
    field, name_field = DOWNLOADS[which]
    stored = getattr(job, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    filename = (getattr(job, name_field) if name_field else "") or PurePosixPath(stored.name).name
    try:
        _log_download(request, job, which, filename)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=filename)


# The export log's kind of a job's result: as its kind registered it (``result_export_kind``), else
# ``JOB_RESULT``; of its other files: below.
OTHER_KINDS: dict[str, ExportKind] = {"report": ExportKind.JOB_REPORT, "input": ExportKind.JOB_INPUT}


def _log_download(request: AuthenticatedRequest, job: Job, which: str, filename: str) -> None:
    """One row of the export log per download of a job's file: the job's kind and parameters as filters,
    the rows when the summary says (written by an export, read by an import, refused in a report), the
    format from the file's name."""
    if which == "result":
        registered = registry.job_type(job.kind) if registry.is_registered(job.kind) else None
        kind = (registered.result_export_kind if registered else None) or ExportKind.JOB_RESULT
    else:
        kind = OTHER_KINDS[which]
    summary = job.summary if isinstance(job.summary, dict) else {}
    rows = summary.get("rows_rejected" if which == "report" else "rows")
    suffix = PurePosixPath(filename).suffix.lstrip(".").lower()
    export_record(
        request=request,
        kind=kind,
        fmt=suffix[:8] or "?",
        filters={"job": job.pk, "job_kind": job.kind, "params": job.params},
        rows=rows if isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0 else None,
        detail=job.title,
        filename=filename,
    )
