"""Liveness and readiness checks (docs/decisions: health vs readiness).

``/healthz`` says only that the process answers: no database, no Redis, nothing that can be slow, so that a
supervisor restarts a process that hangs, never one whose database is briefly away. ``/readyz`` says whether
this process should get traffic: the database answers a query, Redis answers a ping (when ``REDIS_URL`` is
set), the jobs queue can be measured (and is not longer than ``READYZ_MAX_QUEUE_DEPTH`` when that is set),
and every migration on disk is applied. The answers carry check names and numbers only: no personal data,
no host names, no error text that could hold a password.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from giamngheo.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    ms: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "ms": round(self.ms, 1), **self.detail}


def _timed(name: str, probe: Callable[[], dict[str, Any]]) -> Check:
    start = time.perf_counter()
    try:
        detail = probe()
        ok = bool(detail.pop("ok", True))
    except Exception as exc:  # noqa: BLE001 - a failed check is an answer, not an error page
        # The exception's class only: its text may hold a host name or a connection string.
        logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        detail, ok = {"error": type(exc).__name__}, False
    return Check(name, ok, (time.perf_counter() - start) * 1000, detail)


def check_database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


_CLIENTS: dict[str, Any] = {}  # one client (and connection pool) per URL and process: probes stay cheap


def _redis() -> Any:
    import redis

    url = settings.REDIS_URL
    if url not in _CLIENTS:
        _CLIENTS[url] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    return _CLIENTS[url]


def check_redis() -> dict[str, Any]:
    return {"ok": bool(_redis().ping())}


def check_queue() -> dict[str, Any]:
    """How many jobs wait: the RQ queue's length on Redis, else the jobs waiting in the database."""
    if settings.TASKS_BACKEND == "redis":
        depth = int(_redis().llen(f"rq:queue:{settings.JOBS_QUEUE}"))
        source = "redis"
    else:
        depth = Job.objects.filter(status=JobStatus.QUEUED).count()
        source = "database"
    limit = getattr(settings, "READYZ_MAX_QUEUE_DEPTH", None)
    return {"ok": limit is None or depth <= limit, "depth": depth, "source": source}


_MIGRATED: set[str] = set()  # aliases seen fully migrated by this process (it never goes back by itself)


def check_migrations() -> dict[str, Any]:
    if DEFAULT_DB_ALIAS in _MIGRATED:
        return {"pending": 0}
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        _MIGRATED.add(DEFAULT_DB_ALIAS)
    return {"ok": not plan, "pending": len(plan)}


def readiness() -> list[Check]:
    checks = [_timed("database", check_database)]
    if settings.REDIS_URL:
        checks.append(_timed("redis", check_redis))
    checks.append(_timed("queue", check_queue))
    checks.append(_timed("migrations", check_migrations))
    return checks
