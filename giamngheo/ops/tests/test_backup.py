"""Backup and restore, following README "Backup and restore" command by command, in processes of their own:
a small demo is seeded into a database of this test, backed up, restored into an empty database and an
empty media folder, and the two are compared: every table's row count, the audit rows, the official figures
(AreaSummary) and the media files. SQLite always; PostgreSQL when the suite runs on it (databases
``giamngheo_ops_bk_*`` created and dropped here)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
SEED = (
    "from giamngheo.demo.seed import seed_demo; from giamngheo.plans.models import Plan, PriorityArea; "
    "Plan.objects.all().delete(); PriorityArea.objects.all().delete(); "
    "seed_demo(province_code=75, households=30, seed=1)"
)
COMPARED = ("core_auditrecord", "reviews_areasummary")  # whole rows, not only counts


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def round_trip(
    tmp_path: Path, source_url: str, target_url: str, read: Callable[[str, str], list[tuple[Any, ...]]]
) -> None:
    """README's procedure: seed, `backup --output`, `restore ARCHIVE` into empty ones, `migrate --check`."""
    source_media, target_media = tmp_path / "media", tmp_path / "media-restored"
    (source_media / "jobs" / "out").mkdir(parents=True)
    (source_media / "jobs" / "out" / "danh-sách.xlsx").write_bytes(os.urandom(3000))
    (source_media / "attachments" / "outreach").mkdir(parents=True)
    (source_media / "attachments" / "outreach" / "ảnh.jpg").write_bytes(b"\xff\xd8 photo")
    ok(manage("shell", "-v0", "-c", SEED, database_url=source_url, media_root=source_media))

    out = ok(
        manage(
            "backup", "--output", str(tmp_path / "backups"), database_url=source_url, media_root=source_media
        )
    )
    archive = Path(out.splitlines()[0])
    assert archive.parent == tmp_path / "backups" and archive.suffix == ".tar"
    assert archive.stat().st_mode & 0o777 == 0o600

    out = ok(manage("restore", str(archive), database_url=target_url, media_root=target_media))
    assert "Restored and verified" in out
    ok(manage("migrate", "--check", database_url=target_url, media_root=target_media))

    # Every table, the same rows count; the audit trail and the official figures row for row.
    tables = [r[0] for r in read(source_url, "__tables__")]
    assert len(tables) > 100
    for table in tables:
        query = f"SELECT COUNT(*) FROM {table}"  # noqa: S608 - names from the catalogue
        assert read(source_url, query) == read(target_url, query), table
    for table in COMPARED:
        query = f"SELECT * FROM {table} ORDER BY id"  # noqa: S608
        rows = read(source_url, query)
        assert len(rows) > 100, table  # the seed wrote them: the comparison compares something
        assert read(target_url, query) == rows, table
    assert media_files(target_media) == media_files(source_media)
    assert {"jobs/out/danh-sách.xlsx", "attachments/outreach/ảnh.jpg"} <= set(media_files(target_media))

    # A second restore into the now full database is refused, and changes nothing.
    before = read(target_url, "SELECT COUNT(*) FROM core_auditrecord")
    refused = manage("restore", str(archive), database_url=target_url, media_root=target_media)
    assert refused.returncode != 0 and "not empty" in refused.stderr
    assert read(target_url, "SELECT COUNT(*) FROM core_auditrecord") == before

    # A damaged archive is refused before anything is written.
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[2048] ^= 0xFF  # inside the first member's data
    damaged.write_bytes(bytes(data))
    refused = manage("restore", str(damaged), "--force", database_url=target_url, media_root=target_media)
    assert refused.returncode != 0 and "Checksum mismatch" in refused.stderr
    assert read(target_url, "SELECT COUNT(*) FROM core_auditrecord") == before


# --- SQLite ---------------------------------------------------------------------------------------------


def _sqlite_read(url: str, query: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        if query == "__tables__":
            query = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        return db.execute(query).fetchall()
    finally:
        db.close()


@pytest.fixture
def sqlite_source(django_db_setup: None, django_db_blocker: Any, tmp_path: Path) -> Path:
    """A file copy of the session's migrated test database (outside any test transaction)."""
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL")
    path = tmp_path / "source.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
    return path


def test_backup_and_restore_on_sqlite(sqlite_source: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored.sqlite3"
    round_trip(tmp_path, f"sqlite:///{sqlite_source}", f"sqlite:///{target}", _sqlite_read)


# --- PostgreSQL -----------------------------------------------------------------------------------------


def _pg_read(url: str, query: str) -> list[tuple[Any, ...]]:
    import psycopg

    if query == "__tables__":
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    with psycopg.connect(url) as db:
        return db.execute(query).fetchall()


@pytest.fixture
def pg_databases(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """A copy of the session's test database (template) and an empty database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only when the suite runs on it (DATABASE_URL)")
    import psycopg

    conf = connection.settings_dict
    suffix = uuid.uuid4().hex[:8]
    names = (f"giamngheo_ops_bk_src_{suffix}", f"giamngheo_ops_bk_dst_{suffix}")
    params = {"dbname": "postgres", "user": conf["USER"], "password": conf["PASSWORD"] or None}
    params.update({"host": conf["HOST"] or None, "port": conf["PORT"] or None})
    url = "postgresql://{user}{password}@{host}:{port}/".format(
        user=conf["USER"],
        password=f":{conf['PASSWORD']}" if conf["PASSWORD"] else "",
        host=conf["HOST"],
        port=conf["PORT"] or 5432,
    )
    with django_db_blocker.unblock():
        connection.close()  # a template must have no connection
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{names[0]}" TEMPLATE "{conf["NAME"]}"')
            admin.execute(f'CREATE DATABASE "{names[1]}"')
    try:
        yield url + names[0], url + names[1]
    finally:
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_backup_and_restore_on_postgresql(pg_databases: tuple[str, str], tmp_path: Path) -> None:
    source, target = pg_databases
    round_trip(tmp_path, source, target, _pg_read)
