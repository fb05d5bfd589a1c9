"""Reads of the scoring, scoped to the user.

- A criteria set is seen by whoever sees one of its units (``org_q``: the office and the council, whose scope
  is the department, see every set; a unit head the sets their unit is scored in).
- A score sheet is org-bound: a unit head sees their own unit's sheet only; the office, the council and the
  leader see every sheet of the department.
- The ranking ranks the sheets the user sees (a unit head sees only their own row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from giamngheo.accounts.scoping import org_q
from giamngheo.core.errors import NotFound
from giamngheo.emulation.models import MovementPlan
from giamngheo.org.models import OrgUnit

from . import points as P
from . import sources
from .models import CriteriaSet, Criterion, CriterionKind, ScoreEntry, ScoreSheet, SetStatus, SheetStatus

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def rule_of(criterion: Criterion) -> P.Rule:
    return P.Rule(
        kind=criterion.kind,
        max_points=criterion.max_points,
        points_each=criterion.points_each,
        target=criterion.target,
        scale=criterion.scale or P.TARGET,
    )


def _n(value: Decimal | None) -> str:
    if value is None:
        return "?"
    shown: Decimal | int = int(value) if value == value.to_integral_value() else value.normalize()
    return str(number_format(shown, force_grouping=True))


def rule_text(criterion: Criterion) -> str:
    """How the criterion's points are counted, in words."""
    kind, most = criterion.kind, _n(criterion.max_points)
    if kind == CriterionKind.QUANTITY:
        if criterion.scale == P.BEST:
            return _("value ÷ the best value among the units × %(max)s points") % {"max": most}
        return _("value ÷ target %(target)s × %(max)s points, at most %(max)s") % {
            "target": _n(criterion.target),
            "max": most,
        }
    if kind == CriterionKind.PASS_FAIL:
        return _("met: %(max)s points; not met: 0") % {"max": most}
    each = criterion.points_each or Decimal(0)
    if kind == CriterionKind.COUNT:
        text = _("%(each)s points each") % {"each": _n(each)}
    elif each < 0:
        text = _("minus %(each)s points each") % {"each": _n(-each)}
    else:
        text = _("plus %(each)s points each") % {"each": _n(each)}
    if criterion.max_points is not None:
        text += ", " + _("at most %(max)s") % {"max": most}
    return text


# Criteria sets ------------------------------------------------------------------------------------------
def set_q(user: User) -> Q:
    """Sets with a unit the user sees."""
    if user.is_system_admin:
        return Q()
    units = OrgUnit.objects.filter(org_q(user))
    through = CriteriaSet.units.through.objects.filter(orgunit__in=units).values("criteriaset_id")
    return Q(pk__in=through)


def set_list(*, user: User, year: int | None = None, q: str = "") -> QuerySet[CriteriaSet]:
    qs = CriteriaSet.objects.filter(set_q(user)).select_related("plan", "plan__movement")
    if year:
        qs = qs.filter(plan__year=year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(cluster__icontains=q) | Q(plan__movement__name__icontains=q))
    return qs.annotate(
        n_units=Count("units", distinct=True), n_criteria=Count("criteria", distinct=True)
    ).order_by("-plan__year", "name", "pk")


def set_years(*, user: User) -> list[int]:
    years = CriteriaSet.objects.filter(set_q(user)).values_list("plan__year", flat=True)
    return sorted(set(years), reverse=True)


def access_set_by_id(*, user: User, set_id: int) -> CriteriaSet:
    row = CriteriaSet.objects.filter(set_q(user), pk=set_id).select_related("plan", "plan__movement").first()
    if row is None:
        raise NotFound("criteria set")
    return row


def set_units(*, criteria_set: CriteriaSet) -> list[OrgUnit]:
    return list(criteria_set.units.order_by("path"))


def criteria_of(*, criteria_set: CriteriaSet) -> list[Criterion]:
    return list(criteria_set.criteria.order_by("sort_order", "pk"))


def access_criterion_by_id(*, user: User, criterion_id: int) -> Criterion:
    row = (
        Criterion.objects.filter(pk=criterion_id, criteria_set__in=CriteriaSet.objects.filter(set_q(user)))
        .select_related("criteria_set", "criteria_set__plan")
        .first()
    )
    if row is None:
        raise NotFound("criterion")
    return row


