"""The what-if of a review round before its survey (``reviews.whatif``) as a background job (its page:
``round_whatif_views``): per commune, how many households would be poor, near-poor or not determined
under the round's standard and under the standard in force now, and how many would change category.

The job belongs to whoever started it (``jobs``), but its result is counts per commune, no personal data:
every user who sees the round's whole province sees the latest result, restricted to the communes in
their scope.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import NotFound, PermissionDenied
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress
from giamngheo.reviews import selectors as review_selectors
from giamngheo.reviews.whatif import round_whatif


def run_round_whatif(job: Job, progress: Progress) -> dict[str, Any]:
    """Job handler: the what-if of the round ``job.params["round"]``."""
    user = job.created_by
    if not can(user, Capability.MANAGE_REVIEW_ROUNDS):
        raise PermissionDenied(_("You are no longer allowed to do this: your role or access has changed."))
    try:
        review_round = review_selectors.access_managed_round_by_id(
            user=user, round_id=int(job.params.get("round") or 0)
        )
    except NotFound:
        raise NotFound(_("The review round is not in your area.")) from None
    progress.start(_("Classifying the registry under both standards"), 0)
    result = round_whatif(review_round=review_round, progress=progress.callback())
    progress.log(_("%(n)s households classified.") % {"n": result["households"]})
    return {"whatif": result}
