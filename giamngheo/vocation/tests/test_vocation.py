from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import client_for
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord, ExportRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households.tests.factories import make_household
from giamngheo.plans import indicators as ind
from giamngheo.plans.activity_inputs import activity_inputs
from giamngheo.vocation import selectors, services
from giamngheo.vocation.models import Background, Course, Trainee

pytestmark = pytest.mark.django_db


def _course(commune, *, trade="May công nghiệp", ends=dt.date(2025, 3, 31), user=None):  # type: ignore[no-untyped-def]
    return services.course_create(
        trade=trade,
        level="elementary",
        organiser="Trung tâm GDNN",
        area=commune,
        starts_on=dt.date(2025, 1, 5),
        ends_on=ends,
        cost=45_000_000,
        funding="project_4",
        acting_user=user,
    )


def _member(commune, category="poor", code="VOC-1"):  # type: ignore[no-untyped-def]
    household = make_household(commune, head=f"Hộ {code}", category=category, code=code)
    return household.members.first()


def _outcome(trainee, **data):  # type: ignore[no-untyped-def]
    return services.trainee_outcome(trainee=trainee, data=data, version=ANY_VERSION, acting_user=None)


def test_end_before_start_is_refused_and_nothing_written(commune_a) -> None:  # type: ignore[no-untyped-def]
    before = Course.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _course(commune_a, ends=dt.date(2024, 12, 31))
    assert exc.value.extra["field"] == "ends_on"
    assert Course.objects.count() == before


def test_same_member_twice_in_one_course_is_refused(commune_a) -> None:  # type: ignore[no-untyped-def]
    course = _course(commune_a)
    member = _member(commune_a)
    trainee = services.trainee_enrol_member(course=course, member=member, acting_user=None)
    assert trainee.background == Background.POOR
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.trainee_enrol_member(course=course, member=member, acting_user=None)
    assert "đã được ghi danh vào khóa học này" in str(exc.value.message)
    assert Trainee.objects.filter(course=course).count() == 1
    assert AuditRecord.objects.count() == audits


def test_background_is_frozen_at_enrolment(commune_a) -> None:  # type: ignore[no-untyped-def]
    course = _course(commune_a)
    member = _member(commune_a, category="near_poor")
    trainee = services.trainee_enrol_member(course=course, member=member, acting_user=None)
    member.household.category = ""
    member.household.save()
    trainee.refresh_from_db()
    assert trainee.background == Background.NEAR_POOR
    other = _member(commune_a, category="not_poor", code="VOC-2")
    assert services.trainee_enrol_member(course=course, member=other, acting_user=None).background == "other"


def test_contract_end_before_start_refused(commune_a) -> None:  # type: ignore[no-untyped-def]
    trainee = services.trainee_enrol_member(
        course=_course(commune_a), member=_member(commune_a), acting_user=None
    )
    with pytest.raises(ValidationFailed):
        _outcome(
            trainee, export_country="Nhật Bản", export_from=dt.date(2025, 6, 1), export_to=dt.date(2025, 5, 1)
        )
    trainee.refresh_from_db()
    assert trainee.export_country == ""


def test_other_officer_cannot_record_in_foreign_commune(users, commune_a) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _course(commune_a, user=users["canbo.tranbien"])
    assert _course(commune_a, user=users["canbo.bugiamap"]).pk


def test_rates_totals_and_late_employment(commune_a, commune_b, users) -> None:  # type: ignore[no-untyped-def]
    course_a = _course(commune_a, trade="Kỹ thuật chăn nuôi")
    course_b = _course(commune_b, trade="May công nghiệp")
    people = [_member(commune_a, code=f"VA-{i}") for i in range(3)] + [
        _member(commune_b, code=f"VB-{i}") for i in range(2)
    ]
    trainees = [
        services.trainee_enrol_member(course=course_a if i < 3 else course_b, member=m, acting_user=None)
        for i, m in enumerate(people)
    ]
    _outcome(trainees[0], completed=True, employed_6m=True, employed_on=dt.date(2025, 5, 1))
    # employed after the 6 months: recorded, not counted
    _outcome(trainees[1], completed=True, employed_6m=True, employed_on=dt.date(2025, 11, 1))
    _outcome(trainees[2], completed=False)
    _outcome(trainees[3], completed=True, employed_6m=True)
    _outcome(trainees[4], completed=True)  # employment unknown
    admin = users["admin"]
    for by in ("course", "trade", "commune"):
        table = selectors.placement_rates(user=admin, year=2025, by=by)
        assert table.total.completed == sum(r.completed for r in table.rows) == 4
        assert table.total.employed == sum(r.employed for r in table.rows) == 2
        assert table.total.trainees == 5
    by_commune = {r.label: r for r in selectors.placement_rates(user=admin, year=2025, by="commune").rows}
    assert by_commune[commune_a.name].employed == 1
    assert by_commune[commune_a.name].rate == 50
    # a commune officer sees only their commune's trainees
    own = selectors.placement_rates(user=users["canbo.tranbien"], year=2025, by="commune")
    assert [r.label for r in own.rows] == [commune_b.name]
    assert selectors.late_employment(Trainee.objects.get(pk=trainees[1].pk))


