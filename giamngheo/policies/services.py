"""Writes of the policy catalogue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from giamngheo.core.audit import audit_record

from .models import Policy, validate_rule

SAMPLE_CATALOGUE = Path(__file__).parent / "data" / "sample_catalogue.json"


@transaction.atomic
def catalogue_seed(*, acting_user: Any, path: Path = SAMPLE_CATALOGUE) -> int:
    """Add the sample policies that are not in the catalogue yet (by code); never overwrite the province's
    edits. Returns how many were added."""
    with path.open(encoding="utf-8") as fh:
        entries = json.load(fh)["policies"]
    existing = set(Policy.objects.values_list("code", flat=True))
    added = 0
    for entry in entries:
        if entry["code"] in existing:
            continue
        validate_rule(entry["rule"])
        policy = Policy.objects.create(
            **{
                **entry,
                "valid_from": dt.date.fromisoformat(entry["valid_from"]),
                "valid_to": dt.date.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
                "is_sample": True,
            }
        )
        audit_record(
            actor=acting_user, action="policies.policy.create", target=policy, note="sample catalogue"
        )
        added += 1
    return added
