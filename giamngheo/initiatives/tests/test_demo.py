"""The demo initiatives: eight over two years, five recognised by decisions (two by staff of PTNT-GN), one
awaiting the council, one draft, one not recognised; a second run adds nothing."""

from __future__ import annotations

from typing import Any

from giamngheo.demo.initiatives import seed_initiatives
from giamngheo.initiatives.models import Initiative, InitiativeFile, InitiativeStatus


def test_the_demo_initiatives(province: Any) -> None:
    assert seed_initiatives(province=province) == 8
    rows = Initiative.objects.filter(org_unit__area=province)
    by_status = {s: rows.filter(status=s).count() for s in InitiativeStatus.values}
    assert by_status == {
        "draft": 1,
        "submitted": 1,
        "returned": 0,
        "recognised": 5,
        "not_recognised": 1,
    }
    recognised = rows.filter(status="recognised")
    assert all(r.decision_number and r.decision_date and r.level == "grassroots" for r in recognised)
    assert recognised.filter(authors__staff__org_unit__short_name="PTNT-GN").distinct().count() >= 2
    assert len({r.year for r in rows}) == 2
    for initiative in rows:
        assert sum(a.share for a in initiative.authors.all()) == 100
    assert InitiativeFile.objects.filter(initiative__in=rows).count() == 2
    assert seed_initiatives(province=province) == 0
