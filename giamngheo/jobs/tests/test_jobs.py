"""Background jobs: who sees them, how a run is recorded, the page that follows a job, and the export and
reclassification jobs end to end (the test settings run a job as soon as it is enqueued)."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from giamngheo.core.errors import ValidationFailed
from giamngheo.dataio import member_export
from giamngheo.households import selectors as household_selectors
from giamngheo.households import services as household_services
from giamngheo.households.exports import HEADERS
from giamngheo.households.models import Member
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs import registry as job_registry
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.jobs.services import Progress, job_create, job_run

HANDLER = "giamngheo.jobs.tests.test_jobs"
NATIONAL_ID = "070190123456"


# --- Handlers registered for these tests (in place of the import's) ------------------------------------


def handler_ok(job: Job, progress: Progress) -> dict[str, Any]:
    progress.start("Counting the rows", 3)
    for done in range(1, 4):
        progress.advance(done)
    progress.log("three rows seen")
    job.result_file.save("result.txt", ContentFile(b"the result"), save=False)
    job.result_name = "ket-qua.txt"
    job.report_file.save("report.txt", ContentFile(b"the report"), save=False)
    return {"rows": 3, "households_created": 2, "some_new_count": 7}


def handler_rejects(job: Job, progress: Progress) -> None:
    progress.start("Reading", 10)
    progress.advance(4)
    raise ValidationFailed("Column “Mã hộ” is missing.")


def handler_crashes(job: Job, progress: Progress) -> None:
    progress.start("Reading", 10)
    raise RuntimeError("disk on fire")


def handler_never(job: Job, progress: Progress) -> None:
    raise AssertionError("this job was not meant to run")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def handler(monkeypatch):  # type: ignore[no-untyped-def]
    """Register a handler of this module for the import kind."""

    def register(name: str) -> None:
        monkeypatch.setitem(
            job_registry.TYPES,
            JobKind.HOUSEHOLD_IMPORT,
            job_registry.JobType(JobKind.HOUSEHOLD_IMPORT, import_string(f"{HANDLER}.{name}"), label="test"),
        )

    return register


def run(user, name: str, handler) -> Job:  # type: ignore[no-untyped-def]
    handler(name)
    return job_create(kind=JobKind.HOUSEHOLD_IMPORT, title=f"Job {name}", acting_user=user)


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


# --- Running a job ------------------------------------------------------------------------------------


def test_a_successful_run_stores_progress_log_summary_and_files(users, handler) -> None:
    job = run(users["canbo.bugiamap"], "handler_ok", handler)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.is_finished
    assert (job.done, job.total, job.percent, job.stage) == (3, 3, 100, "Counting the rows")
    assert job.summary == {"rows": 3, "households_created": 2, "some_new_count": 7}
    assert "Counting the rows" in job.log and "three rows seen" in job.log
    assert job.started_at is not None and job.finished_at is not None and job.error == ""
    assert job.result_file and job.result_name == "ket-qua.txt" and job.report_file
    assert job_run(job_id=job.pk) is None  # a finished job is not run again


def test_an_application_error_fails_the_job_with_its_message(users, handler) -> None:
    job = run(users["canbo.bugiamap"], "handler_rejects", handler)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error == "Column “Mã hộ” is missing."
    assert "Column “Mã hộ” is missing." in job.log
    assert (job.done, job.total) == (4, 10) and job.summary == {}


def test_an_unexpected_error_fails_the_job_with_a_general_message(users, handler) -> None:
    job = run(users["canbo.bugiamap"], "handler_crashes", handler)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error and "disk on fire" not in job.error  # no internals on the page…
    assert "RuntimeError: disk on fire" in job.log  # …but the log says what stopped it


# --- Pages ------------------------------------------------------------------------------------------


def job_urls(job: Job) -> list[str]:
    return [
        reverse("jobs:job-detail", kwargs={"pk": job.pk}),
        reverse("jobs:job-status", kwargs={"pk": job.pk}),
        *[
            reverse("jobs:job-download", kwargs={"pk": job.pk, "which": w})
            for w in ("result", "report", "input")
        ],
    ]


def test_a_job_is_seen_only_by_the_user_who_started_it(users, handler) -> None:
    owner = users["canbo.bugiamap"]
    handler("handler_ok")
    job = job_create(
        kind=JobKind.HOUSEHOLD_IMPORT,
        title="Import of Bù Gia Mập",
        acting_user=owner,
        upload=ContentFile(b"a,b\n1,2\n", name="ho-gia-dinh.csv"),
    )
    for url in job_urls(job):
        assert client_for(owner).get(url).status_code == 200, url
    for other in ("canbo.tranbien", "chuyenvien", "admin"):
        client = client_for(users[other])
        for url in job_urls(job):
            assert client.get(url).status_code == 404, (other, url)
        assert b"Import of B" not in client.get(reverse("jobs:job-list")).content
    listing = client_for(owner).get(reverse("jobs:job-list"))
    assert listing.status_code == 200 and "Import of Bù Gia Mập" in listing.content.decode()


def test_the_list_is_empty_for_a_new_user(users) -> None:
    response = client_for(users["lanhdao"]).get(reverse("jobs:job-list"))
    assert response.status_code == 200 and b'data-testid="empty-state"' in response.content


def test_the_menu_links_to_the_jobs(users) -> None:
    response = client_for(users["lanhdao"]).get(reverse("web:home"))
    assert f'href="{reverse("jobs:job-list")}"'.encode() in response.content


def test_the_detail_page_shows_summary_log_and_downloads(users, handler) -> None:
    owner = users["canbo.bugiamap"]
    job = run(owner, "handler_ok", handler)
    page = client_for(owner).get(reverse("jobs:job-detail", kwargs={"pk": job.pk})).content.decode()
    assert "Hộ được thêm mới" in page and "some_new_count" not in page  # known keys labelled, never a key
    assert "three rows seen" in page and 'data-testid="job-log"' in page
    assert reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "result"}) in page
    assert reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "report"}) in page
    assert "hx-trigger" not in page


def test_downloads_are_attachments_with_the_stored_file(users, handler) -> None:
    owner = users["canbo.bugiamap"]
    job = run(owner, "handler_ok", handler)
    client = client_for(owner)
    result = client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "result"}))
    assert result.status_code == 200 and body(result) == b"the result"
    assert (
        result["Content-Disposition"].startswith("attachment")
        and "ket-qua.txt" in result["Content-Disposition"]
    )
    report = client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "report"}))
    assert body(report) == b"the report" and "attachment" in report["Content-Disposition"]
    # No input file on this job, and no such kind of file at all: both 404.
    assert (
        client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "input"})).status_code == 404
    )
    assert client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "log"})).status_code == 404


def test_the_status_part_polls_until_the_job_has_finished(users, handler) -> None:
    owner = users["canbo.bugiamap"]
    handler("handler_ok")
    job = job_create(kind=JobKind.HOUSEHOLD_IMPORT, title="Waiting", acting_user=owner, enqueue=False)
    client = client_for(owner)
    status_url = reverse("jobs:job-status", kwargs={"pk": job.pk})

    queued = client.get(status_url).content.decode()
    assert 'hx-trigger="every 1s"' in queued and f'hx-get="{status_url}"' in queued
    assert 'hx-swap="outerHTML"' in queued and 'data-status="queued"' in queued
    assert (
        'hx-trigger="every 1s"'
        in client.get(reverse("jobs:job-detail", kwargs={"pk": job.pk})).content.decode()
    )

    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, total=200, done=50, stage="Saving")
    running = client.get(status_url).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'aria-valuenow="25"' in running and "Saving" in running

    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    job_run(job_id=job.pk)
    finished = client.get(status_url).content.decode()
    assert "hx-trigger" not in finished and "hx-get" not in finished and 'data-status="succeeded"' in finished
    assert 'aria-valuenow="100"' in finished


def test_a_failed_job_shows_its_error(users, handler) -> None:
    owner = users["canbo.bugiamap"]
    job = run(owner, "handler_rejects", handler)
    page = client_for(owner).get(reverse("jobs:job-status", kwargs={"pk": job.pk})).content.decode()
    assert 'data-testid="job-error"' in page and "is missing." in page and "hx-trigger" not in page


# --- Export jobs --------------------------------------------------------------------------------------


@pytest.fixture
def registry(commune_a, commune_b):  # type: ignore[no-untyped-def]
    """Households in both communes; in commune A, one with a spouse who has a national ID."""
    make_household(
        commune_a,
        code="JA-1",
        head="Điểu Lệ",
        members=[
            {
                "full_name": "Thị Hoa",
                "sex": "F",
                "date_of_birth": dt.date(1990, 1, 1),
                "relationship": "spouse",
                "national_id": NATIONAL_ID,
                "has_health_insurance": True,
            }
        ],
    )
    make_household(commune_a, code="JA-2", head="Điểu Minh")
    make_household(commune_b, code="JB-1", head="Lê Văn Bình")


def export(client: Client, name: str, **data: str) -> Job:
    response = client.post(reverse(f"dataio-export:{name}"), data)
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert response["Location"] == reverse("jobs:job-detail", kwargs={"pk": job.pk})
    return job


def download(client: Client, job: Job) -> bytes:
    response = client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "result"}))
    assert response.status_code == 200
    return body(response)


def xlsx(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_household_export_job_matches_the_list_of_a_commune_officer(users, registry) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    job = export(client, "households", format="xlsx", filters="")
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.kind == JobKind.HOUSEHOLD_EXPORT and job.created_by == officer
    assert job.result_name == f"ho-gia-dinh-{dt.date.today():%Y%m%d}.xlsx"
    rows = xlsx(download(client, job))
    expected = household_selectors.household_list(user=officer)
    assert rows[0] == HEADERS
    assert len(rows) - 1 == expected.count() == job.summary["rows"] == job.total == job.done
    codes = [row[HEADERS.index("Mã hộ")] for row in rows[1:]]
    assert "JA-1" in codes and "JA-2" in codes and "JB-1" not in codes  # commune B is not in scope
    assert codes == list(expected.values_list("code", flat=True))


def test_household_export_job_keeps_the_filters_of_the_list(users, registry, commune_b) -> None:
    client = client_for(users["chuyenvien"])
    job = export(client, "households", format="csv", filters=f"commune={commune_b.pk}&q=JB-1&page=3")
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.params == {"format": "csv", "filters": f"commune={commune_b.pk}&q=JB-1"}  # not the page
    data = download(client, job)
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "JB-1" in lines[1] and job.summary == {"rows": 1}


def test_member_export_job_has_one_row_per_active_member(users, registry) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    job = export(client, "members", format="xlsx", filters="q=JA-1")
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.result_name.startswith("thanh-vien-") and job.result_name.endswith(".xlsx")
    rows = xlsx(download(client, job))
    assert rows[0] == member_export.HEADERS
    by_name = {row[member_export.HEADERS.index("Họ và tên")]: row for row in rows[1:]}
    assert list(by_name) == ["Điểu Lệ", "Thị Hoa"]  # the head first
    wife = by_name["Thị Hoa"]
    column = member_export.HEADERS.index
    assert wife[column("Mã hộ")] == "JA-1" and wife[column("Quan hệ với chủ hộ")] == "Vợ/chồng"
    assert wife[column("Giới tính")] == "Nữ" and wife[column("Có thẻ BHYT")] == "Có"
    assert wife[column("Ngày sinh")].date() == dt.date(1990, 1, 1)
    assert wife[column("Số CCCD")] == NATIONAL_ID  # the officer sees IDs in full
    assert job.summary == {"rows": 2}


def test_member_export_leaves_out_members_who_left(users, registry) -> None:
    wife = Member.objects.get(national_id=NATIONAL_ID)
    household_services.member_update(
        member=wife, data={"is_active": False}, version=wife.version, acting_user=None
    )
    client = client_for(users["canbo.bugiamap"])
    job = export(client, "members", format="csv", filters="q=JA-1")
    lines = download(client, job).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Điểu Lệ" in lines[1]


ROLES_WITHOUT_IDS = [
    role
    for role, capabilities in ROLE_CAPABILITIES.items()
    if Capability.DOWNLOAD_PERSONAL_DATA in capabilities and Capability.VIEW_PERSONAL_IDS not in capabilities
]


@pytest.mark.skipif(not ROLES_WITHOUT_IDS, reason="every role that downloads also sees IDs in full")
def test_member_export_masks_ids_for_a_role_without_personal_ids(users, registry) -> None:  # pragma: no cover
    user = next(u for u in users.values() if u.role in ROLES_WITHOUT_IDS)
    client = client_for(user)
    rows = xlsx(download(client, export(client, "members", format="xlsx", filters="q=JA-1")))
    ids = [row[member_export.HEADERS.index("Số CCCD")] for row in rows[1:]]
    assert NATIONAL_ID not in ids


def test_member_export_masks_ids_when_the_role_may_not_see_them(users, registry, monkeypatch) -> None:
    """No role today sees households without seeing IDs; the masking still follows the role's table."""
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.COMMUNE_OFFICER,
        ROLE_CAPABILITIES[Role.COMMUNE_OFFICER] - {Capability.VIEW_PERSONAL_IDS},
    )
    client = client_for(users["canbo.bugiamap"])
    rows = xlsx(download(client, export(client, "members", format="xlsx", filters="q=JA-1")))
    ids = [row[member_export.HEADERS.index("Số CCCD")] for row in rows[1:]]
    assert "070******456" in ids and NATIONAL_ID not in ids


