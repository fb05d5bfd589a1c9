"""The export log (issue 12, finding 4): every download of personal data writes exactly one row (who, what,
filters, rows, format, when, from where); the administrator reads it with filters; failed sign-ins are kept
by django-axes and shown; other roles get no access to either page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from axes.models import AccessFailureLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import conftest
from giamngheo.core.models import ExportKind, ExportRecord
from giamngheo.households import selectors as household_selectors
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs.models import Job
from giamngheo.policies.models import Entitlement, Policy
from giamngheo.reviews.tests.test_documents import meeting, world  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

pytestmark = pytest.mark.django_db
OFFICER = "canbo.bugiamap"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Thử nghiệm " + "x" * 400


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user: User, **defaults: Any) -> Client:
    """The shared test client, from a browser of ours at a known address unless told otherwise."""
    return conftest.client_for(user, **{"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "10.1.2.3", **defaults})


def consume(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def one_new_record(before: int, response: Any) -> ExportRecord:
    assert response.status_code == 200, response.status_code
    consume(response)
    assert ExportRecord.objects.count() == before + 1  # exactly one row per download
    return ExportRecord.objects.order_by("-id").first()  # type: ignore[return-value]


# --- Each download writes one row --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_household_export_writes_one_row(users, commune_a, fmt) -> None:
    make_household(commune_a, code="EL-1", head="Người Thử Nhật Ký")
    officer = users[OFFICER]
    before = ExportRecord.objects.count()
    response = client_for(officer).get(
        reverse("households:household-export"), {"format": fmt, "commune": commune_a.pk, "q": "Thử"}
    )
    record = one_new_record(before, response)
    expected_rows = household_selectors.household_list(
        user=officer, filters=household_selectors.HouseholdFilters(commune_id=commune_a.pk, q="Thử")
    ).count()
    assert (record.user, record.username, record.kind, record.fmt) == (
        officer,
        OFFICER,
        "household_list",
        fmt,
    )
    assert record.rows == expected_rows >= 1
    assert record.filters == {"format": fmt, "commune": str(commune_a.pk), "q": "Thử"}
    assert record.ip_address == "10.1.2.3"
    assert record.user_agent == BROWSER[:255]
    assert record.filename.endswith(f".{fmt}")
    assert abs(record.created_at - timezone.now()) < dt.timedelta(minutes=1)


def test_forwarded_address_only_behind_a_proxy(users, settings) -> None:
    officer = users[OFFICER]
    url = reverse("households:household-export") + "?format=csv"
    client = client_for(officer, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    settings.SECURE_PROXY_SSL_HEADER = None
    consume(client.get(url))
    assert ExportRecord.objects.order_by("-id").first().ip_address == "10.1.2.3"  # a spoofable header ignored
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    consume(client.get(url))
    assert ExportRecord.objects.order_by("-id").first().ip_address == "203.0.113.9"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_gap_list_export_writes_one_row(users, fmt) -> None:
    specialist = users["chuyenvien"]
    year = timezone.localdate().year
    entitlement = (
        Entitlement.objects.filter(year=year, eligible=True, covered=False).select_related("policy").first()
    )
    policy = entitlement.policy if entitlement else Policy.objects.first()
    assert policy is not None
    before = ExportRecord.objects.count()
    response = client_for(specialist).get(
        reverse("policies:gap-list", args=[policy.code]), {"format": fmt, "year": year}
    )
    record = one_new_record(before, response)
    assert (record.kind, record.fmt, record.detail) == ("gap_list", fmt, policy.code)
    expected = Entitlement.objects.filter(year=year, policy=policy, eligible=True, covered=False).count()
    assert record.rows == expected
    assert record.filters["format"] == fmt


@pytest.fixture
def review_round(commune_a):  # type: ignore[no-untyped-def]
    from giamngheo.reviews import services
    from giamngheo.reviews.models import ReviewRound

    province = commune_a.parent
    found = ReviewRound.objects.filter(province=province, year=2026).first() or services.round_open(
        province=province, year=2026, acting_user=None
    )
    make_household(commune_a, code="EL-P1", head="Hộ Nghèo Nhật Ký", category="poor")
    services.summary_refresh(round_id=found.pk, commune_id=commune_a.pk)
    return found


@pytest.mark.parametrize(
    ("name", "args", "kind"),
    [
        ("tables:summary-xlsx", [], "official_summary"),
        ("tables:household-list-xlsx", ["poor"], "official_list"),
        ("tables:form-xlsx", ["7-1"], "official_form"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_official_tables_write_one_row(users, review_round, name, args, kind, fmt) -> None:
    from giamngheo.reviews import tables

    if name == "tables:form-xlsx":
        args = [next(iter(tables.FORMS))]
    before = ExportRecord.objects.count()
    query = {"year": 2026, **({"format": "csv"} if fmt == "csv" else {})}
    response = client_for(users[OFFICER]).get(reverse(name, args=args), query)
    record = one_new_record(before, response)
    assert (record.kind, record.fmt) == (kind, fmt)
    assert record.filters["year"] == "2026" and record.detail
    assert record.rows is not None and record.rows >= 1


def test_documents_and_certificates_write_one_row_each(world, meeting, users) -> None:  # noqa: F811
    review = world["review"]
    client = client_for(users[OFFICER])
    downloads = [
        (reverse("reviews:certificates-all", args=[review.pk]), "certificates"),
        (reverse("reviews:certificate", args=[world["poor"].pk]), "certificates"),
        (reverse("reviews:meeting-minutes", kwargs={"pk": review.pk, "meeting": meeting.pk}), "minutes"),
        (reverse("reviews:decision-docx", args=[review.pk]), "decision"),
    ]
    for url, kind in downloads:
        before = ExportRecord.objects.count()
        response = client.get(url)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        record = one_new_record(before, response)
        assert (record.kind, record.fmt, record.user) == (kind, "docx", users[OFFICER]), url
        assert record.rows and record.filename.endswith(".docx")
        assert record.filters["pk"] == review.pk or record.filters["pk"] == world["poor"].pk


def test_a_job_result_download_writes_one_row_with_the_jobs_params(users, commune_a) -> None:
    make_household(commune_a, code="EL-J1", head="Hộ Việc Nền")
    client = client_for(users[OFFICER])
    response = client.post(reverse("dataio-export:members"), {"format": "csv", "filters": "q=Vi%E1%BB%87c"})
    assert response.status_code == 302
    job = Job.objects.order_by("-id").first()
    job.refresh_from_db()
    assert job.result_file, job.status
    assert ExportRecord.objects.filter(kind="member_list").count() == 0  # creating the job is not a download
    before = ExportRecord.objects.count()
    response = client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "result"}))
    record = one_new_record(before, response)
    assert (record.kind, record.fmt, record.rows) == ("member_list", "csv", job.summary["rows"])
    assert record.filters == {"job": job.pk, "job_kind": "member_export", "params": job.params}
    assert record.detail == job.title


def test_templates_without_personal_data_write_no_row(users) -> None:
    client = client_for(users[OFFICER])
    before = ExportRecord.objects.count()
    response = client.get(reverse("dataio:template"))
    assert response.status_code == 200
    consume(response)
    assert ExportRecord.objects.count() == before


# --- The administrator's pages ----------------------------------------------------------------------------


def test_the_export_log_page_lists_and_filters(users, commune_a) -> None:
    officer = client_for(users[OFFICER])
    consume(officer.get(reverse("households:household-export"), {"format": "csv"}))
    consume(officer.get(reverse("households:household-export"), {"format": "xlsx"}))
    admin = Client()
    admin.force_login(users["admin"])
    url = reverse("web:export-log")
    page = admin.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nhật ký tải dữ liệu" in text and OFFICER in text and "Danh sách hộ gia đình" in text
    assert "10.1.2.3" in text
    assert [r.fmt for r in admin.get(url, {"fmt": "xlsx"}).context["page_obj"]] == ["xlsx"]
    assert admin.get(url, {"username": "khong-co-ai"}).context["page_obj"].paginator.count == 0
    assert admin.get(url, {"kind": ExportKind.GAP_LIST}).context["page_obj"].paginator.count == 0
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert admin.get(url, {"date_from": today, "date_to": today}).context["page_obj"].paginator.count >= 2
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert admin.get(url, {"date_from": tomorrow}).context["page_obj"].paginator.count == 0
    # Shown in Vietnam time.
    record = ExportRecord.objects.order_by("-id").first()
    assert timezone.localtime(record.created_at).strftime("%H:%M") in text


def test_a_failed_sign_in_is_kept_and_shown(users) -> None:
    before = AccessFailureLog.objects.count()
    response = Client(REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Trinh duyet thu").post(
        reverse("accounts:login"), {"username": "ke-la-mat", "password": "sai-mat-khau-1"}
    )
    assert response.status_code == 200
    assert AccessFailureLog.objects.count() == before + 1
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get(reverse("web:signin-failures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đăng nhập không thành công" in text
    assert "ke-la-mat" in text and "10.9.8.7" in text and "Trinh duyet thu" in text
    filtered = admin.get(reverse("web:signin-failures"), {"username": "ai-khac"})
    assert "ke-la-mat" not in filtered.content.decode()


@pytest.mark.parametrize("username", [OFFICER, "chuyenvien", "lanhdao"])
def test_other_roles_cannot_see_the_logs(users, username) -> None:
    client = Client()
    client.force_login(users[username])
    for name in ("web:export-log", "web:signin-failures"):
        assert client.get(reverse(name)).status_code in (403, 404)


def test_the_admin_menu_links_both_pages(users) -> None:
    admin = Client()
    admin.force_login(users["admin"])
    text = admin.get(reverse("web:audit-list")).content.decode()
    assert reverse("web:export-log") in text and reverse("web:signin-failures") in text
    officer = Client()
    officer.force_login(users[OFFICER])
    assert reverse("web:export-log") not in officer.get(reverse("web:home")).content.decode()


def test_job_report_and_input_downloads_write_one_row_each(users) -> None:
    from django.core.files.base import ContentFile

    from giamngheo.jobs.models import JobKind
    from giamngheo.jobs.services import job_create

    owner = users[OFFICER]
    job = job_create(
        kind=JobKind.HOUSEHOLD_IMPORT,
        title="Nhập danh sách thử",
        acting_user=owner,
        params={"dry_run": True},
        enqueue=False,
    )
    job.input_file.save("tai-len.xlsx", ContentFile(b"input"), save=False)
    job.input_name = "danh-sach.xlsx"
    job.report_file.save("bao-cao-loi.xlsx", ContentFile(b"report"), save=False)
    job.summary = {"rows_rejected": 4}
    job.save()
    client = client_for(owner)
    for which, kind, rows in (("report", "job_report", 4), ("input", "job_input", None)):
        before = ExportRecord.objects.count()
        response = client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": which}))
        record = one_new_record(before, response)
        assert (record.kind, record.fmt, record.rows) == (kind, "xlsx", rows)
        assert record.filters["job_kind"] == "household_import" and record.filters["params"] == {
            "dry_run": True
        }
    # A file the job does not have, or another user's job: a 404 and no row.
    before = ExportRecord.objects.count()
    assert (
        client.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "result"})).status_code == 404
    )
    other = client_for(users["canbo.tranbien"])
    assert (
        other.get(reverse("jobs:job-download", kwargs={"pk": job.pk, "which": "report"})).status_code == 404
    )
    assert ExportRecord.objects.count() == before
