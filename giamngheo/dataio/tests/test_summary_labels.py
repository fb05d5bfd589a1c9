"""A job's page shows the figures of its summary by their labels."""

from __future__ import annotations


def test_every_summary_key_has_a_label() -> None:
    """The figures of an import's summary are shown by their labels, never by their keys."""
    from giamngheo.dataio.imports.rows import Outcome
    from giamngheo.jobs.views import SUMMARY_HIDDEN, SUMMARY_LABELS

    keys = {k for k, v in Outcome().summary().items() if not isinstance(v, list | dict)}
    assert keys - set(SUMMARY_LABELS) - SUMMARY_HIDDEN == set()
