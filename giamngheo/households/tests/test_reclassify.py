"""Province-wide reclassification: the engine's fields match ``classify`` household by household, the
recognised category stays, one audit record, and nothing outside the province is touched."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.management import call_command

from giamngheo.core.models import AuditRecord
from giamngheo.demo.households import generate_households, save_households, village_slots
from giamngheo.geo.models import Area
from giamngheo.geo.services import geo_load_province, village_create
from giamngheo.households import reclassify
from giamngheo.households.engine import household_facts
from giamngheo.households.models import Household
from giamngheo.households.reclassify import ages_on, province_reclassify
from giamngheo.households.tests.factories import make_household
from giamngheo.poverty.classify import classify
from giamngheo.standards.adapters import area_type, standards_in_force

ON = dt.date(2026, 10, 1)
CHILD = {
    "full_name": "Điểu Thị Bé",
    "sex": "F",
    "date_of_birth": dt.date(2022, 3, 1),
    "relationship": "child",
    "has_health_insurance": True,
    "in_education": True,
    "attending_appropriate_level": True,
    "stunted": True,
    "underweight": False,
    "uses_internet": False,
    "ethnic_group": "22",
}
WAGE_WORKER = {
    "full_name": "Điểu Văn Lới",
    "sex": "M",
    "date_of_birth": dt.date(2001, 12, 24),
    "relationship": "child",
    "has_health_insurance": False,
    "in_education": False,
    "education": "primary",
    "employment": "wage_without_contract",
    "uses_internet": False,
    "ethnic_group": "22",
}


def expected(household: Household, year: int, on: dt.date) -> tuple[str, str, str, str]:
    """What the scalar engine says: (standard, category, provincial category, deprived keys)."""
    standards = standards_in_force(year=year, province="75")
    national = next(s for s in standards.values() if s.is_national)
    local = next((s for s in standards.values() if not s.is_national), None)
    if household.income_per_capita is None:
        return "", "", "", _keys(household, national, on)
    facts = household_facts(
        household,
        household.members.all(),
        on=on,
        area=area_type(household.commune),
        income_per_capita=household.income_per_capita,
    )
    result = classify(facts, national)
    keys = "|" + "|".join(result.deprived) + "|" if result.deprived else ""
    provincial = str(classify(facts, local).category) if local else ""
    return national.code, str(result.category), provincial, keys


def _keys(household: Household, standard, on: dt.date) -> str:  # type: ignore[no-untyped-def]
    facts = household_facts(
        household, household.members.all(), on=on, area=area_type(household.commune), income_per_capita=0
    )
    deprived = classify(facts, standard).deprived
    return "|" + "|".join(deprived) + "|" if deprived else ""


def stored(household: Household) -> tuple[str, str, str, str]:
    household.refresh_from_db()
    return (
        household.engine_standard,
        household.engine_category,
        household.engine_provincial_category,
        household.deprived_keys,
    )


@pytest.fixture
def households(commune_a, commune_b) -> list[Household]:  # type: ignore[no-untyped-def]
    poor = make_household(
        commune_a,
        head="Điểu Lệ",
        ethnic_group="22",
        category="near_poor",
        income_per_capita=900_000,
        water_source="surface",
        latrine="simple_pit",
        devices=[],
        walls_durable=False,
        roof_durable=False,
        floor_area_m2=12,
        members=[CHILD, WAGE_WORKER],
    )
    near = make_household(commune_a, head="Lâm Văn Sơn", ethnic_group="05", income_per_capita=1_500_000)
    middle = make_household(commune_b, head="Trần Thị Hoa", income_per_capita=2_600_000)
    rich = make_household(commune_b, head="Lê Văn Tài", income_per_capita=9_000_000, category="not_poor")
    unknown = make_household(commune_b, head="Phạm Văn Nam", latrine="none")  # no income recorded
    made = [poor, near, middle, rich, unknown]
    return unclassified(made)


def unclassified(households: list[Household]) -> list[Household]:
    """The registry's services classify on every write: start these tests from households never classified."""
    Household.objects.filter(pk__in=[h.pk for h in households]).update(
        engine_standard="",
        engine_category="",
        engine_provincial_category="",
        deprived_keys="",
        unknown_keys="",
    )
    for household in households:
        household.refresh_from_db()
    return households


