from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.services import difficulty_period_add
from giamngheo.households import services
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import national_id_problem
from giamngheo.households.tests.factories import make_household

HEAD_ID = "075080123456"  # a man born in 1980 (the factory's head of household)
WIFE_ID = "075185654321"  # a woman born in 1985


def list_url() -> str:
    return reverse("households:household-list")


def codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.code for h in response.context["page_obj"]]


def wife(national_id: str = WIFE_ID, **extra: object) -> dict[str, object]:
    return {
        "full_name": "Trần Thị Bích",
        "sex": "F",
        "date_of_birth": dt.date(1985, 3, 2),
        "relationship": "spouse",
        "national_id": national_id,
        **extra,
    }


def household_form_data(commune, village, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "commune": commune.pk,
        "village": village.pk,
        "code": "HN-001",
        "address": "Tổ 3",
        "head_name": "Điểu Thị Lan",
        "phone": "0912 345 678",
        "ethnic_group": "01",
        "walls_durable": "true",
        "columns_durable": "true",
        "roof_durable": "false",
        "floor_area_m2": "40,5",
        "water_source": "piped",
        "latrine": "septic",
        "devices": ["tv", "smartphone"],
        "waste_handling": "collected",
        "income_per_capita": "1.500.000",
    }
    data.update(overrides)
    return data


def member_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Trần Thị Bích",
        "sex": "F",
        "date_of_birth": "02/03/1985",
        "relationship": "spouse",
        "national_id": "",
        "ethnic_group": "01",
        "has_health_insurance": "true",
        "in_education": "false",
        "attending_appropriate_level": "unknown",
        "education": "upper_secondary",
        "employment": "wage_with_contract",
        "stunted": "unknown",
        "underweight": "unknown",
        "uses_internet": "true",
    }
    data.update(overrides)
    return data


@pytest.fixture
def viewer_sees_households(monkeypatch):  # type: ignore[no-untyped-def]
    """A role that may see households but not national IDs (the leaders' role, given the registry)."""
    monkeypatch.setitem(
        ROLE_CAPABILITIES, Role.VIEWER, ROLE_CAPABILITIES[Role.VIEWER] | {Capability.VIEW_HOUSEHOLDS}
    )


# --- List: scope, search, filters, pagination, empty state ------------------------------------------


