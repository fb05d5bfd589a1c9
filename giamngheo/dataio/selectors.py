"""Reads of the import app."""

from __future__ import annotations

from django.db.models import QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import vi_ordered

from .fields import propose_mapping
from .models import ImportMapping, header_signature


def saved_mapping(*, user: User, headers: list[str], commune_id: int | None = None) -> list[str] | None:
    """The mapping this user last used for this layout, else the one an officer of the file's commune saved
    for it (a colleague's). Never another commune's: how a commune lays out its lists is its own business."""
    signature = header_signature(headers)
    mappings = ImportMapping.objects.filter(signature=signature).order_by("-updated_at")
    found = mappings.filter(created_by=user).values_list("mapping", flat=True).first()
    if found is None and commune_id is not None:
        found = (
            mappings.filter(area_q(user, "commune__path"), commune_id=commune_id)
            .values_list("mapping", flat=True)
            .first()
        )
    if found is None:
        return None
    return (list(found) + [""] * len(headers))[: len(headers)]


def mapping_for(*, user: User, headers: list[str], commune_id: int | None = None) -> tuple[list[str], bool]:
    """(mapping, saved?): the saved mapping of this layout, or the one proposed from the header names."""
    saved = saved_mapping(user=user, headers=headers, commune_id=commune_id)
    if saved is not None:
        return saved, True
    return propose_mapping(headers), False


def import_communes(*, user: User) -> QuerySet[Area]:
    """Communes the user may import into."""
    return vi_ordered(Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE, is_active=True))
