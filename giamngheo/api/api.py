"""The REST API (django-ninja): OpenAPI 3 at /api/schema/, Swagger UI at /api/docs/ (assets served from the
ninja package, no CDN). docs/decisions/0026-api-rest.md."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors
from .auth import ActiveSessionAuth, TokenAuth
from .endpoints import households, plans, policies, reviews
from .throttle import TokenRateThrottle

api = NinjaAPI(
    title="giamngheo API",
    version="1",
    description=(
        "The data of the poverty-reduction system for other systems. Send `Authorization: Bearer <token>` "
        "(a personal token created on /api/tokens/). The API acts as the token's user: the same role and "
        "area as on the pages. Lists use cursors (`next`); `updated_since` and `/deleted` give incremental "
        "sync; creates accept an `Idempotency-Key` header. Errors: `{detail, errors[]}` in Vietnamese."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs/",
    auth=[TokenAuth(), ActiveSessionAuth()],
    throttle=[TokenRateThrottle()],
)
errors.install(api)
api.add_router("", households.router)
api.add_router("", reviews.router)
api.add_router("", policies.router)
api.add_router("", plans.router)
