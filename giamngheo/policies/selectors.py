"""Reads of the policies app. The catalogue is reference data (no personal or area data, visible to every
user); coverage, gap lists, support records and spending are scoped to the user's area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.core.errors import NotFound
from giamngheo.core.text import vi_sort_key, vi_sorted
from giamngheo.geo.models import Area
from giamngheo.geo.priorities import priority_commune_q, priority_paths
from giamngheo.geo.selectors import communes_in_scope
from giamngheo.households.models import Household
from giamngheo.households.selectors import access_household_by_id

from . import coverage, eligibility
from .adapters import households_facts
from .eligibility import Result, Verdict, evaluate
from .models import (
    CoverageSummary,
    Entitlement,
    Policy,
    PolicyArea,
    RequestStatus,
    SupportRecord,
    SupportRequest,
)


def policy_list(
    *, user: User, area: str = "", q: str = "", include_inactive: bool = False
) -> QuerySet[Policy]:
    policies = Policy.objects.all()
    if not include_inactive:
        policies = policies.filter(is_active=True)
    if area:
        policies = policies.filter(area=area)
    if q:
        policies = policies.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(legal_basis__icontains=q))
    return policies


@dataclass(frozen=True)
class MemberVerdict:
    member_id: int
    name: str
    eligible: bool
    reasons: tuple[Verdict, ...]
    received_on: dt.date | None  # the latest support record covering this year


@dataclass(frozen=True)
class PolicyVerdict:
    policy: Policy
    result: Result
    members: list[MemberVerdict]  # member-level rules: every active member
    received_on: dt.date | None  # household-level: the latest support record covering this year
    may_request: bool = False  # a demand-driven policy the household would get once its request is recorded

    @property
    def received(self) -> bool:
        """Household-level: the household got it; member-level: every entitled member got it."""
        if self.policy.level == "member":
            entitled = [m for m in self.members if m.eligible]
            return bool(entitled) and all(m.received_on for m in entitled)
        return self.received_on is not None

    @property
    def received_members(self) -> list[MemberVerdict]:
        return [m for m in self.members if m.received_on]


def household_policies(
    *, user: User, household_id: int, on: dt.date
) -> tuple[Household, list[PolicyVerdict]]:
    """Every active policy in force on ``on``, whether the household (or which of its members) is entitled
    and why, and whether it received it in the policy's window for this year. Scoped through the registry's
    access check."""
    household = access_household_by_id(user=user, household_id=household_id)
    found = households_facts([household.pk], on=on).get(household.pk)
    facts = found.facts if found else eligibility.Household(category="")  # inactive: entitled to nothing
    member_ids = found.member_ids if found else ()
    names = dict(household.members.filter(pk__in=member_ids).values_list("pk", "full_name"))
    records: dict[tuple[int, int | None], list[dt.date]] = {}
    for policy_id, member_id, date in SupportRecord.objects.filter(
        household=household, cancelled_at=None, date__lte=on
    ).values_list("policy_id", "member_id", "date"):
        records.setdefault((policy_id, member_id), []).append(date)

    def received(policy: Policy, member_id: int | None) -> dt.date | None:
        dates = [
            d
            for d in records.get((policy.pk, member_id), ())
            if coverage.covers(policy.frequency, on.year, policy.valid_from, policy.valid_to, d)
        ]
        return max(dates) if dates else None

    verdicts = []
    in_force = Policy.objects.filter(is_active=True, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    for policy in in_force:
        rule = policy.eligibility
        result = evaluate(rule, facts, on)
        members = (
            [
                MemberVerdict(pk, names[pk], ok, reasons, received(policy, pk))
                for pk, (ok, reasons) in zip(member_ids, result.members, strict=True)
            ]
            if rule.level == "member"
            else []
        )
        may_request = (
            rule.needs_request
            and not result.eligible
            and evaluate(rule, eligibility.with_request(facts, policy.code), on).eligible
        )
        verdicts.append(PolicyVerdict(policy, result, members, received(policy, None), may_request))
    verdicts.sort(key=lambda v: (not v.result.eligible, not v.may_request, v.policy.area, v.policy.code))
    return household, verdicts


def access_policy_by_code(*, user: User, code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise NotFound("policy")
    return policy


# --- Coverage, gaps, spending --------------------------------------------------------------------------


def policies_in_force(*, year: int) -> list[Policy]:
    return [
        p for p in Policy.objects.filter(is_active=True) if coverage.in_force(p.valid_from, p.valid_to, year)
    ]


def coverage_years() -> list[int]:
    """The years that have coverage counted, and the current one; the most recent first."""
    known = set(CoverageSummary.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(known | {timezone.localdate().year}, reverse=True)


def coverage_counted_at(*, year: int) -> dt.datetime | None:
    """When the year's coverage was last recounted (anywhere: no area data)."""
    at: dt.datetime | None = CoverageSummary.objects.filter(year=year).aggregate(at=Max("refreshed_at"))["at"]
    return at


