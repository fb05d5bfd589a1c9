"""Types ``core`` needs of things defined above it.

``core`` is below ``accounts`` in the layers, so it cannot name ``accounts.models.User``: ``UserLike`` is
what core reads of a user (the audit trail's and the export log's actor, the administrators' lists). Every
app at or above ``accounts`` types a user as ``giamngheo.accounts.models.User``.
"""

from __future__ import annotations

from typing import Any, Protocol


class UserLike(Protocol):
    """A signed-in user as core sees it (``accounts.models.User`` is one)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_active(self) -> bool: ...

    def get_username(self) -> str: ...
