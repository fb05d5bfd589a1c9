"""Flagging an area as especially difficult (and removing the flag) audits the area's periods before and
after (issue 12: every status change audits before/after)."""

from __future__ import annotations

import pytest

from giamngheo.core.models import AuditRecord
from giamngheo.geo.services import difficulty_period_add, difficulty_period_delete

pytestmark = pytest.mark.django_db


def test_difficulty_periods_are_audited_before_and_after(commune_a) -> None:
    difficulty_period_add(area=commune_a, from_year=2010, to_year=2012, legal_source="QĐ 1", acting_user=None)
    added = difficulty_period_add(
        area=commune_a, from_year=2013, to_year=2015, legal_source="QĐ 2", acting_user=None
    )
    audit = AuditRecord.objects.filter(action="geo.difficulty.add").latest("pk")
    first = {"kind": "especially_difficult", "from_year": 2010, "to_year": 2012, "legal_source": "QĐ 1"}
    second = {"kind": "especially_difficult", "from_year": 2013, "to_year": 2015, "legal_source": "QĐ 2"}
    existing = [p for p in audit.before["difficulty_periods"] if p not in (first, second)]
    assert (
        audit.before["difficulty_periods"] == [*existing, first]
        or first in audit.before["difficulty_periods"]
    )
    assert second not in audit.before["difficulty_periods"] and second in audit.after["difficulty_periods"]
    difficulty_period_delete(period=added, acting_user=None)
    removed = AuditRecord.objects.filter(action="geo.difficulty.delete").latest("pk")
    assert second in removed.before["difficulty_periods"] and removed.before["period"]["from_year"] == 2013
    assert second not in removed.after["difficulty_periods"] and first in removed.after["difficulty_periods"]


def test_the_audit_names_the_designation(commune_a) -> None:
    difficulty_period_add(
        area=commune_a, kind="poor_commune", from_year=2026, to_year=2030, legal_source="XN", acting_user=None
    )
    audit = AuditRecord.objects.filter(action="geo.difficulty.add").latest("pk")
    assert audit.after["period"]["kind"] == "poor_commune"
    assert {"kind": "poor_commune", "from_year": 2026, "to_year": 2030, "legal_source": "XN"} in audit.after[
        "difficulty_periods"
    ]
