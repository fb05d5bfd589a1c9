"""Every URL of the app, visited as the commune officer of ANOTHER commune, shows nothing that is not theirs.

The sweep enumerates the URL configuration itself, so a URL added by a later issue is visited
automatically. A URL with parameters must say (in ``FOREIGN_KWARGS``) how to point it at an object of
the foreign commune; until it does, ``test_every_parametrised_url_is_covered`` fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area, AreaLevel, DifficultyPeriod
from giamngheo.geo.services import difficulty_period_add, village_create
from giamngheo.org.models import OrgUnit, Staff

MARKERS = ("Thôn Bí Mật Ngoại Xã", "Nguyễn Văn Ngoại Phạm Vi", "Cán Bộ Xã Khác Bí Mật")


@dataclass
class ForeignWorld:
    commune: Area
    village: Area
    period: DifficultyPeriod
    staff: Staff
    org_unit: OrgUnit
    officer: Any
    other_officer: Any


# How to point each parametrised URL at the foreign commune's data. Values: world -> list of kwargs.
FOREIGN_KWARGS: dict[str, Callable[[ForeignWorld], list[dict[str, Any]]]] = {
    "geo:area-detail": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}, {"pk": w.commune.parent_id}],
    "geo:village-create": lambda w: [{"pk": w.commune.pk}],
    "geo:village-update": lambda w: [{"pk": w.village.pk}],
    "geo:difficulty-add": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}],
    "geo:difficulty-delete": lambda w: [{"pk": w.period.pk}],
    "geo:urban-override": lambda w: [{"pk": w.commune.pk}],
    "org:unit-detail": lambda w: [{"pk": w.org_unit.pk}],
    "org:unit-update": lambda w: [{"pk": w.org_unit.pk}],
    "org:staff-update": lambda w: [{"pk": w.staff.pk}],
    "web:user-update": lambda w: [{"pk": w.other_officer.pk}],
    "web:audit-detail": lambda w: [
        {"pk": AuditRecord.objects.filter(target_id=str(w.village.pk)).first().pk}
    ],
}
# URLs that are not pages of the app (they render nothing from the database).
SKIP = {"javascript-catalog"}
# Parametrised URLs of public reference data (no area or personal data): visited, may answer 200.
PUBLIC = {"standards:standard-detail": lambda w: [{"code": "ND07-2021"}, {"code": "NO-SUCH"}]}


def _walk(
    resolvers: list[URLPattern | URLResolver], prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), namespace)
        elif entry.name:
            yield f"{ns}{entry.name}", prefix + str(entry.pattern)


def all_urls() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def world(users, commune_a, commune_b) -> ForeignWorld:  # type: ignore[no-untyped-def]
    village = village_create(commune=commune_a, name=MARKERS[0], division_type="thon", acting_user=None)
    period = difficulty_period_add(
        area=village, from_year=2022, to_year=2026, legal_source="test", acting_user=None
    )
    org_unit = OrgUnit.objects.filter(kind="division").first()
    staff = Staff.objects.create(full_name=MARKERS[1], org_unit=org_unit, staff_type="civil_servant")
    other_officer = users["canbo.bugiamap"]
    other_officer.full_name = MARKERS[2]
    other_officer.save()
    return ForeignWorld(
        commune=commune_a,
        village=village,
        period=period,
        staff=staff,
        org_unit=org_unit,
        officer=users["canbo.tranbien"],
        other_officer=other_officer,
    )


def test_every_parametrised_url_is_covered() -> None:
    missing = [
        name
        for name, route in all_urls()
        if "<" in route and name not in FOREIGN_KWARGS and name not in SKIP and name not in PUBLIC
    ]
    assert not missing, f"Add these URLs to FOREIGN_KWARGS in tests/test_scope_sweep.py: {missing}"


def _assert_clean(response: Any, url: str) -> None:
    assert response.status_code < 500, f"{url} -> {response.status_code}"
    body = response.content.decode("utf-8", errors="replace")
    for marker in MARKERS:
        assert marker not in body, f"{url} leaks “{marker}” to an officer of another commune"
    assert world_commune_name not in body, f"{url} leaks the foreign commune's name"


world_commune_name = "Xã Bù Gia Mập"


def test_officer_of_another_commune_sees_nothing_foreign(world: ForeignWorld) -> None:
    client = Client()
    audit_before = AuditRecord.objects.count()
    villages_before = Area.objects.filter(level=AreaLevel.VILLAGE).count()
    visited = 0
    for name, route in all_urls():
        if name in SKIP:
            continue
        public = name in PUBLIC
        kwargs_list = (PUBLIC[name] if public else FOREIGN_KWARGS[name])(world) if "<" in route else [{}]
        for kwargs in kwargs_list:
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                client.force_login(world.officer)
                response = getattr(client, method)(
                    url,
                    {"name": "X", "from_year": "2020", "urban": "urban"},
                    HTTP_HX_REQUEST="true" if visited % 2 else None,
                )
                _assert_clean(response, f"{method.upper()} {url}")
                if kwargs and not public:
                    assert response.status_code in (403, 404, 405), (
                        f"{method.upper()} {url} answered {response.status_code} for a foreign object"
                    )
                visited += 1
    assert visited >= 2 * len(all_urls()) - 2 * len(SKIP)
    # Nothing was written on the foreign commune's behalf (writes are always audited).
    assert AuditRecord.objects.count() == audit_before
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == villages_before
    assert world.period.__class__.objects.filter(pk=world.period.pk).exists()


def test_control_the_owner_does_see_the_markers(world: ForeignWorld) -> None:
    """The sweep would notice a leak: the commune's own officer sees the same data."""
    client = Client()
    client.force_login(world.other_officer)
    body = client.get(reverse("geo:area-detail", kwargs={"pk": world.commune.pk})).content.decode()
    assert MARKERS[0] in body
    admin = Client()
    admin.force_login(type(world.officer).objects.get(username="admin"))
    assert MARKERS[1] in admin.get(reverse("org:staff-list")).content.decode()
    assert MARKERS[2] in admin.get(reverse("web:user-list")).content.decode()
