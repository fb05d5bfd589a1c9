"""The household import at the scale of a province: 100,000 households, about 400,000 members, one file.

Seeds a database of its own (SQLite in var/bench/, or PostgreSQL with BENCH_DATABASE_URL, e.g.
postgres://postgres@127.0.0.1:5432/giamngheo_bench_import, created if missing, emptied if it already holds
data), loads Đồng Nai (``geo_load``, the demo villages and accounts), then prints:

- the generation of an .xlsx in our import template's layout, one row per member, household columns on the
  head's row, with the "Xã/phường/đặc khu" column (a province-wide import); cached in var/bench/ by size;
- the dry run, the import and the same import again (it must change nothing), through
  ``dataio.imports.household_import`` as the background job calls it, with the time of its stages;
- a naive import of the first rows for comparison: ``household_create`` then ``member_create`` per member
  (the per-record services, with their checks, history and audit);
- a full export of the registry to .xlsx through the export job's path (``household_rows`` into
  ``write_xlsx``), extrapolated to the 1.2 million households of the province.

Every measured step runs in a process of its own, so its peak memory (RSS) is its own. Goals: import
≥ 20× the naive path (rows per second), peak memory ≤ 1 GB, export of 1.2 million households ≤ 3 min.

Environment: IMPORT_HOUSEHOLDS (100000), IMPORT_NAIVE_ROWS (5000), IMPORT_PROFILE=1 (profile the import
and the export, print the 25 entries of largest cumulative time; their times are then the profiled ones),
BENCH_EXPORT_DB_URL (export that existing database instead, read only: e.g. the 1.2 million households of
bench/registry.py), BENCH_IMPORT_FLUSH=1 (allow emptying a PostgreSQL bench database whose name does not
contain "import").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _django import ensure_postgres_database, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE = BENCH_DIR / "import.sqlite3"
HOUSEHOLDS = int(os.environ.get("IMPORT_HOUSEHOLDS", "100000"))
NAIVE_ROWS = int(os.environ.get("IMPORT_NAIVE_ROWS", "5000"))
PROFILE = os.environ.get("IMPORT_PROFILE") == "1"
# IMPORT_TRACEMALLOC=1: the import's largest live allocations at its end, and its traced peak (slower).
TRACEMALLOC = os.environ.get("IMPORT_TRACEMALLOC") == "1"
EXPORT_DB_URL = os.environ.get("BENCH_EXPORT_DB_URL", "")
FORMAT = os.environ.get("IMPORT_FORMAT", "xlsx")  # or "csv" (a whole province's file, streamed)
# The steps to run (default all): e.g. IMPORT_STEPS=prepare,generate,import for a province-sized file.
STEPS_WANTED = [s for s in os.environ.get("IMPORT_STEPS", "").split(",") if s]
# IMPORT_VALID_ROWS_ONLY=1: write the valid households even if some rows are rejected (the generator makes
# a few households with two members of the same name and birth date: 3 in 614,257).
VALID_ROWS_ONLY = os.environ.get("IMPORT_VALID_ROWS_ONLY") == "1"
PROVINCE = 75  # Đồng Nai
SEED = 1
FILE_FORMAT = 1  # bump when the generated file changes, so that cached files are not reused
PROVINCE_HOUSEHOLDS = 1_200_000
GOAL_RATIO = 20
GOAL_RSS_MB = 1024
GOAL_EXPORT_S = 180
NO_ID_UNDER = 14  # children under 14 have no CCCD in the file
NO_ID_ADULTS = 0.12  # and a share of the others (not recorded by the commune)
NAIVE_PREFIX = "N"
# Naive copies get another place of birth registration (shifted by half of 001–096: 070 -> 022, 075 -> 027):
# one-to-one, and no clash with the file's IDs (Đồng Nai's people are registered in 070 or 075).
NAIVE_ID_SHIFT = 48

CHILD = "GIAMNGHEO_BENCH_IMPORT_STEP"
RESULT = "GIAMNGHEO_BENCH_IMPORT_RESULT"


# --- Database (as bench/_django.py, but under var/bench/ and set up once for all the steps) ----------------


def django_setup(*, fresh: bool = False, url: str | None = None) -> None:
    """Django on the bench database: ``fresh`` deletes the SQLite file first and migrates (the first step);
    the other steps use the database as it is. ``url``: another database (the export of an existing one)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if url:
        os.environ["DATABASE_URL"] = url
    elif "BENCH_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def admin_user() -> Any:
    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role

    user = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create(username="bench.admin", full_name="Bench admin", role=Role.SYSTEM_ADMIN)
    return user


