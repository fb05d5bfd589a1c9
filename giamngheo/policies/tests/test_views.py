"""The policies pages through ``django.test.Client``: coverage, the communes × areas matrix, gap lists with
their exports and bulk recording, support records (create, list, detail, cancel), spending, the household
card's policy section and the home page's coverage figure.

A small fixed world of four households in two communes and four test policies (``ZV-…``; the sample
catalogue is switched off). "Today" is fixed at 15/06/2026. The tests read data — ``data-*`` attributes,
``data-testid``, numbers, names, codes, status codes, redirects and database rows — not translated wording.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from giamngheo.geo.models import Area
from giamngheo.households.models import Household, Member
from giamngheo.households.services import member_create
from giamngheo.policies import selectors
from giamngheo.policies.coverage import Tally
from giamngheo.policies.models import CoverageSummary, Entitlement, Policy, SupportRecord
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    coverage_rebuild,
    support_record_cancel,
    support_records_create,
)
from giamngheo.policies.tests.worlds import freeze_today, make_households, make_policies

TODAY = dt.date(2026, 6, 15)
YEAR = 2026
D = dt.date
Response = Any  # the test client's response (the stubs' type is private)
OFFICER_A, OFFICER_B, SPECIALIST, VIEWER, OFFICE = (
    "canbo.bugiamap",
    "canbo.tranbien",
    "chuyenvien",
    "lanhdao",
    "vanphong",
)

POLICIES: list[dict[str, Any]] = [
    {  # housing: poor and near-poor households, each time it happens
        "code": "ZV-NHA",
        "area": "housing",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2021, 7, 1),
        "valid_to": None,
        "project": "Dự án 5",
        "rule": {"level": "household", "categories": ["poor", "near_poor"]},
    },
    {  # health insurance card: every member of a poor household, every year
        "code": "ZV-BHYT",
        "area": "health",
        "level": "member",
        "frequency": "yearly",
        "valid_from": D(2022, 1, 1),
        "valid_to": None,
        "project": "",
        "rule": {"level": "member", "categories": ["poor"]},
    },
    {  # children aged 3–18 of poor and near-poor households, every year
        "code": "ZV-TRE",
        "area": "education",
        "level": "member",
        "frequency": "yearly",
        "valid_from": D(2022, 1, 1),
        "valid_to": None,
        "project": "Dự án 4",
        "rule": {"level": "member", "categories": ["poor", "near_poor"], "age": [3, 18]},
    },
    {  # clean water for poor households, from 01/03/2026
        "code": "ZV-NUOC",
        "area": "water",
        "level": "household",
        "frequency": "per_event",
        "valid_from": D(2026, 3, 1),
        "valid_to": None,
        "project": "",
        "rule": {"level": "household", "categories": ["poor"]},
    },
]

# (key, commune "A"/"B", village 1/2, category, members: (name, sex, born, relationship, national ID))
HOUSEHOLDS: list[tuple[str, str, int, str, list[tuple[str, str, dt.date, str, str]]]] = [
    (
        "A1",
        "A",
        1,
        "poor",
        [
            ("Điểu Văn Một", "M", D(1980, 5, 1), "head", "075080123456"),
            ("Điểu Thị Hai", "F", D(2014, 5, 1), "child", "075314654321"),  # 12
            ("Điểu Văn Ba", "M", D(2023, 3, 1), "child", ""),  # 3 since 01/03/2026
        ],
    ),
    (
        "A2",
        "A",
        2,
        "near_poor",
        [
            ("Lê Văn Bảy", "M", D(1975, 7, 7), "head", ""),
            ("Lê Thị Tám", "F", D(2015, 9, 1), "child", ""),  # 10
        ],
    ),
    ("A3", "A", 1, "middle", [("Trần Văn Chín", "M", D(1990, 9, 9), "head", "")]),
    (
        "B1",
        "B",
        1,
        "poor",
        [
            ("Ngô Văn Mười Một", "M", D(1982, 11, 11), "head", "075082111222"),
            ("Ngô Thị Mười Hai", "F", D(2016, 1, 1), "child", ""),  # 10
        ],
    ),
]


# --- reading pages ---------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)
    inner: list[Element] = field(default_factory=list)  # every element inside, in document order

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def all(self, tag: str | None = None, **attrs: str | None) -> list[Element]:
        return _match(self.inner, tag, attrs)

    def one(self, tag: str | None = None, **attrs: str | None) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


def _match(elements: Iterable[Element], tag: str | None, attrs: dict[str, str | None]) -> list[Element]:
    """Elements by tag and attributes (``data_testid="x"`` is ``data-testid="x"``, ``class_`` is ``class``;
    ``None``: present)."""
    wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    return [
        e
        for e in elements
        if (tag is None or e.tag == tag)
        and all(k in e.attrs and (v is None or e.attrs[k] == v) for k, v in wanted.items())
    ]


class Page(HTMLParser):
    """The elements of an HTML page with their attributes, text and the elements inside them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        for parent in self._open:
            parent.inner.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        for parent in self._open:
            parent.inner.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.parts.append(data)

    def all(self, tag: str | None = None, **attrs: str | None) -> list[Element]:
        return _match(self.elements, tag, attrs)

    def one(self, tag: str | None = None, **attrs: str | None) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


def page(response: Response) -> Page:
    return Page(response.content.decode())


def vn(value: int | Decimal) -> str:
    """Vietnamese number formatting: 1500000 -> "1.500.000", 66.7 -> "66,7"."""
    if isinstance(value, Decimal):
        whole, _dot, decimals = str(value).partition(".")
        return f"{int(whole):,}".replace(",", ".") + (f",{decimals}" if decimals else "")
    return f"{value:,}".replace(",", ".")


def vnd(amount: int) -> str:
    return f"{vn(amount)} đ"


def success_messages(response: Response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.SUCCESS]


# --- the fixed world -------------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    return freeze_today(monkeypatch, TODAY)


@pytest.fixture
def viewer_sees_households(monkeypatch: pytest.MonkeyPatch) -> None:
    """A role that may see and download households but neither see national IDs in full nor record support."""
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.VIEWER,
        ROLE_CAPABILITIES[Role.VIEWER] | {Capability.VIEW_HOUSEHOLDS, Capability.DOWNLOAD_PERSONAL_DATA},
    )


@dataclass
class World:
    users: dict[str, Any]
    communes: dict[str, Area]
    villages: dict[str, Area]
    policies: dict[str, Policy]
    households: dict[str, Household]
    members: dict[str, Member]  # by full name

    def client(self, username: str) -> Client:
        return client_for(self.users[username])

    def pick(self, household: str, member: str | None = None) -> str:
        return f"{self.households[household].pk}:{self.members[member].pk if member else 0}"

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
            recipients=[
                Recipient(self.households[h].pk, self.members[m].pk if m else None) for h, m in recipients
            ],
            data=SupportData(date=on, funding_source=source, amount=amount, **extra),
            acting_user=self.users[SPECIALIST],
        )


