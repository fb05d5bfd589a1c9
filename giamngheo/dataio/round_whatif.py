"""The what-if of a review round before its survey (``reviews.whatif``), as a background job and its page
under the round: per commune, how many households would be poor, near-poor or not determined under the
round's standard and under the standard in force now, and how many would change category.

The job belongs to whoever started it (``jobs``), but its result is counts per commune, no personal data:
every user who sees the round's whole province sees the latest result, restricted to the communes in
their scope.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.accounts.models import User
from giamngheo.accounts.permissions import capability_required, require
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import NotFound, PermissionDenied
from giamngheo.core.views import get_or_404
from giamngheo.geo.models import Area
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.jobs.services import Progress, job_create
from giamngheo.reviews import selectors as review_selectors
from giamngheo.reviews.models import ReviewRound
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


def latest_whatif(*, review_round: ReviewRound) -> Job | None:
    """The round's latest what-if job (any user's: the result holds only counts)."""
    return (
        Job.objects.filter(kind=JobKind.ROUND_WHATIF, params__round=review_round.pk)
        .defer("log")
        .order_by("-created_at", "-pk")
        .first()
    )


def _managed_round(*, user: User, round_id: int) -> ReviewRound:
    review_round = review_selectors.access_round_by_id(user=user, round_id=round_id)
    if not review_selectors.can_see_whole_round(user=user, review_round=review_round):
        raise NotFound("review round")
    return review_round


@capability_required(Capability.VIEW_TABLES)
@require_http_methods(["GET", "POST"])
def round_whatif_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_round = get_or_404(_managed_round, user=request.user, round_id=pk)
    if request.method == "POST":
        require(request, Capability.MANAGE_REVIEW_ROUNDS)
        job_create(
            kind=JobKind.ROUND_WHATIF,
            title=_("What-if of the %(round)s standard") % {"round": review_round},
            acting_user=request.user,
            params={"round": review_round.pk},
        )
        return redirect("dataio:round-whatif", pk=review_round.pk)
    job = latest_whatif(review_round=review_round)
    user: User = request.user
    result = (
        (job.summary or {}).get("whatif") if job is not None and job.status == JobStatus.SUCCEEDED else None
    )
    rows: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    if result:
        visible = set(
            Area.objects.filter(
                area_q(user, "path"), pk__in=[r["commune_id"] for r in result["rows"]]
            ).values_list("pk", flat=True)
        )
        rows = [r for r in result["rows"] if r["commune_id"] in visible]
        keys = [
            "households",
            "a_poor",
            "a_near_poor",
            "a_unknown",
            "b_poor",
            "b_near_poor",
            "b_unknown",
            "changed",
        ]
        totals = {k: sum(r[k] for r in rows) for k in keys}
    return render(
        request,
        "reviews/round_whatif.html",
        {
            "round": review_round,
            "standard": review_selectors.round_standard(review_round=review_round),
            "job": job,
            "result": result,
            "now_standard_name": (
                review_selectors.national_standard_name(year=result["now_year"]) if result else ""
            ),
            "rows": rows,
            "totals": totals,
            "can_run": can(request.user, Capability.MANAGE_REVIEW_ROUNDS) and review_round.status == "open",
            "own_job": job is not None and job.created_by_id == request.user.pk,
            "breadcrumbs": [
                (_("Review rounds"), reverse("reviews:round-list")),
                (str(review_round), reverse("reviews:round-detail", args=[review_round.pk])),
                (_("What-if before the survey"), None),
            ],
        },
    )
