"""Background work of the policies app: rebuilding a year's coverage after the catalogue changed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from . import services


@task(queue_name=settings.JOBS_QUEUE)
def coverage_rebuild_task(year: int | None = None) -> int:
    return services.coverage_rebuild(year=year)


def coverage_rebuild_later(year: int | None = None) -> None:
    """Queue a rebuild of the year's coverage once the current transaction commits (a policy's rule or
    period changed: every commune's entitlements may change)."""
    transaction.on_commit(lambda: coverage_rebuild_task.enqueue(year))
