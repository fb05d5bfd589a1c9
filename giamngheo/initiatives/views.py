"""Pages of initiatives (sáng kiến): thin views over ``initiatives.selectors`` and ``initiatives.services``
(docs/architecture.md)."""

from __future__ import annotations

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
from giamngheo.core.views import confirmation_page, form_error, get_or_404, int_param, paginate, submit
from giamngheo.geo.selectors import current_year

from . import selectors, services
from .forms import EvaluationForm, FileForm, InitiativeForm, VersionForm, author_formset
from .models import Field, InitiativeStatus

if TYPE_CHECKING:
    from django.forms import BaseFormSet

    from giamngheo.accounts.models import User

    from .forms import AuthorForm
    from .models import Initiative


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Initiatives"), reverse("initiatives:initiative-list")), *tail]


# List -------------------------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_EMULATION)
@require_GET
def initiative_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    field = request.GET.get("field", "")
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    q = request.GET.get("q", "")[:100]
    status = status if status in InitiativeStatus.values else ""
    field = field if field in Field.values else ""
    rows = selectors.initiative_list(user=_u(request), year=year, status=status, q=q, field=field)
    counts = selectors.status_counts(user=_u(request), year=year)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "page_obj": paginate(request, rows),
            "filters": {"year": year, "status": status, "field": field, "q": q},
            "statuses": InitiativeStatus.choices,
            "fields": Field.choices,
            "years": selectors.initiative_years(user=_u(request)),
            "status_tabs": [(value, label, counts[value]) for value, label in InitiativeStatus.choices],
            "filtered": bool(year or status or field or q.strip()),
            "can_submit": can(_u(request), Capability.TAKE_PART_EMULATION)
            and selectors.units_to_pick(user=_u(request)).exists(),
            "can_judge": can(_u(request), Capability.JUDGE_EMULATION),
            "breadcrumbs": [(_("Initiatives"), None)],
        },
    )


# Create and edit --------------------------------------------------------------------------------------------
def _author_initial(initiative: Initiative | None) -> list[dict[str, Any]]:
    if initiative is None:
        return []
    return [
        {"staff": a.staff_id, "name": "" if a.staff_id else a.name, "share": _share_text(a.share)}
        for a in selectors.authors(initiative=initiative)
    ]


def _share_text(share: Any) -> str:
    text = f"{share.normalize():f}" if share is not None else ""
    return text.replace(".", ",")


def _authors(
    request: AuthenticatedRequest, formset: BaseFormSet[AuthorForm]
) -> list[services.AuthorInput] | None:
    """The authors of a valid formset (blank rows skipped), or ``None`` when a row is invalid."""
    if not formset.is_valid():
        return None
    staff = {s.pk: s for s in selectors.staff_to_pick(user=_u(request))}
    result = []
    for form in formset.forms:
        if form.is_blank:
            continue
        staff_id = form.cleaned_data.get("staff")
        chosen = staff.get(staff_id) if staff_id else None
        if staff_id and chosen is None:
            raise Http404
        result.append(
            services.AuthorInput(
                share=form.cleaned_data.get("share"),
                staff=chosen,
                name="" if chosen else form.cleaned_data.get("name", ""),
            )
        )
    return result


def _unit(request: AuthenticatedRequest, unit_id: int) -> Any:
    unit = selectors.units_to_pick(user=_u(request)).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _form_page(
    request: AuthenticatedRequest,
    form: InitiativeForm,
    formset: BaseFormSet[AuthorForm],
    initiative: Initiative | None,
    authors_error: str = "",
) -> HttpResponse:
    crumbs = (
        _crumbs(
            (initiative.title, reverse("initiatives:initiative-detail", args=[initiative.pk])),
            (_("Edit"), None),
        )
        if initiative is not None
        else _crumbs((_("New initiative"), None))
    )
    return render(
        request,
        "initiatives/initiative_form.html",
        {
            "form": form,
            "formset": formset,
            "authors_error": authors_error,
            "initiative": initiative,
            "breadcrumbs": crumbs,
        },
    )


