"""Pages of commendation: thin views over ``commendation.selectors`` and ``commendation.services``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.attachments import attachment_response
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import Column, Section, table_download, wants_xlsx

from . import selectors, services
from .forms import (
    BaseSalaryForm,
    DecisionForm,
    IncomeForm,
    MeetingForm,
    PaymentForm,
    ProposalFileForm,
    ProposalForm,
    ReasonForm,
    SubmitForm,
    TitleVersionForm,
    UnitRatingsForm,
    VoteForm,
)
from .models import Beneficiary, ProposalStatus, Rating
from .paste import parse_ratings

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Proposal


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def any_required(*capabilities: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
            if not any(can(request.user, c) for c in capabilities):
                raise PermissionDenied("commendation")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


view_required = any_required(Capability.VIEW_EMULATION, Capability.MANAGE_COMMENDATION)
propose_required = any_required(Capability.TAKE_PART_EMULATION, Capability.MANAGE_COMMENDATION)
judge_required = any_required(Capability.JUDGE_EMULATION, Capability.MANAGE_COMMENDATION)


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Commendation"), reverse("commendation:index")), *tail]


def _year(request: AuthenticatedRequest, default: int | None = None) -> int | None:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    if year is not None and year < 2000:
        year = None
    return year if year is not None else default


def _this_year() -> int:
    return timezone.localdate().year


# The landing page -----------------------------------------------------------------------------------------
@view_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request, _this_year()) or _this_year()
    years = sorted({*selectors.proposal_years(user=_u(request)), _this_year()}, reverse=True)
    return render(
        request,
        "commendation/index.html",
        {
            "overview": selectors.overview(user=_u(request), year=year),
            "year": year,
            "years": years,
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "can_propose": can(request.user, Capability.TAKE_PART_EMULATION)
            or can(request.user, Capability.MANAGE_COMMENDATION),
            "can_judge": can(request.user, Capability.JUDGE_EMULATION)
            or can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": [(_("Commendation"), None)],
        },
    )


# The catalogue --------------------------------------------------------------------------------------------
def _parse_date(raw: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


@view_required
@require_GET
def title_list(request: AuthenticatedRequest) -> HttpResponse:
    on = _parse_date(request.GET.get("on", "")) or timezone.localdate()
    salary = selectors.base_salary_on(on)
    return render(
        request,
        "commendation/title_list.html",
        {
            "titles": [
                (t, selectors.bonus(t.multiple, salary.amount if salary else None))
                for t in selectors.titles_in_force(on=on)
            ],
            "on": on,
            "salary": salary,
            "salaries": selectors.base_salaries(),
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs((_("Titles and forms of commendation"), None)),
        },
    )


@view_required
@require_GET
def title_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    title = get_or_404(selectors.access_title_by_id, title_id=pk)
    versions = selectors.title_versions(code=title.code)
    latest = versions.first()
    return render(
        request,
        "commendation/title_detail.html",
        {
            "title": title,
            "versions": versions,
            "latest": latest,
            "criteria_json": json.dumps(title.criteria, ensure_ascii=False),
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs(
                (_("Titles and forms of commendation"), reverse("commendation:title-list")),
                (title.name, None),
            ),
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_http_methods(["GET", "POST"])
def title_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    title = get_or_404(selectors.access_title_by_id, title_id=pk)
    latest = selectors.title_latest(code=title.code)
    if latest is None or latest.pk != title.pk:
        raise Http404
    initial = {name: getattr(title, name) for name in services.TITLE_FIELDS} | {
        "criteria": json.dumps(title.criteria, ensure_ascii=False),
        "version": title.version,
    }
    form = TitleVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        valid_from = data.pop("valid_from")
        new = submit(
            form,
            lambda: services.title_version_add(
                title=title, data=data, valid_from=valid_from, version=version, acting_user=_u(request)
            ),
        )
        if new is not None:
            messages.success(request, _("The new version was saved."))
            return redirect("commendation:title-detail", pk=new.pk)
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("New version of %(title)s") % {"title": title.name},
            "cancel_url": reverse("commendation:title-detail", args=[title.pk]),
            "breadcrumbs": _crumbs(
                (_("Titles and forms of commendation"), reverse("commendation:title-list")),
                (title.name, reverse("commendation:title-detail", args=[title.pk])),
                (_("New version"), None),
            ),
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_http_methods(["GET", "POST"])
def salary_create(request: AuthenticatedRequest) -> HttpResponse:
    form = BaseSalaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        row = submit(
            form,
            lambda: services.base_salary_add(
                amount=c["amount"],
                valid_from=c["valid_from"],
                legal_source=c["legal_source"],
                acting_user=_u(request),
            ),
        )
        if row is not None:
            messages.success(request, _("The base salary was saved."))
            return redirect("commendation:title-list")
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("New base salary"),
            "cancel_url": reverse("commendation:title-list"),
            "breadcrumbs": _crumbs(
                (_("Titles and forms of commendation"), reverse("commendation:title-list")),
                (_("New base salary"), None),
            ),
        },
    )


# Ratings ------------------------------------------------------------------------------------------------
@any_required(Capability.MANAGE_COMMENDATION, Capability.TAKE_PART_EMULATION, Capability.JUDGE_EMULATION)
@require_GET
def rating_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request, _this_year() - 1) or _this_year() - 1
    years = sorted({*selectors.rating_years(), _this_year(), _this_year() - 1}, reverse=True)
    return render(
        request,
        "commendation/rating_list.html",
        {
            "rows": selectors.rating_summary(user=_u(request), year=year),
            "year": year,
            "years": years,
            "ratings": Rating.choices,
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs((_("Quality ratings"), None)),
        },
    )


@any_required(Capability.MANAGE_COMMENDATION, Capability.TAKE_PART_EMULATION, Capability.JUDGE_EMULATION)
@require_http_methods(["GET", "POST"])
def rating_unit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_or_404(selectors.access_unit_by_id, user=_u(request), unit_id=pk)
    source = request.POST if request.method == "POST" else request.GET
    year = int_param(request, "year", data=source, maximum=2100, invalid="ignore") or _this_year() - 1
    manage = can(request.user, Capability.MANAGE_COMMENDATION)
    rows = selectors.unit_ratings(user=_u(request), unit=unit, year=year)
    form = UnitRatingsForm(
        request.POST if request.method == "POST" and manage else None,
        staff=[r.staff for r in rows],
        initial_rows={r.staff.pk: r.rating for r in rows if r.rating},
        initial={"year": year},
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("commendation")
        if "pasted" in request.POST:
            return _ratings_pasted(request, unit, year, [r.staff for r in rows])
        if form.is_valid():
            entries = [
                services.RatingInput(
                    staff=r.staff,
                    rating=form.cleaned_data[f"rating_{r.staff.pk}"],
                    disciplined=form.cleaned_data[f"disciplined_{r.staff.pk}"],
                )
                for r in rows
            ]
            changed = submit(
                form,
                lambda: services.ratings_save(
                    unit=unit, year=form.cleaned_data["year"], rows=entries, acting_user=_u(request)
                ),
            )
            if changed is not None:
                messages.success(request, _("The ratings were saved (%(n)s changed).") % {"n": changed})
                return redirect(f"{reverse('commendation:rating-list')}?year={form.cleaned_data['year']}")
    return render(
        request,
        "commendation/rating_unit.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "form": form,
            "can_manage": manage,
            "breadcrumbs": _crumbs(
                (_("Quality ratings"), reverse("commendation:rating-list")), (unit.name, None)
            ),
        },
    )


def _ratings_pasted(request: AuthenticatedRequest, unit: Any, year: int, staff: list[Any]) -> HttpResponse:
    """Ratings pasted as lines "name; rating[; disciplined]": all understood, or nothing is saved."""
    pasted = parse_ratings(request.POST.get("pasted", "")[:100_000], staff)
    back = f"{reverse('commendation:rating-unit', args=[unit.pk])}?year={year}"
    if pasted.errors or not pasted.rows:
        messages.error(
            request,
            _("Nothing was saved: these lines name no staff member of the unit or no rating: %(lines)s")
            % {"lines": " | ".join(pasted.errors[:10]) or "—"},
        )
        return redirect(back)
    entries = [services.RatingInput(staff=s, rating=r, disciplined=d) for s, r, d in pasted.rows]
    try:
        changed = services.ratings_save(unit=unit, year=year, rows=entries, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("The ratings were saved (%(n)s changed).") % {"n": changed})
    return redirect(back)


# Proposals ----------------------------------------------------------------------------------------------
@view_required
@require_GET
def proposal_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = selectors.ProposalFilters(
        year=_year(request),
        status=request.GET.get("status", ""),
        title=request.GET.get("title", "")[:40],
        kind=request.GET.get("kind", ""),
        q=request.GET.get("q", "").strip()[:100],
    )
    proposals = selectors.proposal_list(user=_u(request), filters=filters)
    return render(
        request,
        "commendation/proposal_list.html",
        {
            "page_obj": paginate(request, proposals),
            "filters": filters,
            "years": selectors.proposal_years(user=_u(request)),
            "statuses": ProposalStatus.choices,
            "kinds": Beneficiary.choices,
            "titles": selectors.titles_in_force(on=timezone.localdate()),
            "can_propose": can(request.user, Capability.TAKE_PART_EMULATION)
            or can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs((_("Proposals"), None)),
        },
    )


def _proposal_form(request: AuthenticatedRequest, proposal: Proposal | None = None) -> ProposalForm:
    user = _u(request)
    year = proposal.year if proposal else _this_year() - (1 if timezone.localdate().month < 7 else 0)
    titles = list(selectors.titles_for_year(year=year))
    initial: dict[str, Any] = {"year": year}
    if proposal is not None:
        initial |= {
            "proposing_unit": proposal.proposing_unit_id,
            "nominee_kind": proposal.nominee_kind,
            "title": proposal.title_id,
            "staff": proposal.staff_id,
            "org_unit": proposal.org_unit_id,
            "household_code": proposal.household.code if proposal.household else "",
            "rating": proposal.rating,
            "initiative": proposal.initiative_id,
            "achievements": proposal.achievements,
            "version": proposal.version,
        }
    return ProposalForm(
        request.POST or None,
        units=selectors.units_to_pick(user=user),
        titles=titles,
        staff=selectors.staff_to_pick(user=user),
        initiatives=selectors.initiatives_to_pick(user=user, proposal=proposal),
        households=can(user, Capability.MANAGE_COMMENDATION),
        editing=proposal is not None,
        initial=initial,
    )


def _proposal_input(request: AuthenticatedRequest, c: dict[str, Any]) -> services.ProposalInput | None:
    user = _u(request)
    units = {u.pk: u for u in selectors.units_to_pick(user=user)}
    staff = {s.pk: s for s in selectors.staff_to_pick(user=user)}
    title = selectors.title_for_year(title_id=c["title"], year=c["year"])
    if title is None:
        return None
    unit = units.get(c["proposing_unit"])
    if unit is None:
        return None
    initiatives = {i.pk: i for i in selectors.initiatives_to_pick(user=user)}
    household = None
    if c["nominee_kind"] == Beneficiary.HOUSEHOLD and c.get("household_code"):
        household = selectors.household_by_code(user=user, code=c["household_code"])
    return services.ProposalInput(
        year=c["year"],
        title=title,
        proposing_unit=unit,
        nominee_kind=c["nominee_kind"],
        staff=staff.get(c["staff"]) if c["staff"] else None,
        org_unit=units.get(c["org_unit"]) if c["org_unit"] else None,
        household=household,
        achievements=c["achievements"],
        rating=c["rating"],
        initiative=initiatives.get(c["initiative"]) if c["initiative"] else None,
    )


@propose_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _proposal_form(request)
    if request.method == "POST" and form.is_valid():
        data = _proposal_input(request, dict(form.cleaned_data))
        if data is None:
            form.add_error(None, _("Choose the unit and a title in force for the year."))
        else:
            proposal = submit(form, lambda: services.proposal_create(data=data, acting_user=_u(request)))
            if proposal is not None:
                messages.success(request, _("The proposal was saved as a draft."))
                return redirect("commendation:proposal-detail", pk=proposal.pk)
    return render(
        request,
        "commendation/proposal_form.html",
        {
            "form": form,
            "cancel_url": reverse("commendation:proposal-list"),
            "breadcrumbs": _crumbs(
                (_("Proposals"), reverse("commendation:proposal-list")), (_("New proposal"), None)
            ),
        },
    )


@propose_required
@require_http_methods(["GET", "POST"])
def proposal_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_or_404(selectors.access_proposal_by_id, user=_u(request), proposal_id=pk)
    form = _proposal_form(request, proposal)
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        version = c.pop("version")
        data = _proposal_input(request, c)
        if data is None:
            form.add_error(None, _("Choose the unit and a title in force for the year."))
        elif submit(
            form,
            lambda: services.proposal_update(
                proposal=proposal, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The proposal was saved."))
            return redirect("commendation:proposal-detail", pk=proposal.pk)
    return render(
        request,
        "commendation/proposal_form.html",
        {
            "form": form,
            "proposal": proposal,
            "cancel_url": reverse("commendation:proposal-detail", args=[proposal.pk]),
            "breadcrumbs": _crumbs(
                (_("Proposals"), reverse("commendation:proposal-list")),
                (
                    selectors.nominee_name(proposal),
                    reverse("commendation:proposal-detail", args=[proposal.pk]),
                ),
                (_("Edit"), None),
            ),
        },
    )


@view_required
@require_GET
def proposal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_or_404(selectors.access_proposal_by_id, user=_u(request), proposal_id=pk)
    editable = proposal.status in services.EDITABLE
    may_propose = can(request.user, Capability.TAKE_PART_EMULATION) or can(
        request.user, Capability.MANAGE_COMMENDATION
    )
    return render(
        request,
        "commendation/proposal_detail.html",
        {
            "proposal": proposal,
            "nominee": selectors.nominee_name(proposal),
            "files": selectors.proposal_files(proposal=proposal),
            "votes": selectors.proposal_votes(proposal=proposal),
            "award": getattr(proposal, "award", None) if proposal.status == ProposalStatus.DECIDED else None,
            # Before sending, the checks as they stand now; after, the checks stored at sending.
            "checks": services.run_checks(proposal) if editable else proposal.checks,
            "can_edit": editable and may_propose,
            "can_return": proposal.status == ProposalStatus.SUBMITTED
            and can(request.user, Capability.MANAGE_COMMENDATION),
            "can_override": can(request.user, Capability.MANAGE_COMMENDATION),
            "file_form": ProposalFileForm(),
            "submit_form": SubmitForm(),
            "reason_form": ReasonForm(),
            "breadcrumbs": _crumbs(
                (_("Proposals"), reverse("commendation:proposal-list")),
                (selectors.nominee_name(proposal), None),
            ),
        },
    )


def _action(
    request: AuthenticatedRequest, pk: int, call: Callable[[Proposal], Any], done: str
) -> HttpResponse:
    proposal = get_or_404(selectors.access_proposal_by_id, user=_u(request), proposal_id=pk)
    try:
        call(proposal)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("commendation:proposal-detail", pk=proposal.pk)


@propose_required
@require_POST
def proposal_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("override_reason", "")[:2000]
    return _action(
        request,
        pk,
        lambda p: services.proposal_submit(proposal=p, override_reason=reason, acting_user=_u(request)),
        _("The proposal was sent to the council."),
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_POST
def proposal_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:2000]
    return _action(
        request,
        pk,
        lambda p: services.proposal_return(proposal=p, reason=reason, acting_user=_u(request)),
        _("The proposal was returned to its unit."),
    )


@propose_required
@require_POST
def proposal_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_or_404(selectors.access_proposal_by_id, user=_u(request), proposal_id=pk)
    detail = reverse("commendation:proposal-detail", args=[proposal.pk])
    asked = confirmation_page(request, question=_("Delete this draft proposal?"), cancel_url=detail)
    if asked is not None:
        return asked
    try:
        services.proposal_delete(proposal=proposal, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(detail)
    messages.success(request, _("The draft was deleted."))
    return redirect("commendation:proposal-list")


@propose_required
@require_POST
def proposal_file_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = ProposalFileForm(request.POST, request.FILES)
    upload = request.FILES.get("file") if form.is_valid() else None
    return _action(
        request,
        pk,
        lambda p: services.proposal_file_add(proposal=p, upload=upload, acting_user=_u(request)),
        _("The file was added."),
    )


@view_required
@require_GET
def proposal_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    row = get_or_404(selectors.access_proposal_file_by_id, user=_u(request), file_id=pk)
    return attachment_response(row.file, row.name)


@propose_required
@require_POST
def proposal_file_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = get_or_404(selectors.access_proposal_file_by_id, user=_u(request), file_id=pk)
    return _action(
        request,
        row.proposal_id,
        lambda p: services.proposal_file_delete(row=row, acting_user=_u(request)),
        _("The file was removed."),
    )


# Council meetings ---------------------------------------------------------------------------------------
@view_required
@require_GET
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "commendation/meeting_list.html",
        {
            "page_obj": paginate(request, selectors.meeting_list(user=_u(request), year=year)),
            "year": year,
            "can_judge": can(request.user, Capability.JUDGE_EMULATION)
            or can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs((_("Council meetings"), None)),
        },
    )


@judge_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, initial={"year": _this_year() - 1})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        meeting = submit(form, lambda: services.meeting_create(acting_user=_u(request), **c))
        if meeting is not None:
            messages.success(request, _("The meeting was recorded."))
            return redirect("commendation:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("New council meeting"),
            "hint": _(
                "The council meets when at least two thirds of its members are present; titles voted by a "
                "share of all members need at least 80 % present."
            ),
            "cancel_url": reverse("commendation:meeting-list"),
            "breadcrumbs": _crumbs(
                (_("Council meetings"), reverse("commendation:meeting-list")), (_("New meeting"), None)
            ),
        },
    )


@view_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(selectors.access_meeting_by_id, user=_u(request), meeting_id=pk)
    judge = can(request.user, Capability.JUDGE_EMULATION) or can(request.user, Capability.MANAGE_COMMENDATION)
    form = VoteForm(request.POST or None)
    if request.method == "POST":
        if not judge:
            raise PermissionDenied("commendation")
        if form.is_valid():
            c = form.cleaned_data
            proposal = get_or_404(
                selectors.access_proposal_by_id, user=_u(request), proposal_id=c["proposal"]
            )
            vote = submit(
                form,
                lambda: services.vote_record(
                    meeting=meeting,
                    proposal=proposal,
                    agree=c["agree"],
                    disagree=c["disagree"],
                    acting_user=_u(request),
                ),
            )
            if vote is not None:
                messages.success(
                    request,
                    _("Approved by the council.") if vote.approved else _("Not approved by the council."),
                )
                return redirect("commendation:meeting-detail", pk=meeting.pk)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return render(
        request,
        "commendation/meeting_detail.html",
        {
            "meeting": meeting,
            "votes": selectors.meeting_votes(user=_u(request), meeting=meeting),
            "pending": selectors.proposals_to_vote(user=_u(request), meeting=meeting) if judge else [],
            "can_judge": judge,
            "share_quorum": services.vote_share_quorum_met(meeting.members_present, meeting.members_total),
            "breadcrumbs": _crumbs(
                (_("Council meetings"), reverse("commendation:meeting-list")),
                (meeting.held_on.strftime("%d/%m/%Y"), None),
            ),
        },
    )


# Decisions ----------------------------------------------------------------------------------------------
@view_required
@require_GET
def decision_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "commendation/decision_list.html",
        {
            "page_obj": paginate(request, selectors.decision_list(user=_u(request), year=year)),
            "year": year,
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs((_("Decisions"), None)),
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_http_methods(["GET", "POST"])
def decision_create(request: AuthenticatedRequest) -> HttpResponse:
    approved = list(selectors.proposals_to_decide(user=_u(request)))
    choices = [(p.pk, f"{p.year} · {p.title.name} · {selectors.nominee_name(p)}") for p in approved]
    form = DecisionForm(
        request.POST or None,
        proposals=choices,
        initial={
            "year": approved[0].year if approved else _this_year() - 1,
            "issuer": _("Director of the Department"),
        },
    )
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        ids = set(c.pop("proposals"))
        picked = [p for p in approved if p.pk in ids]
        decision = submit(
            form, lambda: services.decision_create(proposals=picked, acting_user=_u(request), **c)
        )
        if decision is not None:
            messages.success(request, _("The decision was recorded with its awards."))
            return redirect("commendation:decision-detail", pk=decision.pk)
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("New commendation decision"),
            "hint": _(
                "Each approved proposal picked becomes an award; its bonus is the title's multiple times the "
                "base salary in force on the date signed."
            ),
            "cancel_url": reverse("commendation:decision-list"),
            "breadcrumbs": _crumbs(
                (_("Decisions"), reverse("commendation:decision-list")), (_("New decision"), None)
            ),
        },
    )


@view_required
@require_GET
def decision_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = get_or_404(selectors.access_decision_by_id, user=_u(request), decision_id=pk)
    awards = list(selectors.decision_awards(user=_u(request), decision=decision))
    return render(
        request,
        "commendation/decision_detail.html",
        {
            "decision": decision,
            "awards": awards,
            "total": sum(a.amount or 0 for a in awards),
            "can_manage": can(request.user, Capability.MANAGE_COMMENDATION),
            "breadcrumbs": _crumbs(
                (_("Decisions"), reverse("commendation:decision-list")), (decision.number, None)
            ),
        },
    )


# The award fund -----------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_COMMENDATION)
@require_GET
def ledger(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    book = selectors.ledger(year=year)
    if wants_xlsx(request):
        return table_download(
            request,
            filename="quy-thi-dua-khen-thuong.xlsx",
            title=_("Award fund"),
            scope=_("The department"),
            year=year,
            sections=[
                Section(
                    [
                        _("Date"),
                        _("Description"),
                        _("Voucher or document"),
                        Column(_("Income"), 0),
                        Column(_("Payment"), 0),
                        Column(_("Balance"), 0),
                    ],
                    [
                        [
                            r.entry.entry_date,
                            r.entry.description,
                            r.entry.document,
                            r.income,
                            r.payment,
                            r.balance,
                        ]
                        for r in book.rows
                    ]
                    + [[_("Total"), "", "", book.income, book.payments, None]],
                )
            ],
        )
    return render(
        request,
        "commendation/ledger.html",
        {
            "ledger": book,
            "year": year,
            "years": selectors.ledger_years(),
            "balance": selectors.fund_balance(),
            "to_pay": selectors.awards_to_pay(user=_u(request)),
            "breadcrumbs": _crumbs((_("Award fund"), None)),
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_http_methods(["GET", "POST"])
def ledger_income(request: AuthenticatedRequest) -> HttpResponse:
    form = IncomeForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(form, lambda: services.ledger_income(acting_user=_u(request), **c)):
            messages.success(request, _("The income was recorded."))
            return redirect("commendation:ledger")
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("Money into the award fund"),
            "cancel_url": reverse("commendation:ledger"),
            "breadcrumbs": _crumbs((_("Award fund"), reverse("commendation:ledger")), (_("Income"), None)),
        },
    )


@capability_required(Capability.MANAGE_COMMENDATION)
@require_http_methods(["GET", "POST"])
def award_pay(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = get_or_404(selectors.access_award_by_id, user=_u(request), award_id=pk)
    form = PaymentForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(form, lambda: services.award_pay(award=award, acting_user=_u(request), **c)):
            messages.success(request, _("The bonus was paid."))
            return redirect("commendation:ledger")
    return render(
        request,
        "commendation/form.html",
        {
            "form": form,
            "heading": _("Pay the bonus of %(name)s") % {"name": award.recipient_name},
            "hint": _("%(title)s, decision %(number)s: %(amount)s đ; the fund's balance: %(balance)s đ.")
            % {
                "title": award.title.name,
                "number": award.decision.number,
                "amount": f"{award.amount or 0:,}".replace(",", "."),
                "balance": f"{selectors.fund_balance():,}".replace(",", "."),
            },
            "cancel_url": reverse("commendation:ledger"),
            "breadcrumbs": _crumbs((_("Award fund"), reverse("commendation:ledger")), (_("Payment"), None)),
        },
    )


# The register -------------------------------------------------------------------------------------------
@view_required
@require_GET
def award_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = selectors.AwardFilters(
        year=_year(request),
        title=request.GET.get("title", "")[:40],
        kind=request.GET.get("kind", ""),
        q=request.GET.get("q", "").strip()[:100],
    )
    awards = selectors.award_list(user=_u(request), filters=filters)
    may_download = can(request.user, Capability.MANAGE_COMMENDATION) or can(
        request.user, Capability.DOWNLOAD_PERSONAL_DATA
    )
    if wants_xlsx(request):
        if not may_download:
            raise PermissionDenied("download")
        rows = [
            [
                a.recipient_name,
                str(Beneficiary(a.recipient_kind).label),
                a.unit_name,
                a.title.name,
                a.year,
                a.decision.number,
                a.decision.signed_on,
                a.multiple,
                a.base_salary,
                a.amount,
            ]
            for a in awards
        ]
        return table_download(
            request,
            kind=ExportKind.AWARD_REGISTER,
            filename="so-khen-thuong.xlsx",
            title=_("Register of titles and commendations"),
            scope=_("The department"),
            year=filters.year,
            sections=[
                Section(
                    [
                        _("Commended"),
                        _("Awarded to"),
                        _("Unit"),
                        _("Title or form"),
                        _("Year"),
                        _("Decision"),
                        _("Signed on"),
                        Column(_("Multiple"), 2),
                        Column(_("Base salary (đồng)"), 0),
                        Column(_("Bonus (đồng)"), 0),
                    ],
                    rows,
                )
            ],
        )
    return render(
        request,
        "commendation/award_list.html",
        {
            "page_obj": paginate(request, awards),
            "filters": filters,
            "years": selectors.award_years(user=_u(request)),
            "kinds": Beneficiary.choices,
            "titles": selectors.titles_in_force(on=timezone.localdate()),
            "may_download": may_download,
            "breadcrumbs": _crumbs((_("Register of titles and commendations"), None)),
        },
    )


def _register(request: AuthenticatedRequest, heading: str, awards: Any) -> HttpResponse:
    rows = list(awards)
    return render(
        request,
        "commendation/register.html",
        {
            "heading": heading,
            "awards": rows,
            "total": sum(a.amount or 0 for a in rows),
            "breadcrumbs": _crumbs(
                (_("Register of titles and commendations"), reverse("commendation:award-list")),
                (heading, None),
            ),
        },
    )


@view_required
@require_GET
def register_staff(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staff = get_or_404(selectors.access_staff_by_id, user=_u(request), staff_id=pk)
    return _register(request, staff.full_name, selectors.register_of(user=_u(request), staff=staff))


@view_required
@require_GET
def register_unit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_or_404(selectors.access_unit_by_id, user=_u(request), unit_id=pk)
    return _register(request, unit.name, selectors.register_of(user=_u(request), unit=unit))


@view_required
@require_GET
def register_household(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = get_or_404(selectors.access_household_by_id, user=_u(request), household_id=pk)
    heading = _("Household of %(name)s (%(code)s)") % {"name": household.head_name, "code": household.code}
    return _register(request, heading, selectors.register_of(user=_u(request), household=household))
