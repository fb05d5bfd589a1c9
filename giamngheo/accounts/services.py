"""Writes to user accounts. Atomic and audited; passwords never enter the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed

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
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    user.scope_areas.set(list(scope_areas))
    user.scope_org_units.set(list(scope_org_units))
    audit_record(actor=acting_user, action="accounts.user.create", target=user, after=_user_state(user))
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
