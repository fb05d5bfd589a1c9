"""Issue 12 (finding 5) for the policy catalogue: the edit form requires the version it was opened at; a
POST without it, or with a stale one, is refused and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION, StaleVersion
from giamngheo.policies import services
from giamngheo.policies.models import Policy
from giamngheo.policies.tests.test_catalogue_edit import post_data

pytestmark = pytest.mark.django_db


def _specialist(users) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(users["chuyenvien"])
    return client


def _edit(version: object) -> dict[str, object]:
    data = post_data(
        code="H1",
        name="Tên sửa",
        area="health",
        frequency="yearly",
        valid_from="2022-01-01",
        categories=["poor"],
    )
    if version is not None:
        data["version"] = version
    return data


@pytest.mark.parametrize("version", [None, "", "abc", "99999999999999999999", "stale"])
def test_a_policy_edit_without_a_valid_version_is_refused(users, version) -> None:
    policy = Policy.objects.get(code="H1")
    if version == "stale":
        opened = policy.version
        services.policy_update(
            policy=policy, data={"name": "Người khác sửa"}, acting_user=users["chuyenvien"], version=opened
        )
        version = opened
    policy.refresh_from_db()
    before = (policy.name, policy.version, policy.rule)
    audits = AuditRecord.objects.count()
    response = _specialist(users).post(reverse("policies:policy-edit", args=["H1"]), _edit(version))
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert "tải lại trang" in errors.lower()
    policy.refresh_from_db()
    assert (policy.name, policy.version, policy.rule) == before
    assert AuditRecord.objects.count() == audits


def test_the_policy_service_refuses_a_missing_version(users) -> None:
    policy = Policy.objects.get(code="H1")
    with pytest.raises(StaleVersion):
        services.policy_update(
            policy=policy, data={"name": "X"}, acting_user=users["chuyenvien"], version=None
        )
    saved = services.policy_update(
        policy=policy, data={"name": "X"}, acting_user=users["chuyenvien"], version=ANY_VERSION
    )
    assert saved.name == "X"


def test_a_new_policy_needs_no_version(users) -> None:
    response = _specialist(users).post(reverse("policies:policy-create"), post_data(code="V9"))
    assert response.status_code == 302 and Policy.objects.filter(code="V9").exists()
