"""The scope of a subscription's owner, checked when deliveries are written and again when each is sent
(an owner deactivated, moved to another commune or stripped of the capability receives nothing more)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_paths, can

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def owner_paths(owner: User) -> tuple[str, ...] | None:
    """The area paths the owner may see (``None``: everything, an administrator; ``()``: nothing)."""
    if not owner.is_active or not can(owner, Capability.MANAGE_WEBHOOKS):
        return ()
    if owner.is_system_admin:
        return None
    return area_paths(owner)


def sees(paths: tuple[str, ...] | None, area_path: str) -> bool:
    if paths is None:
        return True
    return any(area_path.startswith(p) for p in paths)
