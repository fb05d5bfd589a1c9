"""Pages of the household registry: list and search, export, household card, household and member forms,
member history. Reads go through ``selectors`` (scoped to the user), writes through ``services``."""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.paging import paginate_capped
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.geo.selectors import commune_to_pick, communes_to_pick, village_list, villages_to_pick
from giamngheo.poverty.ages import age_on
from giamngheo.poverty.standard import StandardError, get_standard

from . import exports, selectors, services
from .engine import missing_facts
from .forms import HouseholdFilterForm, HouseholdForm, MemberForm, indicator_names, indicator_standard
from .models import Household, Member
from .reference import Category, Device, Relationship

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

# Fields of a member's history that are bookkeeping, not facts about the person.
HISTORY_HIDDEN = ["id", "household", "version", "created_at", "updated_at"]


def _vi() -> bool:
    return (get_language() or "vi").startswith("vi")


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Households"), reverse("households:household-list")), *tail]


def _household_crumbs(household: Household, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    url = reverse("households:household-list")
    return _crumbs(
        (household.commune.name, f"{url}?commune={household.commune_id}"),
        (household.village.name, f"{url}?commune={household.commune_id}&village={household.village_id}"),
        (household.code, reverse("households:household-detail", args=[household.pk])),
        *tail,
    )


def _engine_choices() -> list[tuple[str, str]]:
    """The household list's filter by the engine's result (not a field of the filter form)."""
    return [
        ("", _("All results")),
        *((str(value), str(label)) for value, label in Category.choices),
        (selectors.ENGINE_UNDETERMINED, _("Not enough information")),
    ]


def _filters(request: AuthenticatedRequest, form: HouseholdFilterForm) -> selectors.HouseholdFilters:
    """The form's filters and the engine's result (``?engine=``)."""
    engine = request.GET.get("engine", "")
    if engine not in {value for value, _label in _engine_choices()}:
        engine = ""
    return dataclasses.replace(form.filters(), engine=engine)


def _filter_form(request: AuthenticatedRequest) -> HouseholdFilterForm:
    user = request.user
    return HouseholdFilterForm(
        request.GET or None,
        communes=communes_to_pick(user=user),
        villages_of=lambda commune: villages_to_pick(user=user, commune=commune),
    )


# --- List, search, export ---------------------------------------------------------------------------

DIRECT_EXPORT_ROWS = 5_000
# A search shows at most this many matches (sorted), and asks for a narrower search beyond.
SEARCH_CAP = 500


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def household_list(request: AuthenticatedRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = _filters(request, form)
    households = selectors.household_list(user=request.user, filters=filters)
    capped = False
    if filters.q:
        found = paginate_capped(request, households, cap=SEARCH_CAP)
        page, capped = found.page, found.capped
    else:
        page = paginate(request, households)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "engine_choices": _engine_choices(),
        "engine": filters.engine,
        "page_obj": page,
        "capped": capped,
        "search_cap": SEARCH_CAP,
        "filtered": filters != selectors.HouseholdFilters(),
        "commune_id": filters.commune_id,
        "export_query": query.urlencode(),
        # Up to this many rows a file is made in the request; above, a background job makes it.
        "export_direct": not capped and page.paginator.count <= DIRECT_EXPORT_ROWS,
        "can_edit": can(request.user, Capability.EDIT_HOUSEHOLDS),
        "can_reclassify": can(request.user, Capability.MANAGE_REVIEW_ROUNDS),
        "breadcrumbs": [(_("Households"), None)],
    }
    template = "households/_household_table.html" if request.htmx else "households/household_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# The guard is typed for HttpResponse; this view streams (StreamingHttpResponse / FileResponse).
@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)  # type: ignore[arg-type]
@require_GET
def household_export(request: AuthenticatedRequest) -> HttpResponseBase:
    kind = request.GET.get("format", "")
    if kind not in ("xlsx", "csv"):
        raise BadRequest("format must be xlsx or csv")
    households = selectors.household_list(user=request.user, filters=_filters(request, _filter_form(request)))
    names = {i.key: i.name_vi for i in indicator_standard().indicators}
    rows = exports.household_rows(households, user=request.user, indicator_names=names)
    filename = f"ho-gia-dinh-{timezone.localdate():%Y%m%d}.{kind}"
    export_record(
        request=request, kind=ExportKind.HOUSEHOLD_LIST, fmt=kind, rows=households.count(), filename=filename
    )
    if kind == "csv":
        response = StreamingHttpResponse(exports.csv_stream(rows), content_type=exports.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        exports.write_xlsx(rows),
        as_attachment=True,
        filename=filename,
        content_type=exports.XLSX_CONTENT_TYPE,
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def village_options(request: AuthenticatedRequest) -> HttpResponse:
    """The <option>s of the village select for a commune in scope (htmx, when the commune changes)."""
    commune_id = int_param(request, "commune", invalid="ignore")
    commune = commune_to_pick(user=request.user, commune_id=commune_id) if commune_id else None
    return render(
        request,
        "households/_village_options.html",
        {
            "villages": villages_to_pick(user=request.user, commune=commune) if commune is not None else [],
            "for_filter": request.GET.get("purpose") == "filter",
        },
    )


# --- Household card ---------------------------------------------------------------------------------


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def household_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = get_or_404(selectors.household_with_members, user=request.user, household_id=pk)
    # The assessments (a higher layer's model) through the reverse relation of this visible household.
    prefetch_related_objects([household], "assessments__round")
    assessments = sorted(household.assessments.all(), key=lambda a: a.round.year, reverse=True)
    today = timezone.localdate()
    members = [
        {
            "member": m,
            "age": age_on(m.date_of_birth, today),
            "national_id": selectors.shown_national_id(user=request.user, number=m.national_id),
        }
        for m in household.members.all()
    ]
    names = indicator_names()
    deprived = [names.get(k, k) for k in household.deprived_keys.strip("|").split("|") if k]
    devices = [Device(d).label for d in household.devices or [] if d in Device.values]
    # What is missing to classify the household, under the standard of its engine result.
    try:
        standard = (
            get_standard(household.engine_standard) if household.engine_standard else indicator_standard()
        )
    except StandardError:
        standard = indicator_standard()
    missing = missing_facts(household, household.members.all(), standard=standard, on=today, vietnamese=_vi())
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": members,
            "assessments": assessments,
            "latest": assessments[0] if assessments else None,
            "deprived": deprived,
            "devices": devices,
            "missing": missing,
            "missing_standard": standard,
            "income_missing": household.income_per_capita is None,
            "undetermined": bool(household.engine_standard) and not household.engine_category,
            "vi": _vi(),
            "can_edit": can(request.user, Capability.EDIT_HOUSEHOLDS),
            "breadcrumbs": _household_crumbs(household),
        },
    )


