"""Policy coverage at the scale of a province: 1.2 million households (Đồng Nai), the registry of
bench/registry.py (its seeding, reused), the sample policy catalogue, support records for most of the
entitled, then prints:

- a full ``coverage_rebuild`` of the current year with no support recorded: seconds, entitlement and
  summary rows, where the time goes (the service's steps: candidates, facts, eligibility, write, summaries,
  COMMIT), households and beneficiaries eligible per policy next to what the registry says they should be
  (poor / near-poor households and their members, for the rules that only name categories);
- support records written straight into the table (``core.bulk.write_rows``), as a province that recorded
  most of its support this year (90 % of the health-insurance cards of the poor, 60 % of education, 30 % of
  credit…, dates in the year, amounts in đồng, mixed funding sources), then ``coverage_rebuild`` again;
- server time through django.test.Client, p50/p95 over BENCH_REQUESTS requests, as the provincial
  specialist and as the commune officer of one commune: the coverage matrix (goal ≤ 500 ms), coverage per
  policy (province, one commune), the gap list of H1 (health insurance of the poor; province, one commune),
  spending. A page whose view is not written yet (404 or an exception) is replaced by its selector, with a
  note. For a slow page, its slowest queries and the plan of the slowest;
- refresh on change: ``entitlements_refresh`` of one household (what an officer's edit costs), a rebuild of
  one commune (what an import into it costs), and ``support_records_create`` for 500 members of that
  commune's H1 gap list (bulk recording: checks, write, refresh);
- the peak memory (RSS) of the measuring process.

Database: its own, as bench/registry.py seeds it. SQLite: var/bench-coverage.sqlite3, kept between runs (a
copy of var/bench-registry.sqlite3 if that one is seeded and this one does not exist yet). PostgreSQL with
BENCH_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/giamngheo_bench (the registry bench's database:
reused; created if missing; a sqlite:/// URL names another SQLite file). Seeding 1.2 million households
takes about 5 minutes; it runs in a process of its own so that the peak memory printed is the
measurements'. A run first removes what an earlier run added (the support records of the bench's users)
and brings the sample policies up to date with the catalogue file, so runs can be repeated on the same
database. On PostgreSQL the policies' tables get VACUUM ANALYZE before each rebuild, as autovacuum would.

Goals: the matrix ≤ 500 ms p95 (the issue's quality bar); the other pages ≤ 300 ms p95 (the registry's).

Environment: BENCH_HOUSEHOLDS (1200000, when seeding), BENCH_REQUESTS (30), BENCH_RESEED=1 (seed again),
BENCH_WORKERS (see registry.py), BENCH_PROFILE=1 (profile the first rebuild and the bulk recording with
cProfile instead of timing their steps, print the 25 entries of largest cumulative time).
"""

from __future__ import annotations

import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import registry
from _django import ensure_postgres_database, slowest_queries

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "var" / "bench-coverage.sqlite3"
REGISTRY_SQLITE = ROOT / "var" / "bench-registry.sqlite3"
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
RESEED = os.environ.get("BENCH_RESEED") == "1"
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
SEED = 1
GOAL_MATRIX_MS = 500
GOAL_PAGE_MS = 300  # the registry's page goal, for the other pages
BULK_RECIPIENTS = 500
SPECIALIST, OFFICER = "bench.chuyenvien", "bench.canbo"
BATCH = "bench-coverage"  # the support records written straight into the table

STEP = "GIAMNGHEO_BENCH_COVERAGE_STEP"

