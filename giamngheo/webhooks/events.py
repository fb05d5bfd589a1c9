"""What becomes an event: listened to in ``WebhooksConfig.ready()``, collected per transaction, turned into
deliveries after the commit.

Sources (nothing in the lower apps knows about webhooks):
- ``core.signals.households_changed``: ``household_ids`` (the registry's writes, the review, relief) →
  ``household.updated``; ``commune_ids`` (an import, a merge of communes) → the households of those
  communes updated since the commune's mark (``models.CommuneMark``), created or updated, by a task;
- the audit trail (every write of a service is audited, in the same transaction): a household's creation
  or deletion, a member's creation, change or deletion, a support record (one or a batch), a review round
  closed, a province reclassified by the engine (one event per commune with households: decision 0035).
  The audit row names the object, so its kind of event is exact.

Everything is kept on the database connection until the transaction commits (``transaction.on_commit``,
``robust``: a failure here is logged and never reaches the writer); a rolled back transaction sends
nothing. A burst (an import, more than ``WEBHOOKS_INLINE_LIMIT`` households) is handed to a task that writes
the deliveries in bulk on a worker; a few changes are written at once, after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import EventType

logger = logging.getLogger(__name__)

# The API path of each kind of object (the REST API, issue 17): the event's ``url``.
API_PATHS = {
    "household": "/api/households/{id}",
    "member": "/api/members/{id}",
    "support_record": "/api/support-records/{id}",
    "review_round": "/api/rounds/{id}",
    # A commune whose households' engine fields were recomputed: its households, to be read again.
    "commune": "/api/households?commune={commune}",
}

# Audit actions that are events (the rest of the audit trail is ignored at the cost of a set lookup).
AUDIT_ACTIONS = {
    "households.household.create",
    "households.household.delete",
    "households.member.create",
    "households.member.update",
    "households.member.delete",
    "policies.support.create",
    "policies.support.bulk_create",
    "reviews.round.close",
    "households.reclassify",
}


@dataclass(frozen=True)
class Event:
    """One event of one object, before it is matched with subscriptions."""

    event: str
    object_type: str
    object_id: int
    area_path: str
    commune_code: str | None
    occurred_at: dt.datetime
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.event_id),
            "event": self.event,
            "occurred_at": self.occurred_at.isoformat(),
            "object": {"type": self.object_type, "id": self.object_id, "commune": self.commune_code},
            "url": API_PATHS[self.object_type].format(id=self.object_id, commune=self.commune_code or ""),
        }


@dataclass
class Pending:
    """What one transaction changed, by id: turned into events when it commits."""

    occurred_at: dt.datetime = field(default_factory=timezone.now)
    households_created: set[int] = field(default_factory=set)
    households_changed: set[int] = field(default_factory=set)
    # Deleted households: id → commune id (the row is gone; the audit's "before" names its commune).
    households_deleted: dict[int, int] = field(default_factory=dict)
    communes: set[int] = field(default_factory=set)
    # (event, member id, household id)
    members: list[tuple[str, int, int]] = field(default_factory=list)
    supports: set[int] = field(default_factory=set)
    support_batches: set[str] = field(default_factory=set)
    rounds: set[int] = field(default_factory=set)
    # Provinces reclassified by the engine (``households.reclassify`` in the audit trail).
    reclassified: set[int] = field(default_factory=set)
    flushed: bool = False

    def empty(self) -> bool:
        return not (
            self.households_created
            or self.households_changed
            or self.households_deleted
            or self.communes
            or self.members
            or self.supports
            or self.support_batches
            or self.rounds
            or self.reclassified
        )

    def flush(self) -> None:
        """After the commit: write the deliveries (or hand a burst to a task). Never raises."""
        if self.flushed:
            return
        self.flushed = True
        if self.empty():
            return
        try:
            from . import fanout

            fanout.dispatch(self)
        except Exception:  # the writer's transaction is committed; a lost event is logged, never raised
            logger.exception("webhooks: events of a committed change could not be queued")


_ATTR = "_giamngheo_webhooks_pending"


def _collect(add: Callable[[Pending], None]) -> None:
    """Add to the current transaction's pending events (outside a transaction: sent at once)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        now = Pending()
        add(now)
        now.flush()
        return
    pending: Pending | None = getattr(connection, _ATTR, None)
    registered = pending is not None and any(
        callback == pending.flush for _sids, callback, _robust in connection.run_on_commit
    )
    if pending is None or pending.flushed or not registered:
        # A new transaction (the last one committed, or rolled back with its callbacks).
        pending = Pending()
        setattr(connection, _ATTR, pending)
        transaction.on_commit(pending.flush, robust=True)
    add(pending)


def on_households_changed(
    sender: Any,
    household_ids: Iterable[int] | None = None,
    commune_ids: Iterable[int] | None = None,
    **kwargs: Any,
) -> None:
    """Receiver of ``core.signals.households_changed``."""
    households = [int(i) for i in household_ids or ()]
    communes = [int(i) for i in commune_ids or ()]
    if not households and not communes:
        return

    def add(pending: Pending) -> None:
        pending.households_changed.update(households)
        pending.communes.update(communes)

    _collect(add)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def on_audit_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """Receiver of ``post_save`` of ``core.AuditRecord``: the writes that are events."""
    action = getattr(instance, "action", "")
    if not created or action not in AUDIT_ACTIONS:
        return
    target = _int(instance.target_id)
    before = instance.before or {}
    after = instance.after or {}

    def add(pending: Pending) -> None:
        if action == "households.household.create" and target is not None:
            pending.households_created.add(target)
        elif action == "households.household.delete" and target is not None:
            commune = _int(before.get("commune_id") or before.get("commune"))
            if commune is not None:
                pending.households_deleted[target] = commune
        elif action.startswith("households.member.") and target is not None:
            household = _int(after.get("household_id") or before.get("household_id"))
            kind = {
                "households.member.create": EventType.MEMBER_CREATED,
                "households.member.update": EventType.MEMBER_UPDATED,
                "households.member.delete": EventType.MEMBER_DELETED,
            }[action]
            if household is not None:
                pending.members.append((str(kind), target, household))
        elif action == "policies.support.create" and target is not None:
            pending.supports.add(target)
        elif action == "policies.support.bulk_create" and instance.target_id:
            pending.support_batches.add(str(instance.target_id))
        elif action == "reviews.round.close" and target is not None:
            pending.rounds.add(target)
        elif action == "households.reclassify" and target is not None:
            pending.reclassified.add(target)

    _collect(add)


def inline_limit() -> int:
    return int(getattr(settings, "WEBHOOKS_INLINE_LIMIT", 100))
