"""Pages of the emulation scoring: thin views over ``scoring.selectors`` and ``scoring.services``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import Column, Section, table_download, wants_xlsx

from . import selectors, services
from .forms import (
    CopyForm,
    CouncilForm,
    CriteriaSetForm,
    CriterionForm,
    ReturnForm,
    SelfAssessmentForm,
    VersionForm,
    evidence_name,
    value_name,
)
from .models import SetStatus, SheetStatus
from .points import total

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import CriteriaSet, Criterion, ScoreSheet


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Emulation scoring"), reverse("scoring:set-list")), *tail]


def _set_crumbs(criteria_set: CriteriaSet, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((criteria_set.name, reverse("scoring:set-detail", args=[criteria_set.pk])), *tail)


def _sheet_crumbs(sheet: ScoreSheet, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _set_crumbs(
        sheet.criteria_set, (sheet.org_unit.name, reverse("scoring:sheet-detail", args=[sheet.pk])), *tail
    )


def _error(request: AuthenticatedRequest, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))


# Criteria sets ----------------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_EMULATION)
@require_GET
def set_list(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    q = request.GET.get("q", "").strip()[:100]
    sets = selectors.set_list(user=_u(request), year=year, q=q)
    return render(
        request,
        "scoring/set_list.html",
        {
            "page_obj": paginate(request, sets),
            "year": year,
            "q": q,
            "years": selectors.set_years(user=_u(request)),
            "my_sheets": selectors.my_sheets(user=_u(request))
            if can(request.user, Capability.TAKE_PART_EMULATION)
            else [],
            "can_manage": can(request.user, Capability.MANAGE_EMULATION),
            "breadcrumbs": [(_("Emulation scoring"), None)],
        },
    )


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def set_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    status = request.GET.get("status", "")
    sheets = selectors.sheet_list(user=_u(request), criteria_set=criteria_set, status=status)
    return render(
        request,
        "scoring/set_detail.html",
        {
            "set": criteria_set,
            "groups": selectors.criteria_groups(criteria_set=criteria_set),
            "max_total": selectors.max_total(criteria_set=criteria_set),
            "units": selectors.set_units(criteria_set=criteria_set),
            "page_obj": paginate(request, sheets),
            "status": status,
            "statuses": SheetStatus.choices,
            "counts": selectors.status_counts(user=_u(request), criteria_set=criteria_set),
            "can_manage": can(request.user, Capability.MANAGE_EMULATION),
            "is_draft": criteria_set.status == SetStatus.DRAFT,
            "is_open": criteria_set.status == SetStatus.OPEN,
            "breadcrumbs": _crumbs((criteria_set.name, None)),
        },
    )


def _set_form(request: AuthenticatedRequest, criteria_set: CriteriaSet | None = None) -> CriteriaSetForm:
    user = _u(request)
    units = selectors.units_to_pick(user=user)
    if criteria_set is None:
        return CriteriaSetForm(request.POST or None, plans=selectors.plans_to_pick(user=user), units=units)
    initial = {
        "name": criteria_set.name,
        "cluster": criteria_set.cluster,
        "self_deadline": criteria_set.self_deadline,
        "version": criteria_set.version,
        "units": [u.pk for u in selectors.set_units(criteria_set=criteria_set)],
    }
    return CriteriaSetForm(
        request.POST or None,
        plans=[],
        units=units if criteria_set.status == SetStatus.DRAFT else None,
        editing=True,
        initial=initial,
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def set_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _set_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan = next((p for p in selectors.plans_to_pick(user=_u(request)) if p.pk == data["plan"]), None)
        if plan is None:
            raise Http404
        ids = set(data["units"])
        units = [u for u in selectors.units_to_pick(user=_u(request)) if u.pk in ids]
        row = submit(
            form,
            lambda: services.criteria_set_create(
                plan=plan,
                name=data["name"],
                cluster=data["cluster"],
                self_deadline=data["self_deadline"],
                units=units,
                acting_user=_u(request),
            ),
        )
        if row is not None:
            messages.success(request, _("The criteria set was created: add its criteria."))
            return redirect("scoring:set-detail", pk=row.pk)
    return render(
        request,
        "scoring/set_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New criteria set"), None))},
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def set_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    form = _set_form(request, criteria_set)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        units = None
        if "units" in data:
            ids = set(data.pop("units"))
            units = [u for u in selectors.units_to_pick(user=_u(request)) if u.pk in ids]
        if submit(
            form,
            lambda: services.criteria_set_update(
                criteria_set=criteria_set, data=data, units=units, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The criteria set was saved."))
            return redirect("scoring:set-detail", pk=criteria_set.pk)
    return render(
        request,
        "scoring/set_form.html",
        {"form": form, "set": criteria_set, "breadcrumbs": _set_crumbs(criteria_set, (_("Edit"), None))},
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def set_copy(request: AuthenticatedRequest) -> HttpResponse:
    user = _u(request)
    sets = selectors.sets_to_copy(user=user)
    plans = selectors.plans_to_pick(user=user)
    form = CopyForm(request.POST or None, sets=sets, plans=plans, initial={"source": request.GET.get("from")})
    if request.method == "POST" and form.is_valid():
        source = next((s for s in sets if s.pk == form.cleaned_data["source"]), None)
        plan = next((p for p in plans if p.pk == form.cleaned_data["plan"]), None)
        if source is None or plan is None:
            raise Http404
        row = submit(form, lambda: services.criteria_set_copy(source=source, plan=plan, acting_user=user))
        if row is not None:
            messages.success(request, _("The criteria were copied: check them, then open the set."))
            return redirect("scoring:set-detail", pk=row.pk)
    return render(
        request,
        "scoring/set_copy.html",
        {"form": form, "breadcrumbs": _crumbs((_("Copy a criteria set"), None))},
    )


def _set_action(
    request: AuthenticatedRequest, pk: int, *, question: str, action: Any, done: str
) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    back = reverse("scoring:set-detail", args=[criteria_set.pk])
    asked = confirmation_page(request, question=question, cancel_url=back)
    if asked is not None:
        return asked
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete: reload the page and try again."))
        return redirect(back)
    try:
        action(criteria_set, form.cleaned_data["version"])
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, done)
    return redirect(back)


@capability_required(Capability.MANAGE_EMULATION)
@require_POST
def set_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _set_action(
        request,
        pk,
        question=_("Open the set? Each unit gets its score sheet, and the criteria can no longer change."),
        action=lambda s, v: services.criteria_set_open(criteria_set=s, version=v, acting_user=_u(request)),
        done=_("The set is open: the units can assess themselves."),
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_POST
def set_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _set_action(
        request,
        pk,
        question=_("Close the set? The scores become final: nothing can change afterwards."),
        action=lambda s, v: services.criteria_set_close(criteria_set=s, version=v, acting_user=_u(request)),
        done=_("The set is closed."),
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_POST
def set_refresh(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    try:
        n = services.criteria_set_refresh(criteria_set=criteria_set, acting_user=_u(request))
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The computed figures of %(n)s sheets were read again.") % {"n": n})
    return redirect("scoring:set-detail", pk=criteria_set.pk)


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def ranking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    rows = selectors.ranking(user=_u(request), criteria_set=criteria_set)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"xep-hang-thi-dua-{criteria_set.plan.year}.xlsx",
            title=criteria_set.name,
            scope=criteria_set.cluster or criteria_set.plan.movement.name,
            year=criteria_set.plan.year,
            sections=[
                Section(
                    [
                        _("Rank"),
                        _("Unit"),
                        Column(_("Council's points"), 2),
                        Column(_("Self-assessed points"), 2),
                        _("Status"),
                    ],
                    [
                        [
                            f"{r.rank}{' (' + _('tied') + ')' if r.tied else ''}",
                            r.sheet.org_unit.name,
                            r.council_total,
                            r.self_total,
                            str(SheetStatus(r.sheet.status).label),
                        ]
                        for r in rows
                    ],
                )
            ],
        )
    return render(
        request,
        "scoring/ranking.html",
        {
            "set": criteria_set,
            "rows": rows,
            "partial": not selectors.sees_every_sheet(user=_u(request), criteria_set=criteria_set),
            "max_total": selectors.max_total(criteria_set=criteria_set),
            "breadcrumbs": _set_crumbs(criteria_set, (_("Ranking"), None)),
        },
    )


# Criteria ---------------------------------------------------------------------------------------------------
def _criterion_input(data: dict[str, Any]) -> services.CriterionInput:
    return services.CriterionInput(
        code=data["code"],
        name=data["name"],
        group=data["group"],
        kind=data["kind"],
        max_points=data["max_points"],
        points_each=data["points_each"],
        target=data["target"],
        scale=data["scale"],
        source=data["source"],
        sort_order=data["sort_order"],
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def criterion_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria_set = get_or_404(selectors.access_set_by_id, user=_u(request), set_id=pk)
    last = next(iter(selectors.criteria_of(criteria_set=criteria_set)[-1:]), None)
    form = CriterionForm(request.POST or None, initial={"group": last.group if last else ""})
    if request.method == "POST" and form.is_valid():
        data = _criterion_input(form.cleaned_data)
        row = submit(
            form,
            lambda: services.criterion_create(criteria_set=criteria_set, data=data, acting_user=_u(request)),
        )
        if row is not None:
            messages.success(request, _("The criterion was added."))
            if "another" in request.POST:
                return redirect("scoring:criterion-create", pk=criteria_set.pk)
            return redirect("scoring:set-detail", pk=criteria_set.pk)
    return render(
        request,
        "scoring/criterion_form.html",
        {
            "form": form,
            "set": criteria_set,
            "breadcrumbs": _set_crumbs(criteria_set, (_("New criterion"), None)),
        },
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_http_methods(["GET", "POST"])
def criterion_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criterion: Criterion = get_or_404(selectors.access_criterion_by_id, user=_u(request), criterion_id=pk)
    criteria_set = criterion.criteria_set
    initial = {
        name: getattr(criterion, name)
        for name in ("code", "group", "name", "kind", "source", "scale", "sort_order")
    } | {
        name: str(getattr(criterion, name)).replace(".", ",") if getattr(criterion, name) is not None else ""
        for name in ("max_points", "points_each", "target")
    }
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _criterion_input(form.cleaned_data)
        if submit(
            form, lambda: services.criterion_update(criterion=criterion, data=data, acting_user=_u(request))
        ):
            messages.success(request, _("The criterion was saved."))
            return redirect("scoring:set-detail", pk=criteria_set.pk)
    return render(
        request,
        "scoring/criterion_form.html",
        {
            "form": form,
            "set": criteria_set,
            "criterion": criterion,
            "breadcrumbs": _set_crumbs(criteria_set, (criterion.code, None)),
        },
    )


@capability_required(Capability.MANAGE_EMULATION)
@require_POST
def criterion_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criterion: Criterion = get_or_404(selectors.access_criterion_by_id, user=_u(request), criterion_id=pk)
    back = reverse("scoring:set-detail", args=[criterion.criteria_set_id])
    asked = confirmation_page(
        request, question=_("Delete criterion %(code)s?") % {"code": criterion.code}, cancel_url=back
    )
    if asked is not None:
        return asked
    try:
        services.criterion_delete(criterion=criterion, acting_user=_u(request))
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The criterion was deleted."))
    return redirect(back)


# Score sheets -----------------------------------------------------------------------------------------------
def _sheet_flags(request: AuthenticatedRequest, sheet: ScoreSheet) -> dict[str, bool]:
    is_open = sheet.criteria_set.status == SetStatus.OPEN
    unit_turn = sheet.status in (SheetStatus.DRAFT, SheetStatus.RETURNED)
    return {
        "can_self": is_open and unit_turn and selectors.may_assess(user=_u(request), sheet=sheet),
        "can_judge": is_open
        and sheet.status == SheetStatus.SELF_SUBMITTED
        and can(request.user, Capability.JUDGE_EMULATION),
        "set_open": is_open,
    }


@capability_required(Capability.VIEW_EMULATION)
@require_GET
def sheet_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    return render(
        request,
        "scoring/sheet_detail.html",
        {
            "sheet": sheet,
            "set": sheet.criteria_set,
            "view": selectors.sheet_view(sheet=sheet),
            **_sheet_flags(request, sheet),
            "breadcrumbs": _set_crumbs(sheet.criteria_set, (sheet.org_unit.name, None)),
        },
    )


def _live(sheet: ScoreSheet, rows: list[Any], form: Any, side: str) -> dict[str, Any]:
    """The points of the values typed (or saved), computed by ``scoring.points``."""
    values: dict[int, Decimal | None] = {}
    cleaned = getattr(form, "cleaned_data", None) if form.is_bound else None
    for row in rows:
        c = row.criterion
        saved = row.entry.self_value if side == "self" else row.entry.council_value
        name = value_name(c.pk)
        if cleaned is not None and name in cleaned:
            values[c.pk] = cleaned[name]
        elif name in form.fields and form.is_bound:
            values[c.pk] = None
        else:
            values[c.pk] = saved
    got = selectors.preview_points(sheet=sheet, values=values, side=side)
    return {"live": [(row, got.get(row.criterion.pk)) for row in rows], "live_total": total(got.values())}


@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def sheet_self(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    if not _sheet_flags(request, sheet)["can_self"]:
        raise PermissionDenied("scoring")
    view = selectors.sheet_view(sheet=sheet)
    form = SelfAssessmentForm(request.POST or None, rows=view.rows, initial={"version": sheet.version})
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        entries = {
            row.criterion.pk: services.EntryInput(
                value=form.cleaned_data.get(value_name(row.criterion.pk)),
                evidence=form.cleaned_data.get(evidence_name(row.criterion.pk), ""),
            )
            for row in view.rows
        }
        saved = submit(
            form,
            lambda: services.sheet_self_save(
                sheet=sheet, entries=entries, version=form.cleaned_data["version"], acting_user=_u(request)
            ),
        )
        if saved is not None:
            messages.success(request, _("The self-assessment was saved."))
            return redirect("scoring:sheet-detail", pk=sheet.pk)
    if request.method == "POST":
        form.is_valid()
    context = {
        "sheet": sheet,
        "set": sheet.criteria_set,
        "view": view,
        "form": form,
        "fields": [
            (
                row,
                form[value_name(row.criterion.pk)] if not row.computed else None,
                form[evidence_name(row.criterion.pk)],
            )
            for row in view.rows
        ],
        **_live(sheet, view.rows, form, "self"),
        "breadcrumbs": _sheet_crumbs(sheet, (_("Self-assessment"), None)),
    }
    return render(request, "scoring/sheet_self.html", context)


def _sheet_action(
    request: AuthenticatedRequest, sheet: ScoreSheet, *, question: str, action: Any, done: str
) -> HttpResponse:
    back = reverse("scoring:sheet-detail", args=[sheet.pk])
    asked = confirmation_page(request, question=question, cancel_url=back)
    if asked is not None:
        return asked
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete: reload the page and try again."))
        return redirect(back)
    try:
        action(form.cleaned_data["version"])
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, done)
    return redirect(back)


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def sheet_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    return _sheet_action(
        request,
        sheet,
        question=_("Send the self-assessment to the council? The unit can no longer change it."),
        action=lambda v: services.sheet_submit(sheet=sheet, version=v, acting_user=_u(request)),
        done=_("The self-assessment was sent to the council."),
    )


@capability_required(Capability.JUDGE_EMULATION)
@require_http_methods(["GET", "POST"])
def sheet_council(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    if not _sheet_flags(request, sheet)["can_judge"]:
        raise PermissionDenied("scoring")
    view = selectors.sheet_view(sheet=sheet)
    form = CouncilForm(
        request.POST or None, rows=view.rows, initial={"version": sheet.version, "note": sheet.note}
    )
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        values = {row.criterion.pk: form.cleaned_data.get(value_name(row.criterion.pk)) for row in view.rows}
        saved = submit(
            form,
            lambda: services.sheet_council_save(
                sheet=sheet,
                values=values,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
                acting_user=_u(request),
            ),
        )
        if saved is not None:
            messages.success(request, _("The council's score was saved."))
            return redirect("scoring:sheet-detail", pk=sheet.pk)
    if request.method == "POST":
        form.is_valid()
    context = {
        "sheet": sheet,
        "set": sheet.criteria_set,
        "view": view,
        "form": form,
        "fields": [(row, form[value_name(row.criterion.pk)]) for row in view.rows],
        **_live(sheet, view.rows, form, "council"),
        "breadcrumbs": _sheet_crumbs(sheet, (_("Council's score"), None)),
    }
    return render(request, "scoring/sheet_council.html", context)


@capability_required(Capability.JUDGE_EMULATION)
@require_POST
def sheet_score(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    return _sheet_action(
        request,
        sheet,
        question=_("Mark the sheet as scored by the council?"),
        action=lambda v: services.sheet_score(sheet=sheet, version=v, acting_user=_u(request)),
        done=_("The sheet is scored."),
    )


@capability_required(Capability.JUDGE_EMULATION)
@require_http_methods(["GET", "POST"])
def sheet_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = get_or_404(selectors.access_sheet_by_id, user=_u(request), sheet_id=pk)
    if not _sheet_flags(request, sheet)["can_judge"]:
        raise PermissionDenied("scoring")
    form = ReturnForm(request.POST or None, initial={"version": sheet.version})
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.sheet_return(
                sheet=sheet,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                acting_user=_u(request),
            ),
        )
        if done is not None:
            messages.success(request, _("The self-assessment was returned to the unit."))
            return redirect("scoring:sheet-detail", pk=sheet.pk)
    return render(
        request,
        "scoring/sheet_return.html",
        {
            "form": form,
            "sheet": sheet,
            "breadcrumbs": _sheet_crumbs(sheet, (_("Return the sheet to the unit"), None)),
        },
    )
