"""Who calls the API: a personal token (``Authorization: Bearer …``) or, for the browsable docs, the
signed-in session (CSRF-checked). Either way the API acts as that user: same capabilities and scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from giamngheo.accounts.models import User

from . import selectors, services


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = selectors.token_by_secret(secret=token.strip())
        if found is None:
            raise AuthenticationError(message=_("The API token is not valid."))
        if found.revoked_at is not None:
            raise AuthenticationError(message=_("The API token has been revoked."))
        if found.expires_at is not None and found.expires_at <= timezone.now():
            raise AuthenticationError(message=_("The API token has expired."))
        if not found.user.is_active:
            raise AuthenticationError(message=_("The account of this API token is disabled."))
        services.token_used(token=found)
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.user
        return found.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def api_user(request: HttpRequest) -> User:
    """The user the API acts as (set by the authentication)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
