"""The pull against a local stand-in of ODK Central (a real HTTP server speaking Central's OData JSON)."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as db
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.models import AuditRecord
from giamngheo.dataio.import_jobs import load_table
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.odk import central as central_module
from giamngheo.odk import services
from giamngheo.odk.models import Connection, Pull, Submission

from .standin import FORM, PROJECT, StandIn

PASSWORD = "mật-khẩu Central 2026!"


def _connection(user: User, commune: Any, url: str, **extra: Any) -> Connection:
    data = {
        "name": "Phiếu B – Trấn Biên",
        "commune_id": commune.pk,
        "base_url": url,
        "project_id": PROJECT,
        "form_id": FORM,
        "email": "canbo@example.gov.vn",
        "password_env": "",
        **extra.pop("data", {}),
    }
    return services.connection_create(acting_user=user, data=data, password=extra.get("password", PASSWORD))


def _pull(user: User, connection: Connection) -> Pull:
    pull = services.pull_start(acting_user=user, connection_id=connection.pk)
    assert pull.job is not None
    pull.job.refresh_from_db()
    return pull


def _rows(job: Job) -> list[dict[str, Any]]:
    table = load_table(Path(job.input_file.path), source="kobo")
    return [dict(zip(table.headers, row, strict=True)) for _n, row in table.rows]


@pytest.fixture
def officer(users: Any) -> Any:
    return users["canbo.tranbien"]


def test_pull_three_then_nothing_then_only_the_fourth(
    central: StandIn, officer: Any, commune_b: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(central_module, "PAGE", 2)  # three submissions: two pages, chained by nextLink
    connection = _connection(officer, commune_b, central.url)

    first = _pull(officer, connection)
    assert first.job.status == JobStatus.SUCCEEDED, first.job.error
    assert first.job.summary["households"] == 3 and first.job.summary["members"] == 4
    assert any("%24skip=2" in path or "$skip=2" in path for _m, path in central.requests)
    first.refresh_from_db()
    assert (first.submissions, first.members) == (3, 4)
    staged = first.import_job
    assert staged is not None and staged.kind == JobKind.HOUSEHOLD_IMPORT
    assert staged.created_by == officer and staged.params["commune_id"] == commune_b.pk
    assert staged.params["source"] == "kobo" and staged.params["stage"] == "inspect"
    staged.refresh_from_db()
    assert staged.status == JobStatus.SUCCEEDED, staged.error  # read like an uploaded export
    assert {"code", "village", "income_per_capita", "devices", "full_name", "sex", "date_of_birth"} <= set(
        staged.params["headers"]
    )
    rows = _rows(staged)
    assert [(r["code"], r["full_name"]) for r in rows] == [
        ("ODK-TB-001", "Phạm Văn Tâm"),
        ("ODK-TB-001", "Nguyễn Thị Hoa"),
        ("ODK-TB-002", "Lê Văn Sơn"),
        ("ODK-TB-003", "Điểu Thị Lan"),
    ]
    assert rows[0]["devices"] == "tv, smartphone"  # select_multiple split as kobo.py does
    assert rows[1]["village"] == "Khu phố 1" and str(rows[0]["income_per_capita"]) == "1200000"
    connection.refresh_from_db()
    assert connection.last_submission_at == dt.datetime(2026, 12, 2, 8, 5, 11, tzinfo=dt.UTC)
    assert Submission.objects.filter(connection=connection).count() == 3

    # The same mapping, check and matching pages as an uploaded file.
    client = client_for(officer)
    page = client.get(reverse("dataio:import-mapping", args=[staged.pk]))
    assert page.status_code == 200
    headers = staged.params["headers"]
    posted = {f"col_{i}": key for i, key in enumerate(headers)}
    answer = client.post(reverse("dataio:import-mapping", args=[staged.pk]), posted)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    staged.refresh_from_db()
    assert staged.status == JobStatus.SUCCEEDED, staged.error
    assert staged.params["dry_run"] is True
    assert staged.summary["households"] == 3 and staged.summary["rows"] == 4

    # Again: nothing new on the server, nothing pulled twice.
    second = _pull(officer, connection)
    assert second.job.status == JobStatus.SUCCEEDED, second.job.error
    assert second.job.summary["households"] == 0 and second.job.summary["already_pulled"] == 1
    second.refresh_from_db()
    assert second.import_job is None and second.submissions == 0

    # A fourth submission arrives: only it comes.
    central.published = 4
    third = _pull(officer, connection)
    assert third.job.status == JobStatus.SUCCEEDED, third.job.error
    third.refresh_from_db()
    assert (third.submissions, third.members) == (1, 1)
    assert [(r["code"], r["full_name"]) for r in _rows(third.import_job)] == [("ODK-TB-004", "Trần Văn Bình")]
    assert Submission.objects.filter(connection=connection).count() == 4
    assert Submission.objects.values("instance_id").distinct().count() == 4

    detail = client.get(reverse("odk:connection-detail", args=[connection.pk])).content.decode()
    assert reverse("dataio:import-mapping", args=[third.import_job.pk]) in detail
    assert PASSWORD not in detail


def _failed_pull_writes_nothing(officer: Any, connection: Connection) -> Job:
    imports_before = Job.objects.filter(kind=JobKind.HOUSEHOLD_IMPORT).count()
    pull = _pull(officer, connection)
    assert pull.job.status == JobStatus.FAILED
    connection.refresh_from_db()
    assert connection.last_submission_at is None
    assert not Submission.objects.filter(connection=connection).exists()
    assert Job.objects.filter(kind=JobKind.HOUSEHOLD_IMPORT).count() == imports_before
    pull.refresh_from_db()
    assert pull.import_job is None and pull.submissions is None
    return pull.job


def test_wrong_password_fails_the_job_with_its_reason(central: StandIn, officer: Any, commune_b: Any) -> None:
    connection = _connection(officer, commune_b, central.url, password="sai mật khẩu")
    job = _failed_pull_writes_nothing(officer, connection)
    assert job.error == "ODK Central từ chối tài khoản: hãy kiểm tra thư điện tử và mật khẩu."


def test_missing_form_and_unreachable_server_fail_with_their_reason(
    central: StandIn, officer: Any, commune_b: Any
) -> None:
    missing = _connection(officer, commune_b, central.url, data={"form_id": "khong_co"})
    assert "không có biểu mẫu" in _failed_pull_writes_nothing(officer, missing).error
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # a port nobody listens on once the socket is closed
    down = _connection(officer, commune_b, f"http://127.0.0.1:{closed}")
    assert "Không kết nối được" in _failed_pull_writes_nothing(officer, down).error


def test_older_central_without_the_repeat_filter(central: StandIn, officer: Any, commune_b: Any) -> None:
    connection = _connection(officer, commune_b, central.url)
    assert _pull(officer, connection).job.status == JobStatus.SUCCEEDED
    central.refuse_root_filter = True
    central.published = 4
    third = _pull(officer, connection)
    assert third.job.status == JobStatus.SUCCEEDED, third.job.error
    third.refresh_from_db()
    assert [(r["code"], r["full_name"]) for r in _rows(third.import_job)] == [("ODK-TB-004", "Trần Văn Bình")]


def test_the_password_is_not_stored_in_clear(central: StandIn, officer: Any, commune_b: Any) -> None:
    connection = _connection(officer, commune_b, central.url)
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM odk_connection WHERE id = %s", [connection.pk])
        row = cursor.fetchone()
    assert row is not None and all(PASSWORD not in str(value) for value in row)
    assert connection.password_sealed and PASSWORD.encode() not in connection.password_sealed.encode()
    assert services.connection_password(Connection.objects.get(pk=connection.pk)) == PASSWORD
    records = AuditRecord.objects.filter(target_type="odk.connection", target_id=str(connection.pk))
    assert records.exists()
    assert all(PASSWORD not in str(r.before) + str(r.after) + r.note for r in records)
    assert all(connection.password_sealed not in str(r.after) for r in records)


def test_password_from_the_environment(
    central: StandIn, officer: Any, commune_b: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODK_PASSWORD_TRAN_BIEN", PASSWORD)
    connection = _connection(
        officer, commune_b, central.url, password="", data={"password_env": "ODK_PASSWORD_TRAN_BIEN"}
    )
    assert connection.password_sealed == ""
    pull = _pull(officer, connection)
    assert pull.job.status == JobStatus.SUCCEEDED, pull.job.error
    monkeypatch.delenv("ODK_PASSWORD_TRAN_BIEN")
    assert "biến môi trường" in _pull(officer, connection).job.error


def test_only_odk_password_variables_may_be_named(central: StandIn, officer: Any, commune_b: Any) -> None:
    from giamngheo.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        _connection(officer, commune_b, central.url, password="", data={"password_env": "SECRET_KEY"})
    assert caught.value.extra["field"] == "password_env"


def test_a_new_form_starts_from_its_first_submission(central: StandIn, officer: Any, commune_b: Any) -> None:
    connection = _connection(officer, commune_b, central.url)
    _pull(officer, connection)
    connection.refresh_from_db()
    assert connection.last_submission_at is not None
    data = {
        "name": connection.name,
        "commune_id": commune_b.pk,
        "base_url": central.url,
        "project_id": PROJECT,
        "form_id": FORM + "_v2",
        "email": connection.email,
        "password_env": "",
    }
    sealed = connection.password_sealed
    changed = services.connection_update(acting_user=officer, connection_id=connection.pk, data=data)
    assert changed.last_submission_at is None
    assert changed.password_sealed == sealed  # an empty password keeps the stored one
