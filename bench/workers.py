"""A province's reclassification on the Redis queue with 1, 2 and 4 ``rqworker`` processes (PostgreSQL).

The reclassification job splits the province into parts (``RECLASSIFY_PARTS``, default 8) of about the same
number of households, each a job on the queue; the worker that runs the job runs the parts nobody else has
taken, then waits for the others (decision 0032). This script starts N real ``manage.py rqworker``
processes on a queue of its own (``gn_reclass-bench-…`` on the Redis of REDIS_URL), puts one
reclassification job on the queue and times it from the moment it is queued to the moment its row says it
finished; then stops the workers it started. Each run rewrites every row (the standard alternates between
the 2026 and the 2027 one, ND07-2021 / ND351-2025), like the registry's "first run".

Printed per N: wall seconds, the workers' CPU seconds (user + system of the processes and their work
horses, less their start; the PostgreSQL server's CPU is not in it), the load average, the households and
rows changed, how many worker processes ran the parts, and the speed-up against one worker.

Environment: BENCH_DATABASE_URL (PostgreSQL; required: SQLite has one writer), BENCH_HOUSEHOLDS (1200000;
the registry's bench database, seeded by bench/registry.py's code if empty), BENCH_WORKER_COUNTS ("1,2,4"),
RECLASSIFY_PARTS (8), REDIS_URL (redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD = "GIAMNGHEO_BENCH_WORKERS_PROCESS"
COUNTS = [int(n) for n in os.environ.get("BENCH_WORKER_COUNTS", "1,2,4").split(",") if n.strip()]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
QUEUE = (  # chosen by the first process, handed to its child (and the workers) in JOBS_QUEUE
    os.environ["JOBS_QUEUE"] if os.environ.get(CHILD) == "1" else f"gn_reclass-bench-{uuid.uuid4().hex[:8]}"
)
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and of their finished children (RQ's work horses)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def own_children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def start_workers(n: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "rqworker",
        QUEUE,
        "--job-class",
        "django_tasks_rq.Job",
        "--name",
    ]
    return [
        subprocess.Popen(  # noqa: S603 - this project's manage.py
            [*command, f"{QUEUE}-{n}-{k}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for k in range(n)
    ]


def listening(n: int, workers: list[subprocess.Popen[bytes]]) -> None:
    """Wait until the n workers have registered with Redis (they listen to the queue)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    names = [f"rq:worker:{QUEUE}-{n}-{k}" for k in range(n)]
    deadline = time.monotonic() + 600
    while not all(connection.exists(name) for name in names):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError("the workers did not start")
        time.sleep(0.2)
    connection.close()


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def clean_redis() -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{QUEUE}*"))
    if keys:
        connection.delete(*keys)
    connection.srem("rq:queues", f"rq:queue:{QUEUE}")
    connection.close()


def main() -> None:
    sys.path.insert(0, str(HERE))
    from _django import ensure_postgres_database, setup

    ensure_postgres_database(os.environ["BENCH_DATABASE_URL"])
    setup(f"registry-{os.environ.get('BENCH_HOUSEHOLDS', '1200000')}", keep=True)
    import registry
    from django.conf import settings

    from giamngheo.accounts.models import User
    from giamngheo.households.jobs import RECLASSIFY_PART, reclassify_parts
    from giamngheo.households.models import Household
    from giamngheo.jobs.models import Job, JobKind, JobStatus
    from giamngheo.jobs.services import job_create

    province = registry.seeded_province()
    assert settings.TASKS_BACKEND == "redis" and settings.JOBS_QUEUE == QUEUE
    specialist = User.objects.get(username="chuyenvien")
    env = {**os.environ}
    env.pop(CHILD, None)
    print(f"   queue {QUEUE} on {REDIS_URL}; {reclassify_parts()} parts per run", flush=True)
    print(
        f"   {'workers':>7} {'year':>5} {'households':>11} {'changed':>10} {'wall s':>7} {'CPU s':>7} "
        f"{'speed-up':>8}  load (1/5/15 min) · processes that ran the parts",
        flush=True,
    )
    first: float | None = None
    # Every row changes from one run to the next: start with the standard the registry is not under.
    stored = Household.objects.filter(is_active=True).values_list("engine_standard", flat=True).first()
    years = (2026, 2027) if stored == "ND351-2025" else (2027, 2026)
    try:
        for run, n in enumerate(COUNTS):
            year = years[run % 2]
            children = own_children_cpu()
            workers = start_workers(n, env)
            try:
                listening(n, workers)  # Django set up and the queue watched: not counted
                pids = [w.pid for w in workers]
                startup = cpu_seconds(pids)
                before = load()
                started = time.perf_counter()
                job = job_create(
                    kind=JobKind.RECLASSIFY,
                    title=f"Bench {n} worker(s)",
                    acting_user=specialist,
                    params={"province": province.code, "year": year},
                )
                while True:
                    job.refresh_from_db()
                    if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                        break
                    if any(w.poll() is not None for w in workers):
                        raise RuntimeError(
                            "a worker stopped: "
                            + b"".join(w.stderr.read() for w in workers if w.stderr).decode()[-2000:]
                        )
                    time.sleep(0.1)
                wall = time.perf_counter() - started
            finally:
                stop(workers)
            # The workers and their work horses, reaped: all their CPU, less what starting them took.
            cpu = own_children_cpu() - children - startup
            if job.status != JobStatus.SUCCEEDED:
                print(f"   {n:>7} failed: {job.error}\n{job.log[-2000:]}", flush=True)
                continue
            first = first or wall
            ran = sorted(
                {
                    str(s.get("worker", "?"))
                    for s in Job.objects.filter(kind=RECLASSIFY_PART, params__parent=job.pk).values_list(
                        "summary", flat=True
                    )
                }
            )
            print(
                f"   {n:>7} {year:>5} {job.summary['households']:>11,} {job.summary['changed']:>10,} "
                f"{wall:>7.1f} {cpu:>7.1f} {first / wall:>7.2f}×  {before} → {load()} · "
                f"{len(ran)} process(es)",
                flush=True,
            )
    finally:
        clean_redis()


if __name__ == "__main__":
    if "BENCH_DATABASE_URL" not in os.environ:
        print("   skipped: needs BENCH_DATABASE_URL (PostgreSQL; SQLite has one writer) and Redis")
    elif os.environ.get(CHILD) == "1":
        main()
    else:  # a process of its own, with the queue's settings before Django sets up
        env = {
            **os.environ,
            CHILD: "1",
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": "gn_reclass",
            "TASKS_BACKEND": "redis",
            "JOBS_QUEUE": QUEUE,
            "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        }
        env.setdefault("RECLASSIFY_PARTS", "8")
        subprocess.run([sys.executable, str(Path(__file__).resolve())], env=env, check=True)  # noqa: S603
