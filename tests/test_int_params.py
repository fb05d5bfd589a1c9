"""Integer parameters are validated: a huge, negative, non-numeric or scientific value in a URL's path, its
query string or a form gives the empty result, a 400 or a 404 — never a 500 (issue 12, finding 6).

The sweep enumerates the URL configuration (like ``test_scope_sweep``), so a URL added later is visited
too. ``99999999999999999999`` is beyond PostgreSQL's bigint and SQLite's integer: a query with it
overflows in the database driver unless the view refuses it first.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_scope_sweep import PUBLIC, SKIP, all_urls

HUGE = "99999999999999999999"
BAD_VALUES = [HUGE, "-1", "abc", "1e5", "9223372036854775808", "²"]
# Every name a view or a filter form reads from the query string (lists, filters, pickers, exports).
PARAMS = [
    "household",
    "commune",
    "village",
    "policy",
    "member",
    "year",
    "page",
    "step",
    "unit",
    "parent",
    "province",
    "round",
    "area",
    "org_unit",
    "status",
    "source",
    "standard_year",
    "income",
    "persons",
    "engine",
    "category",
    "actor",
    "target",
    "kind",
    "state",
    "date_from",
    "date_to",
    "former",
    "all",
    "cancelled",
]
ALLOWED = {200, 204, 301, 302, 400, 403, 404, 405}
USERS = ["chuyenvien", "canbo.bugiamap"]


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _path_urls() -> list[str]:
    """Every parametrised URL with each integer parameter set to a value beyond any database integer."""
    urls = []
    for name, route in all_urls():
        if "<" not in route or name in SKIP:
            continue
        if name in PUBLIC and "<int:" not in route:
            continue  # string codes of public reference data: not integers
        kwargs: dict[str, Any] = {}
        for part in route.split("<")[1:]:
            spec = part.split(">")[0]
            kind, _, key = spec.partition(":") if ":" in spec else ("str", "", spec)
            kwargs[key] = HUGE if kind == "int" else "x"
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def _plain_urls() -> list[str]:
    """The URLs without parameters (signing out is left out: the rest would be visited signed out)."""
    return [
        reverse(name)
        for name, route in all_urls()
        if "<" not in route and name not in SKIP and "logout" not in name
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
def test_huge_ids_in_paths_give_404_not_500(users, username: str) -> None:
    client = _client(users[username])
    failures = []
    for url in _path_urls():
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in ALLOWED:
                failures.append((method, url, status))
    assert not failures


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_integers_in_query_strings_never_give_500(users, value: str) -> None:
    client = _client(users["chuyenvien"])
    failures = []
    every = dict.fromkeys(PARAMS, value)
    for url in _plain_urls():
        status = client.get(url, every).status_code
        if status not in ALLOWED:
            failures.append((url, "all", status))
    assert not failures


# The parameters that name a row or a number (each one is tried alone on the filtered lists).
INT_PARAMS = [
    "household",
    "commune",
    "village",
    "policy",
    "member",
    "year",
    "page",
    "step",
    "unit",
    "parent",
    "province",
    "round",
    "org_unit",
    "standard_year",
    "actor",
]
# The lists whose filters take ids: each parameter alone (one bad parameter must not hide another).
FILTERED = [
    "households:household-list",
    "households:village-options",
    "policies:support-list",
    "policies:spending",
    "policies:coverage",
    "policies:policy-list",
    "reviews:round-list",
    "reviews:request-list",
    "web:audit-list",
    "org:staff-list",
    "org:unit-list",
    "geo:commune-list",
    "standards:calculator",
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "²"])
def test_each_filter_alone_with_a_bad_integer(users, value: str) -> None:
    client = _client(users["chuyenvien"])
    names = {name for name, _route in all_urls()}
    failures = []
    for name in FILTERED:
        if name not in names:
            continue
        url = reverse(name)
        for param in INT_PARAMS:
            status = client.get(url, {param: value}).status_code
            if status not in ALLOWED:
                failures.append((url, param, status))
    assert not failures


def test_the_filtered_lists_exist() -> None:
    """The list above names real URLs (a renamed URL must not silently drop out of the test)."""
    names = {name for name, _route in all_urls()}
    assert [name for name in FILTERED if name not in names] == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "1e5", "²"])
def test_bad_integers_in_posted_forms_never_give_500(users, commune_a, value: str) -> None:
    """Forms that take ids in their body: the household of a request, the commune of a new household, the
    recipients picked on a gap list ("household:member"), the year of a coverage recount."""
    from giamngheo.households.tests.factories import make_household

    household = make_household(commune_a)
    officer, specialist = _client(users["canbo.bugiamap"]), _client(users["chuyenvien"])
    gaps = reverse("policies:gap-record", args=["H1"])
    support = reverse("policies:support-create", args=[household.pk])
    posts = [
        (officer, reverse("reviews:request-create"), {"household": value, "kind": "become_poor"}),
        (officer, reverse("households:household-create"), {"commune": value, "village": value, "code": "X"}),
        (officer, reverse("households:village-options") + f"?commune={value}", {}),
        (officer, gaps, {"selection": "picked", "pick": [f"{value}:0"]}),
        (officer, gaps, {"selection": "picked", "pick": [f"{household.pk}:{value}"]}),
        (officer, support, {"policy": value, "member": value}),
        (specialist, reverse("policies:coverage-rebuild"), {"year": value}),
    ]
    failures = []
    for client, url, data in posts:
        status = client.post(url, data).status_code
        if status not in ALLOWED:
            failures.append((url, data, status))
    assert not failures


def test_parse_id_accepts_only_database_ids() -> None:
    from giamngheo.core.views import MAX_ID, parse_id

    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in [HUGE, str(MAX_ID + 1), "-1", "0", "abc", "1e5", "²", "٣", "", None, "4.0"]:
        assert parse_id(bad) is None, bad