# Share of the entitled who received the policy this year, per policy code.
SHARES = {
    "H1": 0.90,
    "H3": 0.90,
    "H9": 0.85,
    "E4": 0.60,
    "N5": 0.08,
    "C1": 0.30,
    "C2": 0.30,
    "C3": 0.20,
    "V2": 0.15,
    "J1": 0.10,
    "X3": 0.02,
    "W1": 0.12,
    "I1": 0.50,
    "P2": 0.40,
    "P1": 0.25,
    "S1": 0.85,
}
OTHER_SHARE = 0.30  # a policy the province added
HI_PREMIUM = 1_366_200  # 4.5 % of the base salary (2,530,000 đồng from 1/7/2026) × 12 months
# Amount in đồng: a fixed amount, or (lowest, highest, step).
AMOUNTS: dict[str, int | tuple[int, int, int]] = {
    "H1": HI_PREMIUM,
    "H3": 956_340,  # 70 % of the premium
    "H9": HI_PREMIUM,
    "N5": (30_000_000, 60_000_000, 10_000_000),
    "C1": (30_000_000, 100_000_000, 5_000_000),
    "C2": (30_000_000, 100_000_000, 5_000_000),
    "C3": (30_000_000, 100_000_000, 5_000_000),
    "V2": (3_000_000, 6_000_000, 500_000),
    "J1": (50_000_000, 200_000_000, 10_000_000),
    "X3": (10_000_000, 20_000_000, 1_000_000),
    "W1": (15_000_000, 25_000_000, 1_000_000),
    "I1": (1_500_000, 3_000_000, 100_000),
    "P2": (10_000_000, 30_000_000, 1_000_000),
    "P1": (10_000_000, 30_000_000, 1_000_000),
}
MONTHLY_AMOUNT = {"E4": 150_000, "S1": 49_500}  # per month, times the months paid (the quantity)
# Funding sources (weights: central, local, social, credit) by policy area.
SOURCES: dict[str, tuple[int, int, int, int]] = {
    "health": (7, 3, 0, 0),
    "education": (6, 4, 0, 0),
    "housing": (4, 3, 3, 0),
    "credit": (0, 0, 0, 1),
    "jobs": (0, 0, 0, 1),
    "water": (0, 0, 0, 1),
}
DEFAULT_SOURCES = (5, 4, 1, 0)
OUTSIDE = 300  # housing support after a storm to households not on the lists (recorded with a reason)


# --- Database ---------------------------------------------------------------------------------------------


def database_setup(*, reseed: bool = False) -> None:
    """As bench/_django.py, but the SQLite file is kept between runs (seeding takes minutes) unless
    ``reseed``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "BENCH_DATABASE_URL" in os.environ:
        if os.environ["BENCH_DATABASE_URL"].startswith("postgres"):
            ensure_postgres_database(os.environ["BENCH_DATABASE_URL"])
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        SQLITE.parent.mkdir(exist_ok=True)
        if reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        elif not SQLITE.exists() and _seeded_sqlite(REGISTRY_SQLITE):
            started = time.perf_counter()
            with sqlite3.connect(REGISTRY_SQLITE) as source, sqlite3.connect(SQLITE) as target:
                source.backup(target)
            print(f"   copied {REGISTRY_SQLITE.name} in {time.perf_counter() - started:.1f} s", flush=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seeded_sqlite(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return bool(conn.execute("SELECT 1 FROM households_household LIMIT 1").fetchone())
    except sqlite3.Error:
        return False


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Helpers ----------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    return registry.percentile(samples, 50), registry.percentile(samples, 95)


def profiled(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()`` and its seconds; with BENCH_PROFILE=1 under cProfile, whose top entries are printed."""
    if not PROFILE:
        return timed(fn)
    profile = cProfile.Profile()
    started = time.perf_counter()
    result = profile.runcall(fn)
    seconds = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"   profile of {label} ({seconds:.1f} s, profiled):")
    for line in out.getvalue().splitlines():
        if line.strip():
            print(f"      {line}")
    return result, seconds


# The steps of services.coverage_rebuild / entitlements_refresh, timed by wrapping them while a step runs.
STAGES = (
    ("_candidates", "candidates"),
    ("households_facts", "facts"),
    ("_covered", "support read"),
    ("_entitlement_rows", "eligibility"),
    ("write_rows", "write"),
    ("coverage_summarise", "summaries"),
)


