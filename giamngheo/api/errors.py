"""Every error of the API as JSON with a Vietnamese ``detail`` and, for invalid input, the field's
Vietnamese name and what is wrong with it (one place: ``install(api)``)."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.core.versioning import StaleVersion
from giamngheo.households.models import Household, Member

from .services import IdempotencyConflict

# Names of the API's own parameters (the fields of the registry are named by their models' labels).
PARAMETER_NAMES: dict[str, Any] = {
    "cursor": gettext_lazy("position in the list (cursor)"),
    "limit": gettext_lazy("number of rows per page"),
    "updated_since": gettext_lazy("changed since"),
    "version": gettext_lazy("version"),
    "household_id": gettext_lazy("household"),
    "member_id": gettext_lazy("member"),
    "commune_id": gettext_lazy("commune"),
    "village_id": gettext_lazy("village"),
    "commune": gettext_lazy("commune"),
    "village": gettext_lazy("village"),
    "category": gettext_lazy("category"),
    "kind": gettext_lazy("kind"),
    "year": gettext_lazy("year"),
    "policy": gettext_lazy("policy"),
    "policy_code": gettext_lazy("policy"),
    "date": gettext_lazy("date received"),
    "quantity": gettext_lazy("quantity"),
    "amount": gettext_lazy("amount (VND)"),
    "funding_source": gettext_lazy("funding source"),
    "reason": gettext_lazy("reason"),
    "Idempotency-Key": gettext_lazy("Idempotency-Key"),
    "body": gettext_lazy("request body"),
}


def field_name(name: str) -> str:
    """The Vietnamese name of a field or parameter of the API."""
    if name in PARAMETER_NAMES:
        return capfirst(str(PARAMETER_NAMES[name]))
    for model in (Household, Member):
        try:
            return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        except Exception:  # noqa: BLE001,S112 - not a field of this model
            continue
    return name


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field or parameter is not known.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return _("The request body is not valid JSON.")
    if kind.startswith(("date", "datetime")):
        return _("Enter a valid date (ISO 8601, e.g. 2026-01-31).")
    if kind.startswith(("int", "float", "decimal")):
        return _("Enter a whole number.") if kind.startswith("int") else _("Enter a number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("The value must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("The value must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("At most %(limit)s characters.") % {"limit": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("This field cannot be empty.")
    if kind in ("literal_error", "enum"):
        return _("Choose one of the allowed values.")
    if kind.startswith("string") or kind.startswith("list"):
        return _("The value has the wrong type.")
    return _("The value is not valid.")


def _location(error: dict[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    # ("body", "payload", "code") / ("query", "limit"): the last named part is the field.
    useful = [p for p in loc if p not in ("body", "query", "path", "header", "payload", "filters")]
    return useful[-1] if useful else (loc[-1] if loc else "body")


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "field_name": field_name(field), "message": message}


def validation_errors(raw: list[dict[str, Any]]) -> dict[str, Any]:
    errors = [field_error(_location(e), _message(e)) for e in raw]
    first = errors[0] if errors else field_error("body", _("The value is not valid."))
    return error_body(
        _("Invalid input: %(field)s: %(message)s")
        % {"field": first["field_name"], "message": first["message"]},
        errors,
    )


class UnknownParameter(Exception):
    """Query parameters the operation does not know (400: a misspelt filter must not widen a list)."""

    def __init__(self, names: list[str], message: Any = None) -> None:
        super().__init__(names)
        self.names = names
        self.message = message


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        raw = list(exc.errors)
        places = {str(e.get("loc", ("body",))[0]) for e in raw}
        if places == {"path"}:  # an id that cannot name anything (not a number, out of range)
            return respond(request, error_body(_("Not found, or you may not see it.")), 404)
        # A malformed query string or header: 400; a body that breaks the schema: 422.
        status = 422 if places <= {"body"} else 400
        return respond(request, validation_errors(raw), status)

    @api.exception_handler(UnknownParameter)
    def on_unknown(request: HttpRequest, exc: UnknownParameter) -> HttpResponse:
        if exc.message is not None:
            errors = [field_error(n, str(exc.message)) for n in exc.names]
            return respond(request, error_body(f"{errors[0]['field_name']}: {exc.message}", errors), 400)
        errors = [field_error(n, _("This field or parameter is not known.")) for n in exc.names]
        detail = _("Unknown query parameter: %(names)s.") % {"names": ", ".join(exc.names)}
        return respond(request, error_body(detail, errors), 400)

    @api.exception_handler(IdempotencyConflict)
    def on_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
        field = str(exc.extra.get("field", "Idempotency-Key"))
        return respond(request, error_body(str(exc.message), [field_error(field, str(exc.message))]), 409)

    @api.exception_handler(StaleVersion)
    def on_stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        return respond(request, error_body(str(exc.message), [field_error("version", str(exc.message))]), 409)

    @api.exception_handler(ValidationFailed)
    def on_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        field = exc.extra.get("field")
        errors = [field_error(str(field), str(exc.message))] if field else []
        detail = str(exc.message) if not field else f"{field_name(str(field))}: {exc.message}"
        items = exc.extra.get("errors") or []  # a bulk write refused: (position, message)
        if items:
            errors = [field_error("household_id", str(message)) for _position, message in items]
            detail = f"{exc.message} {'; '.join(str(m) for _p, m in items)}"
        return respond(request, error_body(detail, errors), 422)

    @api.exception_handler(NotFound)
    def on_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return respond(request, error_body(_("Not found, or you may not see it.")), 404)

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, error_body(_("Not found, or you may not see it.")), 404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, error_body(_("Your role does not allow this.")), 403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else _("Sign in or send a valid API token.")
        response = respond(request, error_body(str(message)), 401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(AuthorizationError)
    def on_unauthorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, error_body(_("Your role does not allow this.")), 403)

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = math.ceil(exc.wait) if exc.wait else 1
        response = respond(
            request,
            error_body(
                _("Too many requests with this token: try again in %(seconds)s seconds.") % {"seconds": wait}
            ),
            429,
        )
        response["Retry-After"] = str(wait)
        return response

    @api.exception_handler(RawPostDataException)
    def on_form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # A form (multipart) body was read by the site's upload limit before the API could: not JSON.
        message = _("Send the request body as JSON (Content-Type: application/json).")
        return respond(request, error_body(message, [field_error("body", message)]), 415)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja could not read the body
            message = _("The request body is not valid JSON.")
            return respond(request, error_body(message, [field_error("body", message)]), 400)
        return respond(request, error_body(_("The request cannot be processed.")), exc.status_code)
