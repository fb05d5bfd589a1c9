"""Two-factor sign-in, the session's inactivity limit and the administrator's one-time password links,
through real requests on real sessions (the stored session is edited, no clock is mocked)."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import client_for
from giamngheo.accounts.middleware import LAST_ACTIVITY_KEY
from giamngheo.accounts.models import User
from giamngheo.accounts.twofactor import otp_required
from giamngheo.core.models import AuditRecord
from giamngheo.demo.seed import DEMO_PASSWORD

enforced = override_settings(OTP_ENFORCE=True)


def _code(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + drift * device.step
    return f"{totp.token():06d}"


def _sign_in(username: str, password: str = DEMO_PASSWORD) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client, response["Location"]


def _enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("accounts:otp-enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="otp-secret"' in html
    user_id = int(client.session["_auth_user_id"])
    device = TOTPDevice.objects.get(user_id=user_id, confirmed=False)
    done = client.post(reverse("accounts:otp-enrol"), {"code": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r'<li class="col-6">([a-z2-7]{8})</li>', done.content.decode())
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.mark.parametrize(
    ("username", "required"),
    [
        ("admin", True),
        ("chuyenvien", True),
        ("vanphong", True),
        ("lanhdao", True),  # a leader (viewer) whose scope is the province
        ("truongphong", False),
        ("hoidong", False),
        ("canbo.bugiamap", False),
    ],
)
def test_who_must_use_a_second_factor(users, username: str, required: bool) -> None:
    with enforced:
        assert otp_required(users[username]) is required
    assert otp_required(users[username]) is False  # OTP_ENFORCE=false (the test settings, `make run`)


@enforced
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60, OTP_STATIC_THROTTLE_FACTOR=60)  # a slow machine stays locked
def test_required_role_must_enrol_before_anything_else(users) -> None:
    client, _ = _sign_in("chuyenvien")
    home = client.get(reverse("web:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:otp-enrol"))
    assert client.get(reverse("geo:commune-list"))["Location"].startswith(reverse("accounts:otp-enrol"))
    # Static files and sign-out stay reachable.
    assert client.get("/static/nothing.css").status_code == 404
    # A wrong first code keeps the device unconfirmed, with the field named in Vietnamese.
    client.get(reverse("accounts:otp-enrol"))
    wrong = client.post(reverse("accounts:otp-enrol"), {"code": "000000"})
    assert "Mã xác thực" in wrong.content.decode()
    device, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("web:home")).status_code == 200
    assert AuditRecord.objects.filter(
        action="accounts.otp.enrol", target_id=str(users["chuyenvien"].pk)
    ).exists()
    # Next sign-in: password, then the code.
    client.post(reverse("accounts:logout"))
    client, location = _sign_in("chuyenvien")
    step = client.get(location)
    assert step.status_code == 302 and step["Location"].startswith(reverse("accounts:otp-verify"))
    page = client.get(step["Location"])
    assert "Mã xác thực" in page.content.decode()
    bad = client.post(reverse("accounts:otp-verify"), {"code": "123456", "next": "/geo/"})
    assert bad.status_code == 200 and client.get(reverse("web:home")).status_code == 302
    # django-otp's throttling: right after a failure even the right code waits.
    throttled = client.post(reverse("accounts:otp-verify"), {"code": _code(device)})
    assert "Thử lại sau" in throttled.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    StaticDevice.objects.filter(user__username="chuyenvien").update(throttling_failure_count=0)
    ok = client.post(reverse("accounts:otp-verify"), {"code": _code(device, drift=1), "next": "/geo/"})
    assert ok.status_code == 302 and ok["Location"] == "/geo/"
    assert client.get(reverse("web:home")).status_code == 200


@enforced
def test_backup_code_signs_in_once(users) -> None:
    client, _ = _sign_in("vanphong")
    _, codes = _enrol(client)
    client.post(reverse("accounts:logout"))
    for attempt in range(2):
        client, _ = _sign_in("vanphong")
        StaticDevice.objects.filter(user__username="vanphong").update(throttling_failure_count=0)
        TOTPDevice.objects.filter(user__username="vanphong").update(throttling_failure_count=0)
        response = client.post(reverse("accounts:otp-verify"), {"code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(reverse("web:home")).status_code == 200
            client.post(reverse("accounts:logout"))
        else:  # used up
            assert response.status_code == 200
            assert client.get(reverse("web:home")).status_code == 302


@enforced
def test_optional_user_who_enrolled_is_asked_for_the_code(users) -> None:
    client, _ = _sign_in("canbo.bugiamap")
    assert client.get(reverse("web:home")).status_code == 200  # not required, no device: straight in
    _enrol(client)
    client.post(reverse("accounts:logout"))
    client, location = _sign_in("canbo.bugiamap")
    assert client.get(location)["Location"].startswith(reverse("accounts:otp-verify"))


@enforced
def test_a_password_alone_cannot_replace_the_authenticator_or_read_backup_codes(users) -> None:
    client, _ = _sign_in("admin")
    _enrol(client)
    client.post(reverse("accounts:logout"))
    client, _ = _sign_in("admin")
    assert client.get(reverse("accounts:otp-enrol"))["Location"] == reverse("accounts:otp-verify")
    renew = client.post(reverse("accounts:otp-backup-codes"), {"renew": "1"})
    assert renew.status_code == 302 and renew["Location"].startswith(reverse("accounts:otp-verify"))


@enforced
def test_administrator_resets_a_users_second_factor(users) -> None:
    client, _ = _sign_in("chuyenvien")
    _enrol(client)
    target = users["chuyenvien"]
    admin = client_for(users["admin"])
    page = admin.get(reverse("web:user-update", kwargs={"pk": target.pk})).content.decode()
    assert 'data-testid="user-security"' in page
    response = admin.post(reverse("web:user-otp-reset", kwargs={"pk": target.pk}), {"confirmed": "1"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticDevice.objects.filter(user=target).exists()
    record = AuditRecord.objects.get(action="accounts.otp.reset", target_id=str(target.pk))
    assert record.before["enrolled"] is True
    # The officer cannot reset anybody's.
    officer = client_for(users["canbo.bugiamap"])
    assert (
        officer.post(reverse("web:user-otp-reset", kwargs={"pk": target.pk}), {"confirmed": "1"}).status_code
        == 403
    )
    # Next sign-in: enrol again.
    client, location = _sign_in("chuyenvien")
    assert client.get(location)["Location"].startswith(reverse("accounts:otp-enrol"))


@enforced
def test_client_for_gives_a_verified_session(users) -> None:
    for username in ("admin", "chuyenvien", "lanhdao"):
        assert client_for(users[username]).get(reverse("web:home")).status_code == 200


@enforced
def test_api_token_calls_are_not_sent_to_the_code_step(users) -> None:
    client, _ = _sign_in("chuyenvien")
    assert client.get("/api/anything", HTTP_AUTHORIZATION="Bearer x").status_code == 404
    assert client.get("/api/anything").status_code == 302  # a session alone is not enough


# Session expiry after inactivity -----------------------------------------------------------------------


@override_settings(SESSION_IDLE_TIMEOUT=30)
def test_session_expires_after_inactivity(users) -> None:
    client, _ = _sign_in("truongphong")
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    assert isinstance(session[LAST_ACTIVITY_KEY], int)
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60  # 29 minutes ago: still alive
    session.save()
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    assert session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5  # the request renewed it
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    expired = client.get(reverse("geo:commune-list"))
    assert expired.status_code == 302 and "expired=1" in expired["Location"]
    page = client.get(expired["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn" in page
    assert client.get(reverse("web:home")).status_code == 302  # signed out for good
    # htmx requests are told to go to the page rather than swapping it in.
    client, _ = _sign_in("truongphong")
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    htmx = client.get(reverse("web:home"), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and "expired=1" in htmx["HX-Redirect"]


# One-time password links -------------------------------------------------------------------------------


def _link(admin: Client, user: User) -> str:
    page = admin.post(reverse("web:user-password-link", kwargs={"pk": user.pk}))
    assert page.status_code == 200
    match = re.search(r'value="(http[^"]+)" id="reset-link"', page.content.decode())
    assert match
    return match.group(1).replace("http://testserver", "")


def test_password_link_works_once(users) -> None:
    admin = client_for(users["admin"])
    target = users["lanhdao"]
    path = _link(admin, target)
    assert AuditRecord.objects.filter(action="accounts.password.link", target_id=str(target.pk)).exists()
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    weak = anonymous.post(path, {"new_password1": "short1", "new_password2": "short1"})
    assert weak.status_code == 200 and not User.objects.get(pk=target.pk).check_password("short1")
    done = anonymous.post(path, {"new_password1": "Giamngheo2026x", "new_password2": "Giamngheo2026x"})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    assert User.objects.get(pk=target.pk).check_password("Giamngheo2026x")
    assert AuditRecord.objects.filter(
        action="accounts.password.set_with_link", target_id=str(target.pk)
    ).exists()
    # Used: void.
    again = anonymous.get(path)
    assert again.status_code == 404 and 'data-testid="link-invalid"' in again.content.decode()
    assert (
        anonymous.post(
            reverse("accounts:login"), {"username": "lanhdao", "password": "Giamngheo2026x"}
        ).status_code
        == 302
    )


def test_password_link_void_after_password_change_and_when_forged(users) -> None:
    admin = client_for(users["admin"])
    target = users["hoidong"]
    path = _link(admin, target)
    target.set_password("Another2026pass")
    target.save()
    assert Client().get(path).status_code == 404
    assert (
        Client()
        .get(reverse("accounts:password-reset", kwargs={"uidb64": "MQ", "token": "abc-def"}))
        .status_code
        == 404
    )
    assert (
        client_for(users["canbo.bugiamap"])
        .post(reverse("web:user-password-link", kwargs={"pk": target.pk}))
        .status_code
        == 403
    )


@override_settings(PASSWORD_RESET_TIMEOUT=3600)
def test_password_link_expires(users) -> None:
    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    from giamngheo.accounts.twofactor import user_for_reset_token

    target = users["truongphong"]
    path = _link(client_for(users["admin"]), target)
    uid, token = path.strip("/").split("/")[-2:]
    assert user_for_reset_token(uid, token) == target
    # A token made two hours ago (the generator's own clock argument, no mock).
    gen = PasswordResetTokenGenerator()
    old = gen._make_token_with_timestamp(target, gen._num_seconds(gen._now()) - 7200, gen.secret)
    assert user_for_reset_token(uid, old) is None
