from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404, paginate, submit
from giamngheo.geo.selectors import provinces_to_pick

from . import selectors, services
from .forms import OrgUnitForm, StaffFilterForm, StaffForm
from .models import OrgUnit


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Organisation"), reverse("org:unit-list")), *tail]


@capability_required(Capability.VIEW_ORG)
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    units = selectors.org_unit_list(user=request.user, include_inactive=request.GET.get("all") == "1")
    return render(
        request,
        "org/unit_list.html",
        {
            "units": units,
            "can_manage": can(request.user, Capability.MANAGE_ORG),
            "breadcrumbs": [(_("Organisation"), None)],
        },
    )


@capability_required(Capability.VIEW_ORG)
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_or_404(selectors.access_org_unit_by_id, user=request.user, org_unit_id=pk)
    staff = selectors.staff_list(user=request.user, org_unit=unit)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "children": selectors.org_unit_list(user=request.user).filter(parent=unit),
            "page_obj": paginate(request, staff),
            "can_manage": can(request.user, Capability.MANAGE_ORG),
            "breadcrumbs": _crumbs(
                *[(a.name, reverse("org:unit-detail", args=[a.pk])) for a in _ancestors(unit)],
                (unit.name, None),
            ),
        },
    )


def _ancestors(unit: OrgUnit) -> list[OrgUnit]:
    chain = []
    node = unit.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def _unit_form(request: AuthenticatedRequest, unit: OrgUnit | None = None) -> OrgUnitForm:
    units = selectors.org_unit_list(user=request.user)
    if unit is not None:
        units = units.exclude(path__startswith=unit.path)
    initial: dict[str, Any] = {}
    if unit is not None:
        initial = {
            f: getattr(unit, f)
            for f in (
                "name",
                "short_name",
                "kind",
                "parent",
                "area",
                "legal_source",
                "valid_from",
                "valid_to",
                "is_active",
                "address",
                "phone",
                "email",
            )
        }
    elif request.GET.get("parent"):
        initial = {"parent": request.GET["parent"], "kind": "division"}
    return OrgUnitForm(
        request.POST or None,
        initial=initial,
        units=units,
        provinces=provinces_to_pick(user=request.user),
    )


@capability_required(Capability.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _unit_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = submit(
            form,
            lambda: services.org_unit_create(
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                area=data["area"],
                short_name=data["short_name"],
                legal_source=data["legal_source"],
                valid_from=data["valid_from"],
                address=data["address"],
                phone=data["phone"],
                email=data["email"],
                acting_user=request.user,
            ),
        )
        if unit is not None:
            messages.success(request, _("Unit “%(name)s” was created.") % {"name": unit.name})
            return redirect("org:unit-detail", pk=unit.pk)
    return render(
        request, "org/unit_form.html", {"form": form, "breadcrumbs": _crumbs((_("New unit"), None))}
    )


@capability_required(Capability.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def unit_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_or_404(selectors.access_org_unit_by_id, user=request.user, org_unit_id=pk)
    form = _unit_form(request, unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("area")
        if submit(form, lambda: services.org_unit_update(unit=unit, acting_user=request.user, **data)):
            messages.success(request, _("The unit was saved."))
            return redirect("org:unit-detail", pk=unit.pk)
    return render(
        request,
        "org/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "breadcrumbs": _crumbs(
                (unit.name, reverse("org:unit-detail", args=[unit.pk])), (_("Edit"), None)
            ),
        },
    )


@capability_required(Capability.VIEW_ORG)
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    units = selectors.org_unit_list(user=request.user)
    form = StaffFilterForm(request.GET or None, units=units)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"],
            "org_unit": form.cleaned_data["org_unit"],
            "staff_type": form.cleaned_data["staff_type"],
        }
    staff = selectors.staff_list(user=request.user, **filters)
    context = {
        "form": form,
        "page_obj": paginate(request, staff),
        "filtered": any(filters.values()),
        "can_manage": can(request.user, Capability.MANAGE_ORG),
        "breadcrumbs": _crumbs((_("Staff"), None)),
    }
    template = "org/_staff_table.html" if request.htmx else "org/staff_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@capability_required(Capability.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    units = selectors.org_unit_list(user=request.user)
    form = StaffForm(request.POST or None, units=units, initial={"org_unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        staff = submit(form, lambda: services.staff_create(acting_user=request.user, **form.cleaned_data))
        if staff is not None:
            messages.success(request, _("%(name)s was added.") % {"name": staff.full_name})
            return redirect("org:staff-list")
    return render(
        request,
        "org/staff_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs((_("Staff"), reverse("org:staff-list")), (_("Add staff member"), None)),
        },
    )


@capability_required(Capability.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def staff_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staff = get_or_404(selectors.access_staff_by_id, user=request.user, staff_id=pk)
    units = selectors.org_unit_list(user=request.user)
    form = StaffForm(request.POST or None, instance=staff, units=units)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form must not have written to the instance: reload before handing it to the service.
        staff.refresh_from_db()
        services.staff_update(staff=staff, acting_user=request.user, **changed)
        messages.success(request, _("The staff record was saved."))
        return redirect("org:staff-list")
    return render(
        request,
        "org/staff_form.html",
        {
            "form": form,
            "staff": staff,
            "breadcrumbs": _crumbs((_("Staff"), reverse("org:staff-list")), (staff.full_name, None)),
        },
    )
