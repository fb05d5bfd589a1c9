"""Shared view helpers: turning selector results into pages, and the audit trail browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError, NotFound

T = TypeVar("T")

# The largest id a URL or a form may name: PostgreSQL's bigint (the primary keys are ``BigAutoField``).
# A larger number cannot name a row; passed to the database it would overflow (a 500) instead of matching
# nothing.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """``value`` as an id (ASCII digits, 1 to ``maximum``), or ``None`` for anything else: empty, negative,
    ``1e5``, ``abc``, superscript digits, a number beyond any database integer."""
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def int_param(
    request: HttpRequest,
    name: str,
    *,
    data: Mapping[str, Any] | None = None,
    maximum: int = MAX_ID,
    invalid: str = "bad_request",
) -> int | None:
    """An integer parameter of the query string (or of ``data``, e.g. ``request.POST``): ``None`` when it
    is absent or empty; the number when it is a valid id. A value that is given but invalid is refused with
    a 400 (``invalid="bad_request"``), the same 404 as a missing object (``"not_found"``), or ignored
    (``"ignore"``: ``None``)."""
    source = request.GET if data is None else data
    raw = source.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    number = parse_id(raw, maximum=maximum)
    if number is None:
        if invalid == "not_found":
            raise Http404
        if invalid == "bad_request":
            raise BadRequest(f"invalid integer parameter {name!r}")
    return number


def get_or_404(selector: Callable[..., T], **kwargs: Any) -> T:
    """Call a selector; "missing" and "not yours" both become the same 404 page. An integer argument
    beyond any database integer (``<int:pk>`` accepts any number of digits) names nothing: the same 404,
    without asking the database (where it would overflow)."""
    if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_ID for v in kwargs.values()):
        raise Http404
    try:
        return selector(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def paginate(
    request: HttpRequest, queryset: QuerySet[Any] | list[Any], per_page: int | None = None
) -> Page[Any]:
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def form_error(
    form: BaseForm, exc: ApplicationError, field_for: Callable[[str | None], str | None] | None = None
) -> None:
    """Show a service's error next to the field it names (``field_for`` maps the service's field names to
    the form's when they differ), or above the form."""
    field = exc.extra.get("field")
    if field_for is not None:
        field = field_for(field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def submit(
    form: BaseForm, call: Callable[[], T], field_for: Callable[[str | None], str | None] | None = None
) -> T | None:
    """Run a service for a valid form. An ``ApplicationError`` becomes a message next to its field
    (or above the form), and ``None`` is returned so that the view renders the form again."""
    try:
        return call()
    except ApplicationError as exc:
        form_error(form, exc, field_for)
        return None


CONFIRMED = "confirmed"


def confirmation_page(request: HttpRequest, *, question: str, cancel_url: str) -> HttpResponse | None:
    """Ask before an action that cannot be taken back (decision 0020): ``None`` when the POST says it was
    confirmed (``confirmed=1``: the confirmation page's button, or js/app.js once its ``data-confirm``
    dialog is accepted), else a page repeating the POST with the question, "Yes" and "Cancel" (it works
    without JavaScript)."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        for value in values
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
    ]
    return render(
        request,
        "includes/confirm.html",
        {"question": question, "fields": fields, "action": request.get_full_path(), "cancel_url": cancel_url},
    )