def test_export_buttons_need_the_capability_and_a_post(users) -> None:
    assert (
        client_for(users["lanhdao"]).post(reverse("dataio-export:households"), {"format": "xlsx"}).status_code
        == 403
    )
    assert (
        client_for(users["lanhdao"]).post(reverse("dataio-export:members"), {"format": "xlsx"}).status_code
        == 403
    )
    officer = client_for(users["canbo.bugiamap"])
    assert officer.get(reverse("dataio-export:households")).status_code == 405
    assert officer.post(reverse("dataio-export:households"), {"format": "pdf"}).status_code == 400
    assert not Job.objects.exists()


def test_a_job_fails_when_its_creator_lost_the_capability(users) -> None:
    officer = users["canbo.bugiamap"]
    job = job_create(
        kind=JobKind.HOUSEHOLD_EXPORT,
        title="Export",
        acting_user=officer,
        params={"format": "xlsx", "filters": ""},
        enqueue=False,
    )
    officer.role = Role.VIEWER
    officer.save()
    job = job_run(job_id=job.pk)
    assert job is not None and job.status == JobStatus.FAILED and job.error and not job.result_file


# --- Reclassification job --------------------------------------------------------------------------------


def test_reclassify_job_runs_for_the_province_and_reports_counts(users, commune_a) -> None:
    make_household(commune_a, code="JR-1", income_per_capita=900_000)
    client = client_for(users["chuyenvien"])
    response = client.post(reverse("dataio-export:reclassify"))
    job = Job.objects.get(kind=JobKind.RECLASSIFY)
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:job-detail", kwargs={"pk": job.pk}
    )
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.params == {"province": 75, "year": dt.date.today().year}
    assert set(job.summary) == {"households", "changed", "unclassified", "undetermined", "seconds"}
    assert job.summary["households"] >= 1 and job.done == job.total == job.summary["households"]
    page = client.get(reverse("jobs:job-detail", kwargs={"pk": job.pk})).content.decode()
    assert "Hộ có kết quả thay đổi" in page


def test_reclassify_needs_the_capability(users) -> None:
    assert client_for(users["canbo.bugiamap"]).post(reverse("dataio-export:reclassify")).status_code == 403
    assert not Job.objects.exists()
