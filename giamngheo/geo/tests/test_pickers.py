"""The pickers of units (``geo.selectors.*_to_pick``): the same units, in the same order, as the filters the
views wrote before (``area_list(user=...).filter(level=...)``), scoped for each user."""

from __future__ import annotations

import pytest

from giamngheo.core.text import vi_sorted
from giamngheo.geo import selectors
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.services import village_create

USERS = ["admin", "chuyenvien", "lanhdao", "vanphong", "canbo.bugiamap", "canbo.tranbien"]


def codes(qs):  # type: ignore[no-untyped-def]
    return [a.code for a in qs]


@pytest.fixture
def with_former_village(users, commune_a):  # type: ignore[no-untyped-def]
    """An inactive village in commune A: pickers of active units never offer it."""
    village = village_create(
        commune=commune_a, name="Thôn Cũ Đã Nhập", division_type="thon", acting_user=users["admin"]
    )
    Area.objects.filter(pk=village.pk).update(is_active=False)
    return village


@pytest.mark.parametrize("username", USERS)
def test_pickers_match_the_filters_they_replace(users, username, with_former_village):  # type: ignore[no-untyped-def]
    user = users[username]
    area_list = selectors.area_list(user=user)
    assert codes(selectors.provinces_to_pick(user=user)) == codes(area_list.filter(level=AreaLevel.PROVINCE))
    assert codes(selectors.provinces_to_pick(user=user, by_name=True)) == codes(
        vi_sorted(area_list.filter(level=AreaLevel.PROVINCE))
    )
    assert codes(selectors.communes_to_pick(user=user)) == codes(
        vi_sorted(area_list.filter(level=AreaLevel.COMMUNE))
    )
    assert codes(selectors.villages_to_pick(user=user)) == codes(
        area_list.filter(level=AreaLevel.VILLAGE, is_active=True)
    )
    assert codes(selectors.scope_units_to_pick(user=user)) == codes(
        area_list.filter(level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE])
    )
    for commune in selectors.communes_to_pick(user=user)[:3]:
        assert codes(selectors.villages_to_pick(user=user, commune=commune)) == codes(
            vi_sorted(selectors.village_list(user=user, commune=commune).filter(is_active=True))
        )


def test_a_commune_officer_picks_only_their_commune(users, commune_a, commune_b, with_former_village):  # type: ignore[no-untyped-def]
    officer = users["canbo.bugiamap"]
    assert list(selectors.communes_to_pick(user=officer)) == [commune_a]
    assert list(selectors.provinces_to_pick(user=officer)) == []
    assert selectors.commune_to_pick(user=officer, commune_id=commune_a.pk) == commune_a
    assert selectors.commune_to_pick(user=officer, commune_id=commune_b.pk) is None
    assert selectors.villages_to_pick(user=officer, commune=commune_b).count() == 0
    villages = selectors.villages_to_pick(user=officer, commune=commune_a)
    assert villages.exists() and all(v.parent_id == commune_a.pk and v.is_active for v in villages)
    assert with_former_village not in villages
    every = selectors.villages_to_pick(user=officer, commune=commune_a, active_only=False)
    assert with_former_village in every


def test_a_province_is_picked_by_code_in_scope_only(users, province, commune_a):  # type: ignore[no-untyped-def]
    assert selectors.province_to_pick(user=users["admin"], code="75") == province
    assert selectors.province_to_pick(user=users["admin"], code="99") is None
    assert selectors.province_to_pick(user=users["canbo.bugiamap"], code="75") is None
    assert commune_a in selectors.communes_to_pick(user=users["admin"], province=province)
