"""Every page each demo role reaches from the menu and the home page speaks Vietnamese.

Logged in as each demo account, the sweep opens every link of the menu and the home page, and one level of
links below them (a sample of detail pages), and checks that each answers 200 (a role never sees a link to
a page it may not open) and that its visible text carries no internal key: no snake_case token, no dotted
audit code, no choice value of the models, no "CONFIRMED", no ``manage.py`` or ``docs/`` path.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps

from conftest import client_for

DEMO_USERS = (
    "admin",
    "chuyenvien",
    "vanphong",
    "truongphong",
    "lanhdao",
    "hoidong",
    "canbo.bugiamap",
    "canbo.tranbien",
)
# Visible attributes besides the text.
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SKIPPED_TAGS = {"script", "style"}
# English words that are no Vietnamese syllable: an untranslated string.
ENGLISH = re.compile(
    r"\b(?:the|and|of|with|from|your|you|this|that|are|is|was|has|have|been|which|not|none|yes|please"
    r"|added|edited|created|recorded|deleted|removed|opened|closed|filed|decided|started|failed)\b",
    re.IGNORECASE,
)
SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z]+\.[a-z_]+\.[a-z_]+(?![\w/@-])")
FORBIDDEN = re.compile(
    r"\b(?:UN)?CONFIRMED\b|manage\.py|\bdocs/|\bpython\b|\bNone\b|\bTrue\b|\bFalse\b"
    # a year with a thousands separator: "2.022–2.025", "năm 2.025"
    r"|\b[12]\.\d{3}\s*[–-]\s*[12]\.\d{3}\b|\b[Nn]ăm [12]\.\d{3}\b"
    # a decimal float of a whole amount ("1300000.0")
    r"|\b\d{4,}\.0\b"
)
# Paths not to follow: writes, downloads, the sign-out, language switch.
SKIP_PATHS = re.compile(
    r"/(export|download|xlsx|docx|pdf|print|template|logout|i18n|static|media|csv|xlsform|admin)\b|\.(xlsx|docx|csv|pdf|xml|json)$"
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)
            if tag == "option" and name == "value":
                pass

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


# Choice values that are also Vietnamese words written without marks in legal text ("tinh thần": the
# criteria of Lao động tiên tiến as the law writes them, shown on the titles' pages).
VIETNAMESE_WORDS = {"tinh"}


def choice_values() -> set[str]:
    """The stored values of every TextChoices of the models (what must never reach a page)."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("giamngheo."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and len(value) > 3 and re.fullmatch(r"[a-z][a-z0-9_]+", value):
                    values.add(value)
    from giamngheo.accounts.roles import Capability
    from giamngheo.poverty.standard import all_standards

    values.update(Capability.values)
    values -= VIETNAMESE_WORDS
    for standard in all_standards():  # indicator and dimension keys ("water", "employment")
        values.update(i.key for i in standard.indicators if len(i.key) > 3)
        values.update(d.key for d in standard.dimensions if len(d.key) > 3)
    return values


def findings(text: str, values: set[str]) -> list[str]:
    found = [m.group(0) for m in SNAKE.finditer(text)]
    found += [m.group(0) for m in DOTTED.finditer(text)]
    found += [m.group(0) for m in FORBIDDEN.finditer(text)]
    found += [f"English: {m.group(0)}" for m in ENGLISH.finditer(text)]
    for word in re.findall(r"(?<![\w./@-])[a-z][a-z0-9]+(?![\w/@-])", text):
        if word in values:
            found.append(word)
    return found


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if SKIP_PATHS.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _menu_and_home_links(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [link for href in parser.links if (link := _local(href))]


def _pattern(url: str) -> str:
    """The page a link opens, without its numbers and query ("/households/12/" -> "/households/#/")."""
    return re.sub(r"\d+", "#", url.split("?")[0])


def sweep(username: str, users: dict[str, Any], *, depth: int = 3, per_page: int = 10) -> dict[str, Any]:
    """Open the home page, every link on it (the menu and the home page), and below them up to
    ``per_page`` links to pages of a kind not seen yet, ``depth`` levels down."""
    client = client_for(users[username])
    values = choice_values()
    seen: set[str] = set()
    kinds: set[str] = set()
    statuses: dict[str, int] = {}
    found: dict[str, list[str]] = {}
    linked_from: dict[str, str] = {}
    frontier = ["/"]
    for level in range(depth + 1):
        next_frontier: list[str] = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            statuses[url] = response.status_code
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = _Text()
            parser.feed(response.content.decode())
            bad = findings("\n".join(parser.parts), values)
            if bad:
                found[url] = sorted(set(bad))
            if level == depth:
                continue
            taken = 0
            for href in parser.links:
                link = _local(href)
                if link is None or link in seen:
                    continue
                linked_from.setdefault(link, url)
                if level == 0:  # every link of the menu and the home page
                    next_frontier.append(link)
                elif _pattern(link) not in kinds and taken < per_page:
                    kinds.add(_pattern(link))
                    next_frontier.append(link)
                    taken += 1
        frontier = next_frontier
    return {"statuses": statuses, "found": found, "linked_from": linked_from}


@pytest.fixture
def world(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo province with households in the communes of the demo officers and a few others, its
    review rounds (2025 closed, 2026 open) and support records: the pages have rows and details to show."""
    from giamngheo.demo import seed
    from giamngheo.demo.households import village_slots

    def some_slots(province: Any) -> list[Any]:
        slots = village_slots(province)
        communes = sorted({s.commune_name for s in slots})[:3] + list(seed.COMMUNE_OFFICER_COMMUNES)
        return [s for s in slots if s.commune_name in communes]

    monkeypatch.setattr(seed, "village_slots", some_slots)
    seed.seed_demo(province_code=75, households=80, seed=1)


def test_every_linked_page_opens_and_speaks_vietnamese(world: None, users: dict[str, Any]) -> None:
    refused: dict[str, dict[str, int]] = {}
    found: dict[str, dict[str, list[str]]] = {}
    for username in DEMO_USERS:
        result = sweep(username, users)
        assert len(result["statuses"]) > 10, username
        refused[username] = {
            f"{url} (linked from {result['linked_from'].get(url)})": code
            for url, code in result["statuses"].items()
            if code not in (200, 302)
        }
        found[username] = result["found"]
    assert not any(refused.values()), f"links that do not open: {refused}"
    assert not any(found.values()), f"internal keys on pages: {found}"


def test_the_sweep_sees_keys() -> None:
    values = {"near_poor", "water"}
    assert findings("Chỉ số water thiếu", values) == ["water"]
    assert "villages_created" in findings("Kết quả: villages_created 3", values)
    assert "households.household.update" in findings("households.household.update", values)
    assert findings("UNCONFIRMED", values)
    assert findings("Giai đoạn 2.022–2.025", values) and findings("Thu nhập 1300000.0", values)
    assert not findings("Hộ nghèo, canbo.bugiamap@example.vn, 1.200.000, 2022–2025", values)
