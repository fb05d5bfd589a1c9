from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.accounts.models import User
from giamngheo.core.models import AuditRecord
from giamngheo.demo.seed import DEMO_PASSWORD


def test_anonymous_users_are_sent_to_the_login_page(db) -> None:
    response = Client().get(reverse("geo:commune-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_in_and_out(users) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "chuyenvien", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("web:home")).status_code == 302


def test_wrong_password_shows_a_vietnamese_message(users) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "chuyenvien", "password": "sai-mat-khau1"}
    )
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_login_is_throttled_after_five_failures(users) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "lanhdao", "password": "wrong-pass-1"})
    locked = client.post(reverse("accounts:login"), {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    # Another account from the same address is not affected.
    other = client.post(reverse("accounts:login"), {"username": "chuyenvien", "password": DEMO_PASSWORD})
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short1", False), ("onlyletterspassword", False), ("12345678901", False), ("Giamngheo2026x", True)],
)
def test_password_rules(users, password: str, ok: bool) -> None:
    client = Client()
    user = users["lanhdao"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": password,
            "new_password2": password,
        },
    )
    user.refresh_from_db()
    assert user.check_password(password) is ok
    assert (response.status_code == 302) is ok
    if ok:
        assert AuditRecord.objects.filter(action="accounts.password.change", target_id=str(user.pk)).exists()
        # The session survives the change.
        assert client.get(reverse("web:home")).status_code == 200


def test_admin_creates_a_commune_officer_with_scope(users, commune_b) -> None:
    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        reverse("web:user-create"),
        {
            "username": "canbo.moi",
            "full_name": "Lê Thị Mới",
            "role": "commune_officer",
            "scope_areas": [commune_b.pk],
            "is_active": "on",
            "password": "Matkhau2026x",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="canbo.moi")
    assert list(user.scope_areas.all()) == [commune_b]
    record = AuditRecord.objects.get(action="accounts.user.create", target_id=str(user.pk))
    assert record.after["scope_areas"] == [commune_b.code]
    assert "password" not in record.after


def test_commune_officer_needs_a_commune(users) -> None:
    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        reverse("web:user-create"),
        {
            "username": "canbo.x",
            "full_name": "X",
            "role": "commune_officer",
            "password": "Matkhau2026x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scope_areas"]


def test_editing_with_a_weak_password_changes_nothing(users) -> None:
    client = Client()
    client.force_login(users["admin"])
    target = users["lanhdao"]
    response = client.post(
        reverse("web:user-update", args=[target.pk]),
        {
            "full_name": "Tên mới",
            "role": "viewer",
            "is_active": "on",
            "password": "123",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    target.refresh_from_db()
    assert target.full_name != "Tên mới"
    assert target.check_password(DEMO_PASSWORD)


def test_service_errors_for_unknown_fields_go_above_the_form(users) -> None:
    from django import forms

    from giamngheo.core.errors import ValidationFailed
    from giamngheo.core.views import submit

    class F(forms.Form):
        name = forms.CharField()

    form = F({"name": "x"})
    assert form.is_valid()

    def fail() -> None:
        raise ValidationFailed("sai", extra={"field": "not_a_field"})

    assert submit(form, fail) is None
    assert form.non_field_errors() == ["sai"]
