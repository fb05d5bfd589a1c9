"""Handler of the coverage recount job (registered in ``PoliciesConfig.ready()``): a year's entitlements
and coverage summaries rebuilt for every commune with households, after a policy's rule or period changed
(``tasks.coverage_rebuild_later``) or on the coverage page's button (``tasks.coverage_rebuild_start``).

The rebuild is the same as ``services.coverage_rebuild`` (one transaction per commune, only changed rows
written); it is called for a few communes at a time so the job's page can show how far it is.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.core.audit import audit_record
from giamngheo.core.errors import ValidationFailed
from giamngheo.households.models import Household
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress

from . import services

COMMUNES_PER_STEP = 10  # communes rebuilt between two progress reports


def _year(job: Job) -> int:
    try:
        return int(job.params.get("year") or timezone.localdate().year)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The year must be a number.")) from None


def coverage_rebuild(job: Job, progress: Progress) -> dict[str, Any]:
    """Rebuild the year's coverage (``job.params["year"]``, default the current year)."""
    year = _year(job)
    started = time.monotonic()
    communes = sorted(set(Household.objects.order_by().values_list("commune_id", flat=True).distinct()))
    progress.start(_("Recounting the policy coverage of %(year)s") % {"year": year}, len(communes))
    written = 0
    for start in range(0, len(communes), COMMUNES_PER_STEP):
        step = communes[start : start + COMMUNES_PER_STEP]
        written += services.coverage_rebuild(year=year, commune_ids=step)
        progress.advance(start + len(step))
    summary = {"communes": len(communes), "written": written, "seconds": round(time.monotonic() - started, 1)}
    audit_record(
        actor=job.created_by,
        action="policies.coverage.rebuild",
        target=job,
        after={"year": year, "communes": len(communes), "written": written},
    )
    progress.log(
        _("%(communes)s communes recounted, %(written)s entitlement rows changed.")
        % {"communes": len(communes), "written": written}
    )
    return summary
