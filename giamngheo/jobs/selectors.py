"""Reads of background jobs: a user sees only the jobs they started (their files hold personal data)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from giamngheo.accounts.models import User
from giamngheo.core.errors import NotFound

from .models import Job, JobStatus


def job_list(*, user: User) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user).defer("log")


def access_job_by_id(*, user: User, job_id: int, kind: str | None = None) -> Job:
    """The user's own job (of ``kind`` if given: a job of another page); otherwise ``NotFound`` (the same
    for missing, another's and another kind)."""
    job = Job.objects.filter(pk=job_id, created_by=user).first() if user.is_authenticated else None
    if job is None or (kind is not None and job.kind != kind):
        raise NotFound("job")
    return job


def latest_shared_job(*, kind: str, params: dict[str, int | str]) -> Job | None:
    """The latest job of ``kind`` started with ``params``, whoever started it: only for the kinds whose
    result holds no personal data (a round's what-if: counts per commune); the caller restricts what it
    shows to the reader's scope."""
    found = Job.objects.filter(kind=kind)
    for key, value in params.items():
        found = found.filter(**{f"params__{key}": value})
    return found.defer("log").order_by("-created_at", "-pk").first()


def job_outcome_counts(*, user: User, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """The user's own jobs that finished or failed in ``[start, end)`` (the weekly digest). One query."""
    window = Q(finished_at__gte=start, finished_at__lt=end)
    return job_list(user=user).aggregate(
        succeeded=Count("pk", filter=window & Q(status=JobStatus.SUCCEEDED)),
        failed=Count("pk", filter=window & Q(status=JobStatus.FAILED)),
    )
