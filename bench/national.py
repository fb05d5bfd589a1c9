"""The registry at national scale: several provinces, 1 → 2.5 → 5 million households on PostgreSQL, and how
the province-scoped work grows with the size of the whole registry (issue 17 §5).

Seeds a PostgreSQL database of its own (NATIONAL_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/giamngheo_national_bench; created if missing, kept between runs) with
the geography of four provinces (``geo_load`` and the demo villages): the first province's households from
the demo generator (COPY, ~3.5 members each), the others cloned from it in the server
(``INSERT … SELECT``: communes and villages mapped onto the other province's, codes and national IDs made
unique), and at each size prints, beside the load average:

- the import of one province's file (a CSV in our template's layout, ``NATIONAL_IMPORT_HOUSEHOLDS``
  households into a province of its own, in a process of its own: rows/s and peak RSS), then removed;
- the reclassification of one province (``province_reclassify``) and of every province;
- the dashboard's main selector (``dashboard.selectors.dashboard`` for the province, latest round);
- the official tables' selectors of the province (``reviews.table_selectors``: summary rows, the province's
  total, the registry's poor households with their member counts, the round's movements) and the recount
  of the province's summaries (``reviews.services.summaries_rebuild``);
- EXPLAIN ANALYZE of a commune's household list, a province's summary and a household by id
  (var/bench/national-plans.txt);

then a least-squares fit of each time against the size (linear, and n log n) extrapolated to 27 million
households (34 provinces). The table goes to var/bench/national.txt as well.

Environment: NATIONAL_LEVELS (1000000,2500000,5000000), NATIONAL_IMPORT_HOUSEHOLDS (20000),
NATIONAL_RESEED=1 (drop the households and seed again).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _django import ensure_postgres_database, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
URL = os.environ.get("NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/giamngheo_national_bench")
LEVELS = [int(n) for n in os.environ.get("NATIONAL_LEVELS", "1000000,2500000,5000000").split(",")]
IMPORT_HOUSEHOLDS = int(os.environ.get("NATIONAL_IMPORT_HOUSEHOLDS", "10000"))
RESEED = os.environ.get("NATIONAL_RESEED") == "1"
GENERATED = int(os.environ.get("NATIONAL_GENERATED", "250000"))  # households from the demo generator
SOURCE = 75  # Đồng Nai: generated; every other household is a copy of one of these
# Where the copies go, and how many households each province holds at most (Đồng Nai, Hồ Chí Minh City,
# Hà Nội): 1 M, then 2.5 M, then 5 M in all.
CAPACITY = [(75, 1_000_000), (79, 1_500_000), (1, 2_500_000)]
IMPORT_PROVINCE = 48  # Đà Nẵng: the imported file's province (emptied after each import)
NATIONAL = 27_000_000
SEED = 1
YEAR = 2026
CHILD = "GIAMNGHEO_BENCH_NATIONAL_STEP"
RESULT = "GIAMNGHEO_BENCH_NATIONAL_RESULT"


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = URL
    import django

    django.setup()


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


# --- Seeding ------------------------------------------------------------------------------------------


def prepare() -> None:
    """Migrated, the provinces' geography and demo villages loaded (once)."""
    from django.core.management import call_command

    from giamngheo.demo.seed import seed_demo
    from giamngheo.geo.models import Area, AreaLevel

    call_command("migrate", verbosity=0)
    for code in (*(c for c, _n in CAPACITY), IMPORT_PROVINCE):
        province = Area.objects.filter(code=str(code), level=AreaLevel.PROVINCE).first()
        if province is not None and Area.objects.filter(parent__parent=province).exists():
            continue
        started = time.perf_counter()
        seed_demo(province_code=code, seed=SEED)
        province = Area.objects.get(code=str(code), level=AreaLevel.PROVINCE)
        villages = Area.objects.filter(parent__parent=province, level=AreaLevel.VILLAGE).count()
        print(
            f"   {province.name}: geography and {villages:,} villages "
            f"in {time.perf_counter() - started:.1f} s"
        )


def province(code: int) -> Any:
    from giamngheo.geo.models import Area, AreaLevel

    return Area.objects.get(code=str(code), level=AreaLevel.PROVINCE)


def counts_by_province() -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.code, count(*) FROM households_household h JOIN geo_area c ON c.id = h.commune_id "
            "JOIN geo_area p ON p.id = c.parent_id GROUP BY p.code"
        )
        return {int(code): n for code, n in cursor.fetchall()}


