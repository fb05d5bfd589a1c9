"""Types of a signed-in user for the apps' code.

A user parameter (``user``, ``acting_user``) is typed ``giamngheo.accounts.models.User`` (``User | None``
where a system action has no user); ``core``, below ``accounts``, uses ``core.types.UserLike``.

``AuthenticatedRequest`` is the request of a view: ``LoginRequiredMiddleware`` lets only signed-in users
reach a view not marked ``login_not_required``, so its ``request.user`` is a ``User``, not
``User | AnonymousUser`` (the pattern django-stubs documents). Annotate the view's ``request`` with it.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User
