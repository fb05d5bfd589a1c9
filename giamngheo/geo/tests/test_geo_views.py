from __future__ import annotations

from django.urls import reverse

from conftest import client_for
from giamngheo.core.text import vi_sort_key
from giamngheo.geo.models import DifficultyPeriod


def test_commune_list_shows_95_units_for_the_province(users) -> None:
    response = client_for(users["chuyenvien"]).get(reverse("geo:commune-list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 95
    body = response.content.decode()
    assert "Xã Bù Gia Mập" in body
    names = [c.name for c in response.context["page_obj"]]
    assert names == sorted(names, key=vi_sort_key)


def test_units_are_in_vietnamese_alphabetical_order() -> None:
    """ "Bảo Vinh" before "Bình Phước" (tones only break ties), "Đ…" after "D…" and before "E…", and the
    type of unit left out of the order."""
    names = ["Xã Ea Súp", "Phường Đồng Xoài", "Xã Bình Phước", "Phường Bảo Vinh", "Xã Dầu Giây", "Xã An Lộc"]
    assert sorted(names, key=vi_sort_key) == [
        "Xã An Lộc",
        "Phường Bảo Vinh",
        "Xã Bình Phước",
        "Xã Dầu Giây",
        "Phường Đồng Xoài",
        "Xã Ea Súp",
    ]


def test_commune_list_htmx_returns_the_table_only(users) -> None:
    response = client_for(users["chuyenvien"]).get(
        reverse("geo:commune-list"), {"q": "tran bien"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and "Phường Trấn Biên" in body and "Xã Bù Gia Mập" not in body


def test_empty_state_when_nothing_matches(users) -> None:
    body = client_for(users["chuyenvien"]).get(reverse("geo:commune-list"), {"q": "zzzz"}).content.decode()
    assert 'data-testid="empty-state"' in body


def test_officer_adds_a_village_in_own_commune_and_sees_errors_next_to_the_field(users, commune_a) -> None:
    client = client_for(users["canbo.bugiamap"])
    url = reverse("geo:village-create", args=[commune_a.pk])
    response = client.post(url, {"name": "Thôn Đak Son", "division_type": "thon"})
    assert response.status_code == 302
    assert commune_a.children.filter(name="Thôn Đak Son").exists()
    again = client.post(url, {"name": "thon dak son", "division_type": "thon"})
    assert again.status_code == 200
    assert again.context["form"].errors["name"]


def test_specialist_flags_a_commune_as_especially_difficult(users, commune_b) -> None:
    client = client_for(users["chuyenvien"])
    response = client.post(
        reverse("geo:difficulty-add", args=[commune_b.pk]),
        {"from_year": "2026", "to_year": "2030", "legal_source": "QĐ test"},
    )
    assert response.status_code == 302
    assert DifficultyPeriod.objects.filter(area=commune_b, from_year=2026, to_year=2030).exists()


def test_specialist_flags_a_poor_commune_and_sees_it_in_words(users, commune_b) -> None:
    client = client_for(users["chuyenvien"])
    detail = reverse("geo:area-detail", args=[commune_b.pk])
    form = client.get(detail).content.decode()
    assert "Xã nghèo" in form and 'name="kind"' in form
    response = client.post(
        reverse("geo:difficulty-add", args=[commune_b.pk]),
        {"kind": "poor_commune", "from_year": "2026", "to_year": "2030", "legal_source": "QĐ xã nghèo"},
    )
    assert response.status_code == 302
    assert DifficultyPeriod.objects.get(area=commune_b, kind="poor_commune").from_year == 2026
    page = client.get(detail).content.decode()
    assert "Xã nghèo" in page and "poor_commune" not in page.replace('value="poor_commune"', "")
    listing = client.get(reverse("geo:commune-list"), {"q": "Trấn Biên"}).content.decode()
    assert 'data-testid="poor-commune"' in listing


def test_a_village_cannot_be_flagged_as_a_poor_commune(users, commune_a) -> None:
    client = client_for(users["chuyenvien"])
    village = commune_a.children.filter(is_active=True).first()
    form = client.get(reverse("geo:area-detail", args=[village.pk])).content.decode()
    assert 'value="poor_commune"' not in form  # not offered for a village
    response = client.post(
        reverse("geo:difficulty-add", args=[village.pk]),
        {"kind": "poor_commune", "from_year": "2026", "legal_source": ""},
        follow=True,
    )
    assert "Chỉ xã mới được xác định là xã nghèo" in response.content.decode()
    assert not DifficultyPeriod.objects.filter(area=village, kind="poor_commune").exists()


def test_commune_officer_cannot_flag_or_override(users, commune_a) -> None:
    client = client_for(users["canbo.bugiamap"])
    assert (
        client.post(reverse("geo:difficulty-add", args=[commune_a.pk]), {"from_year": "2026"}).status_code
        == 403
    )
    assert (
        client.post(reverse("geo:urban-override", args=[commune_a.pk]), {"urban": "urban"}).status_code == 403
    )


def test_the_old_village_import_address_redirects_to_the_import_page(users) -> None:
    """The import itself is tested in dataio/tests/test_village_import.py (a background job)."""
    response = client_for(users["canbo.bugiamap"]).get(reverse("geo:village-import"))
    assert response.status_code == 302 and response.url == "/data/villages/"
