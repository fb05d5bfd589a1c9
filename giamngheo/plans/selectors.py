"""Reads of plans and targets, always scoped to the user, and the counts of an area in a year read ONLY from
pre-aggregated rows: the review round's ``reviews.AreaSummary`` (frozen once the commune submitted / the
round closed) and the year's ``policies.CoverageSummary``.

Who sees what:
- a plan belongs to a province; it is visible to users who see the province as a whole (area scope on the
  province, or an org unit of the province in their org scope: the department's staff), and to users whose
  area scope lies inside the province (a commune officer sees the province's plan, since its targets are
  split across the communes);
- allocations and reported values are area data: users who see the province as a whole see them all, the
  others only those of the areas in their scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.scoping import area_ancestor_q, area_q, org_q
from giamngheo.core.errors import NotFound
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import especially_difficult_ids
from giamngheo.org.models import OrgUnit
from giamngheo.policies.models import CoverageSummary, Policy
from giamngheo.reviews import figures as F
from giamngheo.reviews.models import AreaSummary, ReviewRound

from . import indicators as ind
from .activity_inputs import activity_inputs
from .models import IndicatorThreshold, Plan, PriorityArea, Target, TargetAllocation, TargetReport
from .sorting import vi_key

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


# Scope ----------------------------------------------------------------------------------------------
_WHOLE_CACHE = "_plans_whole_province_ids"


def whole_province_ids(*, user: User) -> set[int]:
    """Provinces the user sees as a whole: in their area scope, or the province of an org unit in their org
    scope (the department's staff)."""
    cached: set[int] | None = getattr(user, _WHOLE_CACHE, None)
    if cached is not None:
        return cached
    org_areas = OrgUnit.objects.filter(org_q(user, "path", None)).values("area_id")
    ids = set(
        Area.objects.filter(level=AreaLevel.PROVINCE)
        .filter(area_q(user) | Q(pk__in=org_areas))
        .values_list("pk", flat=True)
    )
    if getattr(user, "pk", None) is not None:
        setattr(user, _WHOLE_CACHE, ids)
    return ids


def visible_province_ids(*, user: User) -> set[int]:
    """Provinces whose plans the user sees: the whole ones and those above the user's area scope."""
    above = set(
        Area.objects.filter(area_ancestor_q(user), level=AreaLevel.PROVINCE).values_list("pk", flat=True)
    )
    return whole_province_ids(user=user) | above


def province_of(area: Area) -> Area | None:
    """The province of an area (itself for a province)."""
    if area.level == AreaLevel.PROVINCE:
        return area
    top = "/" + area.path.strip("/").split("/")[0] + "/"
    return Area.objects.filter(path=top).first()


def area_visible(*, user: User | None, area: Area) -> bool:
    """Whether the user may see the figures of ``area`` (``None``: a read of the system, the alert scan)."""
    if user is None:
        return True
    if Area.objects.filter(area_q(user), pk=area.pk).exists():
        return True
    return area.level == AreaLevel.PROVINCE and area.pk in whole_province_ids(user=user)


def access_plan_area_by_id(*, user: User, area_id: int) -> Area:
    """A commune or village the user sees, directly or as part of a province they see as a whole."""
    q = area_q(user)
    for province in Area.objects.filter(pk__in=whole_province_ids(user=user)):
        q |= Q(path__startswith=province.path)
    area = (
        Area.objects.filter(q, pk=area_id, level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE])
        .select_related("parent")
        .first()
    )
    if area is None:
        raise NotFound("area")
    return area


def _area_data_q(user: User, path_field: str, province_field: str) -> Q:
    """Rows of area data (allocations, reports, priorities) the user may see."""
    whole = whole_province_ids(user=user)
    q = area_q(user, path_field)
    if whole:
        q |= Q(**{f"{province_field}__in": whole})
    return q


# Plans, targets ---------------------------------------------------------------------------------------------
def plan_list(*, user: User, year: int | None = None) -> QuerySet[Plan]:
    plans = Plan.objects.filter(province_id__in=visible_province_ids(user=user)).select_related("province")
    if year is not None:
        plans = plans.filter(year_from__lte=year, year_to__gte=year)
    return plans.order_by("-year_to", "-year_from", "title", "pk")


