"""The pull job (kind ``odk_pull``): read the connection's new submissions from ODK Central, then hand them
to a household import (``services.pull_stage``). Everything is read before anything is written: a refused
password, an unreachable server or a missing form fails the job with its reason and writes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from giamngheo.core.errors import NotFound, ValidationFailed
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from . import credentials, selectors, services
from .central import Central, CentralError, pull


def pull_job(job: Job, progress: Progress) -> dict[str, Any]:
    user = job_creator(job)
    try:
        connection = selectors.access_connection_by_id(
            user=user, connection_id=int(job.params["connection_id"])
        )
    except NotFound:
        raise ValidationFailed(_("The ODK Central connection no longer exists.")) from None
    try:
        password = services.connection_password(connection)
    except credentials.Unreadable:
        raise ValidationFailed(
            _(
                "The password of the ODK Central account cannot be read (the key changed or the environment "
                "variable is not set): enter it again on the connection's page."
            )
        ) from None
    since = connection.last_submission_at
    progress.start(_("Reading the submissions from ODK Central"), 0)
    try:
        with Central(
            base_url=connection.base_url,
            email=connection.email,
            password=password,
            timeout=float(getattr(settings, "ODK_TIMEOUT", 30)),
        ) as central:
            pulled = pull(
                central,
                project_id=connection.project_id,
                form_id=connection.form_id,
                since=since,
                progress=progress.callback(),
            )
    except CentralError as exc:
        raise ValidationFailed(str(exc)) from None
    progress.log(
        _("%(submissions)s submissions and %(members)s members read")
        % {"submissions": len(pulled.submissions), "members": len(pulled.members)}
    )
    summary = services.pull_stage(job=job, acting_user=user, connection_id=connection.pk, pulled=pulled)
    services.pull_stage_enqueue(import_job_id=summary["import_job"])
    if summary["households"]:
        progress.log(_("New submissions handed to a household import: map the columns and check it."))
    else:
        progress.log(_("No new submission since the last pull."))
    return summary
