"""Officers, courses and attendance: the services' checks, the shares, the scope, the indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION, StaleVersion
from giamngheo.training import selectors, services
from giamngheo.training.choices import OFFICERS_ACTIVE, OFFICERS_TRAINED, Position
from giamngheo.training.models import Attendance, Course, Officer

YEAR = 2026
pytestmark = pytest.mark.usefixtures("clean")


def _officer(commune: Any, name: str, **kwargs: Any) -> Officer:
    data: dict[str, Any] = {"position": Position.SOCIAL_AFFAIRS, "since": dt.date(2020, 1, 1)} | kwargs
    return services.officer_create(commune=commune, full_name=name, acting_user=None, **data)


def _course(province: Any, start: dt.date = dt.date(YEAR, 3, 1), end: dt.date | None = None) -> Course:
    return services.course_create(
        province=province, title="Tập huấn rà soát", start_date=start, end_date=end or start, acting_user=None
    )


# Services ---------------------------------------------------------------------------------------------------
def test_course_end_before_start_is_refused(province: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _course(province, dt.date(YEAR, 3, 5), dt.date(YEAR, 3, 1))
    assert exc.value.extra["field"] == "end_date"
    assert not Course.objects.exists()


def test_officer_left_before_since_is_refused(commune_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _officer(commune_a, "Nguyễn Văn A", since=dt.date(2024, 1, 1), left_on=dt.date(2023, 1, 1))
    assert exc.value.extra["field"] == "left_on"
    assert not Officer.objects.exists()


def test_same_officer_twice_in_a_course_is_refused(province: Any, commune_a: Any) -> None:
    course = _course(province)
    officer = _officer(commune_a, "Nguyễn Văn A")
    services.attendance_add(course=course, officer=officer, acting_user=None)
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_add(course=course, officer=officer, completed=True, acting_user=None)
    assert str(exc.value.message) == "Cán bộ này đã có trong danh sách lớp."
    assert Attendance.objects.filter(course=course).count() == 1
    assert AuditRecord.objects.count() == audits


def test_adding_several_is_all_or_nothing(province: Any, commune_a: Any) -> None:
    course = _course(province)
    a = _officer(commune_a, "Nguyễn Văn A")
    b = _officer(commune_a, "Trần Thị B")
    services.attendance_add(course=course, officer=b, acting_user=None)
    with pytest.raises(ValidationFailed):
        services.attendances_add(course=course, officers=[a, b], acting_user=None)
    assert list(Attendance.objects.filter(course=course).values_list("officer_id", flat=True)) == [b.pk]


def test_officer_not_in_post_during_the_course_is_refused(province: Any, commune_a: Any) -> None:
    course = _course(province)
    gone = _officer(commune_a, "Lê Văn C", left_on=dt.date(YEAR - 1, 12, 31))
    with pytest.raises(ValidationFailed):
        services.attendance_add(course=course, officer=gone, acting_user=None)


def test_attendance_update_is_versioned_and_audited(province: Any, commune_a: Any) -> None:
    course = _course(province)
    attendance = services.attendance_add(course=course, officer=_officer(commune_a, "A"), acting_user=None)
    assert attendance.completed is None
    with pytest.raises(StaleVersion):
        services.attendance_update(
            attendance=attendance, completed=True, certificate_number="", version=99, acting_user=None
        )
    updated = services.attendance_update(
        attendance=attendance, completed=True, certificate_number="12/CC", version=1, acting_user=None
    )
    assert updated.completed is True and updated.version == 2
    record = AuditRecord.objects.filter(action="training.attendance.update").latest("pk")
    assert record.before["completed"] is None and record.after["completed"] is True


def test_certificate_needs_completion(province: Any, commune_a: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.attendance_add(
            course=_course(province),
            officer=_officer(commune_a, "A"),
            certificate_number="1",
            acting_user=None,
        )


def test_commune_officer_may_not_record_another_commune(users: Any, commune_a: Any, commune_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.officer_create(
            commune=commune_a,
            full_name="X",
            position=Position.OTHER,
            since=dt.date(2020, 1, 1),
            acting_user=users["canbo.tranbien"],
        )
    officer = services.officer_create(
        commune=commune_b,
        full_name="Y",
        position=Position.OTHER,
        since=dt.date(2020, 1, 1),
        acting_user=users["canbo.tranbien"],
    )
    assert officer.commune == commune_b


# Shares -----------------------------------------------------------------------------------------------------
@pytest.fixture
def trained_world(province: Any, commune_a: Any, commune_b: Any) -> dict[str, Any]:
    course = _course(province, dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 3))
    old = _course(province, dt.date(YEAR - 1, 12, 30), dt.date(YEAR - 1, 12, 31))
    a1 = _officer(commune_a, "Nguyễn Văn Một")
    a2 = _officer(commune_a, "Nguyễn Văn Hai")
    a3 = _officer(commune_a, "Nguyễn Văn Ba", since=dt.date(YEAR, 12, 31))  # active (since ≤ 31/12)
    _officer(commune_a, "Đã Nghỉ", left_on=dt.date(YEAR - 1, 12, 31))  # not active this year
    _officer(commune_a, "Chưa Nhận", since=dt.date(YEAR + 1, 1, 1))  # not active this year
    b1 = _officer(commune_b, "Trần Thị Bốn", left_on=dt.date(YEAR, 1, 1))  # active (left on 1/1)
    b2 = _officer(commune_b, "Trần Thị Năm")
    services.attendance_add(course=course, officer=a1, completed=True, acting_user=None)
    services.attendance_add(course=course, officer=a2, completed=None, acting_user=None)  # unknown
    services.attendance_add(course=old, officer=b2, completed=True, acting_user=None)  # last year's
    services.attendance_add(course=course, officer=b2, completed=False, acting_user=None)
    return {"course": course, "a1": a1, "a2": a2, "a3": a3, "b1": b1, "b2": b2}


def test_shares_per_commune_and_province(
    users: Any, province: Any, commune_a: Any, commune_b: Any, trained_world: Any
) -> None:
    shares = selectors.shares(user=users["chuyenvien"], year=YEAR, province=province)
    rows = {r.commune.pk: r for r in shares.rows}
    assert (rows[commune_a.pk].active, rows[commune_a.pk].trained) == (3, 1)
    assert (rows[commune_b.pk].active, rows[commune_b.pk].trained) == (2, 0)
    assert shares.active == sum(r.active for r in shares.rows) == 5
    assert shares.trained == sum(r.trained for r in shares.rows) == 1
    assert shares.share == Decimal("20.0")
    assert rows[commune_a.pk].share == Decimal("33.3")
    # Completing the unknown one counts it.
    attendance = Attendance.objects.get(officer=trained_world["a2"])
    services.attendance_update(
        attendance=attendance, completed=True, certificate_number="", version=ANY_VERSION, acting_user=None
    )
    assert selectors.shares(user=users["chuyenvien"], year=YEAR, province=province).trained == 2


def test_untrained_list(users: Any, trained_world: Any) -> None:
    names = {o.full_name for o in selectors.untrained_list(user=users["chuyenvien"], year=YEAR)}
    assert names == {"Nguyễn Văn Hai", "Nguyễn Văn Ba", "Trần Thị Bốn", "Trần Thị Năm"}
    mine = {o.full_name for o in selectors.untrained_list(user=users["canbo.tranbien"], year=YEAR)}
    assert mine == {"Trần Thị Bốn", "Trần Thị Năm"}


def test_indicator_inputs(users: Any, province: Any, commune_a: Any, trained_world: Any) -> None:
    assert selectors.indicator_inputs(user=None, area=province, year=YEAR) == {
        OFFICERS_ACTIVE: 5,
        OFFICERS_TRAINED: 1,
    }
    assert selectors.indicator_inputs(user=None, area=commune_a, year=YEAR) == {
        OFFICERS_ACTIVE: 3,
        OFFICERS_TRAINED: 1,
    }
    village = commune_a.children.first()
    assert selectors.indicator_inputs(user=None, area=village, year=YEAR) == {}
    # Officers in post, but no course recorded that year: unknown, not "0 % trained".
    assert selectors.indicator_inputs(user=None, area=province, year=YEAR - 5) == {}


def test_indicator_absent_where_no_officer(province: Any, commune_a: Any) -> None:
    assert selectors.indicator_inputs(user=None, area=province, year=YEAR) == {}
    assert selectors.indicator_inputs(user=None, area=commune_a, year=YEAR) == {}


def test_target_on_officers_trained_shows_the_share(users: Any, province: Any, trained_world: Any) -> None:
    from giamngheo.plans import selectors as plans_selectors
    from giamngheo.plans import services as plans_services

    plan = plans_services.plan_create(
        province=province, year_from=YEAR, year_to=YEAR, title="KH tập huấn", acting_user=None
    )
    target = plans_services.target_create(
        plan=plan,
        name="100 % cán bộ được tập huấn",
        indicator_key="officers_trained",
        target_value=Decimal(100),
        direction="up",
        deadline=dt.date(YEAR, 12, 31),
        acting_user=None,
    )
    card = plans_selectors.target_card(user=users["chuyenvien"], target=target, area=province, year=YEAR)
    assert card.actual == Decimal("20.00")
    assert card.measured_year == YEAR


# Scope ------------------------------------------------------------------------------------------------------
def test_another_commune_sees_nothing(users: Any, commune_a: Any, trained_world: Any) -> None:
    other = users["canbo.tranbien"]
    a1 = trained_world["a1"]
    with pytest.raises(NotFound):
        selectors.access_officer_by_id(user=other, officer_id=a1.pk)
    attendance = Attendance.objects.get(officer=a1)
    with pytest.raises(NotFound):
        selectors.access_attendance_by_id(user=other, attendance_id=attendance.pk)
    assert commune_a.pk not in {o.commune_id for o in selectors.officer_list(user=other, active="")}
    # The province's course is seen, but not commune A's attendance.
    course = selectors.access_course_by_id(user=other, course_id=trained_world["course"].pk)
    assert {a.officer_id for a in selectors.attendance_list(user=other, course=course)} == {
        trained_world["b2"].pk
    }
    client = client_for(other)
    assert client.get(reverse("training:officer-update", args=[a1.pk])).status_code == 404
    assert client.post(reverse("training:attendance-update", args=[attendance.pk])).status_code == 404
    page = client.get(reverse("training:course-detail", args=[course.pk]))
    assert page.status_code == 200 and "Nguyễn Văn Một" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.attendance_update(
            attendance=attendance,
            completed=False,
            certificate_number="",
            version=ANY_VERSION,
            acting_user=other,
        )


# Pages ------------------------------------------------------------------------------------------------------
def test_pages_open_for_the_roles(users: Any, trained_world: Any) -> None:
    course = trained_world["course"]
    for name in ("chuyenvien", "canbo.bugiamap", "lanhdao", "admin"):
        client = client_for(users[name])
        for url in (
            reverse("training:shares"),
            reverse("training:untrained"),
            reverse("training:officer-list"),
            reverse("training:course-list"),
            reverse("training:course-detail", args=[course.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, (name, url)


def test_shares_page_and_xlsx(users: Any, trained_world: Any) -> None:
    client = client_for(users["chuyenvien"])
    page = client.get(reverse("training:shares"), {"year": YEAR})
    text = page.content.decode()
    assert "Tỷ lệ cán bộ được tập huấn" in text and "20,0 %" in text
    download = client.get(reverse("training:shares"), {"year": YEAR, "format": "xlsx"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_personal_download_needs_the_capability(users: Any, trained_world: Any) -> None:
    from giamngheo.core.models import ExportRecord

    viewer = client_for(users["lanhdao"])  # VIEW_TABLES, no DOWNLOAD_PERSONAL_DATA
    assert viewer.get(reverse("training:untrained"), {"format": "xlsx"}).status_code == 403
    assert viewer.get(reverse("training:officer-list"), {"format": "xlsx"}).status_code == 403
    before = ExportRecord.objects.count()
    specialist = client_for(users["chuyenvien"])
    ok = specialist.get(reverse("training:untrained"), {"format": "xlsx", "year": YEAR})
    assert ok.status_code == 200
    assert ExportRecord.objects.count() == before + 1
    assert ExportRecord.objects.latest("pk").kind == "officer_list"  # the log names what was downloaded
    listing = specialist.get(reverse("training:officer-list"), {"format": "xlsx"})
    assert listing.status_code == 200
    assert list(ExportRecord.objects.order_by("pk").values_list("kind", flat=True)[before:]) == [
        "officer_list",
        "officer_list",
    ]


def test_add_attendance_through_the_page(users: Any, province: Any, commune_b: Any) -> None:
    course = _course(province)
    officer = _officer(commune_b, "Phạm Văn Sáu")
    client = client_for(users["canbo.tranbien"])
    url = reverse("training:attendance-add", args=[course.pk])
    client.post(url, {"officers": [officer.pk]})
    assert Attendance.objects.filter(course=course, officer=officer).count() == 1
    response = client.post(url, {"officers": [officer.pk]}, follow=True)
    assert "Cán bộ này đã có trong danh sách lớp" in response.content.decode()
    assert Attendance.objects.filter(course=course, officer=officer).count() == 1


def test_course_form_end_before_start(users: Any) -> None:
    from giamngheo.training.selectors import provinces_to_pick

    client = client_for(users["chuyenvien"])
    province = provinces_to_pick(user=users["chuyenvien"])[0]
    response = client.post(
        reverse("training:course-create"),
        {
            "province": province.pk,
            "title": "Lớp",
            "start_date": "05/03/2026",
            "end_date": "01/03/2026",
            "funding_project": "p7",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc của lớp không được trước ngày khai giảng" in response.content.decode()
    assert not Course.objects.exists()
