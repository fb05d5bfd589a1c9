"""A PostgreSQL server of the bench's own, with the deployment's settings (deploy/postgresql.conf).

The machine's shared server keeps PostgreSQL's defaults (128 MB of buffers, 1 GB of WAL between
checkpoints), which a province's import outgrows; the deployment guide sets the server up with
deploy/postgresql.conf, and this server measures that configuration on the same machine (decision 0038).

    .venv/bin/python bench/pgserver.py start   # initdb the first time, then start
    .venv/bin/python bench/pgserver.py url     # postgres://postgres@127.0.0.1:5433/
    .venv/bin/python bench/pgserver.py stop

e.g. ``BENCH_DATABASE_URL=$(.venv/bin/python bench/pgserver.py url)giamngheo_bench_import make bench
BENCH=import``. It listens on 127.0.0.1, port ``BENCH_PG_PORT`` (5433), trusts local connections and,
started by root, runs as the ``postgres`` system user (PostgreSQL refuses to run as root). Its data is in
``BENCH_PG_HOME`` (default var/bench/pgserver/, or, for root, giamngheo-bench/ in the ``postgres`` user's
home: var/ is ours only). The settings file is copied into the data folder at each start (an edit takes
effect at the next start).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _home() -> Path:
    if "BENCH_PG_HOME" in os.environ:
        return Path(os.environ["BENCH_PG_HOME"])
    if os.geteuid() == 0:  # the server runs as postgres, which cannot open var/ (ours only)
        import pwd

        return Path(pwd.getpwnam("postgres").pw_dir) / "giamngheo-bench"
    return ROOT / "var" / "bench" / "pgserver"


HOME = _home()
DATA = HOME / "data"
SETTINGS = ROOT / "deploy" / "postgresql.conf"
PORT = int(os.environ.get("BENCH_PG_PORT", "5433"))


def bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name),
        reverse=True,
    )
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit("   no PostgreSQL server programs (initdb) on this machine")
    return Path(initdb).parent


def as_server_user(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def run(*command: str) -> None:
    subprocess.run(as_server_user(*command), check=True)  # noqa: S603 - our own fixed commands


def url() -> str:
    return f"postgres://postgres@127.0.0.1:{PORT}/"


def start() -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(HOME, "postgres", "postgres")
    if not (DATA / "PG_VERSION").is_file():
        run(
            str(bin_dir() / "initdb"),
            "-D",
            str(DATA),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        with (DATA / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\ninclude 'giamngheo.conf'\n")
    copy = DATA / "giamngheo.conf"
    shutil.copyfile(SETTINGS, copy)
    if os.geteuid() == 0:
        shutil.chown(copy, "postgres", "postgres")
    options = f"-p {PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    run(str(bin_dir() / "pg_ctl"), "-D", str(DATA), "-o", options, "-l", str(HOME / "log"), "-w", "start")
    print(f"   PostgreSQL with deploy/postgresql.conf: {url()}", flush=True)


def stop() -> None:
    if (DATA / "postmaster.pid").is_file():
        run(str(bin_dir() / "pg_ctl"), "-D", str(DATA), "-m", "fast", "-w", "stop")


def main() -> int:
    action = sys.argv[1] if len(sys.argv) > 1 else "url"
    if action == "start":
        start()
    elif action == "stop":
        stop()
    elif action == "url":
        print(url())
    else:
        raise SystemExit("usage: bench/pgserver.py start|stop|url")
    return 0


if __name__ == "__main__":
    sys.exit(main())
