"""Editing the policy catalogue: the provincial specialist adds and changes policies; nobody else may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households.models import Household
from giamngheo.households.services import household_create, member_create
from giamngheo.policies import services
from giamngheo.policies.forms import PolicyForm
from giamngheo.policies.models import CoverageSummary, Entitlement, Policy

SPECIALIST = "chuyenvien"
OFFICER = "canbo.bugiamap"


def post_data(**changes: Any) -> dict[str, Any]:
    """What the form sends for a member-level policy (vocational training for workers of working age)."""
    data: dict[str, Any] = {
        "code": "V1",
        "name": "Hỗ trợ đào tạo trình độ sơ cấp, dưới 3 tháng",
        "area": "vocational",
        "legal_basis": "QĐ 46/2015/QĐ-TTg Điều 4–5; TT 152/2016/TT-BTC",
        "project": "Dự án 4 – Tiểu dự án 3",
        "benefit": "Chi phí đào tạo đến 3.000.000 đồng/khóa",
        "frequency": "once",
        "valid_from": "2015-10-01",
        "valid_to": "",
        "is_active": "on",
        "level": "member",
        "categories": ["poor", "near_poor"],
        "escaped_from": [],
        "escaped_months": "",
        "difficult_area": "",
        "age_min": "",
        "age_max": "",
        "working_age": "on",
        "in_education": "",
        "disabled": "",
        "ethnic_minority": "yes",
        "source_note": "Do tỉnh nhập",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", [])}  # unticked boxes are not sent


def service_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "X9",
        "name": "Hỗ trợ thử",
        "area": "other",
        "level": "household",
        "legal_basis": "Nghị quyết HĐND tỉnh",
        "project": "",
        "benefit": "",
        "frequency": "yearly",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": None,
        "rule": {"categories": ["poor"]},
        "source_note": "",
        "is_active": True,
    }
    data.update(changes)
    return data


@pytest.fixture
def specialist(users):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(users[SPECIALIST])
    return client


def audit_rows(action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("pk"))


# --- Adding and changing policies -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_specialist_adds_a_member_policy(users, specialist) -> None:
    form_page = specialist.get(reverse("policies:policy-create"))
    body = form_page.content.decode()
    assert form_page.status_code == 200
    assert (
        'data-for-level="member"' in body and 'type="date"' not in body and 'placeholder="dd/mm/yyyy"' in body
    )
    assert '<option value="Dự án 4 – Tiểu dự án 3">' in body  # the programme's projects are suggested

    response = specialist.post(reverse("policies:policy-create"), post_data())
    assert response.status_code == 302
    assert response.url == reverse("policies:policy-detail", args=["V1"])
    policy = Policy.objects.get(code="V1")
    assert policy.rule == {
        "level": "member",
        "categories": ["poor", "near_poor"],
        "working_age": True,
        "ethnic_minority": True,
    }
    assert (policy.level, policy.area, policy.frequency) == ("member", "vocational", "once")
    assert policy.valid_from == dt.date(2015, 10, 1) and policy.valid_to is None
    assert policy.project == "Dự án 4 – Tiểu dự án 3" and policy.is_active and not policy.is_sample
    [audit] = audit_rows("policies.policy.create")[-1:]
    assert audit.actor == users[SPECIALIST] and audit.target_id == str(policy.pk)
    assert audit.after["code"] == "V1" and audit.after["rule"]["working_age"] is True

    detail = specialist.get(response.url).content.decode()
    assert "data-rule-lines" in detail
    assert "Hộ nghèo hoặc hộ cận nghèo" in detail
    assert "Thành viên trong độ tuổi lao động (nữ 15–54, nam 15–59 tuổi)" in detail
    assert "Thành viên là người dân tộc thiểu số" in detail


@pytest.mark.django_db
def test_the_specialist_edits_a_sample_policy(users, specialist) -> None:
    h1 = Policy.objects.get(code="H1")
    assert h1.is_sample
    page = specialist.get(reverse("policies:policy-edit", args=["H1"]))
    form = page.context["form"]
    assert page.status_code == 200 and form.fields["code"].disabled
    assert form["categories"].value() == ["poor"] and form["level"].value() == "member"
    assert form["valid_from"].value() == h1.valid_from

    response = specialist.post(
        reverse("policies:policy-edit", args=["H1"]),
        post_data(
            version=Policy.objects.get(code="H1").version,
            code="HX",  # disabled field: ignored, the code stays
            name="Thẻ BHYT cho người thuộc hộ nghèo (tỉnh đã kiểm tra)",
            area="health",
            frequency="yearly",
            valid_from="2022-01-01",
            categories=["poor"],
            escaped_from=["poor"],
            escaped_months="12",
            working_age="",
            ethnic_minority="",
            age_min="",
        ),
    )
    assert response.status_code == 302 and response.url == reverse("policies:policy-detail", args=["H1"])
    h1.refresh_from_db()
    assert not Policy.objects.filter(code="HX").exists()
    assert h1.name == "Thẻ BHYT cho người thuộc hộ nghèo (tỉnh đã kiểm tra)"
    assert h1.rule == {
        "level": "member",
        "categories": ["poor"],
        "newly_escaped": {"from": ["poor"], "months": 12},
    }
    assert not h1.is_sample  # the province made it its own
    [audit] = audit_rows("policies.policy.update")[-1:]
    assert audit.actor == users[SPECIALIST] and audit.target_id == str(h1.pk)
    assert audit.before["is_sample"] is True and audit.after["is_sample"] is False
    assert audit.before["name"].startswith("Thẻ BHYT do ngân sách") and audit.after["name"] == h1.name
    assert "newly_escaped" in audit.after["rule"] and "newly_escaped" not in audit.before["rule"]


@pytest.mark.django_db
def test_a_custom_working_age_and_unknown_rule_keys_survive_an_edit(users, specialist) -> None:
    policy = services.policy_create(
        data=service_data(
            level="member",
            rule={
                "categories": ["poor"],
                "working_age": {"min": 18, "max_female": 60, "max_male": 62},
                "note": "kept",
            },
        ),
        acting_user=users[SPECIALIST],
    )
    form = PolicyForm(policy=policy)
    assert form["working_age"].value() is True and form["level"].value() == "member"
    response = specialist.post(
        reverse("policies:policy-edit", args=["X9"]),
        post_data(
            version=Policy.objects.get(code="X9").version,
            area="other",
            frequency="yearly",
            valid_from="2026-01-01",
            categories=["poor", "middle"],
        ),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.rule == {
        "note": "kept",
        "level": "member",
        "categories": ["poor", "middle"],
        "working_age": {"min": 18, "max_female": 60, "max_male": 62},
        "ethnic_minority": True,
    }


# --- Who may ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_commune_officer_may_not_edit_the_catalogue(users) -> None:
    officer = Client()
    officer.force_login(users[OFFICER])
    before = (Policy.objects.count(), AuditRecord.objects.count(), Policy.objects.get(code="C1").name)
    assert officer.get(reverse("policies:policy-create")).status_code == 403
    assert officer.post(reverse("policies:policy-create"), post_data()).status_code == 403
    assert officer.get(reverse("policies:policy-edit", args=["C1"])).status_code == 403
    assert (
        officer.post(
            reverse("policies:policy-edit", args=["C1"]),
            post_data(version=Policy.objects.get(code="C1").version, code="C1"),
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.policy_create(data=service_data(), acting_user=users[OFFICER])
    with pytest.raises(PermissionDenied):
        services.policy_update(
            version=ANY_VERSION,
            policy=Policy.objects.get(code="C1"),
            data={"name": "Đổi tên"},
            acting_user=users[OFFICER],
        )
    with pytest.raises(PermissionDenied):
        services.policy_create(data=service_data(), acting_user=None)
    after = (Policy.objects.count(), AuditRecord.objects.count(), Policy.objects.get(code="C1").name)
    assert after == before


@pytest.mark.django_db
def test_the_buttons_show_only_to_those_who_may_edit(users) -> None:
    request = RequestFactory().get("/policies/")
    request.user = users[SPECIALIST]
    policy = Policy.objects.get(code="C3")
    page = {"page_obj": Policy.objects.all(), "areas": [], "area": "", "q": ""}
    detail = {"policy": policy, "rule": policy.rule}
    create_url = reverse("policies:policy-create")
    edit_url = reverse("policies:policy-edit", args=["C3"])
    for allowed in (True, False):
        listing = render_to_string(
            "policies/policy_list.html", {**page, "can_manage_policies": allowed}, request=request
        )
        assert (f'href="{create_url}"' in listing) is allowed
        shown = render_to_string(
            "policies/policy_detail.html", {**detail, "can_manage_policies": allowed}, request=request
        )
        assert (f'href="{edit_url}"' in shown) is allowed
        assert "Hộ mới thoát nghèo/cận nghèo trong 36 tháng" in shown and "<details" not in shown


# --- Refused input: the form comes back as typed, nothing is written ----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "H1"}, "code"),  # taken
        ({"code": "h1"}, "code"),  # taken, whatever the case
        ({"code": "V 1/2"}, "code"),  # not usable in an address
        ({"valid_from": "2026-06-01", "valid_to": "2026-05-31"}, "valid_to"),
        ({"level": "household"}, "level"),  # working age and ethnicity are conditions on members
        ({"escaped_from": ["poor"], "escaped_months": ""}, "escaped_months"),
        ({"escaped_months": "24"}, "escaped_from"),
        ({"categories": []}, "categories"),
        ({"age_min": "60", "age_max": "15"}, "age_min"),
        ({"name": "  "}, "name"),
    ],
)
def test_refused_input_comes_back_as_typed(specialist, changes, field) -> None:
    before = (Policy.objects.count(), AuditRecord.objects.count())
    data = post_data(**changes)
    response = specialist.post(reverse("policies:policy-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert "data-policy-form" in response.content.decode()
    for name in ("code", "legal_basis", "project", "level", "valid_from", "valid_to", "escaped_months"):
        assert (form[name].value() or "") == data.get(name, ""), name
    assert form["categories"].value() == data.get("categories", [])
    assert form["working_age"].value() is True and form["ethnic_minority"].value() == "yes"
    assert (Policy.objects.count(), AuditRecord.objects.count()) == before


@pytest.mark.django_db
def test_a_refused_edit_changes_nothing(specialist) -> None:
    c1 = Policy.objects.get(code="C1")
    saved = (c1.name, c1.valid_to, c1.rule, c1.is_sample)
    audits = AuditRecord.objects.count()
    response = specialist.post(
        reverse("policies:policy-edit", args=["C1"]),
        post_data(
            version=Policy.objects.get(code="C1").version,
            name="Tên mới",
            level="household",
            valid_from="2002-10-04",
            valid_to="2001-01-01",
        ),
    )
    assert response.status_code == 200 and "valid_to" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Tên mới"
    c1.refresh_from_db()
    assert (c1.name, c1.valid_to, c1.rule, c1.is_sample) == saved
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"area": "space"}, "area"),
        ({"frequency": "hourly"}, "frequency"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"rule": []}, "rule"),
        ({"rule": {"categories": ["rich"]}}, "categories"),
        (
            {"rule": {"categories": ["poor"], "newly_escaped": {"from": ["middle"], "months": 6}}},
            "newly_escaped.from",
        ),
        (
            {"rule": {"categories": [], "newly_escaped": {"from": ["poor"], "months": 0}}},
            "newly_escaped.months",
        ),
        ({"rule": {"categories": ["poor"], "age": [0, 5]}}, "level"),
        ({"level": "member", "rule": {"categories": ["poor"], "working_age": {"min": 60}}}, "working_age"),
        ({"level": "member", "rule": {"categories": ["poor"], "age": ["3", 18]}}, "age"),
        ({"name": "x" * 300}, "name"),
    ],
)
def test_the_services_check_everything(users, changes, field) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.policy_create(data=service_data(**changes), acting_user=users[SPECIALIST])
    assert refused.value.extra["field"] == field
    assert not Policy.objects.filter(code="X9").exists()


@pytest.mark.django_db
def test_the_code_cannot_change(users) -> None:
    c2 = Policy.objects.get(code="C2")
    with pytest.raises(ValidationFailed) as refused:
        services.policy_update(
            version=ANY_VERSION,
            policy=c2,
            data={"code": "C2B", "name": "Khác"},
            acting_user=users[SPECIALIST],
        )
    assert refused.value.extra["field"] == "code"
    c2.refresh_from_db()
    assert c2.code == "C2" and c2.name == "Cho vay hộ cận nghèo"


# --- Coverage follows the catalogue ------------------------------------------------------------------


def _household(commune, code: str, category: str, people: list[tuple[str, str, dt.date]], user) -> Household:  # type: ignore[no-untyped-def]
    household = household_create(
        commune=commune,
        data={
            "code": code,
            "village": commune.children.order_by("code").first(),
            "head_name": people[0][0],
            "ethnic_group": "01",
            "walls_durable": True,
            "columns_durable": True,
            "roof_durable": True,
            "floor_area_m2": 30,
            "water_source": "piped",
            "latrine": "septic",
            "devices": ["tv"],
            "waste_handling": "collected",
        },
        acting_user=user,
    )
    for i, (name, sex, born) in enumerate(people):
        member_create(
            household=household,
            data={
                "full_name": name,
                "sex": sex,
                "date_of_birth": born,
                "relationship": "head" if i == 0 else "child",
                "ethnic_group": "01",
                "in_education": False,
            },
            acting_user=user,
        )
    Household.objects.filter(pk=household.pk).update(category=category)
    return household


def _eligible(policy: Policy, commune, year: int) -> int:  # type: ignore[no-untyped-def]
    rows = CoverageSummary.objects.filter(year=year, policy=policy, commune=commune)
    return rows.aggregate(n=Sum("eligible_units"))["n"] or 0


@pytest.mark.django_db
def test_changing_a_rule_recounts_the_coverage(
    users, commune_a, specialist, django_capture_on_commit_callbacks
) -> None:
    year = timezone.localdate().year
    user = users[SPECIALIST]
    poor = _household(
        commune_a,
        "KT0001",
        "poor",
        [("Điểu Văn Một", "M", dt.date(1980, 1, 1)), ("Điểu Thị Hai", "F", dt.date(2012, 3, 1))],
        user,
    )
    near = _household(
        commune_a,
        "KT0002",
        "near_poor",
        [
            ("Thị Ba", "F", dt.date(1975, 1, 1)),
            ("Văn Bốn", "M", dt.date(2001, 1, 1)),
            ("Thị Năm", "F", dt.date(2010, 1, 1)),
        ],
        user,
    )
    services.entitlements_refresh(household_ids=[poor.pk, near.pk])
    h1 = Policy.objects.get(code="H1")  # health insurance for members of poor households
    mine = Entitlement.objects.filter(year=year, policy=h1, eligible=True)
    assert mine.filter(household=poor).count() == 2 and mine.filter(household=near).count() == 0
    before = _eligible(h1, commune_a, year)
    assert (
        before == Entitlement.objects.filter(year=year, policy=h1, commune=commune_a, eligible=True).count()
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = specialist.post(
            reverse("policies:policy-edit", args=["H1"]),
            post_data(
                version=Policy.objects.get(code="H1").version,
                code="H1",
                area="health",
                frequency="yearly",
                valid_from="2022-01-01",
                categories=["near_poor"],
                working_age="",
                ethnic_minority="",
            ),
        )
    assert response.status_code == 302 and len(callbacks) == 1
    assert mine.filter(household=poor).count() == 0 and mine.filter(household=near).count() == 3
    after = _eligible(h1, commune_a, year)
    assert after == Entitlement.objects.filter(year=year, policy=h1, commune=commune_a, eligible=True).count()
    assert after != before
    near_members = Entitlement.objects.filter(
        year=year, policy=h1, commune=commune_a, eligible=True, household__category="near_poor"
    ).count()
    assert after == near_members >= 3


@pytest.mark.django_db
def test_only_changes_that_matter_recount_the_coverage(users, monkeypatch) -> None:
    calls: list[int | None] = []
    monkeypatch.setattr(
        "giamngheo.policies.tasks.coverage_rebuild_later",
        lambda year=None, acting_user=None: calls.append(year),
    )
    user = users[SPECIALIST]
    policy = services.policy_create(data=service_data(), acting_user=user)
    assert calls == [None]  # a new policy: counted this year
    services.policy_update(
        version=ANY_VERSION, policy=policy, data={"name": "Tên khác", "benefit": "Quà Tết"}, acting_user=user
    )
    assert calls == [None]  # words only: the same people are entitled
    services.policy_update(
        version=ANY_VERSION,
        policy=policy,
        data={"rule": {"categories": ["poor", "near_poor"]}},
        acting_user=user,
    )
    services.policy_update(
        version=ANY_VERSION, policy=policy, data={"valid_to": dt.date(2026, 12, 31)}, acting_user=user
    )
    services.policy_update(version=ANY_VERSION, policy=policy, data={"is_active": False}, acting_user=user)
    assert calls == [None] * 4


@pytest.mark.django_db
def test_an_edit_saved_meanwhile_by_someone_else_is_not_overwritten(users, specialist) -> None:
    """Two specialists open H1; the first saves; the second's save is refused, nothing of it written."""
    opened = specialist.get(reverse("policies:policy-edit", args=["H1"]))
    version = opened.context["form"]["version"].value()
    assert version == Policy.objects.get(code="H1").version
    services.policy_update(
        policy=Policy.objects.get(code="H1"),
        data={"name": "Sửa của người thứ nhất"},
        acting_user=users[SPECIALIST],
        version=version,
    )
    response = specialist.post(
        reverse("policies:policy-edit", args=["H1"]),
        post_data(
            name="Sửa của người thứ hai",
            valid_from="2022-01-01",
            categories=["poor"],
            version=version,
        ),
    )
    assert response.status_code == 200
    assert "Người khác đã lưu bản ghi này" in str(response.context["form"].non_field_errors())
    h1 = Policy.objects.get(code="H1")
    assert h1.name == "Sửa của người thứ nhất" and h1.version == version + 1
    assert response.context["form"]["name"].value() == "Sửa của người thứ hai"  # what was typed is kept
