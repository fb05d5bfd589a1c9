"""Two writers at once on a SQLite file with the production settings (config/settings/base.py): both
succeed, none gets "database is locked" (issue 17 §6).

Each case runs in a subprocess with DJANGO_SETTINGS_MODULE=config.settings.base and a SQLite file of its
own, two threads (each with its own connection, as two gunicorn workers have) writing in transactions that
read first, then write — the pattern of our services (check, then save). With the default DEFERRED
transactions, the second writer's read snapshot goes stale when the first commits and its write fails at
once with "database is locked" (the busy timeout does not help: SQLite refuses to upgrade a stale read);
with ``transaction_mode="IMMEDIATE"`` a writer takes the lock at BEGIN and the other waits (``timeout``).
The control case with DEFERRED shows that the test can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, os, sys, threading, time
sys.path.insert(0, os.environ["ROOT"])
import django
from django.conf import settings
django.setup()
from django.db import connection, connections, transaction

if os.environ.get("MODE"):
    settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = os.environ["MODE"]
    connections["default"].settings_dict["OPTIONS"]["transaction_mode"] = os.environ["MODE"]
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, who TEXT, seen INTEGER)")
connection.close()

errors = []
first_in = threading.Event()

def write(who, seen_sleep=0.0):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM probe")
        seen = cursor.fetchone()[0]
        time.sleep(seen_sleep)
        cursor.execute("INSERT INTO probe (who, seen) VALUES (%s, %s)", [who, seen])

def first():
    try:
        with transaction.atomic():
            first_in.set()
            time.sleep(0.3)
            write("first")
    except Exception as exc:
        errors.append(f"first: {exc}")
    finally:
        first_in.set()
        connection.close()

def second():
    first_in.wait()
    try:
        with transaction.atomic():
            write("second", seen_sleep=0.6)
    except Exception as exc:
        errors.append(f"second: {exc}")
    finally:
        connection.close()

def busy(who):
    try:
        for _ in range(25):
            with transaction.atomic():
                write(who, seen_sleep=0.002)
    except Exception as exc:
        errors.append(f"{who}: {exc}")
    finally:
        connection.close()

threads = [threading.Thread(target=first), threading.Thread(target=second)]
threads += [threading.Thread(target=busy, args=(f"busy{i}",)) for i in range(2)]
for t in threads[:2]:
    t.start()
for t in threads[:2]:
    t.join()
for t in threads[2:]:
    t.start()
for t in threads[2:]:
    t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM probe")
    rows = cursor.fetchone()[0]
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
print(json.dumps({"errors": errors, "rows": rows, "journal": journal,
                  "mode": connection.settings_dict["OPTIONS"].get("transaction_mode")}))
"""


def _run(tmp_path: Path, mode: str = "") -> dict[str, object]:
    env = {
        **os.environ,
        "ROOT": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DEBUG": "false",
        "MODE": mode,
    }
    for name in ("REDIS_URL", "TASKS_BACKEND"):
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_two_writers_at_once_both_succeed_with_the_production_settings(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result["mode"] == "IMMEDIATE" and result["journal"] == "wal"
    assert result["errors"] == []
    assert result["rows"] == 2 + 2 * 25


def test_without_immediate_transactions_the_second_writer_is_locked_out(tmp_path: Path) -> None:
    result = _run(tmp_path, mode="DEFERRED")
    errors = result["errors"]
    assert isinstance(errors, list)
    assert any("second" in e and "database is locked" in e for e in errors), errors