def generate(count: int) -> float:
    """``count`` households of the source province from the demo generator, written by COPY."""
    from giamngheo.demo.households import FastWriter, HouseholdGenerator, rows_of, village_slots

    started = time.perf_counter()
    source = province(SOURCE)
    generator = HouseholdGenerator(village_slots(source), count=count, seed=SEED, province_code=SOURCE)
    villages: dict[str, list[Any]] = {}
    for slot, n in zip(generator.slots, generator.counts, strict=True):
        villages.setdefault(slot.commune_code, []).append((slot, n))
    writer = FastWriter()
    for code in sorted(villages):
        writer.write(rows_of(generator.commune_households(code, villages[code])))
    counts = writer.finish()
    seconds = time.perf_counter() - started
    print(
        f"   generated {counts.households:,} households, {counts.members:,} members "
        f"in {province(SOURCE).name} "
        f"in {seconds:.1f} s ({counts.households / seconds:,.0f}/s; load {load()})",
        flush=True,
    )
    return seconds


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def clone(target: int, count: int, tag: int) -> float:
    """``count`` households of the source province (and their members) copied into province ``target`` in
    the server: commune i onto commune i mod n, village j of it onto village j mod m (the same ones when
    ``target`` is the source), codes suffixed with ``tag``, national IDs starting with ``tag`` + 9 in two
    digits (a real CCCD starts with 0: the copies' IDs never meet the originals' nor each other's). Only the
    generated households are copied (codes "<commune>-<number>", no suffix)."""
    from django.db import connection, transaction

    from giamngheo.geo.models import Area, AreaLevel
    from giamngheo.households.models import Household, Member

    started = time.perf_counter()
    source_communes = list(
        Area.objects.filter(parent=province(SOURCE), level=AreaLevel.COMMUNE).order_by("code")
    )
    target_communes = list(
        Area.objects.filter(parent=province(target), level=AreaLevel.COMMUNE).order_by("code")
    )
    villages_of: dict[int, list[int]] = {}
    for village_id, parent_id in (
        Area.objects.filter(level=AreaLevel.VILLAGE, parent__in=[*source_communes, *target_communes])
        .order_by("code")
        .values_list("pk", "parent_id")
    ):
        villages_of.setdefault(parent_id, []).append(village_id)
    commune_map = []
    village_map = []
    for i, commune in enumerate(source_communes):
        to = target_communes[i % len(target_communes)]
        commune_map.append((commune.pk, to.pk))
        theirs = villages_of.get(to.pk, [])
        for j, village_id in enumerate(villages_of.get(commune.pk, [])):
            village_map.append((village_id, theirs[j % len(theirs)] if theirs else None))
    household_columns = _columns(Household)
    member_columns = [c for c in _columns(Member) if c != "id"]
    replaced_household = {
        "id": "m.dst",
        "commune_id": "cm.dst",
        "village_id": "vm.dst",
        "code": "h.code || '-' || %(tag)s",
    }
    replaced_member = {
        "household_id": "m.dst",
        "national_id": (
            "CASE WHEN x.national_id IS NULL THEN NULL ELSE %(prefix)s || substr(x.national_id, 3) END"
        ),
    }
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE cm (src bigint PRIMARY KEY, dst bigint) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE vm (src bigint PRIMARY KEY, dst bigint) ON COMMIT DROP")
        cursor.executemany("INSERT INTO cm VALUES (%s, %s)", commune_map)
        cursor.executemany("INSERT INTO vm VALUES (%s, %s)", village_map)
        cursor.execute("SELECT coalesce(max(id), 0) FROM households_household")
        offset = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TEMP TABLE m ON COMMIT DROP AS SELECT h.id AS src, "
            "%s + row_number() OVER (ORDER BY h.id) AS dst FROM households_household h "
            "JOIN cm ON cm.src = h.commune_id WHERE h.code NOT LIKE '%%-%%-%%' "
            "ORDER BY h.id LIMIT %s",
            [offset, count],
        )
        cursor.execute("ALTER TABLE m ADD PRIMARY KEY (src)")
        done = cursor.rowcount
        h_select = ", ".join(replaced_household.get(c, f"h.{c}") for c in household_columns)
        cursor.execute(
            f"INSERT INTO households_household ({', '.join(household_columns)}) SELECT {h_select} "  # noqa: S608
            "FROM households_household h JOIN m ON m.src = h.id JOIN cm ON cm.src = h.commune_id "
            "LEFT JOIN vm ON vm.src = h.village_id",
            {"tag": str(tag)},
        )
        done = cursor.rowcount
        m_select = ", ".join(replaced_member.get(c, f"x.{c}") for c in member_columns)
        cursor.execute(
            f"INSERT INTO households_member ({', '.join(member_columns)}) SELECT {m_select} "  # noqa: S608
            "FROM households_member x JOIN m ON m.src = x.household_id",
            {"prefix": f"{tag + 9:02d}"},
        )
        members = cursor.rowcount
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('households_household', 'id'), "
            "(SELECT max(id) FROM households_household))"
        )
    seconds = time.perf_counter() - started
    print(
        f"   cloned {done:,} households, {members:,} members into {province(target).name} in {seconds:.1f} s "
        f"(load {load()})",
        flush=True,
    )
    return seconds


