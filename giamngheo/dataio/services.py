"""Writes of the import app: saved column mappings. (The import itself is ``imports.household_import``.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .fields import BY_KEY
from .models import ImportMapping, header_signature


@transaction.atomic
def import_mapping_save(*, headers: list[str], mapping: list[str], acting_user: Any) -> ImportMapping:
    """Remember how this user mapped a layout (no personal data: header texts and field keys only)."""
    clean = [key if key in BY_KEY else "" for key in mapping]
    saved, _created = ImportMapping.objects.update_or_create(
        created_by=acting_user,
        signature=header_signature(headers),
        defaults={"headers": headers, "mapping": clean},
    )
    return saved
