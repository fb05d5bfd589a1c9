"""Complaints in a commune's review and the regular (in-year) review's requests: list, file, decide.
Thin: check the capability, read through ``selectors``, write through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import NotFound
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.households.selectors import access_household_by_id

from . import selectors, services
from .forms import (
    ComplaintForm,
    ComplaintResolveForm,
    HouseholdSearchForm,
    RequestDecideForm,
    RequestFileForm,
    RequestFilterForm,
)
from .models import (
    RequestStatus,
)
from .view_parts import form_errors_to_messages, is_htmx, review_crumbs, review_url


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def complaint_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        if data["household_code"]:
            try:
                household = selectors.household_of_commune(
                    user=request.user, review=review, code=data["household_code"]
                )
            except NotFound:
                form.add_error("household_code", _("No household of this commune has this code."))
        if not form.errors:
            complaint = submit(
                form,
                lambda: services.complaint_add(
                    review=review,
                    content=data["content"],
                    received_on=data["received_on"],
                    household=household,
                    acting_user=request.user,
                ),
            )
            if complaint is not None:
                messages.success(request, _("The complaint was recorded."))
                return redirect(review_url(review, "complaints"))
    return render(
        request,
        "reviews/complaint_form.html",
        {
            "form": form,
            "review": review,
            "title": _("Record a complaint"),
            "breadcrumbs": review_crumbs(review, (_("Record a complaint"), None)),
        },
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def complaint_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_or_404(selectors.access_complaint_by_id, user=request.user, complaint_id=pk)
    review = complaint.commune_review
    form = ComplaintResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.complaint_resolve_in_review(
                complaint=complaint,
                resolution=form.cleaned_data["resolution"],
                resolved_on=form.cleaned_data["resolved_on"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("The complaint was resolved."))
            return redirect(review_url(review, "complaints"))
    return render(
        request,
        "reviews/complaint_form.html",
        {
            "form": form,
            "review": review,
            "complaint": complaint,
            "title": _("Resolve a complaint"),
            "breadcrumbs": review_crumbs(review, (_("Resolve a complaint"), None)),
        },
    )


# Regular (in-year) review -----------------------------------------------------------------------------------


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    filters = selectors.RequestFilters()
    if form.is_valid():
        filters = selectors.RequestFilters(state=form.cleaned_data["state"], q=form.cleaned_data["q"])
    requests = selectors.regular_request_list(user=request.user, filters=filters)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": paginate(request, requests),
        "counts": selectors.request_counts(user=request.user),
        "today": selectors.today(),
        "pending": RequestStatus.PENDING,
        "filtered": bool(filters.state or filters.q),
        "can_conduct": can(request.user, Capability.CONDUCT_REVIEW),
        "breadcrumbs": [(_("Regular review requests"), None)],
    }
    template = "reviews/_request_table.html" if is_htmx(request) else "reviews/request_list.html"
    return render(request, template, context)


def _request_crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Regular review requests"), reverse("reviews:request-list")), *tail]


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    household_id = int_param(request, "household", data=request.POST, invalid="not_found") or int_param(
        request, "household", invalid="not_found"
    )
    household = None
    if household_id:
        household = get_or_404(access_household_by_id, user=request.user, household_id=household_id)
    form = RequestFileForm(request.POST if request.method == "POST" and household else None)
    if household is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filed = submit(
            form,
            lambda: services.regular_request_file(
                household=household,
                kind=data["kind"],
                filed_on=data["filed_on"],
                note=data["note"],
                acting_user=request.user,
            ),
        )
        if filed is not None:
            messages.success(
                request,
                _("The request of %(household)s was filed; decide by %(due)s.")
                % {"household": household, "due": filed.due_on.strftime("%d/%m/%Y")},
            )
            return redirect("reviews:request-list")
    search = HouseholdSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        "reviews/request_form.html",
        {
            "form": form,
            "household": household,
            "search": search,
            "q": q,
            "page_obj": paginate(request, selectors.household_search(user=request.user, q=q))
            if household is None
            else None,
            "breadcrumbs": _request_crumbs((_("File a request"), None)),
        },
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def request_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    regular = get_or_404(selectors.access_regular_request_by_id, user=request.user, request_id=pk)
    form = RequestDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            form,
            lambda: services.regular_request_decide(
                request=regular,
                approved=data["approved"],
                decided_on=data["decided_on"],
                decision_number=data["decision_number"],
                note=data["note"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The request was approved: the registry was updated.")
                if done.status == RequestStatus.APPROVED
                else _("The request was rejected."),
            )
            return redirect("reviews:request-list")
        if regular.status != RequestStatus.PENDING:
            form_errors_to_messages(request, form)
    return render(
        request,
        "reviews/request_decide.html",
        {
            "form": form,
            "regular": regular,
            "pending": regular.status == RequestStatus.PENDING,
            "overdue": regular.status == RequestStatus.PENDING and regular.due_on < selectors.today(),
            "breadcrumbs": _request_crumbs((str(regular.household), None)),
        },
    )
