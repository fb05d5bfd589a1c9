"""The real queues: a job waits in the database or in Redis until a worker takes it.

The workers run in this process (``db_worker --batch``; RQ's ``SimpleWorker``, which does not fork), so they
share the test's database connection and see the job that the test's transaction created.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils.module_loading import import_string

from giamngheo.jobs import registry
from giamngheo.jobs import tasks as _tasks  # noqa: F401 - the task is declared under the normal settings
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.jobs.services import Progress, job_create

HANDLER = "giamngheo.jobs.tests.test_queues.handler"


def handler(job: Job, progress: Progress) -> dict[str, Any]:
    progress.start("Counting", 2)
    progress.advance(2)
    progress.log(f"run by the worker, job {job.pk}")
    return {"rows": 2}


@pytest.fixture
def registered(monkeypatch):  # type: ignore[no-untyped-def]
    """Register this module's handler for the import kind (the worker runs in this process)."""
    monkeypatch.setitem(
        registry.TYPES,
        JobKind.HOUSEHOLD_IMPORT,
        registry.JobType(JobKind.HOUSEHOLD_IMPORT, import_string(HANDLER), label="test"),
    )


@pytest.fixture
def signals() -> Iterator[None]:
    """Workers install their own SIGINT/SIGTERM handlers; give the test process its own back."""
    names = [s for s in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, s)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    yield
    for name, previous in saved.items():
        signal.signal(getattr(signal, name), previous)


def assert_ran(job: Job) -> None:
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.log)
    assert job.summary == {"rows": 2} and f"run by the worker, job {job.pk}" in job.log
    assert job.done == job.total == 2 and job.finished_at is not None


def test_database_queue_waits_for_db_worker(users, registered, signals, monkeypatch) -> None:
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker drops "obsolete" connections between tasks, as a request would; in a test, the connection
    # is inside the test's transaction and must stay (the test client disconnects the same handler).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [settings.JOBS_QUEUE]}}
    with override_settings(TASKS=tasks):  # django_tasks resets its backends on setting_changed
        job = job_create(kind=JobKind.HOUSEHOLD_IMPORT, title="Queued job", acting_user=users["chuyenvien"])
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.started_at is None
        assert DBTaskResult.objects.filter(id=job.task_id, queue_name=settings.JOBS_QUEUE).exists()

        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            settings.JOBS_QUEUE,
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    assert_ran(job)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@dataclass
class RedisQueue:
    name: str
    job_ids: list[str] = field(default_factory=list)


@pytest.fixture
def redis_queue(signals) -> Iterator[RedisQueue]:  # type: ignore[no-untyped-def]
    """A queue of our own in the real Redis, deleted afterwards with every key it left."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    queue = RedisQueue(name=f"giamngheo-test-{uuid4().hex[:8]}")
    # A worker's maintenance lock (it expires by itself); ours to delete only if it was not there before.
    lock = "rq:clean_groups"
    lock_existed = bool(connection.exists(lock))
    try:
        yield queue
    finally:
        keys = set(connection.scan_iter(match=f"*{queue.name}*"))  # the queue, its registries, the worker
        for job_id in queue.job_ids:
            keys |= set(connection.scan_iter(match=f"rq:*{job_id}*"))  # the job, its results and executions
        if keys:
            connection.delete(*keys)
        connection.srem("rq:queues", f"rq:queue:{queue.name}")
        connection.srem("rq:workers", f"rq:worker:{queue.name}-worker")
        if not lock_existed:
            connection.delete(lock)
        connection.close()


def test_redis_queue_waits_for_an_rq_worker(
    users, registered, redis_queue, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import django_rq
    import django_tasks_rq
    import rq

    name = redis_queue.name
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    rq_queues = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    # django_rq reads RQ_QUEUES when asked (django_rq.settings.__getattr__), so overriding the setting is
    # enough; django_tasks resets its backends when TASKS changes.
    with override_settings(TASKS=tasks, RQ_QUEUES=rq_queues, JOBS_QUEUE=name):
        queue = django_rq.get_queue(name, job_class=django_tasks_rq.Job)
        # django_rq puts the job on the queue when the transaction commits; the test's never does.
        with django_capture_on_commit_callbacks(execute=True):
            job = job_create(
                kind=JobKind.HOUSEHOLD_IMPORT, title="Queued job", acting_user=users["chuyenvien"]
            )
        redis_queue.job_ids.append(job.task_id)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.task_id
        assert queue.count == 1 and queue.job_ids == [job.task_id]

        worker = rq.SimpleWorker(
            [queue], connection=queue.connection, job_class=django_tasks_rq.Job, name=f"{name}-worker"
        )
        assert worker.work(burst=True)
        assert queue.count == 0
        assert django_tasks_rq.Job.fetch(job.task_id, connection=queue.connection).get_status() == "finished"
    assert_ran(job)