def grow_to(level: int) -> None:
    """Add households until the registry holds ``level``: GENERATED in the source province, then copies of
    them into the provinces of CAPACITY in turn."""
    from django.db import connection

    have = counts_by_province()
    if not have.get(SOURCE):
        generate(GENERATED)
        have = counts_by_province()
    total = sum(n for code, n in have.items() if code != IMPORT_PROVINCE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_household WHERE code LIKE '%-%-%'")
        (copies,) = cursor.fetchone()
    tag = 1 + math.ceil(copies / GENERATED)
    for target, capacity in CAPACITY:
        room = capacity - have.get(target, 0)
        while room > 0 and total < level:
            n = min(room, level - total, GENERATED)
            clone(target, n, tag)
            tag += 1
            room -= n
            total += n
    if total < level:
        print(f"   could not reach {level:,} households (have {total:,})", flush=True)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE) households_household")
        cursor.execute("VACUUM (ANALYZE) households_member")
        print(f"   vacuum analyze in {time.perf_counter() - started:.1f} s (load {load()})", flush=True)


def review_rounds() -> None:
    """The source province's review rounds (closed 2024, 2025 with frozen figures; open 2026)."""
    from giamngheo.demo.seed import seed_review_rounds

    seconds, reports = timed(lambda: seed_review_rounds(province=province(SOURCE), seed=SEED))
    if reports:
        print(f"   review rounds {[r.year for r in reports]} in {seconds:.1f} s (load {load()})", flush=True)


# --- Measurements -------------------------------------------------------------------------------------


def admin() -> Any:
    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role

    user = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create(username="bench.admin", full_name="Bench admin", role=Role.SYSTEM_ADMIN)
    return user


def specialist() -> Any:
    """A provincial specialist of the source province (scoped by ``area_q``: the path prefix)."""
    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role

    user, _created = User.objects.get_or_create(
        username="bench.national.tinh",
        defaults={"role": Role.PROVINCIAL_SPECIALIST, "full_name": "Chuyên viên tỉnh"},
    )
    user.scope_areas.set([province(SOURCE)])
    return User.objects.get(pk=user.pk)


def measure_import() -> dict[str, Any]:
    """Run in a child process: generate (cached) and import the import province's file."""
    result_path = Path(tempfile.mkstemp(suffix=".json")[1])
    env = {**os.environ, CHILD: "import", RESULT: str(result_path)}
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], env=env)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("   the import step failed")
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    result_path.unlink(missing_ok=True)
    # The child's own peak (see peak_rss_mb); wait4's ru_maxrss would include this parent's size.
    result["rss_mb"] = result.get("peak_mb") or usage.ru_maxrss / 1024
    return result


def import_file() -> Path:
    """The import province's file (CSV, our template), generated once per size."""
    sys.path.insert(0, str(Path(__file__).parent))
    import importlib

    bench_import: Any = importlib.import_module("import")
    path = BENCH_DIR / f"national-import-{IMPORT_HOUSEHOLDS}.csv"
    if not path.exists():
        from giamngheo.demo.households import village_slots

        bench_import.HOUSEHOLDS = IMPORT_HOUSEHOLDS
        bench_import.PROVINCE = IMPORT_PROVINCE
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        bench_import.write_file(path, village_slots(province(IMPORT_PROVINCE)))
    return path