@pytest.fixture
def world(today: dt.date, users: dict[str, Any], commune_a: Area, commune_b: Area) -> World:
    policies = make_policies(POLICIES)
    communes = {"A": commune_a, "B": commune_b}
    villages, households, members = make_households(
        HOUSEHOLDS, communes, prefix="HV", village_prefix="ZV", fifth="national_id"
    )
    w = World(users, communes, villages, policies, households, members)
    coverage_rebuild(year=YEAR)

    # Support delivered (recorded by the provincial specialist).
    w.record("ZV-NHA", [("A1", None)], D(2026, 3, 10), 5_000_000)
    [wrong] = w.record("ZV-NHA", [("A2", None)], D(2026, 2, 2), 4_000_000)
    support_record_cancel(record=wrong, reason="Nhập nhầm hộ", acting_user=users[SPECIALIST])
    w.record("ZV-NHA", [("B1", None)], D(2026, 4, 1), 3_000_000, "local")
    w.record(  # a middle-living household whose house collapsed: outside the policy, with a reason
        "ZV-NHA",
        [("A3", None)],
        D(2026, 3, 10),
        2_000_000,
        "social",
        project="Quỹ Vì người nghèo",
        reason="Nhà sập do lốc xoáy",
    )
    w.record("ZV-BHYT", [("A1", "Điểu Văn Một")], D(2026, 2, 1), 1_105_000)
    w.record("ZV-BHYT", [("B1", "Ngô Văn Mười Một")], D(2025, 12, 20), 1_105_000)  # last year
    w.record("ZV-TRE", [("B1", "Ngô Thị Mười Hai")], D(2026, 1, 10), 1_500_000)
    coverage_rebuild(year=YEAR)
    return w


def T(*counts: int) -> Tally:
    """(eligible households, covered households, eligible units, covered units, outside units)."""
    return Tally(*counts)


def by_code(rows: list[selectors.PolicyCoverage]) -> dict[str, Tally]:
    return {r.policy.code: r.tally for r in rows}


def gap(w: World, code: str, username: str = SPECIALIST, **kw: Any) -> list[tuple[str, str | None]]:
    rows = selectors.gap_list(user=w.users[username], policy=w.policies[code], year=YEAR, **kw)
    return [(e.household.code, e.member.full_name if e.member else None) for e in rows]


def test_the_fixed_world(world: World) -> None:
    """The numbers the pages below are checked against."""
    assert by_code(selectors.coverage_by_policy(user=world.users[SPECIALIST], year=YEAR)) == {
        "ZV-BHYT": T(2, 0, 5, 1, 0),
        "ZV-TRE": T(3, 1, 4, 1, 0),
        "ZV-NHA": T(3, 2, 3, 2, 1),
        "ZV-NUOC": T(2, 0, 2, 0, 0),
    }
    assert gap(world, "ZV-BHYT") == [
        ("HV-B1", "Ngô Văn Mười Một"),
        ("HV-B1", "Ngô Thị Mười Hai"),
        ("HV-A1", "Điểu Thị Hai"),
        ("HV-A1", "Điểu Văn Ba"),
    ]


# --- coverage ----------------------------------------------------------------------------------------------


def coverage_rows(response: Response) -> dict[str, str]:
    """policy code -> data-percent of the coverage table."""
    return {
        tr.attrs["data-policy"]: tr.attrs["data-percent"]
        for tr in page(response).all("tr", data_policy=None, data_percent=None)
    }


def expected_rows(rows: list[selectors.PolicyCoverage]) -> dict[str, str]:
    return {r.policy.code: "" if r.tally.percent is None else str(r.tally.percent) for r in rows}


def test_coverage_an_officer_sees_their_commune_only(world: World) -> None:
    officer = world.users[OFFICER_A]
    response = world.client(OFFICER_A).get(reverse("policies:coverage"))
    assert response.status_code == 200
    mine = selectors.coverage_by_policy(user=officer, year=YEAR)
    of_a = selectors.coverage_by_policy(
        user=world.users[SPECIALIST], year=YEAR, commune_id=world.communes["A"].pk
    )
    assert by_code(mine) == by_code(of_a)
    assert (
        coverage_rows(response)
        == expected_rows(mine)
        == {
            "ZV-BHYT": "33.3",
            "ZV-TRE": "0.0",
            "ZV-NHA": "50.0",
            "ZV-NUOC": "0.0",
        }
    )
    total = sum((r.tally for r in mine), Tally())
    html = page(response)
    assert html.one(data_testid="total-eligible").text == vn(total.eligible_units) == "9"
    assert html.one(data_testid="total-covered").text == vn(total.covered_units) == "2"
    assert html.one(data_testid="total-gap").text == "7"
    assert response.context["commune"] == world.communes["A"]
    # the other commune is not offered, and asking for it still shows commune A
    offered = [o.get("value") for o in html.one("select", name="commune").all("option")]
    assert str(world.communes["B"].pk) not in offered
    other = world.client(OFFICER_A).get(reverse("policies:coverage"), {"commune": world.communes["B"].pk})
    assert other.status_code == 200 and coverage_rows(other) == coverage_rows(response)
    other = world.client(OFFICER_A).get(reverse("policies:coverage"), {"village": world.villages["B1"].pk})
    assert other.context["village"] is None and coverage_rows(other) == coverage_rows(response)
    # the gap links keep the commune
    links = [a.attrs["href"] for a in html.all("a", data_testid="gap-link")]
    assert {urlsplit(h).path for h in links} == {
        reverse("policies:gap-list", args=[c]) for c in ("ZV-BHYT", "ZV-TRE", "ZV-NHA", "ZV-NUOC")
    }
    assert all(parse_qs(urlsplit(h).query)["commune"] == [str(world.communes["A"].pk)] for h in links)


def test_coverage_the_specialist_sees_the_province_and_filters(world: World) -> None:
    specialist = world.users[SPECIALIST]
    client = world.client(SPECIALIST)
    url = reverse("policies:coverage")
    response = client.get(url)
    assert response.status_code == 200
    province = selectors.coverage_by_policy(user=specialist, year=YEAR)
    assert coverage_rows(response) == expected_rows(province)
    assert coverage_rows(response)["ZV-NHA"] == "66.7"
    assert page(response).one(data_testid="total-percent").text == f"{vn(Decimal('28.6'))} %"

    a, b = world.communes["A"].pk, world.communes["B"].pk
    for commune in (a, b):
        rows = coverage_rows(client.get(url, {"commune": commune}))
        assert rows == expected_rows(
            selectors.coverage_by_policy(user=specialist, year=YEAR, commune_id=commune)
        )
    assert coverage_rows(client.get(url, {"commune": b}))["ZV-TRE"] == "100.0"

    village = world.villages["A2"]  # only the near-poor household A2
    response = client.get(url, {"commune": a, "village": village.pk})
    assert response.context["village"] == village
    assert coverage_rows(response) == expected_rows(
        selectors.coverage_by_policy(user=specialist, year=YEAR, village_id=village.pk)
    )
    assert coverage_rows(response) == {"ZV-BHYT": "", "ZV-TRE": "0.0", "ZV-NHA": "0.0", "ZV-NUOC": ""}

    response = client.get(url, {"area": "health"})
    assert coverage_rows(response) == {"ZV-BHYT": "20.0"}
    # an unknown area is ignored
    assert coverage_rows(client.get(url, {"area": "lottery"})) == expected_rows(province)


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"year": "2026'; DROP TABLE"},
        {"commune": "999999999"},
        {"commune": "abc"},
        {"village": "abc"},
        {"year": "", "commune": "", "village": ""},
    ],
)
def test_coverage_an_invalid_query_falls_back_to_the_defaults(world: World, query: dict[str, str]) -> None:
    for username, commune in ((SPECIALIST, None), (OFFICER_A, world.communes["A"])):
        response = world.client(username).get(reverse("policies:coverage"), query)
        assert response.status_code == 200
        assert (response.context["year"], response.context["commune"]) == (YEAR, commune)
        assert response.context["village"] is None
        assert coverage_rows(response) == expected_rows(
            selectors.coverage_by_policy(user=world.users[username], year=YEAR)
        )
    for name in ("policies:coverage-matrix", "policies:gap-list"):
        args = ["ZV-BHYT"] if name == "policies:gap-list" else []
        response = world.client(SPECIALIST).get(reverse(name, args=args), query)
        assert response.status_code == 200 and response.context["year"] == YEAR


