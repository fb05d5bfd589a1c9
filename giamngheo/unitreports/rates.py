"""Completeness and timeliness of units' periodic reports (read by the office's pages, the scores and the
department's reports).

Expected reports come from each unit's own history: a unit is expected to answer a request only when it was
asked and it existed during the request's period (``OrgUnit.valid_from`` ≤ period end and ``valid_to`` empty
or ≥ period start). A report counts as received once submitted (or approved later), on time when submitted on
or before the due date — or before the end of an extension granted to the unit. So received ≤ expected and
on time ≤ received: no rate exceeds 100 %."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from giamngheo.org.models import OrgUnit

from .models import ReportRequest, ReportStatus, UnitReport

RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.OFFICE_APPROVED, ReportStatus.LEADER_APPROVED)


@dataclass(frozen=True)
class Timeliness:
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def existed_during(unit: OrgUnit, start: dt.date, end: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= end) and (
        unit.valid_to is None or unit.valid_to >= start
    )


def expected_unit_ids(request: ReportRequest) -> set[int]:
    """The units asked by ``request`` that existed during its period."""
    return {
        unit.pk
        for unit in request.units.all()
        if existed_during(unit, request.period_start, request.period_end)
    }


def deadline_for(request: ReportRequest, unit_id: int) -> dt.date:
    """The due date, or the latest extension granted to the unit."""
    until = [e.until for e in request.exceptions.all() if e.org_unit_id == unit_id]
    return max([request.due_date, *until])


def report_timeliness(
    *, year: int, unit_ids: Iterable[int], requests: Iterable[ReportRequest] | None = None
) -> dict[int, Timeliness]:
    """Per unit id (every id asked for appears): expected, received and on-time reports over the requests
    whose period ends in ``year`` (or over ``requests``)."""
    ids = set(unit_ids)
    if requests is None:
        requests = ReportRequest.objects.filter(period_end__year=year)
    requests = list(
        ReportRequest.objects.filter(pk__in=[r.pk for r in requests]).prefetch_related("units", "exceptions")
    )
    reports = {
        (r.request_id, r.org_unit_id): r
        for r in UnitReport.objects.filter(request__in=requests, org_unit_id__in=ids).filter(
            Q(status__in=RECEIVED)
        )
    }
    tally = {pk: [0, 0, 0] for pk in ids}
    for request in requests:
        for unit_id in expected_unit_ids(request) & ids:
            tally[unit_id][0] += 1
            report = reports.get((request.pk, unit_id))
            if report is None or report.submitted_at is None:
                continue
            tally[unit_id][1] += 1
            submitted_on = timezone.localdate(report.submitted_at)
            if submitted_on <= deadline_for(request, unit_id):
                tally[unit_id][2] += 1
    return {pk: Timeliness(expected=t[0], received=t[1], on_time=t[2]) for pk, t in tally.items()}


def requests_due(*, year: int, today: dt.date | None = None) -> list[ReportRequest]:
    """The requests whose period ends in ``year`` and whose due date has passed: a request not yet due
    expects nothing yet (the per-unit rates page counts over these; pass them as ``requests`` to
    ``report_timeliness`` for the same figures)."""
    today = today or timezone.localdate()
    return list(ReportRequest.objects.filter(period_end__year=year, due_date__lt=today))
