"""``/healthz`` (liveness) and ``/readyz`` (readiness): JSON for load balancers and supervisors.

Open without signing in, never cached, no session touched, no Content-Security-Policy (JSON has no use for
one), exempt from the https redirect (``SECURE_REDIRECT_EXEMPT``) so a probe over plain http on the private
network gets the answer, not a 301.
"""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@login_not_required
@csp_exempt()
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@csp_exempt()
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = health.readiness()
    ready = all(c.ok for c in checks)
    body = {
        "status": "ok" if ready else "unavailable",
        "failed": [c.name for c in checks if not c.ok],
        "checks": {c.name: c.as_dict() for c in checks},
    }
    return JsonResponse(body, status=200 if ready else 503)
