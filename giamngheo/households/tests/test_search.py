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
        f"{household.code.lower()} dang van duc 0912 345 678 ap dong xoai, thon anh duong"
        " dang van duc nguyen thi anh 070184001234"
    )

    imported = import_search_text(
        household.code,
        household.head_name,
        household.phone,
        household.address,
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
        address=household.address,
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

    parts = {"code": "  ", "head_name": "Ánh  Đức ", "phone": "", "address": "Xã\u0301 Bù  Gia Mập"}
    members = [("Ê\u0302 Nguyễn", None), (None, "07"), ("", "")]
    joined = " ".join(p for p in [*parts.values(), "Ê\u0302 Nguyễn", "07"] if p)
    assert search_text(**parts, members=members) == fold(joined)
