"""Pages of the village import: upload (the file is stored and a check job started: nothing is read in the
request), the job's page (it polls itself while the job runs), the import of a checked file, the template.
The work is ``village_import.run_village_import_job``."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
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
from giamngheo.core.uploads import refused_upload_size, upload_limit
from giamngheo.geo.forms import VillageImportForm
from giamngheo.jobs.choices import JobKind, JobStatus
from giamngheo.jobs.services import job_create

from .views import XLSX, job_of_kind
from .village_import import allowed_communes, write_village_template

if TYPE_CHECKING:  # annotations only (tests/test_architecture.py): jobs are read through jobs.selectors
    from giamngheo.jobs.models import Job


class VillageImportRunForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=gettext_lazy("Create the villages of the valid lines only (the refused lines are left out)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Administrative units"), reverse("geo:commune-list")), *tail]


def _village_job(request: AuthenticatedRequest, pk: int) -> Job:
    return job_of_kind(request, pk, JobKind.VILLAGE_IMPORT)


@upload_limit("village_import")
@capability_required(Capability.MANAGE_VILLAGES)
@require_http_methods(["GET", "POST"])
def village_import(request: AuthenticatedRequest) -> HttpResponse:
    """Store the file and start its check: nothing of the file is read here."""
    form = VillageImportForm(request.POST or None, request.FILES or None)
    if refused_upload_size(request):
        form = VillageImportForm(request.POST, refused_size=refused_upload_size(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(
            kind=JobKind.VILLAGE_IMPORT,
            title=_("Check the villages of %(file)s") % {"file": upload.name},
            acting_user=request.user,
            params={"dry_run": True},
            upload=upload,
        )
        return redirect("dataio:village-import-detail", pk=job.pk)
    return render(
        request,
        "dataio/village_import.html",
        {
            "form": form,
            "max_size": settings.UPLOAD_MAX_BYTES["village_import"],
            "breadcrumbs": _crumbs((_("Import villages"), None)),
        },
    )


def _detail_context(job: Job, form: VillageImportRunForm | None = None) -> dict[str, Any]:
    summary = job.summary if isinstance(job.summary, dict) else {}
    figures: dict[str, Any] = summary.get("villages") or {}
    if not isinstance(figures, dict):
        figures = {}
    dry_run = bool(job.params.get("dry_run"))
    return {
        "job": job,
        "summary": summary,
        "figures": figures,
        "dry_run": dry_run,
        "can_import": dry_run and job.status == JobStatus.SUCCEEDED and bool(figures.get("to_create")),
        "run_form": form or VillageImportRunForm(),
        "breadcrumbs": _crumbs((_("Import villages"), reverse("dataio:village-import")), (job.title, None)),
    }


@capability_required(Capability.MANAGE_VILLAGES)
@require_GET
def village_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _village_job(request, pk)
    template = "dataio/_village_import_status.html" if request.htmx else "dataio/village_import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, _detail_context(job))


@capability_required(Capability.MANAGE_VILLAGES)  # type: ignore[arg-type]
@require_POST
def village_import_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Import the file of a check (read and checked again: the villages may have changed meanwhile). A
    check with errors is imported only when the user asks for the valid lines only."""
    checked = _village_job(request, pk)
    context = _detail_context(checked)
    form = VillageImportRunForm(request.POST)
    if not context["can_import"] or not form.is_valid():
        messages.error(request, _("Only a checked file with villages to create can be imported."))
        return redirect("dataio:village-import-detail", pk=checked.pk)
    valid_rows_only = form.cleaned_data["valid_rows_only"]
    if context["summary"].get("errors") and not valid_rows_only:
        messages.error(
            request,
            _("The check found errors: fix the file and upload it again, or tick “valid lines only”."),
        )
        return redirect("dataio:village-import-detail", pk=checked.pk)
    job = job_create(
        kind=JobKind.VILLAGE_IMPORT,
        title=_("Import the villages of %(file)s") % {"file": checked.input_name},
        acting_user=request.user,
        params={"dry_run": False, "valid_rows_only": valid_rows_only, "checked_job": checked.pk},
        source_file=checked,
    )
    return redirect("dataio:village-import-detail", pk=job.pk)


@capability_required(Capability.MANAGE_VILLAGES)  # type: ignore[arg-type]
@require_GET
def village_template(request: AuthenticatedRequest) -> FileResponse:
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_village_template(out, communes=list(allowed_communes(user=request.user).values()))
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-nhap-thon.xlsx", content_type=XLSX)
