"""The village import (issue 12, finding 1): bounded upload, read and checked in a background job (never in
the request), error report, template, batched writes, scope."""

from __future__ import annotations

import io
import resource
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.services import VillageRow, villages_import
from giamngheo.jobs.models import Job, JobKind, JobStatus

from .helpers import to_cp1258

MB = 1024 * 1024


def upload(client: Client, content: bytes, name: str = "thon.csv") -> Any:
    return client.post(reverse("dataio:village-import"), {"file": SimpleUploadedFile(name, content)})


def last_job(user: User) -> Job:
    return Job.objects.filter(created_by=user, kind=JobKind.VILLAGE_IMPORT).latest("id")


def test_a_50_mb_file_is_refused_before_it_is_read_and_the_process_does_not_grow(users, commune_a) -> None:
    """The body is streamed from disk (as a server would), not built in memory by the test client."""
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    boundary = "----villages-boundary"
    line = f"{commune_a.code},Thôn Rất Nhiều,thôn\n".encode()
    block = line * (MB // len(line))
    with tempfile.TemporaryFile() as body:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nMã xã,Tên thôn,Loại\n".encode()
        )
        for _ in range(50):
            body.write(block)
        body.write(f"\r\n--{boundary}--\r\n".encode())
        size = body.tell()
        body.seek(0)
        assert size > 50 * MB - MB
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        tracemalloc.start()
        try:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=reverse("dataio:village-import"),
                CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
                CONTENT_LENGTH=str(size),
                **{"wsgi.input": body},
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    assert response.status_code == 200
    message = str(response.context["form"].errors["file"]).replace("\xa0", " ")
    assert "tối đa 2,0 MB" in message, message  # the limit, in Vietnamese
    assert peak < 50 * MB, f"the request allocated {peak / MB:.0f} MB"
    assert rss_growth < 50 * MB, f"the process grew by {rss_growth / MB:.0f} MB"
    assert not response.wsgi_request.FILES  # stopped at the limit: the file was never stored
    assert "50,0 MB" in message  # its size, from the request's length
    assert not Job.objects.filter(kind=JobKind.VILLAGE_IMPORT).exists()
    assert not Area.objects.filter(name="Thôn Rất Nhiều").exists()


def test_the_upload_is_still_protected_against_csrf(users, commune_a) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["canbo.bugiamap"])
    content = f"Mã xã,Tên thôn\n{commune_a.code},Thôn Có Token\n".encode()
    url = reverse("dataio:village-import")
    refused = client.post(url, {"file": SimpleUploadedFile("t.csv", content)})
    assert refused.status_code == 403 and not Job.objects.filter(kind=JobKind.VILLAGE_IMPORT).exists()
    token = client.get(url).context["csrf_token"]
    accepted = client.post(
        url, {"csrfmiddlewaretoken": str(token), "file": SimpleUploadedFile("t.csv", content)}
    )
    assert accepted.status_code == 302 and Job.objects.filter(kind=JobKind.VILLAGE_IMPORT).exists()


def test_the_upload_page_says_the_limit(users) -> None:
    page = client_for(users["canbo.bugiamap"]).get(reverse("dataio:village-import")).content.decode()
    assert "Tệp chỉ được tối đa 2,0\xa0MB." in page


def test_the_limit_comes_from_the_settings(users, settings) -> None:
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "village_import": 100}
    response = upload(client_for(users["canbo.bugiamap"]), b"x" * 101)
    assert response.status_code == 200
    assert "tối đa 100" in str(response.context["form"].errors["file"]).replace("\xa0", " ")


