"""From a committed change to deliveries: the events of the objects, matched with the subscriptions whose
scope (and whose owner's scope) covers the object, written in bulk; then sent by tasks.

``dispatch`` runs after the writer's commit (``events.Pending.flush``): nothing at all when no subscription
is active (one query); a few events written at once; a burst (an import, a batch of support records) handed
to ``tasks.fanout_task``, which runs ``fanout_pending`` on a worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member
from giamngheo.policies.models import SupportRecord
from giamngheo.reviews.models import ReviewRound, RoundStatus

from .events import Event, Pending, inline_limit
from .models import CommuneMark, Delivery, DeliveryStatus, EventType, Subscription
from .scope import owner_paths, sees

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

CHUNK = 2000  # ids per query (SQLite's bound variables), deliveries per insert
SEND_BATCH = 100  # deliveries per sending task


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def dispatch(pending: Pending) -> None:
    if not Subscription.objects.filter(is_active=True).exists():
        return
    size = (
        len(pending.households_created | pending.households_changed)
        + len(pending.households_deleted)
        + len(pending.members)
        + len(pending.supports)
    )
    if pending.communes or pending.support_batches or pending.reclassified or size > inline_limit():
        from .tasks import fanout_task

        fanout_task.enqueue(to_params(pending))
        return
    fanout_pending(pending)


def to_params(pending: Pending) -> dict[str, Any]:
    """The pending events as the JSON a task carries."""
    return {
        "occurred_at": pending.occurred_at.isoformat(),
        "households_created": sorted(pending.households_created),
        "households_changed": sorted(pending.households_changed),
        "households_deleted": [[k, v] for k, v in sorted(pending.households_deleted.items())],
        "communes": sorted(pending.communes),
        "members": [list(m) for m in pending.members],
        "supports": sorted(pending.supports),
        "support_batches": sorted(pending.support_batches),
        "rounds": sorted(pending.rounds),
        "reclassified": sorted(pending.reclassified),
    }


def from_params(params: dict[str, Any]) -> Pending:
    return Pending(
        occurred_at=dt.datetime.fromisoformat(params["occurred_at"]),
        households_created=set(params.get("households_created", [])),
        households_changed=set(params.get("households_changed", [])),
        households_deleted={int(k): int(v) for k, v in params.get("households_deleted", [])},
        communes=set(params.get("communes", [])),
        members=[(str(e), int(m), int(h)) for e, m, h in params.get("members", [])],
        supports=set(params.get("supports", [])),
        support_batches=set(params.get("support_batches", [])),
        rounds=set(params.get("rounds", [])),
        reclassified=set(params.get("reclassified", [])),
    )


def fanout_pending(pending: Pending) -> int:
    """Write the deliveries of these changes and queue their sending; the number written."""
    events = list(resolve(pending))
    written = deliveries_write(events)
    return written


# Events ----------------------------------------------------------------------------------------------------
def _communes(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    rows = Area.objects.filter(pk__in=set(ids)).values_list("pk", "path", "code")
    return {pk: (path, code) for pk, path, code in rows}


def _household_places(ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    places: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(ids))):
        for pk, path, code in Household.objects.filter(pk__in=chunk).values_list(
            "pk", "commune__path", "commune__code"
        ):
            places[pk] = (path, code)
    return places


def resolve(pending: Pending) -> Iterator[Event]:
    at = pending.occurred_at
    deleted = set(pending.households_deleted)
    member_households = {h for _e, _m, h in pending.members}
    places = _household_places(
        sorted((pending.households_created | pending.households_changed | member_households) - deleted)
    )
    for pk in sorted(pending.households_created):
        if pk in places and pk not in deleted:
            yield Event(str(EventType.HOUSEHOLD_CREATED), "household", pk, *places[pk], at)
    for pk in sorted(pending.households_changed - pending.households_created - deleted):
        if pk in places:
            yield Event(str(EventType.HOUSEHOLD_UPDATED), "household", pk, *places[pk], at)
    deleted_communes = _communes(pending.households_deleted.values())
    for pk, commune in sorted(pending.households_deleted.items()):
        if commune in deleted_communes:
            yield Event(str(EventType.HOUSEHOLD_DELETED), "household", pk, *deleted_communes[commune], at)
    # A member written in a savepoint that was rolled back does not exist: no created/updated event.
    living = set(
        Member.objects.filter(pk__in=sorted({m for _e, m, _h in pending.members})).values_list(
            "pk", flat=True
        )
    )
    for event, member, household in pending.members:
        if household in places and (event == EventType.MEMBER_DELETED or member in living):
            yield Event(event, "member", member, *places[household], at)
    if pending.supports or pending.support_batches:
        supports = SupportRecord.objects.filter(pk__in=sorted(pending.supports))
        if pending.support_batches:
            supports = supports | SupportRecord.objects.filter(batch__in=sorted(pending.support_batches))
        for pk, path, code in supports.values_list(
            "pk", "household__commune__path", "household__commune__code"
        ):
            yield Event(str(EventType.SUPPORT_CREATED), "support_record", pk, path, code, at)
    for pk, path in ReviewRound.objects.filter(
        pk__in=sorted(pending.rounds), status=RoundStatus.CLOSED
    ).values_list("pk", "province__path"):
        yield Event(str(EventType.ROUND_CLOSED), "review_round", pk, path, None, at)
    if pending.communes:
        yield from _commune_events(sorted(pending.communes), at)
    if pending.reclassified:
        yield from _reclassified_events(sorted(pending.reclassified), at)


def _reclassified_events(provinces: Sequence[int], at: dt.datetime) -> Iterator[Event]:
    """One event per commune of the reclassified provinces that holds households (their engine fields were
    recomputed in bulk; a subscriber reads the commune's households again)."""
    paths = list(Area.objects.filter(pk__in=provinces).values_list("path", flat=True))
    if not paths:
        return
    within = Q()
    for path in paths:
        within |= Q(path__startswith=path)
    communes = (
        Area.objects.filter(within, level=AreaLevel.COMMUNE)
        .filter(Exists(Household.objects.filter(commune=OuterRef("pk"))))
        .order_by("path")
        .values_list("pk", "path", "code")
    )
    for pk, path, code in communes:
        yield Event(str(EventType.HOUSEHOLDS_RECLASSIFIED), "commune", pk, path, code, at)


def _commune_events(communes: Sequence[int], at: dt.datetime) -> Iterator[Event]:
    """The households of these communes written since each commune's mark (an import writes in bulk and
    sends only the communes): created after the mark → created, else updated. The first time, the mark is
    the oldest active subscription covering the commune (nobody listened before)."""
    upto = timezone.now()
    places = _communes(communes)
    subscriptions = Subscription.objects.filter(is_active=True)
    for commune in communes:
        if commune not in places:
            continue
        path, code = places[commune]
        mark = CommuneMark.objects.filter(commune_id=commune).first()
        if mark is not None:
            since = mark.seen_until
        else:
            ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
            oldest = subscriptions.filter(area_path__in=ancestors).aggregate(at=Min("created_at"))["at"]
            if oldest is None:
                continue
            since = oldest
        rows = Household.objects.filter(commune_id=commune, updated_at__gt=since, updated_at__lte=upto)
        for pk, created_at in rows.values_list("pk", "created_at").order_by("pk"):
            kind = EventType.HOUSEHOLD_CREATED if created_at > since else EventType.HOUSEHOLD_UPDATED
            yield Event(str(kind), "household", pk, path, code, at)
        CommuneMark.objects.update_or_create(commune_id=commune, defaults={"seen_until": upto})


# Deliveries ------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class _Target:
    subscription: Subscription
    events: frozenset[str]
    owner_paths: tuple[str, ...] | None


def _targets() -> list[_Target]:
    cache: dict[int, tuple[str, ...] | None] = {}
    targets = []
    for sub in Subscription.objects.filter(is_active=True).select_related("owner"):
        owner: User = sub.owner
        if owner.pk not in cache:
            cache[owner.pk] = owner_paths(owner)
        targets.append(_Target(sub, frozenset(sub.events or ()), cache[owner.pk]))
    return targets


def deliveries_write(events: Iterable[Event]) -> int:
    """Match the events with the active subscriptions, write the deliveries in bulk (one transaction per
    chunk) and queue their sending after each commit."""
    targets = _targets()
    if not targets:
        return 0
    now = timezone.now()
    batch: list[Delivery] = []
    written = 0
    for event in events:
        for target in targets:
            sub = target.subscription
            if event.event not in target.events or not event.area_path.startswith(sub.area_path):
                continue
            if not sees(target.owner_paths, event.area_path):
                continue
            batch.append(
                Delivery(
                    subscription=sub,
                    event=event.event,
                    event_id=event.event_id,
                    object_type=event.object_type,
                    object_id=str(event.object_id),
                    area_path=event.area_path,
                    payload=event.payload(),
                    next_attempt_at=now,
                )
            )
            if len(batch) >= CHUNK:
                written += _insert(batch)
                batch = []
    if batch:
        written += _insert(batch)
    return written


def _insert(batch: list[Delivery]) -> int:
    with transaction.atomic():
        rows = Delivery.objects.bulk_create(batch)
        ids = [d.pk for d in rows if d.pk is not None]
        if len(ids) != len(rows):  # a backend that does not return the keys
            uuids = [d.uuid for d in rows]
            ids = list(Delivery.objects.filter(uuid__in=uuids).values_list("pk", flat=True))
        transaction.on_commit(lambda: send_later(ids), robust=True)
    return len(rows)


def send_later(ids: Sequence[int]) -> None:
    """Queue the sending of these deliveries (tasks of ``SEND_BATCH``)."""
    from .tasks import send_task

    for chunk in _chunks(list(ids), SEND_BATCH):
        send_task.enqueue(list(chunk))


def pending_count() -> int:
    return Delivery.objects.filter(status=DeliveryStatus.PENDING).count()
