"""Pages of the import of a campaign's donations: upload (the file is stored and a check job started), the
job's page, the import of a checked file (all or nothing), the template. The work is
``fund_import.run_fund_import_job``."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404
from giamngheo.fund import selectors as fund_selectors
from giamngheo.fund.forms import FundImportForm
from giamngheo.jobs.choices import JobStatus
from giamngheo.jobs.services import job_create

from .fund_import import FUND_IMPORT, write_fund_template
from .views import XLSX, job_of_kind

if TYPE_CHECKING:
    from giamngheo.fund.models import Campaign
    from giamngheo.jobs.models import Job


def _recorder(request: AuthenticatedRequest) -> None:
    if not (can(request.user, Capability.MANAGE_FUND) or can(request.user, Capability.RECORD_DONATIONS)):
        raise PermissionDenied("fund")


def _campaign(request: AuthenticatedRequest, pk: int) -> Campaign:
    _recorder(request)
    return get_or_404(fund_selectors.access_campaign_by_id, user=request.user, campaign_id=pk)


def _crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("“For the poor” fund"), reverse("fund:campaign-list")),
        (campaign.name, reverse("fund:campaign-detail", args=[campaign.pk])),
        *tail,
    ]


@require_http_methods(["GET", "POST"])
def fund_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = FundImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(
            kind=FUND_IMPORT,
            title=_("Check the donations of %(file)s") % {"file": upload.name},
            acting_user=request.user,
            params={"dry_run": True, "campaign": campaign.pk},
            upload=upload,
        )
        return redirect("dataio:fund-import-detail", pk=job.pk)
    return render(
        request,
        "dataio/fund_import.html",
        {"form": form, "campaign": campaign, "breadcrumbs": _crumbs(campaign, (_("Import donations"), None))},
    )


def _job(request: AuthenticatedRequest, pk: int) -> tuple[Job, Campaign]:
    _recorder(request)
    job = job_of_kind(request, pk, FUND_IMPORT)
    campaign = get_or_404(
        fund_selectors.access_campaign_by_id,
        user=request.user,
        campaign_id=int(job.params.get("campaign") or 0),
    )
    return job, campaign


def _context(job: Job, campaign: Campaign) -> dict[str, Any]:
    summary = job.summary if isinstance(job.summary, dict) else {}
    figures = summary.get("donations") if isinstance(summary.get("donations"), dict) else {}
    dry_run = bool(job.params.get("dry_run"))
    return {
        "job": job,
        "campaign": campaign,
        "summary": summary,
        "figures": figures,
        "dry_run": dry_run,
        "can_import": dry_run
        and job.status == JobStatus.SUCCEEDED
        and not summary.get("errors")
        and bool(summary.get("rows")),
        "breadcrumbs": _crumbs(
            campaign,
            (_("Import donations"), reverse("dataio:fund-import", args=[campaign.pk])),
            (job.title, None),
        ),
    }


@require_GET
def fund_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job, campaign = _job(request, pk)
    template = (
        "dataio/_fund_import_status.html"
        if getattr(request, "htmx", False)
        else "dataio/fund_import_detail.html"
    )
    return render(request, template, _context(job, campaign))


@require_POST
def fund_import_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    checked, campaign = _job(request, pk)
    if not _context(checked, campaign)["can_import"]:
        messages.error(request, _("Only a checked file without errors can be imported."))
        return redirect("dataio:fund-import-detail", pk=checked.pk)
    job = job_create(
        kind=FUND_IMPORT,
        title=_("Import the donations of %(file)s") % {"file": checked.input_name},
        acting_user=request.user,
        params={"dry_run": False, "campaign": campaign.pk, "checked_job": checked.pk},
        source_file=checked,
    )
    return redirect("dataio:fund-import-detail", pk=job.pk)


@require_GET
def fund_template(request: AuthenticatedRequest, pk: int) -> FileResponse:
    campaign = _campaign(request, pk)
    units = fund_selectors.recording_units(user=request.user, campaign=campaign)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_fund_template(out, unit_names=[u.name for u in units])
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-nhap-ung-ho.xlsx", content_type=XLSX)