def _summaries(year: int = YEAR) -> list[tuple[Any, ...]]:
    return sorted(
        CoverageSummary.objects.filter(year=year).values_list(
            "policy_id",
            "commune_id",
            "village_id",
            "eligible_households",
            "covered_households",
            "eligible_units",
            "covered_units",
            "outside_units",
        ),
        key=lambda row: tuple(-1 if v is None else v for v in row),
    )


def test_coverage_recount_is_refused_to_the_officer_and_done_for_the_specialist(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("policies:coverage-rebuild")
    before = _summaries()
    assert before
    CoverageSummary.objects.filter(year=YEAR).delete()
    Entitlement.objects.filter(year=YEAR).delete()

    assert world.client(OFFICER_A).post(url, {"year": YEAR}).status_code == 403
    assert world.client(VIEWER).post(url, {"year": YEAR}).status_code == 403
    assert _summaries() == []
    officer_page = page(world.client(OFFICER_A).get(reverse("policies:coverage")))
    assert not officer_page.all("form", action=url)  # no recount button for the officer

    client = world.client(SPECIALIST)
    assert page(client.get(reverse("policies:coverage"))).all("form", action=url)
    assert client.get(url).status_code == 405
    for bad in ("", "abc", "1999", str(YEAR + 1)):
        assert client.post(url, {"year": bad}).status_code == 400
    assert _summaries() == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": YEAR})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('policies:coverage')}?year={YEAR}"
    assert success_messages(response)
    assert _summaries() == before  # recounted the same
    assert coverage_rows(client.get(response["Location"]))["ZV-NHA"] == "66.7"


def test_coverage_a_year_with_nothing_counted_shows_the_empty_state(world: World) -> None:
    CoverageSummary.objects.filter(year=YEAR).delete()
    client = world.client(SPECIALIST)
    html = page(client.get(reverse("policies:coverage"), {"year": YEAR}))
    assert html.all(data_testid="empty-state")
    assert not html.all(data_testid="coverage-table") and not html.all("tr", data_policy=None)
    matrix = page(client.get(reverse("policies:coverage-matrix"), {"year": YEAR}))
    assert matrix.all(data_testid="empty-state") and not matrix.all(data_testid="coverage-matrix")


def test_coverage_a_commune_where_nobody_is_entitled_shows_zeros(world: World) -> None:
    """Counted, nobody entitled in the area: the table says so with "—", it is not the empty state."""
    CoverageSummary.objects.filter(year=YEAR, commune=world.communes["B"]).delete()
    html = page(world.client(OFFICER_B).get(reverse("policies:coverage")))
    assert not html.all(data_testid="empty-state")
    assert {tr.attrs["data-policy"]: tr.attrs["data-percent"] for tr in html.all("tr", data_policy=None)} == {
        "ZV-BHYT": "",
        "ZV-TRE": "",
        "ZV-NHA": "",
        "ZV-NUOC": "",
    }
    assert not html.all(data_testid="gap-link")


def test_coverage_of_a_past_year(world: World) -> None:
    coverage_rebuild(year=2025)
    response = world.client(SPECIALIST).get(reverse("policies:coverage"), {"year": 2025})
    assert response.context["year"] == 2025
    # the water policy starts in 2026; last December's health card covers 2025
    assert coverage_rows(response) == expected_rows(
        selectors.coverage_by_policy(user=world.users[SPECIALIST], year=2025)
    )
    assert set(coverage_rows(response)) == {"ZV-BHYT", "ZV-TRE", "ZV-NHA"}
    assert coverage_rows(response)["ZV-BHYT"] == "20.0"


# --- the matrix --------------------------------------------------------------------------------------------


def matrix_rows(response: Response) -> list[tuple[str, Decimal | None, list[Element]]]:
    """(commune, total per cent from the cell's covered/eligible, the cells) per row, in page order."""
    out = []
    for tr in page(response).one(data_testid="coverage-matrix").all("tr", data_commune=None):
        total, *cells = tr.all("td")
        covered, eligible = (int(n.replace(".", "")) for n in total.attrs["title"].split("/"))
        pct = (Decimal(100 * covered) / eligible).quantize(Decimal("0.1")) if eligible else None
        out.append((tr.attrs["data-commune"], pct, cells))
    return out


def test_matrix_worst_first_with_the_area_columns(world: World) -> None:
    response = world.client(SPECIALIST).get(reverse("policies:coverage-matrix"))
    assert response.status_code == 200
    rows = matrix_rows(response)
    assert [r[0] for r in rows] == [world.communes["A"].name, world.communes["B"].name]
    percents = [r[1] for r in rows]
    assert percents == [Decimal("22.2"), Decimal("40.0")]
    assert percents == sorted(p for p in percents if p is not None)
    # the shown figure is the commune's coverage over every policy, as the coverage page counts it
    for (name, pct, _cells), commune in zip(rows, (world.communes["A"], world.communes["B"]), strict=True):
        total = sum(
            (
                r.tally
                for r in selectors.coverage_by_policy(
                    user=world.users[SPECIALIST], year=YEAR, commune_id=commune.pk
                )
            ),
            Tally(),
        )
        assert name == commune.name and pct == total.percent
    html = page(response)
    table = html.one(data_testid="coverage-matrix")
    areas = ["health", "education", "housing", "water"]  # the areas with a policy in force, catalogue order
    assert [a for a, _label in response.context["areas"]] == areas
    assert len(table.one("thead").all("th")) == 2 + len(areas)
    # one cell per area: commune B's health (0 of 2), education (1 of 1), housing (1 of 1), water (0 of 1)
    _name, _pct, cells = rows[1]
    assert [c.attrs.get("title") for c in cells] == ["0/2", "1/1", "1/1", "0/1"]
    assert [c.text for c in cells] == ["0,0", "100,0", "100,0", "0,0"]
    assert [c.attrs["class"] for c in cells] == [
        "gn-cov-critical",
        "gn-cov-full",
        "gn-cov-full",
        "gn-cov-critical",
    ]


def test_matrix_the_officer_sees_only_their_commune(world: World) -> None:
    response = world.client(OFFICER_B).get(reverse("policies:coverage-matrix"))
    assert [r[0] for r in matrix_rows(response)] == [world.communes["B"].name]
    assert world.client(OFFICE).get(reverse("policies:coverage-matrix")).status_code == 200  # no area: empty
    assert world.client("truongphong").get(reverse("policies:coverage-matrix")).status_code == 403


# --- gap lists ---------------------------------------------------------------------------------------------


def gap_url(code: str) -> str:
    return reverse("policies:gap-list", args=[code])


def listed(response: Response) -> list[str]:
    """The "household:member" values of the listed recipients (the tick boxes)."""
    return [i.attrs["value"] for i in page(response).one(data_testid="gap-table").all("input", name="pick")]


def test_gap_list_lists_exactly_the_entitled_not_covered(world: World) -> None:
    response = world.client(SPECIALIST).get(gap_url("ZV-BHYT"))
    assert response.status_code == 200
    html = page(response)
    table = html.one(data_testid="gap-table")
    assert [tr.attrs["data-household"] for tr in table.all("tr", data_household=None)] == [
        "HV-B1",
        "HV-B1",
        "HV-A1",
        "HV-A1",
    ]
    assert listed(response) == [
        world.pick("B1", "Ngô Văn Mười Một"),
        world.pick("B1", "Ngô Thị Mười Hai"),
        world.pick("A1", "Điểu Thị Hai"),
        world.pick("A1", "Điểu Văn Ba"),
    ]
    members = [tr.all("td")[2].text for tr in table.all("tr", data_household=None)]  # tick, household, member
    assert members == [
        "Ngô Văn Mười Một",
        "Ngô Thị Mười Hai",
        "Điểu Thị Hai",
        "Điểu Văn Ba",
    ]  # not Một: covered
    links = {a.attrs["href"] for a in table.all("a")}
    assert links == {
        reverse("households:household-detail", args=[world.households[k].pk]) for k in ("A1", "B1")
    }
    assert html.one(data_testid="gap-count").one("strong").text == "4"
    assert html.all(data_testid="bulk-record")

    # a household-level policy, a commune, a village
    client = world.client(SPECIALIST)
    assert listed(client.get(gap_url("ZV-NHA"))) == [world.pick("A2")]
    assert listed(client.get(gap_url("ZV-NUOC"), {"commune": world.communes["B"].pk})) == [world.pick("B1")]
    response = client.get(
        gap_url("ZV-TRE"), {"commune": world.communes["A"].pk, "village": world.villages["A2"].pk}
    )
    assert listed(response) == [world.pick("A2", "Lê Thị Tám")]


def test_gap_list_an_officer_sees_only_their_commune(world: World) -> None:
    client = world.client(OFFICER_A)
    expected = [world.pick("A1", "Điểu Thị Hai"), world.pick("A1", "Điểu Văn Ba")]
    assert listed(client.get(gap_url("ZV-BHYT"))) == expected
    assert listed(client.get(gap_url("ZV-BHYT"), {"commune": world.communes["B"].pk})) == expected
    html = page(world.client(OFFICER_B).get(gap_url("ZV-NHA")))
    assert html.all(data_testid="empty-state") and not html.all(data_testid="gap-table")


def test_gap_list_pages_of_fifty(world: World) -> None:
    household = world.households["B1"]
    for n in range(50):
        member_create(
            household=household,
            data={
                "full_name": f"Ngô Văn Thêm {n:02d}",
                "sex": "M",
                "date_of_birth": D(1990, 1, 1) + dt.timedelta(days=n),
                "relationship": "other",
            },
            acting_user=None,
        )
    client = world.client(SPECIALIST)
    first = client.get(gap_url("ZV-BHYT"))
    second = client.get(gap_url("ZV-BHYT"), {"page": 2})
    assert first.context["page_obj"].paginator.count == 54
    assert (len(listed(first)), len(listed(second))) == (50, 4)
    everyone = [
        f"{e.household_id}:{e.member_id}"
        for e in selectors.gap_list(user=world.users[SPECIALIST], policy=world.policies["ZV-BHYT"], year=YEAR)
    ]
    assert listed(first) + listed(second) == everyone
    assert page(first).one(data_testid="gap-count").one("strong").text == "54"


def _export(client: Client, code: str, kind: str, **query: Any) -> Response:
    response = client.get(gap_url(code), {**query, "format": kind})
    assert response.status_code == 200
    return response


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response: Any) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


