"""The tests' database template: migrated and seeded once for a given state of the code, then copied.

Every test process used to migrate an empty database (118 migrations) and seed the demo province, and every
browser test seeded the province again after the live server's flush: 30–70 s per process and 15–30 s per
browser test. Now one process builds a *template* — migrations, then ``seed_demo(75, seed=1)`` — in a
process of its own, keyed by a fingerprint of the code that shapes the database (everything under
``giamngheo/`` and ``config/`` but the tests, the page templates and static files; the lock file; the
Vietnamese catalogue). Each test process copies it; a browser test restores it in about a second. The next
``make test`` (or the browser half of the same one) reuses it while the code is unchanged.

- SQLite: the template is a file under ``var/test-templates/``; a process copies it into its in-memory
  database with SQLite's online backup API (``sqlite3.Connection.backup``), and a browser test does the same
  (the live server shares that in-memory connection).
- PostgreSQL: the template is a database ``<test database>_tpl_<fingerprint>``; a process's database is
  ``CREATE DATABASE … TEMPLATE`` it. A browser test restores the template's rows by ``COPY`` (read once per
  process from the template), after truncating the tables the flush left with new content types.

Only databases and files named here are created or dropped (decision 0033). The demo's uploaded files
(photos, documents) are built into a folder beside the template and copied into each process's
``MEDIA_ROOT``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "var" / "test-templates"
PROVINCE_CODE = 75
SEED = 1


def fingerprint() -> str:
    """A digest of every file that can change what migrations and the demo seed put in the database."""
    digest = hashlib.sha256()
    paths: list[Path] = []
    for top in ("giamngheo", "config"):
        for path in (ROOT / top).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if not path.is_file() or "__pycache__" in rel or path.suffix in (".pyc", ".mo"):
                continue
            if path.name.startswith("test_") or "/templates/" in rel or "/static/" in rel:
                continue
            paths.append(path)
    paths += [ROOT / "requirements" / "dev.lock.txt", ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"]
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Template:
    vendor: str
    key: str  # file stem under STORE
    database: str  # a SQLite file's path, or a PostgreSQL database's name
    media: Path
    report_path: Path
    report: Any = None
    snapshot: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # PostgreSQL rows, read once


@contextlib.contextmanager
def _locked(key: str) -> Iterator[None]:
    STORE.mkdir(parents=True, exist_ok=True)
    with open(STORE / f"{key}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _template_base(connection: Any) -> str:
    """The test database's name without pytest-xdist's ``_gw<n>`` suffix."""
    return re.sub(r"_gw\d+$", "", connection.creation._get_test_db_name())


def _url_for(database: str) -> str:
    """DATABASE_URL pointing at ``database`` (the same server, user and options)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((url.scheme, url.netloc, "/" + database, url.query, url.fragment))


def _pg_exists(connection: Any, name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _pg_templates(connection: Any, base: str) -> list[str]:
    with connection._nodb_cursor() as cursor:
        pattern = base.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "\\_tpl\\_%"
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


def _build(template: Template, database_url: str) -> None:
    """Migrate and seed in a process of its own (its own settings, connections and media folder)."""
    shutil.rmtree(template.media, ignore_errors=True)
    template.media.mkdir(parents=True)
    template.report_path.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "-m", "tests.testdb", str(template.media), str(template.report_path)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own module, our arguments)


