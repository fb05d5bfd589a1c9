from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import get_or_404, paginate, submit

from . import selectors, services
from .choices import AreaLevel
from .forms import CommuneFilterForm, DifficultyPeriodForm, UrbanOverrideForm, VillageForm
from .models import Area


def area_crumbs(
    request: AuthenticatedRequest, area: Area | None, *tail: tuple[str, str | None]
) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [(_("Administrative units"), reverse("geo:commune-list"))]
    if area is not None:
        for ancestor, visible in selectors.area_breadcrumb(user=request.user, area=area):
            if ancestor.level != AreaLevel.PROVINCE:
                crumbs.append(
                    (ancestor.name, reverse("geo:area-detail", args=[ancestor.pk]) if visible else None)
                )
        crumbs.append((area.name, reverse("geo:area-detail", args=[area.pk])))
    crumbs.extend(tail)
    return crumbs


def commune_list(request: AuthenticatedRequest) -> HttpResponse:
    former = selectors.former_provinces(user=request.user)
    form = CommuneFilterForm(request.GET or None, former_choices=[(a.code, a.name) for a in former])
    filters = selectors.CommuneFilters()
    if form.is_valid():
        filters = selectors.CommuneFilters(
            q=form.cleaned_data["q"],
            division_type=form.cleaned_data["division_type"],
            difficult=form.cleaned_data["difficult"],
            former_province=form.cleaned_data["former_province"],
        )
    communes = selectors.commune_list(user=request.user, filters=filters)
    page = paginate(request, communes, per_page=50)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "summary": selectors.scope_summary(user=request.user),
        "provinces": selectors.provinces_to_pick(user=request.user),
        "filtered": any(v for v in request.GET.dict().values() if v and v != request.GET.get("page")),
        "can_import": can(request.user, Capability.MANAGE_VILLAGES),
        "breadcrumbs": [(_("Administrative units"), None)],
    }
    template = "geo/_commune_table.html" if request.htmx else "geo/commune_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def area_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    if area.level == AreaLevel.PROVINCE:
        return redirect("geo:commune-list")
    context: dict[str, Any] = {
        "area": area,
        "periods": selectors.difficulty_periods(user=request.user, area=area),
        "predecessors": selectors.predecessors(area=area),
        "period_form": DifficultyPeriodForm(village=area.level == AreaLevel.VILLAGE),
        "urban_form": UrbanOverrideForm(
            initial={
                "urban": "" if area.urban_override is None else ("urban" if area.urban_override else "rural")
            }
        ),
        "can_manage_villages": can(request.user, Capability.MANAGE_VILLAGES),
        "can_manage_difficulty": can(request.user, Capability.MANAGE_DIFFICULTY),
        "can_manage_geography": can(request.user, Capability.MANAGE_GEOGRAPHY),
        "breadcrumbs": area_crumbs(request, area),
    }
    if area.level == AreaLevel.COMMUNE:
        context["page_obj"] = paginate(
            request, selectors.village_list(user=request.user, commune=area), per_page=100
        )
    return render(request, "geo/area_detail.html", context)


@capability_required(Capability.MANAGE_VILLAGES)
@require_http_methods(["GET", "POST"])
def village_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    commune = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    if commune.level != AreaLevel.COMMUNE:
        raise Http404
    form = VillageForm(
        request.POST or None, initial={"division_type": "khu_pho" if commune.is_urban else "ap"}
    )
    if request.method == "POST" and form.is_valid():
        village = submit(
            form,
            lambda: services.village_create(
                commune=commune,
                name=form.cleaned_data["name"],
                division_type=form.cleaned_data["division_type"],
                acting_user=request.user,
            ),
        )
        if village is not None:
            messages.success(request, _("Village “%(name)s” was added.") % {"name": village.name})
            return redirect("geo:area-detail", pk=commune.pk)
    return render(
        request,
        "geo/village_form.html",
        {
            "form": form,
            "commune": commune,
            "breadcrumbs": area_crumbs(request, commune, (_("Add village"), None)),
        },
    )


@capability_required(Capability.MANAGE_VILLAGES)
@require_http_methods(["GET", "POST"])
def village_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    village = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    if village.level != AreaLevel.VILLAGE:
        raise Http404
    form = VillageForm(
        request.POST or None,
        initial={
            "name": village.name,
            "division_type": village.division_type,
            "is_active": village.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.village_update(
                village=village,
                name=form.cleaned_data["name"],
                division_type=form.cleaned_data["division_type"],
                is_active=form.cleaned_data["is_active"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("The village was saved."))
            return redirect("geo:area-detail", pk=village.parent_id)
    return render(
        request,
        "geo/village_form.html",
        {
            "form": form,
            "village": village,
            "commune": village.parent,
            "breadcrumbs": area_crumbs(request, village, (_("Edit"), None)),
        },
    )


@capability_required(Capability.MANAGE_DIFFICULTY)
@require_POST
def difficulty_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    form = DifficultyPeriodForm(request.POST)
    if form.is_valid():
        try:
            services.difficulty_period_add(area=area, acting_user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The designation period was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("geo:area-detail", pk=area.pk)


@capability_required(Capability.MANAGE_DIFFICULTY)
@require_POST
def difficulty_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    period = get_or_404(selectors.access_difficulty_period_by_id, user=request.user, period_id=pk)
    area_id = period.area_id
    services.difficulty_period_delete(period=period, acting_user=request.user)
    messages.success(request, _("The period was removed."))
    return redirect("geo:area-detail", pk=area_id)


@capability_required(Capability.MANAGE_GEOGRAPHY)
@require_POST
def urban_override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    form = UrbanOverrideForm(request.POST)
    if form.is_valid():
        value = {"": None, "urban": True, "rural": False}[form.cleaned_data["urban"]]
        services.area_set_urban_override(area=area, urban=value, acting_user=request.user)
        messages.success(request, _("The area type was saved."))
    return redirect("geo:area-detail", pk=area.pk)


def village_import(request: AuthenticatedRequest) -> HttpResponse:
    """The village import moved to the import machinery (a file checked by a background job): the old
    address leads there. (Named by string: geo does not import the apps above it.)"""
    return redirect("dataio:village-import")
