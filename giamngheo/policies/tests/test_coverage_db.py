"""Coverage from the database: a small fixed world in two communes, its exact numbers (the same on SQLite and
PostgreSQL), the summaries kept current after each change, and what each user may see.

The catalogue's sample policies are switched off and five test policies (``ZT-…``) take their place, so the
expected numbers below depend only on this file. "Today" is fixed at 15/06/2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Sum

from giamngheo.geo.models import Area
from giamngheo.households.models import Household, Member
from giamngheo.households.services import member_create
from giamngheo.policies.coverage import Tally
from giamngheo.policies.models import CoverageSummary, Entitlement, Policy, SupportRecord
from giamngheo.policies.selectors import (
    SupportFilters,
    coverage_by_policy,
    coverage_matrix,
    gap_list,
    spending_totals,
)
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    SupportItem,
    coverage_rebuild,
    support_record_cancel,
    support_records_create,
    support_records_write,
)
from giamngheo.policies.tests.worlds import freeze_today, make_households, make_policies
from giamngheo.reviews.services import regular_request_decide, regular_request_file

TODAY = dt.date(2026, 6, 15)
YEAR = 2026
D = dt.date

POLICIES: list[dict[str, Any]] = [
    {  # housing support: poor and near-poor households, each time it happens
        "code": "ZT-NHA",
        "area": "housing",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2021, 7, 1),
        "valid_to": None,
        "project": "Dự án 5",
        "rule": {"level": "household", "categories": ["poor", "near_poor"]},
    },
    {  # health insurance card: every member of a poor household, every year
        "code": "ZT-BHYT",
        "area": "health",
        "level": "member",
        "frequency": "yearly",
        "valid_from": D(2022, 1, 1),
        "valid_to": None,
        "project": "",
        "rule": {"level": "member", "categories": ["poor"]},
    },
    {  # study costs: pupils aged 3–18 of poor and near-poor households, monthly
        "code": "ZT-HOC",
        "area": "education",
        "level": "member",
        "frequency": "monthly",
        "valid_from": D(2025, 9, 3),
        "valid_to": None,
        "project": "",
        "rule": {
            "level": "member",
            "categories": ["poor", "near_poor"],
            "age": [3, 18],
            "in_education": True,
        },
    },
    {  # livelihood: households that escaped within 36 months, once in the programme
        "code": "ZT-SINHKE",
        "area": "livelihood",
        "level": "household",
        "frequency": "once",
        "valid_from": D(2022, 1, 18),
        "valid_to": D(2026, 12, 31),
        "project": "Dự án 2",
        "rule": {
            "level": "household",
            "categories": [],
            "newly_escaped": {"from": ["poor", "near_poor"], "months": 36},
        },
    },
    {  # ended with 2025: not in force in 2026
        "code": "ZT-CU",
        "area": "other",
        "level": "household",
        "frequency": "yearly",
        "valid_from": D(2020, 1, 1),
        "valid_to": D(2025, 12, 31),
        "project": "",
        "rule": {"level": "household", "categories": ["poor"]},
    },
]

# (key, commune "A"/"B", village 1/2, category, members: (key, sex, born, relationship, in education))
HOUSEHOLDS: list[tuple[str, str, int, str, list[tuple[str, str, dt.date, str, bool]]]] = [
    (
        "A1",
        "A",
        1,
        "poor",
        [
            ("Điểu Văn Một", "M", D(1980, 5, 1), "head", False),
            ("Điểu Thị Hai", "F", D(2014, 5, 1), "child", True),  # pupil, 12
            ("Điểu Văn Ba", "M", D(2023, 1, 1), "child", False),  # 3, not at school
        ],
    ),
    (
        "A2",
        "A",
        1,
        "poor",
        [
            ("Thị Bốn", "F", D(1985, 2, 1), "head", False),
            ("Điểu Văn Năm", "M", D(2012, 3, 1), "child", True),  # 14
            ("Điểu Thị Sáu", "F", D(2010, 1, 1), "child", True),  # 16
        ],
    ),
    (
        "A3",
        "A",
        2,
        "near_poor",
        [
            ("Lê Văn Bảy", "M", D(1975, 7, 7), "head", False),
            ("Lê Thị Tám", "F", D(2015, 9, 1), "child", True),  # 10
        ],
    ),
    ("A4", "A", 2, "middle", [("Trần Văn Chín", "M", D(1990, 9, 9), "head", False)]),
    # near-poor, escaped by an in-year decision of 15/08/2025 (10 months before "today")
    ("A5", "A", 2, "near_poor", [("Phạm Văn Mười", "M", D(1970, 10, 10), "head", False)]),
    (
        "B1",
        "B",
        1,
        "poor",
        [
            ("Ngô Văn Mười Một", "M", D(1982, 11, 11), "head", False),
            ("Ngô Thị Mười Hai", "F", D(2016, 1, 1), "child", True),  # 10
        ],
    ),
    ("B2", "B", 1, "near_poor", [("Vũ Thị Mười Ba", "F", D(1960, 3, 13), "head", False)]),
    ("B3", "B", 1, "not_poor", [("Đỗ Văn Mười Bốn", "M", D(1988, 4, 14), "head", False)]),
]


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    return freeze_today(monkeypatch, TODAY)


@dataclass
class World:
    users: dict[str, Any]
    communes: dict[str, Area]
    villages: dict[str, Area]
    policies: dict[str, Policy]
    households: dict[str, Household]
    members: dict[str, Member]  # by full name

    @property
    def specialist(self) -> Any:
        return self.users["chuyenvien"]

    def recipient(self, household: str, member: str | None = None) -> Recipient:
        return Recipient(self.households[household].pk, self.members[member].pk if member else None)

    def record(
        self,
        code: str,
        recipients: list[tuple[str, str | None]],
        on: dt.date,
        amount: int,
        source: str = "central",
        **extra: Any,
    ) -> list[SupportRecord]:
        return support_records_create(
            policy=self.policies[code],
            recipients=[self.recipient(h, m) for h, m in recipients],
            data=SupportData(date=on, funding_source=source, amount=amount, **extra),
            acting_user=self.specialist,
        )


def _build(users: dict[str, Any], commune_a: Area, commune_b: Area) -> World:
    policies = make_policies(POLICIES)
    communes = {"A": commune_a, "B": commune_b}
    villages, households, members = make_households(
        HOUSEHOLDS, communes, prefix="ZT", village_prefix="ZT", fifth="in_education"
    )
    request = regular_request_file(
        household=households["A5"], kind="escape", filed_on=D(2025, 8, 1), acting_user=users["canbo.bugiamap"]
    )
    regular_request_decide(
        request=request,
        approved=True,
        decided_on=D(2025, 8, 15),
        decision_number="15/QĐ-UBND",
        acting_user=users["canbo.bugiamap"],
    )
    households["A5"].refresh_from_db()
    world = World(users, communes, villages, policies, households, members)

    # Support delivered (recorded by the provincial specialist).
    nha = world.record("ZT-NHA", [("A1", None), ("A2", None)], D(2026, 3, 10), 5_000_000)
    support_record_cancel(record=nha[1], reason="Nhập nhầm hộ", acting_user=world.specialist)  # A2: not
    world.record("ZT-NHA", [("A3", None)], D(2025, 11, 1), 4_000_000, "local")  # last year: not in 2026
    world.record("ZT-NHA", [("B1", None)], D(2026, 4, 1), 3_000_000, "local")
    world.record(  # a middle-living household whose house collapsed: outside the policy, with a reason
        "ZT-NHA",
        [("A4", None)],
        D(2026, 3, 10),
        2_000_000,
        "social",
        project="Quỹ Vì người nghèo",
        reason="Nhà sập do lốc xoáy",
    )
    world.record(  # every member of A1, only the head of A2
        "ZT-BHYT",
        [("A1", "Điểu Văn Một"), ("A1", "Điểu Thị Hai"), ("A1", "Điểu Văn Ba"), ("A2", "Thị Bốn")],
        D(2026, 2, 1),
        1_105_000,
    )
    world.record("ZT-BHYT", [("B1", "Ngô Văn Mười Một")], D(2025, 12, 20), 1_105_000)  # last year
    support_records_write(
        items=[
            SupportItem(
                policies["ZT-HOC"],
                world.recipient(h, m),
                SupportData(date=on, funding_source="central", amount=150_000),
            )
            for h, m, on in [
                ("A1", "Điểu Thị Hai", D(2026, 1, 10)),
                ("A2", "Điểu Văn Năm", D(2026, 5, 5)),
                ("B1", "Ngô Thị Mười Hai", D(2026, 6, 1)),
            ]
        ],
        acting_user=world.specialist,
    )
    world.record(  # a 3-year-old not at school: outside, with a reason
        "ZT-HOC", [("A1", "Điểu Văn Ba")], D(2026, 1, 10), 150_000, reason="Học mẫu giáo bán trú"
    )
    world.record("ZT-SINHKE", [("A5", None)], D(2025, 9, 1), 10_000_000)  # once: still covers in 2026
    world.record("ZT-CU", [("B1", None)], D(2025, 6, 1), 500_000, "local")
    return world


@pytest.fixture
def world(today: dt.date, users: dict[str, Any], commune_a: Area, commune_b: Area) -> World:
    world = _build(users, commune_a, commune_b)
    coverage_rebuild(year=YEAR)
    # entitlement rows: 6 housing, 8 health, 6 study, 1 livelihood
    assert Entitlement.objects.filter(year=YEAR).count() == 21
    assert coverage_rebuild(year=YEAR) == 0  # nothing changed since: nothing deleted or inserted
    return world


# --- helpers -------------------------------------------------------------------------------------------


def T(*counts: int) -> Tally:
    """(eligible households, covered households, eligible units, covered units, outside units)."""
    return Tally(*counts)


def by_code(rows: list[Any]) -> dict[str, Tally]:
    return {r.policy.code: r.tally for r in rows}


def summary_sums(world: World, year: int = YEAR) -> dict[tuple[str, str], Tally]:
    """The coverage summaries added up per (policy, commune)."""
    code = {p.pk: p.code for p in Policy.objects.all()}
    commune = {c.pk: k for k, c in world.communes.items()}
    return {
        (code[r["policy_id"]], commune[r["commune_id"]]): T(r["eh"], r["ch"], r["eu"], r["cu"], r["ou"])
        for r in CoverageSummary.objects.filter(year=year)
        .values("policy_id", "commune_id")
        .annotate(
            eh=Sum("eligible_households"),
            ch=Sum("covered_households"),
            eu=Sum("eligible_units"),
            cu=Sum("covered_units"),
            ou=Sum("outside_units"),
        )
        .order_by()
    }


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(-1 if v is None else v for v in row)


def coverage_state(year: int = YEAR) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    entitlements = Entitlement.objects.filter(year=year).values_list(
        "policy_id", "household_id", "member_id", "commune_id", "village_id", "eligible", "covered"
    )
    summaries = CoverageSummary.objects.filter(year=year).values_list(
        "policy_id",
        "commune_id",
        "village_id",
        "eligible_households",
        "covered_households",
        "eligible_units",
        "covered_units",
        "outside_units",
    )
    return sorted(entitlements, key=_key), sorted(summaries, key=_key)


def assert_incremental_equals_full(year: int = YEAR) -> None:
    """The tables kept current by the change equal the tables a full rebuild produces."""
    incremental = coverage_state(year)
    coverage_rebuild(year=year)
    assert coverage_state(year) == incremental


def gap(world: World, code: str, user: str = "chuyenvien", **kw: Any) -> list[tuple[str, str | None]]:
    rows = gap_list(user=world.users[user], policy=world.policies[code], year=YEAR, **kw)
    return [(e.household.code, e.member.full_name if e.member else None) for e in rows]


# --- the numbers of the fixed world ------------------------------------------------------------------

EXPECTED_SUMS = {
    ("ZT-NHA", "A"): T(3, 1, 3, 1, 1),  # A1 covered, A2 (cancelled) and A3 (last year) not, A4 outside
    ("ZT-NHA", "B"): T(2, 1, 2, 1, 0),
    ("ZT-BHYT", "A"): T(2, 1, 6, 4, 0),  # A1 all three members; A2 only its head: not a covered household
    ("ZT-BHYT", "B"): T(1, 0, 2, 0, 0),  # the head's card of December 2025 does not cover 2026
    ("ZT-HOC", "A"): T(3, 1, 4, 2, 1),  # pupils Hai, Năm (covered), Sáu, Tám; Ba (3, not at school) outside
    ("ZT-HOC", "B"): T(1, 1, 1, 1, 0),
    ("ZT-SINHKE", "A"): T(1, 1, 1, 1, 0),  # A5, escaped 10 months ago, supported in 2025
}


def test_summaries_of_the_fixed_world(world: World) -> None:
    assert summary_sums(world) == EXPECTED_SUMS
    village_2 = {
        world.policies["ZT-NHA"].pk: T(1, 0, 1, 0, 1),
        world.policies["ZT-HOC"].pk: T(1, 0, 1, 0, 0),
        world.policies["ZT-SINHKE"].pk: T(1, 1, 1, 1, 0),
    }
    assert {
        s.policy_id: T(
            s.eligible_households, s.covered_households, s.eligible_units, s.covered_units, s.outside_units
        )
        for s in CoverageSummary.objects.filter(year=YEAR, village=world.villages["A2"])
    } == village_2
    assert not CoverageSummary.objects.filter(year=YEAR, policy=world.policies["ZT-CU"]).exists()
    assert_incremental_equals_full()  # rebuilding again changes nothing


def test_coverage_by_policy(world: World) -> None:
    rows = coverage_by_policy(user=world.specialist, year=YEAR)
    # the policies in force in 2026, in catalogue order (area, code); the one that ended in 2025 is not
    assert [r.policy.code for r in rows] == ["ZT-HOC", "ZT-BHYT", "ZT-NHA", "ZT-SINHKE"]
    assert by_code(rows) == {
        "ZT-HOC": T(4, 2, 5, 3, 1),
        "ZT-BHYT": T(3, 1, 8, 4, 0),
        "ZT-NHA": T(5, 2, 5, 2, 1),
        "ZT-SINHKE": T(1, 1, 1, 1, 0),
    }
    assert by_code(rows)["ZT-BHYT"].gap_units == 4 and str(by_code(rows)["ZT-BHYT"].percent) == "50.0"
    assert str(by_code(rows)["ZT-HOC"].percent) == "60.0"
    a, b = world.communes["A"].pk, world.communes["B"].pk
    assert by_code(coverage_by_policy(user=world.specialist, year=YEAR, commune_id=a)) == {
        "ZT-HOC": T(3, 1, 4, 2, 1),
        "ZT-BHYT": T(2, 1, 6, 4, 0),
        "ZT-NHA": T(3, 1, 3, 1, 1),
        "ZT-SINHKE": T(1, 1, 1, 1, 0),
    }
    assert by_code(coverage_by_policy(user=world.specialist, year=YEAR, commune_id=b)) == {
        "ZT-HOC": T(1, 1, 1, 1, 0),
        "ZT-BHYT": T(1, 0, 2, 0, 0),
        "ZT-NHA": T(2, 1, 2, 1, 0),
        "ZT-SINHKE": T(),
    }
    assert by_code(
        coverage_by_policy(user=world.specialist, year=YEAR, village_id=world.villages["A2"].pk)
    ) == {
        "ZT-HOC": T(1, 0, 1, 0, 0),
        "ZT-BHYT": T(),
        "ZT-NHA": T(1, 0, 1, 0, 1),
        "ZT-SINHKE": T(1, 1, 1, 1, 0),
    }
    assert by_code(coverage_by_policy(user=world.specialist, year=YEAR, area="health")) == {
        "ZT-BHYT": T(3, 1, 8, 4, 0)
    }


def test_coverage_matrix_worst_first(world: World) -> None:
    areas, rows = coverage_matrix(user=world.specialist, year=YEAR)
    assert areas == ["health", "education", "housing", "livelihood"]  # the catalogue's order of areas
    assert [r.commune.pk for r in rows] == [world.communes["B"].pk, world.communes["A"].pk]
    b, a = rows
    assert b.cells == {"health": T(1, 0, 2, 0, 0), "education": T(1, 1, 1, 1, 0), "housing": T(2, 1, 2, 1, 0)}
    assert b.total == T(4, 2, 5, 2, 0) and str(b.total.percent) == "40.0"
    assert a.cells == {
        "health": T(2, 1, 6, 4, 0),
        "education": T(3, 1, 4, 2, 1),
        "housing": T(3, 1, 3, 1, 1),
        "livelihood": T(1, 1, 1, 1, 0),
    }
    assert a.total == T(9, 4, 14, 8, 2) and str(a.total.percent) == "57.1"


def test_gap_lists_name_the_recipients(world: World) -> None:
    # ordered by commune name (Phường Trấn Biên first), village, household code, member's birth date
    assert gap(world, "ZT-BHYT") == [
        ("ZT-B1", "Ngô Văn Mười Một"),
        ("ZT-B1", "Ngô Thị Mười Hai"),
        ("ZT-A2", "Điểu Thị Sáu"),
        ("ZT-A2", "Điểu Văn Năm"),
    ]
    assert gap(world, "ZT-NHA") == [("ZT-B2", None), ("ZT-A2", None), ("ZT-A3", None)]
    assert gap(world, "ZT-HOC") == [("ZT-A2", "Điểu Thị Sáu"), ("ZT-A3", "Lê Thị Tám")]
    assert gap(world, "ZT-SINHKE") == []
    assert gap(world, "ZT-NHA", commune_id=world.communes["A"].pk) == [("ZT-A2", None), ("ZT-A3", None)]
    assert gap(world, "ZT-NHA", village_id=world.villages["A2"].pk) == [("ZT-A3", None)]


def test_spending_totals_in_dong(world: World) -> None:
    spent = spending_totals(user=world.specialist, filters=SupportFilters(D(2026, 1, 1), D(2026, 12, 31)))
    # cancelled A2 housing record left out; 11 records of 2026
    assert (spent.records, spent.amount) == (11, 15_020_000)
    assert spent.by_project == [
        ("Dự án 5", 2, 8_000_000),  # the policy's project by default
        ("", 8, 5_020_000),
        ("Quỹ Vì người nghèo", 1, 2_000_000),  # given on the record
    ]
    assert spent.by_source == [("central", 9, 10_020_000), ("local", 1, 3_000_000), ("social", 1, 2_000_000)]
    assert spent.by_area == [("housing", 3, 10_000_000), ("health", 4, 4_420_000), ("education", 4, 600_000)]
    assert all(isinstance(t[2], int) for t in spent.by_project + spent.by_source + spent.by_area)
    last_year = spending_totals(user=world.specialist, filters=SupportFilters(D(2025, 1, 1), D(2025, 12, 31)))
    assert (last_year.records, last_year.amount) == (4, 15_605_000)
    assert last_year.by_project == [("Dự án 2", 1, 10_000_000), ("Dự án 5", 1, 4_000_000), ("", 2, 1_605_000)]
    assert last_year.by_area == [
        ("livelihood", 1, 10_000_000),
        ("housing", 1, 4_000_000),
        ("health", 1, 1_105_000),
        ("other", 1, 500_000),
    ]
    one = spending_totals(
        user=world.specialist,
        filters=SupportFilters(policy_id=world.policies["ZT-HOC"].pk, commune_id=world.communes["A"].pk),
    )
    assert (one.records, one.amount) == (3, 450_000)


def test_a_past_year(world: World) -> None:
    """2025, judged on 31/12/2025: the policy that ended in 2025 counts; last year's records cover."""
    coverage_rebuild(year=2025)  # last year's records already put their households' rows in
    assert Entitlement.objects.filter(year=2025).count() == 22
    assert by_code(coverage_by_policy(user=world.specialist, year=2025)) == {
        "ZT-HOC": T(4, 0, 5, 0, 0),  # in force from 03/09/2025; nobody supported in 2025
        "ZT-BHYT": T(3, 0, 8, 1, 0),  # B1's head in December; his daughter not
        "ZT-NHA": T(5, 1, 5, 1, 0),  # A3 in November
        "ZT-SINHKE": T(1, 1, 1, 1, 0),
        "ZT-CU": T(3, 1, 3, 1, 0),
    }
    assert by_code(coverage_by_policy(user=world.specialist, year=YEAR))["ZT-NHA"] == T(5, 2, 5, 2, 1)


