"""Every scoring page, with the demo's set in it, opens for each role that reaches it and speaks Vietnamese
(the checks of tests/test_pages_vietnamese.py: no internal key, no English word)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from giamngheo.demo.scoring import seed_scoring
from giamngheo.emulation.models import Movement, MovementPlan
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.scoring.models import ScoreSheet, SheetStatus
from tests.test_pages_vietnamese import _Text, choice_values, findings


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_pages_with_the_demo_set_speak_vietnamese(province: Any, users: dict[str, Any]) -> None:
    year = timezone.localdate().year
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    movement = Movement.objects.create(
        organiser=department, name="Phong trào thi đua", year_from=year, year_to=year
    )
    plan = MovementPlan.objects.create(movement=movement, year=year, title=f"Kế hoạch năm {year}")
    cset = seed_scoring(province=province, plan=plan).criteria_set
    assert cset is not None
    sheets = {s.status: s for s in ScoreSheet.objects.filter(criteria_set=cset)}
    mine = ScoreSheet.objects.get(criteria_set=cset, org_unit__short_name="PTNT-GN")
    criterion = cset.criteria.order_by("sort_order").first()
    assert criterion is not None
    common = [
        reverse("scoring:set-list"),
        reverse("scoring:set-detail", args=[cset.pk]),
        reverse("scoring:ranking", args=[cset.pk]),
    ]
    pages = {
        "vanphong": [
            *common,
            reverse("scoring:set-create"),
            reverse("scoring:set-copy"),
            reverse("scoring:set-update", args=[cset.pk]),
            reverse("scoring:criterion-update", args=[criterion.pk]),
            *[reverse("scoring:sheet-detail", args=[s.pk]) for s in sheets.values()],
        ],
        "truongphong": [
            *common,
            reverse("scoring:sheet-detail", args=[mine.pk]),
            reverse("scoring:sheet-self", args=[mine.pk]),
        ],
        "hoidong": [
            *common,
            *[reverse("scoring:sheet-detail", args=[s.pk]) for s in sheets.values()],
            reverse("scoring:sheet-council", args=[sheets[SheetStatus.SELF_SUBMITTED].pk]),
            reverse("scoring:sheet-return", args=[sheets[SheetStatus.SELF_SUBMITTED].pk]),
        ],
        "lanhdao": [*common, reverse("scoring:sheet-detail", args=[sheets[SheetStatus.SCORED].pk])],
    }
    values = choice_values()
    problems: dict[str, Any] = {}
    for username, urls in pages.items():
        client = client_for(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            found = findings(visible(response.content.decode()), values)
            if found:
                problems[f"{username} {url}"] = found
    assert not problems, problems
    # The menu offers the scoring to those who see the emulation.
    home = client_for(users["hoidong"]).get("/").content.decode()
    assert reverse("scoring:set-list") in home
