"""Buttons that start a background job: the household and member exports of the household list (with its
filters) and the reclassification of the province. Each creates the job and shows its page, which follows
it while it runs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.geo.selectors import current_year
from giamngheo.jobs.choices import JobKind
from giamngheo.jobs.services import job_create

FORMATS = {"xlsx": "Excel", "csv": "CSV"}
MAX_FILTERS = 2000  # characters of the list's query string


def _format(request: AuthenticatedRequest) -> str:
    kind = request.POST.get("format", "")
    if kind not in FORMATS:
        raise BadRequest("format must be xlsx or csv")
    return kind


def _filters(request: AuthenticatedRequest) -> str:
    """The household list's query string: the ``filters`` field of the form (the list's own query string),
    or else the other fields of the form. The handler reads it with the list's filter form."""
    if "filters" in request.POST:
        query = QueryDict(request.POST["filters"], mutable=True)
    else:
        query = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "format", "page", "filters"):
        query.pop(key, None)
    text = query.urlencode()
    if len(text) > MAX_FILTERS:
        raise BadRequest("filters too long")
    return text


def _export(request: AuthenticatedRequest, kind: str, title: str) -> HttpResponse:
    job = job_create(
        kind=kind,
        title=title,
        acting_user=request.user,
        params={"format": _format(request), "filters": _filters(request)},
    )
    return redirect("jobs:job-detail", pk=job.pk)


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_POST
def households(request: AuthenticatedRequest) -> HttpResponse:
    kind = _format(request)
    title = _("Household export (%(format)s)") % {"format": FORMATS[kind]}
    return _export(request, JobKind.HOUSEHOLD_EXPORT, title)


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_POST
def members(request: AuthenticatedRequest) -> HttpResponse:
    kind = _format(request)
    title = _("Member export (%(format)s)") % {"format": FORMATS[kind]}
    return _export(request, JobKind.MEMBER_EXPORT, title)


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_POST
def reclassify(request: AuthenticatedRequest) -> HttpResponse:
    year = current_year()
    job = job_create(
        kind=JobKind.RECLASSIFY,
        title=_("Reclassification of the province, %(year)s") % {"year": year},
        acting_user=request.user,
        params={"province": settings.DEFAULT_PROVINCE_CODE, "year": year},
    )
    return redirect("jobs:job-detail", pk=job.pk)
