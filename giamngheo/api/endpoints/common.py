"""What every endpoint shares: the acting user, capability checks, the documented error answers and
idempotent creates."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.responses import Status
from pydantic import BaseModel

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import PermissionDenied

from .. import services
from ..auth import api_user
from ..schemas import ErrorOut

# The error answers every operation documents (schemathesis checks that no other status is answered).
READ_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut, 415: ErrorOut}


def user_with(request: HttpRequest, *capabilities: str) -> User:
    """The acting user, if their role has one of ``capabilities`` (403 otherwise)."""
    user = api_user(request)
    if capabilities and not any(can(user, c) for c in capabilities):
        raise PermissionDenied("api")
    return user


def idempotent_create(
    request: HttpRequest,
    *,
    user: User,
    key: str | None,
    operation: str,
    payload: BaseModel,
    create: Callable[[], Any],
) -> Status[Any]:
    """Run ``create`` (returning the JSON body of a 201) once per ``Idempotency-Key``."""

    def produce() -> services.Answer:
        return services.Answer(201, create())

    if not key:
        answer = produce()
    else:
        body = json.dumps(payload.model_dump(mode="json"), sort_keys=True).encode()
        answer = services.idempotent(user=user, key=key, operation=operation, body=body, produce=produce)
    return Status(answer.status, answer.body)