def plan_years(*, user: User) -> list[int]:
    """Years covered by a visible plan, and the current one, newest first."""
    years = {timezone.localdate().year}
    for start, end in plan_list(user=user).values_list("year_from", "year_to"):
        years.update(range(start, end + 1))
    return sorted(years, reverse=True)


def access_plan_by_id(*, user: User, plan_id: int) -> Plan:
    plan = plan_list(user=user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def target_list(*, user: User, plan: Plan) -> QuerySet[Target]:
    return (
        Target.objects.filter(plan=plan, plan__province_id__in=visible_province_ids(user=user))
        .select_related("plan", "plan__province", "responsible_unit")
        .order_by("sort_order", "pk")
    )


def access_target_by_id(*, user: User, target_id: int) -> Target:
    target = (
        Target.objects.filter(pk=target_id, plan__province_id__in=visible_province_ids(user=user))
        .select_related("plan", "plan__province", "responsible_unit")
        .first()
    )
    if target is None:
        raise NotFound("target")
    return target


def responsible_units(*, user: User, province: Area) -> QuerySet[OrgUnit]:
    """Org units of the province that may be responsible for a target."""
    return OrgUnit.objects.filter(area=province, is_active=True).order_by("path")


# Allocations --------------------------------------------------------------------------------------------
def allocation_list(*, user: User, target: Target) -> list[TargetAllocation]:
    """The target's allocations the user may see, communes in Vietnamese alphabetical order."""
    rows = list(
        TargetAllocation.objects.filter(
            _area_data_q(user, "commune__path", "target__plan__province_id"), target=target
        ).select_related("commune")
    )
    return sorted(rows, key=lambda a: vi_key(a.commune.name))


def allocation_communes(*, user: User, target: Target) -> list[Area]:
    """Active communes of the target's province that the user sees, in Vietnamese alphabetical order."""
    communes = Area.objects.filter(level=AreaLevel.COMMUNE, is_active=True, parent_id=target.plan.province_id)
    if target.plan.province_id not in whole_province_ids(user=user):
        communes = communes.filter(area_q(user))
    return sorted(communes, key=lambda c: vi_key(c.name))


def allocation_of(*, user: User | None, target: Target, commune: Area) -> TargetAllocation | None:
    scope = Q() if user is None else _area_data_q(user, "commune__path", "target__plan__province_id")
    return (
        TargetAllocation.objects.filter(scope, target=target, commune=commune)
        .select_related("commune")
        .first()
    )


# Reports ------------------------------------------------------------------------------------------------
def report_list(*, user: User, target: Target) -> QuerySet[TargetReport]:
    return (
        TargetReport.objects.filter(
            _area_data_q(user, "area__path", "target__plan__province_id"), target=target
        )
        .select_related("area", "reported_by", "target")
        .order_by("-year", "-quarter", "-month", "-pk")
    )


def access_report_by_id(*, user: User, report_id: int) -> TargetReport:
    report = (
        TargetReport.objects.filter(
            _area_data_q(user, "area__path", "target__plan__province_id"),
            pk=report_id,
            target__plan__province_id__in=visible_province_ids(user=user),
        )
        .select_related("area", "target", "target__plan")
        .first()
    )
    if report is None:
        raise NotFound("report")
    return report


def report_areas(*, user: User, target: Target) -> list[Area]:
    """Units the user may report for: the province (when seen as a whole) and its communes in scope."""
    province = target.plan.province
    areas: list[Area] = []
    whole = province.pk in whole_province_ids(user=user)
    if whole:
        areas.append(province)
    communes = Area.objects.filter(level=AreaLevel.COMMUNE, is_active=True, parent=province)
    if not whole:
        communes = communes.filter(area_q(user))
    return areas + sorted(communes, key=lambda c: vi_key(c.name))


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    quarter: int | None  # None: the year as a whole

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Quarter %(q)s/%(year)s") % {"q": self.quarter, "year": self.year}
        return str(self.year)


def report_period(*, target: Target, today: dt.date | None = None) -> ReportPeriod:
    """The period the units report now: the current quarter while the plan runs, else its last year."""
    today = today or timezone.localdate()
    if target.plan.covers(today.year):
        return ReportPeriod(year=today.year, quarter=(today.month - 1) // 3 + 1)
    return ReportPeriod(year=target.plan.year_to, quarter=None)


def _reported_area_ids(target: Target, period: ReportPeriod, area_ids: list[int]) -> set[int]:
    rows = TargetReport.objects.filter(target=target, year=period.year, area_id__in=area_ids)
    if period.quarter:
        months = range(3 * period.quarter - 2, 3 * period.quarter + 1)
        rows = rows.filter(Q(quarter=period.quarter) | Q(month__in=list(months)))
    return set(rows.values_list("area_id", flat=True))


def not_reported(*, user: User, target: Target, period: ReportPeriod) -> list[Area]:
    """The units the user sees (the province when seen as a whole, its communes in scope) that have not
    reported the entered target for ``period``: what the department office collects."""
    if target.indicator.computed:
        return []
    areas = report_areas(user=user, target=target)
    reported = _reported_area_ids(target, period, [a.pk for a in areas])
    return [a for a in areas if a.pk not in reported]


@dataclass(frozen=True)
class ToReport:
    target: Target
    period: ReportPeriod
    missing: list[Area]  # the user's own units that have not reported the period yet
    units: int  # the units the user sees
    units_missing: int  # ... of which have not reported


def targets_to_report(*, user: User, today: dt.date | None = None) -> list[ToReport]:
    """The entered targets of the plans in force that the user reports: for the province when the target's
    responsible unit is in the user's org scope, for the communes of the user's area scope; with the units
    that have not reported the current period."""
    today = today or timezone.localdate()
    own_communes = list(
        Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE, is_active=True)
        .filter(pk__in=user.scope_areas.values("pk"))
        .order_by("path")
    )
    units = set(OrgUnit.objects.filter(org_q(user, "path", None)).values_list("pk", flat=True))
    rows = []
    for target in current_targets(year=today.year).filter(
        plan__province_id__in=visible_province_ids(user=user)
    ):
        if target.indicator.computed:
            continue
        own: list[Area] = [c for c in own_communes if c.path.startswith(target.plan.province.path)]
        if target.responsible_unit_id in units:
            own.insert(0, target.plan.province)
        if not own:
            continue
        period = report_period(target=target, today=today)
        missing = not_reported(user=user, target=target, period=period)
        missing_ids = {a.pk for a in missing}
        rows.append(
            ToReport(
                target=target,
                period=period,
                missing=[a for a in own if a.pk in missing_ids],
                units=len(report_areas(user=user, target=target)),
                units_missing=len(missing),
            )
        )
    return rows


# Thresholds ---------------------------------------------------------------------------------------------
def thresholds_for(*, province_id: int, indicator_key: str) -> ind.Thresholds:
    """The province's thresholds of an indicator (100 / 75 when none is set)."""
    row = IndicatorThreshold.objects.filter(province_id=province_id, indicator_key=indicator_key).first()
    return row.thresholds if row is not None else ind.Thresholds()


def threshold_rows(*, user: User, province: Area) -> dict[str, IndicatorThreshold]:
    if province.pk not in visible_province_ids(user=user):
        return {}
    return {t.indicator_key: t for t in IndicatorThreshold.objects.filter(province=province)}


def threshold_provinces(*, user: User) -> list[Area]:
    return list(Area.objects.filter(pk__in=whole_province_ids(user=user)).order_by("path"))


# Counts of an area in a year (pre-aggregated rows only) ----------------------------------------------
def _round_of(area: Area, year: int) -> ReviewRound | None:
    province = province_of(area)
    if province is None:
        return None
    return ReviewRound.objects.filter(province=province, year=year).first()


def _summary_inputs(summary: AreaSummary) -> dict[str, int]:
    """The counts of one ``AreaSummary`` (a key missing from ``figures`` is a zero: only non-zero counts are
    stored there; the row itself says the counts are known)."""
    f: Mapping[str, int] = summary.figures or {}
    return {
        ind.HOUSEHOLDS: f.get(F.all_key(F.HH), summary.households),
        ind.PERSONS: f.get(F.all_key(F.PERSONS), 0),
        ind.EM_HOUSEHOLDS: f.get(F.all_key(F.HH, F.EM), summary.em_households),
        ind.POOR: f.get(F.category_key(F.POOR, F.END), summary.end_poor),
        ind.POOR_PERSONS: f.get(F.category_key(F.POOR, F.END, F.PERSONS), 0),
        ind.NEAR_POOR: f.get(F.category_key(F.NEAR_POOR, F.END), summary.end_near_poor),
        ind.NEAR_POOR_PERSONS: f.get(F.category_key(F.NEAR_POOR, F.END, F.PERSONS), 0),
        ind.POOR_EM: f.get(F.split_key(F.POOR, F.END, F.EM), summary.end_poor_em),
        ind.START_POOR: f.get(F.category_key(F.POOR, F.START), summary.start_poor),
        ind.START_NEAR_POOR: f.get(F.category_key(F.NEAR_POOR, F.START), summary.start_near_poor),
        ind.ESCAPED_POVERTY: f.get(F.flow_key(F.POOR, F.POOR_TO_NEAR_POOR), 0)
        + f.get(F.flow_key(F.POOR, F.ESCAPED_ABOVE_NEAR_POOR), 0),
        ind.FALLEN_BACK: f.get(F.flow_key(F.POOR, F.RE[F.POOR]), summary.re_poor),
        ind.NEWLY_POOR: f.get(F.flow_key(F.POOR, F.NEW[F.POOR]), summary.newly_poor),
    }


def _coverage_inputs(area: Area, year: int) -> dict[str, int]:
    """Eligible and covered units of every policy in force in ``year``, overall and per policy area; empty
    when the year has no coverage counted for the area."""
    rows = CoverageSummary.objects.filter(year=year)
    if area.level == AreaLevel.PROVINCE:
        rows = rows.filter(commune__parent=area)
    elif area.level == AreaLevel.COMMUNE:
        rows = rows.filter(commune=area)
    else:
        rows = rows.filter(village=area)
    in_force = [
        p.pk
        for p in Policy.objects.filter(is_active=True)
        if p.valid_from.year <= year and (p.valid_to is None or p.valid_to.year >= year)
    ]
    sums = list(
        rows.filter(policy_id__in=in_force)
        .values("policy__area")
        .annotate(eligible=Sum("eligible_units"), covered=Sum("covered_units"))
        .order_by()
    )
    if not sums:
        return {}
    result = {ind.COVERAGE_ELIGIBLE: 0, ind.COVERAGE_COVERED: 0}
    for row in sums:
        eligible, covered = int(row["eligible"] or 0), int(row["covered"] or 0)
        result[ind.COVERAGE_ELIGIBLE] += eligible
        result[ind.COVERAGE_COVERED] += covered
        result[ind.coverage_eligible(row["policy__area"])] = eligible
        result[ind.coverage_covered(row["policy__area"])] = covered
    return result


def area_inputs(*, user: User | None, area: Area, year: int) -> ind.Inputs:
    """The counts of ``area`` (province, commune or village) in ``year``: the review round of that year's
    summary of the area, and the year's policy coverage. A count that is not available (no round that year,
    no summary of the area, no coverage counted, or an area the user may not see) is absent: unknown, never
    0."""
    if not area_visible(user=user, area=area):
        return {}
    inputs: dict[str, int] = {}
    review_round = _round_of(area, year)
    if review_round is not None:
        summary = AreaSummary.objects.filter(round=review_round, area=area).first()
        if summary is not None:
            inputs.update(_summary_inputs(summary))
    inputs.update(_coverage_inputs(area, year))
    inputs.update(activity_inputs(user=user, area=area, year=year))
    return inputs


def commune_inputs(*, user: User, province: Area, year: int) -> dict[int, ind.Inputs]:
    """The counts of every commune of ``province`` the user sees in ``year`` (the round's summaries, one
    query): commune id -> inputs. Communes without a summary are absent. Coverage is not included."""
    scope = area_q(user, "area__path")
    if province.pk in whole_province_ids(user=user):
        scope = Q()
    rows = AreaSummary.objects.filter(
        scope, round__province=province, round__year=year, area__level=AreaLevel.COMMUNE
    )
    return {s.area_id: _summary_inputs(s) for s in rows}


def series(
    *, user: User, area: Area, indicator_key: str, years: Iterable[int]
) -> list[tuple[int, Decimal | None]]:
    """The values of an indicator in ``area`` over ``years`` (None where unknown), oldest first."""
    indicator = ind.indicator(indicator_key)
    return [(y, indicator.value(area_inputs(user=user, area=area, year=y))) for y in sorted(set(years))]


# Target cards ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetCard:
    target: Target
    area: Area
    indicator_name: str
    formula: str
    unit: str
    computed: bool
    baseline: Decimal | None
    target_value: Decimal | None
    actual: Decimal | None
    measured_year: int | None
    achieved: Decimal | None  # % of the way from the baseline to the target
    status: ind.Status
    status_label: str
    rule: str
    allocation: TargetAllocation | None


def indicator_label(indicator: ind.Indicator) -> str:
    """The indicator's name in the user's language (a coverage indicator names its policy area)."""
    if indicator.policy_area:
        from giamngheo.policies.models import PolicyArea

        return _("Policy coverage: %(area)s") % {"area": PolicyArea(indicator.policy_area).label}
    return _(indicator.name)


def unit_label(unit: str) -> str:
    return _(ind.UNIT_NAMES[ind.Unit(unit)])


def rule_text(thresholds: ind.Thresholds) -> str:
    msgid, params = thresholds.rule
    return _(msgid) % params


def _entered_value(target: Target, area: Area, year: int) -> tuple[Decimal | None, int | None]:
    report = (
        TargetReport.objects.filter(target=target, area=area, year__lte=year)
        .order_by("-year", "-quarter", "-month", "-pk")
        .first()
    )
    return (report.value, report.year) if report is not None else (None, None)


# The counts of an area and a year, shared by the cards of one page: (area id, year) -> inputs. Each
# ``area_inputs`` is some twenty queries, and every computed target of a plan needs the same ones.
InputsCache = dict[tuple[int, int], ind.Inputs]


def _inputs(user: User | None, area: Area, year: int, cache: InputsCache | None) -> ind.Inputs:
    if cache is None:
        return area_inputs(user=user, area=area, year=year)
    key = (area.pk, year)
    if key not in cache:
        cache[key] = area_inputs(user=user, area=area, year=year)
    return cache[key]


def _computed_value(
    user: User | None,
    indicator: ind.Indicator,
    area: Area,
    year: int,
    earliest: int,
    cache: InputsCache | None = None,
) -> tuple[Decimal | None, int | None]:
    """The latest known value in ``year`` or before (down to ``earliest``)."""
    for y in range(year, earliest - 1, -1):
        value = indicator.value(_inputs(user, area, y, cache))
        if value is not None:
            return value, y
    return None, None


def elapsed_share(
    plan: Plan, deadline: dt.date, measured_year: int | None, today: dt.date | None = None
) -> Decimal:
    """Share of the target's period (1 January of the plan's first year to the deadline) elapsed when the
    value was measured: the end of the measured year, or today for the current year."""
    today = today or timezone.localdate()
    start = dt.date(plan.year_from, 1, 1)
    if deadline <= start:
        return Decimal(1)
    when = dt.date(measured_year, 12, 31) if measured_year is not None else today
    when = min(when, today, deadline)
    return max(Decimal(0), Decimal((when - start).days) / Decimal((deadline - start).days))


def target_card(
    *, user: User | None, target: Target, area: Area, year: int, inputs_cache: InputsCache | None = None
) -> TargetCard:
    """The target measured in ``area`` for ``year`` (``user=None``: a read of the system, the alert scan).
    The cards of one page pass one ``inputs_cache`` (a new dict), so that each area and year is counted
    once for all of them."""
    indicator = target.indicator
    allocation: TargetAllocation | None = None
    baseline: Decimal | None = target.baseline_value
    goal: Decimal | None = target.target_value
    if area.level != AreaLevel.PROVINCE:
        commune = area if area.level == AreaLevel.COMMUNE else area.parent
        if commune is not None and area.level == AreaLevel.COMMUNE:
            allocation = allocation_of(user=user, target=target, commune=commune)
        if allocation is not None:
            baseline, goal = allocation.baseline_value, allocation.target_value
        elif not indicator.is_rate and indicator.unit != ind.Unit.PERCENT:
            baseline, goal = None, None  # a count of the province says nothing of one commune's share
    if indicator.computed:
        earliest = min(target.plan.year_from, year)
        actual, measured = _computed_value(user, indicator, area, year, earliest, inputs_cache)
        if baseline is None and target.baseline_year is not None and goal is not None:
            baseline = indicator.value(_inputs(user, area, target.baseline_year, inputs_cache))
    else:
        actual, measured = _entered_value(target, area, year)
    thresholds = thresholds_for(province_id=target.plan.province_id, indicator_key=target.indicator_key)
    direction = ind.Direction(target.direction)
    achieved = None
    if goal is None:
        status = ind.Status.NO_DATA
    else:
        status = ind.target_status(
            baseline=baseline,
            target=goal,
            actual=actual,
            direction=direction,
            elapsed=elapsed_share(target.plan, target.deadline, measured),
            thresholds=thresholds,
        )
        if actual is not None and baseline is not None:
            achieved = ind.achieved_percent(
                baseline=baseline, target=goal, actual=actual, direction=direction
            )
    return TargetCard(
        target=target,
        area=area,
        indicator_name=indicator_label(indicator),
        formula=_(indicator.formula),
        unit=unit_label(target.unit),
        computed=indicator.computed,
        baseline=baseline,
        target_value=goal,
        actual=actual,
        measured_year=measured,
        achieved=achieved,
        status=status,
        status_label=_(ind.STATUS_NAMES[status]),
        rule=rule_text(thresholds),
        allocation=allocation,
    )


def target_cards(*, user: User, area: Area, year: int) -> list[TargetCard]:
    """A card per target of the plans of ``area``'s province in force in ``year``, measured in ``area``."""
    if not area_visible(user=user, area=area):
        return []
    province = province_of(area)
    if province is None:
        return []
    targets = Target.objects.filter(
        plan__province=province,
        plan__province_id__in=visible_province_ids(user=user),
        plan__year_from__lte=year,
        plan__year_to__gte=year,
    ).select_related("plan", "plan__province", "responsible_unit")
    cache: InputsCache = {}
    return [
        target_card(user=user, target=t, area=area, year=year, inputs_cache=cache)
        for t in targets.order_by("plan__year_from", "plan_id", "sort_order", "pk")
    ]


# Targets that need attention (alerts, the weekly digest, the dashboard's panel) ---------------------------
WARN_STATUSES = (ind.Status.OFF_TRACK, ind.Status.AT_RISK)


def current_targets(*, year: int) -> QuerySet[Target]:
    """The targets of every province's plans in force in ``year``: a read of the system (the alert scan)."""
    return (
        Target.objects.filter(plan__year_from__lte=year, plan__year_to__gte=year)
        .select_related("plan", "plan__province", "responsible_unit")
        .order_by("plan__province__path", "plan__year_from", "plan_id", "sort_order", "pk")
    )


def org_unit_user_ids(*, unit: OrgUnit, roles: Iterable[str]) -> set[int]:
    """Active users of ``roles`` whose org scope holds ``unit`` (the unit itself or a unit above it): a read
    of the system (the alert scan)."""
    from giamngheo.accounts.models import User

    parts = unit.path.strip("/").split("/")
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return set(
        User.objects.filter(is_active=True, role__in=list(roles), scope_org_units__path__in=ancestors)
        .values_list("pk", flat=True)
        .distinct()
    )


def target_scope_areas(*, user: User) -> list[Area]:
    """The units whose target cards make up the user's scope: the provinces the user sees as a whole, else
    the communes and villages of the user's area scope."""
    whole = list(Area.objects.filter(pk__in=whole_province_ids(user=user)).order_by("path"))
    if whole:
        return whole
    return list(
        Area.objects.filter(area_q(user), level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE], is_active=True)
        .filter(pk__in=user.scope_areas.values("pk"))
        .order_by("path")
    )


