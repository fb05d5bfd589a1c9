"""Reads of background jobs: a user sees only the jobs they started (their files hold personal data)."""

from __future__ import annotations

from django.db.models import QuerySet

from giamngheo.accounts.models import User
from giamngheo.core.errors import NotFound

from .models import Job


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
