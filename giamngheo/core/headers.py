"""Response headers for personal data (issue 12): what a signed-in user sees is never kept in a cache.

Every response to a signed-in user — pages, htmx partials, exports and job downloads, streamed or not — is
sent with ``Cache-Control: no-store, private`` unless its view chose its own caching, so that neither a shared
proxy nor the browser's disk cache keeps a copy of a household's data after the user signs out. Static files
never get here (WhiteNoise answers them earlier in the middleware chain) and keep their far-future caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

NO_STORE = "no-store, private"


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store, private`` on responses to signed-in users (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