EXPORT_CODE, EXPORT_NAME, EXPORT_ID = 2, 5, 7  # columns of the export: household code, recipient, ID


def test_gap_list_exports_the_same_recipients(world: World) -> None:
    client = world.client(SPECIALIST)
    expected = [(code, name) for code, name in gap(world, "ZV-BHYT")]
    response = _export(client, "ZV-BHYT", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f"chua-nhan-ZV-BHYT-{YEAR}.csv" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == 9
    assert [(r[EXPORT_CODE], r[EXPORT_NAME]) for r in rows] == expected
    assert {r[EXPORT_NAME]: r[EXPORT_ID] for r in rows}["Điểu Thị Hai"] == "075314654321"  # in full
    assert {r[EXPORT_NAME]: r[6] for r in rows}["Điểu Văn Ba"] == "01/03/2023"
    assert all(r[-1] == "ZV-BHYT" for r in rows)

    response = _export(client, "ZV-BHYT", "xlsx")
    assert "spreadsheetml" in response["Content-Type"]
    assert f"chua-nhan-ZV-BHYT-{YEAR}.xlsx" in response["Content-Disposition"]
    sheet_header, *sheet = xlsx_rows(response)
    assert sheet_header == header
    assert [(r[EXPORT_CODE], r[EXPORT_NAME]) for r in sheet] == expected
    ids = {r[EXPORT_NAME]: r[EXPORT_ID] for r in sheet}
    assert ids["Điểu Thị Hai"] == "075314654321" and ids["Ngô Văn Mười Một"] == "075082111222"
    born = {r[EXPORT_NAME]: r[6] for r in sheet}["Điểu Văn Ba"]
    assert isinstance(born, dt.datetime) and born.date() == D(2023, 3, 1)

    # filtered like the page; a household-level policy
    header, *rows = csv_rows(_export(client, "ZV-NUOC", "csv", commune=world.communes["A"].pk))
    assert [(r[EXPORT_CODE], r[EXPORT_NAME]) for r in rows] == [("HV-A1", "Điểu Văn Một")]
    _header, *sheet = xlsx_rows(_export(client, "ZV-NHA", "xlsx"))
    assert [(r[EXPORT_CODE], r[EXPORT_NAME]) for r in sheet] == [("HV-A2", "Lê Văn Bảy")]


def test_gap_list_exports_mask_national_ids_for_a_role_that_may_not_see_them(
    world: World, viewer_sees_households: None
) -> None:
    viewer = world.users[VIEWER]
    from giamngheo.accounts.scoping import can

    assert can(viewer, Capability.VIEW_HOUSEHOLDS) and not can(viewer, Capability.VIEW_PERSONAL_IDS)
    client = client_for(viewer)
    html = page(client.get(gap_url("ZV-BHYT")))
    assert [tr.attrs["data-household"] for tr in html.all("tr", data_household=None)] == [
        "HV-B1",
        "HV-B1",
        "HV-A1",
        "HV-A1",
    ]
    assert not html.all(data_testid="bulk-record") and not html.all("input", name="pick")  # may not record
    for kind, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        _header, *rows = read(_export(client, "ZV-BHYT", kind))
        ids = {r[EXPORT_NAME]: r[EXPORT_ID] or "" for r in rows}
        assert ids == {
            "Ngô Văn Mười Một": "075******222",
            "Ngô Thị Mười Hai": "",
            "Điểu Thị Hai": "075******321",
            "Điểu Văn Ba": "",
        }
        assert "075314654321" not in str(rows)


def test_gap_list_unknown_policy_and_users_without_households(world: World) -> None:
    assert world.client(SPECIALIST).get(gap_url("NO-SUCH")).status_code == 404
    assert world.client(SPECIALIST).get(gap_url("NO-SUCH"), {"format": "csv"}).status_code == 404
    office = world.client(OFFICE)
    assert office.get(gap_url("ZV-BHYT")).status_code == 403
    assert office.get(gap_url("ZV-BHYT"), {"format": "xlsx"}).status_code == 403
    # The leader reads the list on screen; the file with names is for those who work on it.
    leader = world.client(VIEWER)
    screen = leader.get(gap_url("ZV-BHYT"))
    assert screen.status_code == 200 and "format=xlsx" not in screen.content.decode()
    assert leader.get(gap_url("ZV-BHYT"), {"format": "xlsx"}).status_code == 403


# --- recording from a gap list -----------------------------------------------------------------------------


def record_url(code: str) -> str:
    return reverse("policies:gap-record", args=[code])


def record_data(**overrides: Any) -> dict[str, Any]:
    return {
        "year": str(YEAR),
        "selection": "all",
        "date": "10/06/2026",
        "quantity": "1",
        "amount": "1.105.000",
        "funding_source": "central",
        "project": "",
        "document": "QĐ 15/QĐ-UBND",
        "reason": "",
        **overrides,
    }


def test_record_everyone_in_the_list(world: World) -> None:
    officer = world.users[OFFICER_A]
    old = set(SupportRecord.objects.values_list("pk", flat=True))
    response = world.client(OFFICER_A).post(record_url("ZV-BHYT"), record_data())
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == gap_url("ZV-BHYT")
    assert parse_qs(location.query) == {"year": [str(YEAR)], "commune": [str(world.communes["A"].pk)]}
    assert success_messages(response) and "ZV-BHYT" in success_messages(response)[0]
    new = list(SupportRecord.objects.exclude(pk__in=old))
    assert sorted((r.household_id, r.member_id) for r in new) == sorted(
        [
            (world.households["A1"].pk, world.members["Điểu Thị Hai"].pk),
            (world.households["A1"].pk, world.members["Điểu Văn Ba"].pk),
        ]
    )
    assert all(
        (r.date, r.amount, r.funding_source, r.document, r.recorded_by, r.eligible)
        == (D(2026, 6, 10), 1_105_000, "central", "QĐ 15/QĐ-UBND", officer, True)
        for r in new
    )
    assert len({r.batch for r in new}) == 1
    # commune A's coverage of the policy is 100 % and its list is empty
    [bhyt] = [r for r in selectors.coverage_by_policy(user=officer, year=YEAR) if r.policy.code == "ZV-BHYT"]
    assert bhyt.tally == T(1, 1, 3, 3, 0) and str(bhyt.tally.percent) == "100.0"
    assert coverage_rows(world.client(OFFICER_A).get(reverse("policies:coverage")))["ZV-BHYT"] == "100.0"
    html = page(world.client(OFFICER_A).get(response["Location"]))
    assert html.all(data_testid="empty-state") and not html.all(data_testid="gap-table")
    # commune B was not touched
    assert gap(world, "ZV-BHYT") == [("HV-B1", "Ngô Văn Mười Một"), ("HV-B1", "Ngô Thị Mười Hai")]


def test_record_everyone_keeps_the_filters_of_the_specialist(world: World) -> None:
    village = world.villages["A2"]
    data = record_data(commune=world.communes["A"].pk, village=village.pk, amount="", date="01/06/2026")
    response = world.client(SPECIALIST).post(record_url("ZV-TRE"), data)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "year": [str(YEAR)],
        "commune": [str(world.communes["A"].pk)],
        "village": [str(village.pk)],
    }
    [record] = SupportRecord.objects.filter(policy=world.policies["ZV-TRE"], date=D(2026, 6, 1))
    assert (record.member_id, record.amount, record.project) == (world.members["Lê Thị Tám"].pk, 0, "Dự án 4")
    # only the village's child was recorded; commune A's other children are still waiting
    assert gap(world, "ZV-TRE") == [("HV-A1", "Điểu Thị Hai"), ("HV-A1", "Điểu Văn Ba")]


