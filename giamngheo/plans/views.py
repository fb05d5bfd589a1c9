"""Pages of plans and targets: thin views over ``plans.selectors`` and ``plans.services``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.uploads import refused_upload_size, upload_limit
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import table_download, wants_xlsx
from giamngheo.geo.selectors import current_year

from . import indicators as ind
from . import print_tables, selectors, services
from .forms import PlanForm, PriorityForm, ReportForm, TargetForm, ThresholdForm, VersionForm
from .models import Plan, Target

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def _u(request: AuthenticatedRequest) -> User:
    """The signed-in user (every view here requires one)."""
    return request.user


VIEW_CAPABILITIES = (Capability.MANAGE_PLANS, Capability.REPORT_TARGETS, Capability.VIEW_TABLES)


def view_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Plans are read by those who manage them, report on them, or read the official figures."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not any(can(request.user, c) for c in VIEW_CAPABILITIES):
            raise PermissionDenied("plans")
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Plans and targets"), reverse("plans:plan-list")), *tail]


def _year(request: AuthenticatedRequest, default: int | None) -> int | None:
    return int_param(request, "year", maximum=2100, invalid="ignore") or default


# Plans ---------------------------------------------------------------------------------------------------
@view_required
@require_GET
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request, None)
    plans = selectors.plan_list(user=_u(request), year=year)
    return render(
        request,
        "plans/plan_list.html",
        {
            "page_obj": paginate(request, plans),
            "year": year,
            "years": selectors.plan_years(user=_u(request)),
            "can_manage": can(request.user, Capability.MANAGE_PLANS),
            "to_report": (
                selectors.targets_to_report(user=_u(request))
                if can(request.user, Capability.REPORT_TARGETS)
                else []
            ),
            "breadcrumbs": [(_("Plans and targets"), None)],
        },
    )


@view_required
@require_GET
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    year = _year(request, min(max(current_year(), plan.year_from), plan.year_to))
    if year is None or not plan.covers(year):
        year = plan.year_to
    cache: selectors.InputsCache = {}
    cards = [
        selectors.target_card(user=_u(request), target=t, area=plan.province, year=year, inputs_cache=cache)
        for t in selectors.target_list(user=_u(request), plan=plan)
    ]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "cards": cards,
            "year": year,
            "years": list(range(plan.year_from, plan.year_to + 1)),
            "can_manage": can(request.user, Capability.MANAGE_PLANS),
            "sees_province": selectors.area_visible(user=_u(request), area=plan.province),
            "delete_form": VersionForm(initial={"version": plan.version}),
            "breadcrumbs": _crumbs((plan.title, None)),
        },
    )


def _provinces(request: AuthenticatedRequest) -> list[Any]:
    return selectors.threshold_provinces(user=_u(request))


@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    year = current_year()
    form = PlanForm(
        request.POST or None, provinces=_provinces(request), initial={"year_from": year, "year_to": year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = next((p for p in _provinces(request) if p.pk == data.pop("province")), None)
        if province is None:
            raise Http404
        plan = submit(form, lambda: services.plan_create(province=province, acting_user=_u(request), **data))
        if plan is not None:
            messages.success(request, _("The plan was created. Now add its targets."))
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(
        request, "plans/plan_form.html", {"form": form, "breadcrumbs": _crumbs((_("New plan"), None))}
    )


@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def plan_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS} | {"version": plan.version}
    form = PlanForm(request.POST or None, provinces=[], editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.plan_update(plan=plan, data=data, version=version, acting_user=_u(request)),
        ):
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "breadcrumbs": _crumbs(
                (plan.title, reverse("plans:plan-detail", args=[plan.pk])), (_("Edit"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_PLANS)
@require_POST
def plan_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    return _delete(
        request,
        lambda version: services.plan_delete(plan=plan, version=version, acting_user=_u(request)),
        refused=reverse("plans:plan-detail", args=[plan.pk]),
        done=reverse("plans:plan-list"),
        message=_("The plan was deleted."),
    )


def _delete(
    request: AuthenticatedRequest, delete: Callable[[Any], None], *, refused: str, done: str, message: str
) -> HttpResponse:
    """Delete with the version the form posted: back to ``refused`` with the reason, or on to ``done``."""
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        delete(version)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(refused)
    messages.success(request, message)
    return redirect(done)


# Targets --------------------------------------------------------------------------------------------------
def _target_form(request: AuthenticatedRequest, plan: Plan, target: Target | None = None) -> TargetForm:
    units = list(selectors.responsible_units(user=_u(request), province=plan.province))
    initial: dict[str, Any]
    if target is not None:
        initial = {name: getattr(target, name) for name in services.TARGET_FIELDS} | {
            "responsible_unit": target.responsible_unit_id,
            "version": target.version,
        }
    else:
        initial = {
            "deadline": f"31/12/{plan.year_to}",
            "sort_order": len(selectors.target_list(user=_u(request), plan=plan)) + 1,
        }
    return TargetForm(request.POST or None, units=units, editing=target is not None, initial=initial)


def _target_data(request: AuthenticatedRequest, plan: Plan, form: TargetForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    unit_id = data.pop("responsible_unit")
    units = {u.pk: u for u in selectors.responsible_units(user=_u(request), province=plan.province)}
    data["responsible_unit"] = units.get(unit_id) if unit_id else None
    return data


@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def target_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_or_404(selectors.access_plan_by_id, user=_u(request), plan_id=pk)
    form = _target_form(request, plan)
    if request.method == "POST" and form.is_valid():
        data = _target_data(request, plan, form)
        if submit(form, lambda: services.target_create(plan=plan, acting_user=_u(request), **data)):
            messages.success(request, _("The target was added."))
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(
        request,
        "plans/target_form.html",
        {
            "form": form,
            "plan": plan,
            "indicators": ind.INDICATORS,
            "breadcrumbs": _crumbs(
                (plan.title, reverse("plans:plan-detail", args=[plan.pk])), (_("New target"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def target_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_or_404(selectors.access_target_by_id, user=_u(request), target_id=pk)
    plan = target.plan
    form = _target_form(request, plan, target)
    if request.method == "POST" and form.is_valid():
        data = _target_data(request, plan, form)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.target_update(
                target=target, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The target was saved."))
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(
        request,
        "plans/target_form.html",
        {
            "form": form,
            "plan": plan,
            "target": target,
            "delete_form": VersionForm(initial={"version": target.version}),
            "breadcrumbs": _crumbs(
                (plan.title, reverse("plans:plan-detail", args=[plan.pk])), (target.name, None)
            ),
        },
    )


@capability_required(Capability.MANAGE_PLANS)
@require_POST
def target_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_or_404(selectors.access_target_by_id, user=_u(request), target_id=pk)
    return _delete(
        request,
        lambda version: services.target_delete(target=target, version=version, acting_user=_u(request)),
        refused=reverse("plans:target-update", args=[target.pk]),
        done=reverse("plans:plan-detail", args=[target.plan_id]),
        message=_("The target was deleted."),
    )


# Allocations --------------------------------------------------------------------------------------------
def _decimal(raw: str) -> Decimal | None:
    text = formats.sanitize_separators(raw.strip())
    if text == "":
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    if not value.is_finite():
        raise ValueError(raw)
    return value


@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def allocations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_or_404(selectors.access_target_by_id, user=_u(request), target_id=pk)
    communes = selectors.allocation_communes(user=_u(request), target=target)
    existing = {a.commune_id: a for a in selectors.allocation_list(user=_u(request), target=target)}
    errors: dict[int, str] = {}
    error = ""
    if request.method == "POST":
        rows = []
        for commune in communes:
            try:
                value = _decimal(request.POST.get(f"value_{commune.pk}", ""))
                baseline = _decimal(request.POST.get(f"baseline_{commune.pk}", ""))
            except ValueError:
                errors[commune.pk] = _("Enter a number, e.g. 1,25.")
                continue
            current = existing.get(commune.pk)
            version = int_param(request, f"version_{commune.pk}", data=request.POST, invalid="ignore")
            if current is None and value is None:
                continue
            rows.append(services.AllocationInput(commune, value, baseline, version))
        if not errors:
            try:
                changed = services.allocations_save(target=target, rows=rows, acting_user=_u(request))
            except ApplicationError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("%(n)s lines were saved.") % {"n": changed})
                return redirect("plans:allocations", pk=target.pk)
    check = services.allocation_check(target=target)
    lines = [
        {
            "commune": c,
            "allocation": existing.get(c.pk),
            "value": request.POST.get(f"value_{c.pk}") if request.method == "POST" else None,
            "baseline": request.POST.get(f"baseline_{c.pk}") if request.method == "POST" else None,
            "error": errors.get(c.pk, ""),
        }
        for c in communes
    ]
    return render(
        request,
        "plans/allocations.html",
        {
            "target": target,
            "plan": target.plan,
            "unit": selectors.unit_label(target.unit),
            "lines": lines,
            "check": check,
            "error": error,
            "breadcrumbs": _crumbs(
                (target.plan.title, reverse("plans:plan-detail", args=[target.plan_id])),
                (target.name, None),
                (_("Allocation to communes"), None),
            ),
        },
    )


# Reports --------------------------------------------------------------------------------------------------
@upload_limit("plan_evidence")
@view_required
@require_http_methods(["GET", "POST"])
def reports(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_or_404(selectors.access_target_by_id, user=_u(request), target_id=pk)
    entered = not ind.indicator(target.indicator_key).computed
    areas = selectors.report_areas(user=_u(request), target=target) if entered else []
    can_report = entered and bool(areas) and can(request.user, Capability.REPORT_TARGETS)
    form = None
    if can_report:
        form = ReportForm(
            request.POST or None,
            request.FILES or None,
            areas=areas,
            refused_size=refused_upload_size(request),
            initial={"year": min(max(current_year(), target.plan.year_from), target.plan.year_to)},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("report")
        if form.is_valid():
            data = dict(form.cleaned_data)
            area = next(a for a in areas if a.pk == data.pop("area"))
            if submit(
                form,
                lambda: services.report_create(target=target, area=area, acting_user=_u(request), **data),
            ):
                messages.success(request, _("The value was recorded."))
                return redirect("plans:reports", pk=target.pk)
    rows = selectors.report_list(user=_u(request), target=target)
    period = selectors.report_period(target=target)
    return render(
        request,
        "plans/reports.html",
        {
            "target": target,
            "plan": target.plan,
            "entered": entered,
            "unit": selectors.unit_label(target.unit),
            "form": form,
            "page_obj": paginate(request, rows),
            "period": period,
            "missing": selectors.not_reported(user=_u(request), target=target, period=period),
            "breadcrumbs": _crumbs(
                (target.plan.title, reverse("plans:plan-detail", args=[target.plan_id])),
                (target.name, None),
                (_("Reported values"), None),
            ),
        },
    )


@view_required
@require_GET
def report_evidence(request: AuthenticatedRequest, pk: int) -> FileResponse:
    report = get_or_404(selectors.access_report_by_id, user=_u(request), report_id=pk)
    if not report.evidence:
        raise Http404
    try:
        handle = report.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = report.evidence_name or PurePosixPath(report.evidence.name or "evidence").name
    return FileResponse(handle, as_attachment=True, filename=name)


@capability_required(Capability.REPORT_TARGETS)
@require_POST
def report_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_or_404(selectors.access_report_by_id, user=_u(request), report_id=pk)
    back = reverse("plans:reports", args=[report.target_id])
    return _delete(
        request,
        lambda version: services.report_delete(report=report, version=version, acting_user=_u(request)),
        refused=back,
        done=back,
        message=_("The value was deleted."),
    )


# Thresholds -----------------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_PLANS)
@require_http_methods(["GET", "POST"])
def thresholds(request: AuthenticatedRequest) -> HttpResponse:
    provinces = _provinces(request)
    province_id = int_param(request, "province", invalid="ignore")
    province = next((p for p in provinces if p.pk == province_id), provinces[0] if provinces else None)
    posted: ThresholdForm | None = None
    if request.method == "POST" and province is not None:
        posted = ThresholdForm(request.POST)
        if posted.is_valid():
            data = posted.cleaned_data
            target_province = next((p for p in provinces if p.pk == data["province"]), None)
            if target_province is None or data["indicator_key"] not in ind.BY_KEY:
                raise Http404
            if submit(
                posted,
                lambda: services.threshold_set(
                    province=target_province,
                    indicator_key=data["indicator_key"],
                    on_track=data["on_track"],
                    at_risk=data["at_risk"],
                    version=data["version"],
                    acting_user=_u(request),
                ),
            ):
                messages.success(request, _("The thresholds were saved."))
                return redirect(f"{reverse('plans:thresholds')}?province={target_province.pk}")
    rows = []
    if province is not None:
        saved = selectors.threshold_rows(user=_u(request), province=province)
        for indicator in ind.INDICATORS:
            row = saved.get(indicator.key)
            thresholds_ = row.thresholds if row is not None else ind.Thresholds()
            form = ThresholdForm(
                initial={
                    "province": province.pk,
                    "indicator_key": indicator.key,
                    "on_track": thresholds_.on_track,
                    "at_risk": thresholds_.at_risk,
                    "version": row.version if row is not None else None,
                },
                auto_id=f"id_{indicator.key}_%s",
            )
            if posted is not None and posted.data.get("indicator_key") == indicator.key:
                form = posted
            rows.append(
                {
                    "indicator": indicator,
                    "name": selectors.indicator_label(indicator),
                    "custom": row is not None,
                    "rule": selectors.rule_text(thresholds_),
                    "form": form,
                }
            )
    return render(
        request,
        "plans/thresholds.html",
        {
            "province": province,
            "provinces": provinces,
            "rows": rows,
            "breadcrumbs": _crumbs((_("Thresholds of the status"), None)),
        },
    )


# Priority areas --------------------------------------------------------------------------------------------
@view_required
@require_GET
def priorities(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request, current_year()) or current_year()
    level = "village" if request.GET.get("level") == "village" else "commune"
    rows = selectors.ranking(user=_u(request), year=year, level=level)
    if request.GET.get("priority") == "1":
        rows = [r for r in rows if r.priority is not None]
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"dia-ban-uu-tien-{year}.xlsx",
            title=_("Priority areas"),
            scope=scope,
            year=year,
            sections=[print_tables.priority_section(rows, level=level)],
        )
    return render(
        request,
        "plans/priorities.html",
        {
            "scope": scope,
            "year": year,
            "level": level,
            "years": selectors.plan_years(user=_u(request)),
            "page_obj": paginate(request, rows),
            "only_priority": request.GET.get("priority") == "1",
            "marked": selectors.priority_areas(user=_u(request), year=year).count(),
            "can_manage": can(request.user, Capability.MANAGE_PLANS),
            "breadcrumbs": _crumbs((_("Priority areas"), None)),
        },
    )


@capability_required(Capability.MANAGE_PLANS)
@require_POST
def priority_mark(request: AuthenticatedRequest) -> HttpResponse:
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the priority."))
        return redirect("plans:priorities")
    data = form.cleaned_data
    area = get_or_404(selectors.access_plan_area_by_id, user=_u(request), area_id=data["area"])
    try:
        services.priority_mark(year=data["year"], area=area, reason=data["reason"], acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(unit)s was marked as a priority.") % {"unit": area.name})
    return redirect(f"{reverse('plans:priorities')}?year={data['year']}&level={area.level}")


@capability_required(Capability.MANAGE_PLANS)
@require_POST
def priority_unmark(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = get_or_404(selectors.access_priority_area_by_id, user=_u(request), priority_id=pk)
    year, level, name = row.year, row.area.level, row.area.name
    try:
        services.priority_unmark(priority=row, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(unit)s is no longer a priority.") % {"unit": name})
    return redirect(f"{reverse('plans:priorities')}?year={year}&level={level}")
