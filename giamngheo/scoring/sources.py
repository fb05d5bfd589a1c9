"""Criteria computed from the data of the other modules: a registry of keys (``Criterion.source``) → the
source's label and a function ``(unit_ids, year) → {unit_id: SourceValue}``. Every unit asked for gets a
value, with the words saying where it comes from (the provenance kept on the score entry); a value the data
cannot give is ``None`` ("chưa có số liệu"), never 0.

The sources read the other apps only through their own functions: ``emulation.rates.task_on_time``,
``unitreports.rates.report_timeliness``, ``initiatives.rates.recognised_counts``, ``fund.selectors``
(``campaign_figures``) and ``plans.selectors`` (``target_card``). They are reads of the system (no user): the
score sheets they feed are scoped themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .points import q2

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class SourceValue:
    value: Decimal | None
    provenance: str


Compute = Callable[[list[int], int], dict[int, SourceValue]]
Link = Callable[[int], str]  # year -> the page the numbers come from ("" when there is none)


@dataclass(frozen=True)
class Source:
    key: str
    label: Any  # lazy text
    unit: Any  # lazy text: "%" or a count
    compute: Compute
    link: Link


SOURCES: dict[str, Source] = {}


def register(key: str, label: Any, unit: Any, compute: Compute, link: Link) -> None:
    SOURCES[key] = Source(key=key, label=label, unit=unit, compute=compute, link=link)


def choices() -> list[tuple[str, str]]:
    """The sources a criterion may be computed from, for a form (the empty choice: entered by the unit)."""
    return [(s.key, str(s.label)) for s in SOURCES.values()]


def label(key: str) -> str:
    source = SOURCES.get(key)
    return str(source.label) if source is not None else ""


def compute(key: str, unit_ids: Iterable[int], year: int) -> dict[int, SourceValue]:
    """The values of ``key`` for each unit (provenance in the site's language: it is stored)."""
    ids = sorted(set(unit_ids))
    with translation.override(settings.LANGUAGE_CODE):
        result = SOURCES[key].compute(ids, year)
    return {pk: result.get(pk, SourceValue(None, "")) for pk in ids}


def link(key: str, year: int) -> str:
    source = SOURCES.get(key)
    return source.link(year) if source is not None else ""


def _first_url(*names: str, kwargs: dict[str, Any] | None = None) -> str:
    """The first of these URL names that exists (the pages of the other apps), else ""."""
    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def _percent(part: int, whole: int) -> Decimal:
    return q2(HUNDRED * Decimal(part) / Decimal(whole))


# Guidance tasks on time (emulation) ------------------------------------------------------------------------
def tasks_on_time(unit_ids: list[int], year: int) -> dict[int, SourceValue]:
    from giamngheo.emulation.rates import task_on_time

    where = _("Emulation movement → Tasks %(year)s") % {"year": year}
    result = {}
    for pk, rate in task_on_time(year=year, unit_ids=unit_ids).items():
        if not rate.counted:
            text = _("No guidance task due yet in %(year)s") % {"year": year}
            result[pk] = SourceValue(None, f"{text} ({where})")
            continue
        text = _("%(on_time)s/%(counted)s tasks issued on time") % {
            "on_time": rate.on_time,
            "counted": rate.counted,
        }
        result[pk] = SourceValue(_percent(rate.on_time, rate.counted), f"{text} ({where})")
    return result


# Periodic reports on time (unitreports) --------------------------------------------------------------------
def reports_on_time(unit_ids: list[int], year: int) -> dict[int, SourceValue]:
    from giamngheo.unitreports.rates import report_timeliness

    where = _("Periodic reports of units, %(year)s") % {"year": year}
    result = {}
    for pk, rate in report_timeliness(year=year, unit_ids=unit_ids).items():
        if not rate.expected:
            text = _("No report was asked of the unit in %(year)s") % {"year": year}
            result[pk] = SourceValue(None, f"{text} ({where})")
            continue
        text = _("%(on_time)s/%(expected)s reports submitted on time") % {
            "on_time": rate.on_time,
            "expected": rate.expected,
        }
        result[pk] = SourceValue(_percent(rate.on_time, rate.expected), f"{text} ({where})")
    return result


# Initiatives recognised (initiatives) ----------------------------------------------------------------------
def initiatives_recognised(unit_ids: list[int], year: int) -> dict[int, SourceValue]:
    from giamngheo.initiatives.rates import recognised_counts

    where = _("Initiatives recognised by a decision of %(year)s") % {"year": year}
    result = {}
    for pk, n in recognised_counts(year=year, unit_ids=unit_ids).items():
        text = _("%(count)s initiatives recognised") % {"count": n}
        result[pk] = SourceValue(Decimal(n), f"{text} ({where})")
    return result


# The fund's participation (fund) ---------------------------------------------------------------------------
def fund_staff_share(unit_ids: list[int], year: int) -> dict[int, SourceValue]:
    """The share of the unit's active staff who gave in the year's campaign it takes part in (the latest
    one, when there are several)."""
    from giamngheo.fund.models import Campaign
    from giamngheo.fund.selectors import campaign_figures

    result: dict[int, SourceValue] = {}
    campaigns = list(
        Campaign.objects.filter(year=year, units__in=unit_ids).distinct().order_by("-start_date", "-pk")
    )
    for campaign in campaigns:
        figures = campaign_figures(campaign=campaign)
        where = _("“For the poor” fund → %(campaign)s") % {"campaign": campaign.name}
        for row in figures.units:
            if row.unit.pk not in unit_ids or row.unit.pk in result:
                continue
            if not row.staff:
                text = _("The unit has no active staff on record")
                result[row.unit.pk] = SourceValue(None, f"{text} ({where})")
                continue
            text = _("%(gave)s/%(staff)s staff have given") % {"gave": row.staff_gave, "staff": row.staff}
            result[row.unit.pk] = SourceValue(_percent(row.staff_gave, row.staff), f"{text} ({where})")
    for pk in unit_ids:
        if pk not in result:
            result[pk] = SourceValue(
                None, _("The unit takes part in no campaign of the fund in %(year)s") % {"year": year}
            )
    return result


def _fund_link(year: int) -> str:
    from giamngheo.fund.models import Campaign

    campaign = Campaign.objects.filter(year=year).order_by("-start_date", "-pk").first()
    if campaign is None:
        return _first_url("fund:campaign-list")
    return _first_url("fund:campaign-detail", kwargs={"pk": campaign.pk})


# The targets the unit is responsible for (plans) ------------------------------------------------------------
def unit_targets_on_track(unit_ids: list[int], year: int) -> dict[int, SourceValue]:
    """Of the targets of the plans in force in ``year`` whose responsible unit is the unit, the share achieved
    or on track (measured for the plan's province); a target without data is not counted, and said so."""
    from giamngheo.plans.indicators import Status
    from giamngheo.plans.models import Target
    from giamngheo.plans.selectors import target_card

    good = (Status.ACHIEVED, Status.ON_TRACK)
    tally = {pk: [0, 0, 0] for pk in unit_ids}  # good, measured, without data
    targets = Target.objects.filter(
        responsible_unit_id__in=unit_ids, plan__year_from__lte=year, plan__year_to__gte=year
    ).select_related("plan", "plan__province", "responsible_unit")
    for target in targets:
        assert target.responsible_unit_id is not None  # noqa: S101 - filtered above
        card = target_card(user=None, target=target, area=target.plan.province, year=year)
        counts = tally[target.responsible_unit_id]
        if card.status == Status.NO_DATA:
            counts[2] += 1
        else:
            counts[1] += 1
            counts[0] += card.status in good
    where = _("Plans and targets, %(year)s") % {"year": year}
    result = {}
    for pk, (ok, measured, unknown) in tally.items():
        parts = []
        if measured:
            parts.append(
                _("%(good)s/%(measured)s targets achieved or on track") % {"good": ok, "measured": measured}
            )
        if unknown:
            parts.append(_("%(count)s targets without data yet") % {"count": unknown})
        if not measured and not unknown:
            parts.append(_("The unit is responsible for no target in %(year)s") % {"year": year})
        text = "; ".join(parts)
        value = _percent(ok, measured) if measured else None
        result[pk] = SourceValue(value, f"{text} ({where})")
    return result


register(
    "tasks_on_time",
    gettext_lazy("Guidance tasks issued on time"),
    "%",
    tasks_on_time,
    lambda year: _first_url("emulation:task-list"),
)
register(
    "reports_on_time",
    gettext_lazy("Periodic reports submitted on time"),
    "%",
    reports_on_time,
    lambda year: _first_url("unitreports:rates"),
)
register(
    "initiatives_recognised",
    gettext_lazy("Initiatives recognised in the year"),
    gettext_lazy("initiatives"),
    initiatives_recognised,
    lambda year: _first_url("initiatives:initiative-list"),
)
register(
    "fund_staff_share",
    gettext_lazy("Staff who gave to the “For the poor” fund"),
    "%",
    fund_staff_share,
    _fund_link,
)
register(
    "unit_targets_on_track",
    gettext_lazy("The unit's plan targets achieved or on track"),
    "%",
    unit_targets_on_track,
    lambda year: _first_url("plans:plan-list"),
)
