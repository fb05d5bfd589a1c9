"""Pages of the attendance list import of a training course: upload (the file is stored and a check job
started: nothing is read in the request), the job's page (it polls itself while the job runs), the import
of a checked file (all lines or none), the template.
The work is ``training_import.run_training_import_job``."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.uploads import refused_upload_size, upload_limit
from giamngheo.core.views import get_or_404
from giamngheo.jobs.choices import JobKind, JobStatus
from giamngheo.jobs.services import job_create
from giamngheo.training import selectors as training

from .training_import import write_training_template
from .views import XLSX, job_of_kind

if TYPE_CHECKING:
    from giamngheo.jobs.models import Job
    from giamngheo.training.models import Course

SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "Our template (xlsx), or a spreadsheet with the columns Họ và tên, Xã, phường and (optional) "
            "Chức vụ, Số điện thoại, Hoàn thành, Số chứng chỉ."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ",".join(SUFFIXES)}),
    )

    def __init__(self, *args: Any, refused_size: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        if refused_size:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        limit = settings.UPLOAD_MAX_BYTES["activity_import"]
        if self.refused_size:
            raise forms.ValidationError(
                _("The file is too large: at most %(max)s.") % {"max": filesizeformat(limit)}
            )
        upload = self.cleaned_data["file"]
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(max)s.") % {"max": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload an xlsx, xls, ods or csv file."))
        return upload


def _course(request: AuthenticatedRequest, pk: int) -> Course:
    return get_or_404(training.access_course_by_id, user=request.user, course_id=pk)


def _crumbs(course: Course, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Training courses"), reverse("training:course-list")),
        (course.title, reverse("training:course-detail", args=[course.pk])),
        *tail,
    ]


def _job(request: AuthenticatedRequest, pk: int) -> tuple[Job, Course]:
    job = job_of_kind(request, pk, JobKind.TRAINING_IMPORT)
    course_id = job.params.get("course_id")
    if not isinstance(course_id, int):
        raise Http404
    return job, _course(request, course_id)


@upload_limit("activity_import")
@capability_required(Capability.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def training_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    form = TrainingImportForm(request.POST or None, request.FILES or None)
    if refused_upload_size(request):
        form = TrainingImportForm(request.POST, refused_size=refused_upload_size(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(
            kind=JobKind.TRAINING_IMPORT,
            title=_("Check the attendance list %(file)s") % {"file": upload.name},
            acting_user=request.user,
            params={"dry_run": True, "course_id": course.pk},
            upload=upload,
        )
        return redirect("dataio:training-import-detail", pk=job.pk)
    return render(
        request,
        "dataio/training_import.html",
        {
            "form": form,
            "course": course,
            "max_size": settings.UPLOAD_MAX_BYTES["activity_import"],
            "breadcrumbs": _crumbs(course, (_("Import the attendance list"), None)),
        },
    )


def _context(job: Job, course: Course) -> dict[str, Any]:
    summary = job.summary if isinstance(job.summary, dict) else {}
    figures = summary.get("attendance") if isinstance(summary.get("attendance"), dict) else {}
    dry_run = bool(job.params.get("dry_run"))
    return {
        "job": job,
        "course": course,
        "summary": summary,
        "figures": figures,
        "dry_run": dry_run,
        "can_import": dry_run
        and job.status == JobStatus.SUCCEEDED
        and not summary.get("errors")
        and bool(summary.get("rows")),
        "breadcrumbs": _crumbs(
            course,
            (_("Import the attendance list"), reverse("dataio:training-import", args=[course.pk])),
            (job.title, None),
        ),
    }


@capability_required(Capability.MANAGE_TRAINING)
@require_GET
def training_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job, course = _job(request, pk)
    name = "dataio/_training_import_status.html" if request.htmx else "dataio/training_import_detail.html"  # type: ignore[attr-defined]
    return render(request, name, _context(job, course))


@capability_required(Capability.MANAGE_TRAINING)  # type: ignore[arg-type]
@require_POST
def training_import_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Import the file of a check without errors (read and checked again: all lines or none)."""
    checked, course = _job(request, pk)
    if not _context(checked, course)["can_import"]:
        messages.error(request, _("Only a checked file without errors can be imported."))
        return redirect("dataio:training-import-detail", pk=checked.pk)
    job = job_create(
        kind=JobKind.TRAINING_IMPORT,
        title=_("Import the attendance list %(file)s") % {"file": checked.input_name},
        acting_user=request.user,
        params={"dry_run": False, "course_id": course.pk, "checked_job": checked.pk},
        source_file=checked,
    )
    return redirect("dataio:training-import-detail", pk=job.pk)


@capability_required(Capability.MANAGE_TRAINING)  # type: ignore[arg-type]
@require_GET
def training_template(request: AuthenticatedRequest, pk: int) -> FileResponse:
    course = _course(request, pk)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_training_template(
        out, communes=training.communes_of_scope(user=request.user, province=course.province)
    )
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-danh-sach-hoc-vien.xlsx", content_type=XLSX)
