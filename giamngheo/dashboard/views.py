"""The dashboard pages: the user's own scope (``/dashboard/``) and any unit of it one click down
(``/dashboard/area/<id>/``). Thin: the selector builds every series from pre-aggregated rows."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, int_param
from giamngheo.core.xlsx import table_download, wants_xlsx
from giamngheo.org.selectors import department_for
from giamngheo.plans import selectors as plan_selectors

from . import report, selectors

RATE_TARGETS = ("poverty_rate", "near_poverty_rate")


def _target_cards(
    request: AuthenticatedRequest, area: selectors.Area, board: selectors.Dashboard
) -> list[plan_selectors.TargetCard] | None:
    """The plan's targets for this unit and year (cards), and the rate targets drawn on the rates chart."""
    if board.year is None:
        return None
    cards = plan_selectors.target_cards(user=request.user, area=area, year=board.year)
    if board.rates is not None:
        for card in cards:
            if card.target.indicator_key in RATE_TARGETS and card.target_value is not None:
                label = f"{card.indicator_name}: {number_format(card.target_value, 2)}"
                board.rates.targets.append(selectors.TargetLine(label=label, value=float(card.target_value)))
    return cards or None


def _page(
    request: AuthenticatedRequest, area: selectors.Area | None, *, alerts: bool = False
) -> HttpResponse:
    year = int_param(request, "year", maximum=9999, invalid="ignore")
    priority = request.GET.get("priority") == "1"
    if area is not None and wants_xlsx(request):
        board = selectors.dashboard(user=request.user, area=area, year=year, priority=priority)
        cards = _target_cards(request, area, board)
        return table_download(
            request,
            filename=f"bang-dieu-khien-{area.code}-{board.year or ''}.xlsx",
            title=_("Dashboard"),
            scope=area.name,
            year=board.year,
            sections=report.xlsx_sections(board, cards),
        )
    context: dict[str, object] = {
        "priority": priority,
        "alerts": selectors.alert_panel(user=request.user, on=timezone.localdate()) if alerts else None,
        "area": area,
        "can_manage_rounds": can(request.user, Capability.MANAGE_REVIEW_ROUNDS),
        "can_manage_geography": can(request.user, Capability.MANAGE_GEOGRAPHY),
        "can_see_households": can(request.user, Capability.VIEW_HOUSEHOLDS),
    }
    crumbs: list[tuple[str, str | None]] = [(_("Dashboard"), reverse("dashboard:index"))]
    if area is not None:
        board = selectors.dashboard(user=request.user, area=area, year=year, priority=priority)
        root = selectors.dashboard_root(user=request.user)
        for ancestor in area.ancestors():
            if root is not None and ancestor.path.startswith(root.path):
                crumbs.append((ancestor.name, reverse("dashboard:area", args=[ancestor.pk])))
        crumbs.append((area.name, None))
        context |= {
            "board": board,
            "charts": board.charts_json(),
            "target_cards": _target_cards(request, area, board),
            "report_url": _report_url(area, board.year, priority=priority),
            "priority_none": bool(
                priority and board.year is not None and not selectors.priority_marked(year=board.year)
            ),
            "chart_text": {
                "noData": _("no data yet"),
                "saveImage": _("Save as image"),
                "open": _("Click to see the details"),
            },
        }
    context["breadcrumbs"] = crumbs
    return render(request, "dashboard/index.html", context)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def index(request: AuthenticatedRequest) -> HttpResponse:
    return _page(request, selectors.dashboard_root(user=request.user), alerts=True)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def area(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _page(request, get_or_404(selectors.access_dashboard_area, user=request.user, area_id=pk))


def _report_url(area: selectors.Area, year: int | None, *, priority: bool = False) -> str:
    url = reverse("dashboard:area-report", args=[area.pk])
    params = {"year": year, "priority": 1 if priority else None}
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}?{query}" if query else url


def _report(request: AuthenticatedRequest, area: selectors.Area | None) -> HttpResponse:
    """The dashboard as one PDF, its charts drawn on the server (``report``). Synchronous: a province's
    report takes well under the 3 s that would make it a background job (decision 0019)."""
    if area is None:
        raise Http404
    started = time.monotonic()
    year = int_param(request, "year", maximum=9999, invalid="ignore")
    priority = request.GET.get("priority") == "1"
    board = selectors.dashboard(user=request.user, area=area, year=year, priority=priority)
    cards = _target_cards(request, area, board)
    department = department_for(user=request.user)
    meta = report.ReportMeta(
        title=_("Poverty reduction report"),
        scope=area.name,
        year=board.year,
        printed_on=timezone.localdate(),
        department=department.name if department else "",
        author=request.user.get_username(),
    )
    content = report.build_report(board, cards, meta)
    filename = f"bao-cao-giam-ngheo-{area.code}-{board.year or ''}.pdf"
    export_record(
        request=request,
        kind=ExportKind.DASHBOARD_REPORT,
        fmt="pdf",
        detail=f"{meta.title} · {area.name}",
        filename=filename,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Server-Timing"] = f"report;dur={(time.monotonic() - started) * 1000:.0f}"
    return response


@require_safe
@capability_required(Capability.VIEW_TABLES)
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    return _report(request, selectors.dashboard_root(user=request.user))


@require_safe
@capability_required(Capability.VIEW_TABLES)
def area_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report(request, get_or_404(selectors.access_dashboard_area, user=request.user, area_id=pk))
