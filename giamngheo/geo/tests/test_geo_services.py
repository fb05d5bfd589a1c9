from __future__ import annotations

import pytest

from giamngheo.accounts.models import User
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.geo import selectors
from giamngheo.geo.models import Area
from giamngheo.geo.services import (
    VillageRow,
    area_set_urban_override,
    difficulty_period_add,
    village_create,
    village_update,
    villages_import,
)


def test_wards_are_urban_communes_rural_and_admin_can_override(
    commune_a: Area, commune_b: Area, users
) -> None:
    assert commune_b.is_urban and not commune_a.is_urban
    village = commune_b.children.first()
    assert village.is_urban  # quarters inherit from their ward
    area_set_urban_override(area=commune_a, urban=True, acting_user=users["admin"])
    commune_a.refresh_from_db()
    assert commune_a.is_urban
    record = AuditRecord.objects.filter(action="geo.area.urban_override").latest("pk")
    assert record.before == {"urban_override": None} and record.after == {"urban_override": True}
    assert record.actor == users["admin"]


def test_village_names_are_unique_in_a_commune_ignoring_diacritics_and_case(commune_a: Area, users) -> None:
    village_create(commune=commune_a, name="Thôn Bù Tam", division_type="thon", acting_user=users["admin"])
    with pytest.raises(ValidationFailed) as info:
        village_create(
            commune=commune_a, name="  thon bu  tam ", division_type="thon", acting_user=users["admin"]
        )
    assert info.value.extra == {"field": "name"}


def test_village_codes_are_per_commune_and_paths_nest(commune_a: Area, users) -> None:
    village = village_create(
        commune=commune_a, name="Sóc Lớn", division_type="soc", acting_user=users["admin"]
    )
    assert village.code.startswith(f"{commune_a.code}-")
    assert village.path == f"{commune_a.path}{village.code}/"
    updated = village_update(
        village=village, name="Sóc Lớn 2", division_type="soc", is_active=False, acting_user=users["admin"]
    )
    assert not updated.is_active
    record = AuditRecord.objects.filter(action="geo.village.update").latest("pk")
    assert record.before["name"] == "Sóc Lớn" and record.after["name"] == "Sóc Lớn 2"


def test_villages_only_under_communes(province: Area, users) -> None:
    with pytest.raises(ValidationFailed):
        village_create(commune=province, name="Ấp X", division_type="ap", acting_user=users["admin"])


def test_difficulty_periods_do_not_overlap_and_cover_years(commune_b: Area, users) -> None:
    difficulty_period_add(
        area=commune_b, from_year=2021, to_year=2025, legal_source="QĐ 861/QĐ-TTg", acting_user=users["admin"]
    )
    with pytest.raises(ValidationFailed):
        difficulty_period_add(area=commune_b, from_year=2025, to_year=None, legal_source="", acting_user=None)
    with pytest.raises(ValidationFailed):
        difficulty_period_add(area=commune_b, from_year=2030, to_year=2027, legal_source="", acting_user=None)
    difficulty_period_add(area=commune_b, from_year=2026, to_year=None, legal_source="", acting_user=None)
    assert commune_b.pk in selectors.especially_difficult_ids(year=2023)
    assert commune_b.pk in selectors.especially_difficult_ids(year=2040)


def test_poor_commune_is_a_separate_designation_of_communes_only(commune_b: Area, users) -> None:
    difficulty_period_add(area=commune_b, from_year=2021, to_year=2030, legal_source="ĐBKK", acting_user=None)
    # A commune can be both at once: periods of different kinds may overlap.
    difficulty_period_add(
        area=commune_b, kind="poor_commune", from_year=2026, to_year=2030, legal_source="XN", acting_user=None
    )
    with pytest.raises(ValidationFailed, match="trùng"):
        difficulty_period_add(
            area=commune_b,
            kind="poor_commune",
            from_year=2030,
            to_year=None,
            legal_source="",
            acting_user=None,
        )
    assert commune_b.pk in selectors.poor_commune_ids(year=2026)
    assert commune_b.pk not in selectors.poor_commune_ids(year=2025)
    assert commune_b.pk not in selectors.poor_commune_ids(year=2031)
    difficulty_period_add(area=commune_b, from_year=2031, to_year=None, legal_source="", acting_user=None)
    assert commune_b.pk in selectors.especially_difficult_ids(year=2031)
    assert commune_b.pk not in selectors.poor_commune_ids(year=2031)
    village = village_create(commune=commune_b, name="Khu phố Thử", division_type="khu_pho", acting_user=None)
    with pytest.raises(ValidationFailed, match="xã nghèo") as refused:
        difficulty_period_add(
            area=village, kind="poor_commune", from_year=2026, to_year=None, legal_source="", acting_user=None
        )
    assert refused.value.extra == {"field": "kind"}
    with pytest.raises(ValidationFailed):
        difficulty_period_add(
            area=commune_b,
            kind="poor_district",
            from_year=2040,
            to_year=None,
            legal_source="",
            acting_user=None,
        )