def targets_needing_attention(*, user: User, year: int) -> list[TargetCard]:
    """The cards of the user's scope (``target_scope_areas``) off track or at risk in ``year``, off track
    first."""
    cards = [
        card
        for area in target_scope_areas(user=user)
        for card in target_cards(user=user, area=area, year=year)
        if card.status in WARN_STATUSES
    ]
    cards.sort(
        key=lambda c: (c.status != ind.Status.OFF_TRACK, c.area.path, c.target.sort_order, c.target.pk)
    )
    return cards


# Priority areas and the ranking ---------------------------------------------------------------------------
def priority_areas(*, user: User, year: int) -> QuerySet[PriorityArea]:
    """The province's priority communes and villages of ``year`` that the user may see."""
    provinces = whole_province_ids(user=user)
    q = area_q(user, "area__path")
    for province in Area.objects.filter(pk__in=provinces):
        q |= Q(area__path__startswith=province.path)
    return (
        PriorityArea.objects.filter(q, year=year)
        .select_related("area", "area__parent", "marked_by")
        .order_by("area__path")
    )


def priority_paths(*, user: User, year: int) -> list[str]:
    """Paths of the priority areas of ``year`` the user sees: a list filters its rows by area with
    ``priority_q`` (the ``?priority=1`` convention)."""
    return list(priority_areas(user=user, year=year).values_list("area__path", flat=True))


