"""Periodic reports from units: periods and figures, requests, the entry lock and extensions, the approval
ladder, expected reports from each unit's history, the aggregate with unknowns, scope and the pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.org.services import org_unit_create, org_unit_update
from giamngheo.unitreports import rates, selectors, services
from giamngheo.unitreports.models import FieldKind, ReportStatus, UnitReport
from giamngheo.unitreports.periods import default_title, format_figure, parse_figure, period_bounds

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# Pure helpers -----------------------------------------------------------------------------------------------
def test_period_bounds_and_title() -> None:
    assert period_bounds("quarter", 2026, 3) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert period_bounds("month", 2024, 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_bounds("half", 2026, 2) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert period_bounds("year", 2026, None) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        period_bounds("quarter", 2026, 5)
    with translation.override("vi"):
        assert default_title("quarter", 2026, 3) == "Báo cáo quý III năm 2026"
        assert default_title("half", 2026, 1) == "Báo cáo 6 tháng đầu năm 2026"
        assert default_title("month", 2026, 5) == "Báo cáo tháng 5 năm 2026"
        assert default_title("year", 2026, None) == "Báo cáo năm 2026"


def test_figures_read_the_vietnamese_way() -> None:
    assert parse_figure("1.234,5") == Decimal("1234.5")
    assert parse_figure("1.234") == Decimal("1234")
    assert parse_figure("1.234.567") == Decimal("1234567")
    assert parse_figure(" 12,75 ") == Decimal("12.75")
    assert parse_figure("12.5") == Decimal("12.5")
    assert parse_figure("1 500 000") == Decimal("1500000")
    assert parse_figure("") is None
    assert parse_figure("0") == Decimal(0)  # zero is a figure, empty is unknown
    for bad in ("abc", "1,2,3", "1.23,4.5", "1,234"[:0] + "1,2345"):
        with pytest.raises(ValueError):
            parse_figure(bad)
    assert format_figure(Decimal("1234567.50")) == "1.234.567,5"
    assert format_figure(None) == ""


# Fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture
def department(db: Any) -> OrgUnit:
    return OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT).order_by("path").first()  # type: ignore[return-value]


@pytest.fixture
def divisions(department: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(path__startswith=department.path, kind=OrgUnitKind.DIVISION).order_by("path")
    )


@pytest.fixture
def ptnt(department: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(path__startswith=department.path, short_name="PTNT-GN")


@pytest.fixture
def template(users: Any) -> Any:
    t = services.template_create(name="Báo cáo thử", period_kind="quarter", acting_user=users["vanphong"])
    services.field_add(
        template=t, kind=FieldKind.FIGURE, label="Số hộ nghèo được hỗ trợ", unit="hộ", required=True,
        acting_user=users["vanphong"],
    )  # fmt: skip
    services.field_add(
        template=t,
        kind=FieldKind.FIGURE,
        label="Số tiền vận động",
        unit="đồng",
        acting_user=users["vanphong"],
    )
    services.field_add(
        template=t, kind=FieldKind.TEXT, label="Kết quả nổi bật", required=True, acting_user=users["vanphong"]
    )
    return t


def _fields(template: Any) -> dict[str, Any]:
    return {f.label: f for f in template.fields.all()}


def _fill(report: UnitReport, template: Any, user: User, *, households: Any, money: Any = None) -> UnitReport:
    f = _fields(template)
    return services.report_save(
        report=report,
        values={
            f["Số hộ nghèo được hỗ trợ"].pk: households,
            f["Số tiền vận động"].pk: money,
            f["Kết quả nổi bật"].pk: "Hoàn thành kế hoạch",
        },
        version=report.version,
        acting_user=user,
    )


def _request(template: Any, users: Any, *, period: int, due: dt.date, year: int = 2026, **kw: Any) -> Any:
    return services.request_create(
        template=template, year=year, period=period, due_date=due, acting_user=users["vanphong"], **kw
    )


def _report(request: Any, unit: OrgUnit) -> UnitReport:
    return UnitReport.objects.get(request=request, org_unit=unit)


def _other_head(unit: OrgUnit) -> Any:
    return user_create(
        username=f"truong.{unit.pk}",
        password="x-Secret-123456",
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[unit],
        acting_user=None,
    )


# Requests ---------------------------------------------------------------------------------------------------
def test_request_defaults_to_the_units_that_existed_and_one_per_period(
    users: Any, template: Any, divisions: list[OrgUnit], department: OrgUnit
) -> None:
    request = _request(template, users, period=1, due=dt.date(2026, 4, 10))
    with translation.override("vi"):
        assert (
            _request(template, users, period=2, due=dt.date(2026, 7, 10)).title == "Báo cáo quý II năm 2026"
        )
    asked = set(request.units.values_list("pk", flat=True))
    assert {d.pk for d in divisions} <= asked
    assert department.pk not in asked
    assert UnitReport.objects.filter(request=request, status=ReportStatus.DRAFT).count() == len(asked)
    assert request.period_start == dt.date(2026, 1, 1) and request.period_end == dt.date(2026, 3, 31)
    with pytest.raises(ValidationFailed):
        _request(template, users, period=1, due=dt.date(2026, 4, 20))
    with pytest.raises(PermissionDenied):
        services.request_create(
            template=template,
            year=2026,
            period=3,
            due_date=dt.date(2026, 10, 10),
            acting_user=users["truongphong"],
        )


# Entry lock and extensions ----------------------------------------------------------------------------------
def test_entry_locks_after_the_due_date_unless_extended(users: Any, template: Any, ptnt: OrgUnit) -> None:
    head = users["truongphong"]
    request = _request(template, users, period=1, due=TODAY - dt.timedelta(days=1), year=TODAY.year)
    report = _report(request, ptnt)
    with pytest.raises(ValidationFailed):
        _fill(report, template, head, households=Decimal(3))
    assert not report.values.exists()
    services.exception_grant(
        request=request,
        org_unit=ptnt,
        until=TODAY + dt.timedelta(days=3),
        reason="Đơn vị chờ số liệu của xã",
        acting_user=users["vanphong"],
    )
    report = _fill(_report(request, ptnt), template, head, households=Decimal(3))
    report = services.report_submit(report=report, version=report.version, acting_user=head)
    assert report.status == ReportStatus.SUBMITTED
    # Submitted within the extension: on time.
    t = rates.report_timeliness(year=request.year, unit_ids=[ptnt.pk], requests=[request])[ptnt.pk]
    assert (t.expected, t.received, t.on_time) == (1, 1, 1)
    # After submitting, the unit cannot edit.
    with pytest.raises(ValidationFailed):
        _fill(report, template, head, households=Decimal(4))


def test_an_extension_ends_after_the_due_date_and_needs_a_reason(
    users: Any, template: Any, ptnt: OrgUnit
) -> None:
    request = _request(template, users, period=1, due=dt.date(2026, 4, 10))
    with pytest.raises(ValidationFailed):
        services.exception_grant(
            request=request,
            org_unit=ptnt,
            until=dt.date(2026, 4, 5),
            reason="x",
            acting_user=users["vanphong"],
        )
    with pytest.raises(ValidationFailed):
        services.exception_grant(
            request=request,
            org_unit=ptnt,
            until=dt.date(2026, 5, 5),
            reason=" ",
            acting_user=users["vanphong"],
        )
    with pytest.raises(PermissionDenied):
        services.exception_grant(
            request=request,
            org_unit=ptnt,
            until=dt.date(2026, 5, 5),
            reason="x",
            acting_user=users["truongphong"],
        )


def test_required_fields_before_submitting(users: Any, template: Any, ptnt: OrgUnit) -> None:
    head = users["truongphong"]
    request = _request(template, users, period=4, due=TODAY + dt.timedelta(days=10), year=TODAY.year)
    report = _fill(_report(request, ptnt), template, head, households=None)
    with pytest.raises(ValidationFailed):
        services.report_submit(report=report, version=report.version, acting_user=head)
    assert _report(request, ptnt).status == ReportStatus.DRAFT


# Approval ladder --------------------------------------------------------------------------------------------
def test_approval_climbs_and_no_level_undoes_after_a_higher_one(
    users: Any, template: Any, ptnt: OrgUnit
) -> None:
    head, office, leader = users["truongphong"], users["vanphong"], users["lanhdao"]
    request = _request(template, users, period=2, due=TODAY + dt.timedelta(days=10), year=TODAY.year)
    report = _fill(_report(request, ptnt), template, head, households=Decimal(5))
    report = services.report_submit(report=report, version=report.version, acting_user=head)
    first_submitted = report.submitted_at
    # The leader approves only what the office approved; the unit head approves nothing.
    with pytest.raises(ValidationFailed):
        services.report_leader_approve(report=report, version=report.version, acting_user=leader)
    with pytest.raises(PermissionDenied):
        services.report_office_approve(report=report, version=report.version, acting_user=head)
    # Returned with comments (comments required), corrected and submitted again.
    with pytest.raises(ValidationFailed):
        services.report_return(report=report, comments="  ", version=report.version, acting_user=office)
    report = services.report_return(
        report=report, comments="Bổ sung số hộ được hỗ trợ", version=report.version, acting_user=office
    )
    assert report.status == ReportStatus.RETURNED
    report = _fill(report, template, head, households=Decimal(6))
    report = services.report_submit(report=report, version=report.version, acting_user=head)
    assert report.submitted_at == first_submitted  # the first submission dates the report
    report = services.report_office_approve(report=report, version=report.version, acting_user=office)
    # The office may withdraw its approval while the leader has not approved.
    report = services.report_withdraw_approval(
        report=report, reason="Xem lại số liệu", version=report.version, acting_user=office
    )
    assert report.status == ReportStatus.SUBMITTED
    report = services.report_office_approve(report=report, version=report.version, acting_user=office)
    with pytest.raises(PermissionDenied):
        services.report_leader_approve(report=report, version=report.version, acting_user=office)
    report = services.report_leader_approve(report=report, version=report.version, acting_user=leader)
    assert report.status == ReportStatus.LEADER_APPROVED and report.leader_approved_at is not None
    # Nobody changes a leader-approved report.
    for call, kwargs in (
        (services.report_withdraw_approval, {"reason": "x"}),
        (services.report_reopen, {"reason": "x"}),
        (services.report_return, {"comments": "x"}),
    ):
        with pytest.raises(ValidationFailed):
            call(report=report, version=report.version, acting_user=office, **kwargs)
    with pytest.raises(ValidationFailed):
        _fill(report, template, head, households=Decimal(1))
    assert UnitReport.objects.get(pk=report.pk).status == ReportStatus.LEADER_APPROVED
    # Every change audited with who and the reason, shown as the history.
    history = selectors.report_history(report=report)
    actions = [h.action.rsplit(".", 1)[1] for h in history if not h.action.endswith(".save")]
    assert actions == [
        "submit", "return", "submit", "office_approve", "withdraw", "office_approve", "leader_approve",
    ]  # fmt: skip
    assert any(h.note == "Bổ sung số hộ được hỗ trợ" for h in history)
    assert {h.who for h in history} >= {head.full_name, office.full_name, leader.full_name}


def test_reopen_needs_a_reason_and_opens_entry_again(users: Any, template: Any, ptnt: OrgUnit) -> None:
    head, office = users["truongphong"], users["vanphong"]
    request = _request(template, users, period=3, due=TODAY + dt.timedelta(days=10), year=TODAY.year)
    report = _fill(_report(request, ptnt), template, head, households=Decimal(2))
    report = services.report_submit(report=report, version=report.version, acting_user=head)
    report = services.report_office_approve(report=report, version=report.version, acting_user=office)
    with pytest.raises(ValidationFailed):
        services.report_reopen(report=report, reason="", version=report.version, acting_user=office)
    report = services.report_reopen(
        report=report, reason="Đơn vị đề nghị sửa số liệu", version=report.version, acting_user=office
    )
    assert report.status == ReportStatus.RETURNED and report.office_approved_at is None
    # Even past the due date, a reopened report is open to its unit.
    request.due_date = TODAY - dt.timedelta(days=30)
    request.save()
    report = _fill(UnitReport.objects.get(pk=report.pk), template, head, households=Decimal(3))
    assert AuditRecord.objects.filter(
        action="unitreports.report.reopen", target_id=str(report.pk), note="Đơn vị đề nghị sửa số liệu"
    ).exists()


# Expected reports from each unit's history -----------------------------------------------------------------
def test_a_unit_closed_mid_year_is_expected_only_while_it_existed(
    users: Any, template: Any, department: OrgUnit, ptnt: OrgUnit
) -> None:
    office = users["vanphong"]
    merged = org_unit_create(
        name="Chi cục Phát triển nông thôn (đã sáp nhập)",
        short_name="CCPTNT",
        kind=OrgUnitKind.AFFILIATED_UNIT,
        parent=department,
        area=department.area,
        valid_from=dt.date(2025, 3, 1),
        acting_user=None,
    )
    org_unit_update(unit=merged, valid_to=dt.date(2026, 6, 30), is_active=False, acting_user=None)
    q1 = _request(template, users, period=1, due=dt.date(2026, 4, 10))
    q2 = _request(template, users, period=2, due=dt.date(2026, 7, 10))
    q3 = _request(template, users, period=3, due=dt.date(2026, 10, 10))
    assert merged.pk in rates.expected_unit_ids(q1) and merged.pk in rates.expected_unit_ids(q2)
    assert merged.pk not in set(q3.units.values_list("pk", flat=True))
    with pytest.raises(ValidationFailed):
        _request(template, users, period=4, due=dt.date(2027, 1, 10), units=[merged, ptnt])
    # A unit asked and then found closed before the period (valid_to entered late) is not expected either.
    q3.units.add(merged)
    assert merged.pk not in rates.expected_unit_ids(q3)
    overview = selectors.request_overview(user=office, request=q3, today=dt.date(2026, 12, 1))
    assert merged in overview.not_expected
    assert all(r.unit != merged for r in overview.rows)
    # The merged unit answered Q1 on time; the year's rates count it for two periods only.
    report = _report(q1, merged)
    report = _fill(report, template, None, households=Decimal(1))
    services.report_submit(
        report=report,
        version=report.version,
        acting_user=None,
        when=dt.datetime(2026, 4, 8, 9, tzinfo=dt.UTC),
    )
    rows = {r.unit.pk: r for r in selectors.unit_rates(user=office, year=2026)}
    assert (rows[merged.pk].expected, rows[merged.pk].received, rows[merged.pk].on_time) == (2, 1, 1)
    assert rows[merged.pk].completeness == 0.5
    assert all(r.completeness is not None and 0 <= r.completeness <= 1 for r in rows.values())
    assert all(r.timeliness is not None and r.timeliness <= r.completeness for r in rows.values())  # type: ignore[operator]


def test_overview_on_time_late_missing(users: Any, template: Any, divisions: list[OrgUnit]) -> None:
    a, b, c = divisions[:3]
    request = _request(template, users, period=1, due=dt.date(2026, 4, 10), units=[a, b, c])
    for unit, day in ((a, dt.date(2026, 4, 9)), (b, dt.date(2026, 4, 20))):
        report = _fill(_report(request, unit), template, None, households=Decimal(1))
        services.report_submit(
            report=report,
            version=report.version,
            acting_user=None,
            when=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
        )
    overview = selectors.request_overview(user=users["vanphong"], request=request, today=dt.date(2026, 5, 1))
    status = {r.unit.pk: r.timeliness for r in overview.rows}
    assert status == {a.pk: selectors.ON_TIME, b.pk: selectors.LATE, c.pk: selectors.MISSING}
    assert (overview.expected, overview.received, overview.on_time) == (3, 2, 1)
    assert overview.completeness == pytest.approx(2 / 3)


# Aggregate --------------------------------------------------------------------------------------------------
def test_aggregate_sums_the_given_figures_and_keeps_unknowns_apart(
    users: Any, template: Any, divisions: list[OrgUnit]
) -> None:
    a, b, c, d = divisions[:4]
    request = _request(template, users, period=2, due=dt.date(2026, 7, 10), units=[a, b, c, d])
    given = {a: (Decimal(10), Decimal(1_500_000)), b: (Decimal("5.5"), None), c: (Decimal(0), None)}
    for unit, (households, money) in given.items():
        report = _fill(_report(request, unit), template, None, households=households, money=money)
        services.report_submit(report=report, version=report.version, acting_user=None)
    # d never submits; a draft's figures are not counted.
    _fill(_report(request, d), template, None, households=Decimal(1000))
    aggregate = selectors.request_aggregate(user=users["vanphong"], request=request)
    totals = {f.field.label: f for f in aggregate.figures}
    assert totals["Số hộ nghèo được hỗ trợ"].total == Decimal("15.5")
    assert (totals["Số hộ nghèo được hỗ trợ"].given, totals["Số hộ nghèo được hỗ trợ"].received) == (3, 3)
    assert totals["Số tiền vận động"].total == Decimal(1_500_000)
    assert totals["Số tiền vận động"].given == 1  # not 3: two units did not give it
    assert (aggregate.received, aggregate.expected) == (3, 4)
    assert [u for u, _ in aggregate.narratives[0].entries] == [a, b, c]
    client = client_for(users["vanphong"])
    page = client.get(reverse("unitreports:request-aggregate", args=[request.pk]))
    assert page.status_code == 200
    assert "1/3" in page.content.decode()
    xlsx = client.get(reverse("unitreports:request-aggregate", args=[request.pk]) + "?format=xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    cells = [v for row in book.worksheets[0].iter_rows(values_only=True) for v in row]
    assert 15.5 in cells and "1/3" in cells


# Scope and pages --------------------------------------------------------------------------------------------
def test_another_units_head_sees_nothing_of_ours(
    users: Any, template: Any, divisions: list[OrgUnit], ptnt: OrgUnit
) -> None:
    other_unit = next(d for d in divisions if d.pk != ptnt.pk)
    other = _other_head(other_unit)
    request = _request(template, users, period=1, due=TODAY + dt.timedelta(days=5), year=TODAY.year)
    ours = _report(request, ptnt)
    client = client_for(other)
    for name in ("unitreports:report-detail", "unitreports:report-edit"):
        assert client.get(reverse(name, args=[ours.pk])).status_code == 404
    assert (
        client.post(
            reverse("unitreports:report-action", args=[ours.pk, "submit"]), {"version": 1}
        ).status_code
        == 404
    )
    assert client.get(reverse("unitreports:request-detail", args=[request.pk])).status_code == 403
    index = client.get(reverse("unitreports:index")).content.decode()
    assert (
        reverse("unitreports:report-detail", args=[ours.pk])
        in client_for(users["truongphong"]).get(reverse("unitreports:index")).content.decode()
    )
    assert reverse("unitreports:report-detail", args=[ours.pk]) not in index
    assert reverse("unitreports:report-detail", args=[_report(request, other_unit).pk]) in index
    with pytest.raises(PermissionDenied):
        _fill(ours, template, other, households=Decimal(1))
    # A commune officer has no business here.
    assert client_for(users["canbo.tranbien"]).get(reverse("unitreports:index")).status_code == 403


def test_pages_walk_through_a_report(users: Any, template: Any, ptnt: OrgUnit) -> None:
    office, head, leader = (client_for(users[n]) for n in ("vanphong", "truongphong", "lanhdao"))
    f = _fields(template)
    response = office.post(
        reverse("unitreports:request-create"),
        {
            "template": template.pk,
            "year": TODAY.year,
            "period": 4,
            "due_date": (TODAY + dt.timedelta(days=9)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request_url = response["Location"]
    report = UnitReport.objects.get(request__template=template, org_unit=ptnt)
    assert office.get(request_url).status_code == 200
    assert head.get(reverse("unitreports:report-edit", args=[report.pk])).status_code == 200
    bad = head.post(
        reverse("unitreports:report-edit", args=[report.pk]),
        {"version": report.version, f"f{f['Số hộ nghèo được hỗ trợ'].pk}": "mười", "submit": "0"},
    )
    assert bad.status_code == 200 and not report.values.exists()
    response = head.post(
        reverse("unitreports:report-edit", args=[report.pk]),
        {
            "version": report.version,
            f"f{f['Số hộ nghèo được hỗ trợ'].pk}": "1.234",
            f"f{f['Số tiền vận động'].pk}": "",
            f"f{f['Kết quả nổi bật'].pk}": "Hỗ trợ sinh kế cho 12 hộ",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get(field=f["Số hộ nghèo được hỗ trợ"]).number == Decimal(1234)
    assert not report.values.filter(field=f["Số tiền vận động"]).exists()
    office.post(
        reverse("unitreports:report-action", args=[report.pk, "approve"]), {"version": report.version}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.OFFICE_APPROVED
    assert (
        reverse("unitreports:report-detail", args=[report.pk])
        in leader.get(reverse("unitreports:index")).content.decode()
    )
    leader.post(
        reverse("unitreports:report-action", args=[report.pk, "leader-approve"]), {"version": report.version}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.LEADER_APPROVED
    with translation.override("vi"):
        page = office.get(reverse("unitreports:report-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    for name, args in (
        ("unitreports:index", []),
        ("unitreports:rates", []),
        ("unitreports:template-list", []),
        ("unitreports:template-detail", [template.pk]),
        ("unitreports:template-update", [template.pk]),
        ("unitreports:field-update", [f["Số tiền vận động"].pk]),
        ("unitreports:request-update", [report.request_id]),
        ("unitreports:exception-create", [report.request_id]),
        ("unitreports:request-aggregate", [report.request_id]),
    ):
        assert office.get(reverse(name, args=args)).status_code == 200, name
    assert leader.get(reverse("unitreports:request-detail", args=[report.request_id])).status_code == 200
    assert leader.get(reverse("unitreports:template-list")).status_code == 403


def test_the_office_records_a_late_paper_report_counted_late(
    users: Any, template: Any, ptnt: OrgUnit
) -> None:
    head, office = users["truongphong"], users["vanphong"]
    request = _request(template, users, period=1, due=TODAY - dt.timedelta(days=3), year=TODAY.year)
    report = _report(request, ptnt)
    with pytest.raises(ValidationFailed):
        services.report_submit(report=report, version=report.version, acting_user=head)
    report = _fill(report, template, office, households=Decimal(7))
    report = services.report_submit(report=report, version=report.version, acting_user=office)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == office
    t = rates.report_timeliness(year=request.year, unit_ids=[ptnt.pk], requests=[request])[ptnt.pk]
    assert (t.expected, t.received, t.on_time) == (1, 1, 0)
    overview = selectors.request_overview(user=office, request=request)
    assert {r.unit.pk: r.timeliness for r in overview.rows}[ptnt.pk] == selectors.LATE
    # A system caller alone may date a change.
    with pytest.raises(ValueError):
        services.report_office_approve(
            report=report, version=report.version, acting_user=office, when=timezone.now()
        )
