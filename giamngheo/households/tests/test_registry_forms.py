"""The registry's forms keep "not known" apart: devices never asked, member flags, year-only births, the new
facts of the commune's lists (declared persons, notes, causes of poverty)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import client_for
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households import services
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.households.tests.test_views import household_form_data, member_form_data


def create(client: Client, commune: Any, **overrides: Any) -> Any:
    village = commune.children.order_by("code").first()
    return client.post(
        reverse("households:household-create"), household_form_data(commune, village, **overrides)
    )


def test_devices_never_asked_asked_none_and_some(users, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    create(client, commune_b, code="D-1", devices_state="unknown", devices=[])
    create(client, commune_b, code="D-2", devices_state="none", devices=[])
    create(client, commune_b, code="D-3", devices_state="some", devices=["tv"])
    stored = dict(
        Household.objects.filter(commune=commune_b, code__startswith="D-").values_list("code", "devices")
    )
    assert stored == {"D-1": None, "D-2": [], "D-3": ["tv"]}
    # The edit form opens on the answer recorded.
    for code, state in (("D-1", "unknown"), ("D-2", "none"), ("D-3", "some")):
        household = Household.objects.get(commune=commune_b, code=code)
        form = client.get(reverse("households:household-update", args=[household.pk])).context["form"]
        assert form["devices_state"].value() == state


def test_devices_contradictions_are_explained_and_nothing_typed_is_lost(users, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    response = create(
        client, commune_b, code="D-9", address="Tổ 9 (của tôi)", devices_state="some", devices=[]
    )
    assert response.status_code == 200 and "devices" in response.context["form"].errors
    assert 'value="Tổ 9 (của tôi)"' in response.content.decode()
    response = create(client, commune_b, code="D-9", devices_state="unknown", devices=["tv"])
    assert response.status_code == 200 and "devices_state" in response.context["form"].errors
    assert not Household.objects.filter(commune=commune_b, code="D-9").exists()


def test_the_new_facts_of_a_household_are_editable(users, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    response = client.get(reverse("households:household-create"))
    body = response.content.decode()
    assert 'name="poverty_causes"' in body and 'value="capital"' in body
    assert response.context["form"].fields["poverty_causes"].help_text  # says the list is provisional
    create(
        client,
        commune_b,
        code="N-1",
        declared_persons="5",
        note="Không có khả năng lao động",
        has_meritorious_member="true",
        social_protection="unknown",
        poverty_causes=["land", "illness"],
        no_working_capacity="on",
    )
    household = Household.objects.get(commune=commune_b, code="N-1")
    assert (household.declared_persons, household.note) == (5, "Không có khả năng lao động")
    assert household.has_meritorious_member is True and household.social_protection is None
    assert household.poverty_causes == ["land", "illness"] and household.no_working_capacity
    form = client.get(reverse("households:household-update", args=[household.pk])).context["form"]
    assert form["social_protection"].value() is None and form["declared_persons"].value() == 5


def test_a_member_born_in_a_year_only(users, commune_b) -> None:
    household = make_household(commune_b)
    client = client_for(users["canbo.tranbien"])
    url = reverse("households:member-create", args=[household.pk])
    response = client.post(url, member_form_data(date_of_birth="1975x"))
    assert response.status_code == 200 and "date_of_birth" in response.context["form"].errors
    assert 'value="1975x"' in response.content.decode()  # nothing typed is lost
    response = client.post(url, member_form_data(date_of_birth=" 1975 ", disabled="unknown"))
    assert response.status_code == 302
    member = household.members.get(full_name="Trần Thị Bích")
    assert member.birth_year_only and member.date_of_birth == dt.date(1975, 1, 1)
    assert member.disabled is None and member.monthly_social_allowance is None
    edit = client.get(reverse("households:member-update", args=[member.pk]))
    assert edit.context["form"]["date_of_birth"].value() == "1975"
    assert edit.context["form"]["disabled"].value() is None
    listed = edit.content.decode().split('data-testid="form-members"')[1]
    assert "1975" in listed and "01/01/1975" not in listed
    # A full date again: the year-only mark goes.
    data = member_form_data(date_of_birth="09/08/1975", disabled="true", version=member.version)
    assert client.post(reverse("households:member-update", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert (
        not member.birth_year_only and member.date_of_birth == dt.date(1975, 8, 9) and member.disabled is True
    )


def test_a_future_year_of_birth_is_refused(users, commune_b) -> None:
    household = make_household(commune_b)
    client = client_for(users["canbo.tranbien"])
    response = client.post(
        reverse("households:member-create", args=[household.pk]),
        member_form_data(date_of_birth=str(dt.date.today().year + 1)),
    )
    assert response.status_code == 200 and "date_of_birth" in response.context["form"].errors


def test_the_form_pages_show_a_mismatch_with_the_declared_persons(users, commune_b) -> None:
    household = make_household(commune_b, declared_persons=4)  # the head only is listed
    client = client_for(users["canbo.tranbien"])
    body = client.get(reverse("households:member-create", args=[household.pk])).content.decode()
    listed = body.split('data-testid="form-members"')[1]
    assert "Danh sách của xã ghi 4 nhân khẩu; hiện có 1 người" in listed
    household.refresh_from_db()
    services.household_update(
        household=household, data={"declared_persons": 1}, version=ANY_VERSION, acting_user=None
    )
    body = client.get(reverse("households:household-update", args=[household.pk])).content.decode()
    assert "Danh sách của xã ghi" not in body and 'data-testid="form-members"' in body
