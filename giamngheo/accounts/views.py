from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from giamngheo.core.errors import ValidationFailed

from . import services, twofactor
from .forms import LoginForm, OtpCodeForm, StyledPasswordChangeForm, StyledSetPasswordForm
from .middleware import EXPIRED_PARAM
from .types import AuthenticatedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get(EXPIRED_PARAM) == "1"
        context["idle_minutes"] = settings.SESSION_IDLE_TIMEOUT
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = StyledPasswordChangeForm(user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                user=request.user,
                password=form.cleaned_data["new_password1"],
                acting_user=request.user,
            )
        except ValidationFailed as exc:
            form.add_error("new_password1", str(exc.message))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "breadcrumbs": [(_("My account"), None), (_("Change password"), None)]},
    )


def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "scope_areas": user.scope_areas.order_by("path"),
            "scope_org_units": user.scope_org_units.order_by("path"),
            "otp": twofactor.otp_status(user),
            "breadcrumbs": [(_("My account"), None)],
        },
    )


# Two-factor sign-in ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of the sign-in: the authenticator's code (or a backup code)."""
    if request.user.is_verified() or not twofactor.has_device(request.user):  # type: ignore[attr-defined]
        return redirect(_next(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.check_code(request.user, form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            if check.device.name == twofactor.BACKUP_NAME:
                left = twofactor.backup_codes_left(request.user)
                messages.warning(
                    request, _("You signed in with a backup code; %(left)s codes are left.") % {"left": left}
                )
            return redirect(_next(request))
        if check.throttled_seconds:
            form.add_error(
                "code",
                _("Verification code: too many wrong codes. Try again in %(seconds)s seconds.")
                % {"seconds": check.throttled_seconds},
            )
        else:
            form.add_error("code", _("Verification code: the code is not right or has expired."))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next(request), "breadcrumbs": [(_("Verification code"), None)]},
    )


@require_http_methods(["GET", "POST"])
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Set up the authenticator: a QR code and the key as text, confirmed by a first code; then the backup
    codes, shown once. A user who already has one must type its code first (a stolen password alone cannot
    replace it)."""
    user = request.user
    if twofactor.has_device(user) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:otp-verify")
    device = services.otp_enrol_start(user=user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.otp_enrol_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            form.add_error("code", str(exc.message))
        else:
            otp_login(request, confirmed)
            return render(
                request,
                "accounts/otp_backup_codes.html",
                {"codes": codes, "next": _next(request), "breadcrumbs": [(_("Backup codes"), None)]},
            )
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "required": twofactor.otp_required(user),
            "next": _next(request),
            "breadcrumbs": [(_("Two-factor sign-in"), None)],
        },
    )


@require_POST
def otp_backup_codes(request: AuthenticatedRequest) -> HttpResponse:
    """New backup codes for oneself (the old ones stop working), shown once."""
    if request.POST.get("renew") != "1":
        messages.error(request, _("Nothing was changed."))
        return redirect("accounts:profile")
    try:
        codes = services.otp_backup_codes_renew(user=request.user)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/otp_backup_codes.html",
        {"codes": codes, "next": "", "breadcrumbs": [(_("Backup codes"), None)]},
    )


# One-time password links -----------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a new password with the administrator's one-time link; then sign in again."""
    user = twofactor.user_for_reset_token(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset.html", {"invalid": True}, status=404)
    form = StyledSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_with_link(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            form.add_error("new_password1", str(exc.message))
        else:
            logout(request)
            messages.success(request, _("Your password has been set. Sign in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form, "target": user, "invalid": False})
