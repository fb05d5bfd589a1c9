"""The dashboard at the scale of a province: 1.2 million households (Đồng Nai), the registry and review
rounds of bench/registry.py (its seeding, reused: a closed 2025 round with frozen figures, an open 2026
round), then prints the server time through django.test.Client, p50/p95 over BENCH_REQUESTS requests, of:

- the province dashboard as the provincial specialist (rates over the rounds, movements, coverage by policy
  area, Alkire–Foster, the communes ranked), for the latest round and for the frozen 2025 round;
- a commune's dashboard as the same specialist and as the commune's officer;
- a village's dashboard;
- the number of SQL queries of each page (the dashboard reads only pre-aggregated rows: ``AreaSummary``,
  ``CoverageSummary``; never the registry), and the slowest queries of the slowest page.

Goal (issue 14): ≤ 150 ms p95 for the province dashboard and for a commune's, on SQLite and PostgreSQL.

Database: its own. SQLite: var/bench-dashboard-<households>.sqlite3, kept between runs (a copy of
bench/registry.py's var/bench-registry-<households>.sqlite3 if that one is seeded and this one does not exist
yet). PostgreSQL with
BENCH_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/giamngheo_bench_dash (created if missing).
Environment: BENCH_HOUSEHOLDS (1200000, when seeding), BENCH_REQUESTS (30), BENCH_RESEED=1.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import coverage as coverage_bench
import registry

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
GOAL_MS = 150
coverage_bench.SQLITE = ROOT / "var" / f"bench-dashboard-{registry.HOUSEHOLDS}.sqlite3"
# The registry bench's database of the same size (bench/registry.py names its file by the size).
coverage_bench.REGISTRY_SQLITE = ROOT / "var" / f"bench-registry-{registry.HOUSEHOLDS}.sqlite3"
coverage_bench.SPECIALIST, coverage_bench.OFFICER = "bench.dash.chuyenvien", "bench.dash.canbo"


def measure(client: Any, url: str) -> tuple[float, float, int]:
    """p50 and p95 in ms over REQUESTS requests (after one warm-up), and the queries of one request."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return registry.percentile(samples, 50), registry.percentile(samples, 95), len(queries)


def main() -> None:
    sys.setrecursionlimit(10_000)
    coverage_bench.database_setup(reseed=os.environ.get("BENCH_RESEED") == "1")
    print(f"dashboard bench · {time.strftime('%Y-%m-%d %H:%M')} · load average {os.getloadavg()[0]:.2f}")
    province = registry.seeded_province()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from giamngheo.geo.models import Area, AreaLevel
    from giamngheo.households.models import Household
    from giamngheo.policies.models import CoverageSummary
    from giamngheo.reviews.models import AreaSummary, ReviewRound

    settings.ALLOWED_HOSTS = ["*"]
    rounds = list(
        ReviewRound.objects.filter(province=province).order_by("year").values_list("year", flat=True)
    )
    print(
        f"   rounds {rounds}; {AreaSummary.objects.count():,} area summaries; "
        f"{CoverageSummary.objects.count():,} coverage summary rows (bench/coverage.py on the same database "
        "adds a year of coverage)",
        flush=True,
    )
    # The commune with the most households, and its largest village.
    commune_id = (
        Household.objects.order_by()
        .values("commune_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("commune_id", flat=True)
        .first()
    )
    commune = Area.objects.get(pk=commune_id)
    village = Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE).order_by("code").first()
    specialist, officer = coverage_bench.bench_users(province, commune)
    as_specialist, as_officer = Client(), Client()
    as_specialist.force_login(specialist)
    as_officer.force_login(officer)
    households = Household.objects.filter(commune=commune).count()
    pages = [
        ("province dashboard, latest round (specialist)", as_specialist, reverse("dashboard:index")),
        (
            f"province dashboard, {rounds[0]} frozen (specialist)",
            as_specialist,
            reverse("dashboard:index") + f"?year={rounds[0]}",
        ),
        (
            f"commune dashboard ({commune.name}, {households:,} households; specialist)",
            as_specialist,
            reverse("dashboard:area", args=[commune.pk]),
        ),
        ("commune dashboard (its officer)", as_officer, reverse("dashboard:index")),
    ]
    if village is not None:
        pages.append(
            (
                f"village dashboard ({village.name})",
                as_specialist,
                reverse("dashboard:area", args=[village.pk]),
            )
        )
    print(f"   {REQUESTS} requests per page, database {connection.vendor}:", flush=True)
    worst = 0.0
    for label, client, url in pages:
        p50, p95, queries = measure(client, url)
        goal = "" if "village" in label else (" ✓" if p95 <= GOAL_MS else f" ✗ (goal ≤ {GOAL_MS} ms)")
        print(f"   {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries{goal}", flush=True)
        worst = max(worst, p95)
    print(f"   worst p95 {worst:.1f} ms (goal ≤ {GOAL_MS} ms p95 for the province and a commune)")


if __name__ == "__main__":
    main()
