from __future__ import annotations

from collections.abc import Iterator

import pytest

from .standin import StandIn


@pytest.fixture
def central() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server
