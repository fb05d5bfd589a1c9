"""One search-text rule (``households.search``): the registry, the import and the demo data store the same
text, and a search with or without diacritics finds the household by it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from giamngheo.dataio.imports.writing import _search_text as import_search_text
from giamngheo.demo.households import GeneratedMember, generate_households, village_slots
from giamngheo.households.search import search_term, search_text
from giamngheo.households.selectors import HouseholdFilters, household_list
from giamngheo.households.tests.factories import make_household


def test_the_registry_the_import_and_the_demo_store_the_same_search_text(commune_a, province, users) -> None:
    household = make_household(
        commune_a,
        head="Đặng Văn Đức",
        phone="0912 345 678",
        address="Ấp Đồng Xoài, Thôn Ánh Dương",
        members=[
            {
                "full_name": "Nguyễn Thị Ánh",
                "sex": "F",
                "date_of_birth": dt.date(1984, 2, 3),
                "relationship": "spouse",
                "national_id": "070184001234",
                "ethnic_group": "01",
            }
        ],
    )
    members = list(household.members.order_by("date_of_birth"))
    registry = household.search_text
    assert registry == (
        f"{household.code.lower()} dang van duc 0912 345 678 dang van duc nguyen thi anh 070184001234"
    )

    imported = import_search_text(
        household.code,
        household.head_name,
        household.phone,
        [{"full_name": m.full_name, "national_id": m.national_id} for m in members],
    )
    generated = next(generate_households(village_slots(province)[:1], count=1, seed=3, province_code=75))
    generated = dataclasses.replace(
        generated,
        code=household.code,
        head_name=household.head_name,
        phone=household.phone,
        address=household.address,
        members=[
            GeneratedMember(
                full_name=m.full_name,
                sex=m.sex,
                date_of_birth=m.date_of_birth,
                relationship=m.relationship,
                national_id=m.national_id,
                ethnic_group=m.ethnic_group,
            )
            for m in reversed(members)  # the demo orders its members by date of birth itself
        ],
    )
    pure = search_text(
        code=household.code,
        head_name=household.head_name,
        phone=household.phone,
        members=[(m.full_name, m.national_id) for m in members],
    )
    assert registry == imported == generated.search_text == pure

    officer = users["canbo.bugiamap"]
    for query in ("Nguyễn Thị Ánh", "nguyen thi anh", "ĐẶNG VĂN  ĐỨC", "dang van duc", "070184001234"):
        assert search_term(query) in registry
        found = household_list(user=officer, filters=HouseholdFilters(q=query))
        assert household in found, query


def test_folding_part_by_part_is_folding_the_whole() -> None:
    from giamngheo.core.text import fold

    parts = {"code": "  ", "head_name": "Ánh  Đức ", "phone": "Xã\u0301 Bù  Gia Mập"}
    members = [("Ê\u0302 Nguyễn", None), (None, "07"), ("", "")]
    joined = " ".join(p for p in [*parts.values(), "Ê\u0302 Nguyễn", "07"] if p)
    assert search_text(**parts, members=members) == fold(joined)


def _found(user, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    return set(household_list(user=user, filters=HouseholdFilters(q=query)).values_list("code", flat=True))


def test_a_search_finds_names_codes_and_ids_not_the_units_name(commune_a, commune_b, users) -> None:
    """Issue 14: "tran" in Phường Trấn Biên found every household of the ward (its name is in every
    address). The same households on SQLite (FTS5 trigram table) and PostgreSQL (pg_trgm): this test runs on
    both."""
    a = make_household(commune_b, code="TB-001", head="Trần Văn Bình", address="Khu phố 1, Phường Trấn Biên")
    b = make_household(
        commune_b,
        code="TB-002",
        head="Lê Thị Hoa",
        phone="0912345678",
        address="Khu phố 2, Phường Trấn Biên",
        members=[
            {
                "full_name": "Nguyễn Thị Lan",
                "sex": "F",
                "date_of_birth": dt.date(1990, 1, 1),
                "relationship": "child",
                "national_id": "075190001111",
                "ethnic_group": "01",
            }
        ],
    )
    c = make_household(commune_a, code="BG-001", head="Phạm Thị Lan", address="Thôn 1, Xã Bù Gia Mập")
    specialist, officer = users["chuyenvien"], users["canbo.tranbien"]
    assert a.address and "tran" not in b.search_text
    expected = {
        "tran": {"TB-001"},  # the head's name, not the ward's name in every address
        "Trần": {"TB-001"},
        "tran bien": set(),
        "bu gia map": set(),
        "khu pho": set(),
        "thi lan": {"TB-002", "BG-001"},
        "THỊ  LAN": {"TB-002", "BG-001"},
        "nguyen thi lan": {"TB-002"},
        "075190001111": {"TB-002"},
        "0751900": {"TB-002"},  # part of an ID number
        "0912345678": {"TB-002"},
        "tb-002": {"TB-002"},
        "BG-001": {"BG-001"},
        "an": set(),  # shorter than three characters: only a whole household code
        "xyz": set(),
        'thi "lan': set(),  # quotes are text, not query syntax
        "lan%": set(),
        "l_n": set(),
    }
    for query, codes in expected.items():
        assert _found(specialist, query) == codes, query
    # Scope: an officer finds only the households of their commune.
    assert _found(officer, "thi lan") == {"TB-002"}
    assert _found(officer, "BG-001") == set()
    assert c.code == "BG-001"


def test_short_terms_find_a_whole_code(commune_b, users) -> None:
    make_household(commune_b, code="A1", head="Đỗ Văn Tư")
    assert _found(users["chuyenvien"], " A1 ") == {"A1"}
    assert _found(users["chuyenvien"], "a1") == set()
    assert _found(users["chuyenvien"], "tu") == set()


def test_the_search_follows_every_write_of_a_household(commune_b, users) -> None:
    """The index (SQLite: the FTS5 table and its triggers) follows names changed, members added and removed,
    households deleted; a reclassification's updates leave it as it is."""
    from giamngheo.households.models import Household
    from giamngheo.households.reclassify import households_reclassify
    from giamngheo.households.services import household_update, member_update

    specialist = users["chuyenvien"]
    household = make_household(commune_b, code="TB-100", head="Hồ Văn Quý")
    assert _found(specialist, "ho van quy") == {"TB-100"}
    household = household_update(
        household=household, data={"head_name": "Hồ Văn Quang"}, version=household.version, acting_user=None
    )
    head = household.members.get()
    member_update(member=head, data={"full_name": "Hồ Văn Quang"}, version=head.version, acting_user=None)
    assert _found(specialist, "ho van quy") == set()
    assert _found(specialist, "ho van quang") == {"TB-100"}
    households_reclassify(household_ids=[household.pk])
    assert _found(specialist, "ho van quang") == {"TB-100"}
    Household.objects.filter(pk=household.pk).delete()
    assert _found(specialist, "ho van quang") == set()
