"""Writes of the import app: saved column mappings, the start of a file's check. (The import itself is
``imports.running.household_import``.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.audit import audit_record
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.jobs.services import job_enqueue

from .fields import BY_KEY
from .models import ImportMapping, header_signature


@transaction.atomic
def import_mapping_save(
    *, headers: list[str], mapping: list[str], acting_user: User, commune_id: int | None = None
) -> ImportMapping:
    """Remember how this user mapped a layout (no personal data: header texts and field keys only), for
    the user and the officers of the file's commune."""
    clean = [key if key in BY_KEY else "" for key in mapping]
    commune = (
        Area.objects.filter(area_q(acting_user), pk=commune_id, level=AreaLevel.COMMUNE).first()
        if commune_id is not None
        else None
    )
    saved, _created = ImportMapping.objects.update_or_create(
        created_by=acting_user,
        signature=header_signature(headers),
        defaults={"headers": headers, "mapping": clean, "commune": commune},
    )
    return saved


def import_check_start(*, job: Job, params: dict[str, Any], title: str) -> Job:
    """Queue the check (dry run) of a file its job has read: the same job, its mapping now chosen."""
    job.params = {**job.params, **params, "stage": "check"}
    job.title = title[:255]
    job.status, job.started_at, job.finished_at = JobStatus.QUEUED, None, None
    job.total = job.done = 0
    job.stage = job.error = job.task_id = ""
    job.summary = {}
    job.updated_at = timezone.now()
    job.save(
        update_fields=[
            "params",
            "title",
            "status",
            "started_at",
            "finished_at",
            "total",
            "done",
            "stage",
            "error",
            "task_id",
            "summary",
            "updated_at",
        ]
    )
    job_enqueue(job=job)
    return job


def staged_prune(*, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what imports leave behind that is older than ``days``: the staged plans of checks never
    imported, and the uploaded files of finished import jobs (personal data kept no longer than needed).
    The jobs' rows stay, their input file emptied."""
    from .import_jobs import plans_dir

    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    plans = 0
    folder = plans_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                plans += 1
    kinds = (JobKind.HOUSEHOLD_IMPORT, JobKind.SUPPORT_IMPORT)
    in_use = set(
        Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
        .exclude(input_file="")
        .values_list("input_file", flat=True)
    )
    in_use |= set(
        Job.objects.filter(created_at__gte=cutoff).exclude(input_file="").values_list("input_file", flat=True)
    )
    old = Job.objects.filter(kind__in=kinds, created_at__lt=cutoff).exclude(input_file="")
    names = set(old.values_list("input_file", flat=True)) - in_use
    storage = Job._meta.get_field("input_file").storage
    for name in sorted(names):
        storage.delete(name)
    emptied = Job.objects.filter(input_file__in=names).update(input_file="")
    if plans or names:
        audit_record(
            actor=None,
            action="dataio.staged_prune",
            target_type="jobs.job",
            before={"staged_plans": plans, "input_files": len(names), "jobs": emptied},
            after={"staged_plans": 0, "input_files": 0},
            note=f"older than {days} days",
        )
    return {"plans": plans, "files": len(names), "jobs": emptied}