# --- refreshed on change -----------------------------------------------------------------------------


def test_a_new_member_is_counted_at_once(world: World) -> None:
    member_create(
        household=world.households["A2"],
        data={
            "full_name": "Điểu Văn Mười Lăm",
            "sex": "M",
            "date_of_birth": D(2017, 2, 1),
            "relationship": "child",
            "in_education": True,
        },
        acting_user=world.users["canbo.bugiamap"],
    )
    sums = summary_sums(world)
    assert sums[("ZT-BHYT", "A")] == T(2, 1, 7, 4, 0)
    assert sums[("ZT-HOC", "A")] == T(3, 1, 5, 2, 1)
    assert sums == {**EXPECTED_SUMS, ("ZT-BHYT", "A"): T(2, 1, 7, 4, 0), ("ZT-HOC", "A"): T(3, 1, 5, 2, 1)}
    assert ("ZT-A2", "Điểu Văn Mười Lăm") in gap(world, "ZT-HOC")
    assert_incremental_equals_full()


def test_a_category_change_by_the_review_is_counted_at_once(world: World) -> None:
    officer = world.users["canbo.tranbien"]
    escape = regular_request_file(
        household=world.households["B2"], kind="escape", filed_on=D(2026, 6, 1), acting_user=officer
    )
    regular_request_decide(
        request=escape, approved=True, decided_on=D(2026, 6, 10), decision_number="7/QĐ", acting_user=officer
    )
    sums = summary_sums(world)
    assert sums[("ZT-NHA", "B")] == T(1, 1, 1, 1, 0)  # B2 is no longer near-poor...
    assert sums[("ZT-SINHKE", "B")] == T(1, 0, 1, 0, 0)  # ...but newly escaped
    assert_incremental_equals_full()
    poor = regular_request_file(
        household=world.households["B3"], kind="become_poor", filed_on=D(2026, 6, 2), acting_user=officer
    )
    regular_request_decide(
        request=poor, approved=True, decided_on=D(2026, 6, 12), decision_number="8/QĐ", acting_user=officer
    )
    sums = summary_sums(world)
    assert sums[("ZT-NHA", "B")] == T(2, 1, 2, 1, 0)
    assert sums[("ZT-BHYT", "B")] == T(2, 0, 3, 0, 0)
    assert gap(world, "ZT-BHYT", "canbo.tranbien")[-1] == ("ZT-B3", "Đỗ Văn Mười Bốn")
    assert_incremental_equals_full()
    assert {k: v for k, v in summary_sums(world).items() if k[1] == "A"} == {
        k: v for k, v in EXPECTED_SUMS.items() if k[1] == "A"
    }


