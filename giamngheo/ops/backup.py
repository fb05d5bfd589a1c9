"""Backup and restore of an installation: the database and the media files in one tar archive.

Archive layout (format 1)::

    database.sqlite3 | database.pgdump   the database: SQLite's online backup API (a consistent copy
                                         while the app runs), or ``pg_dump -Fc`` in an exported snapshot
    media/…                              every file under MEDIA_ROOT (uploads, job results: personal data)
    manifest.json                        written last: created at, app version and git commit, engine,
                                         applied migrations, row counts per table, sha256 of every member

The row counts come from the same snapshot as the dump (the SQLite copy; on PostgreSQL a REPEATABLE READ
transaction whose snapshot ``pg_dump --snapshot`` shares), so they match the dump exactly even while users
write. ``restore`` checks every checksum before it writes anything, refuses a database that has tables or a
MEDIA_ROOT that has files (unless ``force``), restores both and compares the restored database's row counts
and migrations with the manifest. The archive holds personal data: it is written 0600 in a 0700 folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# Keys of Django's OPTIONS that are not libpq's.
_DJANGO_ONLY_OPTIONS = {"pool", "assume_role", "isolation_level", "server_side_binding", "cursor_factory"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (no personal data)."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    mismatches: list[str] = field(default_factory=list)


# --- the database's engine and its connection ------------------------------------------------------------


def engine_of(using: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[using].vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_settings(using: str) -> dict[str, Any]:
    conf = connections[using].settings_dict
    params: dict[str, Any] = {
        k: v for k, v in conf.get("OPTIONS", {}).items() if k not in _DJANGO_ONLY_OPTIONS
    }
    for key, name in (("NAME", "dbname"), ("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if conf.get(key):
            params[name] = conf[key]
    if conf.get("PORT"):
        params["port"] = str(conf["PORT"])
    return params


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore: the password never appears on a command line."""
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "service": "PGSERVICE",
        "options": "PGOPTIONS",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[k]: str(v) for k, v in params.items() if k in names})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        # pg_* messages name tables and options, never row data.
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


@contextmanager
def _pg_connect(params: dict[str, Any]) -> Iterator[Any]:
    import psycopg

    conn = psycopg.connect(**params, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(r[0] for r in rows)


def _counts_sqlite(db: sqlite3.Connection) -> dict[str, int]:
    return {t: db.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0] for t in _sqlite_tables(db)}  # noqa: S608


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _counts_pg(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(rows: list[tuple[str, str]]) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in rows)


# --- checksums --------------------------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Reads a file while hashing what was read (the archive's bytes are the bytes hashed)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data

    def readable(self) -> bool:
        return True


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    return reader.sha.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


# --- version --------------------------------------------------------------------------------------------


def app_version() -> dict[str, str]:
    commit = ""
    if (settings.BASE_DIR / ".git").exists() and shutil.which("git"):
        done = subprocess.run(  # noqa: S603
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        commit = done.stdout.strip() if done.returncode == 0 else ""
    return {"version": settings.APP_VERSION or commit[:12] or "unknown", "commit": commit}


# --- backup ---------------------------------------------------------------------------------------------


def _dump_sqlite(using: str, target: Path) -> tuple[dict[str, int], list[str]]:
    connection = connections[using]
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # online: a consistent copy while others keep writing
        counts = _counts_sqlite(copy)
        applied = (
            copy.execute("SELECT app, name FROM django_migrations").fetchall()
            if "django_migrations" in counts
            else []
        )
    finally:
        copy.close()
    return counts, _migrations(applied)


def _dump_pg(using: str, target: Path) -> tuple[dict[str, int], list[str]]:
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian: postgresql-client).")
    params = _pg_settings(using)
    with _pg_connect(params) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(target)],
            _pg_env(params),
        )
        counts = _counts_pg(cursor)
        applied: list[tuple[str, str]] = []
        if "django_migrations" in counts:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = cursor.fetchall()
        cursor.execute("COMMIT")
    return counts, _migrations(applied)


