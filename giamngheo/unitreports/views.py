"""Pages of the periodic reports from units: thin views over ``unitreports.selectors`` and ``services``."""

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import Column, Section, table_download, wants_xlsx
from giamngheo.org.selectors import department_for

from . import selectors, services
from .forms import (
    ExceptionForm,
    FieldForm,
    ReasonForm,
    ReportForm,
    RequestEditForm,
    RequestForm,
    TemplateForm,
    report_initial,
)
from .models import FieldKind, ReportStatus
from .periods import format_figure
from .rates import deadline_for

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import ReportRequest, UnitReport

ANY_CAPABILITY = (
    Capability.MANAGE_UNIT_REPORTS,
    Capability.SUBMIT_UNIT_REPORTS,
    Capability.APPROVE_UNIT_REPORTS,
)
OVERSIGHT = (Capability.MANAGE_UNIT_REPORTS, Capability.APPROVE_UNIT_REPORTS)


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _any_of(*capabilities: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
            if not any(can(request.user, c) for c in capabilities):
                raise PermissionDenied("unitreports")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Periodic reports"), reverse("unitreports:index")), *tail]


def _request_crumbs(req: ReportRequest, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((req.title, reverse("unitreports:request-detail", args=[req.pk])), *tail)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


# Landing ---------------------------------------------------------------------------------------------------
@_any_of(*ANY_CAPABILITY)
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    user = _u(request)
    context: dict[str, Any] = {
        "breadcrumbs": [(_("Periodic reports"), None)],
        "today": timezone.localdate(),
    }
    manages = can(user, Capability.MANAGE_UNIT_REPORTS)
    context["can_manage"] = manages
    if manages or can(user, Capability.APPROVE_UNIT_REPORTS):
        year = int_param(request, "year", maximum=2100, invalid="ignore")
        q = request.GET.get("q", "").strip()[:100]
        page = paginate(request, selectors.request_list(user=user, year=year, q=q))
        context |= {
            "year": year,
            "q": q,
            "years": selectors.request_years(user=user),
            "page_obj": page,
            "summaries": [
                (s, _percent(s.completeness))
                for s in selectors.request_summaries(requests=list(page.object_list))
            ],
            "show_requests": True,
        }
    if can(user, Capability.APPROVE_UNIT_REPORTS):
        context["awaiting_leader"] = list(
            selectors.reports_awaiting(user=user, status=ReportStatus.OFFICE_APPROVED)[:50]
        )
    if manages:
        context["awaiting_office"] = list(
            selectors.reports_awaiting(user=user, status=ReportStatus.SUBMITTED)[:50]
        )
    elif can(user, Capability.SUBMIT_UNIT_REPORTS):
        context["to_do"] = selectors.reports_to_do(user=user)
        context["done"] = list(selectors.my_reports(user=user)[:20])
        context["show_to_do"] = True
    return render(request, "unitreports/index.html", context)


# Templates --------------------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_GET
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "unitreports/template_list.html",
        {
            "page_obj": paginate(request, selectors.template_list(user=_u(request))),
            "breadcrumbs": _crumbs((_("Report templates"), None)),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def template_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        template = submit(
            form,
            lambda: services.template_create(
                name=d["name"],
                period_kind=d["period_kind"],
                description=d["description"],
                acting_user=_u(request),
            ),
        )
        if template is not None:
            messages.success(request, _("Template saved: now add its figures and narrative sections."))
            return redirect("unitreports:template-detail", pk=template.pk)
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("New report template"),
            "cancel_url": reverse("unitreports:template-list"),
            "breadcrumbs": _crumbs(
                (_("Report templates"), reverse("unitreports:template-list")), (_("New"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def template_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The template, its fields, and the form to add a field."""
    template = get_or_404(selectors.access_template_by_id, user=_u(request), template_id=pk)
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        added = submit(
            form,
            lambda: services.field_add(
                template=template,
                kind=d["kind"],
                label=d["label"],
                unit=d["unit"],
                required=d["required"],
                sort_order=d["sort_order"],
                acting_user=_u(request),
            ),
        )
        if added is not None:
            messages.success(request, _("Field added."))
            return redirect("unitreports:template-detail", pk=template.pk)
    return render(
        request,
        "unitreports/template_detail.html",
        {
            "template": template,
            "fields": selectors.template_fields(template=template),
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Report templates"), reverse("unitreports:template-list")), (template.name, None)
            ),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def template_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_or_404(selectors.access_template_by_id, user=_u(request), template_id=pk)
    initial = {name: getattr(template, name) for name in services.TEMPLATE_FIELDS} | {
        "version": template.version
    }
    form = TemplateForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in services.TEMPLATE_FIELDS}
        saved = submit(
            form,
            lambda: services.template_update(
                template=template, data=data, version=d["version"], acting_user=_u(request)
            ),
        )
        if saved is not None:
            messages.success(request, _("Template saved."))
            return redirect("unitreports:template-detail", pk=template.pk)
    detail = reverse("unitreports:template-detail", args=[template.pk])
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("Edit report template"),
            "cancel_url": detail,
            "breadcrumbs": _crumbs(
                (_("Report templates"), reverse("unitreports:template-list")),
                (template.name, detail),
                (_("Edit"), None),
            ),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def field_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    field = get_or_404(selectors.access_field_by_id, user=_u(request), field_id=pk)
    detail = reverse("unitreports:template-detail", args=[field.template_id])
    initial = {name: getattr(field, name) for name in services.FIELD_FIELDS}
    form = FieldForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and request.POST.get("delete") == "1":
        asked = confirmation_page(
            request, question=_("Remove this field from the template?"), cancel_url=detail
        )
        if asked is not None:
            return asked
        try:
            services.field_delete(field=field, acting_user=_u(request))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect(detail)
        messages.success(request, _("Field removed."))
        return redirect(detail)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in services.FIELD_FIELDS if k != "sort_order"} | {
            "sort_order": d["sort_order"] if d["sort_order"] is not None else field.sort_order
        }
        saved = submit(form, lambda: services.field_update(field=field, data=data, acting_user=_u(request)))
        if saved is not None:
            messages.success(request, _("Field saved."))
            return redirect(detail)
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("Edit field"),
            "cancel_url": detail,
            "delete": True,
            "breadcrumbs": _crumbs(
                (_("Report templates"), reverse("unitreports:template-list")),
                (field.template.name, detail),
                (field.label, None),
            ),
        },
    )


# Requests ---------------------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    user = _u(request)
    templates = list(selectors.template_list(user=user, active_only=True))
    units = selectors.units_to_pick(user=user)
    today = timezone.localdate()
    form = RequestForm(request.POST or None, templates=templates, units=units, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_id = {t.pk: t for t in templates}
        chosen = [u for u in units if u.pk in set(d["units"])] or None
        created = submit(
            form,
            lambda: services.request_create(
                template=by_id[d["template"]],
                year=d["year"],
                period=d["period"],
                due_date=d["due_date"],
                units=chosen,
                title=d["title"],
                note=d["note"],
                acting_user=user,
            ),
        )
        if created is not None:
            messages.success(request, _("The report has been requested from the units."))
            return redirect("unitreports:request-detail", pk=created.pk)
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("Request a report"),
            "cancel_url": reverse("unitreports:index"),
            "breadcrumbs": _crumbs((_("Request a report"), None)),
            "empty_hint": "" if templates else _("Create a report template first."),
        },
    )


def _overview_xlsx(
    request: AuthenticatedRequest, req: ReportRequest, overview: selectors.Overview
) -> HttpResponse:
    labels = _timeliness_labels()
    rows: list[list[Any]] = [
        [
            r.unit.name,
            r.report.get_status_display() if r.report else "",
            timezone.localtime(r.report.submitted_at).strftime("%d/%m/%Y")
            if r.report and r.report.submitted_at
            else "",
            r.deadline,
            labels[r.timeliness],
        ]
        for r in overview.rows
    ]
    return table_download(
        request,
        filename=f"tinh-hinh-bao-cao-{req.pk}.xlsx",
        title=req.title,
        scope=req.organiser.name,
        year=req.year,
        sections=[Section([_("Unit"), _("Status"), _("Submitted on"), _("Deadline"), _("On time")], rows)],
    )


def _timeliness_labels() -> dict[str, str]:
    return {
        selectors.ON_TIME: _("On time"),
        selectors.LATE: _("Late"),
        selectors.MISSING: _("Missing"),
        selectors.PENDING: _("Not yet due"),
    }


@_any_of(*OVERSIGHT)
@require_GET
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _u(request)
    req = get_or_404(selectors.access_request_by_id, user=user, request_id=pk)
    overview = selectors.request_overview(user=user, request=req)
    if wants_xlsx(request):
        return _overview_xlsx(request, req, overview)
    return render(
        request,
        "unitreports/request_detail.html",
        {
            "req": req,
            "overview": overview,
            "labels": _timeliness_labels(),
            "completeness": _percent(overview.completeness),
            "timeliness": _percent(overview.timeliness),
            "exceptions": selectors.exception_list(request=req),
            "can_manage": can(user, Capability.MANAGE_UNIT_REPORTS),
            "breadcrumbs": _crumbs((req.title, None)),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def request_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    req = get_or_404(selectors.access_request_by_id, user=_u(request), request_id=pk)
    initial = {name: getattr(req, name) for name in services.REQUEST_FIELDS} | {"version": req.version}
    form = RequestEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in services.REQUEST_FIELDS}
        saved = submit(
            form,
            lambda: services.request_update(
                request=req, data=data, version=d["version"], acting_user=_u(request)
            ),
        )
        if saved is not None:
            messages.success(request, _("Request saved."))
            return redirect("unitreports:request-detail", pk=req.pk)
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("Edit the request"),
            "cancel_url": reverse("unitreports:request-detail", args=[req.pk]),
            "breadcrumbs": _request_crumbs(req, (_("Edit"), None)),
        },
    )


@capability_required(Capability.MANAGE_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def exception_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    req = get_or_404(selectors.access_request_by_id, user=_u(request), request_id=pk)
    units = selectors.asked_units(request=req)
    initial: dict[str, Any] = {}
    unit_id = int_param(request, "unit", invalid="ignore")
    if unit_id:
        initial["org_unit"] = unit_id
    form = ExceptionForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = next(u for u in units if u.pk == d["org_unit"])
        granted = submit(
            form,
            lambda: services.exception_grant(
                request=req, org_unit=unit, until=d["until"], reason=d["reason"], acting_user=_u(request)
            ),
        )
        if granted is not None:
            messages.success(request, _("Extension granted."))
            return redirect("unitreports:request-detail", pk=req.pk)
    return render(
        request,
        "unitreports/form.html",
        {
            "form": form,
            "title": _("Extend entry for a unit"),
            "intro": _("Due date: %(date)s. The unit can fill in and submit its report until the date given.")
            % {"date": req.due_date.strftime("%d/%m/%Y")},
            "cancel_url": reverse("unitreports:request-detail", args=[req.pk]),
            "breadcrumbs": _request_crumbs(req, (_("Extension"), None)),
        },
    )


@_any_of(*OVERSIGHT)
@require_GET
def request_aggregate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _u(request)
    req = get_or_404(selectors.access_request_by_id, user=user, request_id=pk)
    aggregate = selectors.request_aggregate(user=user, request=req)
    if wants_xlsx(request):
        figures = list(aggregate.figures)
        totals = Section(
            [_("Figure"), _("Unit of measure"), Column(_("Total"), 2), _("Units that gave it")],
            [
                [
                    f.field.label,
                    f.field.unit,
                    float(f.total) if f.total is not None else None,
                    f"{f.given}/{f.received}",
                ]
                for f in figures
            ],
            heading=_("Totals of the received reports"),
        )
        by_unit = Section(
            [_("Unit")] + [Column(f.field.label, 2) for f in figures],
            [
                [unit.name]
                + [float(v) if (v := values.get(f.field.pk)) is not None else None for f in figures]
                for unit, values in aggregate.by_unit
            ],
            heading=_("By unit"),
        )
        texts = [
            Section([_("Unit"), n.field.label], [[u.name, t] for u, t in n.entries], heading=n.field.label)
            for n in aggregate.narratives
        ]
        return table_download(
            request,
            filename=f"tong-hop-bao-cao-{req.pk}.xlsx",
            title=req.title,
            scope=req.organiser.name,
            year=req.year,
            sections=[totals, by_unit, *texts],
        )
    return render(
        request,
        "unitreports/aggregate.html",
        {
            "req": req,
            "aggregate": aggregate,
            "rows": [(f, format_figure(f.total)) for f in aggregate.figures],
            "by_unit": [
                (unit, [format_figure(values.get(f.field.pk)) for f in aggregate.figures])
                for unit, values in aggregate.by_unit
            ],
            "breadcrumbs": _request_crumbs(req, (_("Aggregate"), None)),
        },
    )


@_any_of(*OVERSIGHT)
@require_GET
def unit_rates(request: AuthenticatedRequest) -> HttpResponse:
    user = _u(request)
    year = int_param(request, "year", maximum=2100, invalid="ignore") or timezone.localdate().year
    rows = selectors.unit_rates(user=user, year=year)
    department = department_for(user=user)
    scope = department.name if department is not None else ""
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"ti-le-bao-cao-{year}.xlsx",
            title=_("Completeness and timeliness of the units' reports"),
            scope=scope,
            year=year,
            sections=[
                Section(
                    [
                        _("Unit"),
                        _("Expected"),
                        _("Received"),
                        _("On time"),
                        Column(_("Completeness (%)"), 1),
                        Column(_("Timeliness (%)"), 1),
                    ],
                    [
                        [
                            r.unit.name,
                            r.expected,
                            r.received,
                            r.on_time,
                            (r.completeness or 0) * 100,
                            (r.timeliness or 0) * 100,
                        ]
                        for r in rows
                    ],
                )
            ],
        )
    return render(
        request,
        "unitreports/rates.html",
        {
            "year": year,
            "years": selectors.request_years(user=user),
            "rows": [(r, _percent(r.completeness), _percent(r.timeliness)) for r in rows],
            "scope": scope,
            "breadcrumbs": _crumbs((_("Rates per unit"), None)),
        },
    )


# Reports ---------------------------------------------------------------------------------------------------
def _report_url(report: UnitReport) -> str:
    return reverse("unitreports:report-detail", args=[report.pk])


@_any_of(*ANY_CAPABILITY)
@require_GET
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _u(request)
    report = get_or_404(selectors.access_report_by_id, user=user, report_id=pk)
    manages = can(user, Capability.MANAGE_UNIT_REPORTS)
    today = timezone.localdate()
    editable = report.status in services.EDITABLE and (manages or services.entry_open(report, today=today))
    sees_request = manages or can(user, Capability.APPROVE_UNIT_REPORTS)
    return render(
        request,
        "unitreports/report_detail.html",
        {
            "report": report,
            "req": report.request,
            "entries": selectors.report_entries(report=report),
            "history": selectors.report_history(report=report),
            "deadline": deadline_for(report.request, report.org_unit_id),
            "can_edit": editable and can(user, Capability.SUBMIT_UNIT_REPORTS),
            "locked": report.status == ReportStatus.DRAFT and not services.entry_open(report, today=today),
            "can_office": manages and report.status in (ReportStatus.SUBMITTED, ReportStatus.OFFICE_APPROVED),
            "submitted": report.status == ReportStatus.SUBMITTED,
            "office_approved": report.status == ReportStatus.OFFICE_APPROVED,
            "can_leader": can(user, Capability.APPROVE_UNIT_REPORTS)
            and report.status == ReportStatus.OFFICE_APPROVED,
            "reason_form": ReasonForm(initial={"version": report.version}),
            "figure": FieldKind.FIGURE,
            "breadcrumbs": _request_crumbs(report.request, (report.org_unit.name, None))
            if sees_request
            else _crumbs((f"{report.request.title} – {report.org_unit.name}", None)),
        },
    )


@capability_required(Capability.SUBMIT_UNIT_REPORTS)
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _u(request)
    report = get_or_404(selectors.access_report_by_id, user=user, report_id=pk)
    if report.status not in services.EDITABLE:
        messages.info(request, _("The report has been submitted: it can no longer be changed."))
        return redirect(_report_url(report))
    entries = selectors.report_entries(report=report)
    form = ReportForm(
        request.POST or None,
        template_fields=[e.field for e in entries],
        initial=report_initial(entries, report.version),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        version = form.cleaned_data["version"]

        def save() -> UnitReport:
            saved = services.report_save(report=report, values=values, version=version, acting_user=user)
            if request.POST.get("submit") == "1":
                saved = services.report_submit(report=saved, version=saved.version, acting_user=user)
            return saved

        saved = submit(form, save)
        if saved is not None:
            if saved.status == ReportStatus.SUBMITTED:
                messages.success(request, _("The report has been submitted to the department office."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(_report_url(saved))
    return render(
        request,
        "unitreports/report_form.html",
        {
            "report": report,
            "form": form,
            "fields": [(form[f"f{e.field.pk}"], e.field) for e in entries],
            "breadcrumbs": _crumbs(
                (f"{report.request.title} – {report.org_unit.name}", _report_url(report)),
                (_("Fill in"), None),
            ),
        },
    )


ACTIONS: dict[str, tuple[str, Callable[..., Any]]] = {
    "submit": (Capability.SUBMIT_UNIT_REPORTS, services.report_submit),
    "approve": (Capability.MANAGE_UNIT_REPORTS, services.report_office_approve),
    "return": (Capability.MANAGE_UNIT_REPORTS, services.report_return),
    "withdraw": (Capability.MANAGE_UNIT_REPORTS, services.report_withdraw_approval),
    "reopen": (Capability.MANAGE_UNIT_REPORTS, services.report_reopen),
    "leader-approve": (Capability.APPROVE_UNIT_REPORTS, services.report_leader_approve),
}
DONE = {
    "submit": gettext_lazy("The report has been submitted to the department office."),
    "approve": gettext_lazy("Report approved."),
    "return": gettext_lazy("The report has been returned to the unit."),
    "withdraw": gettext_lazy("Approval withdrawn."),
    "reopen": gettext_lazy("The report has been reopened for the unit."),
    "leader-approve": gettext_lazy("Report approved."),
}


@_any_of(*ANY_CAPABILITY)
@require_POST
def report_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """A change of status (submit, approve, return, withdraw, reopen, leader-approve), reason or comments
    posted with it."""
    user = _u(request)
    if action not in ACTIONS:
        raise Http404
    capability, service = ACTIONS[action]
    if not can(user, capability):
        raise PermissionDenied("unitreports")
    report = get_or_404(selectors.access_report_by_id, user=user, report_id=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_report_url(report))
    kwargs: dict[str, Any] = {"report": report, "version": form.cleaned_data["version"], "acting_user": user}
    if action == "return":
        kwargs["comments"] = form.cleaned_data["reason"]
    elif action in ("withdraw", "reopen"):
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(**kwargs)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, DONE[action])
    return redirect(_report_url(report))
