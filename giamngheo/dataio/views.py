"""Import pages: upload, map the columns, check (dry run), import. Thin: each step calls one service or
selector; the work runs as a background job (``import_jobs.run_import_job``)."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404
from giamngheo.jobs import selectors as job_selectors
from giamngheo.jobs.choices import JobKind, JobStatus
from giamngheo.jobs.services import job_create

from . import selectors, services
from .fields import BY_KEY, CATEGORY_IMPORT_VI, NOTE_FLAGS
from .forms import ImportRunForm, ImportStartForm, MappingForm
from .import_jobs import INSPECT
from .imports.rows import check_mapping

if TYPE_CHECKING:  # annotations only (tests/test_architecture.py): jobs are read through jobs.selectors
    from giamngheo.jobs.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_of_kind(request: AuthenticatedRequest, pk: int, kind: str) -> Job:
    """The user's own job of this kind (404 otherwise: another's, or a job of another page)."""
    return get_or_404(job_selectors.access_job_by_id, user=request.user, job_id=pk, kind=kind)


def _import_job(request: AuthenticatedRequest, pk: int) -> Job:
    return job_of_kind(request, pk, JobKind.HOUSEHOLD_IMPORT)


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    """Store the file (its size checked by the form) and start the job that reads it: nothing of the file
    is read here (``import_jobs.inspect_upload`` finds its sheet, header row and first rows)."""
    communes = selectors.import_communes(user=request.user)
    form = ImportStartForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        commune = form.cleaned_data["commune"]
        job = job_create(
            kind=JobKind.HOUSEHOLD_IMPORT,
            title=_("Read %(file)s") % {"file": upload.name},
            acting_user=request.user,
            params={
                "stage": INSPECT,
                "commune_id": commune.pk if commune else None,
                "commune_name": commune.name if commune else "",
                "source": form.cleaned_data["source"],
            },
            upload=upload,
        )
        return redirect("dataio:import-mapping", pk=job.pk)
    return render(request, "dataio/import_start.html", {"form": form})


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Map the columns of a file read by its job (the headers and first rows stored on the job: the file
    itself is never opened here)."""
    job = _import_job(request, pk)
    if job.params.get("stage") != INSPECT:
        return redirect("dataio:import-detail", pk=job.pk)
    if not job.is_finished or job.status != JobStatus.SUCCEEDED:
        if request.htmx and job.is_finished:  # type: ignore[attr-defined]
            return HttpResponseClientRefresh()
        template = "dataio/import_reading.html" if request.htmx else "dataio/import_mapping.html"  # type: ignore[attr-defined]
        return render(request, template, {"job": job, "reading": True})
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRefresh()
    headers: list[str] = job.params.get("headers", [])
    commune_id = job.params.get("commune_id")
    mapping, saved = selectors.mapping_for(user=request.user, headers=headers, commune_id=commune_id)
    form = MappingForm(request.POST or None, headers=headers, mapping=mapping)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        chosen = form.mapping()
        problems = check_mapping(chosen, fixed_commune=commune_id is not None)
        if not problems:
            services.import_mapping_save(
                headers=headers, mapping=chosen, acting_user=request.user, commune_id=commune_id
            )
            services.import_check_start(
                job=job,
                params={
                    "mapping": chosen,
                    "dry_run": True,
                    "valid_rows_only": form.cleaned_data["valid_rows_only"],
                    "decision_number": form.cleaned_data["decision_number"].strip(),
                    "decision_date": form.cleaned_data["decision_date"].isoformat()
                    if form.cleaned_data["decision_date"]
                    else "",
                },
                title=_("Check %(file)s") % {"file": job.input_name},
            )
            return redirect("dataio:import-detail", pk=job.pk)
    width = len(headers)
    preview = [(list(row) + [None] * width)[:width] for row in job.summary.get("preview", [])]
    columns = form.columns()
    samples = [[row[i] for row in preview] for i in range(width)]
    return render(
        request,
        "dataio/import_mapping.html",
        {
            "job": job,
            "form": form,
            "rows": list(zip(columns, samples, strict=True)),
            "saved": saved,
            "problems": problems,
        },
    )


def _detail_context(request: AuthenticatedRequest, job: Job) -> dict[str, Any]:
    summary = job.summary or {}
    proposals = summary.get("new_villages", []) if job.status == JobStatus.SUCCEEDED else []
    run_form = ImportRunForm(
        proposals=proposals,
        initial={"valid_rows_only": job.params.get("valid_rows_only", False)},
    )
    return {
        "job": job,
        "summary": summary,
        "dry_run": job.params.get("dry_run", False),
        "run_form": run_form,
        "proposals": proposals,
        "mapped": [BY_KEY[k].header for k in job.params.get("mapping", []) if k in BY_KEY],
        "notes": [
            (label, summary.get("notes_understood", {}).get(key, 0))
            for key, label, _phrases in NOTE_FLAGS
            if summary.get("notes_understood", {}).get(key)
        ],
        "categories": [
            (CATEGORY_IMPORT_VI.get(k, k), n) for k, n in sorted(summary.get("categories", {}).items())
        ],
    }


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_GET
def import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    if job.params.get("stage") == INSPECT and not request.htmx:  # type: ignore[attr-defined]
        return redirect(
            "dataio:import-mapping", pk=job.pk
        )  # the file is being read, or waits for its mapping
    template = "dataio/_import_status.html" if request.htmx else "dataio/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, _detail_context(request, job))


@capability_required(Capability.EDIT_HOUSEHOLDS)  # type: ignore[arg-type]
@require_POST
def import_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    checked = _import_job(request, pk)
    if checked.status != JobStatus.SUCCEEDED or not checked.params.get("dry_run"):
        messages.error(request, _("Check the file first; then import it."))
        return redirect("dataio:import-detail", pk=checked.pk)
    form = ImportRunForm(request.POST, proposals=checked.summary.get("new_villages", []))
    if not form.is_valid():
        return render(
            request, "dataio/import_detail.html", {**_detail_context(request, checked), "run_form": form}
        )
    aliases = form.village_aliases()
    job = job_create(
        kind=JobKind.HOUSEHOLD_IMPORT,
        title=_("Import %(file)s") % {"file": checked.input_name},
        acting_user=request.user,
        params={
            **checked.params,
            "dry_run": False,
            "valid_rows_only": form.cleaned_data["valid_rows_only"],
            "create_villages": [k for k in form.cleaned_data["create_villages"] if k not in aliases],
            "village_aliases": aliases,
            "checked_job": checked.pk,
        },
        source_file=checked,
    )
    return redirect("dataio:import-detail", pk=job.pk)


@capability_required(Capability.VIEW_HOUSEHOLDS)  # type: ignore[arg-type]
@require_GET
def template_download(request: AuthenticatedRequest) -> FileResponse:
    from .template import write_template

    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_template(out, include_commune=selectors.import_communes(user=request.user).count() > 1)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-nhap-ho-gia-dinh.xlsx", content_type=XLSX)


@capability_required(Capability.VIEW_HOUSEHOLDS)  # type: ignore[arg-type]
@require_GET
def xlsform_download(request: AuthenticatedRequest) -> FileResponse:
    from django.utils import timezone

    from .xlsform import write_xlsform

    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsform(out, version=timezone.localtime().strftime("%Y%m%d%H"))
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="phieu-b-xlsform.xlsx", content_type=XLSX)
