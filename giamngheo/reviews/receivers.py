"""The review listens to the registry: the open round's summary follows every change of households.

``core.signals.households_changed`` is sent by the registry's one writer (``households.services``) and by
the import, inside the transaction that changed the households. ``on_households_changed`` finds the
communes concerned and, for each province with an open round, schedules the commune's recount
(``services.summary_refresh``) for when the transaction commits: once per commune however many
households or signals the transaction had (a form edit: one commune; a recognition or an import: each
of its communes once). Nothing is recounted when the transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household

from .models import ReviewRound, RoundStatus

CHUNK = 5_000

_caller_refreshes: ContextVar[bool] = ContextVar("reviews_summaries_refreshed_by_caller", default=False)


class _Pending(threading.local):
    """The (round, commune) recounts waiting for the current transaction's commit, in this thread."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int, int]] = set()
        self.callbacks: list[Callable[[], None]] = []


_pending = _Pending()


@contextmanager
def summaries_refreshed_by_caller() -> Iterator[None]:
    """Within this block the receiver leaves the summaries alone: the caller recounts them itself (a
    review step that already recounts its commune on commit)."""
    token = _caller_refreshes.set(True)
    try:
        yield
    finally:
        _caller_refreshes.reset(token)


def _waiting() -> bool:
    """Whether a commit hook of ours still waits for the current transaction's commit (the list of hooks
    is emptied when the transaction rolls back, and loses those of a savepoint rolled back). The latest
    hook, usually at the end of the list, is looked for first."""
    if not _pending.callbacks or not connection.in_atomic_block:
        return False
    hooks = connection.run_on_commit
    latest = _pending.callbacks[-1]
    if any(entry[1] is latest for entry in reversed(hooks)):
        return True
    ours = {id(c) for c in _pending.callbacks}
    return any(id(entry[1]) in ours for entry in hooks)


def _flush() -> None:
    from . import services  # imported late: services import this module too

    pairs, _pending.pairs, _pending.callbacks = sorted(_pending.pairs), set(), []
    if not pairs:
        return
    live = set(
        ReviewRound.objects.filter(pk__in={r for r, _c in pairs}, status=RoundStatus.OPEN).values_list(
            "pk", flat=True
        )
    )
    for round_id, commune_id in pairs:
        if round_id in live:
            services.summary_refresh(round_id=round_id, commune_id=commune_id)


def summary_refresh_on_commit(pairs: Iterable[tuple[int, int]]) -> None:
    """Recount these (round id, commune id) summaries when the current transaction commits (at once outside
    a transaction), each once however often it is asked for in the transaction.

    Every call registers a commit hook; the first to run recounts everything pending and the others find
    nothing left (so that a hook registered in a savepoint that rolls back, or captured by a test, never
    loses the others' work). Pending pairs of a transaction that rolled back are dropped."""
    wanted = set(pairs)
    if not wanted:
        return
    if not _waiting():
        _pending.pairs, _pending.callbacks = set(), []
    _pending.pairs.update(wanted)

    def callback() -> None:
        _flush()

    _pending.callbacks.append(callback)
    transaction.on_commit(callback)  # runs at once outside an atomic block


def open_round_communes(
    *, household_ids: Collection[int] = (), commune_ids: Collection[int] = ()
) -> set[tuple[int, int]]:
    """(open round id, commune id) for the communes of these households and these communes: the latest
    open round of each commune's province."""
    communes = set(commune_ids)
    ids = sorted(set(household_ids))
    for start in range(0, len(ids), CHUNK):
        communes.update(
            Household.objects.filter(pk__in=ids[start : start + CHUNK])
            .values_list("commune_id", flat=True)
            .distinct()
        )
    if not communes:
        return set()
    province_of = dict(
        Area.objects.filter(pk__in=communes, level=AreaLevel.COMMUNE).values_list("pk", "parent_id")
    )
    rounds: dict[int, int] = {}
    for province_id, round_id in (
        ReviewRound.objects.filter(status=RoundStatus.OPEN, province_id__in=set(province_of.values()))
        .order_by("province_id", "year")
        .values_list("province_id", "pk")
    ):
        rounds[province_id] = round_id  # the latest year wins
    return {
        (rounds[province_id], commune_id)
        for commune_id, province_id in province_of.items()
        if province_id in rounds
    }


def on_households_changed(
    sender: Any, *, household_ids: Collection[int] = (), commune_ids: Collection[int] = (), **kwargs: Any
) -> None:
    """Receiver of ``core.signals.households_changed``: recount the open round's summary of the communes
    concerned on commit."""
    if _caller_refreshes.get():
        return
    summary_refresh_on_commit(open_round_communes(household_ids=household_ids, commune_ids=commune_ids))