def test_especially_difficult_ids_ignore_poor_communes(commune_b: Area) -> None:
    difficulty_period_add(
        area=commune_b, kind="poor_commune", from_year=2026, to_year=2030, legal_source="XN", acting_user=None
    )
    assert commune_b.pk in selectors.poor_commune_ids(year=2027)
    assert commune_b.pk not in selectors.especially_difficult_ids(year=2027)
    summary = selectors.scope_summary(user=User.objects.get(username="chuyenvien"), year=2027)
    communes = selectors.commune_list(
        user=User.objects.get(username="chuyenvien"),
        filters=selectors.CommuneFilters(q="Trấn Biên", year=2027),
    )
    row = communes.get(pk=commune_b.pk)
    assert row.is_poor and not row.is_difficult  # type: ignore[attr-defined]
    difficult_only = selectors.commune_list(
        user=User.objects.get(username="chuyenvien"),
        filters=selectors.CommuneFilters(q="Trấn Biên", difficult=True, year=2027),
    )
    assert not difficult_only.filter(pk=commune_b.pk).exists()
    assert summary.difficult_communes == len(
        {
            pk
            for pk in selectors.especially_difficult_ids(year=2027)
            if Area.objects.filter(pk=pk, level="commune", is_active=True).exists()
        }
    )


def test_village_import_reports_every_error_with_its_line_and_imports_nothing(
    commune_a, commune_b, users
) -> None:
    allowed = {commune_a.code: commune_a}
    before = Area.objects.count()
    result = villages_import(
        rows=[
            VillageRow(2, commune_a.code, "Thôn Mới 1", "thôn"),
            VillageRow(3, commune_b.code, "Khu phố X", ""),  # outside scope
            VillageRow(4, commune_a.code, "", ""),
            VillageRow(5, commune_a.code, "thon moi 1", ""),  # repeats line 2
            VillageRow(6, commune_a.code, "Ấp Z", "làng"),  # unknown type
        ],
        allowed_communes=allowed,
        acting_user=users["admin"],
    )
    assert [str(e).split(":")[0] for e in result.errors] == ["Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6"]
    assert [e.column for e in result.errors] == ["commune_code", "name", "name", "division_type"]
    assert "ngoài phạm vi" in str(result.errors[0])
    assert Area.objects.count() == before


def test_village_import_dry_run_then_import_is_idempotent(commune_a, users) -> None:
    existing = commune_a.children.first().name
    rows = [
        VillageRow(2, commune_a.code, "Thôn Mới A", "thôn"),
        VillageRow(3, commune_a.code, existing.upper(), ""),
    ]
    allowed = {commune_a.code: commune_a}
    dry = villages_import(rows=rows, allowed_communes=allowed, acting_user=None, dry_run=True)
    assert len(dry.planned) == 1 and dry.existing == 1 and not dry.created
    done = villages_import(rows=rows, allowed_communes=allowed, acting_user=None)
    assert [v.name for v in done.created] == ["Thôn Mới A"]
    again = villages_import(rows=rows, allowed_communes=allowed, acting_user=None)
    assert not again.created and again.existing == 2


def test_commune_list_is_scoped_and_searchable_without_diacritics(users, commune_a) -> None:
    officer = users["canbo.bugiamap"]
    assert list(selectors.commune_list(user=officer)) == [commune_a]
    specialist = users["chuyenvien"]
    assert selectors.commune_list(user=specialist).count() == 95
    found = selectors.commune_list(user=specialist, filters=selectors.CommuneFilters(q="bu gia map"))
    assert [c.name for c in found] == ["Xã Bù Gia Mập"]
    former = selectors.commune_list(user=specialist, filters=selectors.CommuneFilters(former_province="L70"))
    assert former.count() == 40
    assert selectors.commune_list(user=users["vanphong"]).count() == 0


def test_the_demo_flags_three_poor_communes_for_2026_to_2030(db: None) -> None:
    from giamngheo.demo.seed import POOR_COMMUNES

    assert len(selectors.poor_commune_ids(year=2026)) == 3
    assert {a.name for a in Area.objects.filter(pk__in=selectors.poor_commune_ids(year=2030))} == set(
        POOR_COMMUNES
    )
    assert selectors.poor_commune_ids(year=2031) == set() and selectors.poor_commune_ids(year=2025) == set()
