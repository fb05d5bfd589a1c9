"""Handlers of the province reclassification job and of its parts (registered in the app's ``ready()``).

It runs on a worker as the user who created the job (``job.created_by``): the province is looked up in that
user's area and the capability is checked again, since the user's role may have changed since.

With several workers (``reclassify_parts()`` > 1: PostgreSQL and the Redis queue, or ``RECLASSIFY_PARTS``) the
job splits the province into parts of about the same number of households (``reclassify.province_parts``),
each a job of the system on the queue (``RECLASSIFY_PART``): other workers take them while this one runs
those nobody has taken yet (``job_run`` claims a job once), then waits for the rest. Its progress is the sum
of its parts'; the run is recorded once, with the summed counts, when every part has finished (decision 0032).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import current_year, province_to_pick
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.services import Progress, job_create, job_creator, job_run

from .reclassify import (
    ReclassifyResult,
    default_on,
    province_parts,
    province_reclassify,
    reclassify_part,
    reclassify_parts_finish,
    tidy_registry,
)

RECLASSIFY_PART = "reclassify_part"  # a part of a province's reclassification (a job of the system)


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
    parts = reclassify_parts()
    extra: dict[str, Any] = {}
    if parts > 1:
        result, extra["parts"] = _in_parts(
            job, progress, province=province, year=year, user=user, parts=parts
        )
    else:
        result = province_reclassify(
            province=province, year=year, acting_user=user, progress=progress.callback()
        )
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
        **extra,
    }


def reclassify_parts() -> int:
    """How many parts a province's reclassification job is split into: ``settings.RECLASSIFY_PARTS`` if set
    (> 0), else 8 on PostgreSQL with the Redis queue (workers on several processes or machines write at
    once), else 1 (one run: SQLite has one writer, and reads in forked processes itself, decision 0024)."""
    wanted = int(getattr(settings, "RECLASSIFY_PARTS", 0) or 0)
    if wanted > 0:
        return wanted
    return 8 if connection.vendor == "postgresql" and settings.TASKS_BACKEND == "redis" else 1


PART_STALLED_SECONDS = 15 * 60  # a running part silent for this long: its worker died
POLL_SECONDS = 0.25


def _in_parts(
    job: Job, progress: Progress, *, province: Area, year: int, user: User, parts: int
) -> tuple[ReclassifyResult, int]:
    """The province's run in parts on the queue: (the run's result, the number of parts)."""
    started = time.perf_counter()
    on = default_on(year)
    ids = parts_create(job, province=province, year=year, on=on, parts=parts)
    total = sum(int(p["params"]["households"]) for p in Job.objects.filter(pk__in=ids).values("params"))
    progress.advance(0, total)
    progress.log(_("Split into %(parts)s parts for the workers.") % {"parts": len(ids)})
    for pk in ids:  # run the parts no other worker has taken yet (each is claimed once)
        job_run(job_id=pk)
        _parts_progress(ids, progress, total)
    while not (rows := _parts_progress(ids, progress, total))[0]:
        time.sleep(POLL_SECONDS)
    result = parts_finish(rows[1], province=province, year=year, on=on, user=user, started=started)
    return result, len(ids)


def parts_create(job: Job, *, province: Area, year: int, on: dt.date, parts: int) -> list[int]:
    """The parts of ``job``'s run, each a job of the system put on the queue: their primary keys."""
    groups = province_parts(province=province, parts=parts)
    ids = []
    for number, group in enumerate(groups, start=1):
        part = job_create(
            kind=RECLASSIFY_PART,
            title=f"{job.title} ({number}/{len(groups)})"[:255],
            acting_user=None,
            params={
                "parent": job.pk,
                "province": province.code,
                "year": year,
                "on": on.isoformat(),
                "communes": group.communes,
                "households": group.households,
            },
        )
        ids.append(part.pk)
    return ids


def parts_finish(
    rows: list[dict[str, Any]], *, province: Area, year: int, on: dt.date, user: User, started: float
) -> ReclassifyResult:
    """Every part finished: the run's counts summed and recorded once; a failed part fails the job."""
    failed = [row for row in rows if row["status"] != JobStatus.SUCCEEDED]
    if failed:
        raise ValidationFailed(
            _(
                "%(failed)s of %(parts)s parts of the reclassification failed. Households already written "
                "keep their new results; run the reclassification again to complete it."
            )
            % {"failed": len(failed), "parts": len(rows)}
        )
    return reclassify_parts_finish(
        province=province,
        year=year,
        on=on,
        parts=[row["summary"]["tally"] for row in rows],
        acting_user=user,
        seconds=time.perf_counter() - started,
    )


def _parts_progress(ids: list[int], progress: Progress, total: int) -> tuple[bool, list[dict[str, Any]]]:
    """The parts' rows; the job's progress is the sum of theirs. (all finished?, rows). A part running
    without a word for ``PART_STALLED_SECONDS`` (its worker stopped) fails the job."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Job.objects.filter(pk__in=ids).values("pk", "status", "done", "summary", "updated_at")
    ]
    progress.advance(sum(row["done"] for row in rows), total)
    now = dt.datetime.now(tz=dt.UTC)
    for row in rows:
        if (
            row["status"] == JobStatus.RUNNING
            and (now - row["updated_at"]).total_seconds() > PART_STALLED_SECONDS
        ):
            raise ValidationFailed(
                _("A part of the reclassification stopped answering. Run the reclassification again.")
            )
    finished = all(row["status"] in (JobStatus.SUCCEEDED, JobStatus.FAILED) for row in rows)
    return finished, rows


def reclassify_part_job(job: Job, progress: Progress) -> dict[str, Any]:
    """A part of a province's reclassification (created by the job above, which checked the user's right):
    its communes' households, the part's counts as its summary."""
    params = job.params
    province = Area.objects.get(code=str(params["province"]), level=AreaLevel.PROVINCE)
    communes = [int(c) for c in params["communes"]]
    progress.start(job.title, int(params.get("households") or 0))
    started = time.perf_counter()
    tally = reclassify_part(
        province=province,
        year=int(params["year"]),
        on=dt.date.fromisoformat(str(params["on"])),
        commune_ids=communes,
        progress=progress.callback(),
    )
    return {
        "tally": tally,
        "households": tally["households"],
        "changed": tally["changed"],
        "seconds": round(time.perf_counter() - started, 1),
        "worker": f"{socket.gethostname()}:{os.getppid()}",  # RQ runs a job in a forked child
    }


def registry_tidy(job: Job, progress: Progress) -> dict[str, Any]:
    """``VACUUM (ANALYZE)`` of the household table after a large reclassification (``tidy_registry``)."""
    started = time.perf_counter()
    progress.start(_("Tidying the household table after a reclassification"), 0)
    tidy_registry()
    return {"seconds": round(time.perf_counter() - started, 1)}
