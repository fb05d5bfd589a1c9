"""Two-factor sign-in (TOTP with django-otp) and the one-time password links: who must use it, the devices,
the codes. Reads only; the writes (enrolment, backup codes, reset, links) are in ``services``.

A user *must* have an authenticator when ``settings.OTP_ENFORCE`` and their role is in
``OTP_REQUIRED_ROLES`` (or they are a superuser), or their role is in ``OTP_PROVINCE_LEVEL_ROLES`` and their
scope reaches the province. A user who has a confirmed device is asked for the code at every sign-in,
required or not.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

TOTP_NAME = "totp"
BACKUP_NAME = "backup"
reset_tokens = PasswordResetTokenGenerator()


def otp_required(user: User) -> bool:
    """Whether the user must sign in with a second factor (false for everyone when OTP_ENFORCE is off)."""
    if not settings.OTP_ENFORCE or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES:
        return True
    if user.role in settings.OTP_PROVINCE_LEVEL_ROLES:
        return user.scope_areas.filter(level="province").exists() or (
            user.scope_org_units.filter(parent__isnull=True).exists()
        )
    return False


def has_device(user: User) -> bool:
    """Whether the user has a confirmed authenticator (backup codes alone do not count)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).first()


def backup_codes_left(user: User) -> int:
    return sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user, confirmed=True))


@dataclass(frozen=True)
class OtpStatus:
    required: bool
    enrolled: bool
    backup_codes_left: int


def otp_status(user: User) -> OtpStatus:
    return OtpStatus(
        required=otp_required(user), enrolled=has_device(user), backup_codes_left=backup_codes_left(user)
    )


def secret_text(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it by hand (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no script, no external image: CSP-safe)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def clean_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    throttled_seconds: int = 0


def check_code(user: User, code: str) -> CodeCheck:
    """The confirmed device (authenticator or backup code) that accepts ``code``. Each device throttles
    itself (django-otp's ThrottlingMixin: after each failure the next try waits 2^n seconds); a backup
    code is used up. Writes only the devices' own counters and used codes."""
    code = clean_code(code)
    wait = 0
    if not code:
        return CodeCheck(None)
    for device in devices_for_user(user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until")
            if locked_until is not None:
                from django.utils import timezone

                wait = max(wait, int((locked_until - timezone.now()).total_seconds()) + 1)
            continue
        if device.verify_token(code):
            return CodeCheck(device)
    return CodeCheck(None, throttled_seconds=wait)


# One-time password links -------------------------------------------------------------------------------


def reset_link_path(user: User) -> str:
    from django.urls import reverse

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password-reset", kwargs={"uidb64": uid, "token": reset_tokens.make_token(user)})


def user_for_reset_token(uidb64: str, token: str) -> User | None:
    """The active user the link was made for, if the link is still valid (24 hours, not used, the
    password unchanged since), else ``None``."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not reset_tokens.check_token(user, token):
        return None
    return user
