"""The pages of the periodic reports, with the demo's reports, speak Vietnamese for every role that uses
them (the checks of ``tests/test_pages_vietnamese.py``), and every link on them opens."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import client_for
from giamngheo.demo.unitreports import seed_unitreports
from tests.test_pages_vietnamese import _local, _Text, choice_values, findings

pytestmark = pytest.mark.django_db


def test_pages_speak_vietnamese_with_the_demo_reports(province: Any, users: Any) -> None:
    seed_unitreports(province=province)
    values = choice_values()
    for username in ("vanphong", "truongphong", "lanhdao"):
        client = client_for(users[username])
        seen: set[str] = set()
        frontier = ["/unit-reports/"]
        for _level in range(3):
            following: list[str] = []
            for url in frontier:
                if url in seen:
                    continue
                seen.add(url)
                response = client.get(url)
                assert response.status_code == 200, (username, url, response.status_code)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                parser = _Text()
                parser.feed(response.content.decode())
                assert not findings("\n".join(parser.parts), values), (username, url)
                following += [
                    link
                    for href in parser.links
                    if (link := _local(href)) and link.startswith("/unit-reports/") and link not in seen
                ][:40]
            frontier = following
        assert any("/reports/" in url for url in seen), username
        if username == "vanphong":
            assert any("/aggregate/" in url for url in seen) and any("/rates/" in url for url in seen)
