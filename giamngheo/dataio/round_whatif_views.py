"""The page of a review round's what-if before its survey (the job: ``round_whatif``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.accounts.permissions import capability_required, require
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.views import get_or_404
from giamngheo.geo.selectors import visible_area_ids
from giamngheo.jobs.choices import JobKind, JobStatus
from giamngheo.jobs.selectors import latest_shared_job
from giamngheo.jobs.services import job_create
from giamngheo.reviews import selectors as review_selectors

if TYPE_CHECKING:
    from giamngheo.jobs.models import Job
    from giamngheo.reviews.models import ReviewRound


def latest_whatif(*, review_round: ReviewRound) -> Job | None:
    """The round's latest what-if job (any user's: the result holds only counts)."""
    return latest_shared_job(kind=JobKind.ROUND_WHATIF, params={"round": review_round.pk})


@capability_required(Capability.VIEW_TABLES)
@require_http_methods(["GET", "POST"])
def round_whatif_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_round = get_or_404(review_selectors.access_whole_round_by_id, user=request.user, round_id=pk)
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
    result = (
        (job.summary or {}).get("whatif") if job is not None and job.status == JobStatus.SUCCEEDED else None
    )
    rows: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    if result:
        visible = visible_area_ids(user=request.user, area_ids=[r["commune_id"] for r in result["rows"]])
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
