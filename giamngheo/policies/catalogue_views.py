"""Editing the policy catalogue (provincial specialist): a new policy, and changes to one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404, submit

from . import selectors, services
from .forms import PolicyForm


def _page(
    request: AuthenticatedRequest, form: PolicyForm, crumbs: list[tuple[Any, str | None]]
) -> HttpResponse:
    return render(
        request,
        "policies/policy_form.html",
        {
            "form": form,
            "policy": form.policy,
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), *crumbs],
        },
    )


@capability_required(Capability.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def policy_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        policy = submit(
            form,
            lambda: services.policy_create(data=form.service_data(), acting_user=request.user),
            form.field_for,  # errors about parts of the rule go next to their fields
        )
        if policy is not None:
            messages.success(
                request,
                _("Policy %(code)s was added. This year's coverage is being recounted.")
                % {"code": policy.code},
            )
            return redirect("policies:policy-detail", code=policy.code)
    return _page(request, form, [(_("New policy"), None)])


@capability_required(Capability.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = get_or_404(selectors.access_policy_by_code, user=request.user, code=code)
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form,
            lambda: services.policy_update(
                policy=policy,
                data=form.service_data(),
                acting_user=request.user,
                version=form.cleaned_data["version"],
            ),
            form.field_for,
        )
        if saved is not None:
            messages.success(request, _("Policy %(code)s was saved.") % {"code": saved.code})
            return redirect("policies:policy-detail", code=saved.code)
    return _page(
        request,
        form,
        [(policy.code, reverse("policies:policy-detail", args=[policy.code])), (_("Edit"), None)],
    )
