"""The commendation documents: the year's dossier page (tờ trình, council minutes, achievement reports,
certificates) and its DOCX downloads (``MANAGE_COMMENDATION``), and the yearly statistics of emulation and
commendation with their workbook (``VIEW_EMULATION``). Thin: reads through ``document_selectors``, formats
through ``dossier``, ``certificates`` and ``statistics``; every download is written in the export log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core import docformat
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record, query_filters
from giamngheo.core.views import get_or_404, int_param, paginate
from giamngheo.core.xlsx import table_download, wants_xlsx

from . import certificates, document_selectors, dossier, statistics
from .choices import ProposalStatus

# What the export log calls these downloads (core.ExportKind has no commendation kinds yet: the nearest).
DOSSIER_KIND = ExportKind.COMMENDATION_DOSSIER
MINUTES_KIND = ExportKind.COUNCIL_MINUTES
CERTIFICATES_KIND = ExportKind.AWARD_CERTIFICATES
MIN_YEAR, MAX_YEAR = 2000, 2100


def _docx(
    request: AuthenticatedRequest, data: bytes, name: str, *, kind: str, rows: int, detail: str
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


def _year(request: AuthenticatedRequest, years: list[int]) -> int:
    """The year asked for (``?year=``), else the latest year with data, else this year."""
    asked = int_param(request, "year", maximum=MAX_YEAR, invalid="ignore")
    if asked is not None and asked >= MIN_YEAR:
        return asked
    return years[0] if years else timezone.localdate().year


def _index_url(year: int) -> str:
    return f"{reverse('commendation:doc-index')}?year={year}"


@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    years = document_selectors.years(user=user)
    year = _year(request, years)
    q = request.GET.get("q", "")[:100].strip()
    title = _("Commendation dossier")
    return render(
        request,
        "commendation/documents/index.html",
        {
            "title": title,
            "year": year,
            "years": sorted({*years, year, timezone.localdate().year}, reverse=True),
            "q": q,
            "counts": document_selectors.submission_counts(user=user, year=year),
            "meetings": list(document_selectors.meeting_list(user=user, year=year)[:50]),
            "decisions": list(document_selectors.decision_list(user=user, year=year)[:50]),
            "page_obj": paginate(request, document_selectors.report_proposals(user=user, year=year, q=q)),
            "statuses": dict(ProposalStatus.choices),
            "breadcrumbs": [(title, None)],
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def submission_docx(request: AuthenticatedRequest, year: int) -> HttpResponse:
    audience = request.GET.get("to", document_selectors.TO_PROVINCE)
    if audience not in document_selectors.AUDIENCES:
        audience = document_selectors.TO_PROVINCE
    data = document_selectors.submission(user=request.user, year=year, audience=audience)
    if not data.nominees:
        messages.error(
            request, _("No proposal of this year has been approved by the council for this authority.")
        )
        return redirect(_index_url(year))
    return _docx(
        request,
        dossier.submission(data),
        dossier.submission_filename(data),
        kind=DOSSIER_KIND,
        rows=len(data.nominees),
        detail=f"Tờ trình đề nghị khen thưởng năm {year}",
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def minutes_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(document_selectors.access_meeting_by_id, user=request.user, meeting_id=pk)
    data = document_selectors.minutes(user=request.user, meeting=meeting)
    return _docx(
        request,
        dossier.minutes(data),
        dossier.minutes_filename(data),
        kind=MINUTES_KIND,
        rows=len(data.rows),
        detail=f"Biên bản họp Hội đồng Thi đua - Khen thưởng {docformat.vn_short_date(data.held_on)}",
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def report_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_or_404(document_selectors.access_report_proposal_by_id, user=request.user, proposal_id=pk)
    data = document_selectors.achievement_report(user=request.user, proposal=proposal)
    return _docx(
        request,
        dossier.report(data),
        dossier.report_filename(data),
        kind=DOSSIER_KIND,
        rows=1,
        detail=f"Báo cáo thành tích (Mẫu 05) {data.full_name} {data.year}",
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def certificates_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = get_or_404(document_selectors.access_decision_by_id, user=request.user, decision_id=pk)
    certs = document_selectors.certificates(user=request.user, decision=decision)
    return _docx(
        request,
        certificates.render(certs),
        certificates.filename(decision.number, decision.year),
        kind=CERTIFICATES_KIND,
        rows=len(certs),
        detail=f"Giấy khen, bằng khen theo Quyết định số {decision.number}",
    )


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def statistics_page(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    years = document_selectors.years(user=user)
    year = _year(request, years)
    stats = statistics.yearly_statistics(
        year=year, facts=document_selectors.award_facts(user=user, year=year)
    )
    history = document_selectors.year_facts(user=user)
    title = _("Statistics of emulation and commendation")
    scope = document_selectors.scope_name(user=user) or _("All units")
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"thong-ke-thi-dua-khen-thuong-{year}.xlsx",
            title=title,
            scope=scope,
            year=year,
            sections=statistics.xlsx_sections(stats, history),
        )
    return render(
        request,
        "commendation/documents/statistics.html",
        {
            "title": title,
            "scope": scope,
            "year": year,
            "years": sorted({*years, year, timezone.localdate().year}, reverse=True),
            "stats": stats,
            "history": history,
            "breadcrumbs": [(title, None)],
        },
    )
