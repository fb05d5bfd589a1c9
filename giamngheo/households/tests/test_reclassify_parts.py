"""A province's reclassification in parts on the real Redis queue (decision 0032) writes and counts exactly
what one run does.

The worker is RQ's ``SimpleWorker`` in burst mode, in this process (it shares the test's connection, so it
sees the rows of the test's transaction); ``bench/workers.py`` runs the same with 1, 2 and 4 ``rqworker``
processes on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from django.test import override_settings

from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households import jobs as household_jobs
from giamngheo.households.models import Household
from giamngheo.households.reclassify import default_on, province_parts, province_reclassify
from giamngheo.jobs import tasks as _tasks  # noqa: F401 - the task is declared under the normal settings
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.jobs.services import job_create

from .factories import make_household

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
ENGINE_FIELDS = (
    "engine_standard",
    "engine_category",
    "engine_provincial_category",
    "deprived_keys",
    "unknown_keys",
)
YEAR = 2026


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue of our own in the real Redis (prefix ``gn_reclass``), deleted afterwards with every key it
    left; the test process's signal handlers given back (workers install their own)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    names = [s for s in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, s)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    name = f"gn_reclass-test-{uuid4().hex[:8]}"
    lock_existed = bool(connection.exists("rq:clean_groups"))
    try:
        yield name
    finally:
        keys = set(connection.scan_iter(match=f"*{name}*"))
        for job_id in Job.objects.exclude(task_id="").values_list("task_id", flat=True):
            keys |= set(connection.scan_iter(match=f"rq:*{job_id}*"))
        if keys:
            connection.delete(*keys)
        connection.srem("rq:queues", f"rq:queue:{name}")
        connection.srem("rq:workers", f"rq:worker:{name}-worker")
        if not lock_existed:
            connection.delete("rq:clean_groups")
        connection.close()
        for signame, previous in saved.items():
            signal.signal(getattr(signal, signame), previous)


def on_redis(name: str, **more: Any) -> Any:
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    rq_queues = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    return override_settings(TASKS=tasks, RQ_QUEUES=rq_queues, JOBS_QUEUE=name, TASKS_BACKEND="redis", **more)


def worker_for(name: str) -> Any:
    import django_rq
    import django_tasks_rq
    import rq

    queue = django_rq.get_queue(name, job_class=django_tasks_rq.Job)
    return queue, rq.SimpleWorker(
        [queue], connection=queue.connection, job_class=django_tasks_rq.Job, name=f"{name}-worker"
    )


def engine_fields(province: Area) -> dict[int, tuple[str, ...]]:
    return {
        row[0]: tuple(row[1:])
        for row in Household.objects.filter(commune__parent=province).values_list("pk", *ENGINE_FIELDS)
    }


def forget(province: Area) -> None:
    Household.objects.filter(commune__parent=province).update(**dict.fromkeys(ENGINE_FIELDS, ""))


@pytest.fixture
def registry_of_province(commune_a, commune_b) -> Area:  # type: ignore[no-untyped-def]
    """The demo province with a few more households of every kind, no engine field stored yet."""
    make_household(commune_a, head="Điểu Lệ", income_per_capita=900_000, water_source="surface", devices=[])
    make_household(commune_a, head="Lâm Văn Sơn", income_per_capita=1_500_000)
    make_household(commune_b, head="Trần Thị Hoa", income_per_capita=2_600_000)
    make_household(commune_b, head="Phạm Văn Nam", latrine="none")  # no income recorded
    province = Area.objects.get(code="75")
    forget(province)
    return province


def one_run(province: Area) -> tuple[dict[int, tuple[str, ...]], Any]:
    """What one run writes and counts; the engine fields forgotten again afterwards."""
    result = province_reclassify(province=province, year=YEAR, acting_user=None, on=default_on(YEAR))
    fields = engine_fields(province)
    forget(province)
    AuditRecord.objects.filter(action="households.reclassify").delete()
    return fields, result


def test_parts_run_by_a_worker_write_what_one_run_writes(
    registry_of_province, users, queue_name, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    province = registry_of_province
    expected, single = one_run(province)
    assert single.households >= 4 and single.changed == single.households
    on = default_on(YEAR)
    parent = Job.objects.create(
        kind=JobKind.RECLASSIFY, title="Reclassification", created_by=users["chuyenvien"]
    )
    with on_redis(queue_name):
        queue, worker = worker_for(queue_name)
        # django_rq puts a job on the queue when the transaction commits; the test's never does.
        with django_capture_on_commit_callbacks(execute=True):
            ids = household_jobs.parts_create(parent, province=province, year=YEAR, on=on, parts=3)
        assert len(ids) == 3 and queue.count == 3  # three jobs of the system, waiting in Redis
        assert engine_fields(province) != expected  # nothing written before a worker takes them
        assert worker.work(burst=True)
        assert queue.count == 0
    rows = [
        dict(row)
        for row in Job.objects.filter(pk__in=ids).values("pk", "status", "done", "summary", "created_by")
    ]
    assert all(row["status"] == JobStatus.SUCCEEDED and row["created_by"] is None for row in rows), rows
    assert sorted(row["summary"]["households"] for row in rows) == sorted(
        p.households for p in province_parts(province=province, parts=3)
    )
    assert sum(row["done"] for row in rows) == single.households
    assert engine_fields(province) == expected
    result = household_jobs.parts_finish(rows, province=province, year=YEAR, on=on, user=None, started=0.0)
    for name in (
        "households",
        "changed",
        "unclassified",
        "undetermined",
        "before",
        "after",
        "provincial_after",
    ):
        assert getattr(result, name) == getattr(single, name), name
    assert (
        result.recognised == single.recognised
        and result.differs_from_recognised == single.differs_from_recognised
    )
    assert AuditRecord.objects.filter(action="households.reclassify").count() == 1  # the run, once


def test_the_job_in_parts_on_the_queue_equals_one_run(
    registry_of_province, users, queue_name, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    province = registry_of_province
    expected, single = one_run(province)
    with on_redis(queue_name, RECLASSIFY_PARTS=4):
        assert household_jobs.reclassify_parts() == 4
        queue, worker = worker_for(queue_name)
        with django_capture_on_commit_callbacks(execute=True):
            job = job_create(
                kind=JobKind.RECLASSIFY,
                title="Reclassification",
                acting_user=users["chuyenvien"],
                params={"province": "75", "year": YEAR},
            )
        # The one worker runs the job, which runs every part nobody else took (here: all of them); the
        # parts' own tasks then find them claimed and do nothing.
        with django_capture_on_commit_callbacks(execute=True):
            assert worker.work(burst=True)
        assert queue.count == 0
        parts = Job.objects.filter(kind=household_jobs.RECLASSIFY_PART)
        assert parts.count() == 4 and not parts.filter(created_by__isnull=False).exists()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.log)
    assert job.summary["parts"] == 4 and job.summary["households"] == single.households
    assert job.summary["changed"] == single.changed and job.summary["undetermined"] == single.undetermined
    assert job.done == job.total == single.households
    assert set(parts.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    assert engine_fields(province) == expected


def test_a_failed_part_fails_the_job(registry_of_province, users, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("a worker's disk is full")

    monkeypatch.setattr(household_jobs, "reclassify_part", broken)
    with override_settings(RECLASSIFY_PARTS=2):
        job = job_create(
            kind=JobKind.RECLASSIFY,
            title="Reclassification",
            acting_user=users["chuyenvien"],
            params={"province": "75", "year": YEAR},
        )
    job.refresh_from_db()
    parts = Job.objects.filter(kind=household_jobs.RECLASSIFY_PART)
    assert job.status == JobStatus.FAILED and job.error, job.log
    assert parts.count() == 2 and set(parts.values_list("status", flat=True)) == {JobStatus.FAILED}
    assert not AuditRecord.objects.filter(action="households.reclassify").exists()


def test_parts_have_about_the_same_households_and_cover_every_commune_once(registry_of_province) -> None:
    province = registry_of_province
    parts = province_parts(province=province, parts=3)
    communes = [c for p in parts for c in p.communes]
    assert sorted(communes) == sorted(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE).values_list("pk", flat=True)
    )
    active = Household.objects.filter(commune__parent=province, is_active=True).count()
    assert sum(p.households for p in parts) == active
    assert province_parts(province=province, parts=1)[0].households == active
