from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households import services
from giamngheo.households.exports import HEADERS
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household

WIFE_ID = "075185654321"


def export(client: Client, **params: object):  # type: ignore[no-untyped-def]
    return client.get(reverse("households:household-export"), params)


def xlsx_rows(response) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def csv_text(response) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content)
    return data, data.decode("utf-8-sig")


def column(rows: list[tuple[object, ...]], header: str) -> list[object]:
    index = HEADERS.index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def registry(commune_a, commune_b):  # type: ignore[no-untyped-def]
    """Two households in commune A, three in commune B (one poor, head with a national ID)."""
    make_household(commune_a, code="A-1", head="Điểu Lệ")
    make_household(commune_a, code="A-2", head="Thị Hoa")
    poor = make_household(
        commune_b,
        code="B-1",
        head="Nguyễn Văn Ánh",
        category="poor",
        income_per_capita=1_250_000,
        water_source="surface",  # deprived on water (the registry's engine fields say so)
    )
    Household.objects.filter(pk=poor.pk).update(category_since=dt.date(2025, 12, 10))
    head = poor.members.get()
    services.member_update(
        member=head,
        data={"sex": "F", "date_of_birth": dt.date(1985, 3, 2), "national_id": WIFE_ID},
        version=ANY_VERSION,
        acting_user=None,
    )
    make_household(commune_b, code="B-2", head="Lê Thị Bé", ethnic_group="22")
    make_household(commune_b, code="B-3", head="Trần Văn Cả")
    return poor


def test_xlsx_has_one_row_per_household_in_scope(users, registry) -> None:
    response = export(client_for(users["canbo.tranbien"]), format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0] == HEADERS and rows[0][1] == "Mã hộ"
    assert column(rows, "Mã hộ") == ["B-1", "B-2", "B-3"]  # commune A is not in the officer's scope
    assert set(column(rows, "Xã/phường/đặc khu")) == {"Phường Trấn Biên"}
    by_code = {row[1]: row for row in rows[1:]}
    poor = by_code["B-1"]
    assert poor[HEADERS.index("Họ tên chủ hộ")] == "Nguyễn Văn Ánh"
    assert poor[HEADERS.index("Số CCCD chủ hộ")] == WIFE_ID  # the officer sees IDs in full
    assert poor[HEADERS.index("Phân loại hộ")] == "Hộ nghèo"
    assert poor[HEADERS.index("Ngày công nhận")] == dt.datetime(2025, 12, 10)
    assert poor[HEADERS.index("Thu nhập bình quân đầu người/tháng (đồng)")] == 1_250_000
    assert poor[HEADERS.index("Chỉ số thiếu hụt")] == "Nguồn nước sinh hoạt"
    assert poor[HEADERS.index("Số nhân khẩu")] == 1
    assert by_code["B-2"][HEADERS.index("Hộ dân tộc thiểu số")] == "Có"
    assert by_code["B-3"][HEADERS.index("Phân loại hộ")] == "Chưa phân loại"


def test_xlsx_applies_the_filters_of_the_list(users, registry, commune_b) -> None:
    client = client_for(users["chuyenvien"])
    assert len(xlsx_rows(export(client, format="xlsx"))) == 1 + 5
    assert column(xlsx_rows(export(client, format="xlsx", commune=commune_b.pk)), "Mã hộ") == [
        "B-1",
        "B-2",
        "B-3",
    ]
    assert column(xlsx_rows(export(client, format="xlsx", category="poor")), "Mã hộ") == ["B-1"]
    assert column(xlsx_rows(export(client, format="xlsx", q="le thi be")), "Mã hộ") == ["B-2"]
    assert column(xlsx_rows(export(client, format="xlsx", ethnic_minority="yes")), "Mã hộ") == ["B-2"]
    assert column(xlsx_rows(export(client, format="xlsx", deprived="water")), "Mã hộ") == ["B-1"]


def test_export_has_no_row_cap(users, commune_b, settings) -> None:
    settings.PAGE_SIZE = 2  # the export is not the page
    for n in range(5):
        make_household(commune_b, code=f"N-{n}")
    rows = xlsx_rows(export(client_for(users["canbo.tranbien"]), format="xlsx"))
    assert column(rows, "STT") == [1, 2, 3, 4, 5]


def test_national_ids_are_masked_in_exports_as_on_screen(users, registry, monkeypatch) -> None:
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.VIEWER,
        ROLE_CAPABILITIES[Role.VIEWER] | {Capability.VIEW_HOUSEHOLDS, Capability.DOWNLOAD_PERSONAL_DATA},
    )
    client = client_for(users["lanhdao"])
    rows = xlsx_rows(export(client, format="xlsx", q="B-1"))
    assert column(rows, "Số CCCD chủ hộ") == ["075******321"]
    _data, text = csv_text(export(client, format="csv"))
    assert WIFE_ID not in text and "075******321" in text


def test_csv_is_utf8_with_a_bom_and_the_same_rows(users, registry) -> None:
    response = export(client_for(users["canbo.tranbien"]), format="csv", category="poor")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert ".csv" in response["Content-Disposition"]
    data, text = csv_text(response)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == HEADERS
    assert [r[1] for r in rows[1:]] == ["B-1"]
    assert rows[1][HEADERS.index("Họ tên chủ hộ")] == "Nguyễn Văn Ánh"
    assert rows[1][HEADERS.index("Ngày công nhận")] == "10/12/2025"


def test_export_needs_a_known_format_and_the_registry_capability(users, registry) -> None:
    assert export(client_for(users["canbo.tranbien"]), format="pdf").status_code == 400
    assert export(client_for(users["canbo.tranbien"])).status_code == 400
    assert export(client_for(users["truongphong"]), format="csv").status_code == 403
    assert client_for(users["canbo.tranbien"]).post(reverse("households:household-export")).status_code == 405


def test_list_links_to_the_export_with_its_filters(users, registry) -> None:
    body = (
        client_for(users["canbo.tranbien"])
        .get(reverse("households:household-list"), {"category": "poor", "page": "1"})
        .content.decode()
    )
    url = reverse("households:household-export")
    assert f'href="{url}?format=xlsx&amp;category=poor"' in body  # the same filters, not the page
    assert f'href="{url}?format=csv&amp;category=poor"' in body
