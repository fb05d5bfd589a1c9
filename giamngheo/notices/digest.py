"""The weekly digest's sections: each app that owns the figures registers a provider in its
``AppConfig.ready()`` (this app is below every domain and names none of them, as ``jobs.registry``):

    from giamngheo.notices.digest import register_section

    register_section("reviews", review_section, order=10)

A provider is ``provider(user, week) -> DigestSection | None`` (``None``: nothing for this user, e.g. a
role without the capability); it reads through its app's selectors, scoped to the user. The page shows the
sections in ``order``; a slot (``SLOTS``) whose section nobody registered shows "no data yet".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from giamngheo.accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Week:
    """Seven days, ``start`` to ``end`` inclusive (Monday to Sunday, or the last seven days)."""

    start: dt.date
    end: dt.date

    @property
    def after(self) -> dt.date:
        """The day after the week (an exclusive bound)."""
        return self.end + dt.timedelta(days=1)

    @classmethod
    def ending(cls, day: dt.date) -> Week:
        return cls(start=day - dt.timedelta(days=6), end=day)

    @classmethod
    def of_monday(cls, monday: dt.date) -> Week:
        monday = monday - dt.timedelta(days=monday.weekday())
        return cls(start=monday, end=monday + dt.timedelta(days=6))


@dataclass(frozen=True)
class DigestRow:
    label: StrOrPromise
    value: int | None  # ``None``: not known (shown as "—", never 0)
    url: str = ""
    note: StrOrPromise = ""
    warn: bool = False  # a figure that needs attention (late, overdue, failed)


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: StrOrPromise
    rows: list[DigestRow] = field(default_factory=list)
    note: StrOrPromise = ""


Provider = Callable[[Any, Week], "DigestSection | None"]


@dataclass(frozen=True)
class _Entry:
    provider: Provider
    order: int


SECTIONS: dict[str, _Entry] = {}

# Sections the page keeps a place for even before an app registers them: key -> (order, title).
# "targets": the plans app registers the status of the targets of the user's scope here.
SLOTS: dict[str, int] = {"targets": 5}


def register_section(key: str, provider: Provider, *, order: int = 50) -> None:
    """Declare a section (registering the same provider again is harmless)."""
    known = SECTIONS.get(key)
    if known is not None and known.provider is not provider:
        raise ValueError(f"digest section {key!r} is already registered to {known.provider!r}")
    SECTIONS[key] = _Entry(provider=provider, order=order)


def unregister_section(key: str) -> None:
    SECTIONS.pop(key, None)


def sections_for(*, user: User, week: Week) -> tuple[list[DigestSection], list[str]]:
    """The sections for the user's scope, in order, and the keys of the slots nobody filled yet."""
    ordered = sorted(SECTIONS.items(), key=lambda item: (item[1].order, item[0]))
    sections = [s for _, entry in ordered if (s := entry.provider(user, week)) is not None]
    return sections, [key for key in SLOTS if key not in SECTIONS]
