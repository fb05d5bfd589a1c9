"""How many initiatives of a unit were recognised in a year (read by the scores and the department's
reports): counted by the year of the recognition decision."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from .models import Initiative, InitiativeStatus


def recognised_counts(*, year: int, unit_ids: Iterable[int]) -> dict[int, int]:
    """Per unit id (every id asked for appears, 0 when none): initiatives recognised by a decision of
    ``year``."""
    ids = list(unit_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Initiative.objects.filter(
            org_unit_id__in=ids, status=InitiativeStatus.RECOGNISED, decision_date__year=year
        )
        .values("org_unit_id")
        .annotate(n=Count("pk"))
        .values_list("org_unit_id", "n")
    )
    for unit_id, n in rows:
        counts[unit_id] = n
    return counts
