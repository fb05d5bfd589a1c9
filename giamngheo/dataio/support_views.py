"""Pages of the support records import: upload (check or import), the job's page, the template. Thin: the
work is ``support_import.support_import``, run as a background job (``run_support_import_job``)."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.geo.selectors import current_year
from giamngheo.jobs.choices import JobKind, JobStatus
from giamngheo.jobs.services import job_create
from giamngheo.policies.selectors import policies_in_force

from . import selectors
from .forms import ImportStartForm
from .support_import import write_support_template
from .views import XLSX, job_of_kind

if TYPE_CHECKING:  # annotations only (tests/test_architecture.py): jobs are read through jobs.selectors
    from giamngheo.jobs.models import Job


class SupportImportForm(ImportStartForm):
    """The household import's upload form (file size checks, the user's communes), without the kind of file
    and with "check only"."""

    upload_kind = "support_import"

    check = forms.BooleanField(
        label=gettext_lazy("Only check the file: show what would be recorded and every error, write nothing"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, communes=communes, **kwargs)
        del self.fields["source"]
        commune = self.fields["commune"]
        if commune.empty_label is not None:  # type: ignore[attr-defined]  # more than one commune
            commune.empty_label = _("Several communes (the file has a 'Mã xã' column)")  # type: ignore[attr-defined]
        self.fields["check"].widget.attrs["class"] = "form-check-input"


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Support records"), reverse("policies:support-list")), *tail]


def _support_job(request: AuthenticatedRequest, pk: int) -> Job:
    return job_of_kind(request, pk, JobKind.SUPPORT_IMPORT)


@capability_required(Capability.RECORD_SUPPORT)
@require_http_methods(["GET", "POST"])
def support_import(request: AuthenticatedRequest) -> HttpResponse:
    communes = selectors.import_communes(user=request.user)
    form = SupportImportForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        # Stored and handed to the job: the file is read there, never here (its columns are checked first).
        upload = form.cleaned_data["file"]
        commune = form.cleaned_data["commune"]
        dry_run = form.cleaned_data["check"]
        job = job_create(
            kind=JobKind.SUPPORT_IMPORT,
            title=(_("Check %(file)s") if dry_run else _("Import %(file)s")) % {"file": upload.name},
            acting_user=request.user,
            params={
                "commune_id": commune.pk if commune else None,
                "commune_name": commune.name if commune else "",
                "dry_run": dry_run,
            },
            upload=upload,
        )
        return redirect("dataio:support-import-detail", pk=job.pk)
    return render(
        request,
        "dataio/support_import.html",
        {"form": form, "breadcrumbs": _crumbs((_("Import from a file"), None))},
    )


def _detail_context(job: Job) -> dict[str, Any]:
    summary = job.summary if isinstance(job.summary, dict) else {}
    dry_run = bool(job.params.get("dry_run"))
    return {
        "job": job,
        "summary": summary,
        "dry_run": dry_run,
        "can_import": dry_run and job.status == JobStatus.SUCCEEDED and not summary.get("errors"),
        "breadcrumbs": _crumbs(
            (_("Import from a file"), reverse("dataio:support-import")), (job.title, None)
        ),
    }


@capability_required(Capability.RECORD_SUPPORT)
@require_GET
def support_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _support_job(request, pk)
    template = "dataio/_support_import_status.html" if request.htmx else "dataio/support_import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, _detail_context(job))


@capability_required(Capability.RECORD_SUPPORT)  # type: ignore[arg-type]
@require_POST
def support_import_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Import the file of a clean check (it is read and validated again: the registry may have changed)."""
    checked = _support_job(request, pk)
    if not _detail_context(checked)["can_import"]:
        messages.error(request, _("Only a file whose check found no error can be imported."))
        return redirect("dataio:support-import-detail", pk=checked.pk)
    job = job_create(
        kind=JobKind.SUPPORT_IMPORT,
        title=_("Import %(file)s") % {"file": checked.input_name},
        acting_user=request.user,
        params={**checked.params, "dry_run": False, "checked_job": checked.pk},
        source_file=checked,
    )
    return redirect("dataio:support-import-detail", pk=job.pk)


@capability_required(Capability.RECORD_SUPPORT)  # type: ignore[arg-type]
@require_GET
def support_template(request: AuthenticatedRequest) -> FileResponse:
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_support_template(
        out,
        include_commune=selectors.import_communes(user=request.user).count() > 1,
        policies=policies_in_force(year=current_year()),
    )
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-nhap-ho-tro.xlsx", content_type=XLSX)