def step_import() -> dict[str, Any]:
    from django.db import connection

    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role
    from giamngheo.dataio.fields import propose_mapping
    from giamngheo.dataio.imports import ImportOptions, household_import
    from giamngheo.dataio.reading import open_table

    path = import_file()
    # The province's specialist (communes are found by name among hers: names repeat across provinces).
    user, _created = User.objects.get_or_create(
        username="bench.national.import",
        defaults={"role": Role.PROVINCIAL_SPECIALIST, "full_name": "Chuyên viên nhập"},
    )
    user.scope_areas.set([province(IMPORT_PROVINCE)])
    user = User.objects.get(pk=user.pk)
    started = time.perf_counter()
    table = open_table(path)
    outcome = household_import(
        table=table, options=ImportOptions(mapping=propose_mapping(table.headers)), acting_user=user
    )
    seconds = time.perf_counter() - started
    # Emptied again: each size imports the same file from scratch.
    target = province(IMPORT_PROVINCE)
    with connection.cursor() as cursor:
        where = "commune_id IN (SELECT id FROM geo_area WHERE parent_id = %s)"
        cursor.execute(
            f"CREATE TEMP TABLE gone AS SELECT id FROM households_household WHERE {where}",  # noqa: S608
            [target.pk],
        )
        for table_name, column in (
            ("policies_entitlement", "household_id"),
            ("policies_supportrecord", "household_id"),
            ("households_historicalmember", "household_id"),
            ("households_member", "household_id"),
            ("households_historicalhousehold", "id"),
            ("households_household", "id"),
        ):
            cursor.execute(f"DELETE FROM {table_name} WHERE {column} IN (SELECT id FROM gone)")  # noqa: S608
    return {
        "seconds": seconds,
        "rows": outcome.rows,
        "households": outcome.households_created,
        "rejected": outcome.households_rejected,
        "errors": [str(e) for e in outcome.errors[:3]],
        "peak_mb": peak_rss_mb(),
    }


def measure(level: int, results: dict[str, list[tuple[int, float]]], plans: io.StringIO) -> None:
    from giamngheo.households.models import Household

    total = Household.objects.count()
    n = total

    def record(name: str, seconds: float, note: str = "") -> None:
        results.setdefault(name, []).append((n, seconds))
        print(f"   {name}: {seconds:.2f} s{note} (load {load()})", flush=True)

    print(f"== {total:,} households (load {load()})", flush=True)
    if os.environ.get("NATIONAL_IMPORT", "1") == "1":
        measure_one_import(record)
    measure_jobs(record)
    measure_plans(total, record, plans)


def measure_one_import(record: Callable[..., None]) -> None:
    imported = measure_import()
    record(
        "import of a province file (s per 100k rows)",
        imported["seconds"] * 100_000 / max(imported["rows"], 1),
        f" — {imported['rows']:,} rows in {imported['seconds']:.1f} s, "
        f"{imported['rows'] / imported['seconds']:,.0f} rows/s, {imported['households']:,} households, "
        f"{imported['rejected']:,} rejected {imported['errors'][:1]}, peak RSS {imported['rss_mb']:,.0f} MB",
    )


def measure_jobs(record: Callable[..., None]) -> None:
    from giamngheo.dashboard.selectors import dashboard
    from giamngheo.households.reclassify import province_reclassify
    from giamngheo.reviews import table_selectors
    from giamngheo.reviews.models import ReviewRound
    from giamngheo.reviews.services import summaries_rebuild

    source = province(SOURCE)
    seconds, result = timed(lambda: province_reclassify(province=source, year=YEAR, acting_user=None))
    record("reclassify one province", seconds, f" ({result.households:,} households)")
    populated = [code for code, count in counts_by_province().items() if count and code != IMPORT_PROVINCE]
    if populated != [SOURCE]:
        started = time.perf_counter()
        for code in populated:
            province_reclassify(province=province(code), year=YEAR, acting_user=None)
        record("reclassify every province", time.perf_counter() - started, f" ({len(populated)} provinces)")
    tinh = specialist()
    seconds, _board = timed(lambda: dashboard(user=tinh, area=source, year=None))
    record("dashboard (province, latest round)", seconds)
    review_round = ReviewRound.objects.filter(province=source, status="open").order_by("-year").first()
    closed = ReviewRound.objects.filter(province=source).exclude(status="open").order_by("-year").first()
    if closed is not None:
        seconds, _rows = timed(
            lambda: (
                list(table_selectors.summary_rows(user=tinh, review_round=closed)),
                table_selectors.province_total(user=tinh, review_round=closed),
            )
        )
        record("official tables: summary rows and total", seconds)
        seconds, _rows = timed(
            lambda: list(
                table_selectors.movement_assessments(
                    user=tinh, review_round=closed, movements=("escaped_poverty", "newly_poor")
                )[:200]
            )
        )
        record("official tables: movements, first 200", seconds)
    if review_round is not None:
        poor = table_selectors.registry_households(user=tinh, review_round=review_round, category="poor")
        seconds, count = timed(lambda: (poor.count(), list(poor[:200])))
        record("official tables: poor households (count, first 200)", seconds, f" ({count[0]:,})")
        seconds, rebuilt = timed(lambda: summaries_rebuild(review_round=review_round))
        record("recount the province's summaries", seconds, f" ({rebuilt} communes)")