def test_recording_and_cancelling_support_is_counted_at_once(world: World) -> None:
    world.record(
        "ZT-BHYT", [("B1", "Ngô Văn Mười Một"), ("B1", "Ngô Thị Mười Hai")], D(2026, 6, 10), 1_105_000
    )
    assert summary_sums(world)[("ZT-BHYT", "B")] == T(1, 1, 2, 2, 0)
    assert gap(world, "ZT-BHYT") == [("ZT-A2", "Điểu Thị Sáu"), ("ZT-A2", "Điểu Văn Năm")]
    assert_incremental_equals_full()

    housing = SupportRecord.objects.get(
        policy=world.policies["ZT-NHA"], household=world.households["A1"], cancelled_at=None
    )
    support_record_cancel(record=housing, reason="Trùng với hồ sơ khác", acting_user=world.specialist)
    assert summary_sums(world)[("ZT-NHA", "A")] == T(3, 0, 3, 0, 1)
    assert gap(world, "ZT-NHA", commune_id=world.communes["A"].pk) == [
        ("ZT-A1", None),
        ("ZT-A2", None),
        ("ZT-A3", None),
    ]
    spent = spending_totals(user=world.specialist, filters=SupportFilters(D(2026, 1, 1), D(2026, 12, 31)))
    assert (spent.records, spent.amount) == (12, 15_020_000 + 2 * 1_105_000 - 5_000_000)
    assert_incremental_equals_full()

    # a record of last year refreshes last year
    coverage_rebuild(year=2025)
    world.record("ZT-HOC", [("A3", "Lê Thị Tám")], D(2025, 10, 1), 150_000)
    assert by_code(coverage_by_policy(user=world.specialist, year=2025))["ZT-HOC"] == T(4, 1, 5, 1, 0)
    assert_incremental_equals_full(2025)