def province_area() -> Any:
    from giamngheo.geo.models import Area

    return Area.objects.get(code=str(PROVINCE))


# --- Steps (each in a process of its own) -------------------------------------------------------------------


def step_prepare() -> dict[str, Any]:
    """A fresh database: migrated, Đồng Nai loaded (``geo_load``), its demo villages and accounts."""
    created = False
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        created = ensure_postgres_database(url)
    django_setup(fresh=True)
    from django.core.management import call_command
    from django.db import connection

    from giamngheo.demo.seed import seed_demo
    from giamngheo.geo.models import Area, AreaLevel
    from giamngheo.households.models import Household

    if url and (Household.objects.exists() or Area.objects.exists()):
        name = connection.settings_dict["NAME"]
        if not created and "import" not in name and os.environ.get("BENCH_IMPORT_FLUSH") != "1":
            raise SystemExit(
                f"   database {name} already holds data and is not an import bench database: "
                "not emptied (BENCH_IMPORT_FLUSH=1 to empty it anyway)"
            )
        call_command("flush", interactive=False, verbosity=0)
        print(f"   emptied the bench database {name}", flush=True)
    started = time.perf_counter()
    call_command("geo_load", province=PROVINCE, verbosity=0, stdout=io.StringIO())
    seed_demo(province_code=PROVINCE, seed=SEED)  # villages, org units, accounts (no households)
    province = province_area()
    admin = admin_user()
    communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True).count()
    villages = Area.objects.filter(parent__parent=province, level=AreaLevel.VILLAGE, is_active=True).count()
    print(
        f"   database {connection.vendor}: {province.name}, {communes} communes, {villages} villages, "
        f"admin {admin.username!r} ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    return {"vendor": connection.vendor, "communes": communes, "villages": villages}


def _villages_fingerprint(slots: list[Any]) -> str:
    text = "\n".join(f"{s.commune_code}|{s.commune_name}|{s.village_name}" for s in slots)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def file_path(households: int) -> Path:
    return BENCH_DIR / f"import-{households}.{FORMAT}"


def step_generate() -> dict[str, Any]:
    """The .xlsx of HOUSEHOLDS households (reused from var/bench/ when it was made for the same villages)."""
    django_setup()
    from giamngheo.demo.households import village_slots

    slots = village_slots(province_area())
    path = file_path(HOUSEHOLDS)
    meta_path = path.with_suffix(".json")
    fingerprint = _villages_fingerprint(slots)
    if path.exists() and meta_path.exists():
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("villages") == fingerprint and meta.get("format") == FILE_FORMAT:
            meta["cached"] = True
            print(
                f"   reusing {path.relative_to(ROOT)} ({meta['households']:,} households, "
                f"{meta['rows']:,} rows, {path.stat().st_size / 1024**2:,.1f} MB; generated in "
                f"{meta['seconds']:.1f} s)",
                flush=True,
            )
            return meta
    started = time.perf_counter()
    meta = write_file(path, slots)
    meta.update(seconds=time.perf_counter() - started, villages=fingerprint, format=FILE_FORMAT, cached=False)
    meta["bytes"] = path.stat().st_size
    meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    print(
        f"   generated {path.relative_to(ROOT)}: {meta['households']:,} households, {meta['members']:,} "
        f"members ({meta['rows']:,} rows; {meta['with_id']:.0%} with a national ID, "
        f"{meta['communes']} communes; {meta['one_head']:,} households with exactly one head) in "
        f"{meta['seconds']:.1f} s, {meta['bytes'] / 1024**2:,.1f} MB",
        flush=True,
    )
    return meta


def write_file(path: Path, slots: list[Any]) -> dict[str, Any]:
    """Households of the demo generator, in the template's layout, written row by row: .xlsx (write-only
    workbook) or, for a file named .csv, UTF-8 CSV streamed to disk (nothing of the file kept in memory)."""
    counts: dict[str, int] = {}
    communes: set[str] = set()
    tmp = path.with_suffix(".tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)  # var/bench/ (a PostgreSQL bench has no SQLite file there)
    if path.suffix == ".csv":
        import csv

        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for row in template_rows(slots, counts, communes):
                writer.writerow(
                    ["" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in row]
                )
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        from giamngheo.dataio.template import TEMPLATE_SHEET

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(TEMPLATE_SHEET)
        bold = Font(bold=True)
        rows = template_rows(slots, counts, communes)
        header = []
        for value in next(rows):
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(tmp)
    tmp.replace(path)
    return {
        **counts,
        "with_id": counts["with_id"] / max(counts["members"], 1),
        "communes": len(communes),
    }


def template_rows(slots: list[Any], counts: dict[str, int], communes: set[str]) -> Any:
    """The header, then one row per member (household columns on the head's row), generated one household
    at a time; ``counts`` and ``communes`` are filled as the rows go."""
    from giamngheo.dataio.fields import (
        CATEGORY_IMPORT_VI,
        EDUCATION_VI,
        EMPLOYMENT_VI,
        RELATIONSHIP_VI,
        SEX_VI,
        TEMPLATE_FIELDS,
    )
    from giamngheo.demo.households import generate_households
    from giamngheo.households.exports import DEVICE_VI, LATRINE_VI, WASTE_VI, WATER_VI
    from giamngheo.households.reference import ethnic_group_name, national_id_problem

    yes_no = {True: "Có", False: "Không", None: None}
    labels = {
        "sex": {str(k): v for k, v in SEX_VI.items()},
        "relationship": {str(k): v for k, v in RELATIONSHIP_VI.items()},
        "education": {str(k): v for k, v in EDUCATION_VI.items()},
        "employment": {str(k): v for k, v in EMPLOYMENT_VI.items()},
        "category": {str(k): v for k, v in CATEGORY_IMPORT_VI.items()},
        "water_source": {str(k): v for k, v in WATER_VI.items()},
        "latrine": {str(k): v for k, v in LATRINE_VI.items()},
        "waste_handling": {str(k): v for k, v in WASTE_VI.items()},
    }
    devices_vi = {str(k): v for k, v in DEVICE_VI.items()}
    ethnic_names: dict[str, str] = {}
    keys = [f.key for f in TEMPLATE_FIELDS]
    at = {key: i for i, key in enumerate(keys)}
    width = len(keys)
    rng = random.Random(f"import-ids:{SEED}")
    reference_day = dt.date(2025, 10, 1)
    # National IDs already given: 12 digits as an integer (a set of 4 million strings would cost ~400 MB).
    seen_ids: set[int] = set()
    counts.update(households=0, members=0, rows=0, with_id=0, dropped_ids=0, one_head=0)

    def label(key: str, code: str | None) -> str | None:
        return labels[key][code] if code else None

    def ethnic(code: str) -> str:
        if code not in ethnic_names:
            ethnic_names[code] = ethnic_group_name(code)
        return ethnic_names[code]

    yield [f.header for f in TEMPLATE_FIELDS]
    generated = generate_households(slots, count=HOUSEHOLDS, seed=SEED, province_code=PROVINCE)
    for g in generated:
        communes.add(g.slot.commune_code)
        for index, m in enumerate(g.members):
            row: list[Any] = [None] * width
            row[at["commune"]] = g.slot.commune_name
            row[at["code"]] = g.code
            if index == 0:  # the household's columns on the head's row
                row[at["village"]] = g.slot.village_name
                row[at["address"]] = g.address or None
                row[at["phone"]] = g.phone or None
                row[at["income_per_capita"]] = g.income_per_capita
                row[at["walls_durable"]] = yes_no[g.walls_durable]
                row[at["columns_durable"]] = yes_no[g.columns_durable]
                row[at["roof_durable"]] = yes_no[g.roof_durable]
                area = g.floor_area_m2
                row[at["floor_area_m2"]] = int(area) if area == area.to_integral_value() else float(area)
                row[at["water_source"]] = label("water_source", g.water_source)
                row[at["latrine"]] = label("latrine", g.latrine)
                row[at["devices"]] = ", ".join(devices_vi[d] for d in g.devices) or None
                row[at["waste_handling"]] = label("waste_handling", g.waste_handling)
                row[at["no_working_capacity"]] = yes_no[g.no_working_capacity]
                row[at["category"]] = label("category", g.category)
                row[at["category_since"]] = g.category_since
            national_id = m.national_id
            age = reference_day.year - m.date_of_birth.year
            if national_id and (age < NO_ID_UNDER or rng.random() < NO_ID_ADULTS):
                national_id = None
            if national_id and (
                int(national_id) in seen_ids
                or national_id_problem(national_id, date_of_birth=m.date_of_birth, sex=m.sex)
            ):
                counts["dropped_ids"] += 1
                national_id = None
            if national_id:
                seen_ids.add(int(national_id))
                counts["with_id"] += 1
            row[at["full_name"]] = m.full_name
            row[at["sex"]] = label("sex", m.sex)
            row[at["date_of_birth"]] = m.date_of_birth
            row[at["relationship"]] = label("relationship", m.relationship)
            row[at["national_id"]] = national_id
            row[at["ethnic_group"]] = ethnic(m.ethnic_group)
            row[at["has_health_insurance"]] = yes_no[m.has_health_insurance]
            row[at["in_education"]] = yes_no[m.in_education]
            row[at["attending_appropriate_level"]] = yes_no[m.attending_appropriate_level]
            row[at["education"]] = label("education", m.education)
            row[at["employment"]] = label("employment", m.employment)
            row[at["disabled"]] = yes_no[m.disabled]
            row[at["monthly_social_allowance"]] = yes_no[m.monthly_social_allowance]
            row[at["stunted"]] = yes_no[m.stunted]
            row[at["underweight"]] = yes_no[m.underweight]
            row[at["uses_internet"]] = yes_no[m.uses_internet]
            yield row
            counts["rows"] += 1
        counts["households"] += 1
        counts["members"] += len(g.members)
        counts["one_head"] += sum(m.relationship == "head" for m in g.members) == 1


class StageClock:
    """The engine's progress callback: when each stage starts (read and check, write, classify)."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.stages or self.stages[-1][0] != stage:
            self.stages.append((stage, time.perf_counter()))

    def spans(self, started: float, ended: float) -> list[tuple[str, float]]:
        """(stage, seconds): the first stage from ``started`` (its first report comes after 5,000 rows)."""
        marks = [*self.stages, ("", ended)]
        if marks[0][0]:
            marks[0] = (marks[0][0], started)
        return [(marks[i][0], marks[i + 1][1] - marks[i][1]) for i in range(len(marks) - 1)]


def profiled() -> Any:
    """A running profiler (IMPORT_PROFILE=1), or None."""
    if not PROFILE:
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def print_profile(profiler: Any, what: str) -> None:
    import pstats

    profiler.disable()
    order = os.environ.get("IMPORT_PROFILE_SORT", "cumulative")  # or "tottime"
    print(f"   profile of {what} (25 entries of largest {order}):", flush=True)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(25)


PLANS = BENCH_DIR / "import-plans.jsonl"  # staged plans: JSON lines (never pickle)


def step_reset() -> dict[str, Any]:
    """Empty the registry (households, members, their history, the coverage kept from them; on PostgreSQL
    TRUNCATE, which also empties the bench database's tables that refer to households) for an import
    from scratch."""
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no dead rows left behind for the next import to wade through
            cursor.execute(
                "TRUNCATE households_historicalmember, households_member, households_historicalhousehold, "
                "households_household, policies_entitlement, policies_coveragesummary, "
                "policies_supportrecord CASCADE"
            )
            return {}
        for table in (
            "policies_entitlement",
            "policies_coveragesummary",
            "policies_supportrecord",
            "households_historicalmember",
            "households_member",
            "households_historicalhousehold",
            "households_household",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own bench database
    return {}


def step_import_checked() -> dict[str, Any]:
    """The import as the app runs it after a clean check: the check's plans, verified and written (the
    file is not read again)."""
    django_setup()
    from giamngheo.dataio.fields import propose_mapping
    from giamngheo.dataio.imports import ImportOptions, household_import
    from giamngheo.dataio.reading import Table

    admin = admin_user()
    clock = StageClock()
    started = time.perf_counter()
    headers = json.loads((BENCH_DIR / "import-headers.json").read_text(encoding="utf-8"))
    table = Table(sheet="", header_row=1, headers=headers, rows=iter(()))
    options = ImportOptions(mapping=propose_mapping(headers), valid_rows_only=VALID_ROWS_ONLY)
    profiler = profiled()
    outcome = household_import(
        table=table, options=options, acting_user=admin, progress=clock, checked_plans=PLANS
    )
    seconds = time.perf_counter() - started
    if profiler is not None:
        print_profile(
            profiler, "the import after its check (this process; IMPORT_WRITERS=1 to see the writing)"
        )
    summary = outcome.summary()
    summary.pop("new_villages", None)
    return {
        "seconds": seconds,
        "summary": summary,
        "stages": clock.spans(started, started + seconds),
        "errors": [str(e) for e in outcome.errors[:10]],
    }


def step_import(*, dry_run: bool, profile: bool = False) -> dict[str, Any]:
    django_setup()
    from giamngheo.dataio.fields import propose_mapping
    from giamngheo.dataio.imports import ImportOptions, household_import
    from giamngheo.dataio.reading import open_table

    path = file_path(HOUSEHOLDS)
    admin = admin_user()
    clock = StageClock()
    profiler = profiled() if profile else None
    if TRACEMALLOC:
        import tracemalloc

        tracemalloc.start(1)
    # Timed as the import job runs: opening the file (calamine reads the sheet) and the import.
    started = time.perf_counter()
    table = open_table(path)
    opened = time.perf_counter()
    options = ImportOptions(
        mapping=propose_mapping(table.headers), dry_run=dry_run, valid_rows_only=VALID_ROWS_ONLY
    )
    if dry_run:
        (BENCH_DIR / "import-headers.json").write_text(json.dumps(table.headers), encoding="utf-8")
    outcome = household_import(
        table=table, options=options, acting_user=admin, progress=clock, keep_plans=PLANS if dry_run else None
    )
    seconds = time.perf_counter() - started
    if profiler is not None:
        print_profile(profiler, "the import")
    if TRACEMALLOC:
        snapshot = tracemalloc.take_snapshot()
        _current, peak = tracemalloc.get_traced_memory()
        print(f"   tracemalloc: traced peak {peak / 1024**2:,.0f} MB; live at the end, by line:", flush=True)
        for stat in snapshot.statistics("lineno")[:12]:
            print(
                f"      {stat.size / 1024**2:8.1f} MB {stat.count:>10,} blocks {stat.traceback}", flush=True
            )
        tracemalloc.stop()
    summary = outcome.summary()
    summary.pop("new_villages", None)
    result = {
        "seconds": seconds,
        "summary": summary,
        "stages": [("open_table", opened - started), *clock.spans(opened, started + seconds)],
        "errors": [str(e) for e in outcome.errors[:10]],
    }
    return result


def step_naive() -> dict[str, Any]:
    """The first NAIVE_ROWS rows, one service call per household and per member (new codes and IDs)."""
    django_setup()
    from django.db import connection

    from giamngheo.core.text import fold
    from giamngheo.dataio.fields import propose_mapping
    from giamngheo.dataio.imports import group_rows, parse_rows
    from giamngheo.dataio.reading import open_table
    from giamngheo.geo.models import Area, AreaLevel
    from giamngheo.households.services import HOUSEHOLD_FIELDS, household_create, member_create

    admin = admin_user()
    province = province_area()
    # Not timed: opening the file of the whole province (calamine reads the whole sheet) to take its first
    # rows is no cost of a naive import of a file of that size.
    table = open_table(file_path(HOUSEHOLDS))
    started = time.perf_counter()
    rows = itertools.islice(parse_rows(table, propose_mapping(table.headers)), NAIVE_ROWS)
    communes = {  # by name as written (two names may fold alike: Lộc Thành, Lộc Thạnh)
        c.name: c for c in Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
    }
    villages: dict[tuple[int, str], Area] = {}
    households = members = read = 0
    for group in group_rows(rows):
        read += len(group.rows)
        commune = communes[group.commune]
        if (commune.pk, "") not in villages:
            villages[(commune.pk, "")] = commune
            for village in Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE, is_active=True):
                villages[(commune.pk, fold(village.name))] = village
        first = group.rows[0]
        values = dict(first.household)
        head = next((r for r in group.rows if r.member and r.member.get("relationship") == "head"), first)
        data = {k: v for k, v in values.items() if k in HOUSEHOLD_FIELDS}
        data.update(
            code=NAIVE_PREFIX + group.code,
            village=villages[(commune.pk, fold(str(values["village"])))],
            head_name=(head.member or {}).get("full_name", ""),
            ethnic_group=head.ethnic_group or "01",
        )
        household = household_create(commune=commune, data=data, acting_user=admin)
        households += 1
        for row in group.rows:
            if not row.member:
                continue
            member = dict(row.member)
            if row.ethnic_group:
                member["ethnic_group"] = row.ethnic_group
            if member.get("national_id"):
                place = (int(member["national_id"][:3]) + NAIVE_ID_SHIFT - 1) % 96 + 1
                member["national_id"] = f"{place:03d}{member['national_id'][3:]}"
            member_create(household=household, data=member, acting_user=admin)
            members += 1
    seconds = time.perf_counter() - started
    return {
        "vendor": connection.vendor,
        "rows": read,
        "households": households,
        "members": members,
        "seconds": seconds,
    }


class Counted:
    def __init__(self, rows: Any) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Any:
        for row in self.rows:
            self.count += 1
            yield row


def step_export() -> dict[str, Any]:
    """Every active household to .xlsx, as the export job writes it (read only)."""
    django_setup(url=EXPORT_DB_URL or None)
    from django.db import connection, transaction

    from giamngheo.accounts.models import User
    from giamngheo.accounts.roles import Role
    from giamngheo.households import exports
    from giamngheo.households.models import Household

    with transaction.atomic():
        with connection.cursor() as cursor:  # nothing is written, whatever the database
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION READ ONLY")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = 1")
        admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        if admin is None:  # an unsaved administrator: the export only reads the role
            admin = User(username="bench.admin", role=Role.SYSTEM_ADMIN)
        households = (
            Household.objects.filter(is_active=True)
            .select_related("commune", "village")
            .order_by("commune_id", "code")
        )
        profiler = profiled()
        started = time.perf_counter()
        counted = Counted(exports.household_rows(households, user=admin, indicator_names={}))
        out = exports.write_xlsx(counted)
        seconds = time.perf_counter() - started
        if profiler is not None:
            print_profile(profiler, "the export")
        size = out.seek(0, os.SEEK_END)
        out.close()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = 0")
    where = connection.settings_dict["NAME"]
    return {
        "rows": counted.count,
        "seconds": seconds,
        "bytes": size,
        "vendor": connection.vendor,
        "db": str(where),
    }


STEPS = {
    "prepare": step_prepare,
    "generate": step_generate,
    "dry_run": lambda: step_import(dry_run=True),
    "import_checked": step_import_checked,
    "reset": step_reset,
    "import": lambda: step_import(dry_run=False, profile=True),
    "reimport": lambda: step_import(dry_run=False),
    "naive": step_naive,
    "export": step_export,
}


def child_main(step: str) -> None:
    result = STEPS[step]()
    result["peak_mb"] = peak_rss_mb()
    Path(os.environ[RESULT]).write_text(json.dumps(result, default=str), encoding="utf-8")


# --- The parent: runs each step in a child process and prints the numbers ----------------------------------


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all processes, /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_step(step: str) -> tuple[dict[str, Any], float]:
    """Run ``step`` in a child process; its result and its peak RSS in MB (``ru_maxrss`` of that child).
    Prints the CPU the step used: its own processes' (wait4: the child and the processes it forked and
    waited for) and the rest of the machine's (on this machine, the database server)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    try:
        env = {**os.environ, CHILD: step, RESULT: str(result_path)}
        command = [sys.executable, str(Path(__file__).resolve())]
        busy = _busy_seconds()
        process = subprocess.Popen(command, env=env)  # noqa: S603 - this very script
        # wait4: the resource usage of this child alone (RUSAGE_CHILDREN is the maximum over all children).
        _pid, status, usage = os.wait4(process.pid, 0)
        ours = usage.ru_utime + usage.ru_stime
        elsewhere = _busy_seconds() - busy - ours
        print(
            f"   {step}: CPU {ours:,.1f} s in its processes, {elsewhere:,.1f} s elsewhere "
            "(the database server and anything else running)",
            flush=True,
        )
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"   step {step} failed (exit code {process.returncode})")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    # The child's own peak (``peak_rss_mb``: wait4's ru_maxrss would include this parent's size).
    return result, float(result.get("peak_mb") or usage.ru_maxrss / 1024)


