"""The user's own API tokens: a list, a form to create one (its secret shown once) and a revoke button."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import confirmation_page, get_or_404, submit

from . import selectors, services
from .forms import TokenForm


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = submit(
            form,
            lambda: services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                acting_user=request.user,
            ),
        )
        if created is not None:
            secret = created[1]
            form = TokenForm(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.token_list(user=request.user),
            "now": timezone.now(),
            "breadcrumbs": [(_("My account"), reverse("accounts:profile")), (_("API tokens"), None)],
        },
    )


@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_or_404(selectors.access_token_by_id, user=request.user, token_id=pk)
    asked = confirmation_page(
        request,
        question=_("Revoke the token “%(name)s”?") % {"name": token.name},
        cancel_url=reverse("api:token-list"),
    )
    if asked is not None:
        return asked
    services.token_revoke(token=token, acting_user=request.user)
    return redirect("api:token-list")
