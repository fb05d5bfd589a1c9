"""A commune's review: its page with the seven steps, a step's action, reopening it, adding a household.
Thin: check the capability, read through ``selectors``, write through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, paginate, submit

from . import selectors, services
from .forms import (
    AssessmentFilterForm,
    HouseholdSearchForm,
    PostingCompleteForm,
    RecogniseForm,
    ReopenForm,
    RequestAddForm,
)
from .models import (
    AssessmentStatus,
    CommuneReview,
    RoundStatus,
    Step,
)
from .view_parts import crumbs, form_errors_to_messages, is_htmx, review_crumbs, review_url, round_crumb


@dataclass(frozen=True)
class StepAction:
    """A step-completing action of the commune review page: the step it completes, its form, its service."""

    step: int
    form: type[forms.Form] | None
    call: Callable[[CommuneReview, dict[str, Any], Any], object]
    done: Any


POSTING_END_QUESTION = gettext_noop(
    "End the public posting? Complaints can no longer be recorded for it and the step cannot be undone."
)
STEP_ACTIONS: dict[str, StepAction] = {
    "listing_complete": StepAction(
        Step.LISTING,
        None,
        lambda r, d, u: services.listing_complete(review=r, acting_user=u),
        gettext_lazy("The list of households to review is complete."),
    ),
    "survey_complete": StepAction(
        Step.SURVEY,
        None,
        lambda r, d, u: services.survey_complete(review=r, acting_user=u),
        gettext_lazy("The survey is complete. Hold the village meetings next."),
    ),
    "meeting_complete": StepAction(
        Step.MEETING,
        None,
        lambda r, d, u: services.meeting_complete(review=r, acting_user=u),
        gettext_lazy("The village meetings are recorded. Post the results publicly next."),
    ),
    "posting_complete": StepAction(
        Step.POSTING,
        PostingCompleteForm,
        lambda r, d, u: services.posting_complete(
            review=r, posting_from=d["posting_from"], posting_to=d["posting_to"], acting_user=u
        ),
        gettext_lazy("The public posting is complete."),
    ),
    # A commune whose list is empty: the posting is not held (no household on the list), no dates.
    "posting_not_held": StepAction(
        Step.POSTING,
        None,
        lambda r, d, u: services.posting_complete(review=r, acting_user=u),
        gettext_lazy("No household is on the list: the public posting is recorded as not held."),
    ),
    "recognise": StepAction(
        Step.RECOGNITION,
        RecogniseForm,
        lambda r, d, u: services.recognise(
            review=r, decision_number=d["decision_number"], decision_date=d["decision_date"], acting_user=u
        ),
        gettext_lazy("The decision was applied: the registry now shows the recognised categories."),
    ),
    "certificates_complete": StepAction(
        Step.CERTIFICATES,
        None,
        lambda r, d, u: services.certificates_complete(review=r, acting_user=u),
        gettext_lazy("The certificates are recorded as issued."),
    ),
    "submit": StepAction(
        Step.SUBMITTED,
        None,
        lambda r, d, u: services.submit(review=r, acting_user=u),
        gettext_lazy("The review was submitted to the province. It can no longer be changed."),
    ),
}


def _review_context(request: AuthenticatedRequest, review: CommuneReview, **overrides: Any) -> dict[str, Any]:
    user = request.user
    is_open = review.round.status == RoundStatus.OPEN
    can_conduct = can(user, Capability.CONDUCT_REVIEW) and not review.locked and is_open
    show_households = can(user, Capability.VIEW_HOUSEHOLDS)
    filter_form = AssessmentFilterForm(request.GET or None)
    filters = selectors.AssessmentFilters()
    if filter_form.is_valid():
        filters = selectors.AssessmentFilters(
            status=filter_form.cleaned_data["status"],
            q=filter_form.cleaned_data["q"],
            source=filter_form.cleaned_data["source"],
        )
    next_step = review.next_step if not review.locked else None
    step_forms: dict[str, forms.Form] = {}
    for name, action in STEP_ACTIONS.items():
        if action.form is not None and action.step == next_step:
            step_forms[name] = action.form()
    step_forms.update(overrides.pop("step_forms", {}))
    status_counts = selectors.assessment_status_counts(user=user, review=review)
    list_empty = review.step >= Step.SURVEY and services.list_is_empty(review)
    if list_empty:
        step_forms.pop("posting_complete", None)
    context: dict[str, Any] = {
        "review": review,
        "round": review.round,
        "tracker": selectors.step_tracker(user=user, review=review),
        "events": selectors.step_events(user=user, review=review),
        "next_step": next_step,
        "next_step_label": Step(next_step).label if next_step is not None else "",
        "steps": Step,
        "statuses": AssessmentStatus,
        "is_open": is_open,
        "can_conduct": can_conduct,
        "can_manage": can(user, Capability.MANAGE_REVIEW_ROUNDS) and is_open,
        "show_households": show_households,
        "filter_form": filter_form,
        "filtered": bool(filters.status or filters.q or filters.source),
        "status_counts": status_counts,
        "status_badges": [(s.value, s.label, status_counts[s.value]) for s in AssessmentStatus],
        "step_forms": step_forms,
        "list_empty": list_empty,
        "village_meetings": selectors.village_meeting_rows(user=user, review=review)
        if review.step >= Step.SURVEY
        else [],
        "meeting_open": can_conduct and review.step == Step.SURVEY,
        "not_held": selectors.steps_not_held(user=user, review=review),
        "complaints": selectors.complaint_list(user=user, review=review)
        if review.step >= Step.MEETING
        else [],
        "movements": selectors.movement_counts(user=user, review=review)
        if review.step >= Step.RECOGNITION
        else [],
        "certificate_count": selectors.certificate_assessments(user=user, review=review).count()
        if review.step >= Step.RECOGNITION and show_households
        else 0,
        "breadcrumbs": crumbs(round_crumb(review.round), (review.commune.name, None)),
    }
    if show_households:
        context["page_obj"] = paginate(
            request, selectors.assessment_list(user=user, review=review, filters=filters), per_page=50
        )
    context.update(overrides)
    return context


@capability_required(Capability.VIEW_TABLES)
@require_GET
def commune_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    context = _review_context(request, review)
    if is_htmx(request) and context["show_households"]:
        return render(request, "reviews/_assessment_table.html", context)
    return render(request, "reviews/commune_review.html", context)


@capability_required(Capability.CONDUCT_REVIEW)
@require_POST
def step_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    action = STEP_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect(review_url(review))
    if action.form is None:
        try:
            action.call(review, {}, request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(action.done))
        return redirect(review_url(review))
    form = action.form(request.POST)
    if form.is_valid():
        if action is STEP_ACTIONS["posting_complete"]:  # it cannot be taken back: ask first
            ask = confirmation_page(request, question=_(POSTING_END_QUESTION), cancel_url=review_url(review))
            if ask is not None:
                return ask
        done = submit(form, lambda: action.call(review, form.cleaned_data, request.user))
        if done is not None:
            messages.success(request, str(action.done))
            return redirect(review_url(review))
    review = selectors.access_commune_review_by_id(user=request.user, review_id=pk)
    if action.step == review.next_step and not review.locked:
        # The form the page shows for this step: render it again with the errors next to the fields.
        name = next(k for k, v in STEP_ACTIONS.items() if v is action)
        context = _review_context(request, review, step_forms={name: form})
        return render(request, "reviews/commune_review.html", context)
    form_errors_to_messages(request, form)
    return redirect(review_url(review))


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_http_methods(["GET", "POST"])
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    form = ReopenForm(request.POST or None, current_step=review.step)
    if not form.fields["to_step"].choices:  # type: ignore[attr-defined]
        messages.error(request, _("This commune's review has no earlier step to go back to."))
        return redirect(review_url(review))
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.reopen(
                review=review,
                to_step=form.cleaned_data["to_step"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The review of %(commune)s was reopened after step “%(step)s”.")
                % {"commune": review.commune.name, "step": Step(done.step).label},
            )
            return redirect(review_url(review))
    return render(
        request,
        "reviews/reopen_form.html",
        {"form": form, "review": review, "breadcrumbs": review_crumbs(review, (_("Reopen"), None))},
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def request_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Form 01: a household of the commune asks to be reviewed; it joins the list and gets form A."""
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    if request.method == "POST":
        form = RequestAddForm(
            request.POST, households=selectors.household_candidates(user=request.user, review=review)
        )
        if form.is_valid():
            household = form.cleaned_data["household"]
            try:
                services.request_add(review=review, household=household, acting_user=request.user)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Household %(household)s was added to the list. Record form A next.")
                    % {"household": household},
                )
                return redirect(review_url(review, "assessments"))
        else:
            messages.error(request, _("Choose a household of this commune that is not on the list yet."))
    search = HouseholdSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = selectors.household_candidates(user=request.user, review=review, q=q)
    return render(
        request,
        "reviews/request_add.html",
        {
            "review": review,
            "search": search,
            "q": q,
            "page_obj": paginate(request, candidates),
            "open": not review.locked and review.step in (Step.NOT_STARTED, Step.LISTING),
            "breadcrumbs": review_crumbs(review, (_("Add a requesting household"), None)),
        },
    )