def test_check_lists_the_villages_then_import_creates_them(users, commune_a) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    existing = commune_a.children.first().name
    csv = (
        f"Mã xã;Tên thôn;Loại;Mã thôn\n{commune_a.code};Thôn Nhập Một;thôn;\n"
        f"{commune_a.code};Ấp Nhập Hai;;BGM-AP2\n{commune_a.code};{existing};;\n"
    )
    response = upload(client, to_cp1258(csv))  # Windows-1258, ";" separated: as old Excel writes it
    job = last_job(officer)
    assert response.status_code == 302 and response.url == reverse(
        "dataio:village-import-detail", args=[job.pk]
    )
    assert job.status == JobStatus.SUCCEEDED and job.params["dry_run"] is True
    assert not Area.objects.filter(name__in=["Thôn Nhập Một", "Ấp Nhập Hai"]).exists()
    page = client.get(response.url).content.decode()
    assert 'data-testid="village-check-ok"' in page and "Thôn Nhập Một" in page and "BGM-AP2" in page
    assert job.summary["villages"] == {"to_create": 2, "existing": 1, "created": 0}
    assert 'hx-trigger="every' not in page  # finished: no more polling

    ran = client.post(reverse("dataio:village-import-run", args=[job.pk]))
    imported = last_job(officer)
    assert ran.url == reverse("dataio:village-import-detail", args=[imported.pk])
    assert imported.status == JobStatus.SUCCEEDED and imported.input_file.name == job.input_file.name
    first = Area.objects.get(name="Thôn Nhập Một")
    assert first.parent == commune_a and first.division_type == "thon" and first.level == AreaLevel.VILLAGE
    assert first.path == f"{commune_a.path}{first.code}/" and first.name_folded == "thon nhap mot"
    assert Area.objects.get(code="BGM-AP2").division_type == "ap"  # a commune: "ấp" by default
    audit = AuditRecord.objects.get(action="geo.villages.import")
    assert audit.actor == officer and audit.after["count"] == 2
    assert {v["name"] for v in audit.after["villages"]} == {"Thôn Nhập Một", "Ấp Nhập Hai"}
    assert 'data-testid="village-import-done"' in client.get(ran.url).content.decode()


