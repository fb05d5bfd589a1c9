"""Pages of the periodic review (rounds, a commune's seven steps, assessments, certificates) and of the
regular in-year review. Thin: check the capability, read through ``selectors``, write through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required, require
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import ApplicationError, NotFound
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.geo.models import AreaLevel
from giamngheo.geo.selectors import area_list
from giamngheo.households.reference import Device
from giamngheo.households.selectors import access_household_by_id, household_with_members

from . import selectors, services
from .forms import (
    AssessmentFilterForm,
    CommuneReviewFilterForm,
    ComplaintForm,
    ComplaintResolveForm,
    HouseholdSearchForm,
    MeetingForm,
    PostingCompleteForm,
    RecogniseForm,
    ReopenForm,
    RequestAddForm,
    RequestDecideForm,
    RequestFileForm,
    RequestFilterForm,
    RoundForm,
    RoundStandardForm,
    ScreeningForm,
    SurveyForm,
    VillageMeetingForm,
)
from .models import (
    Assessment,
    AssessmentStatus,
    CommuneReview,
    RequestStatus,
    ReviewRound,
    RoundStatus,
    Source,
    Step,
)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Review rounds"), reverse("reviews:round-list")), *tail]


def _round_crumb(review_round: ReviewRound) -> tuple[str, str | None]:
    return str(review_round), reverse("reviews:round-detail", args=[review_round.pk])


def _review_crumbs(review: CommuneReview, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs(
        _round_crumb(review.round),
        (review.commune.name, reverse("reviews:commune-review", args=[review.pk])),
        *tail,
    )


def _review_url(review: CommuneReview, anchor: str = "") -> str:
    url = reverse("reviews:commune-review", args=[review.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_errors_to_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            messages.error(request, f"{field.label}: {error}" if field and field.label else str(error))


# Rounds -----------------------------------------------------------------------------------------------------


@capability_required(Capability.VIEW_TABLES)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
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
def round_create(request: HttpRequest) -> HttpResponse:
    provinces = area_list(user=request.user).filter(level=AreaLevel.PROVINCE).order_by("name")
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
        {"form": form, "breadcrumbs": _crumbs((_("Open a review round"), None))},
    )


@capability_required(Capability.VIEW_TABLES)
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        "breadcrumbs": _crumbs((str(review_round), None)),
    }
    template = "reviews/_commune_table.html" if _is_htmx(request) else "reviews/round_detail.html"
    return render(request, template, context)


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
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
def round_standard(request: HttpRequest, pk: int) -> HttpResponse:
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
            "breadcrumbs": _crumbs(_round_crumb(review_round), (_("Standard applied"), None)),
        },
    )


# A commune's review -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepAction:
    """A step-completing action of the commune review page: the step it completes, its form, its service."""

    step: int
    form: type[forms.Form] | None
    call: Callable[[CommuneReview, dict[str, Any], Any], object]
    done: Any


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


def _review_context(request: HttpRequest, review: CommuneReview, **overrides: Any) -> dict[str, Any]:
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
        "breadcrumbs": _crumbs(_round_crumb(review.round), (review.commune.name, None)),
    }
    if show_households:
        context["page_obj"] = paginate(
            request, selectors.assessment_list(user=user, review=review, filters=filters), per_page=50
        )
    context.update(overrides)
    return context


@capability_required(Capability.VIEW_TABLES)
@require_GET
def commune_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    context = _review_context(request, review)
    if _is_htmx(request) and context["show_households"]:
        return render(request, "reviews/_assessment_table.html", context)
    return render(request, "reviews/commune_review.html", context)


@capability_required(Capability.CONDUCT_REVIEW)
@require_POST
def step_action(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    action = STEP_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect(_review_url(review))
    if action.form is None:
        try:
            action.call(review, {}, request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(action.done))
        return redirect(_review_url(review))
    form = action.form(request.POST)
    if form.is_valid():
        done = submit(form, lambda: action.call(review, form.cleaned_data, request.user))
        if done is not None:
            messages.success(request, str(action.done))
            return redirect(_review_url(review))
    review = selectors.access_commune_review_by_id(user=request.user, review_id=pk)
    if action.step == review.next_step and not review.locked:
        # The form the page shows for this step: render it again with the errors next to the fields.
        name = next(k for k, v in STEP_ACTIONS.items() if v is action)
        context = _review_context(request, review, step_forms={name: form})
        return render(request, "reviews/commune_review.html", context)
    _form_errors_to_messages(request, form)
    return redirect(_review_url(review))


@capability_required(Capability.MANAGE_REVIEW_ROUNDS)
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    form = ReopenForm(request.POST or None, current_step=review.step)
    if not form.fields["to_step"].choices:  # type: ignore[attr-defined]
        messages.error(request, _("This commune's review has no earlier step to go back to."))
        return redirect(_review_url(review))
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
            return redirect(_review_url(review))
    return render(
        request,
        "reviews/reopen_form.html",
        {"form": form, "review": review, "breadcrumbs": _review_crumbs(review, (_("Reopen"), None))},
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def request_add(request: HttpRequest, pk: int) -> HttpResponse:
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
                return redirect(_review_url(review, "assessments"))
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
            "breadcrumbs": _review_crumbs(review, (_("Add a requesting household"), None)),
        },
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_POST
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_or_404(selectors.access_assessment_by_id, user=request.user, assessment_id=pk)
    review = get_or_404(selectors.review_of_assessment, user=request.user, assessment=assessment)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect(_review_url(review, "assessments"))
    try:
        services.screening_record(
            assessment=assessment,
            passed=form.cleaned_data["passed"],
            version=form.cleaned_data["version"],
            acting_user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        if form.cleaned_data["passed"]:
            messages.success(
                request,
                _("Form A: %(household)s is eligible for the full survey.")
                % {"household": assessment.household},
            )
        else:
            messages.success(
                request,
                _("Form A: %(household)s is not eligible; it leaves the list.")
                % {"household": assessment.household},
            )
    return redirect(_review_url(review, "assessments"))


def _keep_input_after_stale(form: forms.Form, current: Assessment) -> None:
    """After a stale-version refusal, keep what the officer typed but arm the form with the current
    version: the page shows the other person's result, and saving again replaces it knowingly."""
    if str(form.data.get("version")) != str(current.version):
        form.data = {**{key: form.data.get(key) for key in form.data}, "version": str(current.version)}