def create_backup(
    *, output_dir: Path | None = None, using: str = DEFAULT_DB_ALIAS
) -> tuple[Path, dict[str, Any]]:
    """Write one archive into ``output_dir`` (``settings.BACKUP_DIR``); return its path and manifest."""
    engine = engine_of(using)
    output_dir = Path(output_dir or settings.BACKUP_DIR)
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = dt.datetime.now(dt.UTC)
    name = f"giamngheo-backup-{created:%Y%m%d-%H%M%S}.tar"
    final = output_dir / name
    partial = output_dir / f".{name}.partial"
    with tempfile.TemporaryDirectory(prefix="giamngheo-backup-") as work:
        dump = Path(work) / DB_MEMBER[engine]
        counts, applied = (_dump_sqlite if engine == "sqlite" else _dump_pg)(using, dump)
        files: dict[str, str] = {}
        media_root = Path(settings.MEDIA_ROOT)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(fd, "wb") as out,
            tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            files[DB_MEMBER[engine]] = _add_file(tar, dump, DB_MEMBER[engine])
            for path, relative in _media_files(media_root):
                files[MEDIA_PREFIX + relative] = _add_file(tar, path, MEDIA_PREFIX + relative)
            manifest = {
                "format": FORMAT,
                "created_at": created.isoformat(),
                "app": app_version(),
                "database": {
                    "engine": engine,
                    "member": DB_MEMBER[engine],
                    "sha256": files[DB_MEMBER[engine]],
                },
                "migrations": applied,
                "row_counts": counts,
                "total_rows": sum(counts.values()),
                "media_files": len(files) - 1,
                "files": files,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(created.timestamp())
            tar.addfile(info, io.BytesIO(data))
    partial.rename(final)
    return final, manifest


# --- restore --------------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{archive} is not a backup archive (no readable {MANIFEST}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r} (this version reads {FORMAT}).")
    database = manifest.get("database", {})
    if database.get("member") != DB_MEMBER.get(database.get("engine", "")) or not isinstance(
        manifest.get("files"), dict
    ):
        raise BackupError(f"{archive} has a manifest this version cannot read.")
    return manifest


def _verify_and_extract_db(archive: Path, manifest: dict[str, Any], work: Path) -> Path:
    """Check every member's sha256 against the manifest; extract the database dump into ``work``."""
    expected: dict[str, str] = manifest["files"]
    seen: set[str] = set()
    dump = work / str(manifest["database"]["member"])
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise BackupError(f"Unexpected member in the archive: {member.name}")
            source = tar.extractfile(member)
            if source is None:
                raise BackupError(f"Unreadable member in the archive: {member.name}")
            sha = hashlib.sha256()
            sink = dump.open("wb") if member.name == manifest["database"]["member"] else None
            try:
                while chunk := source.read(CHUNK):
                    sha.update(chunk)
                    if sink:
                        sink.write(chunk)
            finally:
                if sink:
                    sink.close()
            if sha.hexdigest() != expected[member.name]:
                raise BackupError(f"Checksum mismatch: {member.name} (the archive is damaged).")
            seen.add(member.name)
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"Members missing from the archive: {', '.join(sorted(missing))}")
    return dump


def database_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    with connections[using].cursor() as cursor:
        return sorted(connections[using].introspection.table_names(cursor))


def _media_has_files(root: Path) -> bool:
    return any(True for _ in _media_files(root))


def _clear_database(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        return  # the backup API replaces the whole file
    with connection.cursor() as cursor:
        for table in _pg_tables(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")


def _restore_sqlite(using: str, dump: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    target = connection.connection
    source = sqlite3.connect(dump)
    try:
        source.backup(target)
    finally:
        source.close()
    connection.close()


def _restore_pg(using: str, dump: Path) -> None:
    if not shutil.which("pg_restore"):
        raise BackupError("pg_restore is not installed (Debian: postgresql-client).")
    connections[using].close()
    params = _pg_settings(using)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            params["dbname"],
            str(dump),
        ],
        _pg_env(params),
    )


def _restored_state(using: str) -> tuple[dict[str, int], list[str]]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = sorted(connection.introspection.table_names(cursor))
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
        else:
            counts = _counts_pg(cursor)
        applied: list[tuple[str, str]] = []
        if "django_migrations" in counts:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = cursor.fetchall()
    return counts, _migrations(applied)


def compare(manifest: dict[str, Any], counts: dict[str, int], applied: list[str]) -> list[str]:
    """What differs between the manifest and a restored database (empty: the same)."""
    expected: dict[str, int] = manifest["row_counts"]
    problems = [
        f"table {t}: {expected.get(t)} rows in the archive, {counts.get(t)} restored"
        for t in sorted(set(expected) | set(counts))
        if expected.get(t) != counts.get(t)
    ]
    if applied != manifest["migrations"]:
        problems.append("the applied migrations differ from the archive's")
    return problems


def restore_backup(*, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Restore ``archive`` into the (empty) database ``using`` and MEDIA_ROOT, then verify it."""
    manifest = read_manifest(archive)
    engine = engine_of(using)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"The archive holds a {manifest['database']['engine']} database; this installation uses {engine}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        if database_tables(using):
            raise BackupError(
                "The database is not empty: restore into a new, empty database (or use --force)."
            )
        if _media_has_files(media_root):
            raise BackupError(
                f"MEDIA_ROOT ({media_root}) already holds files: use an empty folder (or --force)."
            )
    with tempfile.TemporaryDirectory(prefix="giamngheo-restore-") as work:
        dump = _verify_and_extract_db(archive, manifest, Path(work))
        _clear_database(using)
        (_restore_sqlite if engine == "sqlite" else _restore_pg)(using, dump)
    media_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    media = 0
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name.startswith(MEDIA_PREFIX) and member.isfile():
                member.name = member.name[len(MEDIA_PREFIX) :]
                member.mode = 0o600
                tar.extract(member, media_root, filter="data")
                media += 1
    counts, applied = _restored_state(using)
    return RestoreReport(
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=media,
        mismatches=compare(manifest, counts, applied),
    )
