"""The one task of the queue: run a background job by its primary key."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from . import services


@task(queue_name=settings.JOBS_QUEUE)
def run_job(job_id: int) -> None:
    services.job_run(job_id=job_id)