def _assessment_page_context(
    request: HttpRequest, assessment: Assessment, review: CommuneReview
) -> dict[str, Any]:
    household = get_or_404(household_with_members, user=request.user, household_id=assessment.household_id)
    return {
        "assessment": assessment,
        "review": review,
        "household": household,
        "members": list(household.members.all()),
        "can_conduct": can(request.user, Capability.CONDUCT_REVIEW)
        and not review.locked
        and review.round.status == RoundStatus.OPEN,
        "back_to_survey": assessment.status == AssessmentStatus.LISTED
        and assessment.meeting_votes_for is not None,
        "device_labels": [str(Device(d).label) for d in household.devices or [] if d in Device.values],
    }


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        require(request, Capability.CONDUCT_REVIEW)
    assessment = get_or_404(selectors.access_assessment_by_id, user=request.user, assessment_id=pk)
    review = get_or_404(selectors.review_of_assessment, user=request.user, assessment=assessment)
    income = assessment.income_per_capita
    if income is None:
        income = assessment.household.income_per_capita
    form = SurveyForm(
        request.POST or None,
        initial={
            "income_per_capita": number_format(income, force_grouping=True) if income is not None else "",
            "surveyed_on": assessment.surveyed_on or selectors.today(),
            "version": assessment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: services.survey_record(
                assessment=assessment,
                income_per_capita=data["income_per_capita"],
                version=data["version"],
                surveyed_on=data["surveyed_on"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Survey saved: by the standard, %(household)s is “%(category)s”.")
                % {
                    "household": saved.household,
                    "category": saved.get_proposed_category_display() or "—",
                },
            )
            return redirect("reviews:survey", pk=saved.pk)
        assessment = selectors.access_assessment_by_id(user=request.user, assessment_id=pk)
        _keep_input_after_stale(form, assessment)
    context = _assessment_page_context(request, assessment, review)
    needs_screening = assessment.source == Source.REQUEST and assessment.screening_passed is None
    editable = (
        context["can_conduct"]
        and not needs_screening
        and (
            (review.step == Step.LISTING and assessment.status != AssessmentStatus.SCREENED_OUT)
            or (review.step == Step.SURVEY and assessment.status == AssessmentStatus.LISTED)
        )
    )
    next_to_survey = (
        selectors.assessment_list(
            user=request.user,
            review=review,
            filters=selectors.AssessmentFilters(status=AssessmentStatus.LISTED),
        )
        .exclude(pk=assessment.pk)
        .first()
    )
    context.update(
        {
            "form": form,
            "editable": editable,
            "show_form": editable or form.is_bound,
            "needs_screening": needs_screening,
            "next_to_survey": next_to_survey,
            "breadcrumbs": _review_crumbs(
                review, (_("Survey · %(code)s") % {"code": assessment.household.code}, None)
            ),
        }
    )
    return render(request, "reviews/survey.html", context)


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        require(request, Capability.CONDUCT_REVIEW)
    assessment = get_or_404(selectors.access_assessment_by_id, user=request.user, assessment_id=pk)
    review = get_or_404(selectors.review_of_assessment, user=request.user, assessment=assessment)
    form = MeetingForm(
        request.POST or None,
        initial={
            "attendance": assessment.meeting_attendance
            or selectors.household_meeting_attendance(user=request.user, assessment=assessment),
            "votes_for": assessment.meeting_votes_for,
            "decided_category": assessment.decided_category or assessment.proposed_category,
            "reason": assessment.decision_reason,
            "version": assessment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: services.meeting_record(
                assessment=assessment,
                votes_for=data["votes_for"],
                attendance=data["attendance"],
                decided_category=data["decided_category"],
                reason=data["reason"],
                version=data["version"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            if saved.status == AssessmentStatus.LISTED:
                messages.warning(
                    request,
                    _(
                        "%(household)s: %(pct)s %% agreement is below 50 %%. The household goes back to the "
                        "survey and to a new meeting."
                    )
                    % {"household": saved.household, "pct": number_format(saved.agreement_pct or 0, 1)},
                )
            else:
                messages.success(
                    request,
                    _("Meeting result saved: %(household)s, “%(category)s”.")
                    % {"household": saved.household, "category": saved.get_decided_category_display()},
                )
            return redirect("reviews:meeting", pk=saved.pk)
        assessment = selectors.access_assessment_by_id(user=request.user, assessment_id=pk)
        _keep_input_after_stale(form, assessment)
    context = _assessment_page_context(request, assessment, review)
    editable = (
        context["can_conduct"]
        and review.step == Step.SURVEY
        and assessment.status in (AssessmentStatus.SURVEYED, AssessmentStatus.AGREED)
    )
    next_for_meeting = (
        selectors.assessment_list(
            user=request.user,
            review=review,
            filters=selectors.AssessmentFilters(status=AssessmentStatus.SURVEYED),
        )
        .exclude(pk=assessment.pk)
        .first()
    )
    context.update(
        {
            "form": form,
            "editable": editable,
            "show_form": editable or form.is_bound,
            "next_for_meeting": next_for_meeting,
            "village_meeting_missing": editable
            and selectors.household_meeting_attendance(user=request.user, assessment=assessment) is None,
            "breadcrumbs": _review_crumbs(
                review, (_("Village meeting · %(code)s") % {"code": assessment.household.code}, None)
            ),
        }
    )
    return render(request, "reviews/meeting.html", context)


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def village_meeting(request: HttpRequest, pk: int, village: int) -> HttpResponse:
    """Record or correct the meeting of one village of the commune's review."""
    if request.method == "POST":
        require(request, Capability.CONDUCT_REVIEW)
    review = get_or_404(selectors.access_commune_review_by_id, user=request.user, review_id=pk)
    area = get_or_404(selectors.access_meeting_village, user=request.user, review=review, village_id=village)
    meeting = selectors.village_meeting_of(user=request.user, review=review, village=area)
    initial: dict[str, Any] = {"held_on": selectors.today()}
    if meeting is not None:
        initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
        initial["version"] = meeting.version
    form = VillageMeetingForm(request.POST or None, initial=initial, editing=meeting is not None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.MEETING_FIELDS}
        current = meeting
        if current is None:
            saved = submit(
                form,
                lambda: services.village_meeting_record(
                    review=review, village=area, acting_user=request.user, **data
                ),
            )
        else:
            saved = submit(
                form,
                lambda: services.village_meeting_update(
                    meeting=current,
                    version=form.cleaned_data["version"],
                    acting_user=request.user,
                    **data,
                ),
            )
        if saved is not None:
            messages.success(request, _("The meeting of %(village)s is recorded.") % {"village": area.name})
            return redirect(_review_url(review, "village-meetings"))
        fresh = selectors.village_meeting_of(user=request.user, review=review, village=area)
        if fresh is not None and str(form.data.get("version")) != str(fresh.version):
            # Keep what was typed; saving again knowingly replaces the other person's record.
            form.data = {**{key: form.data.get(key) for key in form.data}, "version": str(fresh.version)}
            meeting = fresh
    editable = (
        can(request.user, Capability.CONDUCT_REVIEW)
        and not review.locked
        and review.round.status == RoundStatus.OPEN
        and review.step == Step.SURVEY
    )
    return render(
        request,
        "reviews/village_meeting_form.html",
        {
            "form": form,
            "review": review,
            "village": area,
            "meeting": meeting,
            "editable": editable,
            "households": selectors.village_households_on_list(
                user=request.user, review=review, village=area
            ),
            "breadcrumbs": _review_crumbs(
                review, (_("Meeting of %(village)s") % {"village": area.name}, None)
            ),
        },
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def complaint_add(request: HttpRequest, pk: int) -> HttpResponse:
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
                return redirect(_review_url(review, "complaints"))
    return render(
        request,
        "reviews/complaint_form.html",
        {
            "form": form,
            "review": review,
            "title": _("Record a complaint"),
            "breadcrumbs": _review_crumbs(review, (_("Record a complaint"), None)),
        },
    )


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
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
            return redirect(_review_url(review, "complaints"))
    return render(
        request,
        "reviews/complaint_form.html",
        {
            "form": form,
            "review": review,
            "complaint": complaint,
            "title": _("Resolve a complaint"),
            "breadcrumbs": _review_crumbs(review, (_("Resolve a complaint"), None)),
        },
    )


# Regular (in-year) review -----------------------------------------------------------------------------------


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
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
    template = "reviews/_request_table.html" if _is_htmx(request) else "reviews/request_list.html"
    return render(request, template, context)


def _request_crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Regular review requests"), reverse("reviews:request-list")), *tail]


@capability_required(Capability.CONDUCT_REVIEW)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
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
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
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
            _form_errors_to_messages(request, form)
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