def test_indicator_inputs_absent_or_counted(commune_a, province, users) -> None:  # type: ignore[no-untyped-def]
    assert selectors.indicator_inputs(user=None, area=commune_a, year=2025) == {}
    trainee = services.trainee_enrol_member(
        course=_course(commune_a), member=_member(commune_a), acting_user=None
    )
    _outcome(trainee, completed=True, employed_6m=True)
    expected = {"trainees_completed": 1, "trainees_employed": 1}
    assert selectors.indicator_inputs(user=None, area=commune_a, year=2025) == expected
    assert selectors.indicator_inputs(user=None, area=province, year=2025) == expected
    assert selectors.indicator_inputs(user=users["canbo.tranbien"], area=commune_a, year=2025) == {}
    assert selectors.TRAINEES_EMPLOYED == ind.TRAINEES_EMPLOYED
    assert selectors.TRAINEES_COMPLETED == ind.TRAINEES_COMPLETED
    assert activity_inputs(user=None, area=province, year=2025)[ind.TRAINEES_EMPLOYED] == 1


def test_target_on_trainees_employed_gets_the_value(commune_a, province) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.plans import services as plans
    from giamngheo.plans.selectors import target_card

    for i in range(2):
        trainee = services.trainee_enrol_member(
            course=_course(commune_a), member=_member(commune_a, code=f"T-{i}"), acting_user=None
        )
        _outcome(trainee, completed=True, employed_6m=i == 0)
    plan = plans.plan_create(
        province=province, year_from=2025, year_to=2025, title="KH nghề", acting_user=None
    )
    target = plans.target_create(
        plan=plan,
        name="Học viên có việc làm",
        indicator_key="trainees_employed",
        target_value=Decimal(80),
        direction="up",
        deadline=dt.date(2025, 12, 31),
        acting_user=None,
    )
    card = target_card(user=None, target=target, area=province, year=2025)
    assert card.actual is not None
    assert float(card.actual) == 50.0


def test_pages_and_exports(users, commune_a) -> None:  # type: ignore[no-untyped-def]
    course = _course(commune_a)
    member = _member(commune_a)
    officer = client_for(users["canbo.bugiamap"])
    assert officer.get(f"/vocation/courses/{course.pk}/?q={member.household.code}").status_code == 200
    response = officer.post(f"/vocation/courses/{course.pk}/enrol/", {"member": member.pk})
    assert response.status_code == 302
    trainee = Trainee.objects.get(course=course, member=member)
    response = officer.post(f"/vocation/courses/{course.pk}/enrol/", {"member": member.pk}, follow=True)
    assert "đã được ghi danh vào khóa học này" in response.content.decode()
    assert Trainee.objects.filter(course=course).count() == 1
    response = officer.post(
        f"/vocation/trainees/{trainee.pk}/",
        {"completed": "1", "employed_6m": "1", "employed_on": "01/12/2025", "version": trainee.version},
    )
    assert response.status_code == 302
    page = officer.get("/vocation/rates/?year=2025").content.decode()
    assert "0,0 %" in page  # employed after the 6 months: not counted
    for url in ("/vocation/", "/vocation/trainees/", "/vocation/sessions/", "/vocation/rates/?year=2025"):
        assert officer.get(url).status_code == 200
        assert officer.get(url + ("&" if "?" in url else "?") + "format=xlsx")["Content-Type"].startswith(
            "application/vnd.openxmlformats"
        )
    logged = ExportRecord.objects.count()
    assert officer.get("/vocation/trainees/?format=xlsx").status_code == 200
    assert ExportRecord.objects.count() == logged + 1
    assert ExportRecord.objects.latest("pk").kind == "trainee_list"
    assert client_for(users["truongphong"]).get("/vocation/").status_code == 403
    assert client_for(users["canbo.tranbien"]).get(f"/vocation/courses/{course.pk}/").status_code == 404
