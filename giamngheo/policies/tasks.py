"""Background work of the policies app: a year's coverage recounted as a job (``JobKind.COVERAGE_REBUILD``,
handler in ``jobs.py``) after the catalogue changed or on the coverage page's button."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.jobs.models import Job, JobKind
from giamngheo.jobs.services import job_create


def coverage_rebuild_start(*, year: int | None = None, acting_user: User | None = None) -> Job:
    """Create and queue the job that recounts the year's coverage (default: the current year).
    ``acting_user`` ``None``: a job of the system, in nobody's list."""
    year = year or timezone.localdate().year
    return job_create(
        kind=JobKind.COVERAGE_REBUILD,
        title=_("Policy coverage recount, %(year)s") % {"year": year},
        acting_user=acting_user,
        params={"year": year},
    )


def coverage_rebuild_later(year: int | None = None, acting_user: User | None = None) -> None:
    """Queue a recount of the year's coverage once the current transaction commits (a policy's rule or
    period changed: every commune's entitlements may change). The job is shown in the list of
    ``acting_user``, the user whose change made it necessary."""
    transaction.on_commit(lambda: coverage_rebuild_start(year=year, acting_user=acting_user))
