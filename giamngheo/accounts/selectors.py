from __future__ import annotations

from django.db.models import Q, QuerySet

from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold

from .models import User
from .scoping import can


def user_list(*, user: User, q: str = "", role: str = "") -> QuerySet[User]:
    """Accounts the user may manage: all for administrators, none for others."""
    if not can(user, "manage_users"):
        return User.objects.none()
    qs = User.objects.prefetch_related("scope_areas", "scope_org_units").order_by("username")
    if q:
        folded = fold(q)
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(username__icontains=folded)
        )
    if role:
        qs = qs.filter(role=role)
    return qs


def access_user_by_id(*, user: User, user_id: int) -> User:
    found = user_list(user=user).filter(pk=user_id).first()
    if found is None:
        raise NotFound("user")
    return found
