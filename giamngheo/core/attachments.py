"""Attachments: photos and scanned documents kept beside a record (a good model's photos, a relief or
disbursement decision, a course's attendance sheet).

One rule for every app (decision 0023):

- ``check_attachment(upload, field=…)`` in the app's service, before anything is saved: the file's
  extension is one of ``KINDS`` **and** its first bytes are that kind's signature (a renamed executable is
  refused), it is not empty, and it is not larger than ``settings.UPLOAD_MAX_BYTES["attachment"]``
  (10 MB unless the environment says otherwise). A refusal is a ``ValidationFailed`` naming the field, in
  the user's language; nothing is stored.
- the model keeps the file in a ``FileField(upload_to=attachment_path("<app>"), max_length=255)`` (Django's
  storage API: local ``MEDIA_ROOT`` by default, shared storage in production) and the name the user gave
  in a ``CharField`` (``original_name(upload)``). The stored name is random, so a URL reveals nothing.
- the file is served only by a view of the owning app that first opens the record through its scoped
  ``access_<entity>_by_id`` selector, with ``attachment_response(fieldfile, name)`` (never ``MEDIA_URL``:
  media are not served publicly). Images open inline, everything else downloads; ``nosniff`` either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .errors import ValidationFailed

# extension -> (content type, possible leading bytes)
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
IMAGES = ("jpg", "jpeg", "png", "webp")
DOCUMENTS = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")
ALL = tuple(KINDS)


def accept(kinds: Iterable[str] = ALL) -> str:
    """The ``accept`` attribute of a file input for these kinds (".pdf,.jpg,…")."""
    return ",".join(f".{k}" for k in kinds)


def kinds_text(kinds: Iterable[str]) -> str:
    """ "PDF, JPG, PNG" for messages."""
    seen: list[str] = []
    for kind in kinds:
        word = "JPG" if kind in ("jpg", "jpeg") else kind.upper()
        if word not in seen:
            seen.append(word)
    return ", ".join(seen)


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES["attachment"])


def _head(upload: UploadedFile[Any], size: int = 16) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head if isinstance(head, bytes) else bytes(head)


def check_attachment(upload: UploadedFile[Any] | None, *, field: str, kinds: Iterable[str] = ALL) -> None:
    """Refuse an attachment of the wrong kind (by name and by content), empty, or too large
    (``ValidationFailed`` with ``extra={"field": field}``). ``None`` (no file) passes."""
    if upload is None:
        return
    allowed = tuple(kinds)
    extension = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in allowed or extension not in KINDS:
        raise ValidationFailed(
            _("The file must be one of: %(kinds)s.") % {"kinds": kinds_text(allowed)}, extra={"field": field}
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(_("The file is empty."), extra={"field": field})
    if size > max_bytes():
        raise ValidationFailed(
            _("The file is %(size)s; the largest accepted is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            extra={"field": field},
        )
    head = _head(upload)
    signatures = KINDS[extension][1]
    if not any(head.startswith(s) for s in signatures) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise ValidationFailed(
            _("The file's content is not a %(kind)s file.") % {"kind": kinds_text([extension])},
            extra={"field": field},
        )


def original_name(upload: UploadedFile[Any]) -> str:
    """The name the user gave the file (no folder), at most 255 characters, kept for the download."""
    return PurePosixPath((upload.name or "").replace("\\", "/")).name[-255:] or "file"


@deconstructible
class AttachmentPath:
    """``upload_to`` for an app's attachments: ``<app>/<year>/<random>.<ext>`` (the user's name is kept in
    the model, not in the path). Deconstructible, so migrations can record it."""

    def __init__(self, app: str) -> None:
        self.app = app

    def __call__(self, instance: Any, filename: str) -> str:
        extension = PurePosixPath(filename).suffix.lower()[:8]
        return f"{self.app}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AttachmentPath) and other.app == self.app

    def __hash__(self) -> int:
        return hash(self.app)


def attachment_path(app: str) -> AttachmentPath:
    return AttachmentPath(app)


def attachment_response(fieldfile: FieldFile | None, name: str) -> FileResponse:
    """Send a stored attachment (404 when there is none or it is gone from the storage). Call it only after
    the record was opened through its scoped selector."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = PurePosixPath(fieldfile.name or "").suffix.lower().lstrip(".")
    content_type = KINDS.get(extension, ("application/octet-stream", ()))[0]
    inline = extension in IMAGES or extension == "pdf"
    response = FileResponse(
        handle, as_attachment=not inline, filename=name or PurePosixPath(fieldfile.name or "file").name
    )
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
