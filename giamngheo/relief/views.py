"""Pages of disaster and epidemic relief: thin views over ``relief.selectors`` and ``relief.services``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.attachments import attachment_response
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ApplicationError
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, int_param, paginate, parse_id, submit
from giamngheo.core.xlsx import XLSX_CONTENT_TYPE, table_download, table_workbook, wants_xlsx
from giamngheo.geo.selectors import communes_to_pick, current_year

from . import print_tables, selectors, services
from .forms import AffectedForm, HouseholdSearchForm, IncidentForm, SupportForm, VersionForm
from .models import Incident, IncidentKind

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MANAGE = Capability.MANAGE_RELIEF


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Disaster relief"), reverse("relief:incident-list")), *tail]


def _incident_crumbs(incident: Incident, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((incident.name, reverse("relief:incident-detail", args=[incident.pk])), *tail)


# Incidents --------------------------------------------------------------------------------------------------
@capability_required(MANAGE)
@require_GET
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    kind = request.GET.get("kind", "")
    kind = kind if kind in IncidentKind.values else ""
    q = request.GET.get("q", "")[:100]
    incidents = selectors.incident_list(user=_u(request), year=year, kind=kind, q=q)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"su-co-thien-tai-{year or 'tat-ca'}.xlsx",
            title=_("Disasters and epidemics"),
            scope=print_tables.scope_name(_u(request)),
            year=year,
            sections=[print_tables.incident_section(list(incidents))],
        )
    return render(
        request,
        "relief/incident_list.html",
        {
            "page_obj": paginate(request, incidents),
            "year": year,
            "years": selectors.incident_years(user=_u(request)),
            "kind": kind,
            "kinds": IncidentKind.choices,
            "q": q,
            "scope": print_tables.scope_name(_u(request)),
            "can_create": bool(selectors.provinces_for_incidents(user=_u(request))),
            "breadcrumbs": [(_("Disaster relief"), None)],
        },
    )


def _incident_form(
    request: AuthenticatedRequest, *, editing: Incident | None = None, **kwargs: Any
) -> IncidentForm:
    if editing is not None:
        provinces = [editing.province]
    else:
        provinces = selectors.provinces_for_incidents(user=_u(request))
    communes = [c for p in provinces for c in communes_to_pick(user=_u(request), province=p)]
    return IncidentForm(
        request.POST or None,
        request.FILES or None,
        provinces=provinces,
        communes=communes,
        editing=editing is not None,
        **kwargs,
    )


def _picked_communes(request: AuthenticatedRequest, ids: list[int]) -> list[Any]:
    picked = [c for c in communes_to_pick(user=_u(request)) if c.pk in set(ids)]
    if len(picked) != len(set(ids)):
        raise Http404
    return picked


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.provinces_for_incidents(user=_u(request))
    if not provinces:
        raise PermissionDenied("relief")
    form = _incident_form(request, initial={"start_date": selectors.today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = next((p for p in provinces if p.pk == data.pop("province")), None)
        if province is None:
            raise Http404
        communes = _picked_communes(request, data.pop("communes"))
        incident = submit(
            form,
            lambda: services.incident_create(
                province=province, communes=communes, acting_user=_u(request), **data
            ),
        )
        if incident is not None:
            messages.success(request, _("The incident was recorded. Now record the affected households."))
            return redirect("relief:incident-detail", pk=incident.pk)
    return render(
        request,
        "relief/incident_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New incident"), None))},
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def incident_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    if not selectors.manages_province(user=_u(request), province=incident.province):
        raise PermissionDenied("relief")
    initial = {name: getattr(incident, name) for name in services.INCIDENT_FIELDS} | {
        "version": incident.version,
        "communes": list(incident.commune_links.values_list("commune_id", flat=True)),
    }
    form = _incident_form(request, editing=incident, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        communes = _picked_communes(request, data.pop("communes"))
        attachment = data.pop("attachment", None) or None
        if submit(
            form,
            lambda: services.incident_update(
                incident=incident,
                data=data,
                communes=communes,
                attachment=attachment,
                version=version,
                acting_user=_u(request),
            ),
        ):
            messages.success(request, _("The incident was saved."))
            return redirect("relief:incident-detail", pk=incident.pk)
    return render(
        request,
        "relief/incident_form.html",
        {"form": form, "incident": incident, "breadcrumbs": _incident_crumbs(incident, (_("Edit"), None))},
    )


# Typed for HttpResponse by the guard; this view may send a file.
@capability_required(MANAGE)  # type: ignore[arg-type]
@require_GET
def incident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    communes = selectors.incident_communes(user=_u(request), incident=incident)
    commune_id = int_param(request, "commune", invalid="ignore")
    if commune_id not in {c.pk for c in communes}:
        commune_id = None
    q = request.GET.get("q", "")[:100]
    rows = selectors.affected_list(user=_u(request), incident=incident, q=q, commune_id=commune_id)
    personal = can(request.user, Capability.DOWNLOAD_PERSONAL_DATA)
    if wants_xlsx(request):
        if not personal:
            raise PermissionDenied("relief")
        filename = f"ho-bi-anh-huong-{incident.pk}.xlsx"
        section = print_tables.affected_section(list(rows))
        export_record(
            request=request,
            kind=ExportKind.AFFECTED_LIST,
            fmt="xlsx",
            rows=len(section.rows),
            detail=incident.name,
            filename=filename,
        )
        content = table_workbook(
            title=_("Households affected by %(name)s") % {"name": incident.name},
            scope=print_tables.scope_name(_u(request)),
            sections=[section],
            year=incident.start_date.year,
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "relief/incident_detail.html",
        {
            "incident": incident,
            "communes": communes,
            "commune_id": commune_id,
            "q": q,
            "page_obj": paginate(request, rows),
            "personal": personal,
            "manages": selectors.manages_province(user=_u(request), province=incident.province),
            "scope": print_tables.scope_name(_u(request)),
            "breadcrumbs": _crumbs((incident.name, None)),
        },
    )


@capability_required(MANAGE)  # type: ignore[arg-type]
@require_GET
def incident_attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    return attachment_response(incident.attachment, incident.attachment_name)


@capability_required(MANAGE)
@require_GET
def incident_totals(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    totals = selectors.totals(user=_u(request), incident=incident)
    title = _("Relief totals: %(name)s") % {"name": incident.name}
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"tong-hop-ho-tro-{incident.pk}.xlsx",
            title=title,
            scope=print_tables.scope_name(_u(request)),
            year=incident.start_date.year,
            sections=print_tables.totals_sections(totals),
        )
    return render(
        request,
        "relief/incident_totals.html",
        {
            "incident": incident,
            "totals": totals,
            "title": title,
            "scope": print_tables.scope_name(_u(request)),
            "breadcrumbs": _incident_crumbs(incident, (_("Totals"), None)),
        },
    )


# Affected households ----------------------------------------------------------------------------------------
@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def affected_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    search = HouseholdSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    household_id = parse_id(request.POST.get("household") or request.GET.get("household"))
    household = (
        get_or_404(selectors.access_pickable_household, user=_u(request), household_id=household_id)
        if household_id
        else None
    )
    form = AffectedForm(request.POST or None, initial={"dead": 0, "injured": 0})
    if request.method == "POST":
        if household is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            affected = submit(
                form,
                lambda: services.affected_create(
                    incident=incident, household=household, acting_user=_u(request), **data
                ),
            )
            if affected is not None:
                messages.success(
                    request, _("The household was recorded. Now record the support it received.")
                )
                return redirect("relief:affected-detail", pk=affected.pk)
    return render(
        request,
        "relief/affected_form.html",
        {
            "incident": incident,
            "search": search,
            "q": q,
            "found": selectors.households_to_pick(user=_u(request), incident=incident, q=q) if q else [],
            "household": household,
            "form": form,
            "breadcrumbs": _incident_crumbs(incident, (_("Record an affected household"), None)),
        },
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def affected_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An affected household: its damage, the support it received, and the form to record more."""
    affected = get_or_404(selectors.access_affected_by_id, user=_u(request), affected_id=pk)
    form = SupportForm(request.POST or None, initial={"given_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        support = submit(
            form,
            lambda: services.support_create(
                incident=affected.incident, household=affected.household, acting_user=_u(request), **data
            ),
        )
        if support is not None:
            messages.success(request, _("The support was recorded."))
            return redirect("relief:affected-detail", pk=affected.pk)
    return render(
        request,
        "relief/affected_detail.html",
        {
            "affected": affected,
            "incident": affected.incident,
            "supports": selectors.support_list(user=_u(request), affected=affected),
            "form": form,
            "delete_form": VersionForm(initial={"version": affected.version}),
            "breadcrumbs": _incident_crumbs(affected.incident, (affected.household.head_name, None)),
        },
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def affected_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    affected = get_or_404(selectors.access_affected_by_id, user=_u(request), affected_id=pk)
    initial = {name: getattr(affected, name) for name in services.AFFECTED_FIELDS} | {
        "version": affected.version
    }
    initial["house"] = affected.house or ""
    form = AffectedForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.affected_update(
                affected=affected, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The damage was saved."))
            return redirect("relief:affected-detail", pk=affected.pk)
    return render(
        request,
        "relief/affected_form.html",
        {
            "incident": affected.incident,
            "affected": affected,
            "household": affected.household,
            "form": form,
            "breadcrumbs": _incident_crumbs(
                affected.incident,
                (affected.household.head_name, reverse("relief:affected-detail", args=[affected.pk])),
                (_("Edit"), None),
            ),
        },
    )


@capability_required(MANAGE)
@require_POST
def affected_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    affected = get_or_404(selectors.access_affected_by_id, user=_u(request), affected_id=pk)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.affected_delete(affected=affected, version=version, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("relief:affected-detail", pk=affected.pk)
    messages.success(request, _("The household was removed from the incident."))
    return redirect("relief:incident-detail", pk=affected.incident_id)


@capability_required(MANAGE)
@require_POST
def support_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    support = get_or_404(selectors.access_support_by_id, user=_u(request), support_id=pk)
    try:
        services.support_delete(support=support, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The support was removed."))
    return redirect("relief:affected-detail", pk=support.affected_id)


# Follow-up --------------------------------------------------------------------------------------------------
def _follow_up_page(
    request: AuthenticatedRequest, *, incident: Incident | None, year: int | None
) -> HttpResponse:
    rows = selectors.follow_up(user=_u(request), incident=incident, year=year)
    personal = can(request.user, Capability.DOWNLOAD_PERSONAL_DATA)
    title = _("Households to follow up after disasters")
    if wants_xlsx(request):
        if not personal:
            raise PermissionDenied("relief")
        filename = f"ho-can-theo-doi-{incident.pk if incident else year}.xlsx"
        section = print_tables.follow_up_section(rows)
        export_record(
            request=request,
            kind=ExportKind.HOUSEHOLD_LIST,
            fmt="xlsx",
            rows=len(rows),
            detail=title,
            filename=filename,
        )
        content = table_workbook(
            title=title, scope=print_tables.scope_name(_u(request)), sections=[section], year=year
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    crumbs = (
        _incident_crumbs(incident, (_("Follow-up"), None)) if incident else _crumbs((_("Follow-up"), None))
    )
    return render(
        request,
        "relief/follow_up.html",
        {
            "incident": incident,
            "year": year,
            "years": selectors.incident_years(user=_u(request)),
            "rows": rows,
            "waiting": [r.affected.pk for r in rows if r.request is None or r.request.status != "pending"],
            "threshold": selectors.follow_up_loss(),
            "personal": personal,
            "title": title,
            "scope": print_tables.scope_name(_u(request)),
            "breadcrumbs": crumbs,
        },
    )


@capability_required(MANAGE)
@require_GET
def follow_up_incident(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_or_404(selectors.access_incident_by_id, user=_u(request), incident_id=pk)
    return _follow_up_page(request, incident=incident, year=None)


@capability_required(MANAGE)
@require_GET
def follow_up_year(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore") or current_year()
    return _follow_up_page(request, incident=None, year=year)


@capability_required(MANAGE)
@require_POST
def follow_up_request(request: AuthenticatedRequest) -> HttpResponse:
    """Put the households ticked (or one) on the in-year review."""
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("affected")) if i is not None]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("relief:follow-up")
    rows = selectors.follow_up_affected(user=_u(request), affected_ids=ids)
    if not ids or len(rows) != len(set(ids)):
        raise Http404
    try:
        filed = services.follow_up_request(affected=rows, filed_on=selectors.today(), acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(count)s household(s) put on the in-year review.") % {"count": len(filed)},
        )
    return redirect(back or reverse("relief:follow-up"))


# The household card -----------------------------------------------------------------------------------------
@require_GET
def household_relief(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The relief section of a household card (loaded into the card by htmx)."""
    if not (can(request.user, Capability.VIEW_HOUSEHOLDS) or can(request.user, MANAGE)):
        raise PermissionDenied("relief")
    rows = get_or_404(selectors.household_relief, user=_u(request), household_id=pk)
    return render(
        request,
        "relief/_household_relief.html",
        {"rows": rows, "can_manage": can(request.user, MANAGE)},
    )
