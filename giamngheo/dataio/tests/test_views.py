"""The import pages, end to end through the test client (jobs run inside the request in tests)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from giamngheo.dataio.models import ImportMapping
from giamngheo.households.models import Household
from giamngheo.jobs.models import Job, JobStatus

OWN_LAYOUT = (
    "DANH SÁCH HỘ NGHÈO NĂM 2026\n"
    "Xã Bù Gia Mập\n"
    "\n"
    "STT,Mã số hộ,Họ và tên chủ hộ,Năm sinh,Dân tộc,Thôn/ấp,Số nhân khẩu,Phân loại hộ,Ghi chú\n"
    "1,OWN01,Điểu Thị Mai,1975,S'tiêng,Thôn 1,4,Hộ nghèo,\n"
    "2,OWN02,Trần Văn Hùng,1980,Kinh,Ấp Mới Lập,3,cận nghèo,chuyển đến\n"
)


@pytest.mark.django_db
def test_own_layout_upload_map_check_create_village_import(users, commune_a):
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    assert client.get(reverse("dataio:import-start")).status_code == 200
    upload = SimpleUploadedFile("ds-ho-ngheo.csv", OWN_LAYOUT.encode("utf-8-sig"), content_type="text/csv")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    assert response.status_code == 302
    job = Job.objects.get(created_by=officer)
    assert job.params["header_row"] == 4 and job.params["headers"][1] == "Mã số hộ"

    page = client.get(response["Location"])
    assert page.status_code == 200
    form = page.context["form"]
    proposed = [form.fields[f"col_{i}"].initial for i in range(len(job.params["headers"]))]
    assert proposed == [
        "seq",
        "code",
        "head_name",
        "birth_year",
        "ethnic_group",
        "village",
        "declared_persons",
        "category",
        "note",
    ]
    data = {f"col_{i}": key for i, key in enumerate(proposed)}
    data.update(decision_number="12/QĐ-UBND", decision_date="2026-12-01")
    response = client.post(response["Location"], data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.summary["dry_run"] is True
    assert job.summary["households_created"] == 1 and job.summary["households_rejected"] == 1, job.summary[
        "error_messages"
    ]
    assert ImportMapping.objects.filter(created_by=officer).count() == 1

    detail = client.get(reverse("dataio:import-detail", args=[job.pk]))
    body = detail.content.decode()
    assert "Ấp Mới Lập" in body and "Dòng 6" in body
    assert not Household.objects.filter(code__startswith="OWN").exists()

    [proposal] = job.summary["new_villages"]
    response = client.post(
        reverse("dataio:import-run", args=[job.pk]), {"create_villages": [proposal["key"]]}
    )
    assert response.status_code == 302
    imported = Job.objects.exclude(pk=job.pk).get(created_by=officer)
    assert imported.status == JobStatus.SUCCEEDED, imported.error
    assert imported.summary["households_created"] == 2 and imported.summary["villages_created"] == 1
    h = Household.objects.get(commune=commune_a, code="OWN01")
    assert h.head_name == "Điểu Thị Mai" and h.category == "poor" and h.is_ethnic_minority
    assert (h.category_decision, h.category_since, h.declared_persons) == (
        "12/QĐ-UBND",
        dt.date(2026, 12, 1),
        4,
    )
    assert Household.objects.get(commune=commune_a, code="OWN02").note == "chuyển đến"
    assert Household.objects.get(commune=commune_a, code="OWN02").village.name == "Ấp Mới Lập"

    # The next file of the same layout gets the saved mapping.
    upload = SimpleUploadedFile("lan-2.csv", OWN_LAYOUT.encode("utf-8"), content_type="text/csv")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    page = client.get(response["Location"])
    assert page.context["saved"] is True


@pytest.mark.django_db
def test_rejected_files_and_foreign_jobs(users, commune_a):
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    upload = SimpleUploadedFile("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    # Stored and read by a job, never in the request: the refusal is on the job and its mapping page.
    assert response.status_code == 302
    refused = Job.objects.get(created_by=officer)
    assert refused.status == JobStatus.FAILED and "không phải bảng tính" in refused.error
    body = client.get(response["Location"]).content.decode()
    assert "không phải bảng tính" in body and reverse("dataio:import-start") in body
    assert 'name="col_0"' not in body

    upload = SimpleUploadedFile("a.csv", OWN_LAYOUT.encode(), content_type="text/csv")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    pk = int(re.search(r"/(\d+)/", response["Location"])[1])
    other = client_for(users["canbo.tranbien"])
    for name in ("dataio:import-mapping", "dataio:import-detail"):
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert other.post(reverse("dataio:import-run", args=[pk])).status_code == 404


@pytest.mark.django_db
def test_template_and_xlsform_download(users):
    client = client_for(users["canbo.bugiamap"])
    for name in ("dataio:template", "dataio:xlsform"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_the_import_writes_the_plans_of_its_check(users, commune_a):
    """After a clean check, the import does not read the file again: it writes the check's plans."""
    from giamngheo.dataio.import_jobs import plans_path

    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    content = (
        "Mã hộ,Thôn/ấp/khu phố,Họ và tên,Giới tính,Ngày sinh,Quan hệ với chủ hộ\n"
        "PL01,Thôn 1,Lê Văn Kế,Nam,02/03/1970,Chủ hộ\n"
    )
    upload = SimpleUploadedFile("ho.csv", content.encode(), content_type="text/csv")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    mapping = client.get(response["Location"]).context["form"]
    data = {name: field.initial for name, field in mapping.fields.items() if name.startswith("col_")}
    client.post(response["Location"], data)
    check = Job.objects.get(created_by=officer)
    assert check.summary["households_created"] == 1 and plans_path(check.pk).is_file()
    check.input_file.delete(save=True)  # the import must not need the file any more
    client.post(reverse("dataio:import-run", args=[check.pk]), {})
    imported = Job.objects.exclude(pk=check.pk).get(created_by=officer)
    assert imported.status == JobStatus.SUCCEEDED, imported.error
    assert imported.summary["households_created"] == 1 and imported.summary["written"] is True
    assert Household.objects.get(commune=commune_a, code="PL01").head_name == "Lê Văn Kế"
    assert not plans_path(check.pk).exists()


