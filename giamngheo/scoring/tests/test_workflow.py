"""The scoring's workflow: the office prepares, opens and closes a set; the unit assesses itself and sends;
the council scores or returns; scope (another unit's head gets 404), audit, the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import StaleVersion
from giamngheo.emulation.models import GuidanceTask, Movement, MovementPlan
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.scoring import selectors, services
from giamngheo.scoring.models import CriteriaSet, ScoreEntry, ScoreSheet, SetStatus, SheetStatus
from giamngheo.scoring.services import CriterionInput, EntryInput

YEAR = 2026
D = Decimal


@pytest.fixture
def world(province: Any, users: dict[str, User]) -> dict[str, Any]:
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    poverty = OrgUnit.objects.get(short_name="PTNT-GN", parent=department)
    other = department.children.exclude(pk=poverty.pk).order_by("path").first()
    assert other is not None
    movement = Movement.objects.create(
        organiser=department, name="Phong trào “Vì người nghèo” (thử)", year_from=2025, year_to=2030
    )
    plan = MovementPlan.objects.create(movement=movement, year=YEAR, title="Kế hoạch năm 2026 (thử)")
    old_plan = MovementPlan.objects.create(movement=movement, year=2025, title="Kế hoạch năm 2025 (thử)")
    office, council = users["vanphong"], users["hoidong"]
    cset = services.criteria_set_create(
        plan=plan,
        name="Bảng tiêu chí năm 2026 (thử)",
        cluster="Khối các phòng",
        units=[poverty, other],
        self_deadline=dt.date(YEAR, 12, 15),
        acting_user=office,
    )
    c = {
        "1": services.criterion_create(
            criteria_set=cset,
            data=CriterionInput(
                "1", "Nhiệm vụ đúng hạn", "quantity", "I", D(20), None, D(100), "target", "tasks_on_time"
            ),
            acting_user=office,
        ),
        "2": services.criterion_create(
            criteria_set=cset,
            data=CriterionInput("2", "Số hoạt động", "quantity", "I", D(15), None, None, "best"),
            acting_user=office,
        ),
        "3": services.criterion_create(
            criteria_set=cset,
            data=CriterionInput("3", "Phát động", "pass_fail", "II", D(10)),
            acting_user=office,
        ),
        "4": services.criterion_create(
            criteria_set=cset,
            data=CriterionInput("4", "Bị nhắc nhở", "bonus_penalty", "III", D(10), D(-2)),
            acting_user=office,
        ),
    }
    return {
        "set": cset,
        "c": c,
        "poverty": poverty,
        "other": other,
        "plan": plan,
        "old_plan": old_plan,
        "office": office,
        "council": council,
        "head": users["truongphong"],
        "department": department,
    }


def sheet_of(world: dict[str, Any], unit: OrgUnit) -> ScoreSheet:
    return ScoreSheet.objects.get(criteria_set=world["set"], org_unit=unit)


def entry(sheet: ScoreSheet, criterion: Any) -> ScoreEntry:
    return ScoreEntry.objects.get(sheet=sheet, criterion=criterion)


def open_set(world: dict[str, Any]) -> CriteriaSet:
    return services.criteria_set_open(
        criteria_set=world["set"], version=world["set"].version, acting_user=world["office"]
    )


def self_values(world: dict[str, Any], unit: OrgUnit, activities: int, met: int, warnings: int) -> ScoreSheet:
    sheet = sheet_of(world, unit)
    c = world["c"]
    return services.sheet_self_save(
        sheet=sheet,
        entries={
            c["1"].pk: EntryInput(D(1), "cố ghi đè"),  # a computed criterion: the value is ignored
            c["2"].pk: EntryInput(D(activities), "Danh sách hoạt động"),
            c["3"].pk: EntryInput(D(met)),
            c["4"].pk: EntryInput(D(warnings)),
        },
        version=sheet.version,
        acting_user=None,
    )


def test_only_the_office_prepares_and_bad_criteria_are_refused(world: dict[str, Any]) -> None:
    cset = world["set"]
    for user in (world["head"], world["council"]):
        with pytest.raises(PermissionDenied):
            services.criterion_create(
                criteria_set=cset,
                data=CriterionInput("9", "X", "pass_fail", max_points=D(5)),
                acting_user=user,
            )
    bad = [
        (CriterionInput("1", "Trùng số", "pass_fail", max_points=D(5)), "code"),
        (CriterionInput("9", "Thiếu điểm", "pass_fail"), "max_points"),
        (CriterionInput("9", "Thiếu chỉ tiêu", "quantity", max_points=D(5), scale="target"), "target"),
        (CriterionInput("9", "Đếm", "count", max_points=D(5)), "points_each"),
        (CriterionInput("9", "Nguồn lạ", "pass_fail", max_points=D(5), source="no_such"), "source"),
        (CriterionInput("9", "Điểm âm", "pass_fail", max_points=D(-5)), "max_points"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationFailed) as exc:
            services.criterion_create(criteria_set=cset, data=data, acting_user=world["office"])
        assert exc.value.extra["field"] == field
    assert cset.criteria.count() == 4


def test_open_creates_a_sheet_per_unit_with_computed_values(world: dict[str, Any]) -> None:
    GuidanceTask.objects.filter(org_unit__in=[world["other"], world["poverty"]], year=YEAR).delete()
    deadline = dt.date(YEAR, 1, 10)
    for i, issued in enumerate([deadline, deadline, deadline + dt.timedelta(days=5)]):
        GuidanceTask.objects.create(
            org_unit=world["other"],
            year=YEAR,
            title=f"NV{i}",
            document="HD",
            deadline=deadline,
            status="issued",
            issued_on=issued,
        )
    cset = open_set(world)
    assert cset.status == SetStatus.OPEN
    assert ScoreSheet.objects.filter(criteria_set=cset).count() == 2
    assert ScoreEntry.objects.filter(sheet__criteria_set=cset).count() == 8
    other = entry(sheet_of(world, world["other"]), world["c"]["1"])
    assert other.computed_value == D("66.67") and other.self_points == D("13.33")
    assert other.provenance.startswith("2/3 nhiệm vụ ban hành đúng hạn")
    unknown = entry(sheet_of(world, world["poverty"]), world["c"]["1"])
    assert unknown.computed_value is None and unknown.self_points is None  # never 0 silently
    assert AuditRecord.objects.filter(action="scoring.set.open", target_id=str(cset.pk)).exists()
    # The criteria no longer change once open.
    with pytest.raises(ValidationFailed):
        services.criterion_delete(criterion=world["c"]["3"], acting_user=world["office"])


def test_self_assessment_points_totals_and_best_scale(world: dict[str, Any]) -> None:
    open_set(world)
    c = world["c"]
    a = self_values(world, world["other"], activities=8, met=1, warnings=1)
    b = self_values(world, world["poverty"], activities=4, met=0, warnings=0)
    a_act, b_act = entry(a, c["2"]), entry(b, c["2"])
    assert (a_act.self_points, b_act.self_points) == (D("15.00"), D("7.50"))  # 8 is the best; 4/8 × 15
    assert entry(a, c["1"]).self_value != D(1)  # the unit cannot overwrite a computed value
    assert entry(a, c["1"]).evidence == "cố ghi đè"
    assert entry(a, c["4"]).self_points == D("-2.00")
    a.refresh_from_db()
    points = [e.self_points for e in ScoreEntry.objects.filter(sheet=a)]
    if None in points:
        assert a.self_total is None  # incomplete: the total says so
    else:
        assert a.self_total == sum(points)
    view = selectors.sheet_view(sheet=a)
    assert view.self_total.value == sum((p for p in points if p is not None), D(0))
    # A unit's value change moves the other's points (scaled to the best).
    self_values(world, world["poverty"], activities=16, met=0, warnings=0)
    assert entry(sheet_of(world, world["other"]), c["2"]).self_points == D("7.50")


def test_submit_needs_every_entered_value_and_then_locks(world: dict[str, Any]) -> None:
    open_set(world)
    sheet = sheet_of(world, world["other"])
    with pytest.raises(ValidationFailed) as exc:
        services.sheet_submit(sheet=sheet, version=sheet.version, acting_user=None)
    assert "2, 3, 4" in str(exc.value.message)
    sheet = self_values(world, world["other"], activities=5, met=1, warnings=0)
    with pytest.raises(StaleVersion):
        services.sheet_submit(sheet=sheet, version=sheet.version - 1, acting_user=None)
    sheet = services.sheet_submit(sheet=sheet, version=sheet.version, acting_user=None)
    assert sheet.status == SheetStatus.SELF_SUBMITTED and sheet.submitted_at is not None
    assert entry(sheet, world["c"]["2"]).council_value == D(5)  # the council starts from the unit's values
    with pytest.raises(ValidationFailed):
        self_values(world, world["other"], activities=9, met=1, warnings=0)
    assert AuditRecord.objects.filter(action="scoring.sheet.submit", target_id=str(sheet.pk)).exists()


def test_council_scores_returns_and_the_closed_set_is_final(world: dict[str, Any]) -> None:
    open_set(world)
    c, council = world["c"], world["council"]
    sheet = self_values(world, world["other"], activities=6, met=1, warnings=2)
    sheet = services.sheet_submit(sheet=sheet, version=sheet.version, acting_user=None)
    with pytest.raises(PermissionDenied):  # the unit head is no judge
        services.sheet_score(sheet=sheet, version=sheet.version, acting_user=world["head"])
    # Criterion 1 has no data (no task due): scoring needs the council's value first.
    GuidanceTask.objects.filter(org_unit=world["other"], year=YEAR).delete()
    ScoreEntry.objects.filter(sheet=sheet, criterion=c["1"]).update(council_value=None)
    with pytest.raises(ValidationFailed):
        services.sheet_score(sheet=sheet, version=sheet.version, acting_user=council)
    sheet = services.sheet_council_save(
        sheet=sheet,
        values={c["1"].pk: D(100), c["2"].pk: D(3), c["4"].pk: D(1)},
        note="Điều chỉnh tiêu chí 2 theo minh chứng.",
        version=sheet.version,
        acting_user=council,
    )
    sheet = services.sheet_score(sheet=sheet, version=sheet.version, acting_user=council)
    assert sheet.status == SheetStatus.SCORED and sheet.scored_by == council
    points = [e.council_points for e in ScoreEntry.objects.filter(sheet=sheet)]
    assert None not in points and sheet.council_total == sum(points)
    # 20 + 15 (3 is the best council value) + 10 − 2
    assert sheet.council_total == D("43.00")
    # The other unit is returned with a reason, then cannot be scored.
    other = self_values(world, world["poverty"], activities=2, met=1, warnings=0)
    other = services.sheet_submit(sheet=other, version=other.version, acting_user=None)
    with pytest.raises(ValidationFailed):
        services.sheet_return(sheet=other, reason="  ", version=other.version, acting_user=council)
    other = services.sheet_return(
        sheet=other, reason="Bổ sung minh chứng", version=other.version, acting_user=council
    )
    assert other.status == SheetStatus.RETURNED and other.reason == "Bổ sung minh chứng"
    record = AuditRecord.objects.get(action="scoring.sheet.return", target_id=str(other.pk))
    assert record.actor == council and record.note == "Bổ sung minh chứng"
    # Closing freezes everything.
    cset = CriteriaSet.objects.get(pk=world["set"].pk)
    cset = services.criteria_set_close(criteria_set=cset, version=cset.version, acting_user=world["office"])
    assert cset.status == SetStatus.CLOSED
    with pytest.raises(ValidationFailed):
        self_values(world, world["poverty"], activities=9, met=1, warnings=0)
    with pytest.raises(ValidationFailed):
        services.criteria_set_update(
            criteria_set=cset,
            data={"name": "Khác"},
            units=None,
            version=cset.version,
            acting_user=world["office"],
        )


def test_ranking_by_council_then_self_with_ties(world: dict[str, Any]) -> None:
    units = list(world["department"].children.order_by("path")[:4])
    sheets = [
        ScoreSheet(org_unit=u, council_total=ct, self_total=st)
        for u, ct, st in zip(units, [D(90), D(95), D(90), None], [D(80), D(99), D(80), D(100)], strict=True)
    ]
    rows = selectors.rank(sheets)
    assert [r.sheet.council_total for r in rows] == [D(95), D(90), D(90), None]
    assert [r.rank for r in rows] == [1, 2, 2, 4]
    assert [r.tied for r in rows] == [False, True, True, False]


def test_copy_from_a_previous_year(world: dict[str, Any]) -> None:
    old = services.criteria_set_copy(source=world["set"], plan=world["old_plan"], acting_user=world["office"])
    assert old.name == "Bảng tiêu chí năm 2025 (thử)"
    assert old.status == SetStatus.DRAFT and old.plan == world["old_plan"]
    assert sorted(old.criteria.values_list("code", "kind", "source")) == sorted(
        world["set"].criteria.values_list("code", "kind", "source")
    )
    assert set(old.units.all()) == {world["poverty"], world["other"]}


def _other_head(world: dict[str, Any]) -> User:
    return user_create(
        username="truongphong.khac",
        password="MatKhau12345",
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[world["other"]],
        acting_user=None,
    )


def test_another_units_head_gets_404_and_never_sees_it(world: dict[str, Any]) -> None:
    open_set(world)
    mine = sheet_of(world, world["poverty"])
    theirs = sheet_of(world, world["other"])
    head = client_for(world["head"])
    assert head.get(reverse("scoring:sheet-detail", args=[mine.pk])).status_code == 200
    assert head.get(reverse("scoring:sheet-self", args=[mine.pk])).status_code == 200
    for name in ("scoring:sheet-detail", "scoring:sheet-self", "scoring:sheet-submit"):
        response = getattr(head, "post" if name.endswith("submit") else "get")(
            reverse(name, args=[theirs.pk])
        )
        assert response.status_code == 404, name
    body = head.get(reverse("scoring:set-detail", args=[world["set"].pk])).content.decode()
    assert world["poverty"].name in body and world["other"].name not in body
    ranking = head.get(reverse("scoring:ranking", args=[world["set"].pk])).content.decode()
    assert world["other"].name not in ranking
    # The other unit's head sees its own sheet only.
    other = client_for(_other_head(world))
    assert other.get(reverse("scoring:sheet-detail", args=[mine.pk])).status_code == 404
    assert other.get(reverse("scoring:sheet-detail", args=[theirs.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.sheet_self_save(sheet=mine, entries={}, version=mine.version, acting_user=_head(world))


def _head(world: dict[str, Any]) -> User:
    return User.objects.get(username="truongphong.khac")


def test_pages_answer_for_each_role(world: dict[str, Any]) -> None:
    office, council, head = (client_for(world[k]) for k in ("office", "council", "head"))
    cset = world["set"]
    for url in (
        reverse("scoring:set-list"),
        reverse("scoring:set-create"),
        reverse("scoring:set-copy"),
        reverse("scoring:set-detail", args=[cset.pk]),
        reverse("scoring:set-update", args=[cset.pk]),
        reverse("scoring:criterion-create", args=[cset.pk]),
        reverse("scoring:criterion-update", args=[world["c"]["2"].pk]),
    ):
        assert office.get(url).status_code == 200, url
    assert head.get(reverse("scoring:set-create")).status_code == 403
    response = office.post(
        reverse("scoring:set-open", args=[cset.pk]), {"version": cset.version, "confirmed": "1"}
    )
    assert response.status_code == 302
    assert CriteriaSet.objects.get(pk=cset.pk).status == SetStatus.OPEN
    sheet = sheet_of(world, world["poverty"])
    c = world["c"]
    # The unit head types values: the live preview counts the points without saving.
    data = {
        "version": sheet.version,
        f"value_{c['2'].pk}": "4,5",
        f"value_{c['3'].pk}": "1",
        f"value_{c['4'].pk}": "1",
        "preview": "1",
    }
    preview = head.post(reverse("scoring:sheet-self", args=[sheet.pk]), data, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and 'id="live-points"' in preview.content.decode()
    assert entry(sheet, c["2"]).self_value is None  # nothing saved
    data.pop("preview")
    saved = head.post(reverse("scoring:sheet-self", args=[sheet.pk]), data)
    assert saved.status_code == 302
    assert entry(sheet, c["2"]).self_value == D("4.5") and entry(sheet, c["3"]).self_points == D(10)
    sheet.refresh_from_db()
    sent = head.post(
        reverse("scoring:sheet-submit", args=[sheet.pk]), {"version": sheet.version, "confirmed": "1"}
    )
    assert sent.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SELF_SUBMITTED
    page = council.get(reverse("scoring:sheet-detail", args=[sheet.pk])).content.decode()
    assert "Nguồn số liệu" in page and "Hệ thống tự tính" not in page
    assert council.get(reverse("scoring:sheet-council", args=[sheet.pk])).status_code == 200
    assert council.get(reverse("scoring:sheet-return", args=[sheet.pk])).status_code == 200
    assert council.get(reverse("scoring:ranking", args=[cset.pk])).status_code == 200
    assert council.get(reverse("scoring:ranking", args=[cset.pk]) + "?format=xlsx").status_code == 200
    assert head.get(reverse("scoring:sheet-council", args=[sheet.pk])).status_code == 403
    listing = head.get(reverse("scoring:set-list")).content.decode()
    assert "Phiếu chấm điểm của đơn vị bạn" in listing
