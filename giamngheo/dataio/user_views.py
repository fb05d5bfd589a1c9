"""Pages of the user import (``user_import``): upload and check (nothing written; the file is kept for the
import, private to the server, named in the session), import (one transaction), the result sheet with
the one-time password links, the template. Administrators only (``MANAGE_USERS``)."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts import selectors as account_selectors
from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability, Role
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.uploads import refused_upload_size, upload_limit

from .user_import import check_user_file, import_users, write_result_sheet, write_user_template
from .views import XLSX

SESSION_FILE = "gn_user_import_file"
SESSION_RESULT = "gn_user_import_result"
SUFFIXES = (".xlsx", ".csv")


class UserImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Our template (xlsx) or a CSV file with the same columns."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv,text/csv"}),
    )

    def __init__(self, *args: Any, refused_size: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        if refused_size:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        size = self.refused_size or upload.size
        if size > settings.UPLOAD_MAX_BYTES["user_import"]:
            raise forms.ValidationError(_("File: the file is too large for a list of accounts."))
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("File: use an .xlsx or .csv file."))
        return upload


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "user_import"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _kept_file(request: AuthenticatedRequest) -> Path | None:
    name = request.session.get(SESSION_FILE)
    if not isinstance(name, str) or "/" in name or not name:
        return None
    path = _folder() / name
    return path if path.is_file() else None


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Users"), reverse("web:user-list")), *tail]


@upload_limit("user_import")
@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload and check: every line's errors, or the accounts that would be created."""
    form = UserImportForm(request.POST or None, request.FILES or None)
    if refused_upload_size(request):
        form = UserImportForm(request.POST, refused_size=refused_upload_size(request))
    check = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        old = _kept_file(request)
        if old is not None:
            old.unlink(missing_ok=True)
        name = secrets.token_hex(16) + Path(upload.name).suffix.lower()
        path = _folder() / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        path.chmod(0o600)
        check = check_user_file(path, user=request.user)
        if check.ok:
            request.session[SESSION_FILE] = name
        else:
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_FILE, None)
    return render(
        request,
        "dataio/user_import.html",
        {
            "form": form,
            "check": check,
            "roles": Role.choices,
            "breadcrumbs": _crumbs((_("Import accounts"), None)),
        },
    )


@capability_required(Capability.MANAGE_USERS)  # type: ignore[arg-type]
@require_POST
def user_import_apply(request: AuthenticatedRequest) -> HttpResponseBase:
    """Import the checked file (read and checked again): all accounts in one transaction, or none."""
    path = _kept_file(request)
    if path is None:
        messages.error(request, _("Upload and check the file first."))
        return redirect("dataio:user-import")
    check = check_user_file(path, user=request.user)
    if not check.ok:
        messages.error(request, _("The file no longer passes the check: upload it again."))
        return redirect("dataio:user-import")
    created = import_users(rows=check.rows, acting_user=request.user)
    path.unlink(missing_ok=True)
    request.session.pop(SESSION_FILE, None)
    request.session[SESSION_RESULT] = [user.pk for user in created]
    messages.success(request, _("%(n)s accounts were created.") % {"n": len(created)})
    return render(
        request,
        "dataio/user_import_done.html",
        {"created": created, "breadcrumbs": _crumbs((_("Import accounts"), None))},
    )


@capability_required(Capability.MANAGE_USERS)  # type: ignore[arg-type]
@require_GET
def user_import_result(request: AuthenticatedRequest) -> HttpResponseBase:
    """The accounts of the last import with fresh one-time links (those who set a password have none)."""
    ids = request.session.get(SESSION_RESULT) or []
    users = account_selectors.users_by_ids(user=request.user, ids=[int(i) for i in ids])
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_result_sheet(out, users=users, base_url=request.build_absolute_uri("/"))
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="tai-khoan-moi.xlsx", content_type=XLSX)


@capability_required(Capability.MANAGE_USERS)  # type: ignore[arg-type]
@require_GET
def user_import_template(request: AuthenticatedRequest) -> FileResponse:
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_user_template(out, user=request.user)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="mau-nhap-tai-khoan.xlsx", content_type=XLSX)
