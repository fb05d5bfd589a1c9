"""The audit trail shows stored values in words, also inside a snapshot's nested detail."""

from __future__ import annotations

from django.utils import translation

from giamngheo.web.audit_labels import value_text


def test_nested_choice_values_and_years_read_in_words() -> None:
    with translation.override("vi"):
        assert value_text(None, {"kind": "poor_commune", "from_year": 2026, "to_year": None}) == (
            "Xã nghèo; 2026; —"
        )
        assert value_text(None, "flood") == "Lũ, lụt"  # a relief incident's kind, stored without its field
        assert value_text(None, "no such value") == "no such value"
