"""Events on record for a household, from the apps above ``policies`` (decision 0023).

Some policies are due only after an event (housing support after a disaster or a fire) or on a request
(preferential loans, water and sanitation loans): a household counts as a gap for them only when the event
or the request is on record. Requests are kept by ``policies`` itself; events are recorded by apps above it
(``relief``: a house destroyed or damaged by an incident), which register a source here in their
``AppConfig.ready()``, so ``policies`` never imports them.

A source takes household ids and a date and returns, for the households that have one, the event kinds on
record on that date (within the window the source applies, e.g. the incident's year and the next).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager

# Event kinds (the values a rule's ``needs_event`` condition may name).
HOUSE_DAMAGED = "house_damaged"  # the house destroyed or badly damaged by a disaster, a fire or an epidemic
DISASTER_AFFECTED = "disaster_affected"  # affected by a disaster or an epidemic (any damage recorded)

EventSource = Callable[[Collection[int], dt.date], Mapping[int, Collection[str]]]
_SOURCES: list[EventSource] = []


def register_event_source(source: EventSource) -> None:
    """Register a source of events (idempotent: a source registered twice is asked once)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def unregister_event_source(source: EventSource) -> None:
    """Forget a source (tests); a source not registered is ignored."""
    if source in _SOURCES:
        _SOURCES.remove(source)


@contextmanager
def event_source(source: EventSource) -> Iterator[EventSource]:
    """A source registered for the duration of a ``with`` block (tests), then forgotten."""
    already = source in _SOURCES
    register_event_source(source)
    try:
        yield source
    finally:
        if not already:
            unregister_event_source(source)


def household_events(household_ids: Collection[int], on: dt.date) -> dict[int, frozenset[str]]:
    """The event kinds on record for each of these households on ``on`` (households with none absent)."""
    found: dict[int, set[str]] = {}
    if not household_ids:
        return {}
    for source in _SOURCES:
        for household_id, kinds in source(household_ids, on).items():
            if kinds:
                found.setdefault(household_id, set()).update(kinds)
    return {k: frozenset(v) for k, v in found.items()}
