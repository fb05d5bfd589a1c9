"""Shared view helpers: turning selector results into pages, and the audit trail browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest

from .errors import ApplicationError, NotFound

T = TypeVar("T")


def get_or_404(selector: Callable[..., T], **kwargs: Any) -> T:
    """Call a selector; "missing" and "not yours" both become the same 404 page."""
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
