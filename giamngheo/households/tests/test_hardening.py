"""Issue 12 (findings 5 and 6) for the registry: the household and member edit forms require the version they
were opened at, a national ID clash says where the other person is only to a user who may see them, and the
edit-conflict message shows the other save's time in Vietnam time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION, StaleVersion, local_time_text
from giamngheo.households import services
from giamngheo.households.models import Household, Member
from giamngheo.households.tests.factories import make_household
from giamngheo.households.tests.test_views import WIFE_ID, household_form_data, member_form_data, wife

pytestmark = pytest.mark.django_db

RELOAD = "tải lại trang"  # every refusal of a missing or stale version tells the officer to reload the page


def _state(household: Household) -> tuple[Any, ...]:
    household.refresh_from_db()
    return household.address, household.version, household.history.count()


# Version required on the household form -------------------------------------------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "99999999999999999999", "0"])
def test_household_edit_without_a_valid_version_is_refused(users, commune_b, version) -> None:
    household = make_household(commune_b, code="E-1")
    before = _state(household)
    audits = AuditRecord.objects.count()
    data = household_form_data(commune_b, household.village, code="E-1", address="Sửa không có phiên bản")
    if version is not None:
        data["version"] = version
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:household-update", args=[household.pk]), data
    )
    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].non_field_errors()]
    assert errors and RELOAD in errors[0]
    assert errors[0] in response.content.decode()  # shown above the form, not lost on a hidden field
    assert _state(household) == before and AuditRecord.objects.count() == audits


def test_household_edit_with_a_stale_version_is_refused(users, commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    opened = household.version
    services.household_update(household=household, data={"address": "Số 1"}, version=opened, acting_user=None)
    before = _state(household)
    data = household_form_data(commune_b, household.village, code="E-1", address="Số 2", version=opened)
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:household-update", args=[household.pk]), data
    )
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors())
    assert _state(household) == before and household.address == "Số 1"


# Version required on the member form ----------------------------------------------------------------------


def _member(commune: Any) -> Member:
    household = make_household(commune, code="M-1")
    return services.member_create(household=household, data=wife(national_id=""), acting_user=None)


def _member_state(member: Member) -> tuple[Any, ...]:
    member.refresh_from_db()
    return member.full_name, member.version, member.history.count()


def test_member_edit_without_version_is_refused(users, commune_b) -> None:
    member = _member(commune_b)
    before = _member_state(member)
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-update", args=[member.pk]),
        member_form_data(full_name="Tên Mới", is_active="on"),
    )
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors())
    assert _member_state(member) == before


def test_member_edit_with_a_stale_version_is_refused(users, commune_b) -> None:
    member = _member(commune_b)
    opened = member.version
    services.member_update(member=member, data={"uses_internet": False}, version=opened, acting_user=None)
    before = _member_state(member)
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-update", args=[member.pk]),
        member_form_data(full_name="Tên Mới", is_active="on", version=opened),
    )
    assert response.status_code == 200 and RELOAD in str(response.context["form"].non_field_errors())
    assert _member_state(member) == before and member.full_name == "Trần Thị Bích"


def test_the_services_refuse_a_missing_version_but_not_an_explicit_any(commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    member = services.member_create(household=household, data=wife(national_id=""), acting_user=None)
    with pytest.raises(StaleVersion):
        services.household_update(household=household, data={"address": "X"}, version=None, acting_user=None)
    with pytest.raises(StaleVersion):
        services.member_update(member=member, data={"full_name": "X"}, version=None, acting_user=None)
    with pytest.raises(StaleVersion):
        services.household_income_record(
            household=household, income_per_capita=1, version=None, acting_user=None
        )
    saved = services.household_update(
        household=household, data={"address": "Y"}, version=ANY_VERSION, acting_user=None
    )
    assert saved.address == "Y" and saved.version == household.version + 1


# Times in Vietnam time -------------------------------------------------------------------------------------


def test_the_conflict_message_shows_the_other_save_in_vietnam_time(commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    opened = household.version
    # The other save at 17:30 UTC on 5 December is 00:30 on 6 December in Vietnam (UTC+7).
    other = services.household_update(
        household=household, data={"address": "A"}, version=opened, acting_user=None
    )
    moment = dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.UTC)
    Household.objects.filter(pk=other.pk).update(updated_at=moment)
    with pytest.raises(StaleVersion) as refused:
        services.household_update(
            household=household, data={"address": "B"}, version=opened, acting_user=None
        )
    message = str(refused.value.message)
    assert "00:30 06/12/2026" in message and "17:30" not in message
    assert local_time_text(moment) == "00:30 06/12/2026"
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"


# National ID clashes: where the other person is, only to a user who may see them ---------------------------


HIDDEN = "Số định danh này không dùng được; nếu đúng là của người này, hãy liên hệ cấp tỉnh."


def test_an_officer_learns_nothing_about_a_person_of_another_commune(users, commune_a, commune_b) -> None:
    elsewhere = make_household(commune_a, code="NGOAI-7", head="Lò Văn Ngoại")
    services.member_create(household=elsewhere, data=wife(), acting_user=None)
    own = make_household(commune_b, code="E-1")
    members = own.members.count()
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-create", args=[own.pk]), member_form_data(national_id=WIFE_ID)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [HIDDEN]
    body = response.content.decode()
    for secret in ("NGOAI-7", commune_a.name, "Lò Văn Ngoại", "Trần Thị Bích đã"):
        assert secret not in body
    assert own.members.count() == members


def test_an_officer_editing_a_member_learns_nothing_either(users, commune_a, commune_b) -> None:
    elsewhere = make_household(commune_a, code="NGOAI-7")
    services.member_create(household=elsewhere, data=wife(), acting_user=None)
    member = _member(commune_b)
    with pytest.raises(ValidationFailed) as refused:
        services.member_update(
            member=member,
            data={"national_id": WIFE_ID},
            version=member.version,
            acting_user=users["canbo.tranbien"],
        )
    assert str(refused.value.message) == HIDDEN


def test_the_specialist_sees_where_the_other_person_is(users, commune_a, commune_b) -> None:
    elsewhere = make_household(commune_a, code="NGOAI-7")
    services.member_create(household=elsewhere, data=wife(), acting_user=None)
    own = make_household(commune_b, code="E-1")
    members = own.members.count()
    response = client_for(users["chuyenvien"]).post(
        reverse("households:member-create", args=[own.pk]), member_form_data(national_id=WIFE_ID)
    )
    [message] = response.context["form"].errors["national_id"]
    assert "NGOAI-7" in message and commune_a.name in message and WIFE_ID in message
    assert own.members.count() == members


def test_an_officer_sees_where_the_other_person_is_in_their_own_commune(users, commune_b) -> None:
    first = make_household(commune_b, code="E-1")
    services.member_create(household=first, data=wife(), acting_user=None)
    second = make_household(commune_b, code="E-2")
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-create", args=[second.pk]), member_form_data(national_id=WIFE_ID)
    )
    [message] = response.context["form"].errors["national_id"]
    assert "E-1" in message and commune_b.name in message
