"""Structured logs: one JSON object per line on stdout when ``LOG_FORMAT=json`` (docs/deploy.md).

``RequestLogMiddleware`` (first in ``MIDDLEWARE``) takes the request id nginx sends in ``X-Request-ID`` (or
makes one), returns it in the response's ``X-Request-ID``, keeps it in a context variable that
``RequestIdFilter`` adds to every log record written while the request runs, and writes one line per request
on the ``giamngheo.request`` logger: request id, user id (a number, never a name), method, path (without
the query string: a search may hold a name), status and duration in milliseconds. No body, no header, no
cookie, no query string is ever logged.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger("giamngheo.request")
# Probes answer many times a minute: their 200s are not worth a line (a failure still is).
QUIET_PATHS = frozenset({"/healthz", "/healthz/", "/readyz", "/readyz/"})


def new_request_id() -> str:
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    # Only once authentication ran (and never the user's name).
    user = request.__dict__.get("user")
    if user is None:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001 - a broken session must not break the log line
        return None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _VALID_ID.match(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if response.status_code >= 400 or request.path not in QUIET_PATHS:
                logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "user_id": _user_id(request),
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter without the objects Django attaches to records: ``request`` (its repr
    holds the query string) and ``server_time``; everything else the record carries is kept."""

    DROPPED = frozenset({"request", "server_time", "color_message"})

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in self.DROPPED:
            log_data.pop(key, None)
