"""Staged import plans are JSON, private and pruned; uploads, job results and the SQLite database are private
(issue 12, finding 6)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import os
import re
import stat
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from giamngheo.dataio.import_jobs import plans_dir, plans_path
from giamngheo.dataio.imports import stage_dump, stage_load
from giamngheo.jobs.models import Job, JobKind, JobStatus

APP = Path(settings.BASE_DIR) / "giamngheo"
LIST = (
    "Mã hộ,Thôn/ấp/khu phố,Họ và tên,Giới tính,Ngày sinh,Quan hệ với chủ hộ\n"
    "ST01,Thôn 1,Lê Văn Kế,Nam,02/03/1970,Chủ hộ\n"
    "ST01,Thôn 1,Lê Thị Na,Nữ,31/12/1999,Con\n"
    "ST02,Thôn 1,Không Có Năm Sinh,Nam,99/99/1970,Chủ hộ\n"
)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_no_pickle_left_in_the_app() -> None:
    found = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if re.search(r"^\s*(import|from)\s+c?pickle\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert found == []


def test_staged_values_come_back_exactly() -> None:
    value = [
        [
            "A",
            10**15,
            None,
            True,
            1.5,
            {"since": dt.date(2026, 2, 28), "at": dt.datetime(2026, 1, 2, 3, 4, 5)},
        ],
        {"money": decimal.Decimal("1500000"), "text": "Điểu Thị Mai = 1+1"},
        {"at": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC), "quote": 'a "b" \\ \x1f\n', "": ""},
    ]
    out = io.BytesIO()
    stage_dump(value, out)
    stage_dump([], out)
    # Keys that are numbers and sets (orjson's options and the default), and an integer past 64 bits (which
    # orjson refuses: written by the standard library), come back as the standard library reads them.
    stage_dump({"rows": {7: ["x"]}, "devices": {"tv", "fridge"}}, out)
    stage_dump({"big": 10**30, "rows": {7: ["x"]}}, out)
    out.seek(0)
    assert stage_load(out) == value and stage_load(out) == []
    assert stage_load(out) == {"rows": {"7": ["x"]}, "devices": ["fridge", "tv"]}
    assert stage_load(out) == {"big": 10**30, "rows": {"7": ["x"]}}
    with pytest.raises(EOFError):
        stage_load(out)


@pytest.mark.django_db
def test_a_check_stages_its_plans_as_private_json_and_the_import_removes_them(users, commune_a) -> None:
    officer = users["canbo.bugiamap"]
    client = client_for(officer)
    upload = SimpleUploadedFile("ho.csv", LIST.encode(), content_type="text/csv")
    response = client.post(
        reverse("dataio:import-start"), {"file": upload, "commune": commune_a.pk, "source": "table"}
    )
    mapping = client.get(response["Location"]).context["form"]
    data = {name: field.initial for name, field in mapping.fields.items() if name.startswith("col_")}
    client.post(response["Location"], data | {"valid_rows_only": "on"})
    check = Job.objects.get(created_by=officer)
    assert check.status == JobStatus.SUCCEEDED, check.error
    staged = plans_path(check.pk)
    assert staged.suffix == ".jsonl" and mode(staged) == 0o600 and mode(staged.parent) == 0o700
    lines = staged.read_bytes().splitlines()
    outcome = json.loads(lines[0])
    assert outcome["households_created"] == 1 and outcome["households_rejected"] == 1
    assert all(json.loads(line) is not None for line in lines[1:])
    assert '{"__date__":"1999-12-31"}' in staged.read_text(encoding="utf-8")

    # Private files: the stored upload and the error report written by the job.
    assert mode(check.input_file.path) == 0o600 and mode(Path(check.input_file.path).parent) == 0o700
    assert check.report_file and mode(check.report_file.path) == 0o600

    client.post(reverse("dataio:import-run", args=[check.pk]), {"valid_rows_only": "on"})
    imported = Job.objects.exclude(pk=check.pk).get(created_by=officer)
    assert imported.status == JobStatus.SUCCEEDED and imported.summary["households_created"] == 1
    from giamngheo.households.models import Member

    assert Member.objects.get(household__commune=commune_a, full_name="Lê Thị Na").date_of_birth == dt.date(
        1999, 12, 31
    )
    assert not staged.exists()


@pytest.mark.django_db
def test_prune_removes_old_staged_plans_and_input_files_and_keeps_recent_ones(users) -> None:
    officer = users["canbo.bugiamap"]
    folder = plans_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old_plans, new_plans = folder / "990001.jsonl", folder / "990002.jsonl"
    for path in (old_plans, new_plans):
        path.write_text("{}\n")
    ten_days = time.time() - 10 * 86400
    os.utime(old_plans, (ten_days, ten_days))

    def job(name: str, days: int) -> Job:
        made = Job(kind=JobKind.HOUSEHOLD_IMPORT, title=name, created_by=officer, status=JobStatus.SUCCEEDED)
        made.input_file.save(name, ContentFile(b"Ma ho\n"), save=False)
        made.save()
        Job.objects.filter(pk=made.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
        return made

    old, recent = job("cu.csv", 10), job("moi.csv", 1)
    old_file, recent_file = Path(old.input_file.path), Path(recent.input_file.path)
    out = io.StringIO()
    call_command("dataio_prune", stdout=out)
    assert settings.IMPORT_STAGED_RETENTION_DAYS == 7
    assert not old_plans.exists() and new_plans.exists()
    assert not old_file.exists() and recent_file.exists()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.input_file and recent.input_file
    assert "1 staged plan file(s), 1 uploaded file(s)" in out.getvalue()
    new_plans.unlink()


@pytest.mark.django_db
def test_the_sqlite_database_is_created_private(tmp_path: Path) -> None:
    """A new database file (created 0644 by the umask) is 0600 once Django has connected to it, and the
    folder ``var/`` holding the real one is 0700."""
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "giamngheo.sqlite3"
    path.touch()
    os.chmod(path, 0o644)
    settings_dict = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings_dict, alias="private-test")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        assert mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            assert not side.exists() or mode(side) == 0o600
    finally:
        wrapper.close()
