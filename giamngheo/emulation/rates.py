"""The on-time rate of the guidance tasks of divisions in a year, read by the scores (scoring/sources.py) and
the department's reports. A task counts once its deadline has passed or once it is issued: issued on or before
its deadline is on time; issued late, or still open after its deadline, is late; a task not yet due and not
issued is not counted; a cancelled task is never counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import GuidanceTask, TaskStatus


@dataclass(frozen=True)
class OnTime:
    on_time: int
    counted: int

    @property
    def share(self) -> float | None:
        """On-time tasks over counted tasks (0–1), None when no task counts yet (unknown, never 0)."""
        return self.on_time / self.counted if self.counted else None


def task_on_time(*, year: int, unit_ids: Iterable[int], today: dt.date | None = None) -> dict[int, OnTime]:
    """Per unit id (every id asked for appears): its tasks of ``year`` on time and counted."""
    today = today or timezone.localdate()
    ids = list(unit_ids)
    counts = {pk: [0, 0] for pk in ids}
    rows = (
        GuidanceTask.objects.filter(year=year, org_unit_id__in=ids)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(status=TaskStatus.ISSUED) | Q(deadline__lt=today))
        .values_list("org_unit_id", "status", "issued_on", "deadline")
    )
    for unit_id, status, issued_on, deadline in rows:
        counts[unit_id][1] += 1
        if status == TaskStatus.ISSUED and issued_on is not None and issued_on <= deadline:
            counts[unit_id][0] += 1
    return {pk: OnTime(on_time=c[0], counted=c[1]) for pk, c in counts.items()}