def plans_to_pick(*, user: User) -> list[MovementPlan]:
    """The yearly plans of the movements organised by a unit the user sees, newest first."""
    return list(
        MovementPlan.objects.filter(
            org_q(user, "movement__organiser__path", "movement__organiser__area__path")
        )
        .select_related("movement")
        .order_by("-year", "movement__name", "pk")
    )


def units_to_pick(*, user: User) -> list[OrgUnit]:
    """Active org units the user sees, in the tree's order."""
    return list(OrgUnit.objects.filter(org_q(user), is_active=True).order_by("path"))


def sets_to_copy(*, user: User, exclude: CriteriaSet | None = None) -> list[CriteriaSet]:
    """The sets the user sees that may serve as the model of a new one (a previous year's), newest first."""
    qs = CriteriaSet.objects.filter(set_q(user)).select_related("plan")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("-plan__year", "name", "pk"))


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    source_label: str
    kind_label: str
    rule: str


@dataclass
class CriteriaGroup:
    name: str
    rows: list[CriterionRow] = field(default_factory=list)
    max_points: Decimal = Decimal(0)


def criteria_groups(*, criteria_set: CriteriaSet) -> list[CriteriaGroup]:
    """The set's criteria in their groups (in order), with each group's maximum (bonuses apart)."""
    groups: list[CriteriaGroup] = []
    for c in criteria_of(criteria_set=criteria_set):
        if not groups or groups[-1].name != c.group:
            groups.append(CriteriaGroup(name=c.group))
        group = groups[-1]
        group.rows.append(
            CriterionRow(
                criterion=c,
                source_label=sources.label(c.source),
                kind_label=str(CriterionKind(c.kind).label),
                rule=rule_text(c),
            )
        )
        group.max_points = P.max_total([rule_of(r.criterion) for r in group.rows])
    return groups


def max_total(*, criteria_set: CriteriaSet) -> Decimal:
    return P.max_total([rule_of(c) for c in criteria_of(criteria_set=criteria_set)])


# Score sheets -------------------------------------------------------------------------------------------
def sheet_q(user: User) -> Q:
    if user.is_system_admin:
        return Q()
    return org_q(user, "org_unit__path", "org_unit__area__path")


def sheet_list(*, user: User, criteria_set: CriteriaSet, status: str = "") -> QuerySet[ScoreSheet]:
    qs = ScoreSheet.objects.filter(sheet_q(user), criteria_set=criteria_set).select_related("org_unit")
    if status in SheetStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("org_unit__path")


def access_sheet_by_id(*, user: User, sheet_id: int) -> ScoreSheet:
    row = (
        ScoreSheet.objects.filter(sheet_q(user), pk=sheet_id)
        .select_related("criteria_set", "criteria_set__plan", "criteria_set__plan__movement", "org_unit")
        .first()
    )
    if row is None:
        raise NotFound("score sheet")
    return row


def may_assess(*, user: User, sheet: ScoreSheet) -> bool:
    """Whether the user fills in this sheet for its unit (``TAKE_PART_EMULATION``, the unit in their org
    scope)."""
    from giamngheo.accounts.roles import Capability
    from giamngheo.accounts.scoping import can

    if not can(user, Capability.TAKE_PART_EMULATION):
        return False
    return (
        user.is_system_admin
        or OrgUnit.objects.filter(org_q(user, "path", None), pk=sheet.org_unit_id).exists()
    )


def my_sheets(*, user: User) -> list[ScoreSheet]:
    """The sheets of the open sets the user's own units fill in (their org scope's units), for the list
    page; empty for a user who sees the whole department through an area only."""
    qs = ScoreSheet.objects.filter(
        org_q(user, "org_unit__path", None), criteria_set__status=SetStatus.OPEN
    ).select_related("criteria_set", "criteria_set__plan", "org_unit")
    return list(qs.order_by("-criteria_set__plan__year", "criteria_set__name", "org_unit__path")[:20])


@dataclass(frozen=True)
class EntryRow:
    criterion: Criterion
    entry: ScoreEntry
    computed: bool
    source_label: str
    source_url: str
    kind_label: str
    rule: str


@dataclass
class SheetGroup:
    name: str
    rows: list[EntryRow] = field(default_factory=list)


@dataclass
class SheetView:
    sheet: ScoreSheet
    groups: list[SheetGroup]
    self_total: P.Total
    council_total: P.Total
    max_total: Decimal

    @property
    def rows(self) -> list[EntryRow]:
        return [r for g in self.groups for r in g.rows]


