"""One household's assessment in a commune's review (screening, survey, meeting) and a village's meeting.
Thin: check the capability, read through ``selectors``, write through ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required, require
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, submit
from giamngheo.households.reference import Device
from giamngheo.households.selectors import household_with_members

from . import selectors, services
from .forms import (
    MeetingForm,
    ScreeningForm,
    SurveyForm,
    VillageMeetingForm,
)
from .models import (
    Assessment,
    AssessmentStatus,
    CommuneReview,
    RoundStatus,
    Source,
    Step,
)
from .view_parts import form_errors_to_messages, review_crumbs, review_url


@capability_required(Capability.CONDUCT_REVIEW)
@require_POST
def screening(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = get_or_404(selectors.access_assessment_by_id, user=request.user, assessment_id=pk)
    review = get_or_404(selectors.review_of_assessment, user=request.user, assessment=assessment)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(review_url(review, "assessments"))
    if not form.cleaned_data["passed"]:  # excluding the household from the survey: ask first
        ask = confirmation_page(
            request,
            question=_("Exclude this household from the full survey (form A: not eligible)?"),
            cancel_url=review_url(review, "assessments"),
        )
        if ask is not None:
            return ask
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
    return redirect(review_url(review, "assessments"))


def _keep_input_after_stale(form: forms.Form, current: Assessment) -> None:
    """After a stale-version refusal, keep what the officer typed but arm the form with the current
    version: the page shows the other person's result, and saving again replaces it knowingly."""
    if str(form.data.get("version")) != str(current.version):
        form.data = {**{key: form.data.get(key) for key in form.data}, "version": str(current.version)}


def _assessment_page_context(
    request: AuthenticatedRequest, assessment: Assessment, review: CommuneReview
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
def survey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
            "breadcrumbs": review_crumbs(
                review, (_("Survey · %(code)s") % {"code": assessment.household.code}, None)
            ),
        }
    )
    return render(request, "reviews/survey.html", context)


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def meeting(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
            "breadcrumbs": review_crumbs(
                review, (_("Village meeting · %(code)s") % {"code": assessment.household.code}, None)
            ),
        }
    )
    return render(request, "reviews/meeting.html", context)


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def village_meeting(request: AuthenticatedRequest, pk: int, village: int) -> HttpResponse:
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
            return redirect(review_url(review, "village-meetings"))
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
            "breadcrumbs": review_crumbs(
                review, (_("Meeting of %(village)s") % {"village": area.name}, None)
            ),
        },
    )
