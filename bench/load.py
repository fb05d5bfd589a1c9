"""Load test: signed-in users on gunicorn, against PostgreSQL and against SQLite (issue 17 §6).

For each database (LOAD_DB=postgres, sqlite or both) it prepares a database of its own — PostgreSQL
``giamngheo_load`` (created if missing; LOAD_DATABASE_URL for another) or ``var/load/load.sqlite3`` —:
migrate, geo_load, the demo seed with LOAD_HOUSEHOLDS households (20000), one commune officer account per
commune (``load.<code>``) and ten provincial accounts (``load.tinh<i>``), all idempotent, so a second run
reuses them; then collectstatic, a job worker (Redis queue with the key prefix ``gn_load`` on PostgreSQL,
the database queue on SQLite, as a small installation runs) and gunicorn with the production settings
(DEBUG off, SECURE_COOKIES=false for http, deploy/gunicorn.conf.py). Then locust, headless, drives
LOAD_USERS (200) users who sign in through the login form (one session each) and browse home, the
registry list, a search, a household card, coverage, the dashboard, a small import up to its check and a
small export job (bench/locustfile.py), LOAD_SPAWN (20) new users a second, for LOAD_TIME (5m).

It prints, per page and overall: requests, failures (the goal is 0), p50/p95/p99/max in ms and requests/s;
the server's errors from its log ("database is locked", tracebacks, worker timeouts); and `uptime` before
and after (the machine may be shared: the numbers are only comparable on the same machine and load).

Options (or the environment variables): --db, --users, --spawn-rate, --time, --households, --workers
(GUNICORN_WORKERS, 2×cores+1), --threads (GUNICORN_THREADS, 2), --wait "min,max" seconds between a
user's pages (LOAD_WAIT, "2,8"). A short run: `python bench/load.py --users 20 --time 30s`.
Files: var/load/<db>_stats.csv and <db>-locust.log (locust), var/load/<db>-server.log, <db>-worker.log.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PROVINCE = 75
REDIS_PREFIX = "gn_load"
LOCKED = "database is locked"


def options(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=env("LOAD_DB", "postgres"), choices=["postgres", "sqlite", "both"])
    parser.add_argument("--users", type=int, default=int(env("LOAD_USERS", "200")))
    parser.add_argument("--spawn-rate", type=float, default=float(env("LOAD_SPAWN", "20")))
    parser.add_argument("--time", default=env("LOAD_TIME", "5m"))
    parser.add_argument("--households", type=int, default=int(env("LOAD_HOUSEHOLDS", "20000")))
    parser.add_argument(
        "--workers", type=int, default=int(env("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
    )
    parser.add_argument("--threads", type=int, default=int(env("GUNICORN_THREADS", "2")))
    parser.add_argument("--wait", default=env("LOAD_WAIT", "2,8"))
    parser.add_argument("--port", type=int, default=int(env("LOAD_PORT", "0")))  # 0: a free one
    parser.add_argument(
        "--no-prepare", action="store_true", help="reuse the database prepared by an earlier run as it is"
    )
    parser.add_argument("--prepare-only", action="store_true", help="prepare the database(s), run nothing")
    parser.add_argument("--accounts", help=argparse.SUPPRESS)  # internal: create the accounts, write JSON
    # `make bench BENCH=load` runs this file with sys.argv of bench/run.py: ignore the names of benchmarks.
    known, _rest = parser.parse_known_args(argv)
    return known


def database_url(db: str) -> str:
    if db == "postgres":
        return os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/giamngheo_load")
    return f"sqlite:///{OUT / 'load.sqlite3'}"


def server_env(db: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(db),
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        # The simulated users sign in with a password only: the load is the pages', not the second factor's
        # (one TOTP check is a hash; the sign-in's PBKDF2 already dominates it).
        "OTP_ENFORCE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(OUT / f"media-{db}"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "INFO",  # worker boots and recycling, set beside failed connections
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("REDIS_URL", "REDIS_KEY_PREFIX", "TASKS_BACKEND", "JOBS_QUEUE"):
        env.pop(name, None)
    if db == "postgres":
        env.update(REDIS_URL="redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX=REDIS_PREFIX)
    else:
        env.update(TASKS_BACKEND="database", JOBS_QUEUE=REDIS_PREFIX)
    return env


def manage(db: str, *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=server_env(db), check=True)  # noqa: S603
    print(f"   manage.py {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def prepare(db: str, households: int) -> Path:
    """The database, its data and the accounts (idempotent); the path of the accounts' JSON file."""
    OUT.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        sys.path.insert(0, str(ROOT / "bench"))
        from _django import ensure_postgres_database

        ensure_postgres_database(database_url(db))
    manage(db, "migrate", "-v0")
    manage(db, "geo_load", "--province", str(PROVINCE))
    manage(db, "demo_seed", "--province", str(PROVINCE), "--households", str(households))
    accounts = OUT / f"accounts-{db}.json"
    started = time.perf_counter()
    command = [PYTHON, __file__, "--accounts", str(accounts)]
    subprocess.run(command, cwd=ROOT, env=server_env(db), check=True)  # noqa: S603 - this very script
    print(f"   accounts: {time.perf_counter() - started:.0f} s", flush=True)
    if static_outdated():
        manage(db, "collectstatic", "--noinput", "-v0")
    return accounts


