"""Pages of the review rounds (the province): the list, opening one, its page, closing it, its standard.
Thin: check the capability, read through ``selectors``, write through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import get_or_404, paginate, submit
from giamngheo.geo.selectors import provinces_to_pick

from . import selectors, services
from .forms import (
    CommuneReviewFilterForm,
    RoundForm,
    RoundStandardForm,
)
from .models import (
    RoundStatus,
    Step,
)
from .view_parts import crumbs, is_htmx, round_crumb


@capability_required(Capability.VIEW_TABLES)
@require_GET
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, selectors.round_list(user=request.user))
    progress = selectors.round_progress(user=request.user, rounds=list(page.object_list))
    return render(
        request,
        "reviews/round_list.html",
        {
            "page_obj": page,
            "rows": [(r, progress[r.pk]) for r in page.object_list],
            "can_manage": can(request.user, Capability.MANAGE_REVIEW_ROUNDS),
            "breadcrumbs": [(_("Review rounds"), None)],
        },
    )


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_http_methods(["GET", "POST"])
def round_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = provinces_to_pick(user=request.user, by_name=True)
    form = RoundForm(
        request.POST or None,
        provinces=provinces,
        initial={"province": provinces.first(), "year": selectors.today().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review_round = submit(
            form,
            lambda: services.round_open(
                province=data["province"],
                year=data["year"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        )
        if review_round is not None:
            messages.success(
                request,
                _("The review round %(year)s was opened for %(n)s communes.")
                % {"year": review_round.year, "n": review_round.commune_reviews.count()},
            )
            return redirect("reviews:round-detail", pk=review_round.pk)
    return render(
        request,
        "reviews/round_form.html",
        {"form": form, "breadcrumbs": crumbs((_("Open a review round"), None))},
    )


@capability_required(Capability.VIEW_TABLES)
@require_GET
def round_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_round = get_or_404(selectors.access_round_by_id, user=request.user, round_id=pk)
    form = CommuneReviewFilterForm(request.GET or None)
    filters = selectors.CommuneReviewFilters()
    if form.is_valid():
        filters = selectors.CommuneReviewFilters(step=form.cleaned_data["step"], q=form.cleaned_data["q"])
    reviews = selectors.commune_review_list(user=request.user, round=review_round, filters=filters)
    step_counts = selectors.round_step_counts(user=request.user, round=review_round)
    in_scope = sum(step_counts.values())
    context: dict[str, Any] = {
        "round": review_round,
        "form": form,
        "page_obj": paginate(request, reviews, per_page=50),
        "step_counts": [(s.value, s.label, step_counts[s.value]) for s in Step],
        "in_scope": in_scope,
        "submitted": step_counts[Step.SUBMITTED],
        "filtered": bool(filters.q or filters.step is not None),
        "current_step": filters.step,
        "can_manage": can(request.user, Capability.MANAGE_REVIEW_ROUNDS),
        "total_steps": int(Step.SUBMITTED),
        "standard": selectors.round_standard(review_round=review_round),
        "can_see_whatif": selectors.can_see_whole_round(user=request.user, review_round=review_round),
        "breadcrumbs": crumbs((str(review_round), None)),
    }
    template = "reviews/_commune_table.html" if is_htmx(request) else "reviews/round_detail.html"
    return render(request, template, context)


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_POST
def round_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_round = get_or_404(selectors.access_managed_round_by_id, user=request.user, round_id=pk)
    try:
        services.round_close(review_round=review_round, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The review round was closed."))
    return redirect("reviews:round-detail", pk=review_round.pk)


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_http_methods(["GET", "POST"])
def round_standard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change the standards a round applies (before its survey starts), with a reason."""
    review_round = get_or_404(selectors.access_managed_round_by_id, user=request.user, round_id=pk)
    standard = selectors.round_standard(review_round=review_round)
    years = [(y, label) for y, label in selectors.round_standard_years(review_round=review_round)]
    form = RoundStandardForm(
        request.POST or None,
        years=years,
        initial={"standard_year": standard.year},
    )
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.round_standard_change(
                review_round=review_round,
                standard_year=form.cleaned_data["standard_year"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The round now applies the standards in force on 1 January %(year)s.")
                % {"year": done.standard_year},
            )
            return redirect("reviews:round-detail", pk=review_round.pk)
    return render(
        request,
        "reviews/round_standard_form.html",
        {
            "form": form,
            "round": review_round,
            "standard": standard,
            "editable": review_round.status == RoundStatus.OPEN and not standard.survey_started,
            "breadcrumbs": crumbs(round_crumb(review_round), (_("Standard applied"), None)),
        },
    )


# A commune's review -----------------------------------------------------------------------------------------
