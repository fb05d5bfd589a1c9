"""The demo's scoring: the year's set of the department's movement, open, with sheets in every state; nothing
without the movement's plan, nothing more when run again."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from giamngheo.demo.scoring import seed_scoring
from giamngheo.emulation.models import Movement, MovementPlan
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.scoring.models import CriteriaSet, ScoreSheet, SetStatus, SheetStatus


def test_seed_scoring(province: Any) -> None:
    year = timezone.localdate().year
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    plans = MovementPlan.objects.filter(year=year, movement__organiser__path__startswith=department.path)
    if not plans.exists():  # the demo of the movement not seeded: no plan, nothing to score
        assert seed_scoring(province=province).criteria_set is None
    movement = Movement.objects.create(
        organiser=department,
        name="Phong trào thi đua “Chung tay vì người nghèo”",
        year_from=year,
        year_to=year,
    )
    plan = MovementPlan.objects.create(movement=movement, year=year, title=f"Kế hoạch thi đua năm {year}")
    report = seed_scoring(province=province, plan=plan)
    cset = report.criteria_set
    assert cset is not None and cset.status == SetStatus.OPEN
    assert cset.criteria.count() == 9 and cset.criteria.filter(points_each__lt=0).count() == 1
    assert cset.criteria.exclude(source="").count() == 5
    sheets = {s.org_unit.short_name: s for s in ScoreSheet.objects.filter(criteria_set=cset)}
    assert sheets["PTNT-GN"].status == SheetStatus.DRAFT
    assert sheets["QLĐĐ"].status == SheetStatus.RETURNED
    scored = [s for s in sheets.values() if s.status == SheetStatus.SCORED]
    assert len(scored) == report.scored == 4
    assert all(s.council_total is not None for s in scored)
    assert seed_scoring(province=province, plan=plan).criteria_set is None  # run again: nothing more
    assert CriteriaSet.objects.filter(plan__movement=movement).count() == 1
