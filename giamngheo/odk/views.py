"""ODK Central pages: connections (list, create, edit, delete), a connection with its past pulls, and the
start of a pull (a background job; its submissions land in the household import's mapping page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, submit

from . import selectors, services
from .forms import ConnectionForm

CAPABILITY = Capability.EDIT_HOUSEHOLDS  # the household import's capability: a pull ends in an import


@capability_required(CAPABILITY)
@require_GET
def connection_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "odk/connection_list.html",
        {
            "connections": selectors.connection_list(user=request.user),
            "breadcrumbs": [(_("ODK Central"), None)],
        },
    )


@capability_required(CAPABILITY)
@require_http_methods(["GET", "POST"])
def connection_create(request: AuthenticatedRequest) -> HttpResponse:
    communes = selectors.pull_communes(user=request.user)
    form = ConnectionForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        created = submit(
            form,
            lambda: services.connection_create(
                acting_user=request.user,
                data=form.data_for_service(),
                password=form.cleaned_data["password"],
            ),
        )
        if created is not None:
            messages.success(request, _("The connection was saved."))
            return redirect("odk:connection-detail", pk=created.pk)
    return render(
        request,
        "odk/connection_form.html",
        {
            "form": form,
            "title": _("New ODK Central connection"),
            "breadcrumbs": [(_("ODK Central"), reverse("odk:connection-list")), (_("New connection"), None)],
        },
    )


@capability_required(CAPABILITY)
@require_http_methods(["GET", "POST"])
def connection_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    connection = get_or_404(selectors.access_connection_by_id, user=request.user, connection_id=pk)
    communes = selectors.pull_communes(user=request.user)
    initial = {
        "name": connection.name,
        "commune": connection.commune,
        "base_url": connection.base_url,
        "project_id": connection.project_id,
        "form_id": connection.form_id,
        "email": connection.email,
        "password_env": connection.password_env,
    }
    form = ConnectionForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = submit(
            form,
            lambda: services.connection_update(
                acting_user=request.user,
                connection_id=connection.pk,
                data=form.data_for_service(),
                password=form.cleaned_data["password"],
            ),
        )
        if updated is not None:
            messages.success(request, _("The connection was saved."))
            return redirect("odk:connection-detail", pk=updated.pk)
    return render(
        request,
        "odk/connection_form.html",
        {
            "form": form,
            "connection": connection,
            "title": _("Edit the ODK Central connection"),
            "breadcrumbs": [
                (_("ODK Central"), reverse("odk:connection-list")),
                (connection.name, reverse("odk:connection-detail", args=[connection.pk])),
                (_("Edit"), None),
            ],
        },
    )


@capability_required(CAPABILITY)
@require_GET
def connection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    connection = get_or_404(selectors.access_connection_by_id, user=request.user, connection_id=pk)
    return render(
        request,
        "odk/connection_detail.html",
        {
            "connection": connection,
            "pulls": selectors.pull_list(user=request.user, connection=connection)[:100],
            "pulled": selectors.pulled_count(connection=connection),
            "breadcrumbs": [(_("ODK Central"), reverse("odk:connection-list")), (connection.name, None)],
        },
    )


@capability_required(CAPABILITY)
@require_POST
def connection_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    connection = get_or_404(selectors.access_connection_by_id, user=request.user, connection_id=pk)
    back = reverse("odk:connection-detail", args=[connection.pk])
    asked = confirmation_page(
        request, question=_("Delete this connection and its stored password?"), cancel_url=back
    )
    if asked is not None:
        return asked
    try:
        services.connection_delete(acting_user=request.user, connection_id=connection.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("The connection was deleted."))
    return redirect("odk:connection-list")


@capability_required(CAPABILITY)
@require_POST
def pull_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    connection = get_or_404(selectors.access_connection_by_id, user=request.user, connection_id=pk)
    try:
        services.pull_start(acting_user=request.user, connection_id=connection.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The pull started: its progress is below."))
    return redirect("odk:connection-detail", pk=connection.pk)
