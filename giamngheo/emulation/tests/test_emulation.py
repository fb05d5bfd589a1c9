"""Emulation movements: launching and editing (versioned), yearly plans (one a year, within the movement),
registrations (draft → sent → approved / returned with a reason → sent again; audited; own unit only), the
plan's table of units and "not registered", the guidance tasks and their on-time rate, the pages (200 for the
office, 404 for another unit's head) and the demo."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.commendation.models import Title
from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import StaleVersion
from giamngheo.emulation import selectors, services
from giamngheo.emulation.models import (
    GuidanceTask,
    Movement,
    MovementPlan,
    Registration,
    RegistrationLine,
    RegistrationStatus,
    TaskStatus,
)
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

SECRET = "Cam kết bí mật của phòng khác"


def _data(**kw: Any) -> dict[str, Any]:
    base = {
        "name": "Phong trào thử nghiệm",
        "theme": "Giảm nghèo bền vững",
        "kind": "thematic",
        "year_from": 2025,
        "year_to": 2026,
        "launch_number": "01/KH-TEST",
        "launch_date": dt.date(2025, 1, 10),
        "launch_issuer": "Giám đốc Sở",
        "goals": "Giảm nghèo",
        "content": "Nội dung",
        "criteria_text": "Tiêu chí",
        "all_staff": True,
    }
    return base | kw


def _plan_data(**kw: Any) -> dict[str, Any]:
    base = {
        "year": 2026,
        "title": "Tiếp tục phong trào năm 2026",
        "document_number": "02/KH-TEST",
        "document_date": dt.date(2026, 2, 1),
        "content": "",
        "registration_deadline": dt.date(2026, 3, 31),
        "interim_review_on": dt.date(2026, 7, 15),
        "final_review_on": dt.date(2026, 12, 15),
    }
    return base | kw


@pytest.fixture
def world(province: Any, users: dict[str, User]) -> dict[str, Any]:
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    units = list(
        department.children.filter(kind__in=(OrgUnitKind.DIVISION, OrgUnitKind.AFFILIATED_UNIT)).order_by(
            "path"
        )
    )
    own = department.children.get(short_name="PTNT-GN")
    other = next(u for u in units if u.pk != own.pk)
    other_head = user_create(
        username="truong.khac",
        password="x-Pass-1234",
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[other],
        acting_user=None,
    )
    office = users["vanphong"]
    movement = services.movement_create(
        organiser=department, data=_data(), participants=units, acting_user=office
    )
    plan = services.plan_create(movement=movement, data=_plan_data(), acting_user=office)
    return {
        "department": department,
        "units": units,
        "own": own,
        "other": other,
        "office": office,
        "head": users["truongphong"],
        "council": users["hoidong"],
        "leader": users["lanhdao"],
        "other_head": other_head,
        "movement": movement,
        "plan": plan,
        "ldtt": Title.objects.get(code="lao-dong-tien-tien"),
        "cstdcs": Title.objects.get(code="chien-si-thi-dua-co-so"),
        "ttldtt": Title.objects.get(code="tap-the-lao-dong-tien-tien"),
        "giay_khen": Title.objects.get(code="giay-khen-ca-nhan"),
    }


def _register(w: dict[str, Any], unit: OrgUnit | None = None, user: User | None = None) -> Registration:
    return services.registration_create(
        plan=w["plan"],
        org_unit=unit or w["own"],
        commitments="Hoàn thành xuất sắc nhiệm vụ",
        collective_title=w["ttldtt"],
        acting_user=user or w["head"],
    )


# Movements and plans ----------------------------------------------------------------------------------
def test_movement_checks_and_versioned_edit(world: dict[str, Any]) -> None:
    w = world
    with pytest.raises(ValidationFailed):
        services.movement_create(
            organiser=w["department"],
            data=_data(year_to=2020),
            participants=w["units"],
            acting_user=w["office"],
        )
    with pytest.raises(ValidationFailed):
        services.movement_create(
            organiser=w["department"], data=_data(), participants=[], acting_user=w["office"]
        )
    with pytest.raises(ValidationFailed):  # the department itself is no participant
        services.movement_create(
            organiser=w["department"], data=_data(), participants=[w["department"]], acting_user=w["office"]
        )
    with pytest.raises(PermissionDenied):
        services.movement_create(
            organiser=w["department"], data=_data(), participants=w["units"], acting_user=w["head"]
        )
    m = w["movement"]
    updated = services.movement_update(
        movement=m,
        data={"name": "Tên mới"},
        participants=w["units"],
        version=m.version,
        acting_user=w["office"],
    )
    assert updated.name == "Tên mới" and updated.version == 2
    with pytest.raises(StaleVersion):
        services.movement_update(
            movement=m, data={"name": "Cũ"}, participants=w["units"], version=1, acting_user=w["office"]
        )
    # The plan of 2026 keeps the movement's years from shrinking past it.
    with pytest.raises(ValidationFailed):
        services.movement_update(
            movement=m, data={"year_to": 2025}, participants=w["units"], version=2, acting_user=w["office"]
        )
    assert AuditRecord.objects.filter(action="emulation.movement.update", target_id=str(m.pk)).count() == 1


def test_one_plan_a_year_within_the_movement(world: dict[str, Any]) -> None:
    w = world
    with pytest.raises(ValidationFailed):
        services.plan_create(movement=w["movement"], data=_plan_data(), acting_user=w["office"])
    with pytest.raises(ValidationFailed):
        services.plan_create(movement=w["movement"], data=_plan_data(year=2027), acting_user=w["office"])
    with pytest.raises(ValidationFailed):  # final review before the interim one
        services.plan_create(
            movement=w["movement"],
            data=_plan_data(
                year=2025, final_review_on=dt.date(2025, 6, 1), interim_review_on=dt.date(2025, 7, 1)
            ),
            acting_user=w["office"],
        )
    plan = services.plan_create(movement=w["movement"], data=_plan_data(year=2025), acting_user=w["office"])
    assert MovementPlan.objects.filter(movement=w["movement"]).count() == 2
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, data={"title": "X"}, version=plan.version, acting_user=w["head"])


# Registrations ----------------------------------------------------------------------------------------
def test_registration_flow_with_reasons_audited(world: dict[str, Any]) -> None:
    w = world
    reg = _register(w)
    assert reg.status == RegistrationStatus.DRAFT
    staff = Staff.objects.filter(org_unit=w["own"], is_active=True).first()
    services.line_add(
        registration=reg,
        staff=staff,
        title=w["cstdcs"],
        form=w["giay_khen"],
        initiative_topic="Sáng kiến số hóa",
        acting_user=w["head"],
    )
    with pytest.raises(ValidationFailed):  # the same staff member twice
        services.line_add(registration=reg, staff=staff, title=w["ldtt"], acting_user=w["head"])
    with pytest.raises(ValidationFailed):  # a collective title for a person
        services.line_add(
            registration=reg,
            staff=Staff.objects.filter(org_unit=w["own"]).exclude(pk=staff.pk).first(),
            title=w["ttldtt"],
            acting_user=w["head"],
        )
    foreign_staff = Staff.objects.filter(org_unit=w["other"]).first()
    with pytest.raises(ValidationFailed):  # staff of another unit
        services.line_add(registration=reg, staff=foreign_staff, title=w["ldtt"], acting_user=w["head"])
    with pytest.raises(PermissionDenied):  # the unit head may not approve
        reg.refresh_from_db()
        services.registration_approve(registration=reg, version=reg.version, acting_user=w["head"])
    reg.refresh_from_db()
    with pytest.raises(ValidationFailed):  # a draft cannot be approved
        services.registration_approve(registration=reg, version=reg.version, acting_user=w["office"])
    services.registration_send(registration=reg, version=reg.version, acting_user=w["head"])
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.SENT and reg.sent_at is not None
    with pytest.raises(ValidationFailed):  # sent: no more edits
        services.registration_update(
            registration=reg,
            commitments="X",
            collective_title=None,
            version=reg.version,
            acting_user=w["head"],
        )
    with pytest.raises(ValidationFailed):  # a return needs a reason
        services.registration_return(
            registration=reg, reason="  ", version=reg.version, acting_user=w["office"]
        )
    services.registration_return(
        registration=reg, reason="Bổ sung chỉ tiêu", version=reg.version, acting_user=w["office"]
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.RETURNED and reg.reason == "Bổ sung chỉ tiêu"
    services.registration_update(
        registration=reg,
        commitments="Cam kết đã bổ sung",
        collective_title=w["ttldtt"],
        version=reg.version,
        acting_user=w["head"],
    )
    reg.refresh_from_db()
    services.registration_send(registration=reg, version=reg.version, acting_user=w["head"])
    reg.refresh_from_db()
    services.registration_approve(registration=reg, version=reg.version, acting_user=w["office"])
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.APPROVED and reg.reason == "" and reg.decided_at is not None
    trail = list(
        AuditRecord.objects.filter(target_type="emulation.registration", target_id=str(reg.pk))
        .order_by("pk")
        .values_list("action", "actor_name", "note")
    )
    actions = [a for a, _, _ in trail]
    assert actions == [
        "emulation.registration.create",
        "emulation.registration.line_add",
        "emulation.registration.send",
        "emulation.registration.return",
        "emulation.registration.update",
        "emulation.registration.send",
        "emulation.registration.approve",
    ]
    assert ("emulation.registration.return", "vanphong", "Bổ sung chỉ tiêu") in trail


def test_registration_only_for_own_unit_and_participants(world: dict[str, Any]) -> None:
    w = world
    with pytest.raises(PermissionDenied):
        _register(w, unit=w["other"], user=w["head"])
    _register(w)
    with pytest.raises(ValidationFailed):  # once per unit and plan
        _register(w)
    with pytest.raises(PermissionDenied):  # the council does not register
        _register(w, unit=w["other"], user=w["council"])
    # A unit outside the movement cannot register.
    m = w["movement"]
    services.movement_update(
        movement=m,
        data={},
        participants=[u for u in w["units"] if u.pk != w["other"].pk],
        version=m.version,
        acting_user=w["office"],
    )
    with pytest.raises(ValidationFailed):
        _register(w, unit=w["other"], user=w["other_head"])
    # A registered unit cannot be removed from the movement.
    m.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.movement_update(
            movement=m,
            data={},
            participants=[u for u in w["units"] if u.pk not in (w["own"].pk, w["other"].pk)],
            version=m.version,
            acting_user=w["office"],
        )


def test_unit_head_cannot_see_other_units_registrations(world: dict[str, Any]) -> None:
    w = world
    mine = _register(w)
    theirs = _register(w, unit=w["other"], user=w["other_head"])
    with pytest.raises(NotFound):
        selectors.access_registration_by_id(user=w["head"], registration_id=theirs.pk)
    assert selectors.access_registration_by_id(user=w["office"], registration_id=theirs.pk) == theirs
    assert selectors.access_registration_by_id(user=w["council"], registration_id=theirs.pk) == theirs
    table = selectors.plan_table(user=w["head"], plan=w["plan"])
    assert [r.unit for r in table.rows] == [w["own"]]
    assert table.rows[0].registration == mine
    client = client_for(w["head"])
    for name in ("registration-detail", "registration-update", "line-add", "registration-return"):
        assert client.get(reverse(f"emulation:{name}", args=[theirs.pk])).status_code in (403, 404)
    assert (
        client.post(reverse("emulation:registration-send", args=[theirs.pk]), {"version": 1}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == RegistrationStatus.DRAFT


def test_plan_table_counts_and_not_registered(world: dict[str, Any]) -> None:
    w = world
    units = w["units"]
    a, b, c = (_register(w, unit=u, user=w["office"]) for u in units[:3])
    for reg in (a, b, c):
        reg.refresh_from_db()
        services.registration_send(registration=reg, version=reg.version, acting_user=w["office"])
        reg.refresh_from_db()
    services.registration_approve(registration=a, version=a.version, acting_user=w["office"])
    services.registration_return(registration=b, reason="Thiếu", version=b.version, acting_user=w["office"])
    _register(w, unit=units[3], user=w["office"])  # a draft: not registered
    table = selectors.plan_table(user=w["office"], plan=w["plan"], today=dt.date(2026, 4, 1))
    n = len(units)
    assert table.counts == {
        selectors.NOT_SENT: n - 3,
        selectors.AWAITING: 1,
        selectors.RETURNED: 1,
        selectors.APPROVED: 1,
    }
    assert table.all_count == n
    assert {r.unit.pk for r in table.not_registered} == {
        u.pk for u in units if u.pk not in (a.org_unit_id, c.org_unit_id)
    }
    assert table.past_deadline
    assert not selectors.plan_table(
        user=w["office"], plan=w["plan"], today=dt.date(2026, 3, 31)
    ).past_deadline
    only = selectors.plan_table(user=w["office"], plan=w["plan"], state=selectors.RETURNED)
    assert [r.unit.pk for r in only.rows] == [b.org_unit_id] and only.all_count == n


def test_titles_to_pick_by_beneficiary(world: dict[str, Any]) -> None:
    collective = {t.code for t in selectors.collective_titles(year=2026)}
    assert collective == {"tap-the-lao-dong-tien-tien", "tap-the-lao-dong-xuat-sac"}
    individual = {t.code for t in selectors.individual_titles(year=2026)}
    assert "lao-dong-tien-tien" in individual and "giay-khen-ca-nhan" not in individual
    assert selectors.individual_titles(year=2024) == []  # the versions start on 1/7/2025


# Guidance tasks ---------------------------------------------------------------------------------------
def _task(w: dict[str, Any], unit: OrgUnit, deadline: dt.date, title: str = "Hướng dẫn") -> GuidanceTask:
    return services.task_create(
        org_unit=unit,
        data={"year": 2026, "title": title, "document": "Hướng dẫn của Sở", "deadline": deadline},
        acting_user=w["office"],
    )


def test_tasks_issue_cancel_and_on_time_rate(world: dict[str, Any]) -> None:
    w = world
    today = timezone.localdate()
    past = today - dt.timedelta(days=30)
    on_time = _task(w, w["own"], past, "Đúng hạn")
    late = _task(w, w["own"], past, "Trễ")
    overdue = _task(w, w["own"], past, "Quá hạn")
    _task(w, w["own"], today + dt.timedelta(days=30), "Chưa đến hạn")
    cancelled = _task(w, w["own"], past, "Hủy")
    foreign = _task(w, w["other"], past, "Phòng khác")
    with pytest.raises(PermissionDenied):  # the head marks only their own unit's tasks
        services.task_issue(
            task=foreign,
            issued_on=past,
            document_number="1/HD",
            version=foreign.version,
            acting_user=w["head"],
        )
    with pytest.raises(PermissionDenied):  # the head does not assign
        _task({"office": w["head"]}, w["own"], past)
    with pytest.raises(ValidationFailed):
        services.task_issue(
            task=on_time,
            issued_on=today + dt.timedelta(days=1),
            document_number="1/HD",
            version=on_time.version,
            acting_user=w["head"],
        )
    services.task_issue(
        task=on_time, issued_on=past, document_number="1/HD", version=on_time.version, acting_user=w["head"]
    )
    services.task_issue(
        task=late,
        issued_on=past + dt.timedelta(days=3),
        document_number="2/HD",
        version=late.version,
        acting_user=w["head"],
    )
    with pytest.raises(PermissionDenied):
        services.task_cancel(task=cancelled, reason="Không cần", version=1, acting_user=w["head"])
    with pytest.raises(ValidationFailed):
        services.task_cancel(task=cancelled, reason="", version=1, acting_user=w["office"])
    services.task_cancel(task=cancelled, reason="Không còn cần", version=1, acting_user=w["office"])
    cancelled.refresh_from_db()
    assert cancelled.status == TaskStatus.CANCELLED and cancelled.cancel_reason == "Không còn cần"
    assert (
        AuditRecord.objects.get(action="emulation.task.cancel", target_id=str(cancelled.pk)).note
        == "Không còn cần"
    )
    groups = selectors.tasks_by_division(user=w["office"], year=2026, today=today)
    own = next(g for g in groups if g.unit == w["own"])
    assert (own.rate.on_time, own.rate.counted) == (1, 3)  # late and overdue count, the open one not yet
    assert own.percent == pytest.approx(33.3)
    flags = {r.task.title: (r.on_time, r.issued_late, r.overdue) for r in own.tasks}
    assert flags["Đúng hạn"] == (True, False, False)
    assert flags["Trễ"] == (False, True, False)
    assert flags["Quá hạn"] == (False, False, True)
    assert flags["Chưa đến hạn"] == (False, False, False)
    totals = selectors.task_totals(groups)
    assert totals.counted == sum(g.rate.counted for g in groups) == 4
    # The head sees their own unit's tasks only.
    assert [g.unit for g in selectors.tasks_by_division(user=w["head"], year=2026)] == [w["own"]]
    with pytest.raises(NotFound):
        selectors.access_task_by_id(user=w["head"], task_id=foreign.pk)
    assert overdue.pk in {r.task.pk for r in own.tasks}


# Pages ------------------------------------------------------------------------------------------------
def test_pages_open_for_the_office_and_the_council(world: dict[str, Any]) -> None:
    w = world
    reg = _register(w)
    staff = Staff.objects.filter(org_unit=w["own"], is_active=True).first()
    line = services.line_add(registration=reg, staff=staff, title=w["ldtt"], acting_user=w["head"])
    task = _task(w, w["own"], dt.date(2026, 3, 1))
    pages = [
        reverse("emulation:index"),
        reverse("emulation:movement-create"),
        reverse("emulation:movement-detail", args=[w["movement"].pk]),
        reverse("emulation:movement-update", args=[w["movement"].pk]),
        reverse("emulation:plan-create", args=[w["movement"].pk]),
        reverse("emulation:plan-detail", args=[w["plan"].pk]),
        reverse("emulation:plan-update", args=[w["plan"].pk]),
        reverse("emulation:registration-create", args=[w["plan"].pk]),
        reverse("emulation:registration-detail", args=[reg.pk]),
        reverse("emulation:registration-update", args=[reg.pk]),
        reverse("emulation:line-add", args=[reg.pk]),
        reverse("emulation:task-list") + "?year=2026",
        reverse("emulation:task-create"),
        reverse("emulation:task-update", args=[task.pk]),
        reverse("emulation:task-issue", args=[task.pk]),
        reverse("emulation:task-cancel", args=[task.pk]),
    ]
    office = client_for(w["office"])
    for url in pages:
        assert office.get(url).status_code == 200, url
    council = client_for(w["council"])
    for url in (pages[0], pages[2], pages[5], pages[8], pages[11]):
        response = council.get(url)
        assert response.status_code == 200, url
    assert council.get(pages[1]).status_code == 403
    body = office.get(pages[8]).content.decode()
    assert staff.full_name in body and "Chưa gửi" in body
    assert line.pk


def test_pages_are_404_for_another_unit_head(world: dict[str, Any]) -> None:
    w = world
    reg = _register(w)
    reg.commitments = SECRET
    reg.save()
    staff = Staff.objects.filter(org_unit=w["own"], is_active=True).first()
    line = services.line_add(registration=reg, staff=staff, title=w["ldtt"], acting_user=w["head"])
    task = _task(w, w["own"], dt.date(2026, 3, 1), "Nhiệm vụ bí mật")
    client = client_for(w["other_head"])
    for name, pk in (
        ("registration-detail", reg.pk),
        ("registration-update", reg.pk),
        ("line-add", reg.pk),
        ("task-issue", task.pk),
    ):
        assert client.get(reverse(f"emulation:{name}", args=[pk])).status_code == 404, name
    for name, pk in (("registration-send", reg.pk), ("line-delete", line.pk), ("task-issue", task.pk)):
        assert client.post(reverse(f"emulation:{name}", args=[pk]), {"version": 1}).status_code == 404, name
    for url in (
        reverse("emulation:plan-detail", args=[w["plan"].pk]),
        reverse("emulation:task-list") + "?year=2026",
        reverse("emulation:index"),
    ):
        body = client.get(url).content.decode()
        assert SECRET not in body and "Nhiệm vụ bí mật" not in body, url
    assert RegistrationLine.objects.filter(pk=line.pk).exists()


def test_register_send_and_decide_through_the_pages(world: dict[str, Any]) -> None:
    w = world
    head = client_for(w["head"])
    response = head.post(
        reverse("emulation:registration-create", args=[w["plan"].pk]),
        {"org_unit": w["own"].pk, "commitments": "Cam kết của phòng", "collective_title": w["ttldtt"].pk},
    )
    reg = Registration.objects.get(plan=w["plan"], org_unit=w["own"])
    assert response.status_code == 302
    staff = Staff.objects.filter(org_unit=w["own"], is_active=True).first()
    head.post(reverse("emulation:line-add", args=[reg.pk]), {"staff": staff.pk, "title": w["ldtt"].pk})
    assert reg.lines.count() == 1
    reg.refresh_from_db()
    head.post(reverse("emulation:registration-send", args=[reg.pk]), {"version": reg.version})
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.SENT
    office = client_for(w["office"])
    page = office.get(reverse("emulation:plan-detail", args=[w["plan"].pk])).content.decode()
    assert "Chờ duyệt" in page
    office.post(
        reverse("emulation:registration-return", args=[reg.pk]), {"reason": "", "version": reg.version}
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.SENT  # no reason: nothing changed
    office.post(
        reverse("emulation:registration-return", args=[reg.pk]), {"reason": "Bổ sung", "version": reg.version}
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.RETURNED
    index = head.get(reverse("emulation:index"))
    assert index.status_code == 200
    # The landing page of the unit head lists their registration when the plan is of this year.
    if w["plan"].year == timezone.localdate().year:
        assert "Bổ sung" in index.content.decode()
    xlsx = office.get(reverse("emulation:plan-detail", args=[w["plan"].pk]) + "?format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v]
    assert w["own"].name in cells and "Bị trả lại" in cells


def test_task_page_shows_rates(world: dict[str, Any]) -> None:
    w = world
    client = client_for(w["office"])
    body = client.get(reverse("emulation:task-list") + "?year=2026").content.decode()
    assert "Chưa có nhiệm vụ" in body or "chưa có nhiệm vụ" in body  # empty year
    past = timezone.localdate() - dt.timedelta(days=10)
    t = _task(w, w["own"], past, "Một nhiệm vụ")
    _task(w, w["own"], timezone.localdate() + dt.timedelta(days=10), "Chưa đến hạn")
    body = client.get(reverse("emulation:task-list") + "?year=2026").content.decode()
    assert "0/1 (0,0 %)" in body
    services.task_issue(
        task=t, issued_on=past, document_number="9/HD", version=t.version, acting_user=w["head"]
    )
    body = client.get(reverse("emulation:task-list") + "?year=2026").content.decode()
    assert "1/1 (100,0 %)" in body
    xlsx = client.get(reverse("emulation:task-list") + "?year=2026&format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    unit_row = next(r for r in rows if r and r[0] == w["own"].name and r[1] == 1)
    assert unit_row[1:4] == [1, 1, 100]  # on time, counted, the rate in %
    assert any(r and "Chưa đến hạn" in r for r in rows)


# Demo -------------------------------------------------------------------------------------------------
def test_demo_seed(province: Any) -> None:
    from giamngheo.demo.emulation import NAME, seed_emulation

    report = seed_emulation(province=province)
    assert report.movement is not None and report.movement.name == NAME
    assert seed_emulation(province=province).movement is None  # idempotent
    plan = MovementPlan.objects.get(movement=report.movement, year=2026)
    regs = {
        r.org_unit.short_name: r.status
        for r in Registration.objects.filter(plan=plan).select_related("org_unit")
    }
    assert regs["PTNT-GN"] == RegistrationStatus.APPROVED
    assert list(regs.values()).count(RegistrationStatus.SENT) == 1
    assert list(regs.values()).count(RegistrationStatus.RETURNED) == 1
    assert list(regs.values()).count(RegistrationStatus.APPROVED) >= 4
    participants = report.movement.participants.count()
    assert len(regs) == participants - 1
    assert Registration.objects.get(plan=plan, org_unit__short_name="PTNT-GN").lines.count() >= 3
    assert 10 <= GuidanceTask.objects.filter(year=2026).count() <= 14
    assert Movement.objects.filter(name=NAME).count() == 1


def test_demo_pages_open_and_speak_vietnamese(province: Any, users: dict[str, User]) -> None:
    """With the demo movement, every emulation page each role reaches answers 200 and shows no English or
    internal key (the checks of tests/test_pages_vietnamese.py)."""
    from giamngheo.demo.emulation import seed_emulation
    from tests.test_pages_vietnamese import _Text, choice_values, findings

    report = seed_emulation(province=province)
    assert report.movement is not None
    plan = MovementPlan.objects.get(movement=report.movement, year=2026)
    regs = list(Registration.objects.filter(plan=plan).order_by("pk"))
    returned = next(r for r in regs if r.status == RegistrationStatus.RETURNED)
    own = next(r for r in regs if r.org_unit.short_name == "PTNT-GN")
    task = GuidanceTask.objects.filter(year=2026, org_unit=own.org_unit).first()
    values = choice_values()
    office_pages = [
        reverse("emulation:index"),
        reverse("emulation:movement-detail", args=[report.movement.pk]),
        reverse("emulation:movement-update", args=[report.movement.pk]),
        reverse("emulation:plan-detail", args=[plan.pk]),
        reverse("emulation:plan-detail", args=[plan.pk]) + "?state=returned",
        reverse("emulation:registration-detail", args=[returned.pk]),
        reverse("emulation:registration-detail", args=[own.pk]),
        reverse("emulation:registration-return", args=[returned.pk]),
        reverse("emulation:task-list") + "?year=2026",
        reverse("emulation:task-create"),
        reverse("emulation:task-cancel", args=[task.pk]),
    ]
    head_pages = [
        reverse("emulation:index"),
        reverse("emulation:plan-detail", args=[plan.pk]),
        reverse("emulation:registration-detail", args=[own.pk]),
        reverse("emulation:task-list") + "?year=2026",
        reverse("emulation:task-issue", args=[task.pk]),
    ]
    found: dict[str, list[str]] = {}
    for username, pages in (
        ("vanphong", office_pages),
        ("hoidong", office_pages[:2] + office_pages[3:7] + office_pages[8:9]),
        ("lanhdao", office_pages[:2] + office_pages[3:7] + office_pages[8:9]),
        ("truongphong", head_pages),
    ):
        client = client_for(users[username])
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            parser = _Text()
            parser.feed(response.content.decode())
            bad = findings("\n".join(parser.parts), values)
            if bad:
                found[f"{username} {url}"] = sorted(set(bad))
    assert not found, found
    body = client_for(users["vanphong"]).get(office_pages[3]).content.decode()
    assert "Đã quá hạn đăng ký" in body and "Đơn vị chưa đăng ký" in body
    if timezone.localdate().year == 2026:  # the landing page sums up the plans of this year
        index = client_for(users["vanphong"]).get(office_pages[0]).content.decode()
        assert "Đơn vị chưa đăng ký (2/" in index and "Trung tâm Dịch vụ nông nghiệp" in index
    # The history shows the staff added in one line with their number, the return with its reason.
    body = client_for(users["vanphong"]).get(office_pages[5]).content.decode()
    lines = returned.lines.count()
    assert f"Thêm cán bộ ({lines})" in body and body.count("Thêm cán bộ") == 2  # the button and the history
    assert returned.reason in body