def test_engine_fields_match_classify_and_the_recognised_category_stays(households, users) -> None:
    history = Household.history.count()
    versions = {h.pk: h.version for h in households}
    result = province_reclassify(
        province=Area.objects.get(code="75"), year=2026, acting_user=users["chuyenvien"], on=ON, chunk_size=2
    )
    for household in households:
        assert stored(household) == expected(household, 2026, ON), household.head_name
    poor, near, middle, rich, unknown = households
    assert poor.engine_category == "poor" and poor.category == "near_poor"  # the decision is not the engine's
    assert {"water", "sanitation", "nutrition", "employment", "information_devices"} <= set(
        poor.deprived_keys.strip("|").split("|")
    )
    assert (near.engine_category, middle.engine_category, rich.engine_category) == (
        "near_poor",
        "middle",
        "not_poor",
    )
    assert unknown.engine_category == "" and unknown.deprived_keys == "|sanitation|"
    assert rich.category == "not_poor" and Household.objects.get(pk=near.pk).category == ""
    assert {h.pk: Household.objects.get(pk=h.pk).version for h in households} == versions
    assert Household.history.count() == history  # no history row per household
    assert result.households == 5 and result.changed == 5 and result.unclassified == 1
    assert result.after == {"poor": 1, "near_poor": 1, "middle": 1, "not_poor": 1, "": 1}
    assert result.recognised == {"near_poor": 1, "not_poor": 1, "": 3} and result.differs_from_recognised == 3
    records = AuditRecord.objects.filter(action="households.reclassify")
    assert records.count() == 1 and records.get().actor == users["chuyenvien"]
    assert records.get().after["households"] == 5

    again = province_reclassify(province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON)
    assert again.changed == 0 and again.before == again.after


def test_the_provincial_standard_is_applied_when_in_force(households) -> None:
    on = dt.date(2025, 10, 15)
    province_reclassify(province=Area.objects.get(code="75"), year=2025, acting_user=None, on=on)
    for household in households:
        assert stored(household) == expected(household, 2025, on)
    middle = households[2]
    assert middle.engine_standard == "ND07-2021" and middle.engine_provincial_category == "middle"
    assert households[1].engine_provincial_category == "near_poor"


def test_only_the_province_is_reclassified(households) -> None:
    province = geo_load_province(province_code=96).province  # Cà Mau
    commune = Area.objects.filter(parent=province).order_by("code").first()
    village_create(commune=commune, name="Ấp 1", division_type="ap", acting_user=None)
    [foreign] = unclassified([make_household(commune, head="Nguyễn Văn Ngoài", income_per_capita=800_000)])
    result = province_reclassify(province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON)
    assert result.households == 5
    assert stored(foreign) == ("", "", "", "")


def test_generated_households_match_the_scalar_engine(db) -> None:
    """A few hundred households with every kind of fact: the vectorised rules equal the engine's."""
    province = Area.objects.get(code="75")
    save_households(generate_households(village_slots(province), count=400, seed=21, province_code=75))
    for year, on in ((2026, ON), (2027, dt.date(2027, 2, 28))):
        province_reclassify(province=province, year=year, acting_user=None, on=on, chunk_size=64)
        for household in Household.objects.select_related("commune").prefetch_related("members"):
            assert stored(household) == expected(household, year, on), household.code


def test_rules_without_a_vectorised_twin_fall_back_to_the_engine(households, monkeypatch) -> None:
    monkeypatch.setattr(reclassify, "VECTOR_RULES", {})
    province_reclassify(province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON)
    for household in households:
        assert stored(household) == expected(household, 2026, ON)


def test_ages_are_counted_like_the_engine() -> None:
    born = np.array([20080229, 20081001, 20081002, 19500101], dtype=np.int64)
    assert ages_on(born, dt.date(2026, 2, 28)).tolist() == [17, 17, 17, 76]
    assert ages_on(born, dt.date(2026, 10, 1)).tolist() == [18, 18, 17, 76]


def test_a_year_without_a_standard_is_refused(db) -> None:
    from giamngheo.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        province_reclassify(province=Area.objects.get(code="75"), year=2019, acting_user=None)


def test_the_command_prints_progress_and_counts(households, capsys) -> None:
    call_command("households_reclassify", "--province", "75", "--year", "2026", "--on", "2026-10-01")
    out = capsys.readouterr().out
    assert "5 / 5" in out and "ND07-2021" in out
    assert AuditRecord.objects.filter(action="households.reclassify").count() == 1
