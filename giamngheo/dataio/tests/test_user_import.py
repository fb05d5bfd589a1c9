"""The user import: a province's 95 communes × 2 accounts, generated here, checked then created in one
transaction, each with a one-time link; a wrong file writes nothing and says why, line by line."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit

HEADERS = ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Điện thoại", "Vai trò", "Xã/phường", "Đơn vị"]


def _xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tai-khoan.xlsx", out.getvalue())


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile("tai-khoan.csv", out.getvalue().encode("utf-8"))


def _province_rows() -> list[list[str]]:
    communes = list(Area.objects.filter(parent__code="75", level="commune", is_active=True).order_by("code"))
    assert len(communes) == 95
    rows = []
    for index, commune in enumerate(communes):
        # One by code, one by name (with or without "Xã"/"Phường").
        rows.append(
            [
                f"cb{index}.a",
                f"Cán bộ A {commune.name}",
                f"a{index}@example.org",
                "0901000000",
                "commune_officer",
                commune.code,
                "",
            ]
        )
        rows.append(
            [f"cb{index}.b", f"Cán bộ B {commune.name}", "", "", "Cán bộ giảm nghèo cấp xã", commune.name, ""]
        )
    return rows


def test_a_province_of_95_communes_times_2_accounts(users) -> None:
    admin = client_for(users["admin"])
    rows = _province_rows()
    before = User.objects.count()
    checked = admin.post(reverse("dataio:user-import"), {"file": _xlsx(rows)})
    page = checked.content.decode()
    assert checked.status_code == 200 and 'data-testid="user-import-preview"' in page, page[-3000:]
    assert User.objects.count() == before  # the check writes nothing
    done = admin.post(reverse("dataio:user-import-apply"))
    assert done.status_code == 200 and 'data-testid="user-import-done"' in done.content.decode()
    assert User.objects.count() == before + 190
    officer = User.objects.get(username="cb0.b")
    assert officer.role == "commune_officer" and not officer.has_usable_password()
    assert (
        officer.scope_areas.get().code
        == Area.objects.filter(parent__code="75", level="commune").order_by("code").first().code
    )
    assert AuditRecord.objects.filter(action="accounts.user.create", target_id=str(officer.pk)).exists()
    # The result sheet: one working link per account.
    sheet = admin.get(reverse("dataio:user-import-result"))
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    lines = list(book.active.iter_rows(min_row=2, values_only=True))
    assert len(lines) == 190
    link = next(line[4] for line in lines if line[0] == "cb0.b")
    path = link.replace("http://testserver", "")
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    anonymous.post(path, {"new_password1": "Giamngheo2026x", "new_password2": "Giamngheo2026x"})
    assert (
        anonymous.post(
            reverse("accounts:login"), {"username": "cb0.b", "password": "Giamngheo2026x"}
        ).status_code
        == 302
    )
    # The kept file is gone: importing again needs a new upload.
    again = admin.post(reverse("dataio:user-import-apply"))
    assert again.status_code == 302 and User.objects.count() == before + 190


def test_every_wrong_line_is_reported_and_nothing_written(users) -> None:
    admin = client_for(users["admin"])
    department = OrgUnit.objects.filter(parent__isnull=True).first()
    rows = [
        ["ok.one", "Người Đúng", "", "", "Chuyên viên cấp tỉnh", "75", ""],  # right (province by code)
        ["chuyenvien", "Trùng", "", "", "viewer", "75", ""],  # existing username
        ["Bad Name", "X", "", "", "viewer", "75", ""],  # invalid username
        ["dup.user", "A", "", "", "viewer", "75", ""],
        ["dup.user", "B", "not-an-email", "", "viewer", "75", ""],  # duplicate + e-mail
        ["no.role", "C", "", "", "thủ quỹ", "75", ""],  # unknown role
        ["no.commune", "D", "", "", "commune_officer", "", ""],  # officer without commune
        ["far.commune", "E", "", "", "commune_officer", "Xã Không Có", ""],  # unknown commune
        ["no.unit", "F", "", "", "unit_head", "", ""],  # unit needed
        ["", "", "", "", "", "", ""],  # blank line: skipped
        ["with.unit", "G", "", "", "department_office", "", department.code],  # right
    ]
    before = User.objects.count()
    response = admin.post(reverse("dataio:user-import"), {"file": _csv(rows)})
    page = response.content.decode()
    assert 'data-testid="user-import-errors"' in page
    for expected in (
        "Dòng 3, cột Tên đăng nhập",
        "Dòng 4, cột Tên đăng nhập",
        "Dòng 6, cột Tên đăng nhập",
        "Dòng 6, cột Thư điện tử",
        "Dòng 7, cột Vai trò",
        "Dòng 8, cột Xã/phường",
        "Dòng 9, cột Xã/phường",
        "Dòng 10, cột Đơn vị",
    ):
        assert expected in page, expected
    assert "Dòng 2," not in page and "Dòng 12," not in page
    assert 'data-testid="user-import-apply"' not in page
    assert admin.post(reverse("dataio:user-import-apply")).status_code == 302
    assert User.objects.count() == before


def test_missing_columns_and_template(users) -> None:
    admin = client_for(users["admin"])
    bad = SimpleUploadedFile("x.csv", "Tên,Tuổi\nA,3\n".encode())
    page = admin.post(reverse("dataio:user-import"), {"file": bad}).content.decode()
    assert "Tên đăng nhập" in page and 'data-testid="user-import-errors"' in page
    template = admin.get(reverse("dataio:user-import-template"))
    book = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert "Hướng dẫn" in book.sheetnames and "Danh mục" in book.sheetnames
    # The template's own example line passes the check.
    out = io.BytesIO()
    book.save(out)
    checked = admin.post(
        reverse("dataio:user-import"), {"file": SimpleUploadedFile("mau.xlsx", out.getvalue())}
    )
    assert 'data-testid="user-import-preview"' in checked.content.decode()


@pytest.mark.parametrize(
    "name", ["dataio:user-import", "dataio:user-import-template", "dataio:user-import-result"]
)
def test_only_administrators_import_accounts(users, name: str) -> None:
    assert client_for(users["chuyenvien"]).get(reverse(name)).status_code == 403