def test_a_running_job_page_polls_every_2_seconds(users) -> None:
    officer = users["canbo.bugiamap"]
    job = Job.objects.create(
        kind=JobKind.VILLAGE_IMPORT, title="t", created_by=officer, params={"dry_run": True}
    )
    page = client_for(officer).get(reverse("dataio:village-import-detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page


def test_import_writes_300_villages_in_a_bounded_number_of_queries(
    users, commune_a, django_assert_max_num_queries
) -> None:
    rows = [VillageRow(n + 2, commune_a.code, f"Thôn Số {n}", "thôn") for n in range(300)]
    before = Area.objects.filter(level=AreaLevel.VILLAGE).count()
    # Savepoint, one read of the communes' villages and codes, the INSERTs (SQLite takes 999 parameters:
    # 62 villages a statement, so 5 here; PostgreSQL takes the batch of 500 at once), one audit row.
    with django_assert_max_num_queries(10):
        result = villages_import(
            rows=rows, allowed_communes={commune_a.code: commune_a}, acting_user=users["canbo.bugiamap"]
        )
    assert len(result.created) == 300 and all(v.pk for v in result.created)
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == before + 300
    assert len({v.code for v in result.created}) == 300
    assert AuditRecord.objects.filter(action="geo.villages.import").count() == 1


def test_the_whole_job_of_300_lines_runs_in_a_bounded_number_of_queries(
    users, commune_a, django_assert_max_num_queries
) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    csv = "Mã xã,Tên thôn\n" + "".join(f"{commune_a.code},Khu Dân Cư {n}\n" for n in range(300))
    upload(client, csv.encode("utf-8-sig"))
    checked = last_job(officer)
    assert checked.summary["villages"]["to_create"] == 300
    with django_assert_max_num_queries(40):
        client.post(reverse("dataio:village-import-run", args=[checked.pk]))
    assert commune_a.children.filter(name__startswith="Khu Dân Cư ").count() == 300


def test_bad_lines_are_reported_by_line_and_column_with_an_error_report(users, commune_a, commune_b) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    csv = (
        "Mã xã,Tên thôn,Loại\n"
        f"{commune_a.code},Thôn Tốt,thôn\n"  # line 2: valid
        f"{commune_b.code},Khu phố Ngoài,khu phố\n"  # line 3: another commune
        f"{commune_a.code},,thôn\n"  # line 4: no name
        f"{commune_a.code},Ấp Lạ,làng\n"  # line 5: unknown type
        f"{commune_a.code},thon tot,\n"  # line 6: repeats line 2
        "99999,Thôn Ma,\n"  # line 7: no such commune
    )
    upload(client, csv.encode())
    job = last_job(officer)
    messages = job.summary["error_messages"]
    assert [m.split(",")[0].split(":")[0] for m in messages] == [
        "Dòng 3",
        "Dòng 4",
        "Dòng 5",
        "Dòng 6",
        "Dòng 7",
    ]
    assert messages[0] == f"Dòng 3, cột Mã xã: mã xã “{commune_b.code}” không có hoặc ngoài phạm vi của bạn."
    assert messages[4].endswith("không có hoặc ngoài phạm vi của bạn.")  # the same words: nothing revealed
    assert messages[2].startswith("Dòng 5, cột Loại: ")
    page = client.get(reverse("dataio:village-import-detail", args=[job.pk])).content.decode()
    assert 'data-testid="village-errors-alert"' in page and 'name="valid_rows_only"' in page
    report = client.get(reverse("jobs:job-download", args=[job.pk, "report"]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in lines] == [3, 4, 5, 6, 7]
    assert "ngoài phạm vi" in lines[0][1] and lines[0][3] == "Khu phố Ngoài"

    # All or nothing: the import of a file with errors is refused unless the valid lines only are asked for.
    client.post(reverse("dataio:village-import-run", args=[job.pk]))
    assert last_job(officer).pk == job.pk and not Area.objects.filter(name="Thôn Tốt").exists()
    client.post(reverse("dataio:village-import-run", args=[job.pk]), {"valid_rows_only": "on"})
    imported = last_job(officer)
    assert imported.pk != job.pk and imported.summary["villages"]["created"] == 1
    assert Area.objects.get(name="Thôn Tốt").parent == commune_a
    assert not Area.objects.filter(name__in=["Khu phố Ngoài", "Ấp Lạ", "Thôn Ma"]).exists()


def test_the_service_is_all_or_nothing(users, commune_a, commune_b) -> None:
    before = Area.objects.count()
    result = villages_import(
        rows=[
            VillageRow(2, commune_a.code, "Thôn Đúng", ""),
            VillageRow(3, commune_b.code, "Khu phố Sai", ""),
        ],
        allowed_communes={commune_a.code: commune_a},
        acting_user=users["canbo.bugiamap"],
    )
    assert [e.line for e in result.errors] == [3] and result.errors[0].column == "commune_code"
    assert Area.objects.count() == before and not result.created


def test_a_village_code_already_used_is_refused(users, commune_a, commune_b) -> None:
    taken = commune_b.children.first().code
    result = villages_import(
        rows=[
            VillageRow(2, commune_a.code, "Thôn Mã Trùng", "", taken),
            VillageRow(3, commune_a.code, "Thôn X", "", "a/b"),
        ],
        allowed_communes={commune_a.code: commune_a},
        acting_user=None,
    )
    assert [(e.line, e.column) for e in result.errors] == [(2, "code"), (3, "code")]
    assert not Area.objects.filter(name="Thôn Mã Trùng").exists()


def test_the_template_has_the_columns_drop_downs_and_an_example_and_imports_once_filled(
    users, commune_a
) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    response = client.get(reverse("dataio:village-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == ["Mã xã", "Tên thôn", "Loại", "Mã thôn"]
    lists = {str(v.sqref).split(":")[0]: v for v in data.data_validations.dataValidation}
    assert set(lists) >= {"A2", "C2"}
    hidden = book["Danh mục"]
    assert hidden.sheet_state == "hidden"
    values = {c.value for col in hidden.iter_cols() for c in col}
    assert {"Ấp", "Thôn", "Bản", "Sóc", "Khu phố", "Tổ dân phố", commune_a.code} <= values
    guide = {c.value for row in book["Hướng dẫn"].iter_rows() for c in row}
    assert "Ấp Ví Dụ" in guide and commune_a.name in guide
    assert data.max_row == 1 or all(c.value is None for c in data[2])  # no example on the data sheet

    data.append([commune_a.code, "Thôn Từ Mẫu", "Tổ dân phố", None])
    out = io.BytesIO()
    book.save(out)
    upload(client, out.getvalue(), name="mau-nhap-thon.xlsx")
    job = last_job(officer)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.summary["villages"]["to_create"] == 1 and not job.summary["errors"]
    client.post(reverse("dataio:village-import-run", args=[job.pk]))
    assert Area.objects.get(name="Thôn Từ Mẫu").division_type == "to_dan_pho"


def test_a_file_that_is_not_a_table_fails_the_job_with_a_reason(users) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    upload(client, b"a,b\n1,2\n")
    job = last_job(officer)
    assert job.status == JobStatus.FAILED and "Mã xã" in job.error and "Tên thôn" in job.error
    upload(client, b"%PDF-1.4 not a table", name="thon.csv")
    assert "không phải bảng tính" in last_job(officer).error


def test_only_village_managers_and_only_the_owner_see_a_job(users, commune_a) -> None:
    viewer = client_for(users["vanphong"])
    assert viewer.get(reverse("dataio:village-import")).status_code == 403
    assert viewer.get(reverse("dataio:village-template")).status_code == 403
    officer = users["canbo.bugiamap"]
    upload(client_for(officer), f"Mã xã,Tên thôn\n{commune_a.code},Thôn Riêng\n".encode())
    job = last_job(officer)
    other = client_for(users["canbo.tranbien"])
    assert other.get(reverse("dataio:village-import-detail", args=[job.pk])).status_code == 404
    assert other.post(reverse("dataio:village-import-run", args=[job.pk])).status_code == 404
    assert not Area.objects.filter(name="Thôn Riêng").exists()


def test_the_old_address_leads_to_the_new_page(users) -> None:
    client = client_for(users["canbo.bugiamap"])
    response = client.get(reverse("geo:village-import"))
    assert response.status_code == 302 and response.url == reverse("dataio:village-import")
    posted = client.post(reverse("geo:village-import"), {"file": SimpleUploadedFile("v.csv", b"x")})
    assert posted.status_code == 302 and not Job.objects.filter(kind=JobKind.VILLAGE_IMPORT).exists()


def test_the_geo_pages_link_to_the_new_page(users, commune_a) -> None:
    client = client_for(users["canbo.bugiamap"])
    url = reverse("dataio:village-import")
    assert f'href="{url}"' in client.get(reverse("geo:commune-list")).content.decode()
    assert f'href="{url}"' in client.get(reverse("geo:area-detail", args=[commune_a.pk])).content.decode()


def test_the_new_templates_have_no_inline_script_or_style() -> None:
    root = Path(__file__).resolve().parents[2] / "templates" / "dataio"
    for name in ("village_import.html", "village_import_detail.html", "_village_import_status.html"):
        text = (root / name).read_text()
        for banned in ("<script", "style=", " onclick=", " onchange=", "javascript:"):
            assert banned not in text, f"{name} has {banned}"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_csv_in_other_encodings_is_read(users, commune_a, encoding) -> None:
    officer = users["canbo.bugiamap"]
    upload(
        client_for(officer),
        f"commune_code,village_name,village_type\n{commune_a.code},Sóc Mới,sóc\n".encode(encoding),
    )
    job = last_job(officer)
    assert job.summary["new_villages"] == [
        [
            commune_a.name,
            "Sóc Mới",
            "Sóc",
            f"{commune_a.code}-{job.summary['new_villages'][0][3].rsplit('-', 1)[1]}",
        ]
    ]
