"""Reads of the API app: a user's own tokens, and the token a request presents."""

from __future__ import annotations

from django.db.models import QuerySet

from giamngheo.accounts.models import User
from giamngheo.core.errors import NotFound

from .models import ApiToken
from .services import secret_hash


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens (nobody sees another person's)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token_by_id(*, user: User, token_id: int) -> ApiToken:
    token = token_list(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("token")
    return token


def token_by_secret(*, secret: str) -> ApiToken | None:
    """The token whose secret this is (revoked and expired ones too: the caller says why it is refused)."""
    return ApiToken.objects.filter(secret_hash=secret_hash(secret)).select_related("user").first()
