from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.accounts import selectors as account_selectors
from giamngheo.accounts import services as account_services
from giamngheo.accounts import twofactor
from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability, Role
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core import selectors as core_selectors
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, paginate, submit
from giamngheo.geo import selectors as geo_selectors
from giamngheo.org import selectors as org_selectors
from giamngheo.policies import selectors as policy_selectors

from . import audit_labels
from .forms import AuditFilterForm, ExportLogFilterForm, SigninFailureFilterForm, UserForm


def home(request: AuthenticatedRequest) -> HttpResponse:
    summary = geo_selectors.scope_summary(user=request.user)
    year = geo_selectors.current_year()
    communes = geo_selectors.commune_list(user=request.user)
    return render(
        request,
        "web/home.html",
        {
            "summary": summary,
            "communes": communes[:12],
            "commune_total": communes.count(),
            "parents": geo_selectors.visible_parent_names(user=request.user),
            "org_units": org_selectors.org_unit_list(user=request.user).count(),
            "staff": org_selectors.staff_list(user=request.user).count(),
            "coverage": policy_selectors.coverage_total(user=request.user, year=year)
            if can(request.user, Capability.VIEW_TABLES)
            else None,
            "coverage_year": year,
        },
    )


def _user_form(request: AuthenticatedRequest, **kwargs: Any) -> UserForm:
    areas = geo_selectors.scope_units_to_pick(user=request.user)
    return UserForm(
        request.POST or None, areas=areas, org_units=org_selectors.org_unit_list(user=request.user), **kwargs
    )


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Users"), reverse("web:user-list")), *tail]


@capability_required(Capability.MANAGE_USERS)
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    q, role = request.GET.get("q", "").strip(), request.GET.get("role", "")
    users = account_selectors.user_list(user=request.user, q=q, role=role)
    return render(
        request,
        "web/user_list.html",
        {
            "page_obj": paginate(request, users),
            "q": q,
            "role": role,
            "roles": Role.choices,
            "filtered": bool(q or role),
            "breadcrumbs": [(_("Users"), None)],
        },
    )


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _user_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = submit(
            form,
            lambda: account_services.user_create(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                role=data["role"],
                email=data["email"],
                phone=data["phone"],
                scope_areas=data["scope_areas"],
                scope_org_units=data["scope_org_units"],
                acting_user=request.user,
            ),
        )
        if user is not None:
            messages.success(request, _("Account “%(name)s” was created.") % {"name": user.username})
            return redirect("web:user-list")
    return render(
        request, "web/user_form.html", {"form": form, "breadcrumbs": _crumbs((_("New account"), None))}
    )


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_or_404(account_selectors.access_user_by_id, user=request.user, user_id=pk)
    initial = {
        "username": target.username,
        "full_name": target.full_name,
        "role": target.role,
        "email": target.email,
        "phone": target.phone,
        "is_active": target.is_active,
        "scope_areas": list(target.scope_areas.all()),
        "scope_org_units": list(target.scope_org_units.all()),
    }
    form = _user_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: account_services.user_update(
                user=target,
                full_name=data["full_name"],
                role=data["role"],
                email=data["email"],
                phone=data["phone"],
                is_active=data["is_active"],
                scope_areas=data["scope_areas"],
                scope_org_units=data["scope_org_units"],
                password=data["password"],
                acting_user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Account “%(name)s” was saved.") % {"name": target.username})
            return redirect("web:user-list")
    return render(
        request,
        "web/user_form.html",
        {
            "form": form,
            "target": target,
            "otp": twofactor.otp_status(target),
            "breadcrumbs": _crumbs((target.username, None)),
        },
    )


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_otp_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a user's authenticator and backup codes (a lost phone); audited."""
    target = get_or_404(account_selectors.access_user_by_id, user=request.user, user_id=pk)
    ask = confirmation_page(
        request,
        question=_(
            "Reset the two-factor sign-in of “%(name)s”? Their authenticator and backup codes stop working."
        )
        % {"name": target.username},
        cancel_url=reverse("web:user-update", kwargs={"pk": target.pk}),
    )
    if ask is not None:
        return ask
    account_services.otp_reset(user=target, acting_user=request.user)
    messages.success(
        request, _("The two-factor sign-in of “%(name)s” was reset.") % {"name": target.username}
    )
    return redirect("web:user-update", pk=target.pk)


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_password_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Make a one-time link with which the user sets a new password (valid 24 hours); audited. The page
    shows it once for the administrator to pass on."""
    target = get_or_404(account_selectors.access_user_by_id, user=request.user, user_id=pk)
    try:
        path = account_services.password_link_create(user=target, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:user-update", pk=target.pk)
    return render(
        request,
        "web/user_password_link.html",
        {
            "target": target,
            "link": request.build_absolute_uri(path),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "breadcrumbs": _crumbs(
                (target.username, reverse("web:user-update", kwargs={"pk": target.pk})),
                (_("Password link"), None),
            ),
        },
    )


@capability_required(Capability.VIEW_AUDIT)
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    records = core_selectors.audit_list(user=request.user, **filters)
    page = paginate(request, records, per_page=50)
    for record in page.object_list:  # the action and the kind of object in words, never their codes
        record.action_text = audit_labels.action_label(record.action)
        record.object_text = audit_labels.object_label(record.target_type)
    return render(
        request,
        "web/audit_list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters),
            "breadcrumbs": [(_("Audit trail"), None)],
        },
    )


@capability_required(Capability.VIEW_AUDIT)
def audit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = get_or_404(core_selectors.access_audit_record_by_id, user=request.user, record_id=pk)
    return render(
        request,
        "web/audit_detail.html",
        {
            "record": record,
            "action_text": audit_labels.action_label(record.action),
            "object_text": audit_labels.object_label(record.target_type),
            "changes": audit_labels.changes(record.target_type, record.changes()),
            "breadcrumbs": [(_("Audit trail"), reverse("web:audit-list")), (f"#{record.pk}", None)],
        },
    )


def _filters(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


@capability_required(Capability.VIEW_AUDIT)
def export_log(request: AuthenticatedRequest) -> HttpResponse:
    """Who downloaded which personal data, when and from where (the export log)."""
    form = ExportLogFilterForm(request.GET or None)
    filters = _filters(form)
    return render(
        request,
        "web/export_log.html",
        {
            "form": form,
            "page_obj": paginate(
                request, core_selectors.export_log(user=request.user, **filters), per_page=50
            ),
            "filtered": bool(filters),
            "breadcrumbs": [(_("Download log"), None)],
        },
    )


@capability_required(Capability.VIEW_AUDIT)
def signin_failures(request: AuthenticatedRequest) -> HttpResponse:
    """Failed sign-ins kept by django-axes: when, which username, from where, whether it locked."""
    form = SigninFailureFilterForm(request.GET or None)
    filters = _filters(form)
    return render(
        request,
        "web/signin_failures.html",
        {
            "form": form,
            "page_obj": paginate(
                request, core_selectors.signin_failure_list(user=request.user, **filters), per_page=50
            ),
            "filtered": bool(filters),
            "breadcrumbs": [(_("Failed sign-ins"), None)],
        },
    )


def error_404(request: AuthenticatedRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: AuthenticatedRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: AuthenticatedRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_500(request: AuthenticatedRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