def print_outcome(label: str, result: dict[str, Any], rss: float) -> None:
    s = result["summary"]
    seconds = result["seconds"]
    print(
        f"   {label}: {seconds:.1f} s, {s['rows'] / seconds:,.0f} rows/s, {s['households'] / seconds:,.0f} "
        f"households/s; households created {s['households_created']:,}, updated {s['households_updated']:,}, "
        f"unchanged {s['households_unchanged']:,}, rejected {s['households_rejected']:,}; members created "
        f"{s['members_created']:,}, updated {s['members_updated']:,}, unchanged {s['members_unchanged']:,}; "
        f"errors {s['errors']:,}; peak RSS {rss:,.0f} MB",
        flush=True,
    )
    stages = "; ".join(f"{name} {span:.1f} s" for name, span in result["stages"])
    print(f"      stages: {stages}", flush=True)
    if s.get("classified"):
        print(f"      classified: {s['classified']}", flush=True)
    if s["errors"]:
        print(f"      first errors ({s['errors']:,} in all):", flush=True)
        for message in result["errors"]:
            print(f"         {message}", flush=True)


def main() -> None:
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{SQLITE.relative_to(ROOT)}"
    print(
        f"   {HOUSEHOLDS:,} households; database {urlsplit(database)._replace(netloc='').geturl()}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        + (
            "; IMPORT_PROFILE=1: the import and the export are timed under cProfile (slower)"
            if PROFILE
            else ""
        ),
        flush=True,
    )
    table: list[tuple[str, str, str, str]] = []  # step, time, rate, peak RSS
    if STEPS_WANTED:
        run_steps(STEPS_WANTED, table)
        print_table(table)
        return

    _prepared, rss = run_step("prepare")
    table.append(("prepare (migrate, geo_load, villages)", "", "", f"{rss:,.0f}"))
    generated, rss = run_step("generate")
    table.append(
        (
            f"generate .xlsx ({generated['rows']:,} rows, {generated['bytes'] / 1024**2:,.0f} MB"
            + (", cached)" if generated["cached"] else ")"),
            f"{generated['seconds']:.1f}",
            f"{generated['rows'] / generated['seconds']:,.0f} rows/s",
            f"{rss:,.0f}" if not generated["cached"] else "",
        )
    )

    dry, rss = run_step("dry_run")
    print_outcome("dry run", dry, rss)
    table.append(
        (
            "dry run",
            f"{dry['seconds']:.1f}",
            f"{dry['summary']['rows'] / dry['seconds']:,.0f} rows/s",
            f"{rss:,.0f}",
        )
    )
    if dry["summary"]["errors"]:
        print("   the file has errors: fix the generator (nothing imported)", flush=True)
        print_table(table)
        return

    checked, rss = run_step("import_checked")
    print_outcome("import after its check", checked, rss)
    checked_rate = checked["summary"]["rows"] / checked["seconds"]
    table.append(
        (
            "import after its check (as the app does)",
            f"{checked['seconds']:.1f}",
            f"{checked['summary']['households'] / checked['seconds']:,.0f} households/s, "
            f"{checked_rate:,.0f} rows/s",
            f"{rss:,.0f}",
        )
    )

    again, rss = run_step("reimport")
    print_outcome("import again", again, rss)
    s = again["summary"]
    idempotent = (
        s["households_created"] + s["households_updated"] + s["members_created"] + s["members_updated"]
    )
    table.append(
        (
            "import again" + (" (nothing changed)" if idempotent == 0 else f" ({idempotent:,} CHANGES)"),
            f"{again['seconds']:.1f}",
            f"{s['rows'] / again['seconds']:,.0f} rows/s",
            f"{rss:,.0f}",
        )
    )

    run_step("reset")
    done, rss = run_step("import")
    print_outcome("import from scratch", done, rss)
    fast_rate = done["summary"]["rows"] / done["seconds"]
    table.append(
        (
            "import from scratch, no check first" + (" (under cProfile: slower)" if PROFILE else ""),
            f"{done['seconds']:.1f}",
            f"{done['summary']['households'] / done['seconds']:,.0f} households/s, {fast_rate:,.0f} rows/s",
            f"{rss:,.0f}",
        )
    )

    naive, rss = run_step("naive")
    naive_rate = naive["rows"] / naive["seconds"]
    ratio = fast_rate / naive_rate
    print(
        f"   naive per-record import: {naive['rows']:,} rows ({naive['households']:,} households) in "
        f"{naive['seconds']:.1f} s, {naive_rate:,.0f} rows/s; import / naive = {ratio:,.1f}× "
        f"(goal ≥ {GOAL_RATIO}×); peak RSS {rss:,.0f} MB",
        flush=True,
    )
    table.append(
        ("naive per-record import", f"{naive['seconds']:.1f}", f"{naive_rate:,.0f} rows/s", f"{rss:,.0f}")
    )
    table.append(
        (
            "import from scratch / naive (rows/s)",
            "",
            f"{ratio:,.1f}×" + ("" if ratio >= GOAL_RATIO else " < goal"),
            "",
        )
    )
    checked_ratio = checked_rate / naive_rate
    table.append(
        (
            "import after its check / naive (rows/s)",
            "",
            f"{checked_ratio:,.1f}×" + ("" if checked_ratio >= GOAL_RATIO else " < goal"),
            "",
        )
    )

    exported, rss = run_step("export")
    rows = exported["rows"]
    projected = exported["seconds"] * PROVINCE_HOUSEHOLDS / max(rows, 1)
    print(
        f"   export to .xlsx ({exported['vendor']} {exported['db']}): {rows:,} households in "
        f"{exported['seconds']:.1f} s, {rows / exported['seconds']:,.0f} rows/s, "
        f"{exported['bytes'] / 1024**2:,.1f} MB; peak RSS {rss:,.0f} MB",
        flush=True,
    )
    table.append(
        (
            f"export .xlsx ({rows:,} households)" + (" (cProfile)" if PROFILE else ""),
            f"{exported['seconds']:.1f}",
            f"{rows / exported['seconds']:,.0f} rows/s",
            f"{rss:,.0f}",
        )
    )
    if rows < PROVINCE_HOUSEHOLDS:
        flag = "" if projected <= GOAL_EXPORT_S else f" > {GOAL_EXPORT_S} s"
        print(
            f"   export of {PROVINCE_HOUSEHOLDS:,} households, extrapolated: {projected:.0f} s{flag}",
            flush=True,
        )
        table.append((f"export, {PROVINCE_HOUSEHOLDS:,} (extrapolated)", f"{projected:.0f}", "", ""))
    print_table(table)