# --- scoping -----------------------------------------------------------------------------------------


def test_a_commune_officer_sees_only_their_commune(world: World) -> None:
    officer = world.users["canbo.bugiamap"]
    assert by_code(coverage_by_policy(user=officer, year=YEAR)) == {
        "ZT-HOC": T(3, 1, 4, 2, 1),
        "ZT-BHYT": T(2, 1, 6, 4, 0),
        "ZT-NHA": T(3, 1, 3, 1, 1),
        "ZT-SINHKE": T(1, 1, 1, 1, 0),
    }
    # asking for another commune gives nothing, not its numbers
    other = coverage_by_policy(user=officer, year=YEAR, commune_id=world.communes["B"].pk)
    assert all(r.tally == T() for r in other)
    _areas, rows = coverage_matrix(user=officer, year=YEAR)
    assert [r.commune.pk for r in rows] == [world.communes["A"].pk]
    assert gap(world, "ZT-BHYT", "canbo.bugiamap") == [("ZT-A2", "Điểu Thị Sáu"), ("ZT-A2", "Điểu Văn Năm")]
    assert gap(world, "ZT-BHYT", "canbo.bugiamap", commune_id=world.communes["B"].pk) == []
    spent = spending_totals(user=officer, filters=SupportFilters(D(2026, 1, 1), D(2026, 12, 31)))
    assert (spent.records, spent.amount) == (9, 11_870_000)

    ward = world.users["canbo.tranbien"]
    assert by_code(coverage_by_policy(user=ward, year=YEAR)) == {
        "ZT-HOC": T(1, 1, 1, 1, 0),
        "ZT-BHYT": T(1, 0, 2, 0, 0),
        "ZT-NHA": T(2, 1, 2, 1, 0),
        "ZT-SINHKE": T(),
    }
    assert gap(world, "ZT-NHA", "canbo.tranbien") == [("ZT-B2", None)]
    spent = spending_totals(user=ward, filters=SupportFilters(D(2026, 1, 1), D(2026, 12, 31)))
    assert (spent.records, spent.amount) == (2, 3_150_000)
    assert spent.by_source == [("local", 1, 3_000_000), ("central", 1, 150_000)]


