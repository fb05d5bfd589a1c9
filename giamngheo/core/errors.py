"""One tree of application errors. Views turn them into Vietnamese messages next to the field."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A user-facing error: ``message`` is already translated (lazy) text."""

    def __init__(self, message: Any, extra: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Input that breaks a rule; ``extra`` may carry ``{"field": name}``."""


class NotFound(ApplicationError):
    """Missing or not visible to the user: the two are deliberately indistinguishable."""


class PermissionDenied(ApplicationError):
    """The user is known and may see the object but not perform the action."""