@pytest.mark.django_db
def test_a_village_name_close_to_an_existing_one_is_chosen_by_the_user_and_remembered(users, commune_a):
    """ "Thôn n" beside an existing "Ấp n": proposed with the near match; the user says it is "Ấp n"; the
    name is remembered, and the next import matches it without asking."""
    from giamngheo.dataio.tests.test_commune_list import free_number
    from giamngheo.geo.models import Area

    n, trap = free_number(commune_a)
    village = Area.objects.get(parent=commune_a, name=trap)
    text = (
        "STT,Họ và tên chủ hộ,Năm sinh,Giới tính,Dân tộc,Thôn/ấp,Số nhân khẩu,Phân loại hộ\n"
        f"1,Điểu Văn Bảy,1977,Nam,Xtiêng,Thôn {n},3,Hộ nghèo\n"
    )
    officer = users["canbo.bugiamap"]
    client = client_for(officer)

    def check() -> Job:
        upload = SimpleUploadedFile("ds.csv", text.encode("utf-8"), content_type="text/csv")
        response = client.post(
            reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
        )
        job = Job.objects.filter(created_by=officer).latest("pk")
        page = client.get(response["Location"])
        form = page.context["form"]
        data = {f"col_{i}": form.fields[f"col_{i}"].initial for i in range(len(job.params["headers"]))}
        client.post(response["Location"], data)
        job.refresh_from_db()
        return job

    job = check()
    [proposal] = job.summary["new_villages"]
    assert proposal["village"] == f"Thôn {n}" and {"id": village.pk, "name": trap} in proposal["near"]
    body = client.get(reverse("dataio:import-detail", args=[job.pk])).content.decode()
    assert 'name="same_0"' in body and trap in body
    response = client.post(reverse("dataio:import-run", args=[job.pk]), {"same_0": village.pk})
    assert response.status_code == 302
    imported = Job.objects.filter(created_by=officer).latest("pk")
    assert imported.summary["households_created"] == 1 and imported.summary["villages_created"] == 0
    household = Household.objects.get(commune=commune_a, head_name="Điểu Văn Bảy")
    assert household.village_id == village.pk and household.members.count() == 1
    village.refresh_from_db()
    assert f"thon {n}" in village.aliases
    again = check()
    assert again.summary["new_villages"] == [] and again.summary["households_unchanged"] == 1
