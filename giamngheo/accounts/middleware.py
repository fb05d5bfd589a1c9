"""Sign-in middlewares: the session's inactivity limit and the second factor.

``IdleSessionMiddleware``: a signed-in session ends ``SESSION_IDLE_TIMEOUT`` minutes after its last request
(the time of the last request is kept in the session, written at most once a minute); the user lands on the
sign-in page with "Phiên làm việc đã hết hạn…".

``OTPRequiredMiddleware``: a signed-in user who has an authenticator and has not typed its code in this
session, or who must have one (``twofactor.otp_required``) and has none yet, reaches only the code step, the
enrolment, sign-out, the static files, the health checks and API calls carrying a token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import twofactor

LAST_ACTIVITY_KEY = "gn_last_activity"
OTP_FREE_KEY = "gn_otp_free"  # the role for which "no second factor needed" was decided in this session
EXPIRED_PARAM = "expired"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        minutes = settings.SESSION_IDLE_TIMEOUT
        if minutes > 0 and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > minutes * 60:
                logout(request)
                query = {EXPIRED_PARAM: "1"}
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    query["next"] = request.get_full_path()
                return _redirect(request, f"{reverse('accounts:login')}?{urlencode(query)}")
            if not isinstance(last, int) or now - last >= 60:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _open_paths() -> set[str]:
    names = ("accounts:otp-verify", "accounts:otp-enrol", "accounts:logout", "accounts:login")
    return {reverse(name) for name in names}


def _open_prefixes() -> tuple[str, ...]:
    reset = reverse("accounts:password-reset", kwargs={"uidb64": "x", "token": "x"}).removesuffix("x/x/")
    return (reset, *settings.OTP_EXEMPT_PREFIXES)


class OTPRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = self._step(request)
        if target is not None:
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return _redirect(request, f"{reverse(target)}?{query}" if query else reverse(target))
        return self.get_response(request)

    @staticmethod
    def _step(request: HttpRequest) -> str | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        path = request.path
        if path in _open_paths() or path.startswith(_open_prefixes()):
            return None
        if path.startswith("/api/") and request.headers.get("Authorization"):
            return None  # token authentication: no session, no second factor
        if request.session.get(OTP_FREE_KEY) == user.role:
            return None
        if twofactor.has_device(user):
            return "accounts:otp-verify"
        if twofactor.otp_required(user):
            return "accounts:otp-enrol"
        request.session[OTP_FREE_KEY] = user.role
        return None
