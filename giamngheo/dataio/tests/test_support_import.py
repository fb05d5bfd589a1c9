"""Importing support records from a spreadsheet: resolution of the rows, the service's rules (all or
nothing), the check (dry run), the job, the pages, the template and the command."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.dataio.reading import open_table
from giamngheo.dataio.support_import import SupportOutcome, support_import, support_mapping
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.policies.models import CoverageSummary, SupportRecord
from giamngheo.policies.services import entitlements_refresh

from .helpers import to_cp1258

YEAR = 2026  # I1 (Dự án 6) is in force 18/01/2022 – 31/12/2026; H1 and C1 have no end
ON = dt.date(YEAR, 3, 2)
HEADERS = [
    "Mã hộ",
    "Mã chính sách",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Ngày nhận",
    "Số lượng",
    "Số tiền (đồng)",
    "Nguồn kinh phí",
    "Dự án",
    "Số văn bản",
    "Lý do",
]
CHILD_ID = "070315000123"  # 070: place, 3: a girl born in the 2000s, 15: 2015
SECRET = "Lò Văn Bí Mật Ngoài Xã"


@pytest.fixture
def world(users, commune_a, commune_b) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    poor = make_household(
        commune_a,
        code="SI-A",
        head="Điểu Văn Sáu",
        members=[
            {
                "full_name": "Điểu Thị Bảy",
                "sex": "F",
                "date_of_birth": dt.date(2015, 4, 1),
                "relationship": "child",
                "national_id": CHILD_ID,
                "in_education": True,
            }
        ],
    )
    near_poor = make_household(commune_a, code="SI-B", head="Trần Văn Tám")
    foreign = make_household(commune_b, code="SI-X", head=SECRET)
    Household.objects.filter(pk__in=[poor.pk, foreign.pk]).update(category="poor")
    Household.objects.filter(pk=near_poor.pk).update(category="near_poor")
    ids = [poor.pk, near_poor.pk, foreign.pk]
    entitlements_refresh(household_ids=ids, years={YEAR})
    return {"officer": users["canbo.bugiamap"], "ids": ids, "poor": poor, "near_poor": near_poor}


def good_rows() -> list[list[Any]]:
    """Row 4: the poor household (I1); 5: its child by ID (H1); 6: its head by name and birth date (H1);
    7: the near-poor household's head, not entitled to H1, with a reason."""
    return [
        ["SI-A", "I1", None, None, None, "02/03/2026", None, "1.500.000", "Trung ương", None, "QĐ 12", None],
        ["SI-A", "h1", CHILD_ID, None, None, ON, 1, 0, "Ngân sách địa phương", None, None, None],
        [
            "SI-A",
            "H1",
            None,
            "điểu văn  sáu",
            dt.date(1980, 5, 1),
            "2026-03-02",
            None,
            None,
            "TW",
            None,
            None,
            None,
        ],
        ["SI-B", "H1", None, "Trần Văn Tám", "01/05/1980", ON, 2, 250000, "Xã hội hóa", "", "", "Ốm nặng"],
    ]


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    """Our layout under a title block (the header is on row 3, data from row 4)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỘ, THÀNH VIÊN NHẬN HỖ TRỢ NĂM 2026"])
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(
    tmp_path: Path, content: bytes, user: User, *, suffix: str = ".xlsx", **options: Any
) -> SupportOutcome:
    path = tmp_path / f"ho-tro{suffix}"
    path.write_bytes(content)
    return support_import(table=open_table(path), acting_user=user, **options)


def covered(commune_id: int, code: str) -> tuple[int, int]:
    """(covered units, covered but not entitled) of a policy in a commune in YEAR."""
    totals = CoverageSummary.objects.filter(year=YEAR, commune_id=commune_id, policy__code=code).aggregate(
        covered=Sum("covered_units"), outside=Sum("outside_units")
    )
    return totals["covered"] or 0, totals["outside"] or 0


def records(world: dict[str, Any]) -> int:
    return SupportRecord.objects.filter(household_id__in=world["ids"]).count()


def test_columns_are_recognised_without_diacritics_case_or_units() -> None:
    assert support_mapping(
        ["STT", "MA HO", "mã chính sách", "Số tiền (VNĐ)", "Nguồn vốn", "Ngày hỗ trợ", "So CCCD", "Ghi chú"]
    ) == ["", "code", "policy", "amount", "funding_source", "date", "national_id", ""]


@pytest.mark.django_db
def test_a_good_xlsx_is_recorded_and_the_coverage_goes_up(world, commune_a, tmp_path) -> None:
    before = {code: covered(commune_a.pk, code) for code in ("I1", "H1")}
    audits = AuditRecord.objects.count()
    total = [None] * 6 + ["Tổng cộng:", 1_750_000]  # the line under the list is not a recipient
    outcome = run(tmp_path, xlsx([*good_rows(), total]), world["officer"], commune_id=commune_a.pk)
    assert not outcome.errors, [str(e) for e in outcome.errors]
    assert outcome.written and outcome.rows == 4 and outcome.records == 4 and outcome.households == 2
    assert outcome.amount == 1_500_000 + 250_000 and outcome.not_entitled == 1
    saved = SupportRecord.objects.filter(household_id__in=world["ids"])
    assert saved.count() == 4 and len({r.batch for r in saved}) == 1
    i1 = saved.get(policy__code="I1")
    assert (i1.amount, i1.funding_source, i1.document, i1.project, i1.date) == (
        1_500_000,
        "central",
        "QĐ 12",
        "Dự án 6",  # the policy's project when the cell is empty
        ON,
    )
    child = saved.get(member__national_id=CHILD_ID)
    assert child.funding_source == "local" and child.eligible
    head = saved.get(member__full_name="Điểu Văn Sáu")
    assert head.funding_source == "central" and head.recorded_by == world["officer"]
    flagged = saved.get(household=world["near_poor"])
    assert (flagged.eligible, flagged.reason, flagged.quantity, flagged.funding_source) == (
        False,
        "Ốm nặng",
        2,
        "social",
    )
    assert covered(commune_a.pk, "I1")[0] == before["I1"][0] + 1
    assert covered(commune_a.pk, "H1") == (before["H1"][0] + 2, before["H1"][1] + 1)
    actions = set(AuditRecord.objects.order_by("pk")[audits:].values_list("action", flat=True))
    assert actions == {"policies.support.bulk_create", "dataio.support_import"}


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["cp1258", "utf-8"])
def test_a_good_csv_with_the_commune_column_is_recorded(world, users, commune_a, tmp_path, encoding) -> None:
    text = (
        "STT,Mã xã,Mã HGĐ,Mã CS,Ngày hỗ trợ,Số tiền (VNĐ),Nguồn vốn,Số quyết định,Ghi chú\n"
        f"1,{commune_a.code},SI-A,C1,15/03/2026,50.000.000,Tín dụng ưu đãi,Hợp đồng vay 17,\n"
        f"2,{commune_a.name},SI-A,I1,16/03/2026,2000000,Trung ương,,bò giống\n"
    )
    content = to_cp1258(text) if encoding == "cp1258" else text.encode("utf-8")
    before = covered(commune_a.pk, "C1")[0]
    outcome = run(tmp_path, content, users["chuyenvien"], suffix=".csv")
    assert not outcome.errors, [str(e) for e in outcome.errors]
    assert outcome.records == 2 and outcome.written
    loan = SupportRecord.objects.get(household=world["poor"], policy__code="C1")
    assert (loan.amount, loan.funding_source, loan.document) == (50_000_000, "credit", "Hợp đồng vay 17")
    assert covered(commune_a.pk, "C1")[0] == before + 1


BAD_ROWS = {
    # household of another commune: refused without saying anything about it
    "foreign household": [
        "SI-X",
        "I1",
        None,
        None,
        None,
        "02/03/2026",
        None,
        1,
        "Trung ương",
        None,
        None,
        None,
    ],
    "negative amount": ["SI-A", "I1", None, None, None, "02/03/2026", None, "-500.000", "Trung ương"]
    + [None] * 3,
    "outside the period": [
        "SI-A",
        "I1",
        None,
        None,
        None,
        "01/01/2021",
        None,
        0,
        "Trung ương",
        None,
        None,
        None,
    ],
    "not entitled": [
        "SI-B",
        "H1",
        None,
        "Trần Văn Tám",
        "01/05/1980",
        "01/04/2026",  # not the date of row 7 (that would be "listed twice")
        None,
        0,
        "Trung ương",
        None,
        None,
        "",
    ],
    "unknown policy": ["SI-A", "ZZ9", None, None, None, ON, None, 0, "Trung ương", None, None, None],
    "unknown member": ["SI-A", "H1", "070080999999", None, None, ON, None, 0, "Trung ương", None, None, None],
    "member missing": ["SI-A", "H1", None, None, None, ON, None, 0, "Trung ương", None, None, None],
    "bad funding": ["SI-A", "I1", None, None, None, ON, None, 0, "Ngân hàng thế giới", None, None, None],
    "bad date": ["SI-A", "I1", None, None, None, "31/02/2026", None, 0, "Trung ương", None, None, None],
    "listed twice": good_rows()[0],
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_a_bad_row_among_good_rows_refuses_the_whole_file(world, commune_a, tmp_path, kind) -> None:
    rows = good_rows()
    rows.insert(2, BAD_ROWS[kind])  # row 6 of the file
    before = covered(commune_a.pk, "H1")
    outcome = run(tmp_path, xlsx(rows), world["officer"], commune_id=commune_a.pk)
    assert list(outcome.error_rows) == [6], [str(e) for e in outcome.errors]
    assert not outcome.written and outcome.records == 0
    assert records(world) == 0 and covered(commune_a.pk, "H1") == before
    if kind == "foreign household":
        [message] = outcome.error_rows[6]
        assert "SI-X" in message and SECRET not in message and "Trấn Biên" not in message


@pytest.mark.django_db
def test_a_commune_of_the_file_outside_the_users_area_says_nothing_about_it(
    world, commune_b, tmp_path
) -> None:
    rows = [[commune_b.code, *BAD_ROWS["foreign household"]]]
    outcome = run(tmp_path, xlsx(rows, ["Mã xã", *HEADERS]), world["officer"])
    [message] = outcome.error_rows[4]
    assert message.startswith("Mã xã:") and SECRET not in message and commune_b.name not in message
    assert records(world) == 0


@pytest.mark.django_db
def test_a_not_entitled_member_is_recorded_with_a_reason_and_flagged(world, commune_a, tmp_path) -> None:
    row = list(BAD_ROWS["not entitled"])
    row[-1] = "Hộ gặp thiên tai, UBND xã đề nghị"
    outcome = run(tmp_path, xlsx([row]), world["officer"], commune_id=commune_a.pk)
    assert outcome.written and outcome.not_entitled == 1
    record = SupportRecord.objects.get(household=world["near_poor"])
    assert not record.eligible and record.reason == row[-1] and record.member.full_name == "Trần Văn Tám"


@pytest.mark.django_db
def test_the_check_writes_nothing_and_reports_the_same_errors(world, commune_a, tmp_path) -> None:
    before = (covered(commune_a.pk, "I1"), covered(commune_a.pk, "H1"), AuditRecord.objects.count())
    check = run(tmp_path, xlsx(good_rows()), world["officer"], commune_id=commune_a.pk, dry_run=True)
    assert not check.errors and check.records == 4 and check.not_entitled == 1 and not check.written
    assert records(world) == 0
    assert (covered(commune_a.pk, "I1"), covered(commune_a.pk, "H1"), AuditRecord.objects.count()) == before
    rows = [*good_rows(), BAD_ROWS["outside the period"], BAD_ROWS["negative amount"]]
    checked = run(tmp_path, xlsx(rows), world["officer"], commune_id=commune_a.pk, dry_run=True)
    imported = run(tmp_path, xlsx(rows), world["officer"], commune_id=commune_a.pk)
    assert [str(e) for e in checked.errors] == [str(e) for e in imported.errors]
    assert sorted(checked.error_rows) == [8, 9] and records(world) == 0


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(world, commune_a, commune_b, tmp_path) -> None:
    with pytest.raises(ValidationFailed):
        run(
            tmp_path,
            xlsx([["SI-A", "I1"]], ["Mã hộ", "Mã chính sách"]),
            world["officer"],
            commune_id=commune_a.pk,
        )
    with pytest.raises(ValidationFailed):  # not the officer's commune
        run(tmp_path, xlsx(good_rows()), world["officer"], commune_id=commune_b.pk)


@pytest.mark.django_db
def test_pages_check_then_import(world, users, commune_a) -> None:
    officer = world["officer"]
    client = client_for(officer)
    assert client.get(reverse("dataio:support-import")).status_code == 200
    upload = SimpleUploadedFile("ho-tro.xlsx", xlsx(good_rows()))
    response = client.post(
        reverse("dataio:support-import"), {"file": upload, "commune": commune_a.pk, "check": "on"}
    )
    assert response.status_code == 302
    check = Job.objects.get(created_by=officer, kind=JobKind.SUPPORT_IMPORT)
    assert response["Location"] == reverse("dataio:support-import-detail", args=[check.pk])
    assert check.status == JobStatus.SUCCEEDED, check.error
    assert check.summary["records"] == 4 and check.summary["dry_run"] and records(world) == 0
    body = client.get(response["Location"]).content.decode()
    assert 'data-count="records">4<' in body and 'data-count="not_entitled">1<' in body
    assert reverse("dataio:support-import-run", args=[check.pk]) in body
    part = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="support-import-status" data-status="succeeded" data-dry-run="yes"')
    form = client.get(reverse("dataio:support-import")).context["form"]
    assert [c for c, _label in form.fields["commune"].choices] == [commune_a.pk]  # the officer's only commune

    other = client_for(users["canbo.tranbien"])
    assert other.get(reverse("dataio:support-import-detail", args=[check.pk])).status_code == 404
    assert other.post(reverse("dataio:support-import-run", args=[check.pk])).status_code == 404
    assert records(world) == 0

    response = client.post(reverse("dataio:support-import-run", args=[check.pk]))
    imported = Job.objects.exclude(pk=check.pk).get(created_by=officer, kind=JobKind.SUPPORT_IMPORT)
    assert response["Location"] == reverse("dataio:support-import-detail", args=[imported.pk])
    assert imported.status == JobStatus.SUCCEEDED and imported.summary["written"] and records(world) == 4
    assert imported.input_file.name == check.input_file.name
    body = client.get(response["Location"]).content.decode()
    assert 'data-count="records">4<' in body
    assert reverse("dataio:support-import-run", args=[imported.pk]) not in body  # nothing more to import
    # Importing the same file again: every row is already recorded, nothing is added.
    response = client.post(
        reverse("dataio:support-import"),
        {"file": SimpleUploadedFile("b.xlsx", xlsx(good_rows())), "commune": commune_a.pk},
    )
    again = Job.objects.get(pk=int(re.search(r"/(\d+)/$", response["Location"])[1]))
    assert again.summary["errors"] == 4 and not again.summary["written"] and again.report_file
    assert records(world) == 4


@pytest.mark.django_db
def test_pages_refuse_a_bad_file_and_report_the_rows(world, users, commune_a) -> None:
    client = client_for(world["officer"])
    response = client.post(
        reverse("dataio:support-import"),
        {"file": SimpleUploadedFile("x.xlsx", xlsx([["SI-A"]], ["Mã hộ"])), "commune": commune_a.pk},
    )
    # Read by the job, not in the request: the missing columns are the job's error.
    assert response.status_code == 302
    refused = Job.objects.get(created_by=world["officer"])
    assert refused.status == JobStatus.FAILED and "Mã chính sách" in refused.error, refused.error
    assert "Mã chính sách" in client.get(response["Location"]).content.decode()
    refused.delete()
    rows = [*good_rows(), BAD_ROWS["foreign household"]]
    response = client.post(
        reverse("dataio:support-import"),
        {"file": SimpleUploadedFile("x.xlsx", xlsx(rows)), "commune": commune_a.pk, "check": "on"},
    )
    job = Job.objects.get(created_by=world["officer"])
    assert job.summary["errors"] == 1 and job.summary["rows_rejected"] == 1 and job.report_file
    body = client.get(response["Location"]).content.decode()
    assert 'data-count="rows_rejected">1<' in body and "SI-X" in body and SECRET not in body
    assert reverse("dataio:support-import-run", args=[job.pk]) not in body
    report = load_workbook(job.report_file.path, read_only=True).active
    [_header, refused] = list(report.iter_rows(values_only=True))
    assert refused[0] == 8 and refused[2] == "SI-X"
    assert client.post(reverse("dataio:support-import-run", args=[job.pk])).status_code == 302
    assert Job.objects.filter(created_by=world["officer"]).count() == 1  # no import of a refused check
    viewer = client_for(users["lanhdao"])
    assert viewer.get(reverse("dataio:support-import")).status_code == 403


@pytest.mark.django_db
def test_the_template(users) -> None:
    response = client_for(users["canbo.bugiamap"]).get(reverse("dataio:support-template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Hỗ trợ chính sách", "Hướng dẫn", "Danh mục"]
    sheet = book["Hỗ trợ chính sách"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Mã hộ", "Mã chính sách", "Số CCCD"] and "Mã xã" not in headers
    assert support_mapping(headers) == [
        "code",
        "policy",
        "national_id",
        "full_name",
        "date_of_birth",
        "date",
        "quantity",
        "amount",
        "funding_source",
        "project",
        "document",
        "reason",
    ]
    lists = {c.value for col in book["Danh mục"].iter_cols() for c in col if c.value}
    assert {"Trung ương", "Địa phương", "Xã hội hóa", "Tín dụng ưu đãi", "H1", "I1", "C1"} <= lists
    assert len(sheet.data_validations.dataValidation) >= 4
    guide = {c.value for row in book["Hướng dẫn"].iter_rows() for c in row if c.value}
    assert {"Mã chính sách", "H1", "Thành viên"} <= guide
    province = client_for(users["chuyenvien"]).get(reverse("dataio:support-template"))
    sheet = load_workbook(io.BytesIO(b"".join(province.streaming_content)))["Hỗ trợ chính sách"]
    assert sheet["A1"].value == "Mã xã"


@pytest.mark.django_db
def test_the_command(world, commune_a, tmp_path) -> None:
    path = tmp_path / "ho-tro.xlsx"
    path.write_bytes(xlsx([*good_rows(), BAD_ROWS["negative amount"]]))
    report = tmp_path / "loi.xlsx"
    with pytest.raises(CommandError) as refused:
        call_command(
            "support_import",
            str(path),
            "--user",
            "canbo.bugiamap",
            "--report",
            str(report),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert refused.value.returncode == 2 and report.is_file() and records(world) == 0
    path.write_bytes(xlsx(good_rows()))
    out = io.StringIO()
    call_command(
        "support_import",
        str(path),
        "--user",
        "canbo.bugiamap",
        "--commune",
        commune_a.code,
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "records: 4" in out.getvalue() and records(world) == 0
    call_command(
        "support_import", str(path), "--user", "canbo.bugiamap", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert records(world) == 4