def static_outdated() -> bool:
    """collectstatic takes minutes (compressing): skip it when the manifest is newer than our static files."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(p.stat().st_mtime for p in (ROOT / "giamngheo" / "static").rglob("*") if p.is_file())
    return newest > manifest.stat().st_mtime


def create_accounts(path: Path) -> None:
    """One commune officer per active commune of the province, ten provincial users (run in a subprocess
    with the server's environment)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role
    from giamngheo.accounts.services import user_create
    from giamngheo.demo.seed import DEMO_PASSWORD
    from giamngheo.geo.models import Area, AreaLevel

    province = Area.objects.get(level=AreaLevel.PROVINCE, code=str(PROVINCE))
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True).order_by("code")
    specs = [(f"load.{c.code}", f"Cán bộ tải {c.name}", Role.COMMUNE_OFFICER, [c]) for c in communes] + [
        (f"load.tinh{i}", f"Chuyên viên tải {i}", Role.PROVINCIAL_SPECIALIST, [province]) for i in range(10)
    ]
    existing = set(User.objects.filter(username__startswith="load.").values_list("username", flat=True))
    for username, full_name, role, areas in specs:
        if username not in existing:
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                scope_areas=areas,
                acting_user=None,
            )
    path.write_text(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "officers": [s[0] for s in specs if s[2] == Role.COMMUNE_OFFICER],
                "province": [s[0] for s in specs if s[2] == Role.PROVINCIAL_SPECIALIST],
            }
        ),
        encoding="utf-8",
    )


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in 2 minutes")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run(db: str, opts: argparse.Namespace) -> int:
    opts.port = opts.port or free_port()
    print(f"== {db}: prepare ({opts.households} households)", flush=True)
    accounts = OUT / f"accounts-{db}.json"
    if not (opts.no_prepare and accounts.exists()):
        accounts = prepare(db, opts.households)
    if opts.prepare_only:
        return 0
    env = server_env(db)
    env.update(
        GUNICORN_WORKERS=str(opts.workers),
        GUNICORN_THREADS=str(opts.threads),
        GUNICORN_BIND=f"127.0.0.1:{opts.port}",
    )
    server_log = OUT / f"{db}-server.log"
    worker_log = OUT / f"{db}-worker.log"
    locust_log_path = OUT / f"{db}-locust.log"
    with (
        server_log.open("wb") as slog,
        worker_log.open("wb") as wlog,
        locust_log_path.open("wb") as locust_log,
    ):
        worker = subprocess.Popen(  # noqa: S603 - our own arguments
            [PYTHON, "manage.py", "jobs_worker"],
            cwd=ROOT,
            env=env,
            stdout=wlog,
            stderr=wlog,
            start_new_session=True,
        )
        server = subprocess.Popen(  # noqa: S603 - our own arguments
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=slog,
            stderr=slog,
            start_new_session=True,
        )
        try:
            wait_until_up(opts.port, server)
            print(
                f"== {db}: {opts.users} users (+{opts.spawn_rate:g}/s) for {opts.time}, gunicorn "
                f"{opts.workers} workers × {opts.threads} threads, pause {opts.wait} s",
                flush=True,
            )
            print(f"   before: {uptime()}", flush=True)
            prefix = OUT / db
            locust_env = {**os.environ, "LOAD_ACCOUNTS_FILE": str(accounts), "LOAD_WAIT": opts.wait}
            subprocess.run(  # noqa: S603 - our own arguments
                [
                    str(BIN / "locust"),
                    "-f",
                    "bench/locustfile.py",
                    "--headless",
                    "--only-summary",
                    "-u",
                    str(opts.users),
                    "-r",
                    str(opts.spawn_rate),
                    "-t",
                    opts.time,
                    "--host",
                    f"http://127.0.0.1:{opts.port}",
                    "--csv",
                    str(prefix),
                    "--stop-timeout",
                    "30",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=locust_env,
                check=False,
                stdout=locust_log,
                stderr=locust_log,
            )
            print(f"   after:  {uptime()}", flush=True)
        finally:
            stop(server)
            stop(worker)
    return report(db, prefix, server_log, worker_log)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def connection_failures(prefix: Path, server_log: Path) -> list[str]:
    """Each request that got no answer (locustfile's CONNECTION-FAILURE lines), with the nearest worker
    recycling in the server's log ("Autorestarting worker", gunicorn's time to the second)."""
    import datetime as dt
    import re

    locust_log = Path(f"{prefix!s}-locust.log")
    failures = []
    if locust_log.exists():
        for line in locust_log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("CONNECTION-FAILURE "):
                _tag, stamp, rest = line.split(" ", 2)
                failures.append((float(stamp), rest))
    recycled = [
        dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S %z").timestamp()
        for m in re.finditer(
            r"^\[([^\]]+)\] \[\d+\] \[INFO\] Autorestarting worker",
            server_log.read_text(encoding="utf-8", errors="replace"),
            re.M,
        )
    ]
    lines = []
    for stamp, rest in failures:
        nearest = min((abs(stamp - r) for r in recycled), default=None)
        near = f"{nearest:.1f} s from a worker's recycling" if nearest is not None else "no worker recycled"
        lines.append(f"no answer: {rest[:120]} ({near})")
    return lines


def report(db: str, prefix: Path, server_log: Path, worker_log: Path) -> int:
    rows = read_csv(Path(f"{prefix}_stats.csv"))
    print(
        f"   {'page':<22}{'requests':>9}{'failures':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}{'req/s':>7}"
    )
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"   {name:<22}{row['Request Count']:>9}{row['Failure Count']:>9}{row['50%']:>7}{row['95%']:>7}"
            f"{row['99%']:>7}{float(row['Max Response Time']):>8.0f}{float(row['Requests/s']):>7.1f}"
        )
    failures = read_csv(Path(f"{prefix}_failures.csv"))
    for failure in failures[:15]:
        print(f"   failure: {failure['Occurrences']} × {failure['Name']}: {failure['Error'][:160]}")
    logs = server_log.read_text(encoding="utf-8", errors="replace") + worker_log.read_text(
        encoding="utf-8", errors="replace"
    )
    counts: dict[str, Any] = {
        "database is locked": logs.count(LOCKED),
        "tracebacks": logs.count("Traceback (most recent call last)"),
        "worker timeouts": logs.count("WORKER TIMEOUT"),
    }
    counts["workers recycled"] = logs.count("Autorestarting worker")
    print("   server and worker logs: " + ", ".join(f"{k}: {v}" for k, v in counts.items()), flush=True)
    for line in connection_failures(prefix, server_log):
        print(f"   {line}", flush=True)
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    failed = int(total["Failure Count"]) if total else 1
    return 1 if failed or counts["database is locked"] or counts["tracebacks"] else 0


def main(argv: list[str]) -> int:
    opts = options(argv)
    if opts.accounts:
        create_accounts(Path(opts.accounts))
        return 0
    status = 0
    for db in ("postgres", "sqlite") if opts.db == "both" else (opts.db,):
        status |= run(db, opts)
    return status


if __name__ == "__main__":
    code = main(sys.argv[1:])
    if code and Path(sys.argv[0]).name != "run.py":
        sys.exit(code)