def test_officer_of_another_commune_never_sees_a_household_of_commune_a(users, commune_a, commune_b) -> None:
    make_household(commune_a, head="Điểu Lệ Bù Gia", code="A-1")
    make_household(commune_b, head="Phạm Văn Trấn", code="B-1")
    response = client_for(users["canbo.tranbien"]).get(list_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Phạm Văn Trấn" in body
    assert "Điểu Lệ Bù Gia" not in body and "Xã Bù Gia Mập" not in body  # not even in the commune filter
    assert codes(response) == ["B-1"]
    # Not by searching or filtering for it either.
    assert codes(client_for(users["canbo.tranbien"]).get(list_url(), {"q": "dieu le"})) == []
    assert codes(client_for(users["canbo.tranbien"]).get(list_url(), {"commune": commune_a.pk})) == ["B-1"]
    # The provincial specialist sees both.
    assert sorted(codes(client_for(users["chuyenvien"]).get(list_url()))) == ["A-1", "B-1"]


def test_search_without_diacritics_by_name_code_and_id_number(users, commune_b) -> None:
    make_household(commune_b, head="Nguyễn Văn Ánh", code="KP-7")
    other = make_household(commune_b, head="Lê Thị Hoa", code="KP-8")
    services.member_create(household=other, data=wife(), acting_user=None)
    client = client_for(users["canbo.tranbien"])
    assert codes(client.get(list_url(), {"q": "nguyen van anh"})) == ["KP-7"]
    assert codes(client.get(list_url(), {"q": "NGUYỄN văn"})) == ["KP-7"]
    assert codes(client.get(list_url(), {"q": "KP-8"})) == ["KP-8"]
    assert codes(client.get(list_url(), {"q": WIFE_ID})) == ["KP-8"]
    assert codes(client.get(list_url(), {"q": "tran thi bich"})) == ["KP-8"]  # a member, not the head


def test_htmx_filtering_returns_the_table_only(users, commune_b) -> None:
    make_household(commune_b, head="Nguyễn Văn Ánh")
    make_household(commune_b, head="Lê Thị Hoa")
    response = client_for(users["canbo.tranbien"]).get(list_url(), {"q": "hoa"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Lê Thị Hoa" in body and "Nguyễn Văn Ánh" not in body


def test_filter_by_commune_and_village(users, commune_a, commune_b) -> None:
    first, second = list(commune_b.children.order_by("code")[:2])
    make_household(commune_a, code="A-1")
    make_household(commune_b, code="B-1", village=first)
    make_household(commune_b, code="B-2", village=second)
    client = client_for(users["chuyenvien"])
    assert sorted(codes(client.get(list_url(), {"commune": commune_b.pk}))) == ["B-1", "B-2"]
    response = client.get(list_url(), {"commune": commune_b.pk, "village": second.pk})
    assert codes(response) == ["B-2"]
    # The village select offers the villages of the chosen commune only.
    offered = {v.pk for v in response.context["form"].fields["village"].queryset}
    assert second.pk in offered and not offered & set(commune_a.children.values_list("pk", flat=True))
    # A village that is not in the chosen commune is ignored, not trusted.
    assert sorted(
        codes(client.get(list_url(), {"commune": commune_b.pk, "village": commune_a.children.first().pk}))
    ) == [
        "B-1",
        "B-2",
    ]


def test_filter_by_category_including_not_classified(users, commune_b) -> None:
    make_household(commune_b, code="P", category="poor")
    make_household(commune_b, code="N", category="near_poor")
    make_household(commune_b, code="U")
    client = client_for(users["canbo.tranbien"])
    assert codes(client.get(list_url(), {"category": "poor"})) == ["P"]
    assert codes(client.get(list_url(), {"category": "near_poor"})) == ["N"]
    assert codes(client.get(list_url(), {"category": "none"})) == ["U"]


def test_filter_by_ethnic_minority(users, commune_b) -> None:
    make_household(commune_b, code="KINH", ethnic_group="01")
    make_household(commune_b, code="STIENG", ethnic_group="22")
    client = client_for(users["canbo.tranbien"])
    assert codes(client.get(list_url(), {"ethnic_minority": "yes"})) == ["STIENG"]
    assert codes(client.get(list_url(), {"ethnic_minority": "no"})) == ["KINH"]


def test_filter_by_deprived_indicator(users, commune_b) -> None:
    water = make_household(commune_b, code="W")
    make_household(commune_b, code="OK")
    Household.objects.filter(pk=water.pk).update(deprived_keys="|water|sanitation|")
    client = client_for(users["canbo.tranbien"])
    response = client.get(list_url(), {"deprived": "water"})
    assert codes(response) == ["W"]
    assert codes(client.get(list_url(), {"deprived": "health_insurance"})) == []
    keys = [key for key, _label in response.context["form"].fields["deprived"].choices]
    assert "water" in keys and "information_devices" in keys and len(keys) == 13  # "any" + 12 indicators


def test_filter_by_the_engine_result_including_not_enough_information(users, commune_b) -> None:
    poor = make_household(commune_b, code="EP")
    open_ = make_household(commune_b, code="EU")
    never = make_household(commune_b, code="EX")  # never classified: neither
    Household.objects.filter(pk=never.pk).update(engine_standard="", engine_category="")
    Household.objects.filter(pk=poor.pk).update(engine_standard="ND07-2021", engine_category="poor")
    Household.objects.filter(pk=open_.pk).update(engine_standard="ND07-2021", engine_category="")
    client = client_for(users["canbo.tranbien"])
    response = client.get(list_url(), {"engine": "undetermined"})
    assert codes(response) == ["EU"]
    assert codes(client.get(list_url(), {"engine": "poor"})) == ["EP"]
    assert codes(client.get(list_url(), {"engine": "bogus"})) == ["EP", "EU", "EX"]
    body = response.content.decode()
    assert 'data-testid="engine-filter"' in body and "Chưa đủ thông tin" in body
    assert body.count('data-testid="undetermined"') == 1  # the flag in the table, for EU only


def test_filter_especially_difficult_villages(users, commune_b) -> None:
    hard, easy = list(commune_b.children.order_by("code")[:2])
    difficulty_period_add(area=hard, from_year=2021, to_year=None, legal_source="test", acting_user=None)
    make_household(commune_b, code="HARD", village=hard)
    make_household(commune_b, code="EASY", village=easy)
    client = client_for(users["canbo.tranbien"])
    assert codes(client.get(list_url(), {"difficult_village": "on"})) == ["HARD"]
    assert sorted(codes(client.get(list_url()))) == ["EASY", "HARD"]


def test_inactive_households_are_listed_only_on_request(users, commune_b) -> None:
    gone = make_household(commune_b, code="GONE")
    make_household(commune_b, code="HERE")
    Household.objects.filter(pk=gone.pk).update(is_active=False)
    client = client_for(users["canbo.tranbien"])
    assert codes(client.get(list_url())) == ["HERE"]
    assert codes(client.get(list_url(), {"include_inactive": "on"})) == ["GONE", "HERE"]


def test_pagination(users, commune_b, settings) -> None:
    settings.PAGE_SIZE = 2
    for n in range(3):
        make_household(commune_b, code=f"PG-{n}")
    client = client_for(users["canbo.tranbien"])
    first = client.get(list_url())
    assert codes(first) == ["PG-0", "PG-1"]
    assert "page=2" in first.content.decode()
    assert codes(client.get(list_url(), {"page": 2})) == ["PG-2"]


def test_empty_states(users, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    empty = client.get(list_url())
    assert 'data-testid="empty-state"' in empty.content.decode()
    assert empty.context["filtered"] is False
    make_household(commune_b, head="Nguyễn Văn Ánh")
    nothing = client.get(list_url(), {"q": "zzzz"})
    assert 'data-testid="empty-state"' in nothing.content.decode()
    assert nothing.context["filtered"] is True


def test_roles_without_the_registry_get_403(users) -> None:
    for username in ("truongphong", "vanphong"):
        assert client_for(users[username]).get(list_url()).status_code == 403, username


def test_the_leader_reads_households_but_never_edits(users) -> None:
    leader = client_for(users["lanhdao"])
    assert leader.get(list_url()).status_code == 200
    assert leader.get(reverse("households:household-create")).status_code == 403


# --- Household forms -------------------------------------------------------------------------------


def test_officer_creates_a_household_in_own_commune(users, commune_b) -> None:
    village = commune_b.children.order_by("code").first()
    client = client_for(users["canbo.tranbien"])
    form_page = client.get(reverse("households:household-create"))
    assert form_page.status_code == 200
    # The commune is chosen among the communes in scope; the villages are those of that commune.
    assert list(form_page.context["form"].fields["commune"].queryset) == [commune_b]
    assert f'value="{village.pk}"' in form_page.content.decode()
    response = client.post(reverse("households:household-create"), household_form_data(commune_b, village))
    household = Household.objects.get(commune=commune_b, code="HN-001")
    assert response.status_code == 302 and response["Location"] == reverse(
        "households:household-detail", args=[household.pk]
    )
    assert household.income_per_capita == 1_500_000
    assert household.floor_area_m2 == Decimal("40.5")
    assert household.devices == ["tv", "smartphone"]
    assert household.roof_durable is False and household.walls_durable is True


def test_create_rejects_a_village_of_another_commune(users, commune_a, commune_b) -> None:
    foreign_village = commune_a.children.order_by("code").first()
    data = household_form_data(commune_b, foreign_village)
    # A provincial specialist may see both communes: the service refuses the mismatch.
    response = client_for(users["chuyenvien"]).post(reverse("households:household-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["village"]
    # The officer of commune B cannot even name a village of commune A.
    response = client_for(users["canbo.tranbien"]).post(reverse("households:household-create"), data)
    assert response.status_code == 200 and response.context["form"].errors["village"]
    assert not Household.objects.filter(code="HN-001").exists()


def test_create_rejects_a_commune_out_of_scope(users, commune_a) -> None:
    village = commune_a.children.order_by("code").first()
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:household-create"), household_form_data(commune_a, village)
    )
    assert response.status_code == 200 and response.context["form"].errors["commune"]
    assert not Household.objects.filter(code="HN-001").exists()


def test_duplicate_household_code_in_the_commune_is_rejected(users, commune_b) -> None:
    make_household(commune_b, code="HN-001")
    village = commune_b.children.order_by("code").first()
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:household-create"), household_form_data(commune_b, village)
    )
    assert response.status_code == 200
    assert "HN-001" in " ".join(response.context["form"].errors["code"])
    assert Household.objects.filter(commune=commune_b, code="HN-001").count() == 1


def test_village_options_are_scoped(users, commune_a, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:village-options")
    own = client.get(url, {"commune": commune_b.pk}, HTTP_HX_REQUEST="true").content.decode()
    foreign = client.get(url, {"commune": commune_a.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert commune_b.children.order_by("code").first().name in own
    assert own.count("<option") == commune_b.children.filter(is_active=True).count() + 1
    assert foreign.count("<option") == 1  # the empty choice only


def test_edit_household(users, commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:household-update", args=[household.pk])
    form = client.get(url).context["form"]
    assert form.initial["version"] == household.version
    data = household_form_data(commune_b, household.village, code="E-1", version=household.version)
    data.update(water_source="surface", income_per_capita="900000")
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.water_source == "surface" and household.income_per_capita == 900_000
    assert household.version == 2


def test_stale_household_form_shows_the_conflict_and_keeps_the_input(users, commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:household-update", args=[household.pk])
    opened_version = client.get(url).context["form"].initial["version"]
    # Someone else saves in between.
    services.household_update(
        household=household, data={"address": "Số 1"}, version=opened_version, acting_user=users["chuyenvien"]
    )
    data = household_form_data(
        commune_b, household.village, code="E-1", address="Số 99 (của tôi)", version=opened_version
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "(" in errors[0]  # the service's message, with the time of the other save
    body = response.content.decode()
    assert errors[0] in body and 'value="Số 99 (của tôi)"' in body  # nothing typed is lost
    household.refresh_from_db()
    assert household.address == "Số 1" and household.version == opened_version + 1


def test_posting_an_edit_form_without_version_is_refused(users, commune_b) -> None:
    household = make_household(commune_b, code="E-1")
    data = household_form_data(commune_b, household.village, code="E-1", address="X")
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:household-update", args=[household.pk]), data
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    household.refresh_from_db()
    assert household.address != "X"


# --- Members ---------------------------------------------------------------------------------------


def test_add_a_member(users, commune_b) -> None:
    household = make_household(commune_b)
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:member-create", args=[household.pk])
    response = client.post(url, member_form_data(national_id=WIFE_ID))
    assert response.status_code == 302
    member = household.members.get(full_name="Trần Thị Bích")
    assert member.national_id == WIFE_ID and member.date_of_birth == dt.date(1985, 3, 2)
    assert member.employment == "wage_with_contract" and member.has_health_insurance is True
    assert member.attending_appropriate_level is None


def test_member_create_proposes_the_head_when_there_is_none(users, commune_b) -> None:
    household = make_household(commune_b, head="Lò Văn Hải")
    Member.objects.filter(household=household).delete()
    form = client_for(users["canbo.tranbien"]).get(reverse("households:member-create", args=[household.pk]))
    assert form.context["form"].initial["relationship"] == "head"
    assert form.context["form"].initial["full_name"] == "Lò Văn Hải"


@pytest.mark.parametrize(
    "number",
    [
        "07518565432",  # 11 digits
        "0751856543a1",  # not only digits
        "099185654321",  # no such place of birth registration
        "075175654321",  # digits 5-6 are not the year of birth (1985)
        "075085654321",  # the century/sex digit of a man, for a woman
    ],
)
def test_member_with_an_invalid_national_id_is_rejected(users, commune_b, number) -> None:
    household = make_household(commune_b)
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-create", args=[household.pk]), member_form_data(national_id=number)
    )
    assert response.status_code == 200
    expected = national_id_problem(number, date_of_birth=dt.date(1985, 3, 2), sex="F")
    assert expected is not None
    assert response.context["form"].errors["national_id"] == [expected]
    assert expected in response.content.decode()  # shown next to the field
    assert not household.members.filter(full_name="Trần Thị Bích").exists()


def test_duplicate_national_id_across_households_is_rejected(users, commune_b) -> None:
    first = make_household(commune_b, code="D-1")
    services.member_create(household=first, data=wife(), acting_user=None)
    second = make_household(commune_b, code="D-2")
    response = client_for(users["canbo.tranbien"]).post(
        reverse("households:member-create", args=[second.pk]), member_form_data(national_id=WIFE_ID)
    )
    assert response.status_code == 200
    assert WIFE_ID in response.context["form"].errors["national_id"][0]
    assert Member.objects.filter(national_id=WIFE_ID).count() == 1


def test_edit_member_and_history_shows_the_previous_value(users, commune_b) -> None:
    household = make_household(commune_b)
    member = services.member_create(household=household, data=wife(), acting_user=None)
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:member-update", args=[member.pk])
    form = client.get(url).context["form"]
    assert form.initial["version"] == member.version
    data = member_form_data(
        full_name="Trần Thị Bích Ngọc", national_id=WIFE_ID, version=member.version, is_active="on"
    )
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Trần Thị Bích Ngọc" and member.version == 2
    history = client.get(reverse("households:member-history", args=[member.pk]))
    assert history.status_code == 200
    newest = history.context["page_obj"][0]
    changed = {c["old"]: c["new"] for c in newest["changes"]}
    assert changed["Trần Thị Bích"] == "Trần Thị Bích Ngọc"
    assert newest["user"] == users["canbo.tranbien"]
    body = history.content.decode()
    assert "<del" in body and "Trần Thị Bích</del>" in body
    assert len(history.context["page_obj"]) == 2  # created, then changed


def test_stale_member_form_does_not_overwrite(users, commune_b) -> None:
    household = make_household(commune_b)
    member = services.member_create(household=household, data=wife(), acting_user=None)
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:member-update", args=[member.pk])
    opened = client.get(url).context["form"].initial["version"]
    services.member_update(member=member, data={"uses_internet": False}, version=opened, acting_user=None)
    response = client.post(
        url, member_form_data(full_name="Tên Mới", national_id=WIFE_ID, version=opened, is_active="on")
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert 'value="Tên Mới"' in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Trần Thị Bích" and member.uses_internet is False


def test_history_masks_national_ids_for_roles_that_may_not_see_them(
    users, commune_b, viewer_sees_households
) -> None:
    household = make_household(commune_b)
    member = services.member_create(household=household, data=wife(national_id=""), acting_user=None)
    services.member_update(
        member=member, data={"national_id": WIFE_ID}, version=ANY_VERSION, acting_user=None
    )
    url = reverse("households:member-history", args=[member.pk])
    assert WIFE_ID in client_for(users["canbo.tranbien"]).get(url).content.decode()
    viewer = client_for(users["lanhdao"]).get(url).content.decode()
    assert WIFE_ID not in viewer and "075******321" in viewer


# --- Household card --------------------------------------------------------------------------------


def test_card_shows_members_living_conditions_and_reasons(users, province, commune_b) -> None:
    from giamngheo.reviews.models import Assessment, ReviewRound

    household = make_household(commune_b, head="Phạm Văn Cường", code="C-1", income_per_capita=1_200_000)
    services.member_create(household=household, data=wife(), acting_user=None)
    Household.objects.filter(pk=household.pk).update(
        category="poor",
        category_since=dt.date(2025, 12, 10),
        engine_category="near_poor",
        deprived_keys="|water|",
    )
    review_round = ReviewRound.objects.create(
        province=province, year=2025, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 14)
    )
    Assessment.objects.create(
        round=review_round,
        household=household,
        commune=commune_b,
        source="current_list",
        decided_category="poor",
        movement="newly_poor",
        reasons=["Hộ nghèo theo ND07-2021.", "Thu nhập 1.200.000 đ, không vượt chuẩn."],
        reasons_en=["Poor household under ND07-2021."],
    )
    response = client_for(users["canbo.tranbien"]).get(
        reverse("households:household-detail", args=[household.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Phạm Văn Cường" in body and "Trần Thị Bích" in body
    assert [r["member"].full_name for r in response.context["members"]] == ["Phạm Văn Cường", "Trần Thị Bích"]
    assert "Thu nhập 1.200.000 đ, không vượt chuẩn." in body and "2025" in body
    assert "10/12/2025" in body  # recognised on, Vietnamese date
    assert "1.200.000 đ" in body  # income, Vietnamese money
    assert "Nguồn nước sinh hoạt" in body  # the deprived indicator, by name
    assert 'data-testid="engine-category"' in body
    assert reverse("households:member-history", args=[household.members.first().pk]) in body
    assert reverse("households:household-update", args=[household.pk]) in body  # the officer may edit
    assert 'data-testid="household-policies"' in body  # the policies section (loaded by htmx)


def _card(users, household: Household) -> str:  # type: ignore[no-untyped-def]
    response = client_for(users["canbo.tranbien"]).get(
        reverse("households:household-detail", args=[household.pk])
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_card_lists_the_missing_facts_and_devices_never_asked_are_not_deprived(users, commune_b) -> None:
    from giamngheo.households.reclassify import households_reclassify

    household = make_household(commune_b, head="Lý Văn Thiếu", category="near_poor", devices=None)
    services.member_create(
        household=household, data=wife(has_health_insurance=None, disabled=False), acting_user=None
    )
    households_reclassify(household_ids=[household.pk], year=2026)
    household.refresh_from_db()
    assert "information_devices" in household.unknown_keys and household.deprived_keys == ""
    assert household.engine_category == "" and household.engine_standard == "ND07-2021"
    body = _card(users, household)
    assert 'data-testid="missing-facts"' in body
    assert 'data-testid="missing-income"' in body  # no income recorded
    assert "Chưa ghi thu nhập bình quân đầu người/tháng." in body
    assert "Chưa biết hộ có phương tiện tiếp cận thông tin nào." in body
    assert "Chưa biết Trần Thị Bích có bảo hiểm y tế không." in body
    # The head's allowance and disability are not known, but 1 of 2 members cannot be more than half.
    assert 'data-testid="missing-dependants"' not in body
    assert "Chưa đủ thông tin" in body  # the engine's result on the current facts
    assert "Chưa hỏi" in body  # devices: not asked, not "none"
    # Indicator 12 is nowhere shown as deprived: not in the deprived list.
    assert 'data-testid="deprived"' not in body
    assert "Không thiếu hụt chỉ số nào trong các chỉ số đã xác định được." in body
    assert '<span class="badge text-bg-warning">Hộ cận nghèo</span>' in body  # the recognised category stays


def test_card_of_a_household_without_members(users, commune_b) -> None:
    household = make_household(commune_b, head="Văn Một Mình", income_per_capita=1_000_000)
    Member.objects.filter(household=household).delete()
    body = _card(users, household)
    assert "Chưa có thành viên nào trong sổ." in body
    for key in ("employment", "dependants", "nutrition", "health_insurance", "adult_education", "telecom"):
        assert f'data-testid="missing-{key}"' in body, key
    assert 'data-testid="missing-income"' not in body
    assert 'data-testid="missing-water"' not in body  # a household fact that is recorded


def test_card_without_missing_facts_shows_no_missing_section(users, commune_b) -> None:
    household = make_household(commune_b, income_per_capita=1_000_000)
    Member.objects.filter(household=household).update(disabled=False, monthly_social_allowance=False)
    body = _card(users, household)
    assert 'data-testid="missing-facts"' not in body
    assert "Chưa hỏi" not in body  # devices were asked (the factory records a television)


def test_national_ids_in_full_for_the_officer_masked_for_a_role_without_the_right(
    users, commune_b, viewer_sees_households
) -> None:
    household = make_household(commune_b)
    services.member_create(household=household, data=wife(), acting_user=None)
    url = reverse("households:household-detail", args=[household.pk])
    officer = client_for(users["canbo.tranbien"]).get(url).content.decode()
    assert WIFE_ID in officer
    viewer = client_for(users["lanhdao"]).get(url)
    body = viewer.content.decode()
    assert viewer.status_code == 200
    assert WIFE_ID not in body and "075******321" in body
    assert reverse("households:household-update", args=[household.pk]) not in body  # no edit buttons
    # And the viewer may not open the edit forms.
    assert (
        client_for(users["lanhdao"])
        .get(reverse("households:household-update", args=[household.pk]))
        .status_code
        == 403
    )


def test_foreign_household_and_member_pages_answer_404(users, commune_a) -> None:
    household = make_household(commune_a)
    member = household.members.first()
    client = client_for(users["canbo.tranbien"])
    for name, pk in [
        ("households:household-detail", household.pk),
        ("households:household-update", household.pk),
        ("households:member-create", household.pk),
        ("households:member-update", member.pk),
        ("households:member-history", member.pk),
    ]:
        url = reverse(name, args=[pk])
        assert client.get(url).status_code == 404, url
        if not name.endswith(("detail", "history")):
            assert client.post(url, {"full_name": "X", "code": "X"}).status_code == 404, url
    missing = reverse("households:household-detail", args=[10**9])
    assert client.get(missing).status_code == 404
    household.refresh_from_db()
    assert household.version == 1 and household.members.count() == 1


def test_a_search_with_many_matches_lists_the_first_ones_and_asks_to_narrow(
    users, commune_b, monkeypatch
) -> None:
    from giamngheo.households import views as household_views

    monkeypatch.setattr(household_views, "SEARCH_CAP", 3)
    for i in range(5):
        make_household(commune_b, head=f"Lê Văn Trùng {i}", code=f"CAP-{i}")
    client = client_for(users["canbo.tranbien"])
    many = client.get(list_url(), {"q": "Trùng"})
    assert many.context["capped"] is True
    assert len(many.context["page_obj"].object_list) == 3
    assert "Hơn 3 hộ khớp" in many.content.decode()
    few = client.get(list_url(), {"q": "Trùng 4"})
    assert few.context["capped"] is False
    assert [h.code for h in few.context["page_obj"].object_list] == ["CAP-4"]
    assert few.context["page_obj"].paginator.count == 1
