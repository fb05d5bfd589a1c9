"""One JSON line per request, with the request id, the user id, the path, the status and the duration."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import client_for
from giamngheo.ops.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[3]
KEYS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "user_id",
    "method",
    "path",
    "status",
    "duration_ms",
}


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            "{levelname}{name}{message}{request_id}",
            style="{",
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("giamngheo.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_request_writes_one_json_line(users, lines: io.StringIO) -> None:  # type: ignore[no-untyped-def]
    user = users["chuyenvien"]
    response = client_for(user).get("/households/?q=Nguyen+Van+A", HTTP_X_REQUEST_ID="nginx-req-42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "nginx-req-42"
    (record,) = _records(lines)
    assert set(record) >= KEYS, record
    assert record["request_id"] == "nginx-req-42"
    assert record["user_id"] == user.pk
    assert record["path"] == "/households/" and record["method"] == "GET" and record["status"] == 200
    assert isinstance(record["duration_ms"], float) and record["duration_ms"] > 0
    text = lines.getvalue()
    assert "Nguyen" not in text and user.username not in text  # no query string, no name


@pytest.mark.django_db
def test_a_request_id_is_made_when_none_or_a_bad_one_is_given(lines: io.StringIO) -> None:
    from django.test import Client

    first = Client().get("/accounts/login/")
    second = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(len(i) == 32 for i in ids) and ids[0] != ids[1]
    records = _records(lines)
    assert [r["request_id"] for r in records] == ids
    assert [r["user_id"] for r in records] == [None, None]


@pytest.mark.django_db
def test_probes_write_no_line_when_they_succeed(lines: io.StringIO) -> None:
    from django.test import Client

    assert Client().get("/healthz").status_code == 200
    assert lines.getvalue() == ""


def test_production_settings_log_json_lines_on_stdout(tmp_path: Path) -> None:
    """The real LOGGING of config.settings.production, in a process of its own."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",  # no collectstatic
    }
    env.pop("LOG_FORMAT", None)
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().post('/healthz?next=/x', HTTP_HOST='localhost'); print('STATUS', r.status_code)"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[-1] == "STATUS 405"  # a probe's failure is logged (no database needed to answer it)
    records = [json.loads(line) for line in out[:-1]]
    (request,) = [r for r in records if r["logger"] == "giamngheo.request"]
    assert set(request) >= KEYS and request["path"] == "/healthz" and request["status"] == 405
    # Django's own warning is a JSON line too, with the same request id and without the request object.
    (django_line,) = [r for r in records if r["logger"] == "django.request"]
    assert django_line["request_id"] == request["request_id"] and "request" not in django_line
    assert "next=" not in done.stdout