def test_record_only_those_ticked(world: World) -> None:
    client = world.client(SPECIALIST)
    before = SupportRecord.objects.count()
    # household level: B1 ticked (member 0); A3 is not in the list and is ignored
    response = client.post(
        record_url("ZV-NUOC"),
        record_data(selection="picked", pick=[world.pick("B1"), world.pick("A3")], amount="5.000.000"),
    )
    assert response.status_code == 302
    [record] = SupportRecord.objects.filter(policy=world.policies["ZV-NUOC"])
    assert (record.household_id, record.member_id, record.amount) == (
        world.households["B1"].pk,
        None,
        5_000_000,
    )
    assert gap(world, "ZV-NUOC") == [("HV-A1", None)]

    # member level: one child of three; a member who is not listed (not entitled) is ignored
    response = client.post(
        record_url("ZV-TRE"),
        record_data(
            selection="picked",
            pick=[world.pick("A2", "Lê Thị Tám"), world.pick("A1", "Điểu Văn Một"), "junk", "1:x"],
        ),
    )
    assert response.status_code == 302
    assert SupportRecord.objects.count() == before + 2
    [child] = SupportRecord.objects.filter(policy=world.policies["ZV-TRE"], date=D(2026, 6, 10))
    assert child.member_id == world.members["Lê Thị Tám"].pk
    assert gap(world, "ZV-TRE") == [("HV-A1", "Điểu Thị Hai"), ("HV-A1", "Điểu Văn Ba")]


def test_record_nothing_ticked(world: World) -> None:
    before = SupportRecord.objects.count()
    response = world.client(SPECIALIST).post(record_url("ZV-BHYT"), record_data(selection="picked"))
    assert response.status_code == 400
    assert response.context["record_form"].non_field_errors()
    assert SupportRecord.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "năm trăm"}, "amount"),
        ({"date": "16/06/2026"}, "date"),  # tomorrow
        ({"date": "31/02/2026"}, "date"),
        ({"funding_source": ""}, "funding_source"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"quantity": "0"}, "quantity"),
        ({"selection": "some"}, "selection"),
    ],
)
def test_record_a_bad_form_writes_nothing(world: World, changes: dict[str, str], name: str) -> None:
    before = (SupportRecord.objects.count(), _summaries())
    response = world.client(OFFICER_A).post(record_url("ZV-BHYT"), record_data(**changes))
    assert response.status_code == 400
    form = response.context["record_form"]
    assert name in form.errors
    html = page(response)
    if name != "selection":  # radio buttons: no wrong value to show
        assert html.one(data_testid="bulk-record").all(class_="invalid-feedback d-block")
    assert html.all(data_testid="gap-table")  # the list is shown again
    assert (SupportRecord.objects.count(), _summaries()) == before


def test_record_someone_not_entitled_on_the_date_writes_nothing(world: World) -> None:
    """Điểu Văn Ba turned 3 on 01/03/2026: on 15/02/2026 he is not entitled to the 3–18 policy."""
    before = SupportRecord.objects.count()
    response = world.client(OFFICER_A).post(record_url("ZV-TRE"), record_data(date="15/02/2026"))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 1 and problems[0].startswith("HV-A1 · Điểu Văn Ba: ")
    assert response.context["record_form"].non_field_errors()
    html = page(response)
    assert "HV-A1" in html.one(data_testid="record-problems").text
    assert SupportRecord.objects.count() == before  # not even the two who were entitled
    assert gap(world, "ZV-TRE", OFFICER_A) == [
        ("HV-A1", "Điểu Thị Hai"),
        ("HV-A1", "Điểu Văn Ba"),
        ("HV-A2", "Lê Thị Tám"),
    ]
    # with a reason, everyone is recorded; Ba's record is flagged
    response = world.client(OFFICER_A).post(
        record_url("ZV-TRE"), record_data(date="15/02/2026", reason="Đã nhập học mẫu giáo")
    )
    assert response.status_code == 302
    flagged = SupportRecord.objects.filter(policy=world.policies["ZV-TRE"], date=D(2026, 2, 15))
    assert {(r.member_id, r.eligible) for r in flagged} == {
        (world.members["Điểu Thị Hai"].pk, True),
        (world.members["Điểu Văn Ba"].pk, False),
        (world.members["Lê Thị Tám"].pk, True),
    }