SUMS = {
    "eligible_households": Sum("eligible_households"),
    "covered_households": Sum("covered_households"),
    "eligible_units": Sum("eligible_units"),
    "covered_units": Sum("covered_units"),
    "outside_units": Sum("outside_units"),
}


def _tally(row: dict[str, Any]) -> coverage.Tally:
    return coverage.Tally(*(int(row.get(k) or 0) for k in SUMS))


def _summaries(
    *, user: User, year: int, commune_id: int | None, village_id: int | None, priority: bool = False
) -> QuerySet[Any]:
    rows = CoverageSummary.objects.filter(year=year, commune_id__in=communes_in_scope(user=user).values("id"))
    if priority:  # only the priority communes and villages of the year (geo.priorities)
        rows = rows.filter(priority_commune_q(year=year))
    if commune_id:
        rows = rows.filter(commune_id=commune_id)
    if village_id:
        rows = rows.filter(village_id=village_id)
    return rows


def priority_marked(*, year: int) -> bool:
    """Whether the province marked priority communes or villages for ``year`` (the ``?priority=1`` filter
    of the coverage pages and gap lists says so when it did not, instead of showing nothing silently)."""
    return bool(priority_paths(year))


@dataclass(frozen=True)
class PolicyCoverage:
    policy: Policy
    tally: coverage.Tally


def coverage_by_policy(
    *,
    user: User,
    year: int,
    commune_id: int | None = None,
    village_id: int | None = None,
    area: str = "",
    priority: bool = False,
) -> list[PolicyCoverage]:
    """Per policy in force in ``year``: eligible households and beneficiaries, covered, the gap — over the
    user's area, or one commune or village of it (``priority``: its priority communes and villages)."""
    sums = {
        row["policy_id"]: _tally(row)
        for row in _summaries(
            user=user, year=year, commune_id=commune_id, village_id=village_id, priority=priority
        )
        .values("policy_id")
        .annotate(**SUMS)
        .order_by()
    }
    policies = [p for p in policies_in_force(year=year) if not area or p.area == area]
    return [PolicyCoverage(p, sums.get(p.pk, coverage.Tally())) for p in policies]


@dataclass(frozen=True)
class MatrixRow:
    commune: Area
    cells: dict[str, coverage.Tally]  # policy area -> tally
    total: coverage.Tally


