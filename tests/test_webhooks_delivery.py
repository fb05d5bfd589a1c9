"""Outgoing webhooks against a real HTTP server (``http.server`` in a thread on 127.0.0.1): what is sent,
signed how, retried when, to whom."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.signals import households_changed
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households import services as households
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household
from giamngheo.webhooks import fanout, services, tasks
from giamngheo.webhooks.delivery import deliver_due
from giamngheo.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription


class Receiver:
    """A receiving system: records each request; answers with the codes queued (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_HTTP_LOCAL = True
    settings.WEBHOOKS_TIMEOUT = 5
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def specialist(users: dict[str, User]) -> User:
    return users["chuyenvien"]


def subscribe(owner: User, area: Any, url: str, events: list[str] | None = None) -> tuple[Subscription, str]:
    return services.subscription_create(
        name="Kho dữ liệu",
        url=url,
        events=events or ["household.created", "household.updated"],
        area=area,
        acting_user=owner,
    )


def _due_now() -> None:
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_event_is_signed_thin_and_verifiable(
    receiver: Receiver,
    specialist: User,
    province: Any,
    commune_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sub, secret = subscribe(specialist, province, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        household = make_household(commune_a)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = request["body"]
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert request["headers"]["X-Giamngheo-Signature"] == expected
    assert request["headers"]["X-Giamngheo-Event"] == "household.created"
    event = json.loads(body)
    assert set(event) == {"id", "event", "occurred_at", "object", "url"}
    assert event["object"] == {"type": "household", "id": household.pk, "commune": commune_a.code}
    assert event["url"] == f"/api/households/{household.pk}"
    assert household.head_name not in body.decode()  # thin: no personal data
    delivery = Delivery.objects.get(subscription=sub)
    assert request["headers"]["X-Giamngheo-Delivery"] == str(delivery.uuid)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    attempt = Attempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.next_attempt_at) == (1, 200, None)
    # A later change is "updated"; a wrong secret does not verify.
    with django_capture_on_commit_callbacks(execute=True):
        households.household_update(
            household=household, data={"note": "x"}, version=ANY_VERSION, acting_user=specialist
        )
    assert [e["event"] for e in receiver.events()] == ["household.created", "household.updated"]
    wrong = "sha256=" + hmac.new(b"other", receiver.requests[1]["body"], hashlib.sha256).hexdigest()
    assert receiver.requests[1]["headers"]["X-Giamngheo-Signature"] != wrong


def test_500_is_retried_with_backoff_and_then_delivered(
    receiver: Receiver, specialist: User, commune_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(specialist, commune_a, receiver.url)
    receiver.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    wait = delivery.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)
    assert deliver_due() == {"due": 0, "sent": 0}  # not due yet
    _due_now()
    deliver_due()
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()
    assert delivery.attempts == 2 and dt.timedelta(minutes=4) < second_wait <= dt.timedelta(minutes=5)
    _due_now()
    call_command("webhooks_deliver", stdout=open("/dev/null", "w"))  # noqa: SIM115
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    codes = list(
        Attempt.objects.filter(delivery=delivery).order_by("number").values_list("status_code", flat=True)
    )
    assert codes == [500, 503, 200]
    # The same delivery id each time: the receiver's idempotency key.
    assert len({r["headers"]["X-Giamngheo-Delivery"] for r in receiver.requests}) == 1
    assert len(receiver.requests) == 3


def test_4xx_is_final_429_is_retried(
    receiver: Receiver, specialist: User, commune_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(specialist, commune_a, receiver.url)
    receiver.answers = [410, 429]
    with django_capture_on_commit_callbacks(execute=True):
        first = make_household(commune_a)
        second = make_household(commune_a)
    by_object = {d.object_id: d for d in Delivery.objects.all()}
    gone, limited = by_object[str(first.pk)], by_object[str(second.pk)]
    assert gone.status == DeliveryStatus.FAILED and gone.next_attempt_at is None
    assert gone.last_status_code == 410
    assert limited.status == DeliveryStatus.PENDING and limited.next_attempt_at is not None
    _due_now()
    deliver_due()
    assert len(receiver.requests) == 3  # 410 not sent again; 429 sent again
    gone.refresh_from_db()
    assert gone.attempts == 1


def test_gives_up_after_the_schedule_and_send_again_by_hand(
    receiver: Receiver,
    specialist: User,
    commune_a: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WEBHOOKS_RETRY_DELAYS = [60, 300]
    subscribe(specialist, commune_a, receiver.url)
    receiver.answers = [500, 500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    for _ in range(3):
        _due_now()
        deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(delivery=delivery, acting_user=specialist)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 4
    assert len(receiver.requests) == 4


def test_network_error_is_logged_and_retried(
    specialist: User, commune_a: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WEBHOOKS_ALLOW_HTTP_LOCAL = True
    closed = Receiver()
    url = closed.url
    closed.close()  # nobody listens on this port any more
    subscribe(specialist, commune_a, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "ConnectError" in attempt.error
    assert attempt.next_attempt_at is not None
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_commune_b_subscription_never_gets_commune_a_events(
    receiver: Receiver,
    specialist: User,
    commune_a: Any,
    commune_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _sub_b, _secret = subscribe(specialist, commune_b, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
        in_b = make_household(commune_b)
    assert [e["object"]["id"] for e in receiver.events()] == [in_b.pk]
    assert {e["object"]["commune"] for e in receiver.events()} == {commune_b.code}
    assert not Delivery.objects.filter(area_path__startswith=commune_a.path).exists()


def test_owner_scope_is_checked_again_when_sending(
    receiver: Receiver,
    specialist: User,
    commune_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _sub, _secret = subscribe(specialist, commune_a, receiver.url)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    assert len(receiver.requests) == 1
    User.objects.filter(pk=specialist.pk).update(is_active=False)  # the owner left
    _due_now()
    deliver_due()
    assert len(receiver.requests) == 1  # nothing more sent
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    assert Delivery.objects.count() == 1  # no delivery written for an inactive owner


def test_owner_moved_to_another_commune_gets_nothing_of_the_old_one(
    receiver: Receiver, commune_a: Any, commune_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = User.objects.create(username="cv.hooks", role=Role.PROVINCIAL_SPECIALIST)
    owner.scope_areas.set([commune_a])
    subscribe(owner, commune_a, receiver.url)
    owner.scope_areas.set([commune_b])
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    assert receiver.requests == []


def test_paused_subscription_gets_nothing(
    receiver: Receiver, specialist: User, commune_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sub, _secret = subscribe(specialist, commune_a, receiver.url)
    services.subscription_pause(subscription=sub, active=False, version=sub.version, acting_user=specialist)
    with django_capture_on_commit_callbacks(execute=True):
        make_household(commune_a)
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_rolled_back_change_sends_nothing(
    receiver: Receiver, specialist: User, commune_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    subscribe(specialist, commune_a, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_household(commune_a)
            raise RuntimeError
        kept = make_household(commune_a)
    assert [e["object"]["id"] for e in receiver.events()] == [kept.pk]


def test_member_and_support_events(
    receiver: Receiver, specialist: User, commune_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from giamngheo.policies import services as policies
    from giamngheo.policies.models import Policy

    subscribe(specialist, commune_a, receiver.url, ["member.created", "support.created"])
    with django_capture_on_commit_callbacks(execute=True):
        household = make_household(commune_a)
    with django_capture_on_commit_callbacks(execute=True):
        member = households.member_create(
            household=household,
            data={
                "full_name": "Lò Văn Hai",
                "sex": "M",
                "date_of_birth": dt.date(1990, 1, 1),
                "relationship": "child",
            },
            acting_user=specialist,
        )
    assert receiver.events()[-1]["event"] == "member.created"
    assert receiver.events()[-1]["url"] == f"/api/members/{member.pk}"
    Household.objects.filter(pk=household.pk).update(category="poor")
    with django_capture_on_commit_callbacks(execute=True):
        records = policies.support_records_create(
            policy=Policy.objects.get(code="H1"),
            recipients=[policies.Recipient(household.pk, member.pk)],
            data=policies.SupportData(date=dt.date(2026, 2, 1), funding_source="central"),
            acting_user=specialist,
        )
    assert receiver.events()[-1]["event"] == "support.created"
    assert receiver.events()[-1]["object"]["id"] == records[0].pk


def test_a_burst_is_written_by_a_task_not_in_the_request(
    receiver: Receiver,
    specialist: User,
    commune_a: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An import sends only the communes: the request queues one task; the task writes one delivery per
    household changed since the commune's mark, in bulk."""
    commune = commune_a
    with django_capture_on_commit_callbacks(execute=True):  # before the subscription: no events
        changed = [make_household(commune).pk for _ in range(30)]
        make_household(commune)  # not changed since the subscription
    subscribe(specialist, commune, receiver.url)
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks, "fanout_task", SimpleNamespace(enqueue=queued.append))
    monkeypatch.setattr(fanout, "send_later", lambda ids: None)  # the sending is tested above
    Household.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        households_changed.send(sender=Household, commune_ids=[commune.pk])
    assert len(queued) == 1 and not Delivery.objects.exists()
    written = fanout.fanout_pending(fanout.from_params(queued[0]))
    assert written == 30
    assert set(Delivery.objects.values_list("object_id", flat=True)) == {str(pk) for pk in changed}
    # The mark moved: the same signal again writes nothing new.
    assert fanout.fanout_pending(fanout.from_params(queued[0])) == 0
    # Many single households at once (over WEBHOOKS_INLINE_LIMIT) go to the task too.
    queued.clear()
    many = list(range(10**6, 10**6 + 150))
    with django_capture_on_commit_callbacks(execute=True):
        households_changed.send(sender=Household, household_ids=many)
    assert len(queued) == 1 and Delivery.objects.count() == 30


def test_member_deleted_and_round_closed_events(
    receiver: Receiver,
    specialist: User,
    province: Any,
    commune_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from giamngheo.reviews import services as reviews
    from giamngheo.reviews.models import CommuneReview

    sub, _secret = subscribe(specialist, province, receiver.url, ["member.deleted", "review_round.closed"])
    with django_capture_on_commit_callbacks(execute=True):
        household = make_household(
            commune_a,
            members=[
                {
                    "full_name": "Lò Thị Ba",
                    "sex": "F",
                    "date_of_birth": dt.date(1991, 1, 1),
                    "relationship": "spouse",
                }
            ],
        )
    member = household.members.get(full_name="Lò Thị Ba")
    with django_capture_on_commit_callbacks(execute=True):
        households.member_delete(member=member, version=member.version, acting_user=specialist)
    assert [(e["event"], e["url"]) for e in receiver.events()] == [
        ("member.deleted", f"/api/members/{member.pk}")
    ]
    from giamngheo.reviews.models import ReviewRound

    review_round = ReviewRound.objects.filter(province=province, status="open").first() or reviews.round_open(
        province=province, year=2026, acting_user=None
    )
    CommuneReview.objects.filter(round=review_round).update(locked=True)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.round_close(review_round=review_round, acting_user=specialist)
    last = receiver.events()[-1]
    assert last["event"] == "review_round.closed" and last["url"] == f"/api/rounds/{review_round.pk}"
    assert last["object"]["commune"] is None
    # A commune's subscription does not get the province's round.
    assert not Delivery.objects.exclude(subscription=sub).exists()


def test_a_province_reclassified_is_one_event_per_commune_with_households(
    receiver: Receiver,
    specialist: User,
    province: Any,
    commune_a: Any,
    commune_b: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The engine's recomputation of a province does not move ``updated_at`` (derived data, decision 0035):
    it is announced once per commune holding households, in the subscriber's scope only."""
    from giamngheo.households.reclassify import province_reclassify

    with django_capture_on_commit_callbacks(execute=True):  # before the subscriptions: no events
        household = make_household(commune_a)
    before = Household.objects.get(pk=household.pk).updated_at
    sub, _secret = subscribe(specialist, province, receiver.url, ["households.reclassified"])
    other, _ = subscribe(specialist, commune_b, receiver.url, ["households.reclassified"])
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks, "fanout_task", SimpleNamespace(enqueue=queued.append))
    with django_capture_on_commit_callbacks(execute=True):
        result = province_reclassify(province=province, year=2026, acting_user=specialist)
    assert result.households >= 1
    assert Household.objects.get(pk=household.pk).updated_at == before  # derived fields only
    assert len(queued) == 1 and not Delivery.objects.exists()  # a burst: written by the task
    fanout.fanout_pending(fanout.from_params(queued[0]))
    expected = set(
        Household.objects.filter(commune__path__startswith=province.path)
        .values_list("commune_id", flat=True)
        .distinct()
    )
    deliveries = Delivery.objects.filter(subscription=sub)
    assert {int(d.object_id) for d in deliveries} == expected and commune_a.pk in expected
    event = deliveries.get(object_id=str(commune_a.pk)).payload
    assert event["event"] == "households.reclassified"
    assert event["object"] == {"type": "commune", "id": commune_a.pk, "commune": commune_a.code}
    assert event["url"] == f"/api/households?commune={commune_a.code}"
    # The subscription of another commune gets only its own commune's event, if it holds households.
    assert {int(d.object_id) for d in Delivery.objects.filter(subscription=other)} <= {commune_b.pk}
