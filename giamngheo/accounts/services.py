"""Writes to user accounts. Atomic and audited; passwords never enter the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed

from . import twofactor
from .models import User
from .scoping import reset_cache


def _user_state(user: User) -> dict[str, Any]:
    state = snapshot(user, ["username", "full_name", "email", "phone", "role", "is_active"])
    state["scope_areas"] = sorted(user.scope_areas.values_list("code", flat=True))
    state["scope_org_units"] = sorted(user.scope_org_units.values_list("code", flat=True))
    return state


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), extra={"field": "password"}) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    role: str,
    email: str = "",
    phone: str = "",
    scope_areas: Iterable[Any] = (),
    scope_org_units: Iterable[Any] = (),
    acting_user: User | None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("This username is already taken."), extra={"field": "username"})
    user = User(username=username, full_name=full_name, role=role, email=email, phone=phone)
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:  # the user sets it through a one-time link (``password_link_create``)
        user.set_unusable_password()
    user.save()
    areas, units = list(scope_areas), list(scope_org_units)
    # A new account has no scope yet: add (no read of the old one) and describe it from the objects given.
    if areas:
        user.scope_areas.add(*areas)
    if units:
        user.scope_org_units.add(*units)
    after = snapshot(user, ["username", "full_name", "email", "phone", "role", "is_active"])
    after["scope_areas"] = sorted(a.code for a in areas)
    after["scope_org_units"] = sorted(u.code for u in units)
    audit_record(actor=acting_user, action="accounts.user.create", target=user, after=after)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    role: str,
    email: str,
    phone: str,
    is_active: bool,
    scope_areas: Iterable[Any],
    scope_org_units: Iterable[Any],
    acting_user: User | None,
    password: str = "",
) -> User:
    """Update an account; a non-empty ``password`` is validated first and set in the same transaction."""
    if user.pk == getattr(acting_user, "pk", None) and not is_active:
        raise ValidationFailed(_("You cannot deactivate your own account."), extra={"field": "is_active"})
    if password:
        _validate_password(password, user)
    before = _user_state(user)
    user.full_name, user.role, user.email, user.phone, user.is_active = (
        full_name,
        role,
        email,
        phone,
        is_active,
    )
    user.save()
    user.scope_areas.set(list(scope_areas))
    user.scope_org_units.set(list(scope_org_units))
    reset_cache(user)
    audit_record(
        actor=acting_user, action="accounts.user.update", target=user, before=before, after=_user_state(user)
    )
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, acting_user: User | None) -> User:
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    action = (
        "accounts.password.change"
        if user.pk == getattr(acting_user, "pk", None)
        else "accounts.password.reset"
    )
    audit_record(actor=acting_user, action=action, target=user)
    return user


# Two-factor sign-in and one-time password links (issue 17 §7). ------------------------------------------
# No secret (TOTP key, backup code, link token) ever enters the audit trail.


@transaction.atomic
def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator, created if needed: its key is shown as a QR code
    until the user confirms it with a first code. Not audited: nothing changes for the sign-in yet."""
    device = twofactor.pending_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=False)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=twofactor.BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def otp_enrol_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code; it replaces any earlier one, and a new set
    of backup codes is made (returned to be shown once)."""
    device = twofactor.pending_device(user)
    if device is None:
        raise ValidationFailed(
            _("Start the set-up again: no authenticator is waiting."), extra={"field": "code"}
        )
    # The key is on the user's screen: no throttling to protect here (a typo must not lock the set-up).
    device.throttle_reset(commit=False)
    if not device.verify_token(twofactor.clean_code(code)):
        raise ValidationFailed(
            _("Verification code: the code is not right (6 digits, the current one in the app)."),
            extra={"field": "code"},
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit_record(actor=user, action="accounts.otp.enrol", target=user, after={"backup_codes": len(codes)})
    return device, codes


@transaction.atomic
def otp_backup_codes_renew(*, user: User) -> list[str]:
    """A new set of backup codes (the old ones stop working), returned to be shown once."""
    if not twofactor.has_device(user):
        raise ValidationFailed(_("Set up the authenticator first."))
    codes = _new_backup_codes(user)
    audit_record(
        actor=user, action="accounts.otp.backup_codes", target=user, after={"backup_codes": len(codes)}
    )
    return codes


@transaction.atomic
def otp_reset(*, user: User, acting_user: User | None) -> User:
    """The administrator removes a user's authenticator and backup codes (a lost phone): at the next
    sign-in the user sets up a new one if their role requires it."""
    before = {"enrolled": twofactor.has_device(user), "backup_codes": twofactor.backup_codes_left(user)}
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=acting_user,
        action="accounts.otp.reset",
        target=user,
        before=before,
        after={"enrolled": False, "backup_codes": 0},
    )
    return user


@transaction.atomic
def password_link_create(*, user: User, acting_user: User | None) -> str:
    """A one-time link (path) with which the user sets a new password: valid 24 hours
    (``PASSWORD_RESET_TIMEOUT``), void once used or once the password changes."""
    if not user.is_active:
        raise ValidationFailed(_("This account is deactivated: activate it first."))
    audit_record(actor=acting_user, action="accounts.password.link", target=user)
    return twofactor.reset_link_path(user)


@transaction.atomic
def password_set_with_link(*, uidb64: str, token: str, password: str) -> User:
    user = twofactor.user_for_reset_token(uidb64, token)
    if user is None:
        raise ValidationFailed(_("This link is no longer valid. Ask the administrator for a new one."))
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="accounts.password.set_with_link", target=user)
    return user
