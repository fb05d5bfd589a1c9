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


# Added for notifications (issue 14): who to tell about an area, and the names of a user's scope. ----------


def users_covering_areas(*, paths: list[str], roles: list[str]) -> dict[str, set[int]]:
    """For each area path, the active users of ``roles`` whose area scope contains it (the area itself or
    a unit above it): ``{path: {user ids}}``. A read of the system (the alert scans), not of a user: one
    query whatever the number of areas."""
    ancestors: set[str] = set()
    for path in paths:
        parts = path.strip("/").split("/")
        ancestors.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    if not ancestors:
        return {}
    rows = (
        User.objects.filter(is_active=True, role__in=roles)
        .filter(scope_areas__path__in=sorted(ancestors), scope_areas__is_active=True)
        .values_list("pk", "scope_areas__path")
    )
    covering: dict[str, set[int]] = {path: set() for path in paths}
    for user_id, scope_path in rows:
        for path in paths:
            if path.startswith(scope_path):
                covering[path].add(user_id)
    return covering


def scope_area_names(*, user: User) -> list[str]:
    """The names of the areas at the top of the user's scope (empty for an administrator: everything)."""
    if not getattr(user, "is_authenticated", False) or user.is_system_admin:
        return []
    return list(user.scope_areas.filter(is_active=True).order_by("path").values_list("name", flat=True))


def usernames() -> list[str]:
    """Every username (an import's check of duplicates: one query)."""
    return list(User.objects.values_list("username", flat=True))


def users_by_ids(*, user: User, ids: list[int]) -> list[User]:
    """The accounts of these ids the user may manage, in the given order."""
    found = {u.pk: u for u in user_list(user=user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
