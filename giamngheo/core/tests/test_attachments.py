"""core/attachments.py: what is refused (kind by name and by content, empty, too large), the random stored
name, and how a stored file is sent."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import override_settings
from django.utils import translation

from giamngheo.core.attachments import (
    DOCUMENTS,
    IMAGES,
    AttachmentPath,
    accept,
    attachment_response,
    check_attachment,
    kinds_text,
    max_bytes,
    original_name,
)
from giamngheo.core.errors import ValidationFailed

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
PDF = b"%PDF-1.7\n" + b"x" * 60
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 40


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, kinds: tuple[str, ...] = IMAGES) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check_attachment(upload(name, content), field="photo", kinds=kinds)
    assert caught.value.extra == {"field": "photo"}
    return caught.value


@pytest.mark.parametrize(
    ("name", "content"),
    [("anh.jpg", JPEG), ("ANH.JPEG", JPEG), ("hinh.png", PNG), ("hinh.webp", WEBP)],
)
def test_real_images_pass(name: str, content: bytes) -> None:
    check_attachment(upload(name, content), field="photo", kinds=IMAGES)


def test_no_file_passes() -> None:
    check_attachment(None, field="photo")


def test_a_jpg_that_is_really_text_is_refused() -> None:
    with translation.override("vi"):
        error = refusal("anh.jpg", b"just some text pretending to be a photo")
    assert "JPG" in str(error.message)
    assert "không phải" in str(error.message)


def test_a_renamed_executable_is_refused_by_content() -> None:
    refusal("anh.png", b"MZ\x90\x00" + b"\x00" * 100)


def test_an_exe_is_refused_by_its_name() -> None:
    with translation.override("vi"):
        error = refusal("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, kinds=DOCUMENTS)
    assert "PDF" in str(error.message) and "exe" not in str(error.message).lower()


def test_a_file_without_extension_is_refused() -> None:
    refusal("anh", JPEG)


def test_an_allowed_kind_not_asked_for_is_refused() -> None:
    refusal("van-ban.pdf", PDF, kinds=IMAGES)


def test_webp_needs_its_webp_marker() -> None:
    refusal("hinh.webp", b"RIFF\x10\x00\x00\x00AVI " + b"\x00" * 40)


def test_an_empty_file_is_refused() -> None:
    with translation.override("vi"):
        error = refusal("anh.jpg", b"")
    assert "không có dữ liệu" in str(error.message)


def test_ten_megabytes_pass_and_one_byte_more_is_refused() -> None:
    assert max_bytes() == 10 * 1024 * 1024
    check_attachment(
        upload("anh.jpg", JPEG + b"\x00" * (max_bytes() - len(JPEG))), field="photo", kinds=IMAGES
    )
    with translation.override("vi"):
        error = refusal("anh.jpg", JPEG + b"\x00" * (max_bytes() - len(JPEG) + 1))
    assert "10,0" in str(error.message) or "10.0" in str(error.message)


@override_settings(UPLOAD_MAX_BYTES={"attachment": 100})
def test_the_limit_follows_the_settings() -> None:
    check_attachment(upload("a.png", PNG[:100]), field="f", kinds=IMAGES)
    refusal("a.png", PNG + b"\x00" * 100)


def test_the_check_leaves_the_file_position_alone() -> None:
    file = upload("anh.jpg", JPEG)
    file.read(5)
    check_attachment(file, field="photo", kinds=IMAGES)
    assert file.tell() == 5


def test_accept_and_kinds_text() -> None:
    assert accept(("jpg", "pdf")) == ".jpg,.pdf"
    assert kinds_text(("jpg", "jpeg", "png")) == "JPG, PNG"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("C:\\Users\\An\\anh đẹp.jpg", "anh đẹp.jpg"), ("../../etc/passwd.png", "passwd.png"), ("", "file")],
)
def test_original_name_keeps_only_the_name(given: str, kept: str) -> None:
    assert original_name(SimpleUploadedFile(given or "x", b"1") if given else _nameless()) == kept


def _nameless() -> SimpleUploadedFile:
    file = SimpleUploadedFile("x", b"1")
    file._name = ""  # a browser that sent no file name
    return file


def test_original_name_is_at_most_255_characters() -> None:
    assert len(original_name(upload("a" * 300 + ".jpg", JPEG))) == 255


def test_the_stored_name_is_random_and_keeps_only_the_extension() -> None:
    path = AttachmentPath("outreach")
    first = path(None, "Nguyễn Văn A - CCCD 075190123456.JPG")
    second = path(None, "Nguyễn Văn A - CCCD 075190123456.JPG")
    assert first != second
    assert first.startswith("outreach/") and first.endswith(".jpg")
    assert "075190123456" not in first and "Nguy" not in first
    assert len(PurePosixPath(first).stem) == 32


def test_attachment_path_is_deconstructible_and_compares_by_app() -> None:
    assert AttachmentPath("a") == AttachmentPath("a")
    assert AttachmentPath("a") != AttachmentPath("b")
    assert hash(AttachmentPath("a")) == hash(AttachmentPath("a"))
    assert AttachmentPath("a").deconstruct()[2] == {} and AttachmentPath("a").deconstruct()[1] == ("a",)


def _stored(name: str, content: bytes) -> FieldFile:
    saved = default_storage.save(f"tests-attachments/{name}", ContentFile(content))

    class Holder:
        pass

    from django.db.models import FileField

    field = FileField(name="file")
    field.storage = default_storage
    return FieldFile(Holder(), field, saved)


def test_an_image_is_sent_inline_and_never_sniffed() -> None:
    response = attachment_response(_stored("anh.png", PNG), "Ảnh hội nghị.png")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.django_db  # closing a response sends request_finished (which closes connections)
def test_a_document_is_downloaded_under_the_users_name() -> None:
    response = attachment_response(_stored("x.docx", b"PK\x03\x04rest"), "Quyết định.docx")
    assert response["Content-Disposition"].startswith("attachment")
    assert "Quy" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.django_db  # closing a response sends request_finished (which closes connections)
def test_an_unknown_extension_is_sent_as_bytes() -> None:
    response = attachment_response(_stored("x.bin", b"\x00\x01"), "x.bin")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    response.close()


def test_no_file_or_a_file_gone_from_the_storage_is_404() -> None:
    with pytest.raises(Http404):
        attachment_response(None, "x")
    gone = _stored("gone.png", PNG)
    default_storage.delete(gone.name)
    with pytest.raises(Http404):
        attachment_response(gone, "x.png")