def coverage_matrix(*, user: User, year: int, priority: bool = False) -> tuple[list[str], list[MatrixRow]]:
    """Communes × policy areas for ``year``, worst covered commune first (communes where nobody is eligible
    last). Returns the areas that have a policy in force, and the rows."""
    area_of = {p.pk: p.area for p in policies_in_force(year=year)}
    areas = [a for a in PolicyArea.values if a in set(area_of.values())]
    cells: dict[int, dict[str, coverage.Tally]] = {}
    for row in (
        _summaries(user=user, year=year, commune_id=None, village_id=None, priority=priority)
        .values("commune_id", "policy_id")
        .annotate(**SUMS)
        .order_by()
    ):
        area = area_of.get(row["policy_id"])
        if area is None:
            continue
        by_area = cells.setdefault(row["commune_id"], {})
        by_area[area] = by_area.get(area, coverage.Tally()) + _tally(row)
    rows = []
    for commune in vi_sorted(communes_in_scope(user=user).filter(pk__in=list(cells))):
        by_area = cells[commune.pk]
        total = sum(by_area.values(), coverage.Tally())
        rows.append(MatrixRow(commune, by_area, total))
    rows.sort(
        key=lambda r: (
            r.total.percent is None,
            r.total.percent or 0,
            -r.total.gap_units,
            vi_sort_key(r.commune.name),
        )
    )
    return areas, rows


def gap_list(
    *,
    user: User,
    policy: Policy,
    year: int,
    commune_id: int | None = None,
    village_id: int | None = None,
    priority: bool = False,
) -> QuerySet[Entitlement]:
    """Beneficiaries entitled to ``policy`` in ``year`` and not covered, in the user's area (``priority``:
    in its priority communes and villages only)."""
    rows = Entitlement.objects.filter(
        year=year,
        policy=policy,
        eligible=True,
        covered=False,
        commune_id__in=communes_in_scope(user=user).values("id"),
    )
    if priority:
        rows = rows.filter(priority_commune_q(year=year))
    if commune_id:
        rows = rows.filter(commune_id=commune_id)
    if village_id:
        rows = rows.filter(village_id=village_id)
    return rows.select_related("household", "member", "commune", "village").order_by(
        "commune__name", "village__name", "household__code", "member__date_of_birth", "member_id"
    )


@dataclass(frozen=True)
class SupportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    commune_id: int | None = None
    policy_id: int | None = None
    household_id: int | None = None
    include_cancelled: bool = False


def support_record_list(*, user: User, filters: SupportFilters | None = None) -> QuerySet[SupportRecord]:
    f = filters or SupportFilters()
    rows = SupportRecord.objects.filter(commune_id__in=communes_in_scope(user=user).values("id"))
    if not f.include_cancelled:
        rows = rows.filter(cancelled_at=None)
    if f.date_from:
        rows = rows.filter(date__gte=f.date_from)
    if f.date_to:
        rows = rows.filter(date__lte=f.date_to)
    if f.commune_id:
        rows = rows.filter(commune_id=f.commune_id)
    if f.policy_id:
        rows = rows.filter(policy_id=f.policy_id)
    if f.household_id:
        rows = rows.filter(household_id=f.household_id)
    return rows.select_related("policy", "household", "member", "commune", "recorded_by").order_by(
        "-date", "-pk"
    )


