"""The yearly statistics of emulation and commendation: every total is the sum of its rows, an unknown
bonus is never counted as 0 đồng, the page and its workbook show the same figures, and a unit head sees
only their unit's awards."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.commendation.document_selectors import AwardFact
from giamngheo.commendation.statistics import Counts, yearly_statistics
from giamngheo.commendation.tests.test_dossier import YEAR, world  # noqa: F401 - the fixture
from giamngheo.core.models import ExportRecord

pytestmark = [pytest.mark.django_db, pytest.mark.urls("giamngheo.commendation.tests.test_dossier")]


def fact(
    title_id: int, kind: str, recipient: str, unit: int | None, amount: int | None, **extra: Any
) -> AwardFact:
    names = {1: "Lao động tiên tiến", 2: "Chiến sĩ thi đua cơ sở", 3: "Giấy khen"}
    values: dict[str, Any] = {
        "year": 2026,
        "title_id": title_id,
        "title_name": names[title_id],
        "title_kind": kind,
        "title_order": title_id * 10,
        "recipient_kind": recipient,
        "unit_id": unit,
        "unit_name": {1: "Phòng Kế hoạch – Tài chính", 2: "Văn phòng Sở", None: ""}[unit],
        "amount": amount,
    }
    return AwardFact(**(values | extra))


FACTS = [
    fact(1, "emulation_title", "individual", 1, 702_000),
    fact(1, "emulation_title", "individual", 2, 702_000),
    fact(2, "emulation_title", "individual", 1, 2_340_000),
    fact(3, "commendation_form", "collective", 2, 1_404_000),
    fact(3, "commendation_form", "household", None, None),
    fact(3, "commendation_form", "individual", 1, 702_000, year=2025),  # another year: left out
]


def test_totals_are_the_sums_of_their_rows() -> None:
    stats = yearly_statistics(year=2026, facts=FACTS)
    titles, forms = stats.kinds
    assert [(r.title_name, r.counts.total) for r in titles.rows] == [
        ("Lao động tiên tiến", 2),
        ("Chiến sĩ thi đua cơ sở", 1),
    ]
    assert titles.subtotal == Counts(individual=3, amount=3_744_000)
    assert forms.subtotal == Counts(collective=1, household=1, amount=1_404_000, unknown_amounts=1)
    assert stats.total.total == 5 == sum(k.subtotal.total for k in stats.kinds)
    assert stats.total.amount == 5_148_000 == sum(r.counts.amount for k in stats.kinds for r in k.rows)
    assert stats.total.unknown_amounts == 1
    # Per unit, in Vietnamese order; the household's award has no unit.
    assert [(r.unit_name, r.titles, r.forms, r.counts.total) for r in stats.units] == [
        ("Chưa rõ đơn vị", 0, 1, 1),
        ("Phòng Kế hoạch – Tài chính", 2, 0, 2),
        ("Văn phòng Sở", 1, 1, 2),
    ]
    assert stats.unit_total.counts == stats.total
    assert stats.unit_total.titles + stats.unit_total.forms == stats.total.total


def test_a_year_without_awards_is_empty() -> None:
    stats = yearly_statistics(year=2024, facts=FACTS)
    assert stats.empty and stats.total == Counts() and not stats.units


def test_the_page_and_its_workbook(world, users) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_for(users["hoidong"])  # the council sees the whole department
    url = reverse("commendation:doc-statistics")
    page = client.get(url, {"year": YEAR})
    assert page.status_code == 200
    stats = page.context["stats"]
    assert stats.total.total == 5  # four awards of the director's decision, one of the province's
    assert stats.total.individual == 3 and stats.total.collective == 1 and stats.total.household == 1
    assert stats.total.amount == 2_340_000 + 702_000 + 1_872_000 + 3_510_000
    assert stats.total.unknown_amounts == 1
    assert {r.unit_name: r.counts.total for r in stats.units} == {
        "Phòng Phát triển nông thôn và Giảm nghèo": 4,
        "Phòng Kế hoạch – Tài chính": 1,
    }
    body = page.content.decode()
    assert "Thống kê thi đua, khen thưởng" in body and "8.424.000" in body
    assert [(y.year, y.awards) for y in page.context["history"]] == [(2026, 5), (2025, 1)]
    download = client.get(url, {"year": YEAR, "format": "xlsx"})
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    total = next(r for r in rows if r[1] == "Tổng cộng" and r[2] in ("", None))
    assert list(total[3:9]) == [3, 1, 1, 5, 8_424_000, 1]
    record = ExportRecord.objects.latest("pk")
    assert record.fmt == "xlsx" and record.username == "hoidong"


def test_a_unit_head_sees_their_unit_only(world, users) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("commendation:doc-statistics")
    own = client_for(users["truongphong"]).get(url, {"year": YEAR})
    assert own.status_code == 200
    stats = own.context["stats"]
    assert stats.total.total == 4
    assert [r.unit_name for r in stats.units] == ["Phòng Phát triển nông thôn và Giảm nghèo"]
    assert "Phạm Thị Cúc" not in own.content.decode()
    other = client_for(world["other_head"]).get(url, {"year": YEAR})
    assert other.context["stats"].empty
    assert 'data-testid="empty-state"' in other.content.decode()
    assert client_for(users["canbo.tranbien"]).get(url).status_code == 403
