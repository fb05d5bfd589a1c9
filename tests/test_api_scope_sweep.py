"""Every operation of the API's OpenAPI schema, called with a TOKEN of the officer of another commune:
the foreign commune's objects answer 404, writes aimed at them are refused and write nothing, and no list
contains them (the sweep's world and markers, tests/test_scope_sweep.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from giamngheo.api.api import api
from giamngheo.api.services import token_create
from giamngheo.core.models import AuditRecord
from tests.test_scope_sweep import MARKERS, ForeignWorld, _foreign_plans, world  # noqa: F401 - the fixture

# How each operation is pointed at the foreign commune: (path parameters, query, body, expected statuses).
Call = tuple[dict[str, Any], dict[str, Any], Any, set[int]]
NOT_FOUND = {404}


def _calls(w: ForeignWorld) -> dict[str, list[Call]]:
    household, member = {"household_id": w.household.pk}, {"member_id": w.member.pk}
    village = w.village
    lists: list[Call] = [({}, {}, None, {200}), ({}, {"commune": w.commune.code}, None, {200})]
    return {
        "households_list": [*lists, ({}, {"village": village.code}, None, {200})],
        "households_create": [
            (
                {},
                {},
                {
                    "commune_id": w.commune.pk,
                    "village_id": village.pk,
                    "code": "NGOAI-1",
                    "head_name": "Ngoại",
                },
                {422},
            )
        ],
        "deleted_list": [({}, {}, None, {200})],
        "households_get": [(household, {}, None, NOT_FOUND)],
        "households_update": [(household, {}, {"version": 1, "phone": "1"}, NOT_FOUND)],
        "households_delete": [(household, {"version": 1}, None, NOT_FOUND)],
        "households_members": [(household, {}, None, NOT_FOUND)],
        "members_list": lists,
        "members_create": [
            (
                {},
                {},
                {
                    "household_id": w.household.pk,
                    "full_name": "Ngoại",
                    "sex": "F",
                    "date_of_birth": "2000-01-01",
                    "relationship": "child",
                },
                {422},
            )
        ],
        "members_get": [(member, {}, None, NOT_FOUND)],
        "members_update": [(member, {}, {"version": 1, "full_name": "X"}, NOT_FOUND)],
        "members_delete": [(member, {"version": 1}, None, NOT_FOUND)],
        "rounds_list": [({}, {}, None, {200})],
        "rounds_get": [({"round_id": w.other_round.pk}, {}, None, NOT_FOUND)],
        "rounds_figures": [({"round_id": w.other_round.pk}, {}, None, NOT_FOUND)],
        "rounds_assessments": [
            ({"round_id": w.other_round.pk}, {}, None, NOT_FOUND),
            ({"round_id": w.commune_review.round_id}, {}, None, {200}),
            ({"round_id": w.commune_review.round_id}, {"commune": w.commune.code}, None, {200}),
        ],
        "assessments_get": [({"assessment_id": w.assessment.pk}, {}, None, NOT_FOUND)],
        "policies_list": [({}, {}, None, {200})],
        "policies_get": [({"code": "H1"}, {}, None, {200})],
        "coverage": [({}, {}, None, {200}), ({}, {"commune": w.commune.code}, None, {200})],
        "support_list": lists,
        "support_get": [({"record_id": w.support.pk}, {}, None, NOT_FOUND)],
        "support_create": [
            (
                {},
                {},
                {
                    "policy_code": "H1",
                    "household_id": w.household.pk,
                    "member_id": w.member.pk,
                    "date": "2026-02-02",
                    "funding_source": "central",
                },
                {403, 422},
            )
        ],
        "plans_list": [({}, {}, None, {200})],
        "plans_targets": [({"plan_id": _foreign_plans(w)["plan"].pk}, {}, None, NOT_FOUND)],
    }


def _operations() -> list[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    return [
        (op["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]


def test_every_api_operation_refuses_the_foreign_commune(world: ForeignWorld) -> None:  # noqa: F811
    secret = token_create(user=world.officer, name="sweep", expires_on=None, acting_user=world.officer)[1]
    audit_before = AuditRecord.objects.count()
    calls = _calls(world)
    operations = _operations()
    assert {op for op, _m, _p in operations} == set(calls), "add the new operation to _calls"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    foreign_ids = {str(world.household.pk), str(world.member.pk)}
    checked = 0
    for operation, method, path in operations:
        for path_params, query, body, expected in calls[operation]:
            url = path.format(**path_params)
            send: Callable[..., Any] = getattr(client, method.lower())
            if method == "GET":
                response = send(url, query)
            else:
                if query:
                    url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
                response = send(
                    url, json.dumps(body) if body is not None else "", content_type="application/json"
                )
            assert response.status_code in expected, (
                operation,
                url,
                response.status_code,
                response.content[:300],
            )
            text = response.content.decode()
            for marker in MARKERS:
                assert marker not in text, f"{method} {url} leaks {marker}"
            assert world.commune.name not in text, f"{method} {url} leaks the foreign commune's name"
            if response.status_code == 200 and "items" in (data := response.json() if text else {}):
                ids = {str(item.get("id")) for item in data["items"]} | {
                    str(item.get("household_id")) for item in data["items"]
                }
                assert not ids & foreign_ids, f"{method} {url} lists a foreign household or member"
            checked += 1
    assert checked >= len(operations)
    # Nothing was written (every write is audited), and the foreign household is as it was.
    assert AuditRecord.objects.count() == audit_before
    world.household.refresh_from_db()
    assert world.household.phone == ""


def test_control_the_owner_reads_the_foreign_household(world: ForeignWorld) -> None:  # noqa: F811
    """The sweep would notice: the commune's own officer gets the household, its member and its assessment."""
    secret = token_create(
        user=world.other_officer, name="owner", expires_on=None, acting_user=world.other_officer
    )[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"/api/households/{world.household.pk}").status_code == 200
    assert MARKERS[4] in client.get(f"/api/members/{world.member.pk}").content.decode()
    assert client.get(f"/api/assessments/{world.assessment.pk}").status_code == 200
    listed = client.get("/api/households", {"commune": world.commune.code, "limit": 500}).json()["items"]
    assert world.household.pk in {h["id"] for h in listed}
