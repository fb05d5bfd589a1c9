"""/healthz and /readyz with a real database and a real Redis (its own queue name, removed afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings

from giamngheo.ops import health

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def _fresh_migration_cache() -> Iterator[None]:
    health._MIGRATED.clear()
    yield
    health._MIGRATED.clear()


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"gn_ops_test_{uuid.uuid4().hex[:8]}"
    yield name
    redis.Redis.from_url(REDIS).delete(f"rq:queue:{name}")


def test_healthz_answers_without_the_database() -> None:
    # No django_db mark: any query would raise "Database access not allowed".
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and "Content-Security-Policy" not in response.headers
    assert "no-cache" in response["Cache-Control"]
    assert Client().get("/healthz/").status_code == 200
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_checks_the_database_and_migrations() -> None:
    response = Client().get("/readyz/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "queue", "migrations"}  # no REDIS_URL in the tests
    assert body["checks"]["queue"]["source"] == "database"
    assert body["checks"]["migrations"]["pending"] == 0
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_fails_while_a_migration_is_not_applied() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'notices'")
        removed = cursor.rowcount
    assert removed > 0
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["pending"] == removed


@pytest.mark.django_db
def test_readyz_pings_redis_and_reads_the_rq_queue_depth(queue: str) -> None:
    client = redis.Redis.from_url(REDIS)
    client.rpush(f"rq:queue:{queue}", "job-1", "job-2", "job-3")
    with override_settings(REDIS_URL=REDIS, TASKS_BACKEND="redis", JOBS_QUEUE=queue):
        response = Client().get("/readyz")
        assert response.status_code == 200, response.content
        checks = response.json()["checks"]
        assert checks["redis"]["ok"] is True
        assert checks["queue"] == {**checks["queue"], "ok": True, "depth": 3, "source": "redis"}
        with override_settings(READYZ_MAX_QUEUE_DEPTH=2):
            response = Client().get("/readyz")
        assert response.status_code == 503 and response.json()["failed"] == ["queue"]


@pytest.mark.django_db
def test_readyz_says_which_check_failed_when_redis_is_away() -> None:
    unreachable = "redis://:secret-password@127.0.0.1:1/0"
    with override_settings(REDIS_URL=unreachable, TASKS_BACKEND="redis"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis", "queue"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert b"secret-password" not in response.content and b"127.0.0.1" not in response.content


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_over_plain_http_are_not_redirected() -> None:
    assert Client().get("/readyz").status_code == 200
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301  # everything else still goes to https
