"""Schemathesis against the API on the test database, through Django's WSGI application and a real token:
every operation of the OpenAPI schema, checked for server errors and for answers the schema does not
describe (status codes, bodies)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """The requests go through the real WSGI handler, whose ``request_started``/``request_finished`` close a
    connection inside a transaction (PostgreSQL: the test's own). Django's test client unhooks the same
    handler; so does this test, for its duration."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(users, settings):  # type: ignore[no-untyped-def]
    from giamngheo.api.services import token_create

    settings.API_RATE_LIMIT = "100000/min"
    officer = users["canbo.tranbien"]
    return token_create(user=officer, name="schemathesis", expires_on=None, acting_user=officer)[1]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
