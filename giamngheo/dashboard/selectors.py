"""The dashboard of a user's scope (province, commune or village): series for the charts, built from
pre-aggregated rows only.

Sources (never the registry): ``reviews.AreaSummary`` (one row per review round and area, its ``figures``
JSON holding every count of the official tables; a frozen round's rows never change again, so the rounds
over the years give the series), and ``policies.CoverageSummary`` (through ``policies.selectors``). Values
that are plan indicators (rates, counts) are computed by ``plans.indicators`` so that every page computes
them the same way; an unknown count stays unknown (``None`` → "—" on the page), never 0.

Each builder returns plain dataclasses; ``Dashboard.charts_json`` turns them into the JSON the page reads
(``json_script``), where ``static/js/dashboard.js`` draws them. Every point carries the link it drills
down to: province → commune → village (this dashboard, one level down) → the household list behind the
number (the official tables' lists for a round, the registry's list for a village or an indicator).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.geo import selectors as geo_selectors
from giamngheo.geo.models import Area as Area  # re-exported: the views' annotation
from giamngheo.geo.models import AreaLevel
from giamngheo.geo.priorities import priority_paths, priority_q
from giamngheo.notices import selectors as notice_selectors
from giamngheo.plans import indicators as ind
from giamngheo.plans import selectors as plan_selectors
from giamngheo.policies import selectors as policy_selectors
from giamngheo.policies.coverage import Tally
from giamngheo.policies.models import PolicyArea
from giamngheo.poverty.measures import nested_weights
from giamngheo.poverty.standard import Standard, StandardError, get_standard, standard_for
from giamngheo.reviews import figures as fig
from giamngheo.reviews import selectors as review_selectors
from giamngheo.reviews.models import AreaSummary, Movement, ReviewRound, RoundStatus

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# The columns of Mẫu 7.2 drawn on the movements chart: (flow, out of poverty?, official list slug or "").
MOVEMENT_COLUMNS: tuple[tuple[str, bool, str], ...] = (
    (fig.POOR_TO_NEAR_POOR, True, "escaped"),
    (fig.ESCAPED_ABOVE_NEAR_POOR, True, "escaped"),
    (fig.OTHER_OUT, True, ""),
    (fig.NEAR_POOR_TO_POOR, False, ""),
    (fig.RE[fig.POOR], False, "re-poor"),
    (fig.NEW[fig.POOR], False, "newly-poor"),
    (fig.OTHER_IN, False, ""),
)
# The indicators a choropleth may colour the communes by.
MAP_INDICATORS = ("poverty_rate", "near_poverty_rate", "poor_households", "em_poverty_rate")


# Inputs of the plan indicators from a summary -------------------------------------------------------------
def summary_inputs(summary: AreaSummary | Mapping[str, Any]) -> dict[str, int]:
    """The ``plans.indicators`` inputs of one area in one round, from its ``AreaSummary`` (a model or its
    ``values()``). The columns are the official tables' (Mẫu 7.2 / 7.3); persons come from ``figures``."""

    def get(name: str) -> Any:
        return summary[name] if isinstance(summary, Mapping) else getattr(summary, name)

    inputs = {
        ind.HOUSEHOLDS: int(get("households")),
        ind.EM_HOUSEHOLDS: int(get("em_households")),
        ind.POOR: int(get("end_poor")),
        ind.NEAR_POOR: int(get("end_near_poor")),
        ind.POOR_EM: int(get("end_poor_em")),
        ind.START_POOR: int(get("start_poor")),
        ind.START_NEAR_POOR: int(get("start_near_poor")),
        ind.ESCAPED_POVERTY: int(get("escaped_poverty")),
        ind.FALLEN_BACK: int(get("re_poor")),
        ind.NEWLY_POOR: int(get("newly_poor")),
    }
    figures = get("figures") if not isinstance(summary, Mapping) or "figures" in summary else None
    if isinstance(figures, Mapping):
        inputs[ind.PERSONS] = int(figures.get(fig.all_key(fig.PERSONS), 0))
        inputs[ind.POOR_PERSONS] = int(figures.get(fig.category_key(fig.POOR, fig.END, fig.PERSONS), 0))
        inputs[ind.NEAR_POOR_PERSONS] = int(
            figures.get(fig.category_key(fig.NEAR_POOR, fig.END, fig.PERSONS), 0)
        )
    return inputs


