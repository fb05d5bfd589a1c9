"""The ODK Central pages: who may open them, the form's errors in Vietnamese, the password never shown."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import client_for
from giamngheo.odk.models import Connection

PASSWORD = "Bí-mật-Central-42"


def _post(commune: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Phiếu B",
        "commune": commune.pk,
        "base_url": "https://odk.example.gov.vn",
        "project_id": "3",
        "form_id": "phieu_b",
        "email": "canbo@example.gov.vn",
        "password": PASSWORD,
        "password_env": "",
        **extra,
    }


def test_officer_creates_edits_and_sees_a_connection(users: Any, commune_b: Any) -> None:
    client = client_for(users["canbo.tranbien"])
    assert client.get(reverse("odk:connection-list")).status_code == 200
    page = client.get(reverse("odk:connection-create"))
    assert page.status_code == 200 and "Địa chỉ ODK Central" in page.content.decode()
    assert "tên bắt đầu bằng ODK_PASSWORD_" in page.content.decode()
    answer = client.post(reverse("odk:connection-create"), _post(commune_b))
    assert answer.status_code == 302
    connection = Connection.objects.get(form_id="phieu_b", commune=commune_b)
    detail = client.get(answer["Location"]).content.decode()
    assert "Lấy phiếu mới" in detail and "Đã lưu, được mã hóa" in detail
    edit = client.get(reverse("odk:connection-update", args=[connection.pk])).content.decode()
    assert PASSWORD not in edit and connection.password_sealed not in edit
    client.post(
        reverse("odk:connection-update", args=[connection.pk]),
        _post(commune_b, name="Phiếu B mới", password=""),
    )
    connection.refresh_from_db()
    assert connection.name == "Phiếu B mới" and connection.password_sealed
    listing = client.get(reverse("odk:connection-list")).content.decode()
    assert "Phiếu B mới" in listing


def test_form_errors_name_the_field_in_vietnamese(users: Any, commune_b: Any) -> None:
    client = client_for(users["canbo.tranbien"])
    answer = client.post(
        reverse("odk:connection-create"), _post(commune_b, password="", password_env="DATABASE_URL")
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "ODK_PASSWORD_" in body
    answer = client.post(reverse("odk:connection-create"), _post(commune_b, password=""))
    assert "Mật khẩu: hãy nhập mật khẩu" in answer.content.decode()
    assert not Connection.objects.exists()


def test_another_commune_cannot_be_chosen(users: Any, commune_a: Any) -> None:
    client = client_for(users["canbo.tranbien"])
    answer = client.post(reverse("odk:connection-create"), _post(commune_a))
    assert answer.status_code == 200 and not Connection.objects.exists()


def test_delete_asks_then_forgets_the_password(users: Any, commune_b: Any) -> None:
    client = client_for(users["canbo.tranbien"])
    client.post(reverse("odk:connection-create"), _post(commune_b))
    connection = Connection.objects.get()
    url = reverse("odk:connection-delete", args=[connection.pk])
    assert "Xóa kết nối này" in client.post(url).content.decode()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not Connection.objects.exists()
