"""Downloads of the review's documents: the household certificates (numbers registered on first issue), the
minutes of a village meeting and the commune's recognition decision with its lists. Thin: the same
capability and scope as the certificate downloads (see households), reads through the selectors, the
numbers written through ``services.certificates_register``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core import docformat
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.exports import export_record, query_filters
from giamngheo.core.views import get_or_404

from . import certificates, document_selectors, documents, selectors, services
from .models import CommuneReview


def _docx(
    request: AuthenticatedRequest, data: bytes, name: str, *, kind: ExportKind, rows: int, detail: str
) -> HttpResponse:
    """The document as a download, after writing the export log's row (``filters``: the URL's ids)."""
    export_record(
        request=request,
        kind=kind,
        fmt="docx",
        filters={
            **(request.resolver_match.kwargs if request.resolver_match else {}),
            **query_filters(request),
        },
        rows=rows,
        detail=detail,
        filename=name,
    )
    response = HttpResponse(data, content_type=docformat.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _back(review: CommuneReview) -> HttpResponse:
    return redirect(reverse("reviews:commune-review", args=[review.pk]))


def _register(request: AuthenticatedRequest, review: CommuneReview) -> bool:
    """Give the recognised households their certificate numbers if they have none yet (first issue)."""
    try:
        services.certificates_register(review=review, acting_user=request.user)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return False
    return True


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_GET
def certificate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = get_or_404(selectors.access_assessment_by_id, user=request.user, assessment_id=pk)
    review = get_or_404(selectors.review_of_assessment, user=request.user, assessment=assessment)
    if not _register(request, review):
        return _back(review)
    certs = get_or_404(selectors.certificate_list, user=request.user, review=review, assessment_id=pk)
    return _docx(
        request,
        certificates.render(certs),
        certificates.filename(certs[0]),
        kind=ExportKind.CERTIFICATES,
        rows=len(certs),
        detail=f"{review.commune.name} {review.round.year}",
    )


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_GET
def certificates_all(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    if not _register(request, review):
        return _back(review)
    certs = selectors.certificate_list(user=request.user, review=review)
    if not certs:
        messages.error(request, _("No poor or near-poor household has been recognised in this review yet."))
        return _back(review)
    name = certificates.filename(None, commune_code=review.commune.code, year=review.round.year)
    return _docx(
        request,
        certificates.render(certs),
        name,
        kind=ExportKind.CERTIFICATES,
        rows=len(certs),
        detail=f"{review.commune.name} {review.round.year}",
    )


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_GET
def meeting_minutes(request: AuthenticatedRequest, pk: int, meeting: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    village_meeting = get_or_404(
        document_selectors.access_village_meeting, user=request.user, review=review, meeting_id=meeting
    )
    data = document_selectors.meeting_minutes(user=request.user, review=review, meeting=village_meeting)
    return _docx(
        request,
        documents.minutes(data),
        documents.minutes_filename(data),
        kind=ExportKind.MINUTES,
        rows=len(data.rows),
        detail=f"{data.village}, {data.place.commune} {data.year}",
    )


@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
@require_GET
def decision_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    if not document_selectors.decision_available(review):
        messages.error(
            request,
            _("The decision can be downloaded once the commune chairperson has recognised the households."),
        )
        return _back(review)
    data = document_selectors.recognition_decision(user=request.user, review=review)
    listed = data.poor + data.near_poor + data.escaped_poverty + data.escaped_near_poverty
    return _docx(
        request,
        documents.decision(data),
        documents.decision_filename(data),
        kind=ExportKind.DECISION,
        rows=len(listed),
        detail=f"{data.place.commune} {data.year}",
    )
