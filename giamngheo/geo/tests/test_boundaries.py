"""Commune boundaries for the dashboard's map: a tiny synthetic FeatureCollection (squares, invented for
the test only) matched by code or name; a mismatch saves nothing and is reported; bad GeoJSON and a file
too large are refused in Vietnamese; the GeoJSON served to the map is scoped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from conftest import client_for
from giamngheo.core.errors import ValidationFailed
from giamngheo.geo.models import AreaBoundary
from giamngheo.geo.services import boundaries_load

pytestmark = pytest.mark.django_db


def square(x: float, y: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]],
    }


def collection(*features: tuple[Any, dict[str, Any] | None]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"ma": value}, "geometry": geometry}
                for value, geometry in features
            ],
        }
    ).encode()


def test_features_match_by_code_and_by_folded_name(province, commune_a, commune_b, users) -> None:
    data = collection((commune_a.code, square(106.9, 11.9)), ("phuong tran bien", square(106.8, 10.9)))
    result = boundaries_load(user=users["admin"], province=province, geojson_bytes=data, match_property="ma")
    assert result.saved
    assert {f.area for f in result.matched} == {commune_a, commune_b}
    assert commune_a in [b.area for b in AreaBoundary.objects.all()]
    assert len(result.missing) == province.children.filter(level="commune", is_active=True).count() - 2


def test_a_mismatch_saves_nothing_and_is_reported(province, commune_a, users) -> None:
    data = collection(
        (commune_a.code, square(106.9, 11.9)),
        ("Xã Không Có Thật", square(107, 11)),
        (commune_a.name, square(107.2, 11)),  # the same commune twice
        ("", square(107.3, 11)),
    )
    result = boundaries_load(user=users["admin"], province=province, geojson_bytes=data, match_property="ma")
    assert not result.saved
    assert [f.number for f in result.unmatched] == [2, 3, 4]
    assert not AreaBoundary.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"type": "Feature"}',
        b'{"type": "FeatureCollection", "features": []}',
    ],
)
def test_bad_geojson_is_refused_in_vietnamese(province, users, body) -> None:
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationFailed) as error:
        boundaries_load(user=users["admin"], province=province, geojson_bytes=body, match_property="ma")
    assert "GeoJSON" in str(error.value.message) or "FeatureCollection" in str(error.value.message)
    assert any(word in str(error.value.message) for word in ("Tệp", "tệp", "không"))


def test_a_point_or_a_broken_polygon_is_refused(province, commune_a, users) -> None:
    point = {"type": "Point", "coordinates": [106.9, 11.9]}
    data = collection((commune_a.code, point))
    result = boundaries_load(user=users["admin"], province=province, geojson_bytes=data, match_property="ma")
    assert not result.saved and "Point" in result.unmatched[0].problem
    broken = {"type": "Polygon", "coordinates": [[[106.9, 11.9], [500, 11.9]]]}
    result = boundaries_load(
        user=users["admin"],
        province=province,
        geojson_bytes=collection((commune_a.code, broken)),
        match_property="ma",
    )
    assert not result.saved


@override_settings(
    # every kind keeps a limit (the forms of other apps read theirs when the URLs load)
    UPLOAD_MAX_BYTES={
        "boundaries": 200,
        "household_import": 10,
        "support_import": 10,
        "village_import": 10,
        "plan_evidence": 10,
        "attachment": 10,
        "activity_import": 10,
    }
)
def test_a_file_too_large_is_refused(province, commune_a, users) -> None:
    data = collection((commune_a.code, square(106.9, 11.9)), (commune_a.code, square(106.9, 11.9)))
    with pytest.raises(ValidationFailed):
        boundaries_load(user=users["admin"], province=province, geojson_bytes=data, match_property="ma")
    client = client_for(users["admin"])
    response = client.post(
        reverse("geo:boundaries-upload"),
        {"province": province.pk, "match_property": "ma", "file": SimpleUploadedFile("b.geojson", data)},
    )
    assert response.status_code == 200
    assert not AreaBoundary.objects.exists()
    assert 'data-testid="boundaries-saved"' not in response.content.decode()


def test_upload_page_and_scoped_geojson(province, commune_a, commune_b, users) -> None:
    admin = client_for(users["admin"])
    assert admin.get(reverse("geo:boundaries-upload")).status_code == 200
    data = collection((commune_a.code, square(106.9, 11.9)), (commune_b.code, square(106.8, 10.9)))
    page = admin.post(
        reverse("geo:boundaries-upload"),
        {"province": province.pk, "match_property": "ma", "file": SimpleUploadedFile("b.geojson", data)},
    )
    assert 'data-testid="boundaries-saved"' in page.content.decode()
    assert client_for(users["chuyenvien"]).get(reverse("geo:boundaries-upload")).status_code == 403
    url = reverse("geo:boundaries-geojson", args=[province.pk])
    served = client_for(users["lanhdao"]).get(url).json()
    assert {f["properties"]["id"] for f in served["features"]} == {commune_a.pk, commune_b.pk}
    assert served["features"][0]["geometry"]["type"] == "Polygon"
    officer = client_for(users["canbo.bugiamap"])
    assert officer.get(url).status_code == 404
    assert officer.get(reverse("geo:boundaries-geojson", args=[commune_b.pk])).status_code == 404