def priority_q(*, user: User, year: int, path_field: str) -> Q:
    """Rows whose area (``path_field``: a path of a commune or village) is, or lies in, a priority area of
    ``year``. Nothing when no area is marked."""
    paths = priority_paths(user=user, year=year)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def priority_area_ids(year: int) -> set[int]:
    """Every province's priority communes and villages of ``year``: the provider of ``geo.priorities``
    (a read of the system; each list scopes its rows to its user)."""
    return set(PriorityArea.objects.filter(year=year).values_list("area_id", flat=True))


def access_priority_area_by_id(*, user: User, priority_id: int) -> PriorityArea:
    row = PriorityArea.objects.filter(pk=priority_id).select_related("area").first()
    if row is None or not priority_areas(user=user, year=row.year).filter(pk=row.pk).exists():
        raise NotFound("priority area")
    return row


def _share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * ind.HUNDRED / Decimal(whole)).quantize(ind.CENT)


@dataclass(frozen=True)
class RankRow:
    area: Area
    households: int
    poor: int
    poverty_rate: Decimal | None
    em_share: Decimal | None  # ethnic-minority households ÷ households × 100
    difficult: bool
    priority: PriorityArea | None


def ranking(*, user: User, year: int, level: str = AreaLevel.COMMUNE) -> list[RankRow]:
    """Communes (or villages) of the user's scope ranked for ``year`` from the round's summaries: poverty
    rate (highest first), then poor households, ethnic-minority share and especially difficult status.
    Areas without a summary that year are not ranked."""
    provinces = whole_province_ids(user=user)
    scope = area_q(user, "area__path")
    for province in Area.objects.filter(pk__in=provinces):
        scope |= Q(area__path__startswith=province.path)
    summaries = (
        AreaSummary.objects.filter(scope, round__year=year, area__level=level)
        .select_related("area", "area__parent")
        .order_by()
    )
    difficult = especially_difficult_ids(year=year)
    marks = {p.area_id: p for p in priority_areas(user=user, year=year)}
    rows = []
    for s in summaries:
        values = _summary_inputs(s)
        households = values[ind.HOUSEHOLDS]
        rows.append(
            RankRow(
                area=s.area,
                households=households,
                poor=values[ind.POOR],
                poverty_rate=ind.indicator("poverty_rate").value(values),
                em_share=_share(values[ind.EM_HOUSEHOLDS], households),
                difficult=s.area_id in difficult,
                priority=marks.get(s.area_id),
            )
        )
    rows.sort(
        key=lambda r: (
            r.poverty_rate is None,
            -(r.poverty_rate or 0),
            -r.poor,
            -(r.em_share or 0),
            not r.difficult,
            vi_key(r.area.name),
        )
    )
    return rows
