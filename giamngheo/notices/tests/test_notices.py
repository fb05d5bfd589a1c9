"""Notifications: sending (dedup by key), reading (only one's own), the menu's count, the pages, the
producers (jobs, the review's alerts scan) and the weekly digest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.errors import ValidationFailed
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs import registry as job_registry
from giamngheo.jobs.models import Job, JobKind
from giamngheo.jobs.services import Progress, job_create
from giamngheo.notices import selectors, services
from giamngheo.notices.digest import Week
from giamngheo.notices.models import NoticeKind, Notification
from giamngheo.reviews import services as reviews
from giamngheo.reviews.alerts import alerts_scan
from giamngheo.reviews.models import CommuneReview, RegularRequest

HANDLER = "giamngheo.notices.tests.test_notices"


def handler_ok(job: Job, progress: Progress) -> dict[str, Any]:
    progress.start("Counting", 1)
    job.result_file.save("r.txt", ContentFile(b"x"), save=False)
    return {"rows": 1}


def handler_crashes(job: Job, progress: Progress) -> None:
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _send(user: User, n: int = 1, key: str | None = None, **kw: Any) -> list[Notification]:
    sent: list[Notification] = []
    for i in range(n):
        sent += services.notify(
            recipients=[user],
            kind=kw.get("kind", NoticeKind.JOB_FINISHED),
            title=kw.get("title", f"Thông báo số {i}"),
            body="Nội dung",
            url=kw.get("url", "/jobs/"),
            key=key,
        )
    return sent


# --- Sending and reading ---------------------------------------------------------------------------------


def test_notify_with_a_key_is_not_repeated_while_unread(users) -> None:
    officer, other = users["canbo.bugiamap"], users["canbo.tranbien"]
    first = services.notify(recipients=[officer, other, officer.pk], kind="x", title="A", url="/", key="k:1")
    assert len(first) == 2
    again = services.notify(recipients=[officer, other], kind="x", title="A", url="/", key="k:1")
    assert again == []
    assert Notification.objects.filter(key="k:1").count() == 2
    services.mark_all_read(user=officer)
    # Read: the same alert may come again (unless told less than ``remind_after`` ago).
    assert (
        services.notify(
            recipients=[officer], kind="x", title="A", url="/", key="k:1", remind_after=dt.timedelta(days=7)
        )
        == []
    )
    assert len(services.notify(recipients=[officer], kind="x", title="A", url="/", key="k:1")) == 1
    # Without a key, every call sends.
    assert len(_send(officer, 2)) == 2


def test_notify_links_only_to_paths_of_the_site(users) -> None:
    for url in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(ValidationFailed):
            services.notify(recipients=[users["lanhdao"]], kind="x", title="A", url=url)


def test_mark_read_touches_only_ones_own(users) -> None:
    mine = _send(users["lanhdao"])[0]
    theirs = _send(users["chuyenvien"])[0]
    assert services.mark_read(user=users["lanhdao"], notification_ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert selectors.notification_list(user=users["lanhdao"]).filter(pk=theirs.pk).count() == 0


def test_unread_count_is_one_query_and_cached_per_request(users, django_assert_num_queries) -> None:
    user = users["lanhdao"]
    _send(user, 3)
    with django_assert_num_queries(1):
        assert selectors.unread_count(user=user) == 3
        assert selectors.unread_count(user=user) == 3


def test_list_puts_unread_first(users) -> None:
    user = users["lanhdao"]
    old, new = _send(user, 2)
    services.mark_read(user=user, notification_ids=[new.pk])
    assert list(selectors.notification_list(user=user).values_list("pk", flat=True))[:2] == [old.pk, new.pk]


# --- The menu and the pages ------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_in_vietnamese(users) -> None:
    user = users["lanhdao"]
    page = client_for(user).get(reverse("web:home")).content.decode()
    assert 'data-testid="notices-bell"' in page and "Thông báo: không có thông báo chưa đọc" in page
    _send(user, 3)
    page = client_for(user).get(reverse("web:home")).content.decode()
    assert re.search(r'data-testid="notices-count"[^>]*>3<', page)
    assert "Thông báo: 3 chưa đọc" in page


def test_the_bell_costs_one_query(users, django_assert_max_num_queries) -> None:
    user = users["lanhdao"]
    client = client_for(user)
    client.get(reverse("notices:list"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("jobs:job-list"))
    assert sum("notices_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_list_page_empty_state_and_opening_marks_read(users) -> None:
    user = users["lanhdao"]
    client = client_for(user)
    page = client.get(reverse("notices:list")).content.decode()
    assert "Bạn chưa có thông báo nào." in page
    notice = _send(user, url="/jobs/")[0]
    page = client.get(reverse("notices:list")).content.decode()
    assert notice.title in page and "Đánh dấu tất cả là đã đọc" in page and "gn-notice-unread" in page
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 405
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    page = client.get(reverse("notices:list") + "?unread=1").content.decode()
    assert "Bạn không có thông báo chưa đọc." in page


def test_another_users_notification_is_a_404(users) -> None:
    theirs = _send(users["chuyenvien"])[0]
    response = client_for(users["lanhdao"]).post(reverse("notices:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(users) -> None:
    user, other = users["lanhdao"], users["chuyenvien"]
    _send(user, 2)
    _send(other, 1)
    response = client_for(user).post(reverse("notices:read-all"))
    assert response.status_code == 302
    assert selectors.unread_count(user=users["lanhdao"].__class__.objects.get(pk=user.pk)) == 0
    assert Notification.objects.filter(recipient=other, read_at=None).count() == 1


def test_templates_have_no_inline_script_or_style() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates" / "notices"
    for template in root.glob("*.html"):
        text = template.read_text()
        assert "<script" not in text and "<style" not in text and " style=" not in text
        assert not re.search(r"\son[a-z]+=", text), template


# --- Producers -------------------------------------------------------------------------------------------


def test_a_finished_or_failed_job_tells_its_creator(users, monkeypatch) -> None:
    user = users["chuyenvien"]
    for name in ("handler_ok", "handler_crashes"):
        monkeypatch.setitem(
            job_registry.TYPES,
            JobKind.HOUSEHOLD_EXPORT,
            job_registry.JobType(
                JobKind.HOUSEHOLD_EXPORT, import_string(f"{HANDLER}.{name}"), label="Xuất hộ"
            ),
        )
        job_create(kind=JobKind.HOUSEHOLD_EXPORT, title=f"Việc {name}", acting_user=user)
    done = Notification.objects.get(recipient=user, kind=NoticeKind.JOB_FINISHED, body="Việc handler_ok")
    assert done.title == "Công việc chạy nền đã xong: Xuất hộ" and done.url.startswith("/jobs/")
    failed = Notification.objects.get(recipient=user, kind=NoticeKind.JOB_FAILED)
    assert failed.title == "Công việc chạy nền không thành công: Xuất hộ"


def test_a_job_of_the_system_tells_nobody(users, monkeypatch) -> None:
    monkeypatch.setitem(
        job_registry.TYPES,
        JobKind.HOUSEHOLD_EXPORT,
        job_registry.JobType(JobKind.HOUSEHOLD_EXPORT, handler_ok, label="x"),
    )
    before = Notification.objects.count()
    job_create(kind=JobKind.HOUSEHOLD_EXPORT, title="Hệ thống", acting_user=None)
    assert Notification.objects.count() == before


@pytest.fixture
def overdue(users, commune_a) -> RegularRequest:  # type: ignore[no-untyped-def]
    household = make_household(commune_a, head="Lê Văn Quá Hạn")
    return reviews.regular_request_file(
        household=household, kind="become_poor", filed_on=dt.date(2026, 3, 1), acting_user=None
    )


def test_an_overdue_request_tells_the_officer_once_even_when_scanned_twice(users, overdue) -> None:
    officer, specialist = users["canbo.bugiamap"], users["chuyenvien"]
    day = overdue.due_on + dt.timedelta(days=1)
    alerts_scan(on=day)
    key = f"request_overdue:{overdue.pk}"
    assert Notification.objects.filter(recipient=officer, key=key).count() == 1
    assert not Notification.objects.filter(recipient=users["canbo.tranbien"], key=key).exists()
    assert Notification.objects.filter(recipient=specialist, key="request_overdue:summary").count() == 1
    services.mark_all_read(user=officer)
    call_command("reviews_alerts", on=day.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.filter(recipient=officer, key=key).count() == 1
    notice = Notification.objects.get(recipient=officer, key=key)
    assert notice.url == reverse("reviews:request-decide", args=[overdue.pk])
    assert "quá 15 ngày" in notice.title


def test_a_request_not_yet_due_tells_nobody(users, overdue) -> None:
    alerts_scan(on=overdue.due_on)
    assert not Notification.objects.filter(key=f"request_overdue:{overdue.pk}").exists()


def test_a_late_commune_review_tells_its_officer_and_the_specialist(users, province, commune_a) -> None:
    review_round = reviews.round_open(province=province, year=2026, acting_user=users["chuyenvien"])
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    result = alerts_scan(on=review_round.ends_on + dt.timedelta(days=1))
    assert result["late_reviews"] >= 1
    notice = Notification.objects.get(recipient=users["canbo.bugiamap"], key=f"review_late:{review.pk}")
    assert notice.kind == NoticeKind.REVIEW_LATE and "Xã Bù Gia Mập" in notice.title
    assert Notification.objects.filter(
        recipient=users["chuyenvien"], key=f"review_late:round:{review_round.pk}"
    ).exists()
    assert alerts_scan(on=review_round.ends_on)["late_reviews"] == 0


# --- The weekly digest ---------------------------------------------------------------------------------


def test_the_digest_is_in_vietnamese_scoped_and_printable(users, overdue) -> None:
    page = client_for(users["lanhdao"]).get(reverse("notices:digest")).content.decode()
    assert "Bản tin tuần" in page and "Yêu cầu trong năm" in page and "Hỗ trợ đã thực hiện" in page
    assert "css/notices.css" in page and 'data-testid="digest-targets"' in page
    assert "Tỉnh Đồng Nai" in page or "Đồng Nai" in page
    assert client_for(users["vanphong"]).get(reverse("notices:digest")).status_code == 200
    assert client_for(users["truongphong"]).get(reverse("notices:digest")).status_code == 403


def test_the_digest_counts_only_the_users_scope(users, overdue) -> None:
    week = Week.ending(overdue.filed_on + dt.timedelta(days=3))
    from giamngheo.reviews.alerts import request_section

    mine = request_section(users["canbo.bugiamap"], week)
    theirs = request_section(users["canbo.tranbien"], week)
    assert mine is not None and theirs is not None
    assert mine.rows[0].value >= 1  # type: ignore[operator]
    assert theirs.rows[0].value == 0
    monday = week.start - dt.timedelta(days=week.start.weekday())
    page = client_for(users["canbo.tranbien"]).get(reverse("notices:digest") + "?week=" + monday.isoformat())
    assert page.status_code == 200


def test_a_registered_section_fills_the_targets_slot(users) -> None:
    from giamngheo.notices.digest import SECTIONS, sections_for
    from giamngheo.plans.alerts import target_section

    # The plans app registers the slot's section in its ready(); its content is tested in plans.
    assert SECTIONS["targets"].provider is target_section
    _sections, empty_slots = sections_for(user=users["lanhdao"], week=Week.ending(timezone.localdate()))
    assert "targets" not in empty_slots
    page = client_for(users["lanhdao"]).get(reverse("notices:digest")).content.decode()
    assert 'data-testid="digest-targets"' in page


def test_week_bounds() -> None:
    week = Week.of_monday(dt.date(2026, 3, 4))
    assert (week.start, week.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert week.after == dt.date(2026, 3, 9)
    assert Week.ending(timezone.localdate()).end == timezone.localdate()
