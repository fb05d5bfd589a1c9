"""Handler of the province reclassification job (registered in ``HouseholdsConfig.ready()``).

It runs on a worker as the user who created the job (``job.created_by``): the province is looked up in that
user's area and the capability is checked again, since the user's role may have changed since.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.geo.selectors import current_year, province_to_pick
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from .reclassify import province_reclassify


def _require(job: Job, capability: str) -> None:
    if not can(job.created_by, capability):
        raise PermissionDenied(_("You are no longer allowed to do this: your role or access has changed."))


def reclassify(job: Job, progress: Progress) -> dict[str, Any]:
    """The engine's result for every active household of a province (``households.reclassify``)."""
    _require(job, Capability.MANAGE_REVIEW_ROUNDS)
    user = job_creator(job)
    code = str(job.params.get("province") or settings.DEFAULT_PROVINCE_CODE)
    try:
        year = int(job.params.get("year") or current_year())
    except (TypeError, ValueError):
        raise ValidationFailed(_("The year must be a number.")) from None
    province = province_to_pick(user=user, code=code)
    if province is None:
        raise NotFound(_("The province is not in your area."))
    progress.start(
        _("Classifying the households of %(province)s, %(year)s") % {"province": province.name, "year": year},
        0,
    )
    result = province_reclassify(province=province, year=year, acting_user=user, progress=progress.callback())
    progress.log(
        _("%(households)s households classified, %(changed)s results changed, in %(seconds).1f s.")
        % {"households": result.households, "changed": result.changed, "seconds": result.seconds}
    )
    return {
        "households": result.households,
        "changed": result.changed,
        "unclassified": result.unclassified,
        "undetermined": result.undetermined,
        "seconds": round(result.seconds, 1),
    }