def measure_plans(total: int, record: Callable[..., None], plans: io.StringIO) -> None:
    """EXPLAIN ANALYZE of the three queries of the decision (national layout)."""
    from django.db import connection
    from django.db.models import Count

    from giamngheo.households.models import Household

    source = province(SOURCE)
    commune = (
        Household.objects.filter(commune__parent=source)
        .values_list("commune_id", flat=True)
        .order_by("commune_id")
        .first()
    )
    ids = Household.objects.filter(commune_id=commune).order_by("pk").values_list("pk", flat=True)
    some = list(ids[:500])[-1]
    queries = {
        "commune list (first page)": (
            Household.objects.filter(commune_id=commune, is_active=True)
            .select_related("village")
            .order_by("village__code", "code")[:50]
        ),
        "province summary (households by category)": (
            Household.objects.filter(commune__path__startswith=source.path, is_active=True)
            .order_by()
            .values("category")
            .annotate(n=Count("pk"))
        ),
        "household by id": Household.objects.filter(pk=some),
    }
    plans.write(f"\n===== {total:,} households =====\n")
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        took = next((float(line.split()[2]) for line in lines if line.startswith("Execution Time")), 0.0)
        record(f"query: {name}", took / 1000)
        plans.write(f"\n-- {name}\n" + "\n".join(lines) + "\n")


def fit(points: list[tuple[int, float]]) -> tuple[str, float, float]:
    """The better of a linear and an n log n least-squares fit (through the points) and its value at 27 M."""
    best = ("", math.inf, 0.0)
    for name, f in (("linear", lambda x: float(x)), ("n log n", lambda x: x * math.log(x))):
        xs = [f(n) for n, _ in points]
        ys = [s for _, s in points]
        if len(points) < 2:
            return ("(one point)", 0.0, ys[0] if ys else 0.0)
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
        intercept = mean_y - slope * mean_x
        residual = sum((intercept + slope * x - y) ** 2 for x, y in zip(xs, ys, strict=True))
        if residual < best[1]:
            best = (name, residual, intercept + slope * f(NATIONAL))
    return best


def main() -> None:
    created = ensure_postgres_database(URL)
    django_setup()
    from django.core.management import call_command

    print(
        f"national bench · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} CPUs · load {load()} · "
        f"database {URL.rsplit('/', 1)[-1]}{' (created)' if created else ''}",
        flush=True,
    )
    prepare()
    if RESEED:
        call_command("flush", interactive=False, verbosity=0)
        prepare()
    results: dict[str, list[tuple[int, float]]] = {}
    plans = io.StringIO()
    for level in LEVELS:
        grow_to(level)
        if os.environ.get("NATIONAL_ROUNDS", "1") == "1":
            review_rounds()
        measure(level, results, plans)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / "national-plans.txt").write_text(plans.getvalue(), encoding="utf-8")
        report(results)


def report(results: dict[str, list[tuple[int, float]]]) -> None:
    """The table of the sizes measured so far, with the fits (printed, and in var/bench/national.txt)."""
    lines = [
        f"national bench {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, PostgreSQL, "
        f"{os.cpu_count()} CPUs shared "
        f"(load now {load()})",
        f"{'measure':<52}"
        + "".join(f"{n:>12,}" for n, _ in next(iter(results.values())))
        + f"  {'fit':>8} {'27 M':>9}",
    ]
    for name, points in results.items():
        kind, _residual, projected = fit(points)
        lines.append(
            f"{name:<52}" + "".join(f"{s:>12.3f}" for _, s in points) + f"  {kind:>8} {projected:>9.2f}"
        )
    table = "\n".join(lines)
    print(table, flush=True)
    (BENCH_DIR / "national.txt").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    if os.environ.get(CHILD):
        django_setup()
        Path(os.environ[RESULT]).write_text(json.dumps(step_import(), default=str), encoding="utf-8")
    else:
        main()
