"""Writes of background jobs: create and enqueue, report progress, finish.

``job_create`` stores the job and puts its primary key on the queue; ``job_run`` (called by the task, on
whichever worker takes it) runs the kind's handler with a ``Progress`` that writes the counters, the stage
and the log to the job's row, at most a few times a second. Handlers live with their domain app, which
registers them in ``jobs.registry`` from its ``AppConfig.ready()``: this app depends on none of them.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record
from giamngheo.core.errors import ApplicationError

from . import registry
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

LOG_LIMIT = 200_000  # characters of log kept on the row


class Progress:
    """What a handler reports while it runs. Writes go straight to the job's row (its own UPDATE,
    outside any transaction of the handler's data), throttled to one every ``interval`` seconds."""

    def __init__(self, job: Job, *, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0
        self._log: list[str] = [job.log] if job.log else []

    def _flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        log = "\n".join(self._log)[-LOG_LIMIT:]
        Job.objects.filter(pk=self.job.pk).update(
            total=self.job.total, done=self.job.done, stage=self.job.stage, log=log, updated_at=timezone.now()
        )

    def start(self, stage: str, total: int) -> None:
        self.job.stage, self.job.total, self.job.done = stage[:120], max(total, 0), 0
        self.log(stage)

    def advance(self, done: int, total: int | None = None) -> None:
        self.job.done = max(done, 0)
        if total is not None:
            self.job.total = max(total, 0)
        self._flush()

    def log(self, message: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self._log.append(f"{stamp}  {message}")
        self._flush(force=True)

    def callback(self) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callable for services that take one."""
        return lambda done, total: self.advance(done, total)


def job_create(
    *,
    kind: str,
    title: str,
    acting_user: User | None,
    params: dict[str, Any] | None = None,
    upload: UploadedFile[Any] | File[Any] | None = None,
    source_file: Job | None = None,
    enqueue: bool = True,
) -> Job:
    """Store a job (and its input file) and put it on the queue. ``acting_user`` ``None``: a job of the
    system (a consequence of someone's change that nobody asked for), audited as such and in nobody's list."""
    if not registry.is_registered(kind):
        raise ValueError(f"unknown job kind {kind!r}: no app registered a handler for it (jobs.registry)")
    job = Job(kind=str(kind), title=title[:255], created_by=acting_user, params=params or {})
    job.created_at = timezone.now()
    if upload is not None:
        name = upload.name or "file"
        job.input_name = name.rsplit("/", 1)[-1][:255]
        job.input_file.save(job.input_name, upload, save=False)
    elif source_file is not None and source_file.input_file:
        # The same stored file as an earlier job of the user (the check, then the import): no copy.
        job.input_name, job.input_file.name = source_file.input_name, source_file.input_file.name
    job.save()
    audit_record(actor=acting_user, action=f"jobs.{kind}.create", target=job, after={"params": job.params})
    if enqueue:
        job_enqueue(job=job)
    return job


def job_creator(job: Job) -> User:
    """The user a job runs as: its creator, to whom what it reads is scoped. Only a job the system started
    has none, and none of those reads as a user: a handler asking for it on one is a mistake."""
    if job.created_by is None:
        raise ValueError(f"job {job.pk} ({job.kind}) has no creator to run as")
    return job.created_by


def job_enqueue(*, job: Job) -> None:
    from .tasks import run_job  # the task module imports this one

    result = run_job.using(queue_name=settings.JOBS_QUEUE).enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.task_id = str(result.id)[:64]


def job_run(*, job_id: int) -> Job | None:
    """Run a queued job (called by the worker). A job already started elsewhere is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    progress = Progress(job)
    status, error = JobStatus.SUCCEEDED, ""
    try:
        summary = registry.job_type(job.kind).handler(job, progress) or {}
    except ApplicationError as exc:
        status, error, summary = JobStatus.FAILED, str(exc.message), {}
        progress.log(error)
    except Exception:  # a failed job must say so on its page whatever went wrong
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        status, summary = JobStatus.FAILED, {}
        error = _(
            "The job stopped because of an unexpected error. Nothing more was written; the details "
            "are in the server log."
        )
        progress.log(error)
        progress.log(traceback.format_exc(limit=3).strip().splitlines()[-1])
    progress._flush(force=True)
    fields: dict[str, Any] = {
        "status": status,
        "error": error,
        "summary": {**job.summary, **summary},
        "finished_at": timezone.now(),
    }
    if status == JobStatus.SUCCEEDED and job.total:
        fields["done"] = job.total
    for name in ("result_file", "result_name", "report_file"):
        fields[name] = getattr(job, name)
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    _notify_creator(job)
    return job


def _notify_creator(job: Job) -> None:
    """Tell the user who started the job that it finished or failed (a job of the system: nobody)."""
    if job.created_by_id is None:
        return
    from django.urls import reverse

    from giamngheo.notices.models import NoticeKind
    from giamngheo.notices.services import notify, site_language

    failed = job.status == JobStatus.FAILED
    with site_language():
        values = {"kind": registry.label(job.kind), "title": job.title}
        title = (_("Job failed: %(kind)s") if failed else _("Job finished: %(kind)s")) % values
        body = job.error if failed else job.title
    notify(
        recipients=[job.created_by_id],
        kind=NoticeKind.JOB_FAILED if failed else NoticeKind.JOB_FINISHED,
        title=title,
        body=body,
        url=reverse("jobs:job-detail", args=[job.pk]),
        key=f"job:{job.pk}",
    )