def _save(
    request: AuthenticatedRequest,
    form: InitiativeForm,
    formset: BaseFormSet[AuthorForm],
    call: Any,
) -> tuple[Initiative | None, str]:
    """Run the service for a valid form and authors; an error about the authors is returned to be shown
    above their table, any other next to its field."""
    authors = _authors(request, formset)
    if authors is None:
        return None, ""
    try:
        return call(authors), ""
    except ApplicationError as exc:
        if exc.extra.get("field") == "authors":
            return None, str(exc.message)
        form_error(form, exc)
        return None, ""


@upload_limit("attachment")
@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def initiative_create(request: AuthenticatedRequest) -> HttpResponse:
    units = list(selectors.units_to_pick(user=_u(request)))
    if not units:
        raise PermissionDenied("initiatives")
    form = InitiativeForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        refused_size=refused_upload_size(request),
        initial={"year": current_year(), "org_unit": units[-1].pk if len(units) == 1 else None},
    )
    formset = author_formset(request.POST or None, staff=selectors.staff_to_pick(user=_u(request)))
    authors_error = ""
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = dict(form.cleaned_data)
        unit = _unit(request, data.pop("org_unit"))
        upload = data.pop("file", None)
        initiative, authors_error = _save(
            request,
            form,
            formset,
            lambda authors: services.initiative_create(
                org_unit=unit,
                authors=authors,
                uploads=[upload] if upload else [],
                acting_user=_u(request),
                **data,
            ),
        )
        if initiative is not None:
            messages.success(
                request, _("The initiative was saved as a draft. Send it to the council when ready.")
            )
            return redirect("initiatives:initiative-detail", pk=initiative.pk)
    return _form_page(request, form, formset, None, authors_error)


def _editable(request: AuthenticatedRequest, pk: int) -> Initiative:
    initiative = get_or_404(selectors.access_initiative_by_id, user=_u(request), initiative_id=pk)
    if not selectors.may_edit(user=_u(request), initiative=initiative):
        raise PermissionDenied("initiative")
    return initiative


@capability_required(Capability.TAKE_PART_EMULATION)
@require_http_methods(["GET", "POST"])
def initiative_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    initial = {name: getattr(initiative, name) for name in services.INITIATIVE_FIELDS} | {
        "org_unit": initiative.org_unit_id,
        "version": initiative.version,
    }
    form = InitiativeForm(
        request.POST or None,
        units=list(selectors.units_to_pick(user=_u(request))),
        editing=True,
        initial=initial,
    )
    formset = author_formset(
        request.POST or None,
        staff=selectors.staff_to_pick(user=_u(request)),
        initial=_author_initial(initiative),
    )
    authors_error = ""
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = dict(form.cleaned_data)
        data["org_unit"] = _unit(request, data["org_unit"])
        version = data.pop("version")
        saved, authors_error = _save(
            request,
            form,
            formset,
            lambda authors: services.initiative_update(
                initiative=initiative, data=data, authors=authors, version=version, acting_user=_u(request)
            ),
        )
        if saved is not None:
            messages.success(request, _("The initiative was saved."))
            return redirect("initiatives:initiative-detail", pk=initiative.pk)
    return _form_page(request, form, formset, initiative, authors_error)


# Detail -----------------------------------------------------------------------------------------------------
@upload_limit("attachment")
@capability_required(Capability.VIEW_EMULATION)
@require_http_methods(["GET", "POST"])
def initiative_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    initiative = get_or_404(selectors.access_initiative_by_id, user=_u(request), initiative_id=pk)
    may_edit = selectors.may_edit(user=_u(request), initiative=initiative)
    file_form = FileForm(
        request.POST or None, request.FILES or None, refused_size=refused_upload_size(request)
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("initiative")
        added = (
            submit(
                file_form,
                lambda: services.initiative_file_add(
                    initiative=initiative, upload=file_form.cleaned_data["file"], acting_user=_u(request)
                ),
            )
            if file_form.is_valid()
            else None
        )
        if added is not None:
            messages.success(request, _("The file was attached."))
            return redirect("initiatives:initiative-detail", pk=initiative.pk)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "authors": selectors.authors(initiative=initiative),
            "files": selectors.files(initiative=initiative),
            "use": selectors.use_of(initiative=initiative),
            "history": selectors.history(initiative=initiative),
            "may_edit": may_edit,
            "may_delete": may_edit
            and initiative.status == InitiativeStatus.DRAFT
            and initiative.submitted_at is None,
            "may_evaluate": selectors.may_evaluate(user=_u(request), initiative=initiative),
            "file_form": file_form,
            "version_form": VersionForm(initial={"version": initiative.version}),
            "breadcrumbs": _crumbs((initiative.title, None)),
        },
    )


