"""Pages of the department's documents: thin views over ``officedocs.selectors`` and ``services``; the files
built by ``generator`` (data) → ``formatter`` (DOCX) / ``annex`` (XLSX), each download logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core import docformat
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ApplicationError
from giamngheo.core.exports import export_record
from giamngheo.core.views import confirmation_page, get_or_404, int_param, paginate, submit

from . import annex, formatter, generator, selectors, services
from .choices import DocumentKind, DocumentStatus, TableKey
from .forms import DocumentCreateForm, DocumentForm, IssueForm, ReopenForm, SectionFormSet

if TYPE_CHECKING:
    from .models import OfficialDocument

# The export log has no kind of its own for these files yet: they are summary tables of the department.
EXPORT_KIND = ExportKind.OFFICIAL_DOCUMENT


def read_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not (
            can(request.user, Capability.WRITE_DOCUMENTS) or can(request.user, Capability.VIEW_EMULATION)
        ):
            raise PermissionDenied("officedocs")
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Official documents"), reverse("officedocs:document-list")), *tail]


def _doc_crumbs(document: OfficialDocument, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    label = f"{document.get_kind_display()} {document.year}"
    return _crumbs((label, reverse("officedocs:document-detail", args=[document.pk])), *tail)


def _detail(document: OfficialDocument) -> HttpResponse:
    return redirect(reverse("officedocs:document-detail", args=[document.pk]))


def _document(request: AuthenticatedRequest, pk: int) -> OfficialDocument:
    return get_or_404(selectors.access_document_by_id, user=request.user, document_id=pk)


# List, create, detail ---------------------------------------------------------------------------------------
@read_required
@require_GET
def document_list(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    kind = request.GET.get("kind", "")
    kind = kind if kind in DocumentKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    documents = selectors.document_list(user=request.user, year=year, kind=kind, q=q)
    return render(
        request,
        "officedocs/document_list.html",
        {
            "page_obj": paginate(request, documents),
            "year": year,
            "kind": kind,
            "q": q,
            "years": selectors.document_years(user=request.user),
            "kinds": DocumentKind.choices,
            "can_write": can(request.user, Capability.WRITE_DOCUMENTS),
            "breadcrumbs": [(_("Official documents"), None)],
        },
    )


@capability_required(Capability.WRITE_DOCUMENTS)
@require_http_methods(["GET", "POST"])
def document_create(request: AuthenticatedRequest) -> HttpResponse:
    departments = selectors.departments_to_pick(user=request.user)
    initial = {"year": timezone.localdate().year, "kind": DocumentKind.FINAL_REPORT}
    form = DocumentCreateForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = {d.pk: d for d in departments}[form.cleaned_data["org_unit"]]
        document = submit(
            form,
            lambda: services.document_create(
                org_unit=chosen,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                acting_user=request.user,
            ),
        )
        if document is not None:
            messages.success(request, _("The draft has been written from the data: check and edit it."))
            return _detail(document)
    return render(
        request,
        "officedocs/document_create.html",
        {
            "form": form,
            "departments": departments,
            "breadcrumbs": _crumbs((_("New document"), None)),
        },
    )


@read_required
@require_GET
def document_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    can_write = can(request.user, Capability.WRITE_DOCUMENTS)
    return render(
        request,
        "officedocs/document_detail.html",
        {
            "document": document,
            "sections": selectors.sections_of(document=document),
            "number": generator.number_text(document.number, document.symbol),
            "table_names": dict(TableKey.choices),
            "can_write": can_write,
            "is_draft": document.status == DocumentStatus.DRAFT,
            "issue_form": IssueForm(initial={"version": document.version}) if can_write else None,
            "reopen_form": ReopenForm(initial={"version": document.version}) if can_write else None,
            "breadcrumbs": _doc_crumbs(document),
        },
    )


# Editing ----------------------------------------------------------------------------------------------------
def _section_initial(document: OfficialDocument) -> list[dict[str, Any]]:
    return [
        {"heading": s.heading, "text": s.text, "tables": s.table_keys}
        for s in selectors.sections_of(document=document)
    ]


@capability_required(Capability.WRITE_DOCUMENTS)
@require_http_methods(["GET", "POST"])
def document_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if document.status != DocumentStatus.DRAFT:
        messages.error(request, _("The document has been issued: reopen it before changing it."))
        return _detail(document)
    fields = {name: getattr(document, name) for name in services.EDIT_FIELDS}
    form = DocumentForm(request.POST or None, initial={**fields, "version": document.version})
    sections = SectionFormSet(request.POST or None, initial=_section_initial(document), prefix="s")
    if request.method == "POST" and form.is_valid() and sections.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDIT_FIELDS}
        rows = [f.cleaned_data for f in sections.forms if f.cleaned_data]
        saved = submit(
            form,
            lambda: services.document_update(
                document=document,
                data=data,
                sections=rows,
                version=form.cleaned_data["version"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The document has been saved."))
            return _detail(saved)
    return render(
        request,
        "officedocs/document_form.html",
        {
            "document": document,
            "form": form,
            "sections": sections,
            "breadcrumbs": _doc_crumbs(document, (_("Edit"), None)),
        },
    )


def _version(request: AuthenticatedRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@capability_required(Capability.WRITE_DOCUMENTS)
@require_POST
def document_redraft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    asked = confirmation_page(
        request,
        question=_("Write the narrative again from the data? Your edits to it will be replaced."),
        cancel_url=reverse("officedocs:document-detail", args=[document.pk]),
    )
    if asked is not None:
        return asked
    try:
        services.document_redraft(document=document, version=_version(request), acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The narrative has been written again from the data."))
    return _detail(document)


@capability_required(Capability.WRITE_DOCUMENTS)
@require_POST
def document_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _detail(document)
    try:
        services.document_issue(
            document=document,
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            version=form.cleaned_data["version"],
            acting_user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The document has been issued."))
    return _detail(document)


@capability_required(Capability.WRITE_DOCUMENTS)
@require_POST
def document_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for reopening."))
        return _detail(document)
    try:
        services.document_reopen(
            document=document,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            acting_user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The document is a draft again."))
    return _detail(document)


@capability_required(Capability.WRITE_DOCUMENTS)
@require_POST
def document_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    asked = confirmation_page(
        request,
        question=_("Delete this draft? This cannot be undone."),
        cancel_url=reverse("officedocs:document-detail", args=[document.pk]),
    )
    if asked is not None:
        return asked
    try:
        services.document_delete(document=document, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _detail(document)
    messages.success(request, _("The draft has been deleted."))
    return redirect(reverse("officedocs:document-list"))


# Preview and files ------------------------------------------------------------------------------------------
@capability_required(Capability.WRITE_DOCUMENTS)
@require_GET
def document_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    data = generator.document_data(user=request.user, document=document)
    tables = [
        {
            "table": t,
            "rows": [[formatter.cell(v) for v in row] for row in t.rows],
            "total": [formatter.cell(v) if v not in (None, "") else "" for v in t.total] if t.total else None,
        }
        for t in data.all_tables()
    ]
    return render(
        request,
        "officedocs/document_preview.html",
        {
            "document": document,
            "data": data,
            "tables": tables,
            "breadcrumbs": _doc_crumbs(document, (_("Tables"), None)),
        },
    )


def _download(
    request: AuthenticatedRequest,
    document: OfficialDocument,
    content: bytes,
    name: str,
    fmt: str,
    ctype: str,
    rows: int,
) -> HttpResponse:
    export_record(
        request=request,
        kind=EXPORT_KIND,
        fmt=fmt,
        filters={"document": document.pk},
        rows=rows,
        detail=f"{document.get_kind_display()} {document.year}: {document.title}",
        filename=name,
    )
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@capability_required(Capability.WRITE_DOCUMENTS)
@require_GET
def document_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    data = generator.document_data(user=request.user, document=document)
    return _download(
        request,
        document,
        formatter.render(data),
        formatter.filename(data),
        "docx",
        docformat.CONTENT_TYPE,
        sum(len(t.rows) for t in data.all_tables()),
    )


@capability_required(Capability.WRITE_DOCUMENTS)
@require_GET
def document_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    data = generator.document_data(user=request.user, document=document)
    return _download(
        request,
        document,
        annex.workbook(data),
        annex.filename(data),
        "xlsx",
        annex.CONTENT_TYPE,
        sum(len(t.rows) for t in data.all_tables()),
    )