# --- Household forms --------------------------------------------------------------------------------


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_create(request: AuthenticatedRequest) -> HttpResponse:
    communes = communes_to_pick(user=request.user)
    initial: dict[str, Any] = {}
    commune_id = int_param(request, "commune", invalid="ignore")
    if commune_id is not None:
        initial["commune"] = commune_id
    else:
        only = list(communes[:2])
        if len(only) == 1:
            initial["commune"] = only[0].pk
    form = HouseholdForm(
        request.POST or None,
        communes=communes,
        villages=villages_to_pick(user=request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        household = submit(
            form,
            lambda: services.household_create(
                commune=form.cleaned_data["commune"], data=form.service_data(), acting_user=request.user
            ),
        )
        if household is not None:
            messages.success(
                request,
                _("Household %(code)s was created. Now add its members, starting with the head.")
                % {"code": household.code},
            )
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "households/household_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New household"), None))},
    )


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = get_or_404(selectors.access_household_by_id, user=request.user, household_id=pk)
    villages = village_list(user=request.user, commune=household.commune).filter(
        Q(is_active=True) | Q(pk=household.village_id)
    )
    # The form fills a copy: the page keeps showing the saved household if the service refuses.
    form = HouseholdForm(request.POST or None, instance=copy.copy(household), villages=villages)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form,
            lambda: services.household_update(
                household=household,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The household was saved."))
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "households/household_form.html",
        {
            "form": form,
            "household": household,
            "listed_persons": _listed_persons(household),
            "breadcrumbs": _household_crumbs(household, (_("Edit"), None)),
        },
    )


