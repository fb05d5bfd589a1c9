"""The sample catalogue and its pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from giamngheo.policies.models import Policy, validate_rule
from giamngheo.policies.services import catalogue_seed


@pytest.mark.django_db
def test_the_demo_seeds_a_sample_catalogue_once(users) -> None:
    count = Policy.objects.count()
    assert count >= 16 and Policy.objects.filter(is_sample=True).count() == count
    Policy.objects.filter(code="C1").update(name="Tên do tỉnh sửa")
    assert catalogue_seed(acting_user=None) == 0  # nothing added again, nothing overwritten
    assert Policy.objects.get(code="C1").name == "Tên do tỉnh sửa"
    assert {p.area for p in Policy.objects.all()} >= {"health", "education", "credit", "housing", "water"}
    for policy in Policy.objects.all():
        policy.eligibility  # every sample rule is valid  # noqa: B018


@pytest.mark.parametrize("rule", [[], {"level": "family"}, {"level": "household", "age": [0, 5]}])
def test_invalid_rules_are_refused(rule) -> None:
    with pytest.raises(ValidationError):
        validate_rule(rule)


@pytest.mark.django_db
def test_pages(users) -> None:
    client = Client()
    client.force_login(users["canbo.bugiamap"])
    page = client.get(reverse("policies:policy-list"), {"area": "credit"})
    body = page.content.decode()
    assert page.status_code == 200 and "Cho vay hộ nghèo" in body and "Hỗ trợ tiền điện" not in body
    assert (
        "Cho vay hộ mới thoát nghèo"
        in client.get(reverse("policies:policy-list"), {"q": "thoát"}).content.decode()
    )
    detail = client.get(reverse("policies:policy-detail", args=["C3"])).content.decode()
    assert "QĐ 28/2015/QĐ-TTg" in detail and "months" not in detail  # the rule in words, never as data
    assert client.get(reverse("policies:policy-detail", args=["NO-SUCH"])).status_code == 404


@pytest.mark.django_db
def test_the_household_card_says_which_policies_apply_and_why(users, commune_a) -> None:
    import datetime as dt

    from giamngheo.households.tests.factories import make_household

    household = make_household(
        commune_a,
        head="Điểu Văn Chính",
        category="poor",
        members=[
            {
                "full_name": "Điểu Thị Học",
                "sex": "F",
                "date_of_birth": dt.date(2014, 5, 1),
                "relationship": "child",
                "in_education": True,
            },
        ],
    )
    client = Client()
    client.force_login(users["canbo.bugiamap"])
    card = client.get(reverse("households:household-detail", args=[household.pk])).content.decode()
    assert reverse("policies:household-policies", args=[household.pk]) in card
    body = client.get(
        reverse("policies:household-policies", args=[household.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    # Loans to poor households: entitled once the household's request is recorded, which the card offers.
    assert 'data-policy="C1" data-eligible="no" data-received="no" data-may-request="yes"' in body
    assert "Chỉ xét khi hộ có đề nghị được ghi nhận" in body
    assert f"{reverse('policies:request-create', args=[household.pk])}?policy=C1" in body
    assert 'data-policy="C2" data-eligible="no" data-received="no">' in body  # near-poor loans: not even so
    assert 'data-policy="N5" data-eligible="no" data-received="no">' in body  # housing: no damage recorded
    assert 'data-policy="E4" data-eligible="yes"' in body and "Điểu Thị Học" in body  # study costs: the pupil
    assert "là hộ nghèo" in body
    other = Client()
    other.force_login(users["canbo.tranbien"])
    assert other.get(reverse("policies:household-policies", args=[household.pk])).status_code == 404