def sheet_view(*, sheet: ScoreSheet) -> SheetView:
    """The sheet's entries by group, with where each number comes from, and its totals (the sum of the
    known points; ``complete`` tells whether every entry is known)."""
    year = sheet.criteria_set.plan.year
    entries = list(
        ScoreEntry.objects.filter(sheet=sheet)
        .select_related("criterion")
        .order_by("criterion__sort_order", "criterion_id")
    )
    links: dict[str, str] = {}
    groups: list[SheetGroup] = []
    for e in entries:
        c = e.criterion
        if c.source and c.source not in links:
            links[c.source] = sources.link(c.source, year)
        if not groups or groups[-1].name != c.group:
            groups.append(SheetGroup(name=c.group))
        groups[-1].rows.append(
            EntryRow(
                criterion=c,
                entry=e,
                computed=bool(c.source),
                source_label=sources.label(c.source),
                source_url=links.get(c.source, ""),
                kind_label=str(CriterionKind(c.kind).label),
                rule=rule_text(c),
            )
        )
    return SheetView(
        sheet=sheet,
        groups=groups,
        self_total=P.total(e.self_points for e in entries),
        council_total=P.total(e.council_points for e in entries),
        max_total=P.max_total([rule_of(e.criterion) for e in entries]),
    )


def preview_points(
    *, sheet: ScoreSheet, values: dict[int, Decimal | None], side: str = "self"
) -> dict[int, Decimal | None]:
    """The points the values typed in a form would earn (the same function as the saved points), criterion
    id → points; a quantity scaled to the best reads the other units' saved values of the same side."""
    criteria = {c.pk: c for c in criteria_of(criteria_set=sheet.criteria_set)}
    field_name = "self_value" if side == "self" else "council_value"
    others: dict[int, list[Decimal | None]] = {}
    for criterion_id, value in (
        ScoreEntry.objects.filter(sheet__criteria_set_id=sheet.criteria_set_id)
        .exclude(sheet=sheet)
        .values_list("criterion_id", field_name)
    ):
        others.setdefault(criterion_id, []).append(value)
    result: dict[int, Decimal | None] = {}
    for pk, c in criteria.items():
        value = values.get(pk)
        best = P.best_value([*others.get(pk, []), value])
        result[pk] = P.points(rule_of(c), value, best=best)
    return result


# Ranking ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankRow:
    rank: int
    tied: bool
    sheet: ScoreSheet
    council_total: Decimal | None
    self_total: Decimal | None


def _rank_key(sheet: ScoreSheet) -> tuple[bool, Decimal, bool, Decimal]:
    zero = Decimal(0)
    return (
        sheet.council_total is None,
        -(sheet.council_total if sheet.council_total is not None else zero),
        sheet.self_total is None,
        -(sheet.self_total if sheet.self_total is not None else zero),
    )


def rank(sheets: Sequence[ScoreSheet]) -> list[RankRow]:
    """Units by the council's total, then their own total (a total not complete comes after); equal totals
    share a rank and are marked tied (1, 2, 2, 4)."""
    ordered = sorted(sheets, key=lambda s: (_rank_key(s), s.org_unit.path))
    keys = [_rank_key(s) for s in ordered]
    rows = []
    for i, sheet in enumerate(ordered):
        first = keys.index(keys[i])
        tied = keys.count(keys[i]) > 1
        rows.append(
            RankRow(
                rank=first + 1,
                tied=tied,
                sheet=sheet,
                council_total=sheet.council_total,
                self_total=sheet.self_total,
            )
        )
    return rows


def ranking(*, user: User, criteria_set: CriteriaSet) -> list[RankRow]:
    return rank(list(sheet_list(user=user, criteria_set=criteria_set)))


def sees_every_sheet(*, user: User, criteria_set: CriteriaSet) -> bool:
    total = ScoreSheet.objects.filter(criteria_set=criteria_set).count()
    return sheet_list(user=user, criteria_set=criteria_set).count() == total


def status_counts(*, user: User, criteria_set: CriteriaSet) -> dict[str, int]:
    rows = (
        sheet_list(user=user, criteria_set=criteria_set)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = dict.fromkeys(SheetStatus.values, 0)
    counts.update(dict(rows))
    return counts
