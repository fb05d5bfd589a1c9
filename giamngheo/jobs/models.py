"""Background jobs: imports, exports and reclassifications that outlive a request.

A ``Job`` row is what the user sees (status, progress, log, files); the queue (django-tasks: in-process,
database or Redis/RQ, see docs/decisions/0007) only carries the job's primary key. Progress and the log are
written to this row by whichever worker runs the job, so the page that polls it works the same whatever
machine the worker is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from . import registry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class JobKind:
    """The names of the kinds of job in use (data, not imports: the apps that own them register their
    handler and label in ``jobs.registry``; ``Job.kind`` is not limited to these in the database)."""

    HOUSEHOLD_IMPORT = "household_import"
    HOUSEHOLD_EXPORT = "household_export"
    MEMBER_EXPORT = "member_export"
    RECLASSIFY = "reclassify"
    SUPPORT_IMPORT = "support_import"
    ROUND_WHATIF = "round_whatif"
    VILLAGE_IMPORT = "village_import"
    COVERAGE_REBUILD = "coverage_rebuild"
    REVIEW_ALERTS = "review_alerts"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(BaseModel):
    kind = models.CharField(_("kind"), max_length=32)  # a kind of ``jobs.registry``
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    title = models.CharField(_("title"), max_length=255)
    # ``None``: a job the system started (no user's list shows it).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="jobs",
        null=True,
        blank=True,
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/in/%Y/%m/", blank=True, max_length=255)
    input_name = models.CharField(_("file name"), max_length=255, blank=True)
    result_file = models.FileField(_("result"), upload_to="jobs/out/%Y/%m/", blank=True, max_length=255)
    result_name = models.CharField(max_length=255, blank=True)
    report_file = models.FileField(_("error report"), upload_to="jobs/out/%Y/%m/", blank=True, max_length=255)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    stage = models.CharField(_("stage"), max_length=120, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> StrOrPromise:
        """The kind's label, as its app registered it."""
        return registry.label(self.kind)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
