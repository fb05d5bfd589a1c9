"""Outgoing webhooks under a burst: an import changes 10,000 households of a commune.

Prints what the writer's request pays (the commit callback: one task queued, no delivery row), the time of
the task that writes one delivery per household in bulk, and the sending rate to a local receiver
(http.server on 127.0.0.1, answers 200) over one connection pool.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

from _django import setup

setup("webhooks")

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from giamngheo.accounts.models import User  # noqa: E402
from giamngheo.accounts.roles import Role  # noqa: E402
from giamngheo.core.signals import households_changed  # noqa: E402
from giamngheo.geo.models import Area, AreaLevel  # noqa: E402
from giamngheo.geo.services import geo_load_province  # noqa: E402
from giamngheo.households.models import Household  # noqa: E402
from giamngheo.webhooks import fanout, services, tasks  # noqa: E402
from giamngheo.webhooks.delivery import send_many  # noqa: E402
from giamngheo.webhooks.models import Delivery  # noqa: E402

HOUSEHOLDS = 10_000
SENT = 1_000


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
settings.WEBHOOKS_ALLOW_HTTP_LOCAL = True

geo_load_province(province_code=75)
province = Area.objects.get(code="75")
commune = Area.objects.filter(level=AreaLevel.COMMUNE, parent=province).order_by("path").first()
assert commune is not None
village = Area.objects.create(
    code=f"{commune.code}-001",
    name="Ấp 1",
    level=AreaLevel.VILLAGE,
    division_type="ap",
    parent=commune,
)
owner = User.objects.create(username="bench.hooks", role=Role.PROVINCIAL_SPECIALIST)
owner.scope_areas.set([province])
Household.objects.bulk_create(
    [
        Household(commune=commune, village=village, code=f"H{i:06d}", head_name=f"Hộ {i}")
        for i in range(HOUSEHOLDS)
    ],
    batch_size=2000,
)
url = f"http://127.0.0.1:{server.server_address[1]}/hook"
services.subscription_create(
    name="Bench", url=url, events=["household.created", "household.updated"], area=province, acting_user=owner
)
time.sleep(0.01)
Household.objects.filter(commune=commune).update(updated_at=timezone.now())  # the import wrote them

queued: list[dict[str, Any]] = []
real_task = tasks.fanout_task
tasks.fanout_task = SimpleNamespace(enqueue=queued.append)  # type: ignore[assignment]
started = time.perf_counter()
with transaction.atomic():
    households_changed.send(sender=Household, commune_ids=[commune.pk])
request_ms = (time.perf_counter() - started) * 1000
tasks.fanout_task = real_task
print(
    f"   writer's commit callback: {request_ms:.1f} ms, {len(queued)} task queued, "
    f"{Delivery.objects.count()} deliveries written in the request"
)

sent_ids: list[list[int]] = []
fanout.send_later = lambda ids: sent_ids.append(list(ids))  # type: ignore[assignment]
started = time.perf_counter()
written = fanout.fanout_pending(fanout.from_params(queued[0]))
seconds = time.perf_counter() - started
print(
    f"   fan-out task: {written:,} deliveries for {HOUSEHOLDS:,} households in {seconds:.2f} s "
    f"({written / seconds:,.0f}/s), {len(sent_ids)} sending batches"
)

ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:SENT])
started = time.perf_counter()
sent = send_many(ids)
seconds = time.perf_counter() - started
print(f"   sending: {sent:,} deliveries to a local receiver in {seconds:.2f} s ({sent / seconds:,.0f}/s)")
server.shutdown()