def _num(value: Decimal | int | None) -> float | int | None:
    """A value for the JSON of a chart (None stays None: "no data", never 0)."""
    if value is None:
        return None
    return int(value) if isinstance(value, int) else float(value)


def _url(name: str, query: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
    url = reverse(name, kwargs=kwargs or None)
    clean = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url


# The scope -----------------------------------------------------------------------------------------------
def dashboard_root(*, user: User) -> Area | None:
    """The area a user's dashboard opens on: the province they see as a whole, else their commune (a
    commune officer), else their village; None when they see no area."""
    visible = Area.objects.filter(area_q(user), is_active=True)
    for level in (AreaLevel.PROVINCE, AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        area = visible.filter(level=level).select_related("parent", "parent__parent").order_by("code").first()
        if area is not None:
            return area
    return None


def access_dashboard_area(*, user: User, area_id: int) -> Area:
    """An area the user may see (``NotFound`` otherwise: the same 404 for missing and foreign)."""
    return geo_selectors.access_area_by_id(user=user, area_id=area_id)


def province_of(area: Area) -> Area:
    ancestors = area.ancestors()
    return ancestors[0] if ancestors else area


# Dataclasses of the charts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | int | None]
    links: list[str]
    stack: str = ""


@dataclass(frozen=True)
class TargetLine:
    """A target drawn on a chart (``markLine``); filled by the plans app when it is wired in."""

    label: str
    value: float


@dataclass(frozen=True)
class CategoryChart:
    """A chart over categories (years, policy areas, indicators, communes): one or more series."""

    categories: list[str]
    series: list[Series]
    unit: str = ""
    targets: list[TargetLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AFMeasures:
    """Alkire–Foster measures of one area in one round (``None``: unknown)."""

    households: int  # N
    poor: int  # q
    headcount: Decimal | None  # H, percent
    intensity: Decimal | None  # A, percent
    m0: Decimal | None  # M0, 0–1 (3 decimals)
    chart: CategoryChart  # contributions of the indicators, percent


@dataclass(frozen=True)
class MapLayer:
    key: str
    name: str
    unit: str
    values: list[dict[str, Any]]  # {name: commune code, label, value, link}


@dataclass(frozen=True)
class MapData:
    url: str  # the scoped GeoJSON of the boundaries
    layers: list[MapLayer]


@dataclass(frozen=True)
class Headline:
    label: str
    value: Decimal | int | None
    unit: str = ""
    link: str = ""


@dataclass(frozen=True)
class Dashboard:
    area: Area
    province: Area
    years: list[int]
    year: int | None
    review_round: ReviewRound | None
    headlines: list[Headline]
    rates: CategoryChart | None
    movements: CategoryChart | None
    coverage: CategoryChart | None
    af: AFMeasures | None
    ranking: CategoryChart | None
    ranking_level: str  # "commune" or "village": what the ranking lists
    map: MapData | None
    child_links: list[tuple[str, str]]  # (name, dashboard url) of the units one level down

    @property
    def is_province(self) -> bool:
        return self.area.level == AreaLevel.PROVINCE

    @property
    def is_village(self) -> bool:
        return self.area.level == AreaLevel.VILLAGE

    def charts_json(self) -> dict[str, Any]:
        """Everything ``dashboard.js`` draws, JSON-ready (Decimals as numbers)."""

        def plain(value: Any) -> Any:
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            return value

        af = self.af
        return {
            "rates": plain(self.rates),
            "movements": plain(self.movements),
            "coverage": plain(self.coverage),
            "af": plain(af.chart) if af is not None else None,
            "ranking": plain(self.ranking),
            "map": plain(self.map),
        }


# Builders ------------------------------------------------------------------------------------------------
def _list_link(
    *, user: User, area: Area, year: int, kind: str, category: str = "", deprived: str = ""
) -> str:
    """The household list behind a number, for users who may see households ("" otherwise): the official
    tables' list of the round (frozen lists of a frozen commune) for a province or commune; the registry's
    list for a village, or for a deprivation (the official lists do not filter by village or indicator)."""
    if not can(user, Capability.VIEW_HOUSEHOLDS):
        return ""
    if area.level == AreaLevel.VILLAGE and not deprived and kind not in ("poor", "near-poor"):
        return ""  # the movements of a village: no list filters them by village
    if deprived or area.level == AreaLevel.VILLAGE:
        commune = area.parent_id if area.level == AreaLevel.VILLAGE else None
        query: dict[str, Any] = {"category": category or fig.POOR, "deprived": deprived}
        if area.level == AreaLevel.VILLAGE:
            query |= {"commune": commune, "village": area.pk}
        elif area.level == AreaLevel.COMMUNE:
            query["commune"] = area.pk
        return _url("households:household-list", query)
    if not kind:
        return ""
    commune_id = area.pk if area.level == AreaLevel.COMMUNE else None
    return _url("tables:household-list", {"year": year, "commune": commune_id}, kind=kind)


def rates_chart(*, user: User, area: Area, summaries: Sequence[AreaSummary]) -> CategoryChart:
    """Poverty and near-poverty rates over the rounds (``plans.indicators``: the official tables' rate)."""
    poverty, near = ind.indicator("poverty_rate"), ind.indicator("near_poverty_rate")
    categories, poor_values, near_values, poor_links, near_links, notes = [], [], [], [], [], []
    for s in summaries:
        inputs = summary_inputs(s)
        year = s.round.year
        categories.append(str(year))
        poor_values.append(_num(poverty.value(inputs)))
        near_values.append(_num(near.value(inputs)))
        poor_links.append(_list_link(user=user, area=area, year=year, kind="poor", category=fig.POOR))
        near_links.append(
            _list_link(user=user, area=area, year=year, kind="near-poor", category=fig.NEAR_POOR)
        )
        if s.round.status == RoundStatus.OPEN:
            notes.append(_("%(year)s: the round is still open; its figures may change.") % {"year": year})
    return CategoryChart(
        categories=categories,
        series=[
            Series(_(poverty.name), poor_values, poor_links),
            Series(_(near.name), near_values, near_links),
        ],
        unit="%",
        targets=[],  # SLOT: target lines of the plan's rate targets (plans.selectors), drawn as markLine
        notes=notes,
    )


def movements_chart(*, user: User, area: Area, summaries: Sequence[AreaSummary]) -> CategoryChart:
    """Households moving out of (negative) and into (positive) poverty each round: Mẫu 7.2 columns 2–8."""
    labels: dict[str, Any] = dict(Movement.choices)
    labels[fig.OTHER_OUT] = _("Left for other reasons (moved away, died…)")
    labels[fig.OTHER_IN] = _("Came in for other reasons (moved in, split…)")
    series = []
    for flow, out, kind in MOVEMENT_COLUMNS:
        values: list[float | int | None] = []
        links = []
        for s in summaries:
            n = int((s.figures or {}).get(fig.flow_key(fig.POOR, flow), 0))
            values.append(-n if out else n)
            links.append(_list_link(user=user, area=area, year=s.round.year, kind=kind) if kind else "")
        series.append(Series(str(labels.get(flow, flow)), values, links, stack="out" if out else "in"))
    return CategoryChart(
        categories=[str(s.round.year) for s in summaries],
        series=series,
        unit=_("households"),
        targets=[],  # SLOT: e.g. "500 poor households escape this year" (plans), drawn as markLine
        notes=[_("Below zero: households leaving poverty; above: households entering it.")],
    )


def coverage_chart(*, user: User, area: Area, year: int) -> CategoryChart | None:
    """Coverage of the year's policies by policy area (``CoverageSummary``), percent of eligible units."""
    commune_id = area.pk if area.level == AreaLevel.COMMUNE else area.parent_id
    village_id = area.pk if area.level == AreaLevel.VILLAGE else None
    rows = policy_selectors.coverage_by_policy(
        user=user,
        year=year,
        commune_id=None if area.level == AreaLevel.PROVINCE else commune_id,
        village_id=village_id,
    )
    by_area: dict[str, Tally] = {}
    for row in rows:
        by_area[row.policy.area] = by_area.get(row.policy.area, Tally()) + row.tally
    if not any(t.eligible_units for t in by_area.values()):
        return None
    labels = dict(PolicyArea.choices)
    categories, values, links = [], [], []
    for key in PolicyArea.values:
        tally = by_area.get(key)
        if tally is None or not tally.eligible_units:
            continue
        inputs = {
            ind.coverage_covered(key): tally.covered_units,
            ind.coverage_eligible(key): tally.eligible_units,
        }
        categories.append(str(labels[key]))
        values.append(_num(ind.indicator(f"policy_coverage.{key}").value(inputs)))
        links.append(
            _url(
                "policies:coverage",
                {
                    "year": year,
                    "commune": None if area.level == AreaLevel.PROVINCE else commune_id,
                    "village": village_id,
                    "area": key,
                },
            )
        )
    return CategoryChart(
        categories=categories,
        series=[Series(_("Policy coverage"), values, links)],
        unit="%",
        targets=[],  # SLOT: the 100 % coverage target (plans), drawn as markLine
    )


def round_standard(review_round: ReviewRound) -> Standard | None:
    """The standard of a round: its ``standard_code``, else the one governing the year its lists apply."""
    try:
        if review_round.standard_code:
            return get_standard(review_round.standard_code)
        return standard_for(review_round.standard_year or review_round.year)
    except StandardError:
        return None


def af_measures(*, user: User, area: Area, summary: AreaSummary) -> AFMeasures | None:
    """Alkire–Foster H, A, M0 and the contribution of each indicator, from the round's counts.

    The counts of ``AreaSummary.figures`` are enough, without reading a single household:
    N = every household of the area (``households``); q = the poor households at the end of the round
    (``end_poor``: the official identification, income and deprivations, stands in for the AF cut-off);
    d_j = the poor households deprived in indicator j (``poor.deprived.<j>``); w_j = the engine's weights
    (``poverty.measures.nested_weights`` over the standard's dimensions, summing to 1).
    The censored deprivation score of a poor household i is c_i = Σ_j w_j·x_ij (0 for the non-poor), so
      M0 = (1/N)·Σ_i c_i = (1/N)·Σ_j w_j·d_j          (swap the two sums: Σ_i x_ij over the poor = d_j)
      H  = q / N
      A  = (1/q)·Σ_{i poor} c_i = Σ_j w_j·d_j / q      (hence M0 = H·A)
      contribution_j = w_j·(d_j / N) / M0 = w_j·d_j / Σ_k w_k·d_k   (they sum to 100 %).
    An indicator not evaluated for a household ("chưa đủ thông tin", ``poor.unknown.<j>``) counts as not
    deprived here, as in the official tables."""
    standard = round_standard(summary.round)
    n, q = summary.households, summary.end_poor
    if standard is None or n == 0:
        return None
    keys = list(standard.indicator_keys)
    weights = dict(
        zip(keys, nested_weights(keys, {i.key: i.dimension for i in standard.indicators}), strict=True)
    )
    figures = summary.figures or {}
    deprived = {k: int(figures.get(fig.deprived_key(fig.POOR, k), 0)) for k in keys}
    weighted = {k: Decimal(repr(weights[k])) * deprived[k] for k in keys}
    total = sum(weighted.values(), Decimal(0))
    vietnamese = (get_language() or "vi").startswith("vi")
    names = {i.key: i.name_vi if vietnamese else i.name_en for i in standard.indicators}
    contributions = [
        _num((weighted[k] * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP)) if total else None
        for k in keys
    ]
    links = [_list_link(user=user, area=area, year=summary.round.year, kind="", deprived=k) for k in keys]
    return AFMeasures(
        households=n,
        poor=q,
        headcount=(Decimal(q) * HUNDRED / n).quantize(CENT, rounding=ROUND_HALF_UP),
        intensity=(total * HUNDRED / q).quantize(CENT, rounding=ROUND_HALF_UP) if q else None,
        m0=(total / n).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        chart=CategoryChart(
            categories=[names[k] for k in keys],
            series=[Series(_("Contribution to M0"), contributions, links)],
            unit="%",
        ),
    )


SUMMARY_COLUMNS = (
    "area_id",
    "area__name",
    "area__name_folded",
    "area__code",
    "households",
    "em_households",
    "end_poor",
    "end_near_poor",
    "end_poor_em",
    "start_poor",
    "start_near_poor",
    "escaped_poverty",
    "re_poor",
    "newly_poor",
)


def _children(
    *, user: User, area: Area, review_round: ReviewRound, priority: bool = False
) -> list[dict[str, Any]]:
    """The summaries of the units one level down (communes of a province, villages of a commune) in the
    round, that the user may see (``priority``: the priority ones of the year only); without their
    ``figures`` (not needed: only the columns)."""
    level = AreaLevel.COMMUNE if area.level == AreaLevel.PROVINCE else AreaLevel.VILLAGE
    scope = area_q(user, "area__path")
    if priority:
        scope &= priority_q(year=review_round.year, path_field="area__path")
    return list(
        AreaSummary.objects.filter(scope, round=review_round, area__parent=area, area__level=level)
        .order_by()
        .values(*SUMMARY_COLUMNS)
    )


def ranking_chart(*, user: User, rows: Sequence[Mapping[str, Any]], year: int) -> CategoryChart:
    """The units one level down ranked by poverty rate, highest first (unknown last); each bar opens the
    unit's dashboard."""
    poverty = ind.indicator("poverty_rate")
    ranked = sorted(
        ((poverty.value(summary_inputs(r)), r) for r in rows),
        key=lambda pair: (
            pair[0] is None,
            -(pair[0] or 0),
            pair[1]["area__name_folded"],
            pair[1]["area__code"],
        ),
    )
    return CategoryChart(
        categories=[r["area__name"] for _v, r in ranked],
        series=[
            Series(
                _(poverty.name),
                [_num(v) for v, _r in ranked],
                [_url("dashboard:area", {"year": year}, pk=r["area_id"]) for _v, r in ranked],
            )
        ],
        unit="%",
        targets=[],  # SLOT: the province's rate target as a reference line (plans)
    )


def map_data(*, user: User, province: Area, rows: Sequence[Mapping[str, Any]], year: int) -> MapData | None:
    """The choropleth's layers (one per indicator a user may pick), when the province has boundaries."""
    if not geo_selectors.boundary_count(user=user, province=province):
        return None
    layers = []
    for key in MAP_INDICATORS:
        indicator = ind.indicator(key)
        layers.append(
            MapLayer(
                key=key,
                name=_(indicator.name),
                unit="%" if indicator.is_rate else _(ind.UNIT_NAMES[indicator.unit]),
                values=[
                    {
                        "name": r["area__code"],
                        "label": r["area__name"],
                        "value": _num(indicator.value(summary_inputs(r))),
                        "link": _url("dashboard:area", {"year": year}, pk=r["area_id"]),
                    }
                    for r in rows
                ],
            )
        )
    return MapData(url=_url("geo:boundaries-geojson", pk=province.pk), layers=layers)


def _headlines(*, user: User, area: Area, summary: AreaSummary | None, year: int) -> list[Headline]:
    inputs = summary_inputs(summary) if summary is not None else {}
    out = []
    for key, kind in (
        ("poverty_rate", "poor"),
        ("poor_households", "poor"),
        ("near_poverty_rate", "near-poor"),
        ("escaped_poverty", "escaped"),
        ("newly_poor", "newly-poor"),
        ("fallen_back", "re-poor"),
    ):
        indicator = ind.indicator(key)
        link = _list_link(
            user=user, area=area, year=year, kind=kind, category=fig.NEAR_POOR if kind == "near-poor" else ""
        )
        out.append(
            Headline(
                label=_(indicator.name),
                value=indicator.value(inputs) if summary is not None else None,
                unit="%" if indicator.is_rate else _(ind.UNIT_NAMES[indicator.unit]),
                link=link,
            )
        )
    return out


def dashboard(*, user: User, area: Area, year: int | None, priority: bool = False) -> Dashboard:
    """The dashboard of ``area`` (already checked with ``access_dashboard_area``) for the round of
    ``year`` (default: the latest). A handful of queries on pre-aggregated rows, whatever the registry's
    size: the rounds, the area's summaries over the rounds, the children's summaries of the round, the
    year's coverage sums, the boundaries' count. ``priority``: the units one level down (ranking, map,
    links) are the year's priority communes and villages only (``geo.priorities``)."""
    province = province_of(area)
    rounds = list(ReviewRound.objects.filter(province=province).order_by("year"))
    years = [r.year for r in rounds]
    review_round = next((r for r in rounds if r.year == year), None) if year is not None else None
    if review_round is None and year is None and rounds:
        review_round = rounds[-1]
    empty = Dashboard(
        area=area,
        province=province,
        years=years,
        year=year,
        review_round=None,
        headlines=[],
        rates=None,
        movements=None,
        coverage=None,
        af=None,
        ranking=None,
        ranking_level="",
        map=None,
        child_links=[],
    )
    if review_round is None:
        return empty
    summaries = list(
        AreaSummary.objects.filter(area=area, round__in=[r.pk for r in rounds])
        .select_related("round")
        .order_by("round__year")
    )
    current = next((s for s in summaries if s.round_id == review_round.pk), None)
    year = review_round.year
    rows = (
        _children(user=user, area=area, review_round=review_round, priority=priority)
        if area.level != AreaLevel.VILLAGE
        else []
    )
    ranking = ranking_chart(user=user, rows=rows, year=year) if rows else None
    child_level = AreaLevel.COMMUNE if area.level == AreaLevel.PROVINCE else AreaLevel.VILLAGE
    child_scope = area_q(user)
    if priority:
        child_scope &= priority_q(year=year, path_field="path")
    children = (
        Area.objects.filter(child_scope, parent=area, level=child_level, is_active=True)
        .order_by("name_folded", "code")
        .values_list("pk", "name")
        if area.level != AreaLevel.VILLAGE
        else []
    )
    return dataclasses.replace(
        empty,
        year=year,
        review_round=review_round,
        headlines=_headlines(user=user, area=area, summary=current, year=year),
        rates=rates_chart(user=user, area=area, summaries=summaries) if summaries else None,
        movements=movements_chart(user=user, area=area, summaries=summaries) if summaries else None,
        coverage=coverage_chart(user=user, area=area, year=year),
        af=af_measures(user=user, area=area, summary=current) if current is not None else None,
        ranking=ranking,
        ranking_level=str(child_level) if rows else "",
        map=(
            map_data(user=user, province=province, rows=rows, year=year)
            if area.level == AreaLevel.PROVINCE and rows
            else None
        ),
        child_links=[(name, _url("dashboard:area", {"year": year}, pk=pk)) for pk, name in children],
    )


# The "Alerts" panel (issue 14): what needs attention in the user's scope -------------------------------
@dataclass(frozen=True)
class AlertPanel:
    year: int
    targets: list[plan_selectors.TargetCard]  # off track or at risk in the year
    late_reviews: list[review_selectors.LateReview]
    overdue_requests: list[review_selectors.OverdueRequest]
    unread: int  # the user's unread notifications

    @property
    def empty(self) -> bool:
        return not (self.targets or self.late_reviews or self.overdue_requests or self.unread)


def alert_panel(*, user: User, on: dt.date) -> AlertPanel:
    """Targets at risk or off track, communes whose review is late, in-year requests past their 15 days
    (each through its owning app's selectors, scoped to the user) and the unread notifications' count."""
    targets = (
        plan_selectors.targets_needing_attention(user=user, year=on.year)
        if can(user, Capability.VIEW_TABLES)
        else []
    )
    return AlertPanel(
        year=on.year,
        targets=targets,
        late_reviews=review_selectors.late_commune_reviews(on=on, user=user),
        overdue_requests=review_selectors.overdue_requests(on=on, user=user),
        unread=notice_selectors.unread_count(user=user),
    )


def priority_marked(*, year: int) -> bool:
    """Whether any priority commune or village is marked for ``year`` (the ``?priority=1`` message)."""
    return bool(priority_paths(year))