def ensure(connection: Any) -> Template:
    """The template for this code and this database engine, built if it is not there yet (one process
    builds; the others wait on the lock). Older templates of the same test database are removed."""
    fp = fingerprint()
    if connection.vendor == "sqlite":
        prefix = "sqlite-"
        key = f"{prefix}{fp}"
        database = str(STORE / f"{key}.sqlite3")
    else:
        base = _template_base(connection)
        prefix = f"pg-{base}-"
        key = f"{prefix}{fp}"
        database = f"{base}_tpl_{fp}"
    template = Template(
        vendor=connection.vendor,
        key=key,
        database=database,
        media=STORE / f"{key}-media",
        report_path=STORE / f"{key}.report.pickle",
    )
    with _locked(prefix.rstrip("-")):
        ready = template.report_path.is_file()
        if connection.vendor == "sqlite":
            ready = ready and Path(database).is_file()
            if not ready:
                for suffix in ("", "-wal", "-shm"):
                    Path(database + suffix).unlink(missing_ok=True)
                _build(template, f"sqlite:///{database}")
        else:
            ready = ready and _pg_exists(connection, database)
            if not ready:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(database)}")
                    cursor.execute(f"CREATE DATABASE {_quote(database)}")
                _build(template, _url_for(database))
            for stale in _pg_templates(connection, base):
                if stale != database:
                    with connection._nodb_cursor() as cursor:
                        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(stale)}")
        for path in STORE.glob(f"{prefix}*"):
            if not path.name.startswith(key) and not path.name.endswith(".lock"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    with open(template.report_path, "rb") as handle:
        template.report = pickle.load(handle)  # noqa: S301 (written by this module, a moment ago)
    return template


def _copy_sqlite(template: Template, connection: Any) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(template.database)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def clone(connection: Any, settings: Any) -> tuple[Template, str]:
    """Point ``connection`` at this process's test database, a copy of the template. Returns the template
    and the database's former name (for :func:`drop`)."""
    template = ensure(connection)
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        with _locked(template.key), connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {_quote(test_name)} TEMPLATE {_quote(template.database)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    if connection.vendor == "sqlite":
        _copy_sqlite(template, connection)
    shutil.copytree(template.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return template, old_name


def drop(connection: Any, settings: Any, old_name: str) -> None:
    """Remove this process's test database (never the template) and restore the former name."""
    test_name = connection.settings_dict["NAME"]
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = old_name
    connection.settings_dict["NAME"] = old_name
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(test_name)}")


def _tables(connection: Any) -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _pg_snapshot(template: Template, connection: Any) -> dict[str, tuple[str, bytes]]:
    """Every row of the template's tables, as COPY text, read once per process."""
    import psycopg

    if template.snapshot:
        return template.snapshot
    given = connection.settings_dict
    params = {"dbname": template.database, "user": given["USER"], "host": given["HOST"]}
    params.update({key.lower(): given[key] for key in ("PASSWORD", "PORT") if given.get(key)})
    snapshot: dict[str, tuple[str, bytes]] = {}
    with _locked(template.key), psycopg.connect(**params) as source, source.cursor() as cursor:
        for table in _tables(connection):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = ", ".join(_quote(row[0]) for row in cursor.fetchall())
            data = bytearray()
            with cursor.copy(f"COPY (SELECT {columns} FROM {_quote(table)}) TO STDOUT") as copy:  # noqa: S608 (quoted names read from the catalogue)
                for chunk in copy:
                    data += chunk
            if data:
                snapshot[table] = (columns, bytes(data))
    template.snapshot = snapshot
    return snapshot


def restore(template: Template, connection: Any) -> None:
    """Give a flushed database the template's rows again (browser tests, after the live server's flush)."""
    if connection.vendor == "sqlite":
        _copy_sqlite(template, connection)
        return
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import transaction

    snapshot = _pg_snapshot(template, connection)
    tables = _tables(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(_quote(t) for t in tables) + " CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, (columns, data) in snapshot.items():
            with cursor.cursor.copy(f"COPY {_quote(table)} ({columns}) FROM STDIN") as copy:
                copy.write(data)
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _main(media: str, report: str) -> None:
    """The builder process: migrate the database of DATABASE_URL, seed the demo, write the report."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    call_command("createcachetable", verbosity=0)
    from giamngheo.demo.seed import seed_demo

    result = seed_demo(province_code=PROVINCE_CODE, seed=SEED)
    connections.close_all()
    partial = report + ".partial"
    with open(partial, "wb") as handle:
        pickle.dump(result, handle)
    os.replace(partial, report)


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])