def access_support_record(*, user: User, record_id: int) -> SupportRecord:
    record = (
        support_record_list(user=user, filters=SupportFilters(include_cancelled=True))
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound("support record")
    return record


@dataclass(frozen=True)
class Spending:
    by_project: list[tuple[str, int, int]]  # (project, records, amount)
    by_source: list[tuple[str, int, int]]  # (funding source, records, amount)
    by_area: list[tuple[str, int, int]]  # (policy area, records, amount)
    records: int
    amount: int


def spending_totals(*, user: User, filters: SupportFilters) -> Spending:
    """Money and records of support delivered in a period, per programme project, funding source and
    policy area (cancelled records left out)."""
    rows = support_record_list(user=user, filters=filters).order_by()
    # One grouped pass over the period's records, folded three ways here (three GROUP BYs would read the
    # records three times).
    by: dict[str, dict[str, list[int]]] = {"project": {}, "funding_source": {}, "policy__area": {}}
    records = amount = 0
    for project, source, area, count, total_amount in (
        rows.values("project", "funding_source", "policy__area")
        .annotate(n=Count("pk"), amount_sum=Sum("amount"))
        .values_list("project", "funding_source", "policy__area", "n", "amount_sum")
    ):
        n, money = int(count), int(total_amount or 0)
        records, amount = records + n, amount + money
        for field, key in (("project", project), ("funding_source", source), ("policy__area", area)):
            total = by[field].setdefault(key or "", [0, 0])
            total[0] += n
            total[1] += money

    def ranked(field: str) -> list[tuple[str, int, int]]:
        return sorted(((k, n, a) for k, (n, a) in by[field].items()), key=lambda t: (-t[2], -t[1], t[0]))

    return Spending(
        by_project=ranked("project"),
        by_source=ranked("funding_source"),
        by_area=ranked("policy__area"),
        records=records,
        amount=amount,
    )


def coverage_total(*, user: User, year: int) -> coverage.Tally:
    """Every policy in force together, over the user's area: the plan's "100 % of entitled households
    receive the policies they are due" (the home page and the targets read it)."""
    in_force = [p.pk for p in policies_in_force(year=year)]
    row = (
        _summaries(user=user, year=year, commune_id=None, village_id=None)
        .filter(policy_id__in=in_force)
        .aggregate(**SUMS)
    )
    return _tally(row)


# The weekly digest (issue 14, notices) ------------------------------------------------------------------


def support_added_counts(*, user: User, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Support records of the user's scope entered in ``[start, end)`` (not cancelled): how many, and for
    how many households. One query."""
    return SupportRecord.objects.filter(
        commune_id__in=communes_in_scope(user=user).values("id"),
        cancelled_at=None,
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(records=Count("pk"), households=Count("household_id", distinct=True))


# --- Requests for demand-driven policies ------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    commune_id: int | None = None
    policy_id: int | None = None
    status: str = ""
    household_id: int | None = None
    q: str = ""  # the household's code or head
    year: int | None = None  # the year of the request


def support_request_list(*, user: User, filters: RequestFilters | None = None) -> QuerySet[SupportRequest]:
    """Requests on record in the user's communes, the latest first."""
    f = filters or RequestFilters()
    rows = SupportRequest.objects.filter(commune_id__in=communes_in_scope(user=user).values("id"))
    if f.commune_id:
        rows = rows.filter(commune_id=f.commune_id)
    if f.policy_id:
        rows = rows.filter(policy_id=f.policy_id)
    if f.status in RequestStatus.values:
        rows = rows.filter(status=f.status)
    if f.household_id:
        rows = rows.filter(household_id=f.household_id)
    if f.year:
        rows = rows.filter(requested_on__year=f.year)
    if f.q.strip():
        term = f.q.strip()
        rows = rows.filter(Q(household__code__icontains=term) | Q(household__head_name__icontains=term))
    return rows.select_related("policy", "household", "commune", "recorded_by").order_by(
        "-requested_on", "-pk"
    )


def access_support_request_by_id(*, user: User, request_id: int) -> SupportRequest:
    row = support_request_list(user=user).filter(pk=request_id).first()
    if row is None:
        raise NotFound("support request")
    return row


def requestable_policies(*, user: User, household_id: int, on: dt.date) -> list[Policy]:
    """The demand-driven policies the household would get once its request is recorded (none pending)."""
    _household, verdicts = household_policies(user=user, household_id=household_id, on=on)
    pending = set(
        SupportRequest.objects.filter(household_id=household_id, status=RequestStatus.REQUESTED).values_list(
            "policy_id", flat=True
        )
    )
    return [v.policy for v in verdicts if v.may_request and v.policy.pk not in pending]


def household_requests(*, user: User, household_id: int) -> list[SupportRequest]:
    """The household's latest requests on record (the household card's policies section)."""
    return list(support_request_list(user=user, filters=RequestFilters(household_id=household_id))[:20])
