"""Rate limits per token (per user for the signed-in session): ``settings.API_RATE_LIMIT`` ("600/min"),
counted in the cache with one atomic increment per request in fixed windows (Redis in production, so every
web process shares the count)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" -> (600, 60)."""
    count, period = rate.split("/", 1)
    return int(count), _PERIODS[period.strip()]


class TokenRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def _ident(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"token:{token.secret_hash[:24]}"
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "pk", None):
            return f"user:{user.pk}"
        return None

    def allow_request(self, request: HttpRequest) -> bool:
        ident = self._ident(request)
        if ident is None:
            return True
        limit, period = parse_rate(str(getattr(settings, "API_RATE_LIMIT", "600/min")))
        now = time.time()
        window = int(now // period)
        key = f"gn_api:throttle:{ident}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return wait
