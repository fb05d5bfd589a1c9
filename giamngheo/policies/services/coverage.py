"""Writes of the coverage tables: the entitlement table (who is entitled to what, by year) and its
summaries per commune, kept from the registry and the support records."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from giamngheo.core.bulk import chunks, write_rows
from giamngheo.households.models import Household
from giamngheo.households.reclassify import in_processes

from .. import coverage as coverage_rules
from ..adapters import escaped_q, households_facts
from ..eligibility import evaluate, may_apply
from ..models import (
    CoverageSummary,
    Entitlement,
    Policy,
    SupportRecord,
)
from ..selectors import policies_in_force

# --- Coverage: the entitlement table and its summaries -------------------------------------------------


def _covered(
    policies: list[Policy], household_ids: list[int], year: int
) -> dict[int, set[tuple[int, int | None]]]:
    """policy id -> {(household, member)} covered in ``year`` by support records."""
    by_id = {p.pk: p for p in policies}
    covered: dict[int, set[tuple[int, int | None]]] = {p.pk: set() for p in policies}
    for chunk in chunks(household_ids):
        for policy_id, household_id, member_id, on in SupportRecord.objects.filter(
            household_id__in=chunk,
            policy_id__in=list(by_id),
            cancelled_at=None,
            date__lte=dt.date(year, 12, 31),
        ).values_list("policy_id", "household_id", "member_id", "date"):
            p = by_id[policy_id]
            if coverage_rules.covers(p.frequency, year, p.valid_from, p.valid_to, on):
                covered[policy_id].add((household_id, member_id))
    return covered


def _entitlement_rows(household_ids: list[int], year: int, policies: list[Policy]) -> list[tuple[Any, ...]]:
    """Rows (year, policy, household, member, commune, village, eligible, covered) of the beneficiaries
    among ``household_ids`` who are eligible for or covered by a policy in ``year``."""
    today = timezone.localdate()
    # Each policy is judged on its own reference date (ages included): load the facts once per date.
    on_of = {p.pk: coverage_rules.reference_date(year, today, p.valid_from, p.valid_to) for p in policies}
    facts_on = {on: households_facts(household_ids, on=on) for on in sorted(set(on_of.values()))}
    covered = _covered(policies, sorted({pk for facts in facts_on.values() for pk in facts}), year)
    rows: list[tuple[Any, ...]] = []
    for policy in policies:
        rule = policy.eligibility
        on = on_of[policy.pk]
        got = covered[policy.pk]
        supported = {household for household, _member in got}
        for h in facts_on[on].values():
            if h.id not in supported and not may_apply(rule, h.facts):
                continue
            result = evaluate(rule, h.facts, on)
            if rule.level == "household":
                is_covered = (h.id, None) in got
                if result.eligible or is_covered:
                    rows.append(
                        (year, policy.pk, h.id, None, h.commune_id, h.village_id, result.eligible, is_covered)
                    )
                continue
            for member_id, (ok, _reasons) in zip(h.member_ids, result.members, strict=True):
                is_covered = (h.id, member_id) in got
                if ok or is_covered:
                    rows.append(
                        (year, policy.pk, h.id, member_id, h.commune_id, h.village_id, ok, is_covered)
                    )
    return rows


ENTITLEMENT_COLUMNS = (
    "year",
    "policy_id",
    "household_id",
    "member_id",
    "commune_id",
    "village_id",
    "eligible",
    "covered",
)


def coverage_summarise(*, year: int, commune_ids: Collection[int]) -> None:
    """Recount the coverage summaries of ``commune_ids`` for ``year`` from the entitlement table."""
    ids = sorted(set(commune_ids))
    for chunk in chunks(ids):
        CoverageSummary.objects.filter(year=year, commune_id__in=chunk).delete()
        counts = (
            Entitlement.objects.filter(year=year, commune_id__in=chunk)
            .values("policy_id", "commune_id", "village_id")
            .annotate(
                eligible_households=Count("household_id", distinct=True, filter=Q(eligible=True)),
                uncovered_households=Count(
                    "household_id", distinct=True, filter=Q(eligible=True, covered=False)
                ),
                eligible_units=Count("pk", filter=Q(eligible=True)),
                covered_units=Count("pk", filter=Q(eligible=True, covered=True)),
                outside_units=Count("pk", filter=Q(eligible=False, covered=True)),
            )
            .order_by()
        )
        CoverageSummary.objects.bulk_create(
            [
                CoverageSummary(
                    year=year,
                    policy_id=c["policy_id"],
                    commune_id=c["commune_id"],
                    village_id=c["village_id"],
                    eligible_households=c["eligible_households"],
                    covered_households=c["eligible_households"] - c["uncovered_households"],
                    eligible_units=c["eligible_units"],
                    covered_units=c["covered_units"],
                    outside_units=c["outside_units"],
                )
                for c in counts
            ],
            batch_size=500,
        )


COVERAGE_LOCK = 0x6776  # namespace of the advisory locks taken per commune ("gv")


def _lock_communes(commune_ids: Collection[int]) -> None:
    """Serialise the recounts of a commune until the transaction ends: two officers recording at once
    would otherwise both delete and re-insert the same rows (duplicates, or a unique-key error on the
    summaries). PostgreSQL: transaction-scoped advisory locks, in a fixed order (no deadlock); SQLite
    serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for commune_id in sorted(set(commune_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COVERAGE_LOCK, commune_id])


