"""The attendance list import (dataio.training_import): matching, new officers, all or nothing, pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.dataio.training_import import training_import, write_training_template
from giamngheo.training import services
from giamngheo.training.choices import Position
from giamngheo.training.models import Attendance, Course, Officer

pytestmark = pytest.mark.usefixtures("clean")
HEADER = ["Họ và tên", "Xã, phường", "Chức vụ", "Số điện thoại", "Hoàn thành", "Số chứng chỉ"]


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def course(province: Any) -> Course:
    return services.course_create(
        province=province,
        title="Lớp rà soát",
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 4),
        acting_user=None,
    )


@pytest.fixture
def known(commune_b: Any) -> Officer:
    return services.officer_create(
        commune=commune_b,
        full_name="Trần Thị Hoa",
        phone="0912345678",
        position=Position.SOCIAL_AFFAIRS,
        since=dt.date(2020, 1, 1),
        acting_user=None,
    )


def _run(tmp_path: Path, content: bytes, user: User, course: Course, *, dry_run: bool) -> dict[str, Any]:
    path = tmp_path / "hv.xlsx"
    path.write_bytes(content)
    return training_import(path=path, course_id=course.pk, acting_user=user, dry_run=dry_run)


def test_check_then_import_matches_by_folded_name_and_creates_the_others(
    tmp_path: Path, users: Any, commune_b: Any, course: Course, known: Officer
) -> None:
    content = _xlsx(
        [
            ["tran thi HOA", commune_b.name, "", "0912 345 678", "Có", "15/CC"],
            ["Lê Văn Mới", commune_b.name, "Trưởng thôn, ấp", "", "Không", ""],
        ]
    )
    user = users["canbo.tranbien"]
    check = _run(tmp_path, content, user, course, dry_run=True)
    assert check["errors"] == 0
    assert check["attendance"] == {"matched": 1, "new_officers": 1}
    assert check["new_officers"] == [["Lê Văn Mới", commune_b.name]]
    assert not Attendance.objects.exists() and Officer.objects.count() == 1
    done = _run(tmp_path, content, user, course, dry_run=False)
    assert done["written"] is True
    found = Attendance.objects.get(course=course, officer=known)
    assert found.completed is True and found.certificate_number == "15/CC"
    new = Officer.objects.get(full_name="Lê Văn Mới")
    assert new.since == course.start_date and new.position == Position.VILLAGE_HEAD
    assert Attendance.objects.get(officer=new).completed is False


def test_one_bad_line_writes_nothing(
    tmp_path: Path, users: Any, commune_b: Any, course: Course, known: Officer
) -> None:
    services.attendance_add(course=course, officer=known, acting_user=None)
    content = _xlsx(
        [
            ["Người Mới", commune_b.name, "", "", "Có", ""],
            ["Trần Thị Hoa", commune_b.name, "", "", "", ""],  # already in the course
            ["", commune_b.name, "", "", "Có", ""],  # no name
        ]
    )
    summary = _run(tmp_path, content, users["canbo.tranbien"], course, dry_run=False)
    assert summary["written"] is False
    assert summary["errors"] == 2
    assert "Dòng 3, cột Họ và tên: Cán bộ này đã có trong danh sách lớp." in summary["error_messages"]
    assert any(m.startswith("Dòng 4, cột Họ và tên") for m in summary["error_messages"])
    assert not Officer.objects.filter(full_name="Người Mới").exists()
    assert Attendance.objects.count() == 1


def test_another_communes_line_is_refused(tmp_path: Path, users: Any, commune_a: Any, course: Course) -> None:
    content = _xlsx([["Nguyễn Văn Ngoài", commune_a.name, "", "", "Có", ""]])
    summary = _run(tmp_path, content, users["canbo.tranbien"], course, dry_run=False)
    assert summary["written"] is False and summary["errors"] == 1
    assert summary["error_messages"][0].startswith("Dòng 2, cột Xã, phường")
    assert not Officer.objects.exists()


def test_pages_upload_check_and_import(users: Any, commune_b: Any, course: Course, known: Officer) -> None:
    client = client_for(users["canbo.tranbien"])
    template = client.get(reverse("dataio:training-template", args=[course.pk]))
    book = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert book.sheetnames[0] == "Danh sách học viên"
    upload = SimpleUploadedFile("hv.xlsx", _xlsx([["Trần Thị Hoa", commune_b.name, "", "", "Có", ""]]))
    response = client.post(reverse("dataio:training-import", args=[course.pk]), {"file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "Kiểm tra không thấy lỗi" in detail.content.decode()
    assert not Attendance.objects.exists()
    run = client.post(response["Location"] + "run/")
    assert run.status_code == 302
    assert Attendance.objects.get(course=course, officer=known).completed is True


def test_template_lists_the_users_communes(commune_b: Any) -> None:
    out = io.BytesIO()
    write_training_template(out, communes=[commune_b])
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert [c.value for c in book["Danh sách học viên"][1]][:2] == ["Họ và tên", "Xã, phường"]