def _post_action(
    request: AuthenticatedRequest, initiative: Initiative, call: Any, *, done: str, message: str
) -> HttpResponse:
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        call(version)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("initiatives:initiative-detail", pk=initiative.pk)
    messages.success(request, message)
    return redirect(done)


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def initiative_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    back = reverse("initiatives:initiative-detail", args=[initiative.pk])
    asked = confirmation_page(
        request,
        question=_(
            "Send this initiative to the council? It cannot be changed while the council evaluates it."
        ),
        cancel_url=back,
    )
    if asked is not None:
        return asked
    return _post_action(
        request,
        initiative,
        lambda version: services.initiative_submit(
            initiative=initiative, version=version, acting_user=_u(request)
        ),
        done=back,
        message=_("The initiative was sent to the council."),
    )


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def initiative_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    back = reverse("initiatives:initiative-detail", args=[initiative.pk])
    asked = confirmation_page(request, question=_("Delete this draft initiative?"), cancel_url=back)
    if asked is not None:
        return asked
    return _post_action(
        request,
        initiative,
        lambda version: services.initiative_delete(
            initiative=initiative, version=version, acting_user=_u(request)
        ),
        done=reverse("initiatives:initiative-list"),
        message=_("The initiative was deleted."),
    )


# Evaluation -------------------------------------------------------------------------------------------------
@capability_required(Capability.JUDGE_EMULATION)
@require_http_methods(["GET", "POST"])
def initiative_evaluate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    initiative = get_or_404(selectors.access_initiative_by_id, user=_u(request), initiative_id=pk)
    if not selectors.may_evaluate(user=_u(request), initiative=initiative):
        messages.error(request, _("Only an initiative sent to the council can be evaluated."))
        return redirect("initiatives:initiative-detail", pk=initiative.pk)
    form = EvaluationForm(
        request.POST or None,
        initial={"version": initiative.version, "evaluation": initiative.evaluation, "level": "grassroots"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done = submit(
            form,
            lambda: services.initiative_evaluate(
                initiative=initiative, version=version, acting_user=_u(request), **data
            ),
        )
        if done is not None:
            done_messages: dict[str, str] = {
                InitiativeStatus.RECOGNISED: _("The initiative was recognised."),
                InitiativeStatus.NOT_RECOGNISED: _("The initiative was not recognised."),
            }
            messages.success(
                request, done_messages.get(done.status, _("The initiative was returned to its unit."))
            )
            return redirect("initiatives:initiative-detail", pk=initiative.pk)
    return render(
        request,
        "initiatives/initiative_evaluate.html",
        {
            "form": form,
            "initiative": initiative,
            "authors": selectors.authors(initiative=initiative),
            "files": selectors.files(initiative=initiative),
            "breadcrumbs": _crumbs(
                (initiative.title, reverse("initiatives:initiative-detail", args=[initiative.pk])),
                (_("Evaluate"), None),
            ),
        },
    )


# Files ------------------------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_EMULATION)  # type: ignore[arg-type]
@require_GET
def initiative_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    stored = get_or_404(selectors.access_initiative_file_by_id, user=_u(request), file_id=pk)
    return attachment_response(stored.file, stored.name)


@capability_required(Capability.TAKE_PART_EMULATION)
@require_POST
def initiative_file_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    stored = get_or_404(selectors.access_initiative_file_by_id, user=_u(request), file_id=pk)
    if not selectors.may_edit(user=_u(request), initiative=stored.initiative):
        raise PermissionDenied("initiative")
    back = reverse("initiatives:initiative-detail", args=[stored.initiative_id])
    asked = confirmation_page(request, question=_("Remove this file?"), cancel_url=back)
    if asked is not None:
        return asked
    try:
        services.initiative_file_delete(stored=stored, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("The file was removed."))
    return redirect(back)
