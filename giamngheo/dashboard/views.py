"""The dashboard pages: the user's own scope (``/dashboard/``) and any unit of it one click down
(``/dashboard/area/<id>/``). Thin: the selector builds every series from pre-aggregated rows."""

from __future__ import annotations

from django.http import HttpResponse
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
from giamngheo.core.views import get_or_404, int_param
from giamngheo.plans import selectors as plan_selectors

from . import selectors

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