# --- Member forms and history -----------------------------------------------------------------------


def _listed_persons(household: Household) -> int:
    """The members who live in the household (for the member list of the form pages)."""
    return household.members.filter(is_active=True).count()


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def member_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = get_or_404(selectors.household_with_members, user=request.user, household_id=pk)
    initial: dict[str, Any] = {"ethnic_group": household.ethnic_group}
    if not any(m.relationship == Relationship.HEAD and m.is_active for m in household.members.all()):
        initial.update(relationship=Relationship.HEAD, full_name=household.head_name)
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = submit(
            form,
            lambda: services.member_create(
                household=household, data=form.service_data(), acting_user=request.user
            ),
        )
        if member is not None:
            messages.success(request, _("%(name)s was added.") % {"name": member.full_name})
            if "add_another" in request.POST:
                return redirect("households:member-create", pk=household.pk)
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "households/member_form.html",
        {
            "form": form,
            "household": household,
            "listed_persons": _listed_persons(household),
            "breadcrumbs": _household_crumbs(household, (_("Add member"), None)),
        },
    )


@capability_required(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def member_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    member = get_or_404(selectors.access_member_by_id, user=request.user, member_id=pk)
    household = member.household
    form = MemberForm(request.POST or None, instance=copy.copy(member))
    if not can(request.user, Capability.VIEW_PERSONAL_IDS):
        del form.fields["national_id"]  # never put a number the user may not see into the page
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form,
            lambda: services.member_update(
                member=member,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The member was saved."))
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "households/member_form.html",
        {
            "form": form,
            "household": household,
            "member": member,
            "listed_persons": _listed_persons(household),
            "breadcrumbs": _household_crumbs(household, (member.full_name, None), (_("Edit"), None)),
        },
    )


def _shown(user: User, field: Any, value: Any) -> str:
    """A historical value as the user may see it."""
    if value is None or value == "":
        return "—"
    if field.name == "national_id":
        return selectors.shown_national_id(user=user, number=value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "isoformat") and not hasattr(value, "hour"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _history_entries(user: User, records: list[Any]) -> list[dict[str, Any]]:
    """Newest first: each version with the fields that changed from the version before it."""
    kinds = {"+": _("Recorded"), "~": _("Changed"), "-": _("Deleted")}
    meta = Member._meta
    entries = []
    for i, record in enumerate(records):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN)
            for change in delta.changes:
                field = meta.get_field(change.field)
                old, new = _shown(user, field, change.old), _shown(user, field, change.new)
                if change.field == "date_of_birth":  # the year alone when only the year is known
                    old = str(change.old.year) if change.old and previous.birth_year_only else old
                    new = str(change.new.year) if change.new and record.birth_year_only else new
                changes.append(
                    {
                        "label": capfirst(str(getattr(field, "verbose_name", change.field))),
                        "old": old,
                        "new": new,
                    }
                )
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "kind": kinds.get(record.history_type, record.history_type),
                "created": previous is None,
                "changes": changes,
            }
        )
    return entries


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def member_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    member = get_or_404(selectors.access_member_by_id, user=request.user, member_id=pk)
    records = list(selectors.member_history(user=request.user, member=member))
    household = member.household
    return render(
        request,
        "households/member_history.html",
        {
            "member": member,
            "household": household,
            "page_obj": paginate(request, _history_entries(request.user, records)),
            "breadcrumbs": _household_crumbs(household, (member.full_name, None), (_("History"), None)),
        },
    )
