"""Pages of the emulation movements: thin views over ``emulation.selectors`` and ``emulation.services``
(docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import Section, table_download, wants_xlsx

from . import selectors, services
from .forms import (
    IssueForm,
    LineForm,
    MovementForm,
    PlanForm,
    ReasonForm,
    RegistrationForm,
    TaskForm,
    VersionOnlyForm,
)
from .models import RegistrationStatus, TaskStatus

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Movement, MovementPlan, Registration


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _any_of(*capabilities: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
            if not any(can(request.user, c) for c in capabilities):
                raise PermissionDenied("emulation")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def state_labels() -> dict[str, str]:
    """The words of a unit's state in a plan's table (the MISA-like "Chưa gửi / Chờ duyệt / Bị trả lại /
    Đã duyệt")."""
    return {
        selectors.NOT_SENT: _("Not sent"),
        selectors.AWAITING: _("Awaiting approval"),
        selectors.RETURNED: _("Returned"),
        selectors.APPROVED: _("Registration approved"),
    }


def history_labels() -> dict[str, str]:
    return {
        "emulation.registration.create": _("Registration written"),
        "emulation.registration.update": _("Registration edited"),
        "emulation.registration.line_add": _("Staff member added"),
        "emulation.registration.line_delete": _("Staff member removed"),
        "emulation.registration.send": _("Sent to the office"),
        "emulation.registration.approve": _("Approved by the office"),
        "emulation.registration.return": _("Returned by the office"),
    }


def _history(reg: Registration) -> list[tuple[Any, str, int]]:
    """The registration's audit rows in words, runs of the same action by the same person without a reason
    shown once with their number (adding eight staff members is one line)."""
    labels = history_labels()
    rows: list[tuple[Any, str, int]] = []
    for h in selectors.registration_history(registration=reg):
        label = labels.get(h.action, _("Changed"))
        last = rows[-1] if rows else None
        if last is not None and last[0].action == h.action and last[0].actor_id == h.actor_id and not h.note:
            rows[-1] = (last[0], last[1], last[2] + 1)
        else:
            rows.append((h, label, 1))
    return rows


STATE_BADGES = {
    selectors.NOT_SENT: "secondary",
    selectors.AWAITING: "warning",
    selectors.RETURNED: "danger",
    selectors.APPROVED: "success",
}


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Emulation movements"), reverse("emulation:index")), *tail]


def _movement_crumbs(movement: Movement, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((movement.name, reverse("emulation:movement-detail", args=[movement.pk])), *tail)


def _plan_crumbs(plan: MovementPlan, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _movement_crumbs(
        plan.movement, (str(plan.year), reverse("emulation:plan-detail", args=[plan.pk])), *tail
    )


# The landing page -------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_EMULATION)
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    year = timezone.localdate().year
    user = _u(request)
    labels = state_labels()
    summaries = []
    if can(user, Capability.MANAGE_EMULATION) or can(user, Capability.JUDGE_EMULATION):
        for plan in selectors.plans_of_year(user=user, year=year):
            table = selectors.plan_table(user=user, plan=plan)
            counts = [(s, labels[s], n, STATE_BADGES[s]) for s, n in table.counts.items()]
            summaries.append((plan, table, counts))
    return render(
        request,
        "emulation/index.html",
        {
            "summaries": summaries,
            "page_obj": paginate(request, selectors.movement_list(user=_u(request), q=q)),
            "q": q,
            "year": year,
            "mine": selectors.my_registrations(user=_u(request), year=year),
            "can_manage": can(request.user, Capability.MANAGE_EMULATION),
            "breadcrumbs": [(_("Emulation movements"), None)],
        },
    )


# Movements --------------------------------------------------------------------------------------------
def _movement_form(request: AuthenticatedRequest, movement: Movement | None = None) -> MovementForm:
    units = selectors.units_to_pick(user=_u(request))
    if movement is None:
        year = timezone.localdate().year
        initial: dict[str, Any] = {
            "year_from": year,
            "year_to": year,
            "all_staff": True,
            "participants": [u.pk for u in units],
        }
        return MovementForm(request.POST or None, units=units, initial=initial)
    initial = {name: getattr(movement, name) for name in services.MOVEMENT_FIELDS} | {
        "version": movement.version,
        "participants": [u.pk for u in selectors.movement_participants(movement=movement)],
    }
    return MovementForm(request.POST or None, units=units, editing=True, initial=initial)


def _picked_units(request: AuthenticatedRequest, ids: Any) -> list[Any]:
    wanted = set(ids)
    return [u for u in selectors.units_to_pick(user=_u(request)) if u.pk in wanted]


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def movement_create(request: AuthenticatedRequest) -> HttpResponse:
    organiser = selectors.organiser_for(user=_u(request))
    if organiser is None:
        raise Http404
    form = _movement_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = _picked_units(request, data.pop("participants"))
        movement = submit(
            form,
            lambda: services.movement_create(
                organiser=organiser, data=data, participants=participants, acting_user=_u(request)
            ),
        )
        if movement is not None:
            messages.success(request, _("The movement was launched."))
            return redirect("emulation:movement-detail", pk=movement.pk)
    return render(
        request,
        "emulation/movement_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("Launch a movement"), None))},
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def movement_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    movement = get_or_404(selectors.access_movement_by_id, user=_u(request), movement_id=pk)
    form = _movement_form(request, movement)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        participants = _picked_units(request, data.pop("participants"))
        if submit(
            form,
            lambda: services.movement_update(
                movement=movement,
                data=data,
                participants=participants,
                version=version,
                acting_user=_u(request),
            ),
        ):
            messages.success(request, _("The movement was saved."))
            return redirect("emulation:movement-detail", pk=movement.pk)
    return render(
        request,
        "emulation/movement_form.html",
        {"form": form, "movement": movement, "breadcrumbs": _movement_crumbs(movement, (_("Edit"), None))},
    )


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def movement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    movement = get_or_404(selectors.access_movement_by_id, user=_u(request), movement_id=pk)
    return render(
        request,
        "emulation/movement_detail.html",
        {
            "movement": movement,
            "plans": selectors.movement_plans(movement=movement),
            "participants": selectors.movement_participants(movement=movement),
            "can_manage": can(request.user, Capability.MANAGE_EMULATION),
            "breadcrumbs": _crumbs((movement.name, None)),
        },
    )


# Yearly plans -----------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    movement = get_or_404(selectors.access_movement_by_id, user=_u(request), movement_id=pk)
    taken = {p.year for p in selectors.movement_plans(movement=movement)}
    year = next(
        (y for y in range(movement.year_from, movement.year_to + 1) if y not in taken), movement.year_to
    )
    initial = {
        "year": year,
        "title": _("Continue the movement “%(name)s” in %(year)s") % {"name": movement.name, "year": year},
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = submit(
            form,
            lambda: services.plan_create(movement=movement, data=form.cleaned_data, acting_user=_u(request)),
        )
        if plan is not None:
            messages.success(request, _("The plan of the year was added."))
            return redirect("emulation:plan-detail", pk=plan.pk)
    return render(
        request,
        "emulation/plan_form.html",
        {
            "form": form,
            "movement": movement,
            "breadcrumbs": _movement_crumbs(movement, (_("Plan of a year"), None)),
        },
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def plan_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS} | {"version": plan.version}
    form = PlanForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.plan_update(plan=plan, data=data, version=version, acting_user=_u(request)),
        ):
            messages.success(request, _("The plan was saved."))
            return redirect("emulation:plan-detail", pk=plan.pk)
    return render(
        request,
        "emulation/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "movement": plan.movement,
            "breadcrumbs": _plan_crumbs(plan, (_("Edit"), None)),
        },
    )


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    state = request.GET.get("state", "")
    table = selectors.plan_table(user=_u(request), plan=plan, state=state)
    labels = state_labels()
    if wants_xlsx(request):
        rows = [
            [
                r.unit.name,
                labels[r.state],
                r.registration.collective_title.name
                if r.registration and r.registration.collective_title
                else "",
                r.lines,
                timezone.localtime(r.registration.sent_at).date()
                if r.registration and r.registration.sent_at
                else None,
                r.registration.reason if r.registration and r.state == selectors.RETURNED else "",
            ]
            for r in table.rows
        ]
        return table_download(
            request,
            filename=f"dang-ky-thi-dua-{plan.year}.xlsx",
            title=_("Registrations: %(plan)s") % {"plan": plan.title},
            scope=plan.movement.name,
            year=plan.year,
            sections=[
                Section(
                    [
                        _("Unit"),
                        _("Status"),
                        _("Title aimed for by the unit"),
                        _("Staff registered"),
                        _("Sent on"),
                        _("Reason for returning"),
                    ],
                    rows,
                ),
                Section(
                    [_("Status"), _("Units")],
                    [[labels[s], n] for s, n in table.counts.items()]
                    + [[_("Total"), sum(table.counts.values())]],
                    heading=_("Counts"),
                ),
            ],
        )
    user = _u(request)
    return render(
        request,
        "emulation/plan_detail.html",
        {
            "plan": plan,
            "movement": plan.movement,
            "table": table,
            "state": state,
            "rows": [(r, labels[r.state], STATE_BADGES[r.state]) for r in table.rows],
            "counts": [(s, labels[s], n, STATE_BADGES[s]) for s, n in table.counts.items()],
            "to_register": selectors.units_to_register(user=user, plan=plan)
            if can(user, Capability.TAKE_PART_EMULATION)
            else [],
            "can_manage": can(user, Capability.MANAGE_EMULATION),
            "breadcrumbs": _movement_crumbs(plan.movement, (str(plan.year), None)),
        },
    )


# Registrations ----------------------------------------------------------------------------------------
def _title_by_id(titles: list[Any], pk: int | None) -> Any:
    return next((t for t in titles if t.pk == pk), None)


@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def registration_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    units = selectors.units_to_register(user=_u(request), plan=plan)
    if not units:
        raise Http404
    titles = selectors.collective_titles(year=plan.year)
    unit_id = int_param(request, "unit", invalid="ignore")
    form = RegistrationForm(
        request.POST or None,
        units=units,
        titles=titles,
        initial={"org_unit": unit_id} if unit_id else None,
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        unit = next((u for u in units if u.pk == c["org_unit"]), None)
        if unit is None:
            raise Http404
        reg = submit(
            form,
            lambda: services.registration_create(
                plan=plan,
                org_unit=unit,
                commitments=c["commitments"],
                collective_title=_title_by_id(titles, c["collective_title"]),
                acting_user=_u(request),
            ),
        )
        if reg is not None:
            messages.success(request, _("The registration was saved: add the staff's titles, then send it."))
            return redirect("emulation:registration-detail", pk=reg.pk)
    return render(
        request,
        "emulation/registration_form.html",
        {"form": form, "plan": plan, "breadcrumbs": _plan_crumbs(plan, (_("Register"), None))},
    )


def _editable(reg: Registration) -> bool:
    return reg.status in services.EDITABLE


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def registration_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = get_or_404(selectors.access_registration_by_id, user=_u(request), registration_id=pk)
    user = _u(request)
    takes_part = can(user, Capability.TAKE_PART_EMULATION)
    return render(
        request,
        "emulation/registration_detail.html",
        {
            "reg": reg,
            "plan": reg.plan,
            "lines": selectors.registration_lines(registration=reg),
            "history": _history(reg),
            "state": selectors.STATE_OF[RegistrationStatus(reg.status)],
            "labels": state_labels(),
            "badges": STATE_BADGES,
            "can_edit": takes_part and _editable(reg),
            "can_decide": can(user, Capability.MANAGE_EMULATION) and reg.status == RegistrationStatus.SENT,
            "past_deadline": selectors.past_deadline(reg.plan),
            "breadcrumbs": _plan_crumbs(reg.plan, (reg.org_unit.name, None)),
        },
    )


@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def registration_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = get_or_404(selectors.access_registration_by_id, user=_u(request), registration_id=pk)
    if not _editable(reg):
        messages.info(
            request, _("The registration has been sent: it can be changed only if the office returns it.")
        )
        return redirect("emulation:registration-detail", pk=reg.pk)
    titles = selectors.collective_titles(year=reg.plan.year)
    form = RegistrationForm(
        request.POST or None,
        units=None,
        titles=titles,
        initial={
            "commitments": reg.commitments,
            "collective_title": reg.collective_title_id,
            "version": reg.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(
            form,
            lambda: services.registration_update(
                registration=reg,
                commitments=c["commitments"],
                collective_title=_title_by_id(titles, c["collective_title"]),
                version=c["version"],
                acting_user=_u(request),
            ),
        ):
            messages.success(request, _("The registration was saved."))
            return redirect("emulation:registration-detail", pk=reg.pk)
    return render(
        request,
        "emulation/registration_form.html",
        {
            "form": form,
            "plan": reg.plan,
            "reg": reg,
            "breadcrumbs": _plan_crumbs(reg.plan, (reg.org_unit.name, None)),
        },
    )


@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def line_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = get_or_404(selectors.access_registration_by_id, user=_u(request), registration_id=pk)
    if not _editable(reg):
        messages.info(
            request, _("The registration has been sent: it can be changed only if the office returns it.")
        )
        return redirect("emulation:registration-detail", pk=reg.pk)
    year = reg.plan.year
    staff = selectors.staff_to_pick(unit=reg.org_unit)
    titles = selectors.individual_titles(year=year)
    forms_ = selectors.individual_forms(year=year)
    form = LineForm(request.POST or None, staff=staff, titles=titles, forms_=forms_)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        line = submit(
            form,
            lambda: services.line_add(
                registration=reg,
                staff=next((s for s in staff if s.pk == c["staff"]), None),
                title=_title_by_id(titles, c["title"]),
                form=_title_by_id(forms_, c["form"]),
                initiative_topic=c["initiative_topic"],
                acting_user=_u(request),
            ),
        )
        if line is not None:
            messages.success(request, _("The staff member's title was added."))
            if "another" in request.POST:
                return redirect("emulation:line-add", pk=reg.pk)
            return redirect("emulation:registration-detail", pk=reg.pk)
    return render(
        request,
        "emulation/line_form.html",
        {
            "form": form,
            "reg": reg,
            "breadcrumbs": _plan_crumbs(
                reg.plan,
                (reg.org_unit.name, reverse("emulation:registration-detail", args=[reg.pk])),
                (_("Add a staff member"), None),
            ),
        },
    )


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def line_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    line = get_or_404(selectors.access_line_by_id, user=_u(request), line_id=pk)
    reg_id = line.registration_id
    back = reverse("emulation:registration-detail", args=[reg_id])
    ask = confirmation_page(
        request,
        question=_("Remove %(name)s from the registration?") % {"name": line.staff.full_name},
        cancel_url=back,
    )
    if ask is not None:
        return ask
    try:
        services.line_delete(line=line, acting_user=_u(request))
        messages.success(request, _("The staff member was removed from the registration."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(back)


def _status_action(
    request: AuthenticatedRequest, pk: int, call: Callable[[Registration, Any], Any], done: str
) -> HttpResponse:
    reg = get_or_404(selectors.access_registration_by_id, user=_u(request), registration_id=pk)
    form = VersionOnlyForm(request.POST)
    back = reverse("emulation:registration-detail", args=[reg.pk])
    if not form.is_valid():
        messages.error(
            request, str(form.non_field_errors()[0]) if form.non_field_errors() else _("Try again.")
        )
        return redirect(back)
    try:
        call(reg, form.cleaned_data["version"])
        messages.success(request, done)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(back)


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def registration_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        lambda reg, v: services.registration_send(registration=reg, version=v, acting_user=_u(request)),
        _("The registration was sent to the office."),
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_POST
def registration_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        lambda reg, v: services.registration_approve(registration=reg, version=v, acting_user=_u(request)),
        _("The registration was approved."),
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def registration_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = get_or_404(selectors.access_registration_by_id, user=_u(request), registration_id=pk)
    form = ReasonForm(request.POST or None, initial={"version": reg.version})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(
            form,
            lambda: services.registration_return(
                registration=reg, reason=c["reason"], version=c["version"], acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The registration was returned to the unit."))
            return redirect("emulation:registration-detail", pk=reg.pk)
    return render(
        request,
        "emulation/reason_form.html",
        {
            "form": form,
            "heading": _("Return the registration of %(unit)s") % {"unit": reg.org_unit.name},
            "button": _("Return"),
            "cancel_url": reverse("emulation:registration-detail", args=[reg.pk]),
            "breadcrumbs": _plan_crumbs(
                reg.plan,
                (reg.org_unit.name, reverse("emulation:registration-detail", args=[reg.pk])),
                (_("Return"), None),
            ),
        },
    )


# Guidance tasks ---------------------------------------------------------------------------------------
def _task_crumbs(year: int, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((_("Guidance tasks"), reverse("emulation:task-list") + f"?year={year}"), *tail)


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    user = _u(request)
    year = int_param(request, "year", maximum=2100, invalid="ignore") or timezone.localdate().year
    q = request.GET.get("q", "").strip()[:100]
    groups = selectors.tasks_by_division(user=user, year=year, q=q)
    totals = selectors.task_totals(groups)
    years = sorted(set(selectors.task_years(user=user)) | {year, timezone.localdate().year}, reverse=True)
    if wants_xlsx(request):
        organiser = selectors.organiser_for(user=user)
        status = dict(TaskStatus.choices)
        rows = [
            [
                g.unit.name,
                r.task.title,
                r.task.document,
                r.task.deadline,
                str(status[r.task.status]),
                r.task.issued_on,
                r.task.document_number,
                _("Late") if r.issued_late or r.overdue else "",
            ]
            for g in groups
            for r in g.tasks
        ]
        rates = [[g.unit.name, g.rate.on_time, g.rate.counted, g.percent] for g in groups] + [
            [
                _("Total"),
                totals.on_time,
                totals.counted,
                None if totals.share is None else round(100 * totals.share, 1),
            ]
        ]
        return table_download(
            request,
            filename=f"nhiem-vu-huong-dan-{year}.xlsx",
            title=_("Guidance tasks of the divisions"),
            scope=organiser.name if organiser else (", ".join(g.unit.name for g in groups) or "—"),
            year=year,
            sections=[
                Section(
                    [_("Division"), _("On time"), _("Counted"), _("On-time rate (%)")],
                    rates,
                    heading=_("On-time rate"),
                ),
                Section(
                    [
                        _("Division"),
                        _("Task"),
                        _("Document to issue"),
                        _("Deadline"),
                        _("Status"),
                        _("Issued on"),
                        _("Number of the document issued"),
                        _("Late"),
                    ],
                    rows,
                    heading=_("Tasks"),
                ),
            ],
        )
    return render(
        request,
        "emulation/task_list.html",
        {
            "groups": groups,
            "totals": totals,
            "totals_percent": None if totals.share is None else round(100 * totals.share, 1),
            "year": year,
            "years": years,
            "q": q,
            "can_manage": can(user, Capability.MANAGE_EMULATION),
            "can_issue": can(user, Capability.TAKE_PART_EMULATION) or can(user, Capability.MANAGE_EMULATION),
            "breadcrumbs": _crumbs((_("Guidance tasks"), None)),
        },
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def task_create(request: AuthenticatedRequest) -> HttpResponse:
    units = selectors.units_to_pick(user=_u(request))
    year = int_param(request, "year", maximum=2100, invalid="ignore") or timezone.localdate().year
    form = TaskForm(request.POST or None, units=units, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = next((u for u in units if u.pk == data.pop("org_unit")), None)
        if unit is None:
            raise Http404
        task = submit(form, lambda: services.task_create(org_unit=unit, data=data, acting_user=_u(request)))
        if task is not None:
            messages.success(request, _("The task was assigned."))
            if "another" in request.POST:
                return redirect(reverse("emulation:task-create") + f"?year={task.year}")
            return redirect(reverse("emulation:task-list") + f"?year={task.year}")
    return render(
        request,
        "emulation/task_form.html",
        {
            "form": form,
            "heading": _("Assign a task"),
            "breadcrumbs": _task_crumbs(year, (_("Assign a task"), None)),
        },
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def task_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_or_404(selectors.access_task_by_id, user=_u(request), task_id=pk)
    initial = {name: getattr(task, name) for name in services.TASK_FIELDS} | {"version": task.version}
    form = TaskForm(request.POST or None, units=None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if submit(
            form, lambda: services.task_update(task=task, data=data, version=version, acting_user=_u(request))
        ):
            messages.success(request, _("The task was saved."))
            return redirect(reverse("emulation:task-list") + f"?year={task.year}")
    return render(
        request,
        "emulation/task_form.html",
        {
            "form": form,
            "task": task,
            "heading": task.title,
            "breadcrumbs": _task_crumbs(task.year, (task.title, None)),
        },
    )


@_any_of(Capability.TAKE_PART_EMULATION, Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def task_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_or_404(selectors.access_task_by_id, user=_u(request), task_id=pk)
    form = IssueForm(
        request.POST or None,
        initial={"issued_on": min(timezone.localdate(), task.deadline), "version": task.version},
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(
            form,
            lambda: services.task_issue(
                task=task,
                issued_on=c["issued_on"],
                document_number=c["document_number"],
                version=c["version"],
                acting_user=_u(request),
            ),
        ):
            messages.success(request, _("The document was recorded as issued."))
            return redirect(reverse("emulation:task-list") + f"?year={task.year}")
    return render(
        request,
        "emulation/task_issue.html",
        {"form": form, "task": task, "breadcrumbs": _task_crumbs(task.year, (task.title, None))},
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def task_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_or_404(selectors.access_task_by_id, user=_u(request), task_id=pk)
    form = ReasonForm(request.POST or None, initial={"version": task.version})
    back = reverse("emulation:task-list") + f"?year={task.year}"
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if submit(
            form,
            lambda: services.task_cancel(
                task=task, reason=c["reason"], version=c["version"], acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The task was cancelled."))
            return redirect(back)
    return render(
        request,
        "emulation/reason_form.html",
        {
            "form": form,
            "heading": _("Cancel the task “%(task)s”") % {"task": task.title},
            "button": _("Cancel the task"),
            "cancel_url": back,
            "breadcrumbs": _task_crumbs(task.year, (task.title, None)),
        },
    )