@transaction.atomic
def entitlements_refresh(*, household_ids: Collection[int], years: Collection[int] | None = None) -> None:
    """Recompute the entitlements of some households (after a change to them or to their support) and the
    summaries of their communes. The current year unless ``years`` says otherwise."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    home: set[int] = set()
    for chunk in chunks(ids):
        home.update(Household.objects.filter(pk__in=chunk).values_list("commune_id", flat=True))
    _lock_communes(home)
    for year in sorted(set(years or [timezone.localdate().year])):
        policies = policies_in_force(year=year)
        existing: dict[tuple[Any, ...], int] = {}
        for chunk in chunks(ids):
            existing.update(_existing(Entitlement.objects.filter(year=year, household_id__in=chunk)))
        rows = _entitlement_rows(ids, year, policies)
        if _store(existing, rows):
            communes = {key[4] for key in existing} | {row[4] for row in rows}
            coverage_summarise(year=year, commune_ids=communes)


def _rule_categories(policies: list[Policy]) -> tuple[set[str], set[str]]:
    """The categories the rules name (now) and the categories whose recent leavers they name."""
    categories: set[str] = set()
    escaped: set[str] = set()
    for p in policies:
        condition = p.eligibility.category
        if condition is not None:
            categories |= condition.categories
            escaped |= condition.escaped
    return categories, escaped


def _escaped_by_commune(policies: list[Policy]) -> dict[int, set[int]]:
    """commune id -> households that left a category some rule names (once for a whole rebuild)."""
    _categories, escaped = _rule_categories(policies)
    out: dict[int, set[int]] = {}
    if escaped:
        for household_id, commune_id in Household.objects.filter(
            escaped_q(escaped), is_active=True
        ).values_list("pk", "commune_id"):
            out.setdefault(commune_id, set()).add(household_id)
    return out


def _candidates(commune_id: int, year: int, policies: list[Policy], escaped: set[int]) -> list[int]:
    """Households of a commune that may be eligible for one of ``policies`` (in a category a rule names,
    or among ``escaped``) or were supported in ``year``."""
    categories, _escaped = _rule_categories(policies)
    ids = set(escaped)
    ids.update(
        Household.objects.filter(
            commune_id=commune_id, is_active=True, category__in=sorted(categories)
        ).values_list("pk", flat=True)
    )
    ids.update(
        SupportRecord.objects.filter(
            commune_id=commune_id, cancelled_at=None, date__lte=dt.date(year, 12, 31)
        ).values_list("household_id", flat=True)
    )
    return sorted(ids)


def _existing(rows: QuerySet[Entitlement]) -> dict[tuple[Any, ...], int]:
    """The stored entitlement rows as (the columns written) -> primary key."""
    return {tuple(key): pk for pk, *key in rows.values_list("pk", *ENTITLEMENT_COLUMNS)}


def _store(existing: dict[tuple[Any, ...], int], rows: list[tuple[Any, ...]]) -> int:
    """Make the stored rows ``existing`` become ``rows``: delete those gone, insert those new (unchanged
    rows stay: no dead rows, no foreign-key checks for them). Returns the number of rows changed."""
    wanted = set(rows)
    gone = [pk for key, pk in existing.items() if key not in wanted]
    new = [row for row in wanted if row not in existing]
    for chunk in chunks(gone):
        Entitlement.objects.filter(pk__in=chunk).delete()
    write_rows(Entitlement, ENTITLEMENT_COLUMNS, new)
    return len(gone) + len(new)


def coverage_rebuild(*, year: int | None = None, commune_ids: Collection[int] | None = None) -> int:
    """Rebuild the entitlement table and the summaries of a year (default: the current one) for some
    communes (default: every commune with households), one transaction per commune. Only the rows that
    changed are deleted or inserted (a rebuild that changes nothing writes nothing). Returns the number of
    entitlement rows deleted or inserted."""
    year = year or timezone.localdate().year
    policies = policies_in_force(year=year)
    if commune_ids is None:
        commune_ids = Household.objects.order_by().values_list("commune_id", flat=True).distinct()
    communes = sorted(set(commune_ids))
    rebuild = _CommuneRebuild(year=year, policies=policies, escaped=_escaped_by_commune(policies))
    return sum(in_processes(rebuild, communes, rebuild_processes(len(communes)), writers=True))


def rebuild_processes(communes: int) -> int:
    """How many processes rebuild the coverage of ``communes`` communes at once: on PostgreSQL, outside a
    transaction (other connections would not see its rows) and from ``PARALLEL_FROM`` communes on, the
    machine's cores (at most 4); 1 otherwise. Each commune is a transaction of its own either way:
    a province's import rebuilds 95 communes after writing 1.2 million households (24 s in one process,
    11.5–14.9 s in two, on two cores)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or communes < PARALLEL_FROM:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


PARALLEL_FROM = 8  # communes


@dataclass(frozen=True)
class _CommuneRebuild:
    """The rebuild of one commune's entitlement rows and summaries, in a transaction of its own (run in
    this process or a forked one; ``in_processes``)."""

    year: int
    policies: list[Policy]
    escaped: dict[int, set[int]]

    def __call__(self, commune_id: int) -> int:
        with transaction.atomic():
            _lock_communes([commune_id])
            existing = _existing(Entitlement.objects.filter(year=self.year, commune_id=commune_id))
            escaped = self.escaped.get(commune_id, set())
            candidates = _candidates(commune_id, self.year, self.policies, escaped)
            rows = _entitlement_rows(candidates, self.year, self.policies)
            written = _store(existing, rows)
            coverage_summarise(year=self.year, commune_ids=[commune_id])
        return written


def on_households_changed(
    sender: Any, *, household_ids: Collection[int] = (), commune_ids: Collection[int] = (), **kwargs: Any
) -> None:
    """Receiver of ``core.signals.households_changed``: keep this year's coverage current."""
    if household_ids:
        entitlements_refresh(household_ids=household_ids)
    if commune_ids:
        coverage_rebuild(commune_ids=commune_ids)
