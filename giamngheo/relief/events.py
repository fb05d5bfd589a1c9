"""The relief's source of events for ``policies.events`` (decision 0023): registered in
``ReliefConfig.ready()``, so that ``policies`` counts the housing-after-disaster policy only for households
whose house an incident damaged. A read of the system (no user): policies ask for the households they
already scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from giamngheo.policies.events import DISASTER_AFFECTED, HOUSE_DAMAGED

from .models import HOUSE_DAMAGED as DAMAGED_HOUSE
from .models import AffectedHousehold


def relief_events(household_ids: Collection[int], on: dt.date) -> Mapping[int, Collection[str]]:
    """For these households, on ``on``: ``HOUSE_DAMAGED`` when an incident that started in the year of
    ``on`` or the year before (and not after ``on``) destroyed or damaged their house; ``DISASTER_AFFECTED``
    when such an incident caused them any recorded damage."""
    found: dict[int, set[str]] = {}
    rows = AffectedHousehold.objects.filter(
        household_id__in=list(household_ids),
        incident__start_date__year__gte=on.year - 1,
        incident__start_date__lte=on,
    ).only("household_id", "dead", "injured", "house", "crops_m2", "livestock", "estimated_loss")
    for row in rows:
        if not row.has_damage:
            continue
        kinds = found.setdefault(row.household_id, set())
        kinds.add(DISASTER_AFFECTED)
        if row.house in DAMAGED_HOUSE:
            kinds.add(HOUSE_DAMAGED)
    return found
