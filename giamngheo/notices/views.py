"""Pages of notifications: the user's list (unread first), opening one (marks it read, then goes to its
link), marking all read, and the weekly digest of the user's scope for leaders. No inline script: opening
is a small POST form per item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.selectors import scope_area_names
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404, paginate

from . import selectors, services
from .digest import Week, sections_for

WEEKS_OFFERED = 12


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notification_list(user=request.user, unread_only=unread_only))
    return render(
        request,
        "notices/list.html",
        {"page_obj": page, "unread_only": unread_only, "breadcrumbs": [(_("Notifications"), None)]},
    )


@require_POST
def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_or_404(selectors.access_notification_by_id, user=request.user, notification_id=pk)
    services.mark_read(user=request.user, notification_ids=[notice.pk])
    url = notice.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        url = reverse("notices:list")
    return redirect(url)


@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    selectors.forget_unread_count(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notices:list")


def _week(request: AuthenticatedRequest, today: dt.date) -> tuple[Week, str]:
    """The week asked for (``?week=<its Monday>`` among the offered ones), else the last seven days."""
    raw = request.GET.get("week", "")
    try:
        chosen = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        chosen = None
    if chosen is not None and chosen <= today and chosen.weekday() == 0:
        return Week.of_monday(chosen), raw
    return Week.ending(today), ""


@require_GET
@capability_required(Capability.VIEW_TABLES)
def digest(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    week, chosen = _week(request, today)
    this_monday = today - dt.timedelta(days=today.weekday())
    weeks: list[dict[str, Any]] = []
    for i in range(WEEKS_OFFERED):
        monday = this_monday - dt.timedelta(weeks=i)
        weeks.append(
            {
                "value": monday.isoformat(),
                "label": _("%(start)s – %(end)s")
                % {
                    "start": date_format(monday, "SHORT_DATE_FORMAT"),
                    "end": date_format(monday + dt.timedelta(days=6), "SHORT_DATE_FORMAT"),
                },
            }
        )
    sections, empty_slots = sections_for(user=request.user, week=week)
    names = scope_area_names(user=request.user)
    return render(
        request,
        "notices/digest.html",
        {
            "week": week,
            "weeks": weeks,
            "chosen": chosen,
            "sections": sections,
            "targets_pending": "targets" in empty_slots,
            "scope": ", ".join(names) if names else _("All units"),
            "printed_on": today,
            "breadcrumbs": [(_("Weekly digest"), None)],
        },
    )
