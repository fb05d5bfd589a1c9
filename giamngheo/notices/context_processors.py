"""The menu's bell: the signed-in user's unread count (one query, and only when a page renders it)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from giamngheo.accounts.models import User

from .selectors import unread_count


class Bell:
    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(user=self.user)


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not render the menu (a download, an htmx fragment) asks nothing.
    return {"notices_bell": Bell(user)}