@contextlib.contextmanager
def stages() -> Iterator[dict[str, float]]:
    """Seconds spent in each step of the policies services while the block runs, each without the steps it
    calls (``eligibility``: the rules' evaluation and the rows, without the facts and support reads), and in
    COMMIT (on PostgreSQL it runs the deferred foreign-key checks of the rows written). Steps the services
    no longer have are left out."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    from giamngheo.policies.services import coverage as services

    spent: dict[str, float] = {}
    originals: dict[str, Any] = {}
    nested: list[float] = []  # per timed call in progress: the time of the timed calls it made

    def wrap(fn: Any, label: str) -> Any:
        def inner(*args: Any, **kwargs: Any) -> Any:
            nested.append(0.0)
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                spent[label] = spent.get(label, 0.0) + elapsed - nested.pop()
                if nested:
                    nested[-1] += elapsed

        return inner

    for name, label in STAGES:
        if callable(getattr(services, name, None)):
            originals[name] = getattr(services, name)
            setattr(services, name, wrap(originals[name], label))
    commit = BaseDatabaseWrapper.commit
    BaseDatabaseWrapper.commit = wrap(commit, "commit")  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        BaseDatabaseWrapper.commit = commit  # type: ignore[method-assign]
        for name, fn in originals.items():
            setattr(services, name, fn)


def print_stages(spent: dict[str, float], total: float) -> None:
    """One line: the stages, largest first, and the rest (deletes, small queries)."""
    ms = total < 10

    def show(seconds: float) -> str:
        return f"{seconds * 1000:.0f}" if ms else f"{seconds:.1f}"

    parts = [f"{label} {show(v)}" for label, v in sorted(spent.items(), key=lambda kv: -kv[1])]
    rest = total - sum(spent.values())
    print(f"      stages ({'ms' if ms else 's'}): {', '.join(parts)}, other {show(rest)}", flush=True)


# --- Steps ------------------------------------------------------------------------------------------------


def seed_step() -> None:
    """The registry (bench/registry.py's seeding, or the database already seeded) and the catalogue."""
    database_setup(reseed=RESEED)
    from giamngheo.policies.models import Policy
    from giamngheo.policies.services import catalogue_seed

    registry.seeded_province()
    if not Policy.objects.exists():
        added, seconds = timed(lambda: catalogue_seed(acting_user=None))
        print(f"   catalogue_seed: {added} policies in {seconds:.2f} s", flush=True)
    print(f"   (seeding process: peak RSS {peak_rss_mb():,.0f} MB)", flush=True)


def sample_catalogue_sync() -> None:
    """The bench database's sample policies as the sample catalogue file has them now (``catalogue_seed``
    never overwrites; the file changes while the app is being built, and a reused database keeps the rules
    of the day it was seeded)."""
    import json

    from giamngheo.policies.models import Policy
    from giamngheo.policies.services import SAMPLE_CATALOGUE

    changed = []
    for entry in json.loads(SAMPLE_CATALOGUE.read_text(encoding="utf-8"))["policies"]:
        policy = Policy.objects.filter(code=entry["code"], is_sample=True).first()
        if policy is None:
            continue
        wanted = {
            **entry,
            "valid_from": dt.date.fromisoformat(entry["valid_from"]),
            "valid_to": dt.date.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
        }
        diff = {k: v for k, v in wanted.items() if hasattr(policy, k) and getattr(policy, k) != v}
        if diff:
            Policy.objects.filter(pk=policy.pk).update(**diff)
            changed.append(f"{policy.code} ({', '.join(sorted(diff))})")
    if changed:
        print(f"   sample policies updated from the catalogue file: {'; '.join(changed)}", flush=True)


def maintain() -> None:
    """PostgreSQL: VACUUM ANALYZE the policies' tables, as autovacuum would between the steps (it may be off
    on a bench server: every rebuild deletes and rewrites all entitlement rows, and the dead rows would
    pile up run after run)."""
    from django.db import connection

    from giamngheo.policies.models import CoverageSummary, Entitlement, SupportRecord

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        for model in (Entitlement, CoverageSummary, SupportRecord):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(
        f"   (VACUUM ANALYZE of the policies' tables: {time.perf_counter() - started:.1f} s; "
        f"autovacuum is {autovacuum} on this server)",
        flush=True,
    )


def bench_users(province: Any, commune: Any) -> tuple[Any, Any]:
    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role

    specialist, _ = User.objects.get_or_create(
        username=SPECIALIST, defaults={"role": Role.PROVINCIAL_SPECIALIST, "full_name": "Bench specialist"}
    )
    specialist.scope_areas.set([province])
    officer, _ = User.objects.get_or_create(
        username=OFFICER, defaults={"role": Role.COMMUNE_OFFICER, "full_name": "Bench officer"}
    )
    officer.scope_areas.set([commune])
    return User.objects.get(pk=specialist.pk), User.objects.get(pk=officer.pk)


def clean_earlier_runs() -> None:
    """Remove the support records an earlier run added (its users' and the directly written ones)."""
    from django.db.models import Q

    from giamngheo.accounts.models import User
    from giamngheo.policies.models import SupportRecord

    users = list(User.objects.filter(username__in=[SPECIALIST, OFFICER]).values_list("pk", flat=True))
    deleted, _ = SupportRecord.objects.filter(Q(batch=BATCH) | Q(recorded_by_id__in=users)).delete()
    if deleted:
        print(f"   removed {deleted:,} support records of an earlier run", flush=True)


def expected_counts() -> dict[str, tuple[int, int]]:
    """(households, active members) per category of the active households: what the category-only rules
    should find."""
    from django.db.models import Count

    from giamngheo.households.models import Household, Member

    households = dict(
        Household.objects.filter(is_active=True)
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    members = dict(
        Member.objects.filter(is_active=True, household__is_active=True)
        .values_list("household__category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("household__category", "n")
    )
    return {c: (households.get(c, 0), members.get(c, 0)) for c in set(households) | set(members)}


def rebuild(label: str, year: int, profile: bool = False) -> None:
    from giamngheo.policies.models import CoverageSummary, Entitlement
    from giamngheo.policies.services import coverage_rebuild

    run = lambda: coverage_rebuild(year=year)  # noqa: E731
    if profile and PROFILE:
        written, seconds = profiled(label, run)
        spent = None
    else:
        with stages() as spent:
            written, seconds = timed(run)
    entitlements = Entitlement.objects.filter(year=year).count()
    summaries = CoverageSummary.objects.filter(year=year).count()
    print(
        f"   {label:<40} {seconds:>8.1f} s  {written:>10,} entitlement rows written "
        f"({entitlements:,} in the table), {summaries:,} summary rows; peak RSS {peak_rss_mb():,.0f} MB",
        flush=True,
    )
    if spent is not None:
        print_stages(spent, seconds)


def print_eligible(year: int, expected: dict[str, tuple[int, int]]) -> None:
    from django.db.models import Sum

    from giamngheo.policies.models import CoverageSummary, Policy

    sums: dict[int, dict[str, Any]] = {
        row["policy_id"]: dict(row)
        for row in CoverageSummary.objects.filter(year=year)
        .values("policy_id")
        .annotate(
            h=Sum("eligible_households"),
            u=Sum("eligible_units"),
            ch=Sum("covered_households"),
            cu=Sum("covered_units"),
            o=Sum("outside_units"),
        )
        .order_by()
    }
    print(
        f"   {'policy':<6} {'level':<9} {'eligible HH':>11} {'units':>9} {'covered HH':>10} {'units':>9} "
        f"{'cov. %':>7} {'outside':>7}  check (registry: the same rule by category)",
        flush=True,
    )
    for policy in Policy.objects.filter(is_active=True).order_by("code"):
        row = sums.get(policy.pk, {})
        h, u, ch, cu, o = (int(row.get(k) or 0) for k in ("h", "u", "ch", "cu", "o"))
        pct = f"{100 * cu / u:6.1f}" if u else "     -"
        rule = policy.rule
        check = ""
        only_categories = set(rule) <= {"level", "categories"} and rule.get("categories")
        if only_categories:
            want_h = sum(expected.get(c, (0, 0))[0] for c in rule["categories"])
            want_u = (
                sum(expected.get(c, (0, 0))[1] for c in rule["categories"])
                if rule["level"] == "member"
                else want_h
            )
            ok = "ok" if (h, u) == (want_h, want_u) else "DIFFERS"
            check = f"{want_h:,} HH / {want_u:,} units: {ok}"
        print(
            f"   {policy.code:<6} {policy.level:<9} {h:>11,} {u:>9,} {ch:>10,} {cu:>9,} {pct:>7} {o:>7,}  "
            f"{check}",
            flush=True,
        )


def _amount(code: str, rng: random.Random) -> tuple[int, int]:
    """(quantity, amount in đồng) of one record."""
    if code in MONTHLY_AMOUNT:
        months = rng.randint(1, 11)
        return months, months * MONTHLY_AMOUNT[code]
    spec = AMOUNTS.get(code, (1_000_000, 10_000_000, 500_000))
    if isinstance(spec, int):
        return 1, spec
    low, high, step = spec
    return 1, rng.randrange(low, high + 1, step)


def seed_support(year: int, today: dt.date, specialist: Any, commune_id: int) -> None:
    """Support records of this year for a share of the entitled (SHARES), written straight into the table;
    ``commune_id`` recorded fewer H1 cards, so that its gap list has more than BULK_RECIPIENTS members."""
    from django.db import connection, transaction
    from django.utils import timezone

    from giamngheo.core.bulk import write_rows
    from giamngheo.households.models import Household
    from giamngheo.households.reference import Category
    from giamngheo.policies.models import Entitlement, FundingSource, Policy, SupportRecord

    rng = random.Random(SEED)
    started = time.perf_counter()
    policies = {p.pk: p for p in Policy.objects.filter(is_active=True)}
    h1 = next((p for p in policies.values() if p.code == "H1"), None)
    h1_share = SHARES["H1"]
    if h1 is not None:
        eligible_here = Entitlement.objects.filter(
            year=year, policy=h1, commune_id=commune_id, eligible=True
        ).count()
        h1_share = max(0.0, min(SHARES["H1"], 1 - (BULK_RECIPIENTS + 100) / max(eligible_here, 1)))
    sources = list(FundingSource.values)  # central, local, social, credit
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = (
        "created_at",
        "updated_at",
        "policy_id",
        "household_id",
        "member_id",
        "commune_id",
        "date",
        "quantity",
        "amount",
        "funding_source",
        "project",
        "document",
        "eligible",
        "reason",
        "batch",
        "recorded_by_id",
        "cancelled_at",
        "cancel_reason",
    )
    days: dict[int, tuple[int, int]] = {}  # policy -> the ordinal days a record may have this year
    for p in policies.values():
        first = max(dt.date(year, 1, 1), p.valid_from)
        last = min(today, p.valid_to or today)
        days[p.pk] = (first.toordinal(), last.toordinal())
    rows: list[tuple[Any, ...]] = []
    per_policy: Counter[str] = Counter()

    def record(p: Any, household_id: int, member_id: int | None, commune: int, reason: str = "") -> None:
        first, last = days[p.pk]
        if last < first:
            return
        quantity, amount = _amount(p.code, rng)
        source = rng.choices(sources, weights=SOURCES.get(p.area, DEFAULT_SOURCES))[0]
        rows.append(
            (
                now,
                now,
                p.pk,
                household_id,
                member_id,
                commune,
                ops.adapt_datefield_value(dt.date.fromordinal(rng.randint(first, last))),
                quantity,
                amount,
                source,
                p.project,
                f"{rng.randint(1, 999)}/QĐ-UBND",
                not reason,
                reason,
                BATCH,
                specialist.pk,
                None,
                "",
            )
        )
        per_policy[p.code] += 1

    for policy_id, household_id, member_id, commune in (
        Entitlement.objects.filter(year=year, eligible=True)
        .order_by("pk")
        .values_list("policy_id", "household_id", "member_id", "commune_id")
        .iterator(chunk_size=10_000)
    ):
        p = policies[policy_id]
        share = h1_share if p is h1 and commune == commune_id else SHARES.get(p.code, OTHER_SHARE)
        if rng.random() < share:
            record(p, household_id, member_id, commune)
    housing = next((p for p in policies.values() if p.code == "N5"), None)
    if housing is not None:  # storm damage: households not on the lists, recorded with the reason
        top = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        sample = rng.sample(range(1, top + 1), min(top, OUTSIDE * 20))
        outside = (
            Household.objects.filter(pk__in=sample[:900], is_active=True)
            .exclude(category__in=[Category.POOR, Category.NEAR_POOR])
            .values_list("pk", "commune_id")[:OUTSIDE]
        )
        for household_id, commune in outside:
            record(housing, household_id, None, commune, reason="Nhà bị sập do bão (thiên tai)")
    generated = time.perf_counter() - started
    with transaction.atomic():
        write_rows(SupportRecord, columns, rows)
    seconds = time.perf_counter() - started
    amount = sum(r[8] for r in rows)
    print(
        f"   support records written: {len(rows):,} ({amount:,} đồng) in {seconds:.1f} s "
        f"({generated:.1f} s choosing them); H1 in the officer's commune at {100 * h1_share:.0f} %",
        flush=True,
    )
    print(
        "   per policy: " + ", ".join(f"{code} {n:,}" for code, n in sorted(per_policy.items())), flush=True
    )
    maintain()


def _getter(client: Any, url: str) -> Callable[[], Any]:
    return lambda: client.get(url)


def measure_pages(year: int, specialist: Any, officer: Any, commune: Any) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from giamngheo.policies import selectors
    from giamngheo.policies.models import Policy

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    h1 = Policy.objects.get(code="H1")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def gap_page(user: Any, commune_id: int | None) -> Any:
        rows = selectors.gap_list(user=user, policy=h1, year=year, commune_id=commune_id)
        return rows.count(), list(rows[:50])

    def url(name: str, *args: str, query: str = "") -> str | None:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    pages: list[tuple[str, Any, str | None, Callable[[], Any], int]] = [
        (
            "coverage matrix",
            specialist,
            url("policies:coverage-matrix"),
            lambda: selectors.coverage_matrix(user=specialist, year=year),
            GOAL_MATRIX_MS,
        ),
        (
            "coverage matrix",
            officer,
            url("policies:coverage-matrix"),
            lambda: selectors.coverage_matrix(user=officer, year=year),
            GOAL_MATRIX_MS,
        ),
        (
            "coverage, province",
            specialist,
            url("policies:coverage"),
            lambda: selectors.coverage_by_policy(user=specialist, year=year),
            GOAL_PAGE_MS,
        ),
        (
            "coverage, one commune",
            specialist,
            url("policies:coverage", query=f"?year={year}&commune={commune.pk}"),
            lambda: selectors.coverage_by_policy(user=specialist, year=year, commune_id=commune.pk),
            GOAL_PAGE_MS,
        ),
        (
            "coverage, one commune",
            officer,
            url("policies:coverage"),
            lambda: selectors.coverage_by_policy(user=officer, year=year),
            GOAL_PAGE_MS,
        ),
        (
            "gap list H1, province",
            specialist,
            url("policies:gap-list", "H1"),
            lambda: gap_page(specialist, None),
            GOAL_PAGE_MS,
        ),
        (
            "gap list H1, one commune",
            specialist,
            url("policies:gap-list", "H1", query=f"?year={year}&commune={commune.pk}"),
            lambda: gap_page(specialist, commune.pk),
            GOAL_PAGE_MS,
        ),
        (
            "gap list H1, one commune",
            officer,
            url("policies:gap-list", "H1"),
            lambda: gap_page(officer, None),
            GOAL_PAGE_MS,
        ),
        (
            "spending",
            specialist,
            url("policies:spending"),
            lambda: selectors.spending_totals(
                user=specialist, filters=selectors.SupportFilters(date_from=start, date_to=end)
            ),
            GOAL_PAGE_MS,
        ),
        (
            "spending",
            officer,
            url("policies:spending"),
            lambda: selectors.spending_totals(
                user=officer, filters=selectors.SupportFilters(date_from=start, date_to=end)
            ),
            GOAL_PAGE_MS,
        ),
    ]
    clients: dict[int, Any] = {}
    notes: list[str] = []
    print(
        f"   {'page':<26} {'user':<17} {'through':<9} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  goal",
        flush=True,
    )
    for label, user, target, selector, goal in pages:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        run: Callable[[], Any] = selector
        through, status = "selector", "-"
        if target is None:
            notes.append(f"{label}: the URL does not resolve")
        else:
            try:
                response = client.get(target)  # warm-up (and the status)
            except Exception as exc:  # noqa: BLE001 - a view being written may raise anything
                notes.append(f"{label} ({target}): the view raised {type(exc).__name__}: {exc}")
            else:
                if response.status_code == 404:
                    notes.append(f"{label} ({target}): 404 (view not written yet?)")
                else:
                    through, status = "view", str(response.status_code)
                    run = _getter(client, target)
        if through == "selector":
            selector()  # warm-up
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(samples)
        flag = "ok" if p95 <= goal else f"> {goal} ms"
        print(
            f"   {label:<26} {user.username:<17} {through:<9} {status:>6} {p50:>8.1f} {p95:>8.1f}  "
            f"≤ {goal} ms {flag}",
            flush=True,
        )
        if p95 > goal:
            slowest_queries(run)
    for note in notes:
        print(f"   note: {note}; timed its selector instead (run again once the view is written)", flush=True)


def measure_refresh(year: int, today: dt.date, officer: Any, commune: Any) -> None:
    from giamngheo.households.models import Household
    from giamngheo.households.reference import Category
    from giamngheo.policies import selectors, services
    from giamngheo.policies.models import FundingSource, Policy

    household = (
        Household.objects.filter(commune=commune, category=Category.POOR, is_active=True)
        .order_by("pk")
        .first()
    )
    assert household is not None
    samples = []
    for _ in range(7):
        with stages() as spent:
            _, seconds = timed(lambda: services.entitlements_refresh(household_ids=[household.pk]))
        samples.append(seconds * 1000)
    print(
        f"   entitlements_refresh of one household: median {statistics.median(samples):.1f} ms "
        f"(min {min(samples):.1f}, max {max(samples):.1f}; 7 runs; stages of the last)",
        flush=True,
    )
    print_stages(spent, samples[-1] / 1000)
    with stages() as spent:
        _, seconds = timed(lambda: services.coverage_rebuild(year=year, commune_ids=[commune.pk]))
    print(f"   coverage_rebuild of one commune ({commune.name}): {seconds * 1000:.0f} ms", flush=True)
    print_stages(spent, seconds)

    h1 = Policy.objects.get(code="H1")
    gaps = list(
        selectors.gap_list(user=officer, policy=h1, year=year).values_list("household_id", "member_id")[
            :BULK_RECIPIENTS
        ]
    )
    recipients = [services.Recipient(household_id, member_id) for household_id, member_id in gaps]
    data = services.SupportData(
        date=today,
        funding_source=FundingSource.CENTRAL,
        amount=HI_PREMIUM,
        document="BENCH/QĐ-UBND",
    )
    with stages() as spent:
        created, seconds = profiled(
            "support_records_create",
            lambda: services.support_records_create(
                policy=h1, recipients=recipients, data=data, acting_user=officer
            ),
        )
    left = selectors.gap_list(user=officer, policy=h1, year=year).count()
    print(
        f"   support_records_create, H1, {len(created)} members of {commune.name}'s gap list: "
        f"{seconds * 1000:.0f} ms; gap list now {left:,}",
        flush=True,
    )
    print_stages(spent, seconds)


def measure_step() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # staticfiles/ is not collected here
    database_setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from giamngheo.geo.models import Area
    from giamngheo.households.models import Household, Member
    from giamngheo.households.reference import Category
    from giamngheo.policies.models import Policy
    from giamngheo.policies.services import catalogue_seed

    province = Area.objects.get(code="75")
    print(
        f"   database {connection.vendor}: {Household.objects.count():,} households, "
        f"{Member.objects.count():,} members, {Policy.objects.filter(is_active=True).count()} active "
        "policies",
        flush=True,
    )
    if not Policy.objects.exists():
        catalogue_seed(acting_user=None)
    sample_catalogue_sync()
    today = timezone.localdate()
    year = today.year
    # The commune with the most poor households: the officer's, where 500 H1 cards get recorded.
    commune_id = (
        Household.objects.filter(category=Category.POOR, is_active=True)
        .values("commune_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune_id")
        .values_list("commune_id", flat=True)
        .first()
    )
    assert commune_id is not None
    commune = Area.objects.get(pk=commune_id)
    specialist, officer = bench_users(province, commune)
    clean_earlier_runs()
    maintain()
    expected = expected_counts()
    total = sum(h for h, _ in expected.values())
    print(
        f"   registry (active): {total:,} households; poor {expected.get(Category.POOR, (0, 0))[0]:,} "
        f"({100 * expected.get(Category.POOR, (0, 0))[0] / max(total, 1):.2f} %), near-poor "
        f"{expected.get(Category.NEAR_POOR, (0, 0))[0]:,} "
        f"({100 * expected.get(Category.NEAR_POOR, (0, 0))[0] / max(total, 1):.2f} %); officer's commune "
        f"{commune.name}; year {year}",
        flush=True,
    )

    print("-- 1. full rebuild, no support recorded", flush=True)
    rebuild("coverage_rebuild (province)", year, profile=True)
    print_eligible(year, expected)

    print("-- 2. support recorded for most of the entitled, then a full rebuild", flush=True)
    seed_support(year, today, specialist, commune.pk)
    rebuild("coverage_rebuild (province), with support", year)
    print_eligible(year, expected)

    print(f"-- 3. server time, {REQUESTS} requests each", flush=True)
    measure_pages(year, specialist, officer, commune)

    print("-- 4. refresh on change", flush=True)
    measure_refresh(year, today, officer, commune)

    print(f"-- 5. peak RSS of the measuring process: {peak_rss_mb():,.0f} MB", flush=True)


def main() -> None:
    step = os.environ.get(STEP)
    if step == "seed":
        seed_step()
    elif step == "measure":
        measure_step()
    else:  # each step in a process of its own: bench/run.py runs every script in one process
        for name in ("seed", "measure"):
            command = [sys.executable, str(Path(__file__).resolve())]
            subprocess.run(command, env={**os.environ, STEP: name}, check=True)  # noqa: S603 - this script


if __name__ == "__main__":
    main()