def test_record_a_date_before_the_policy_starts_writes_nothing(world: World) -> None:
    before = SupportRecord.objects.count()
    response = world.client(SPECIALIST).post(record_url("ZV-NUOC"), record_data(date="28/02/2026"))
    assert response.status_code == 400
    assert "date" in response.context["record_form"].errors
    assert SupportRecord.objects.count() == before
    # the first day of the policy is fine
    assert (
        world.client(SPECIALIST).post(record_url("ZV-NUOC"), record_data(date="01/03/2026")).status_code
        == 302
    )
    assert SupportRecord.objects.count() == before + 2


def test_record_refused_to_viewers_and_to_get(world: World, viewer_sees_households: None) -> None:
    before = SupportRecord.objects.count()
    assert world.client(VIEWER).post(record_url("ZV-BHYT"), record_data()).status_code == 403
    assert world.client(OFFICE).post(record_url("ZV-BHYT"), record_data()).status_code == 403
    assert world.client(SPECIALIST).get(record_url("ZV-BHYT")).status_code == 405
    assert world.client(SPECIALIST).post(record_url("NO-SUCH"), record_data()).status_code == 404
    assert SupportRecord.objects.count() == before


def test_record_not_from_the_list_of_another_year(world: World) -> None:
    coverage_rebuild(year=2025)
    client = world.client(SPECIALIST)
    response = client.get(gap_url("ZV-BHYT"), {"year": 2025})
    assert response.context["year"] == 2025
    html = page(response)
    assert html.all("tr", data_household=None)  # the list is shown...
    assert not html.all(data_testid="bulk-record") and not html.all("input", name="pick")  # ...not the form
    before = SupportRecord.objects.count()
    response = client.post(record_url("ZV-BHYT"), record_data(year="2025"))
    assert response.status_code == 400
    assert SupportRecord.objects.count() == before


# --- one record from the household card --------------------------------------------------------------------


def create_url(w: World, household: str) -> str:
    return reverse("policies:support-create", args=[w.households[household].pk])


def support_data(**overrides: Any) -> dict[str, Any]:
    return {
        "date": "10/06/2026",
        "quantity": "1",
        "amount": "1.500.000",
        "funding_source": "central",
        "project": "",
        "document": "",
        "reason": "",
        **overrides,
    }


def test_support_create_is_prefilled(world: World) -> None:
    member = world.members["Điểu Văn Ba"]
    response = world.client(OFFICER_A).get(
        create_url(world, "A1"), {"policy": "ZV-TRE", "member": str(member.pk)}
    )
    assert response.status_code == 200
    html = page(response)
    policy = [o.attrs["value"] for o in html.one("select", name="policy").all("option", selected=None)]
    chosen = [o.attrs["value"] for o in html.one("select", name="member").all("option", selected=None)]
    assert (policy, chosen) == (["ZV-TRE"], [str(member.pk)])
    offered = [o.attrs["value"] for o in html.one("select", name="member").all("option")]
    assert offered == [
        "",
        *(str(world.members[n].pk) for n in ("Điểu Văn Một", "Điểu Thị Hai", "Điểu Văn Ba")),
    ]
    assert html.one("input", name="date").attrs["value"] == "15/06/2026"  # today


