from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.core.errors import NotFound
from giamngheo.core.views import get_or_404, paginate
from giamngheo.geo.selectors import today

from . import selectors
from .models import PolicyArea


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    area = request.GET.get("area", "")
    area = area if area in PolicyArea.values else ""
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.policy_list(user=request.user, area=area, q=q))
    return render(
        request,
        "policies/policy_list.html",
        {
            "page_obj": page,
            "areas": PolicyArea.choices,
            "area": area,
            "q": q,
            "breadcrumbs": [(_("Policies"), None)],
        },
    )


@require_GET
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    policy = get_or_404(selectors.access_policy_by_code, user=request.user, code=code)
    return render(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "rule": policy.rule,
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (policy.code, None)],
        },
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def household_policies(request: HttpRequest, pk: int) -> HttpResponse:
    """The policies section of a household card (loaded into the card by htmx)."""
    try:
        household, verdicts = selectors.household_policies(user=request.user, household_id=pk, on=today())
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request, "policies/_household_policies.html", {"household": household, "verdicts": verdicts}
    )
