"""Province-wide reclassification: the engine's fields match ``classify`` household by household, the
recognised category stays, one audit record, and nothing outside the province is touched."""

from __future__ import annotations

import datetime as dt
import functools

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
from giamngheo.households.reclassify import province_reclassify
from giamngheo.households.tests.factories import make_household
from giamngheo.poverty import vector
from giamngheo.poverty.ages import ages_on
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


def expected(household: Household, year: int, on: dt.date) -> tuple[str, str, str, str, str]:
    """What the scalar engine says: (standard, category, provincial category, deprived keys, unknown keys);
    a category only when the result is determined."""
    standards = standards_in_force(year=year, province="75")
    national = next(s for s in standards.values() if s.is_national)
    local = next((s for s in standards.values() if not s.is_national), None)
    facts = household_facts(
        household,
        household.members.all(),
        on=on,
        area=area_type(household.commune),
        income_per_capita=household.income_per_capita,
    )
    result = classify(facts, national)
    keys = "|" + "|".join(result.deprived) + "|" if result.deprived else ""
    unknown = "|" + "|".join(result.unknown) + "|" if result.unknown else ""
    provincial = classify(facts, local).category if local else None
    return national.code, str(result.category or ""), str(provincial or ""), keys, unknown


def stored(household: Household) -> tuple[str, str, str, str, str]:
    household.refresh_from_db()
    return (
        household.engine_standard,
        household.engine_category,
        household.engine_provincial_category,
        household.deprived_keys,
        household.unknown_keys,
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
    assert stored(foreign) == ("", "", "", "", "")


def test_generated_households_match_the_scalar_engine(db) -> None:
    """A few hundred households with every kind of fact: the vectorised rules equal the engine's."""
    province = Area.objects.get(code="75")
    save_households(generate_households(village_slots(province), count=400, seed=21, province_code=75))
    for year, on in ((2026, ON), (2027, dt.date(2027, 2, 28))):
        province_reclassify(province=province, year=year, acting_user=None, on=on, chunk_size=64)
        for household in Household.objects.select_related("commune").prefetch_related("members"):
            assert stored(household) == expected(household, year, on), household.code


def test_rules_without_a_vectorised_twin_fall_back_to_the_engine(households, monkeypatch) -> None:
    monkeypatch.setattr(vector, "VECTOR_RULES", {})
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


# Unknown stays unknown ------------------------------------------------------------------------------------

ELDER = {
    "full_name": "Điểu Thị Già",
    "sex": "F",
    "date_of_birth": dt.date(1950, 1, 1),
    "relationship": "mother",
    "has_health_insurance": True,
    "uses_internet": False,
    "monthly_social_allowance": None,  # not known: she may be a dependant
    "disabled": False,
    "ethnic_group": "22",
}


@pytest.fixture
def unknowns(commune_a, commune_b) -> dict[str, Household]:  # type: ignore[no-untyped-def]
    from giamngheo.households.models import Member

    never_asked = make_household(commune_a, head="Thị Chưa Hỏi", income_per_capita=1_000_000, devices=None)
    owns_none = make_household(commune_a, head="Thị Không Có", income_per_capita=1_000_000, devices=[])
    no_members = make_household(commune_b, head="Văn Vắng", income_per_capita=1_200_000, category="poor")
    Member.objects.filter(household=no_members).delete()
    # 2 deprived (water, sanitation) + devices never asked: could be poor, could be near-poor.
    open_case = make_household(
        commune_b,
        head="Văn Lưng Chừng",
        income_per_capita=1_100_000,
        category="near_poor",
        water_source="surface",
        latrine="simple_pit",
        devices=None,
        members=[ELDER, {**CHILD, "stunted": False}],
    )
    above = make_household(commune_b, head="Văn Khá", income_per_capita=2_500_000, devices=None)
    return {
        "never_asked": never_asked,
        "owns_none": owns_none,
        "no_members": no_members,
        "open": open_case,
        "above": above,
    }


def test_unknown_facts_are_never_deprived_and_match_the_engine(unknowns) -> None:
    result = province_reclassify(province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON)
    for household in unknowns.values():
        assert stored(household) == expected(household, 2026, ON), household.head_name
    never_asked, owns_none = unknowns["never_asked"], unknowns["owns_none"]
    assert "information_devices" not in never_asked.deprived_keys
    assert never_asked.unknown_keys == "|dependants|information_devices|"  # the head's flags are not recorded
    assert never_asked.engine_category == "near_poor"  # 0 deprived + 2 unknown cannot reach 3
    assert (
        owns_none.deprived_keys == "|information_devices|"
        and "information_devices" not in owns_none.unknown_keys
    )
    no_members = unknowns["no_members"]
    member_keys = {
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
        "housing_area",
        "telecom",
    }
    assert set(no_members.unknown_keys.strip("|").split("|")) == member_keys
    assert no_members.deprived_keys == "" and no_members.engine_category == ""
    assert no_members.engine_standard == "ND07-2021"
    open_case = unknowns["open"]
    assert open_case.deprived_keys == "|water|sanitation|"
    assert "information_devices" in open_case.unknown_keys and open_case.engine_category == ""
    assert unknowns["above"].engine_category == "middle"  # above the line unknowns do not matter
    assert result.unclassified == 0 and result.undetermined == 2
    # The recognised category never changes by reclassification.
    assert Household.objects.get(pk=no_members.pk).category == "poor"
    assert Household.objects.get(pk=open_case.pk).category == "near_poor"


def test_unknowns_without_vectorised_twins_match_too(unknowns, monkeypatch) -> None:
    monkeypatch.setattr(vector, "VECTOR_RULES", {})
    province_reclassify(province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON)
    for household in unknowns.values():
        assert stored(household) == expected(household, 2026, ON), household.head_name


def test_households_reclassify_writes_unknown_keys(unknowns) -> None:
    counts = reclassify.households_reclassify(household_ids=[h.pk for h in unknowns.values()], year=2026)
    assert counts[""] == 2
    assert stored(unknowns["open"])[4] != ""


def test_devices_null_is_unknown_and_empty_list_is_none_owned(commune_a) -> None:
    made = [
        make_household(commune_a, head=f"Hộ {i}", income_per_capita=1_000_000, devices=devices)
        for i, devices in enumerate([None, [], ["tv"], ["fridge"]])
    ]
    Household.objects.filter(pk=made[3].pk).update(devices=None)
    batch = reclassify.read_households([h.pk for h in made], urban={commune_a.pk: False})
    table = batch.facts(ON)
    assert table.devices_known.tolist() == [False, True, True, False]
    owned = [set(f.devices) if f.devices is not None else None for f in table.to_facts()]
    assert owned == [None, set(), {"tv"}, None]


def test_values_keep_unknown_facts(commune_a) -> None:
    """The import classifies rows before inserting them: None stays None (devices, income, member flags)."""
    province = Area.objects.get(code="75")
    classifier = reclassify.Classifier(province=province, year=2026)
    base = {
        "commune_id": commune_a.pk,
        "walls_durable": True,
        "columns_durable": True,
        "roof_durable": True,
        "floor_area_m2": 40,
        "water_source": "surface",
        "latrine": "simple_pit",
        "devices": None,
        "income_per_capita": 1_000_000,
    }
    member = {
        "date_of_birth": dt.date(1980, 1, 1),
        "sex": "M",
        "has_health_insurance": True,
        "employment": "self_employed",
        "uses_internet": True,
        "disabled": None,
        "monthly_social_allowance": None,
    }
    result = classifier.classify_values(
        [
            (base, [member]),
            ({**base, "devices": []}, [member]),
            ({**base, "income_per_capita": None}, [member]),
        ]
    )
    assert result.category == ["", "poor", ""]
    assert result.deprived_keys[0] == "|water|sanitation|"
    assert result.unknown_keys[0] == "|dependants|information_devices|"
    assert result.deprived_keys[1] == "|water|sanitation|information_devices|"
    assert result.income_known == [True, True, False]
    assert result.standard == ["ND07-2021"] * 3


def test_year_only_births_count_from_the_first_of_january() -> None:
    born = np.array([20100101], dtype=np.int64)  # "2010"
    assert ages_on(born, dt.date(2026, 1, 1)).tolist() == [16]
    assert ages_on(born, dt.date(2025, 12, 31)).tolist() == [15]


@pytest.mark.parametrize(("national", "local"), [("ND07-2021", "DN-QD32-2022"), ("ND351-2025", None)])
def test_engine_fields_equal_the_engine_on_random_unknowns(national: str, local: str | None) -> None:
    """The registry's fields from the vector path (category, provincial category, deprived and unknown keys)
    have the engine's three-valued semantics: random facts, a fifth unknown, households without members,
    devices None vs [], nullable disability and allowance."""
    from giamngheo.poverty.columns import FactsTableBuilder
    from giamngheo.poverty.standard import get_standard
    from giamngheo.poverty.tests.test_vector import _random_values

    rows = _random_values(len(national), 1500)
    builder = FactsTableBuilder(on=ON)
    for area, values, people in rows:
        builder.add_values(values, people, area=area)
    table = builder.build()
    standard = get_standard(national)
    provincial = get_standard(local) if local else None
    result = reclassify.classify_facts(table, standard, provincial).fields(standard)
    undetermined = 0
    for i, facts in enumerate(table.to_facts()):
        scalar = classify(facts, standard)
        assert result.category[i] == str(scalar.category or ""), i
        assert result.deprived_keys[i] == ("|" + "|".join(scalar.deprived) + "|" if scalar.deprived else "")
        assert result.unknown_keys[i] == ("|" + "|".join(scalar.unknown) + "|" if scalar.unknown else "")
        expected_provincial = (
            str(classify(facts, provincial).category or "") if provincial is not None else ""
        )
        assert result.provincial_category[i] == expected_provincial
        undetermined += not scalar.determined
    assert 0 < undetermined < len(table)  # the sample exercises both outcomes
    assert sum(1 for size in table.size.tolist() if size == 0) > 50  # and households without members


def test_the_command_reports_not_enough_information_apart_from_no_income(unknowns, capsys) -> None:
    call_command("households_reclassify", "--province", "75", "--year", "2026", "--on", "2026-10-01")
    out = capsys.readouterr().out.lower()
    assert "2 hộ chưa đủ thông tin để phân loại" in out or "2 households: not enough information" in out
    assert "income recorded" not in out and "chưa có thông tin thu nhập" not in out  # every income is known
    record = AuditRecord.objects.get(action="households.reclassify")
    assert record.after["undetermined"] == 2 and record.after["unclassified"] == 0


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_reads_the_next_batch_in_a_second_thread(seeded, households) -> None:  # type: ignore[no-untyped-def]
    import threading

    from django.db import connection

    readers: list[str] = []

    def batches():  # type: ignore[no-untyped-def]
        for i in range(3):
            readers.append(threading.current_thread().name)
            yield i

    assert list(reclassify.prefetched(batches())) == [0, 1, 2]  # type: ignore[arg-type]
    if connection.vendor == "postgresql":
        assert all(name.startswith("reclassify-read") for name in readers)
    else:
        assert readers == [threading.current_thread().name] * 3
    # The province's run outside a transaction stores what the engine says, as inside one.
    result = province_reclassify(
        province=Area.objects.get(code="75"), year=2026, acting_user=None, on=ON, chunk_size=2
    )
    assert result.households == 5 and result.changed == 5
    for household in households:
        assert stored(household) == expected(household, 2026, ON), household.head_name
    # Reads of several communes at once (the what-if): threads on PostgreSQL, in the items' order.
    names: list[str] = []

    def double(i: int) -> int:
        names.append(threading.current_thread().name)
        return 2 * Household.objects.filter(pk__in=[h.pk for h in households]).count() * i

    assert list(reclassify.reading_concurrently(double, [1, 2, 3])) == [10, 20, 30]
    if connection.vendor == "postgresql":
        assert all(name.startswith("reclassify-read") for name in names)
    # On PostgreSQL the run was read by two connections and written by a third (``_pipelined``), and a
    # run that rewrote many rows put the table's tidying on the queue (run here: the immediate backend).
    from giamngheo.jobs.models import Job, JobStatus

    tidy = Job.objects.filter(kind=reclassify.REGISTRY_TIDY)
    if connection.vendor == "postgresql":
        job = tidy.get()
        assert job.status == JobStatus.SUCCEEDED and job.created_by is None
    else:
        assert not tidy.exists()


def test_the_reading_processes_task_classifies_a_commune_like_the_run(households, settings) -> None:
    """On a SQLite file outside a transaction ``province_reclassify`` hands the communes to forked reading
    processes (``_commune_outcomes``); the tests' database is in memory and inside a transaction, so the
    run here stays in one process, and the processes' task is run here, commune by commune, to check that
    what it hands back writes exactly what the engine says."""
    settings.RECLASSIFY_PROCESSES = 2
    assert reclassify.reading_processes() == 1  # inside the test's transaction (and an in-memory database)
    province = Area.objects.get(code="75")
    national, local = reclassify._standards(2026, province)
    assert national is not None
    urban = reclassify._urban(province)
    work = reclassify._Work(
        urban=urban,
        standards=[s for s in (national, local) if s is not None],
        local=local,
        on=ON,
        chunk_size=2,
        national=national,
    )
    codec = reclassify._Codec(national, local is not None)
    tally = reclassify._Tally()
    task = functools.partial(reclassify._commune_outcomes, work)
    for outcomes in reclassify.in_processes(task, reclassify._largest_first(urban), processes=1):
        for outcome in outcomes:
            reclassify._save(outcome, codec, tally)
    assert tally.households == 5 and tally.changed == 5 and tally.unclassified == 1
    assert dict(tally.after) == {"poor": 1, "near_poor": 1, "middle": 1, "not_poor": 1, "": 1}
    for household in households:
        assert stored(household) == expected(household, 2026, ON), household.head_name
    largest = reclassify._largest_first(urban)
    assert len(largest) == len(urban) and {h.commune_id for h in households} == set(largest[:2])


def test_a_commune_with_scattered_keys_reads_only_its_own_members(commune_a, commune_b) -> None:
    """Households added at different times (another commune's between them) are read with their members
    through the commune's households, not the whole range of keys: the same batch as read by key."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_household(commune_a, head="Hộ Đầu", income_per_capita=900_000, members=[CHILD])
    between = [
        make_household(
            commune_b, head=f"Hộ Giữa {i}", income_per_capita=800_000, members=[CHILD, WAGE_WORKER]
        )
        for i in range(5)
    ]
    last = make_household(commune_a, head="Hộ Cuối", income_per_capita=900_000, members=[WAGE_WORKER])
    assert last.pk - first.pk >= 2 * 2  # scattered: the range holds more of commune B than of A
    urban = {commune_a.pk: False, commune_b.pk: True}
    with CaptureQueriesContext(connection) as read:
        (batch,) = list(reclassify.read_communes([commune_a.pk], urban=urban))
    (members_sql,) = [q["sql"] for q in read.captured_queries if "households_member" in q["sql"]]
    assert "IN (SELECT" in members_sql  # by the commune's households, not every member in the range
    by_key = reclassify.read_households([first.pk, last.pk], urban=urban)
    assert batch.pk.tolist() == [first.pk, last.pk] == by_key.pk.tolist()
    members_of = batch.table.member_of.tolist()
    assert len(members_of) == 2 + 2 == len(by_key.table.member_of)  # head + child, head + wage worker
    assert sorted(members_of) == sorted(by_key.table.member_of.tolist())
    assert batch.born.tolist() == by_key.born.tolist()
    # The dense range of commune B (consecutive keys) is read by its range, with the same result.
    with CaptureQueriesContext(connection) as read:
        (dense,) = list(reclassify.read_communes([commune_b.pk], urban=urban))
    (members_sql,) = [q["sql"] for q in read.captured_queries if "households_member" in q["sql"]]
    assert "IN (SELECT" not in members_sql
    assert dense.pk.tolist() == [h.pk for h in between] and len(dense.table.member_of) == 5 * 3