def test_support_create_a_member_record(world: World) -> None:
    officer = world.users[OFFICER_A]
    hai = world.members["Điểu Thị Hai"]
    response = world.client(OFFICER_A).post(
        create_url(world, "A1"), support_data(policy="ZV-TRE", member=hai.pk, document=" 7/QĐ ")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("households:household-detail", args=[world.households["A1"].pk])
    assert success_messages(response)
    record = SupportRecord.objects.latest("pk")
    assert (record.policy.code, record.household_id, record.member_id) == (
        "ZV-TRE",
        world.households["A1"].pk,
        hai.pk,
    )
    assert (record.amount, record.date, record.document, record.project) == (
        1_500_000,
        D(2026, 6, 10),
        "7/QĐ",
        "Dự án 4",
    )
    assert record.eligible and record.recorded_by == officer
    assert ("HV-A1", "Điểu Thị Hai") not in gap(world, "ZV-TRE")


@pytest.mark.parametrize("amount", ["1500000", "1,500,000", "1 500 000", "1.500.000 đ"])
def test_support_create_amount_formats(world: World, amount: str) -> None:
    response = world.client(OFFICER_A).post(
        create_url(world, "A1"), support_data(policy="ZV-NUOC", amount=amount)
    )
    assert response.status_code == 302
    assert SupportRecord.objects.get(policy=world.policies["ZV-NUOC"]).amount == 1_500_000


def test_support_create_a_member_policy_needs_the_member(world: World) -> None:
    before = SupportRecord.objects.count()
    response = world.client(OFFICER_A).post(create_url(world, "A1"), support_data(policy="ZV-BHYT"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    assert SupportRecord.objects.count() == before


def test_support_create_not_entitled_needs_a_reason(world: World) -> None:
    mot = world.members["Điểu Văn Một"]  # 46: not a child
    client = world.client(OFFICER_A)
    before = SupportRecord.objects.count()
    response = client.post(create_url(world, "A1"), support_data(policy="ZV-TRE", member=mot.pk))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    # a household-level policy: the error is above the form
    response = client.post(create_url(world, "A3"), support_data(policy="ZV-NUOC"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert SupportRecord.objects.count() == before

    response = client.post(
        create_url(world, "A1"), support_data(policy="ZV-TRE", member=mot.pk, reason="Học bổ túc")
    )
    assert response.status_code == 302
    record = SupportRecord.objects.latest("pk")
    assert (record.member_id, record.eligible, record.reason) == (mot.pk, False, "Học bổ túc")


def test_support_create_bad_terms(world: World) -> None:
    client = world.client(OFFICER_A)
    before = SupportRecord.objects.count()
    for changes, name in (
        ({"amount": "-5"}, "amount"),
        ({"date": "16/06/2026"}, "date"),
        ({"date": "28/02/2026"}, "date"),  # before the water policy starts
        ({"funding_source": ""}, "funding_source"),
        ({"policy": "ZV-CU"}, "policy"),
    ):
        response = client.post(create_url(world, "A1"), support_data(**{"policy": "ZV-NUOC", **changes}))
        assert response.status_code == 200, changes
        assert name in response.context["form"].errors, changes
    assert SupportRecord.objects.count() == before


def test_support_create_another_commune_and_other_roles(world: World, viewer_sees_households: None) -> None:
    officer_a = world.client(OFFICER_A)
    assert officer_a.get(create_url(world, "B1")).status_code == 404
    assert officer_a.post(create_url(world, "B1"), support_data(policy="ZV-NUOC")).status_code == 404
    assert world.client(OFFICER_B).get(create_url(world, "B1")).status_code == 200
    assert world.client(VIEWER).get(create_url(world, "A1")).status_code == 403
    assert not SupportRecord.objects.filter(policy=world.policies["ZV-NUOC"]).exists()


# --- support records: list, detail, cancel -----------------------------------------------------------------


def support_list(client: Client, **query: Any) -> list[int]:
    response = client.get(reverse("policies:support-list"), query)
    assert response.status_code == 200
    return [r.pk for r in response.context["page_obj"]]


def pks(**filters: Any) -> list[int]:
    return list(SupportRecord.objects.filter(**filters).order_by("-date", "-pk").values_list("pk", flat=True))


def test_support_list_filters(world: World) -> None:
    client = world.client(SPECIALIST)
    this_year = {"date__year": YEAR, "cancelled_at": None}
    assert support_list(client) == pks(**this_year)
    assert len(support_list(client)) == 5
    assert support_list(client, policy="ZV-NHA") == pks(policy__code="ZV-NHA", **this_year)
    assert support_list(client, policy="NO-SUCH") == pks(**this_year)  # an unknown policy: no filter
    assert support_list(client, commune=world.communes["B"].pk) == pks(
        commune=world.communes["B"], **this_year
    )
    assert support_list(client, date_from="01/03/2026", date_to="31/03/2026") == pks(
        date__range=(D(2026, 3, 1), D(2026, 3, 31)), cancelled_at=None
    )
    assert support_list(client, date_from="01/01/2025", date_to="31/12/2025") == pks(
        date__year=2025, cancelled_at=None
    )
    # one household: every year, unless dates are given
    b1 = world.households["B1"].pk
    assert support_list(client, household=b1) == pks(household_id=b1, cancelled_at=None)
    assert len(support_list(client, household=b1)) == 3
    assert support_list(client, household=b1, date_from="01/01/2026") == pks(
        household_id=b1, date__year=YEAR, cancelled_at=None
    )
    html = page(client.get(reverse("policies:support-list"), {"household": b1}))
    links = {a.attrs["href"] for a in html.one(data_testid="support-table").all("a")}
    assert {reverse("policies:support-detail", args=[pk]) for pk in pks(household_id=b1)} <= links


def test_support_list_cancelled_only_on_request(world: World) -> None:
    client = world.client(SPECIALIST)
    cancelled = SupportRecord.objects.get(cancelled_at__isnull=False)
    assert cancelled.pk not in support_list(client)
    assert support_list(client, cancelled="1") == pks(date__year=YEAR)
    assert cancelled.pk in support_list(client, cancelled="1")


def test_support_list_an_officer_sees_their_commune(world: World) -> None:
    assert support_list(world.client(OFFICER_A)) == pks(
        commune=world.communes["A"], date__year=YEAR, cancelled_at=None
    )
    assert support_list(world.client(OFFICER_A), commune=world.communes["B"].pk) == pks(
        commune=world.communes["A"], date__year=YEAR, cancelled_at=None
    )
    assert support_list(world.client(OFFICER_A), household=world.households["B1"].pk) == []
    assert world.client(VIEWER).get(reverse("policies:support-list")).status_code == 200
    assert world.client(OFFICE).get(reverse("policies:support-list")).status_code == 403


def test_support_detail(world: World) -> None:
    record = SupportRecord.objects.get(policy__code="ZV-TRE")
    url = reverse("policies:support-detail", args=[record.pk])
    response = world.client(OFFICER_B).get(url)
    assert response.status_code == 200 and response.context["record"] == record
    html = page(response)
    body = html.one("body").text
    assert "ZV-TRE" in body and "HV-B1" in body and "Ngô Thị Mười Hai" in body
    assert "1.500.000 đ" in body and "10/01/2026" in body
    assert html.all("form", action=reverse("policies:support-cancel", args=[record.pk]))
    assert world.client(SPECIALIST).get(url).status_code == 200
    assert world.client(OFFICER_A).get(url).status_code == 404
    assert world.client(SPECIALIST).get(reverse("policies:support-detail", args=[10**9])).status_code == 404


def test_support_cancel(world: World) -> None:
    officer = world.users[OFFICER_B]
    record = SupportRecord.objects.get(policy__code="ZV-NHA", household=world.households["B1"])
    url = reverse("policies:support-cancel", args=[record.pk])
    nha = {r.policy.code: r.tally for r in selectors.coverage_by_policy(user=officer, year=YEAR)}["ZV-NHA"]
    assert nha == T(1, 1, 1, 1, 0)

    # another commune's officer: as if it did not exist
    assert world.client(OFFICER_A).post(url, {"reason": "Nhầm"}).status_code == 404
    client = world.client(OFFICER_B)
    for blank in ("", "   "):
        response = client.post(url, {"reason": blank})
        assert response.status_code == 400
        assert "reason" in response.context["cancel_form"].errors
    assert client.get(url).status_code == 405
    record.refresh_from_db()
    assert record.cancelled_at is None

    response = client.post(url, {"reason": "Nhập nhầm ngày"})
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:support-detail", args=[record.pk])
    assert success_messages(response)
    record.refresh_from_db()
    assert record.cancelled_at is not None and record.cancel_reason == "Nhập nhầm ngày"
    nha = {r.policy.code: r.tally for r in selectors.coverage_by_policy(user=officer, year=YEAR)}["ZV-NHA"]
    assert nha == T(1, 0, 1, 0, 0)
    assert coverage_rows(client.get(reverse("policies:coverage")))["ZV-NHA"] == "0.0"
    assert gap(world, "ZV-NHA", OFFICER_B) == [("HV-B1", None)]
    assert record.pk not in support_list(client)
    # cancelled once: no more form, and a second cancel is refused
    assert not page(client.get(response["Location"])).all("form", action=url)
    response = client.post(url, {"reason": "Lần nữa"})
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.cancel_reason == "Nhập nhầm ngày"


def test_support_detail_masks_the_national_id_for_a_role_that_may_not_see_it(
    world: World, viewer_sees_households: None
) -> None:
    record = SupportRecord.objects.get(policy__code="ZV-BHYT", household=world.households["B1"])
    url = reverse("policies:support-detail", args=[record.pk])
    assert "075082111222" in page(world.client(SPECIALIST).get(url)).one("body").text
    body = page(world.client(VIEWER).get(url)).one("body").text
    assert "075******222" in body and "075082111222" not in body


def test_support_cancel_refused_to_viewers(world: World, viewer_sees_households: None) -> None:
    record = SupportRecord.objects.get(policy__code="ZV-TRE")
    assert world.client(VIEWER).get(reverse("policies:support-detail", args=[record.pk])).status_code == 200
    html = page(world.client(VIEWER).get(reverse("policies:support-detail", args=[record.pk])))
    assert not html.all("form", action=reverse("policies:support-cancel", args=[record.pk]))
    response = world.client(VIEWER).post(
        reverse("policies:support-cancel", args=[record.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.cancelled_at is None


# --- spending ------------------------------------------------------------------------------------------


def spending_table(html: Page, testid: str) -> list[tuple[str, str, str]]:
    return [
        tuple(td.text for td in tr.all("td"))  # type: ignore[misc]
        for tr in html.one("table", data_testid=testid).one("tbody").all("tr")
    ]


def expected_spending(group: str, **filters: Any) -> list[tuple[str, int, int]]:
    rows = (
        SupportRecord.objects.filter(cancelled_at=None, **filters)
        .values(group)
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    return sorted(
        ((r[group] or "", r["n"], int(r["total"])) for r in rows), key=lambda t: (-t[2], -t[1], t[0])
    )


def test_spending_totals_equal_the_records(world: World) -> None:
    response = world.client(SPECIALIST).get(reverse("policies:spending"))
    assert response.status_code == 200
    this_year = {"date__year": YEAR}
    total = SupportRecord.objects.filter(cancelled_at=None, **this_year).aggregate(s=Sum("amount"))["s"]
    assert total == 12_605_000
    html = page(response)
    assert html.one(data_testid="spending-total").text == vnd(total) == "12.605.000 đ"

    by_project = expected_spending("project", **this_year)
    assert by_project == [
        ("Dự án 5", 2, 8_000_000),
        ("Quỹ Vì người nghèo", 1, 2_000_000),
        ("Dự án 4", 1, 1_500_000),
        ("", 1, 1_105_000),
    ]
    shown = spending_table(html, "by-project")
    assert [(n, amount) for _label, n, amount in shown] == [(vn(n), vnd(a)) for _p, n, a in by_project]
    assert [label for label, _n, _a in shown][:3] == ["Dự án 5", "Quỹ Vì người nghèo", "Dự án 4"]

    by_source = expected_spending("funding_source", **this_year)
    assert [(s, a) for s, _n, a in by_source] == [
        ("central", 7_605_000),
        ("local", 3_000_000),
        ("social", 2_000_000),
    ]
    assert [(n, a) for _l, n, a in spending_table(html, "by-source")] == [
        (vn(n), vnd(a)) for _s, n, a in by_source
    ]
    by_area = expected_spending("policy__area", **this_year)
    assert [(s, a) for s, _n, a in by_area] == [
        ("housing", 10_000_000),
        ("education", 1_500_000),
        ("health", 1_105_000),
    ]
    assert [(n, a) for _l, n, a in spending_table(html, "by-area")] == [
        (vn(n), vnd(a)) for _s, n, a in by_area
    ]
    for rows in (by_project, by_source, by_area):
        assert sum(a for _k, _n, a in rows) == total


def test_spending_dates_and_a_period_that_ends_before_it_starts(world: World) -> None:
    client = world.client(SPECIALIST)
    url = reverse("policies:spending")
    html = page(client.get(url, {"date_from": "01/01/2025", "date_to": "31/12/2025"}))
    assert html.one(data_testid="spending-total").text == "1.105.000 đ"
    html = page(client.get(url, {"date_from": "01/03/2026", "date_to": "31/03/2026"}))
    assert html.one(data_testid="spending-total").text == vnd(7_000_000)  # A1's house and A3's
    html = page(client.get(url, {"date_from": "01/01/2024", "date_to": "31/12/2024"}))
    assert html.one(data_testid="spending-total").text == "0 đ" and html.all(data_testid="empty-state")

    response = client.get(url, {"date_from": "31/12/2026", "date_to": "01/01/2026"})
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert page(response).one("input", name="date_to").attrs["class"]  # the field is shown with its error
    assert page(response).all(class_="invalid-feedback d-block")
    # the period falls back to this year
    assert (response.context["start"], response.context["end"]) == (D(2026, 1, 1), D(2026, 12, 31))
    assert page(response).one(data_testid="spending-total").text == "12.605.000 đ"
    for junk in ({"date_from": "hôm qua"}, {"date_to": "32/13/2026"}, {"commune": "abc"}):
        assert client.get(url, junk).status_code == 200


def test_spending_an_officer_sees_their_commune(world: World) -> None:
    client = world.client(OFFICER_B)
    url = reverse("policies:spending")
    html = page(client.get(url))
    assert html.one(data_testid="spending-total").text == vnd(4_500_000)  # B1's house and school
    assert page(client.get(url, {"commune": world.communes["A"].pk})).one(
        data_testid="spending-total"
    ).text == vnd(4_500_000)
    specialist = world.client(SPECIALIST)
    html = page(specialist.get(url, {"commune": world.communes["A"].pk}))
    assert html.one(data_testid="spending-total").text == vnd(8_105_000)
    assert world.client("truongphong").get(url).status_code == 403


# --- the household card's policies ---------------------------------------------------------------------


def card(client: Client, w: World, household: str) -> Page:
    response = client.get(reverse("policies:household-policies", args=[w.households[household].pk]))
    assert response.status_code == 200
    return page(response)


def test_household_policies_received_and_record_links(world: World, viewer_sees_households: None) -> None:
    officer = world.client(OFFICER_A)
    html = card(officer, world, "A1")
    received = {li.attrs["data-policy"]: li.attrs["data-received"] for li in html.all("li", data_policy=None)}
    assert received == {"ZV-NHA": "yes", "ZV-BHYT": "no", "ZV-TRE": "no", "ZV-NUOC": "no"}
    eligible = {li.attrs["data-policy"]: li.attrs["data-eligible"] for li in html.all("li", data_policy=None)}
    assert eligible == {"ZV-NHA": "yes", "ZV-BHYT": "yes", "ZV-TRE": "yes", "ZV-NUOC": "yes"}
    create = reverse("policies:support-create", args=[world.households["A1"].pk])
    water = html.one("li", data_policy="ZV-NUOC")
    assert [a.attrs["href"] for a in water.all("a") if a.attrs["href"].startswith(create)] == [
        f"{create}?policy=ZV-NUOC"
    ]
    # member policies: a link per entitled member still waiting
    health = html.one("li", data_policy="ZV-BHYT")
    assert [a.attrs["href"] for a in health.all("a") if a.attrs["href"].startswith(create)] == [
        f"{create}?policy=ZV-BHYT&member={world.members[n].pk}" for n in ("Điểu Thị Hai", "Điểu Văn Ba")
    ]
    assert not [
        a for a in html.one("li", data_policy="ZV-NHA").all("a") if a.attrs["href"].startswith(create)
    ]

    world.record("ZV-NUOC", [("A1", None)], D(2026, 6, 1), 5_000_000)
    world.record("ZV-BHYT", [("A1", "Điểu Thị Hai"), ("A1", "Điểu Văn Ba")], D(2026, 6, 1), 1_105_000)
    html = card(officer, world, "A1")
    received = {li.attrs["data-policy"]: li.attrs["data-received"] for li in html.all("li", data_policy=None)}
    assert received == {"ZV-NHA": "yes", "ZV-BHYT": "yes", "ZV-TRE": "no", "ZV-NUOC": "yes"}
    assert not [
        a for a in html.one("li", data_policy="ZV-NUOC").all("a") if a.attrs["href"].startswith(create + "?")
    ]

    # a middle-living household: not entitled, its housing received with a reason
    html = card(officer, world, "A3")
    assert html.one("li", data_policy="ZV-NHA").attrs["data-eligible"] == "no"

    # a user who may not record sees the same facts and no recording link
    html = card(client_for(world.users[VIEWER]), world, "A1")
    assert {
        li.attrs["data-policy"]: li.attrs["data-received"] for li in html.all("li", data_policy=None)
    } == received
    assert not [a for a in html.all("a") if "/support/new/" in a.attrs.get("href", "")]

    assert (
        officer.get(reverse("policies:household-policies", args=[world.households["B1"].pk])).status_code
        == 404
    )
    assert (
        world.client(OFFICE)
        .get(reverse("policies:household-policies", args=[world.households["A1"].pk]))
        .status_code
        == 403
    )


# --- the home page ---------------------------------------------------------------------------------------


def test_home_shows_the_overall_coverage(world: World) -> None:
    for username in (SPECIALIST, OFFICER_A, OFFICER_B, VIEWER):
        user = world.users[username]
        total = selectors.coverage_total(user=user, year=YEAR)
        assert total == sum((r.tally for r in selectors.coverage_by_policy(user=user, year=YEAR)), Tally())
        html = page(world.client(username).get(reverse("web:home")))
        tile = html.one(data_testid="home-coverage")
        assert tile.attrs["href"] == reverse("policies:coverage")
        assert total.percent is not None and f"{vn(total.percent)} %" in tile.text
        assert vn(total.eligible_units) in tile.text and vn(total.covered_units) in tile.text
    assert str(selectors.coverage_total(user=world.users[SPECIALIST], year=YEAR).percent) == "28.6"
    assert str(selectors.coverage_total(user=world.users[OFFICER_A], year=YEAR).percent) == "22.2"
    # no VIEW_TABLES, or nothing entitled: no figure
    assert not page(world.client("truongphong").get(reverse("web:home"))).all(data_testid="home-coverage")
    CoverageSummary.objects.filter(year=YEAR, commune=world.communes["B"]).delete()
    assert selectors.coverage_total(user=world.users[OFFICER_B], year=YEAR) == Tally()
    assert not page(world.client(OFFICER_B).get(reverse("web:home"))).all(data_testid="home-coverage")