def run_steps(steps: list[str], table: list[tuple[str, str, str, str]]) -> None:
    """Only the steps named in IMPORT_STEPS, in that order (a province's file: prepare, generate, import)."""
    for step in steps:
        load = os.getloadavg()[0]
        result, rss = run_step(step)
        if "summary" in result:
            print_outcome(f"{step} (load average before {load:.1f})", result, rss)
            rows = result["summary"]["rows"]
            table.append(
                (step, f"{result['seconds']:.1f}", f"{rows / result['seconds']:,.0f} rows/s", f"{rss:,.0f}")
            )
        elif step == "generate":
            rate = f"{result['rows'] / result['seconds']:,.0f} rows/s"
            table.append(
                (f"generate ({result['rows']:,} rows)", f"{result['seconds']:.1f}", rate, f"{rss:,.0f}")
            )
        else:
            table.append((step, "", "", f"{rss:,.0f}"))


def print_table(table: list[tuple[str, str, str, str]]) -> None:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"   load average now {os.getloadavg()[0]:.1f} (other processes share the CPUs); peak RSS per step "
        f"from wait4, largest of all children (RUSAGE_CHILDREN) {children:,.0f} MB",
        flush=True,
    )
    print(f"   {'step':<52} {'seconds':>8}  {'rate':<38} {'peak RSS MB':>11}", flush=True)
    for step, seconds, rate, rss in table:
        flag = "  > 1 GB" if rss and float(rss.replace(",", "")) > GOAL_RSS_MB else ""
        print(f"   {step:<52} {seconds:>8}  {rate:<38} {rss:>11}{flag}", flush=True)


if __name__ == "__main__":
    if os.environ.get(CHILD):
        child_main(os.environ[CHILD])
    else:  # each step in a process of its own (and bench/run.py runs every script in one process)
        main()
