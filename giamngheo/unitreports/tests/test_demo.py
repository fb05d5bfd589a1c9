"""The demo's periodic reports: realistic, through the services, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from giamngheo.demo.unitreports import MERGED, TEMPLATE_NAME, seed_unitreports
from giamngheo.org.models import OrgUnit
from giamngheo.unitreports import rates, selectors
from giamngheo.unitreports.models import ReportRequest, ReportStatus, UnitReport

pytestmark = pytest.mark.django_db


def test_demo_reports(province: Any, users: Any) -> None:
    seed_unitreports(province=province)
    again = seed_unitreports(province=province)
    assert again.template is None  # the second run leaves everything alone
    requests = list(ReportRequest.objects.filter(template__name=TEMPLATE_NAME).order_by("period_start"))
    assert [r.period for r in requests[:3]] == [1, 2, 3]
    merged = OrgUnit.objects.get(short_name=MERGED[1])
    assert [merged.pk in rates.expected_unit_ids(r) for r in requests] == [True, True] + [False] * (
        len(requests) - 2
    )
    statuses = {s for r in requests[:2] for s in r.reports.values_list("status", flat=True)}
    assert statuses == {ReportStatus.LEADER_APPROVED}
    q3 = requests[2]
    q3_status = list(q3.reports.values_list("status", flat=True))
    assert q3_status.count(ReportStatus.RETURNED) == 1 and q3_status.count(ReportStatus.DRAFT) == 1
    assert q3.exceptions.count() == 1
    overview = selectors.request_overview(user=users["vanphong"], request=q3)
    kinds = {r.timeliness for r in overview.rows}
    assert {selectors.ON_TIME, selectors.LATE, selectors.MISSING} <= kinds
    current = requests[-1]
    if current.due_date >= timezone.localdate():
        ptnt = UnitReport.objects.get(request=current, org_unit__short_name="PTNT-GN")
        assert ptnt.status == ReportStatus.DRAFT
        assert any(t.report.pk == ptnt.pk for t in selectors.reports_to_do(user=users["truongphong"]))
    for row in selectors.unit_rates(user=users["vanphong"], year=2026):
        assert row.completeness is not None and 0 <= row.completeness <= 1
        assert row.timeliness is not None and row.timeliness <= row.completeness
    aggregate = selectors.request_aggregate(user=users["vanphong"], request=requests[0])
    assert aggregate.received == aggregate.expected
    assert any(f.given < f.received for f in aggregate.figures)  # some figures left unknown
