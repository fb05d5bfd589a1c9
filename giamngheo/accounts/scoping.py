"""THE one place that says what a user may see.

Every selector that reads area-bound or organisation-bound data filters through ``area_q`` or
``org_q``. Both work on materialised paths ("/75/25195/..."), so "a unit and everything below it"
is one ``startswith`` per scope entry and no recursion. No model of another app is imported here:
domain apps pass the name of their path field.

Rules:
- system administrators see everything;
- everyone else sees the areas in ``scope_areas`` and everything below them, and the org units in
  ``scope_org_units`` and everything below them; an empty scope sees nothing;
- org units also become visible through area scope when they belong to an area the user sees
  (a provincial specialist sees the provincial department).
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

from .roles import ROLE_CAPABILITIES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

NOTHING = Q(pk__in=[])

_AREA_CACHE = "_scope_area_paths"
_ORG_CACHE = "_scope_org_paths"


def _is_unrestricted(user: User | AnonymousUser | None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_system_admin", False))


def _paths(user: User, cache: str, relation: str) -> tuple[str, ...]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ()
    cached: tuple[str, ...] | None = getattr(user, cache, None)
    if cached is None:
        paths = sorted(getattr(user, relation).filter(is_active=True).values_list("path", flat=True))
        # Drop paths already covered by a shorter one: fewer OR terms, same meaning.
        kept: list[str] = []
        for path in paths:
            if not any(path.startswith(prefix) for prefix in kept):
                kept.append(path)
        cached = tuple(kept)
        setattr(user, cache, cached)
    return cached


def area_paths(user: User) -> tuple[str, ...]:
    """Paths of the areas at the top of the user's area scope."""
    return _paths(user, _AREA_CACHE, "scope_areas")


def org_paths(user: User) -> tuple[str, ...]:
    """Paths of the org units at the top of the user's org scope."""
    return _paths(user, _ORG_CACHE, "scope_org_units")


def _prefix_q(field: str, prefixes: tuple[str, ...]) -> Q:
    if not prefixes:
        return NOTHING
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in prefixes))


def area_q(user: User, path_field: str = "path") -> Q:
    """Filter for rows whose area (given by ``path_field``) the user may see."""
    if _is_unrestricted(user):
        return Q()
    return _prefix_q(path_field, area_paths(user))


def area_ancestor_q(user: User, path_field: str = "path") -> Q:
    """Filter for areas *above* the user's scope (to show breadcrumbs and totals of the parents).

    Only the names of parent units are shown through this; their contents stay filtered by ``area_q``.
    Administrators see everything, so nothing is above their scope.
    """
    if _is_unrestricted(user):
        return NOTHING
    ancestors: set[str] = set()
    for path in area_paths(user):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            ancestors.add("/" + "/".join(parts[:i]) + "/")
    if not ancestors:
        return NOTHING
    return Q(**{f"{path_field}__in": sorted(ancestors)})


def org_q(user: User, path_field: str = "path", area_path_field: str | None = "area__path") -> Q:
    """Filter for org-bound rows (org units, staff) the user may see."""
    if _is_unrestricted(user):
        return Q()
    q = _prefix_q(path_field, org_paths(user))
    if area_path_field is not None:
        q |= _prefix_q(area_path_field, area_paths(user))
    return q


def can(user: User | AnonymousUser | None, capability: str) -> TypeGuard[User]:
    """Whether the user's role grants ``capability`` (administrators have every capability); True only for an
    active signed-in ``User`` (so ``if not can(user, …): raise`` leaves ``user`` a ``User``)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if _is_unrestricted(user):
        return True
    return capability in ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def reset_cache(user: User) -> None:
    """Forget cached scope paths (after the user's scope changed)."""
    for attr in (_AREA_CACHE, _ORG_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)
