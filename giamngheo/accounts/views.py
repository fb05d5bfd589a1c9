from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.core.errors import ValidationFailed

from . import services
from .forms import LoginForm, StyledPasswordChangeForm
from .types import AuthenticatedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
            "breadcrumbs": [(_("My account"), None)],
        },
    )
