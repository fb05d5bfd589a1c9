"""Optimistic locking of edits: every form that edits a versioned row posts the version it was opened at,
and the service refuses a missing or stale version (nothing is written).

- ``VersionField`` (hidden, required) and ``VersionedFormMixin`` (a missing or garbled version becomes one
  message above the form, "reload the page") for the forms;
- ``version_check(obj, version)`` for the services: ``None`` is refused like a stale version, so that a
  POST without the field never skips the check; internal callers that write without a form (the demo
  seed, the review's survey writing the registry's income, jobs) pass ``ANY_VERSION`` explicitly;
- ``local_time_text`` for the times shown in messages (Vietnam time, day/month/year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ApplicationError

# The largest version a form may post (PostgreSQL's integer; a larger number is simply invalid input).
MAX_VERSION: Final = 2**31 - 1


class _AnyVersion:
    """Write whatever the current version is: only for internal callers, never from a form."""

    _instance: _AnyVersion | None = None

    def __new__(cls) -> _AnyVersion:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ANY_VERSION"


ANY_VERSION: Final = _AnyVersion()
Version = int | _AnyVersion | None


class StaleVersion(ApplicationError):
    """Someone else saved the record after it was opened (or the form posted no version): nothing was
    written."""


def local_time_text(value: dt.datetime) -> str:
    """A moment as a user reads it: Vietnam time (``TIME_ZONE``), ``HH:MM dd/mm/yyyy``."""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


MISSING_VERSION_MESSAGE = gettext_lazy(
    "The form is incomplete: reload the page and enter your changes again."
)


def stale_message(obj: Any) -> str:
    updated = getattr(obj, "updated_at", None)
    if updated is None:
        return str(MISSING_VERSION_MESSAGE)
    return _(
        "Someone else saved this record after you opened it (at %(time)s). Nothing was saved: "
        "reload the page to see their changes, then enter yours again."
    ) % {"time": local_time_text(updated)}


def check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """A service's ``data`` names only fields it may change (a programming error otherwise)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def assign(row: Any, data: Mapping[str, Any]) -> None:
    """Set the fields of ``data`` on ``row``, texts stripped (after ``check_fields``, ``version_check``)."""
    for name, value in data.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)


def version_check(obj: Any, version: Version, *, message: Any = None) -> None:
    """Refuse a write when ``version`` is not the row's current version. ``None`` (a form without the
    field) is refused too; ``ANY_VERSION`` skips the check (internal callers only)."""
    if version is ANY_VERSION:
        return
    if version is None:
        raise StaleVersion(MISSING_VERSION_MESSAGE, extra={"field": None, "missing": True})
    if obj.version != version:
        raise StaleVersion(message if message is not None else stale_message(obj), extra={"field": None})


class VersionField(forms.IntegerField):
    """The hidden version a form was opened at: required, a positive integer of a sane size."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_VERSION)
        messages = dict.fromkeys(("required", "invalid", "min_value", "max_value"), MISSING_VERSION_MESSAGE)
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class VersionedFormMixin:
    """Show a missing or invalid version (a hidden field, whose errors templates do not show) above the
    form: the officer is told to reload the page; nothing is saved."""

    _errors: Any

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None)
        if errors and "version" in errors:
            del errors["version"]
            self.add_error(None, MISSING_VERSION_MESSAGE)  # type: ignore[attr-defined]
