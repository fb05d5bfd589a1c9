"""The README's API examples, run: every `curl` line of its "API" section is parsed and sent to the API
(with a real token, the demo's commune), and must succeed; the documented idempotency holds."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from giamngheo.api.services import token_create
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household

README = Path(__file__).resolve().parent.parent / "README.md"


def _curl_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("curl ")]


def _run(client: Client, line: str, values: dict[str, str]) -> Any:
    for name, value in values.items():
        line = line.replace(f"${name}", value)
    args = shlex.split(line)[1:]
    method, headers, data, url = "GET", {}, None, ""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-X":
            method, i = args[i + 1], i + 2
        elif arg == "-H":
            name, value = args[i + 1].split(":", 1)
            headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
            i += 2
        elif arg == "-d":
            data, i = args[i + 1], i + 2
        elif arg == "-s":
            i += 1
        else:
            url, i = arg, i + 1
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    content_type = headers.pop("HTTP_CONTENT_TYPE", "application/json")
    if method == "GET":
        return client.get(path, **headers)
    return client.generic(method, path, data or "", content_type=content_type, **headers)


def test_readme_curl_examples_work(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    for _i in range(3):
        make_household(commune_b)
    secret = token_create(user=officer, name="readme", expires_on=None, acting_user=officer)[1]
    values = {
        "TOKEN": secret,
        "API": "http://testserver/api",
        "COMMUNE_ID": str(commune_b.pk),
        "VILLAGE_ID": str(commune_b.children.order_by("code").first().pk),
        "COMMUNE": commune_b.code,
    }
    lines = _curl_lines()
    assert len(lines) >= 5
    client = Client()
    for line in lines:
        response = _run(client, line, values)
        assert response.status_code in (200, 201), (line, response.content[:300])
        body = response.json()
        if "?commune=" in line:
            assert 0 < len(body["items"]) <= 2 and body["next"]
            assert re.search(r"limit=2", body["next"])
    # The create line, sent again: the same household, nothing more written.
    create = next(line for line in lines if "-X POST" in line)
    again = _run(client, create, values)
    assert again.status_code == 201
    assert Household.objects.filter(commune=commune_b, code="HK-0001").count() == 1
    assert json.loads(again.content)["code"] == "HK-0001"
