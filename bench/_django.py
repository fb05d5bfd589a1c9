"""What the benchmark scripts share: Django set up on a database of their own (never the app's), the
PostgreSQL bench database created when missing, and the slowest queries of a step with their plan."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB, or its own child processes' (forked writers) if larger.

    ``VmHWM`` from /proc, not ``ru_maxrss``: Linux carries a process's high-water mark over an ``exec``
    into the program it starts, so a child's ``ru_maxrss`` is at least its parent's size when it was
    started (a 950 MB bench parent made a 10,000-household import look like 956 MB)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return max(int(line.split()[1]) / 1024, children)
    except OSError:
        pass
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, children)


def setup(name: str, *, keep: bool = False) -> None:
    """Django on the bench database ``name``: PostgreSQL with BENCH_DATABASE_URL (kept between runs), else
    ``var/bench-<name>.sqlite3``, made afresh unless ``keep`` (then an existing file is reused)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "BENCH_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        db = ROOT / "var" / f"bench-{name}.sqlite3"
        db.parent.mkdir(exist_ok=True)
        if not (keep and db.exists()):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_postgres_database(url: str) -> bool:
    """Create the bench database if it does not exist (never drop anything); True if created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"   created PostgreSQL database {name}", flush=True)
    return not exists


def slowest_queries(fn: Callable[[], Any]) -> None:
    """The number of queries of ``fn()``, its two slowest, and the plan of the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    print(f"      {len(captured.captured_queries)} queries; slowest:")
    for query in queries[:2]:
        print(f"      {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
    if not queries or not queries[0]["sql"].lstrip().upper().startswith("SELECT"):
        return
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    try:
        with connection.cursor() as cursor:
            cursor.execute(explain + queries[0]["sql"])
            for row in cursor.fetchall():
                print(f"         plan: {' '.join(str(v) for v in row)}")
    except Exception as exc:  # noqa: BLE001 - the SQL as logged may not be re-runnable verbatim
        print(f"         (no plan: {exc})")
