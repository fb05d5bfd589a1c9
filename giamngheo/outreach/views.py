"""Pages of communication activities and of the good models' catalogue: thin views over
``outreach.selectors`` and ``outreach.services``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.attachments import attachment_response
from giamngheo.core.errors import ApplicationError
from giamngheo.core.uploads import refused_upload_size, upload_limit
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import table_download, wants_xlsx
from giamngheo.geo.selectors import current_year

from . import print_tables, selectors, services
from .forms import ActivityForm, FileForm, GoodModelForm, ReplicationForm, VersionForm
from .models import ActivityKind, ModelField

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Activity, GoodModel


def _u(request: AuthenticatedRequest) -> User:
    return request.user


ACTIVITY_READERS = (Capability.MANAGE_OUTREACH, Capability.VIEW_TABLES)


def activities_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Activities are read by those who record them and those who read the figures."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not any(can(request.user, c) for c in ACTIVITY_READERS):
            raise PermissionDenied("outreach")
        return view(request, *args, **kwargs)

    return wrapper


def _tabs(request: AuthenticatedRequest, active: str) -> dict[str, Any]:
    return {
        "tab": active,
        "sees_activities": any(can(request.user, c) for c in ACTIVITY_READERS),
        "can_manage": can(request.user, Capability.MANAGE_OUTREACH),
    }


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Communication and good models"), reverse("outreach:model-list")), *tail]


def _activity_crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((_("Communication activities"), reverse("outreach:activity-list")), *tail)


def _delete(
    request: AuthenticatedRequest, delete: Callable[[Any], None], *, refused: str, done: str, message: str
) -> HttpResponse:
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        delete(version)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(refused)
    messages.success(request, message)
    return redirect(done)


def _remove(
    request: AuthenticatedRequest, remove: Callable[[], None], *, back: str, message: str
) -> HttpResponse:
    try:
        remove()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, message)
    return redirect(back)


# Activities -------------------------------------------------------------------------------------------------
def _activity_filters(request: AuthenticatedRequest) -> selectors.ActivityFilters:
    kind = request.GET.get("kind", "")
    return selectors.ActivityFilters(
        kind=kind if kind in ActivityKind.values else "",
        year=int_param(request, "year", maximum=2100, invalid="ignore"),
        commune_id=int_param(request, "commune", invalid="ignore"),
        q=request.GET.get("q", "")[:100],
    )


@activities_required
@require_GET
def activity_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = _activity_filters(request)
    rows = selectors.activity_list(user=_u(request), filters=filters)
    scope = selectors.scope_name(user=_u(request)) or _("All units")
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"hoat-dong-truyen-thong-{filters.year or 'tat-ca'}.xlsx",
            title=_("Communication activities"),
            scope=scope,
            year=filters.year,
            sections=[print_tables.activity_section(rows)],
        )
    return render(
        request,
        "outreach/activity_list.html",
        {
            **_tabs(request, "activities"),
            "page_obj": paginate(request, rows),
            "filters": filters,
            "kinds": ActivityKind.choices,
            "years": selectors.activity_years(user=_u(request)),
            "communes": selectors.communes_to_filter(user=_u(request)),
            "scope": scope,
            "filtered": bool(filters.kind or filters.year or filters.commune_id or filters.q.strip()),
            "breadcrumbs": _crumbs((_("Communication activities"), None)),
        },
    )


@activities_required
@require_GET
def activity_summary(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore") or current_year()
    commune_id = int_param(request, "commune", invalid="ignore")
    summary = selectors.activity_summary(user=_u(request), year=year, commune_id=commune_id)
    scope = selectors.scope_name(user=_u(request)) or _("All units")
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"tong-hop-truyen-thong-{year}.xlsx",
            title=_("Communication activities by type and quarter"),
            scope=scope,
            year=year,
            sections=print_tables.summary_sections(summary),
        )
    return render(
        request,
        "outreach/activity_summary.html",
        {
            **_tabs(request, "summary"),
            "summary": summary,
            "year": year,
            "commune_id": commune_id,
            "years": selectors.activity_years(user=_u(request)),
            "communes": selectors.communes_to_filter(user=_u(request)),
            "scope": scope,
            "breadcrumbs": _activity_crumbs((_("Summary"), None)),
        },
    )


def _activity_form(request: AuthenticatedRequest, activity: Activity | None = None) -> ActivityForm:
    initial: dict[str, Any]
    if activity is not None:
        initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS} | {
            "area": activity.area_id,
            "organiser_unit": activity.organiser_unit_id,
            "version": activity.version,
        }
    else:
        initial = {"funding": "project_6"}
    return ActivityForm(
        request.POST or None,
        request.FILES or None,
        places=selectors.places_to_pick(user=_u(request)),
        organisers=list(selectors.organisers_to_pick(user=_u(request))),
        editing=activity is not None,
        refused_size=refused_upload_size(request),
        initial=initial,
    )


def _activity_data(request: AuthenticatedRequest, form: ActivityForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    places = {a.pk: a for a in selectors.places_to_pick(user=_u(request))}
    area = places.get(data.pop("area"))
    if area is None:
        raise Http404
    data["area"] = area
    unit_id = data.pop("organiser_unit")
    data["organiser_unit"] = (
        get_or_404(selectors.access_organiser_by_id, user=_u(request), org_unit_id=unit_id)
        if unit_id
        else None
    )
    return data


@upload_limit("attachment")
@capability_required(Capability.MANAGE_OUTREACH)
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _activity_form(request)
    if request.method == "POST" and form.is_valid():
        data = _activity_data(request, form)
        upload = data.pop("file", None)
        activity = submit(
            form,
            lambda: services.activity_create(
                uploads=[upload] if upload else [], acting_user=_u(request), **data
            ),
        )
        if activity is not None:
            messages.success(request, _("The activity was recorded."))
            return redirect("outreach:activity-detail", pk=activity.pk)
    return render(
        request,
        "outreach/activity_form.html",
        {"form": form, "breadcrumbs": _activity_crumbs((_("New activity"), None))},
    )


@upload_limit("attachment")
@activities_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_or_404(selectors.access_activity_by_id, user=_u(request), activity_id=pk)
    may_manage = selectors.may_manage_area(user=_u(request), area=activity.area)
    file_form = FileForm(
        request.POST or None, request.FILES or None, refused_size=refused_upload_size(request), captions=False
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("activity")
        added = (
            submit(
                file_form,
                lambda: services.activity_file_add(
                    activity=activity, upload=file_form.cleaned_data["file"], acting_user=_u(request)
                ),
            )
            if file_form.is_valid()
            else None
        )
        if added is not None:
            messages.success(request, _("The file was attached."))
            return redirect("outreach:activity-detail", pk=activity.pk)
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "files": selectors.activity_files(activity=activity),
            "may_manage": may_manage,
            "file_form": file_form,
            "delete_form": VersionForm(initial={"version": activity.version}),
            "breadcrumbs": _activity_crumbs((activity.topic, None)),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
@require_http_methods(["GET", "POST"])
def activity_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_or_404(selectors.access_activity_by_id, user=_u(request), activity_id=pk)
    if not selectors.may_manage_area(user=_u(request), area=activity.area):
        raise PermissionDenied("activity")
    form = _activity_form(request, activity)
    if request.method == "POST" and form.is_valid():
        data = _activity_data(request, form)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.activity_update(
                activity=activity, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The activity was saved."))
            return redirect("outreach:activity-detail", pk=activity.pk)
    return render(
        request,
        "outreach/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "breadcrumbs": _activity_crumbs(
                (activity.topic, reverse("outreach:activity-detail", args=[activity.pk])), (_("Edit"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def activity_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_or_404(selectors.access_activity_by_id, user=_u(request), activity_id=pk)
    back = reverse("outreach:activity-detail", args=[activity.pk])
    asked = confirmation_page(request, question=_("Delete this activity and its files?"), cancel_url=back)
    if asked is not None:
        return asked
    return _delete(
        request,
        lambda version: services.activity_delete(activity=activity, version=version, acting_user=_u(request)),
        refused=back,
        done=reverse("outreach:activity-list"),
        message=_("The activity was deleted."),
    )


@activities_required
@require_GET
def activity_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    stored = get_or_404(selectors.access_activity_file_by_id, user=_u(request), file_id=pk)
    return attachment_response(stored.file, stored.name)


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def activity_file_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    stored = get_or_404(selectors.access_activity_file_by_id, user=_u(request), file_id=pk)
    back = reverse("outreach:activity-detail", args=[stored.activity_id])
    asked = confirmation_page(request, question=_("Remove this file?"), cancel_url=back)
    if asked is not None:
        return asked
    return _remove(
        request,
        lambda: services.activity_file_delete(stored=stored, acting_user=_u(request)),
        back=back,
        message=_("The file was removed."),
    )


# Good models ------------------------------------------------------------------------------------------------
@require_GET
def model_list(request: AuthenticatedRequest) -> HttpResponse:
    field = request.GET.get("field", "")
    filters = selectors.ModelFilters(
        field=field if field in ModelField.values else "",
        commune_id=int_param(request, "commune", invalid="ignore"),
        q=request.GET.get("q", "")[:100],
    )
    page_obj = paginate(request, selectors.good_model_list(user=_u(request), filters=filters), per_page=12)
    return render(
        request,
        "outreach/model_list.html",
        {
            **_tabs(request, "models"),
            "page_obj": page_obj,
            "covers": selectors.cover_photos(good_models=list(page_obj.object_list)),
            "filters": filters,
            "fields": ModelField.choices,
            "communes": selectors.model_communes(user=_u(request)),
            "filtered": bool(filters.field or filters.commune_id or filters.q.strip()),
            "breadcrumbs": [(_("Communication and good models"), None)],
        },
    )


def _model_communes(request: AuthenticatedRequest) -> list[Any]:
    return list(selectors.communes_to_filter(user=_u(request)))


def _model_form(request: AuthenticatedRequest, model: GoodModel | None = None) -> GoodModelForm:
    communes = _model_communes(request)
    by_id = {c.pk: c for c in communes}
    commune = None
    if model is not None:
        commune = model.commune
    elif request.method == "POST":
        commune = by_id.get(int_param(request, "commune", data=request.POST, invalid="ignore") or 0)
    elif len(communes) == 1:
        commune = communes[0]
    villages = list(selectors.villages_of(commune=commune)) if commune is not None else []
    initial: dict[str, Any] = {}
    if model is not None:
        initial = {name: getattr(model, name) for name in services.GOOD_MODEL_FIELDS} | {
            "commune": model.commune_id,
            "village": model.village_id,
            "version": model.version,
        }
    return GoodModelForm(
        request.POST or None,
        request.FILES or None,
        communes=communes,
        villages=villages,
        editing=model is not None,
        refused_size=refused_upload_size(request),
        initial=initial,
    )


def _model_data(request: AuthenticatedRequest, form: GoodModelForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    by_id = {c.pk: c for c in _model_communes(request)}
    commune = by_id.get(data.pop("commune"))
    if commune is None:
        raise Http404
    data["commune"] = commune
    village_id = data.pop("village", None)
    villages = {v.pk: v for v in selectors.villages_of(commune=commune)}
    data["village"] = villages.get(village_id) if village_id else None
    if village_id and data["village"] is None:
        form.add_error("village", _("The village is not in the model's commune."))
    return data


@upload_limit("attachment")
@capability_required(Capability.MANAGE_OUTREACH)
@require_http_methods(["GET", "POST"])
def model_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _model_form(request)
    if request.method == "POST" and form.is_valid():
        data = _model_data(request, form)
        upload = data.pop("file", None)
        if form.is_valid():
            model = submit(
                form,
                lambda: services.good_model_create(
                    uploads=[upload] if upload else [], acting_user=_u(request), **data
                ),
            )
            if model is not None:
                messages.success(request, _("The good model was recorded."))
                return redirect("outreach:model-detail", pk=model.pk)
    return render(
        request,
        "outreach/model_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New good model"), None))},
    )


@upload_limit("attachment")
@require_http_methods(["GET", "POST"])
def model_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    model = get_or_404(selectors.access_good_model_by_id, user=_u(request), good_model_id=pk)
    may_edit = selectors.may_edit_good_model(user=_u(request), good_model=model)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    file_form = FileForm(
        request.POST if which == "file" else None,
        request.FILES if which == "file" else None,
        refused_size=refused_upload_size(request) if which == "file" else 0,
    )
    communes = list(selectors.communes_of_province(province_id=model.commune.parent_id))
    replication_form = ReplicationForm(
        request.POST if which == "replication" else None,
        communes=communes,
        initial={"year": current_year()},
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("good model")
        if which == "file" and file_form.is_valid():
            if submit(
                file_form,
                lambda: services.good_model_file_add(
                    good_model=model,
                    upload=file_form.cleaned_data["file"],
                    caption=file_form.cleaned_data.get("caption", ""),
                    acting_user=_u(request),
                ),
            ):
                messages.success(request, _("The file was attached."))
                return redirect("outreach:model-detail", pk=model.pk)
        elif which == "replication" and replication_form.is_valid():
            data = dict(replication_form.cleaned_data)
            commune_id = data.pop("commune")
            commune = next((c for c in communes if c.pk == commune_id), None)
            if commune is None:
                raise Http404
            if submit(
                replication_form,
                lambda: services.replication_add(
                    good_model=model, commune=commune, acting_user=_u(request), **data
                ),
            ):
                messages.success(request, _("The replication was recorded."))
                return redirect("outreach:model-detail", pk=model.pk)
    files = selectors.good_model_files(good_model=model)
    return render(
        request,
        "outreach/model_detail.html",
        {
            "model": model,
            "photos": [f for f in files if f.is_image],
            "documents": [f for f in files if not f.is_image],
            "replications": selectors.replications(good_model=model),
            "field_label": selectors.field_label(model.field),
            "may_edit": may_edit,
            "file_form": file_form,
            "replication_form": replication_form,
            "delete_form": VersionForm(initial={"version": model.version}),
            "breadcrumbs": _crumbs((model.title, None)),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
@require_http_methods(["GET", "POST"])
def model_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    model = get_or_404(selectors.access_good_model_for_edit, user=_u(request), good_model_id=pk)
    form = _model_form(request, model)
    if request.method == "POST" and form.is_valid():
        data = _model_data(request, form)
        version = data.pop("version")
        saved = (
            submit(
                form,
                lambda: services.good_model_update(
                    good_model=model, data=data, version=version, acting_user=_u(request)
                ),
            )
            if form.is_valid()
            else None
        )
        if saved is not None:
            messages.success(request, _("The good model was saved."))
            return redirect("outreach:model-detail", pk=model.pk)
    return render(
        request,
        "outreach/model_form.html",
        {
            "form": form,
            "model": model,
            "breadcrumbs": _crumbs(
                (model.title, reverse("outreach:model-detail", args=[model.pk])), (_("Edit"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def model_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    model = get_or_404(selectors.access_good_model_for_edit, user=_u(request), good_model_id=pk)
    back = reverse("outreach:model-detail", args=[model.pk])
    asked = confirmation_page(
        request, question=_("Delete this good model, its photos and files?"), cancel_url=back
    )
    if asked is not None:
        return asked
    return _delete(
        request,
        lambda version: services.good_model_delete(
            good_model=model, version=version, acting_user=_u(request)
        ),
        refused=back,
        done=reverse("outreach:model-list"),
        message=_("The good model was deleted."),
    )


@require_GET
def model_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    stored = get_or_404(selectors.access_good_model_file_by_id, user=_u(request), file_id=pk)
    return attachment_response(stored.file, stored.name)


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def model_file_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    stored = get_or_404(selectors.access_good_model_file_for_edit, user=_u(request), file_id=pk)
    back = reverse("outreach:model-detail", args=[stored.good_model_id])
    asked = confirmation_page(request, question=_("Remove this file?"), cancel_url=back)
    if asked is not None:
        return asked
    return _remove(
        request,
        lambda: services.good_model_file_delete(stored=stored, acting_user=_u(request)),
        back=back,
        message=_("The file was removed."),
    )


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def replication_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    replication = get_or_404(selectors.access_replication_for_edit, user=_u(request), replication_id=pk)
    back = reverse("outreach:model-detail", args=[replication.good_model_id])
    asked = confirmation_page(request, question=_("Remove this replication?"), cancel_url=back)
    if asked is not None:
        return asked
    return _remove(
        request,
        lambda: services.replication_delete(replication=replication, acting_user=_u(request)),
        back=back,
        message=_("The replication was removed."),
    )
