from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from giamngheo.core.errors import NotFound
from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area, AreaLevel, AreaSuccession
from giamngheo.geo.services import geo_load_province


def test_dong_nai_has_95_units_23_wards_72_communes(province: Area) -> None:
    units = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE)
    assert units.count() == 95
    assert units.filter(division_type="phuong").count() == 23
    assert units.filter(division_type="xa").count() == 72
    assert province.name == "Đồng Nai"
    assert all(u.path == f"/75/{u.code}/" for u in units)


def test_forty_units_come_from_the_former_binh_phuoc(province: Area) -> None:
    old = Area.objects.get(code="L70")
    assert old.name == "Tỉnh Bình Phước" and not old.is_active
    successors = Area.objects.filter(predecessor_links__predecessor=old)
    assert successors.count() == 40
    assert successors.filter(division_type="phuong").count() == 8
    # Codes that changed between package releases were matched by name.
    assert successors.filter(name__in=["Phường An Lộc", "Xã Nha Bích", "Xã Phú Riềng"]).count() == 3
    assert not AreaSuccession.objects.filter(successor__name="Phường Trấn Biên").exists()


def test_load_is_idempotent(province: Area) -> None:
    before = (Area.objects.count(), AreaSuccession.objects.count(), AuditRecord.objects.count())
    result = geo_load_province(province_code=75)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 96)
    assert (Area.objects.count(), AreaSuccession.objects.count(), AuditRecord.objects.count()) == before


def test_load_repairs_a_renamed_unit_and_keeps_our_villages(province: Area) -> None:
    unit = Area.objects.get(name="Phường Trấn Biên")
    villages = unit.children.count()
    Area.objects.filter(pk=unit.pk).update(name="Tên sai")
    result = geo_load_province(province_code=75)
    assert result.updated == 1
    unit.refresh_from_db()
    assert unit.name == "Phường Trấn Biên"
    assert unit.children.count() == villages > 0


def test_any_province_code_works(db: None) -> None:
    result = geo_load_province(province_code=1)  # Hà Nội
    assert result.province.name == "Thành phố Hà Nội"
    assert result.province.division_type == "thanh_pho"
    assert Area.objects.filter(parent=result.province).count() > 100


def test_unknown_province_code_is_a_clear_error(db: None) -> None:
    with pytest.raises(NotFound) as info:
        geo_load_province(province_code=99)
    assert "99" in str(info.value.message)
    with pytest.raises(CommandError, match="99"):
        call_command("geo_load", "--province", "99")


def test_unknown_province_message_is_vietnamese(db: None) -> None:
    from django.utils import translation

    with translation.override("vi"), pytest.raises(CommandError) as info:
        call_command("geo_load", "--province", "99")
    assert "Không có tỉnh" in str(info.value)
