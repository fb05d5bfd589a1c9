"""The pages of the outgoing notifications: who may open them, the secret shown once, versioned and audited
edits, the scope of a subscription's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.models import AuditRecord
from giamngheo.webhooks import services
from giamngheo.webhooks.models import Delivery, Subscription

URL = "https://kho.dongnai.gov.vn/hook"


@pytest.fixture
def specialist(users: dict[str, User]) -> User:
    return users["chuyenvien"]


def test_create_shows_the_secret_once_and_audits(specialist: User, commune_a: Any) -> None:
    client = client_for(specialist)
    assert client.get(reverse("webhooks:subscription-create")).status_code == 200
    response = client.post(
        reverse("webhooks:subscription-create"),
        {"name": "Kho dữ liệu tỉnh", "url": URL, "events": ["household.created"], "area": commune_a.pk},
    )
    sub = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "webhooks:subscription-detail", args=[sub.pk]
    )
    first = client.get(response["Location"]).content.decode()
    assert "whsec_" in first and "hiển thị" in first.lower()
    second = client.get(response["Location"]).content.decode()
    assert "whsec_" not in second
    assert sub.secret_hint in second
    assert "whsec_" not in sub.secret_encrypted  # stored encrypted
    assert AuditRecord.objects.filter(action="webhooks.subscription.create", target_id=str(sub.pk)).exists()
    listing = client.get(reverse("webhooks:subscription-list"), {"q": "Kho"}).content.decode()
    assert "Kho dữ liệu tỉnh" in listing
    assert (
        "Kho dữ liệu tỉnh"
        not in client.get(reverse("webhooks:subscription-list"), {"q": "zzz"}).content.decode()
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://kho.dongnai.gov.vn/hook", "https://"),
        ("http://127.0.0.1:9/hook", "https://"),
        ("https://user:pass@kho.dongnai.gov.vn/", "mật khẩu"),
        ("ftp://kho.dongnai.gov.vn/", "hợp lệ"),
    ],
)
def test_target_must_be_https(specialist: User, province: Any, url: str, message: str) -> None:
    response = client_for(specialist).post(
        reverse("webhooks:subscription-create"),
        {"name": "X", "url": url, "events": ["household.created"], "area": province.pk},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


def test_plain_http_to_this_machine_only_when_allowed(specialist: User, province: Any, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_HTTP_LOCAL = True
    services.subscription_create(
        name="Local",
        url="http://127.0.0.1:8001/h",
        events=["household.created"],
        area=province,
        acting_user=specialist,
    )
    from giamngheo.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.check_url("http://10.0.0.5/h")


def test_edit_is_versioned_and_audited(specialist: User, commune_a: Any, province: Any) -> None:
    sub, _secret = services.subscription_create(
        name="A", url=URL, events=["household.created"], area=commune_a, acting_user=specialist
    )
    client = client_for(specialist)
    url = reverse("webhooks:subscription-update", args=[sub.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "B",
        "url": URL,
        "events": ["household.created", "support.created"],
        "area": province.pk,
        "is_active": "on",
        "version": sub.version,
    }
    assert client.post(url, data).status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.version, sub.area_path, sub.events) == (
        "B",
        2,
        province.path,
        ["household.created", "support.created"],
    )
    audit = AuditRecord.objects.get(action="webhooks.subscription.update", target_id=str(sub.pk))
    assert audit.before["name"] == "A" and audit.after["name"] == "B"
    stale = client.post(url, {**data, "name": "C"})  # the version of the form is old now
    assert stale.status_code == 200
    sub.refresh_from_db()
    assert sub.name == "B"
    # Pause, and a new secret (confirmed), both audited.
    client.post(reverse("webhooks:subscription-pause", args=[sub.pk]), {"version": sub.version})
    sub.refresh_from_db()
    assert not sub.is_active
    hint = sub.secret_hint
    client.post(
        reverse("webhooks:subscription-secret", args=[sub.pk]), {"version": sub.version, "confirmed": "1"}
    )
    sub.refresh_from_db()
    assert sub.secret_hint != hint
    actions = set(AuditRecord.objects.filter(target_id=str(sub.pk)).values_list("action", flat=True))
    assert {"webhooks.subscription.pause", "webhooks.subscription.secret"} <= actions


def test_other_commune_gets_404_and_commune_officer_403(
    specialist: User, users: dict[str, User], commune_a: Any, commune_b: Any
) -> None:
    sub, _secret = services.subscription_create(
        name="A", url=URL, events=["household.created"], area=commune_a, acting_user=specialist
    )
    delivery = Delivery.objects.create(
        subscription=sub,
        event="household.created",
        event_id="00000000-0000-0000-0000-000000000001",
        object_type="household",
        object_id="1",
        area_path=commune_a.path,
        payload={"url": "/api/households/1"},
    )
    elsewhere = User.objects.create(username="cv.xa.b", role=Role.PROVINCIAL_SPECIALIST)
    elsewhere.scope_areas.set([commune_b])
    client = client_for(elsewhere)
    assert client.get(reverse("webhooks:subscription-list")).status_code == 200
    assert "A" not in [s.name for s in client.get(reverse("webhooks:subscription-list")).context["page_obj"]]
    for name, pk in [
        ("webhooks:subscription-detail", sub.pk),
        ("webhooks:subscription-update", sub.pk),
        ("webhooks:delivery-detail", delivery.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for name, pk in [
        ("webhooks:subscription-pause", sub.pk),
        ("webhooks:subscription-secret", sub.pk),
        ("webhooks:delivery-resend", delivery.pk),
    ]:
        assert client.post(reverse(name, args=[pk]), {"version": 1, "confirmed": "1"}).status_code == 404
    # A commune-B subscription cannot be pointed at commune A.
    response = client.post(
        reverse("webhooks:subscription-create"),
        {"name": "X", "url": URL, "events": ["household.created"], "area": commune_a.pk},
    )
    assert response.status_code in (200, 404) and Subscription.objects.count() == 1
    officer = client_for(users["canbo.tranbien"])
    assert officer.get(reverse("webhooks:subscription-detail", args=[sub.pk])).status_code == 403
    assert officer.get(reverse("webhooks:subscription-list")).status_code == 403
    # The owner's colleague in the province sees it, with its delivery log.
    own = client_for(specialist).get(reverse("webhooks:subscription-detail", args=[sub.pk]))
    assert own.status_code == 200 and "/api/households/1" in own.content.decode()
    assert (
        client_for(specialist).get(reverse("webhooks:delivery-detail", args=[delivery.pk])).status_code == 200
    )
