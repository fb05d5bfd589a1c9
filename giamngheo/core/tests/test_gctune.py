"""The collector during bulk work: relaxed inside, as it was after (nested uses included)."""

import gc

import pytest

from giamngheo.core.gctune import FIRST_THRESHOLD, bulk_collections


def test_bulk_collections_relax_the_collector_and_restore_it():
    before = gc.get_threshold()
    with bulk_collections():
        assert gc.get_threshold()[0] == FIRST_THRESHOLD
        assert gc.get_freeze_count() > 0  # the objects alive on entry are out of the collector's walks
        with bulk_collections():
            assert gc.get_threshold()[0] == FIRST_THRESHOLD
        assert gc.get_threshold()[0] == FIRST_THRESHOLD  # the inner exit keeps the outer settings
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_bulk_collections_restore_the_collector_after_an_error():
    before = gc.get_threshold()

    @bulk_collections()
    def failing() -> None:
        raise ValueError

    with pytest.raises(ValueError):
        failing()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
