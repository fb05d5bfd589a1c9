"""The constants of background jobs that pages and other apps name (no models: a view imports these, never
``jobs.models``). ``jobs.models`` re-exports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    PLAN_ALERTS = "plan_alerts"
    TRAINING_IMPORT = "training_import"
    FUND_IMPORT = "fund_import"
    ODK_PULL = "odk_pull"  # odk/jobs.py (issue 17)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
