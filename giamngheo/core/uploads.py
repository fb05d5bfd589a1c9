"""Request bodies are bounded before they are read (docs/security.md).

``RequestBodyLimitMiddleware`` refuses a request whose declared ``Content-Length`` is above
``settings.REQUEST_MAX_BYTES`` with a 413, without touching the body. ``BodyLimitUploadHandler`` (first in
``FILE_UPLOAD_HANDLERS``) counts the bytes of a multipart body as they arrive and stops reading as soon as
they pass the limit, whatever the body declared (no length, or a length smaller than the body); the
middleware then answers 413 before the CSRF check or the view see the truncated form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.utils.translation import gettext as _

TOO_LARGE_FLAG = "_giamngheo_body_too_large"
REFUSED_SIZE = "_giamngheo_refused_upload_size"
V = TypeVar("V", bound=Callable[..., Any])


def upload_limit(kind: str) -> Callable[[V], V]:
    """Give a view the upload limit ``settings.UPLOAD_MAX_BYTES[kind]`` (checked while the body arrives)."""

    def decorate(view: V) -> V:
        view.upload_limit_kind = kind  # type: ignore[attr-defined]
        return view

    return decorate


def refused_upload_size(request: HttpRequest) -> int:
    """The size of a file refused past the view's ``upload_limit`` (0 when none was)."""
    return int(getattr(request, REFUSED_SIZE, 0))


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def too_large_response() -> HttpResponse:
    """A short page in the site's language: the limit, and what to do."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The file is too large")
        text = _(
            "The request is larger than %(max)s and was refused before it was received. Split the file."
        ) % {"max": filesizeformat(settings.REQUEST_MAX_BYTES)}
    body = (
        f'<!doctype html><html lang="{escape(settings.LANGUAGE_CODE)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
    return HttpResponse(body, status=413, content_type="text/html; charset=utf-8")


class RequestBodyLimitMiddleware:
    """413 for a body declared larger than ``REQUEST_MAX_BYTES`` (the body is never read), and for a
    multipart body that turned out larger while it was read (``BodyLimitUploadHandler``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) > settings.REQUEST_MAX_BYTES:
            return too_large_response()
        response = self.get_response(request)
        if getattr(request, TOO_LARGE_FLAG, False):
            return too_large_response()
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        # A multipart body is parsed here, before the CSRF check and the view: a body cut off by the upload
        # handler is answered with a 413, never handed to a view as a form with its file missing.
        if request.method == "POST" and request.content_type == "multipart/form-data":
            view = args[0] if args else None
            kind = getattr(view, "upload_limit_kind", None)
            if kind is not None:
                limit = settings.UPLOAD_MAX_BYTES[kind]
                request.upload_handlers.insert(0, FileSizeLimitHandler(request, limit))
            request.POST  # noqa: B018 - parses the body through the upload handlers
            if getattr(request, TOO_LARGE_FLAG, False):
                return too_large_response()
        return None


class BodyLimitUploadHandler(FileUploadHandler):
    """Stops a multipart body as soon as more than ``REQUEST_MAX_BYTES`` have arrived."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        self.received = 0
        if content_length > settings.REQUEST_MAX_BYTES:
            # Declared too large (the middleware refused it already, unless called another way): nothing read.
            if self.request is not None:
                setattr(self.request, TOO_LARGE_FLAG, True)
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def _stop(self) -> None:
        if self.request is not None:
            setattr(self.request, TOO_LARGE_FLAG, True)
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class FileSizeLimitHandler(FileUploadHandler):
    """Stops receiving a file once it passes ``limit`` bytes: the rest of the body is read and thrown away
    (never kept in memory nor written to disk) and the refused size is left on the request."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            declared = declared_length(self.request) if self.request is not None else 0
            if self.request is not None:
                setattr(self.request, REFUSED_SIZE, max(declared, start + len(raw_data)))
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
