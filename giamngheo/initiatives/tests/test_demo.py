"""The demo initiatives: eight over two years, five recognised by decisions (two by staff of PTNT-GN), one
awaiting the council, one draft, one not recognised; a second run adds nothing."""

from __future__ import annotations

from typing import Any

from giamngheo.demo.initiatives import seed_initiatives
from giamngheo.initiatives.models import Initiative, InitiativeFile, InitiativeStatus, InitiativeUse


def test_the_demo_initiatives(province: Any) -> None:
    InitiativeUse.objects.all().delete()  # the session's demo seeded them already: seed them again here
    Initiative.objects.all().delete()
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


def test_the_pages_of_the_demo_speak_vietnamese(province: Any, users: dict[str, Any]) -> None:
    """Every page of the demo's initiatives, for each role that reads them, shows no internal key and no
    English (the menu sweep of tests/test_pages_vietnamese.py runs on a database without them)."""
    from django.urls import reverse

    from conftest import client_for
    from tests.test_pages_vietnamese import _Text, choice_values, findings

    seed_initiatives(province=province)
    values = choice_values()
    rows = list(Initiative.objects.filter(org_unit__area=province))
    found: dict[str, list[str]] = {}
    for username in ("truongphong", "vanphong", "hoidong", "lanhdao"):
        client = client_for(users[username])
        urls = [
            reverse("initiatives:initiative-list"),
            reverse("initiatives:initiative-list") + "?status=draft",
        ]
        urls += [reverse("initiatives:initiative-detail", args=[r.pk]) for r in rows]
        urls += [reverse("initiatives:initiative-create")] if username in ("truongphong", "vanphong") else []
        urls += [reverse("initiatives:initiative-update", args=[r.pk]) for r in rows if r.status == "draft"]
        urls += [
            reverse("initiatives:initiative-evaluate", args=[r.pk]) for r in rows if r.status == "submitted"
        ]
        opened = 0
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            parser = _Text()
            parser.feed(response.content.decode())
            bad = findings("\n".join(parser.parts), values)
            if bad:
                found[f"{username} {url}"] = sorted(set(bad))
        assert opened >= 3, username
    assert not found, found
