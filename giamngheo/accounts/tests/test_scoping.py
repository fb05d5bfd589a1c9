from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability, Role
from giamngheo.accounts.scoping import area_ancestor_q, area_q, can, org_q
from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit


def test_commune_officer_sees_own_commune_and_its_villages_only(users, commune_a) -> None:
    visible = Area.objects.filter(area_q(users["canbo.bugiamap"]))
    assert set(visible.values_list("path", flat=True)) == set(
        Area.objects.filter(path__startswith=commune_a.path).values_list("path", flat=True)
    )
    assert visible.count() == 1 + commune_a.children.count()


def test_parents_are_named_not_opened(users, commune_a) -> None:
    above = Area.objects.filter(area_ancestor_q(users["canbo.bugiamap"]))
    assert [a.code for a in above] == ["75"]


def test_province_scope_sees_everything_below(users) -> None:
    assert (
        Area.objects.filter(area_q(users["chuyenvien"])).count()
        == Area.objects.filter(path__startswith="/75/").count()
    )


def test_administrator_sees_everything_and_empty_scope_sees_nothing(users, db) -> None:
    assert Area.objects.filter(area_q(users["admin"])).count() == Area.objects.count()
    nobody = User.objects.create(username="nobody", role=Role.PROVINCIAL_SPECIALIST)
    assert Area.objects.filter(area_q(nobody)).count() == 0
    assert OrgUnit.objects.filter(org_q(nobody)).count() == 0
    assert Area.objects.filter(area_q(AnonymousUser())).count() == 0


def test_inactive_user_sees_nothing(users) -> None:
    user = users["chuyenvien"]
    user.is_active = False
    assert Area.objects.filter(area_q(user)).count() == 0
    assert not can(user, Capability.MANAGE_VILLAGES)


def test_scope_uses_the_shortest_covering_paths(users, province, commune_a) -> None:
    user = User.objects.create(username="twice", role=Role.VIEWER)
    user.scope_areas.set([province, commune_a])
    from giamngheo.accounts.scoping import area_paths

    assert area_paths(user) == ("/75/",)


def test_unit_head_sees_own_division_only(users) -> None:
    head = users["truongphong"]
    units = list(OrgUnit.objects.filter(org_q(head)))
    assert [u.short_name for u in units] == ["PTNT-GN"]
    # Through the province: the department, its 8 units in operation and the one merged away in 2026.
    assert OrgUnit.objects.filter(org_q(users["chuyenvien"])).count() == 10
    assert OrgUnit.objects.filter(org_q(users["canbo.bugiamap"])).count() == 0


def test_capabilities_follow_the_role(users) -> None:
    assert can(users["admin"], Capability.MANAGE_USERS)
    assert not can(users["chuyenvien"], Capability.MANAGE_USERS)
    assert can(users["vanphong"], Capability.MANAGE_ORG)
    assert can(users["canbo.bugiamap"], Capability.MANAGE_VILLAGES)
    assert not can(users["lanhdao"], Capability.MANAGE_VILLAGES)
    assert not can(AnonymousUser(), Capability.VIEW_ORG)