def test_a_user_without_an_area_sees_no_coverage(world: World) -> None:
    head = world.users["truongphong"]  # unit head: org scope only, no area
    assert all(r.tally == T() for r in coverage_by_policy(user=head, year=YEAR))
    assert coverage_matrix(user=head, year=YEAR)[1] == []
    assert gap(world, "ZT-BHYT", "truongphong") == []
    assert spending_totals(user=head, filters=SupportFilters()).records == 0


def test_a_policy_ended_during_the_year_is_judged_on_its_last_day(world: World) -> None:
    """Ages, like categories, are taken on the policy's reference date (its end), not on today."""
    world.policies["ZT-TRE"] = Policy.objects.create(
        code="ZT-TRE",
        name="Chính sách thử ZT-TRE",
        legal_basis="(thử)",
        is_sample=False,
        area="health",
        level="member",
        frequency="yearly",
        valid_from=D(2020, 1, 1),
        valid_to=D(2026, 2, 28),
        rule={"level": "member", "categories": ["poor"], "age": [0, 13]},
    )
    coverage_rebuild(year=YEAR)
    # Hai (11), Ba (3), B1's daughter (10) and Năm, 13 on 28/02/2026 (14 only from 01/03/2026)
    assert by_code(coverage_by_policy(user=world.specialist, year=YEAR))["ZT-TRE"] == T(3, 0, 4, 0, 0)
    assert ("ZT-A2", "Điểu Văn Năm") in gap(world, "ZT-TRE")


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_several_processes_writes_what_one_process_writes(
    seeded: Any,
    today: dt.date,
    users: dict[str, Any],
    commune_a: Area,
    commune_b: Area,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many communes outside a transaction on PostgreSQL (an import's end): one forked process per commune at
    a time, each commune a transaction of its own; the same rows and summaries as one process."""
    from django.db import connection

    from giamngheo.policies.services import coverage as coverage_service

    _build(users, commune_a, commune_b)
    assert coverage_service.rebuild_processes(2) == 1  # two communes: not worth the processes
    coverage_rebuild(year=YEAR)
    one = coverage_state()
    assert len(one[0]) == 21
    Entitlement.objects.filter(year=YEAR).delete()
    CoverageSummary.objects.filter(year=YEAR).delete()
    monkeypatch.setattr(coverage_service, "PARALLEL_FROM", 2)
    if connection.vendor == "postgresql":
        assert coverage_service.rebuild_processes(2) >= 2
    assert coverage_rebuild(year=YEAR) == 21
    assert coverage_state() == one
