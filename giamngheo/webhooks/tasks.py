"""The queue's tasks of the webhooks (django-tasks: RQ in production, in-process in tests)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task


@task(queue_name=settings.JOBS_QUEUE)
def fanout_task(params: dict[str, Any]) -> int:
    """A burst of changes (an import, a batch of support records): write its deliveries in bulk."""
    from .fanout import fanout_pending, from_params

    return fanout_pending(from_params(params))


@task(queue_name=settings.JOBS_QUEUE)
def send_task(delivery_ids: list[int]) -> int:
    from .delivery import send_many

    return send_many(delivery_ids)
