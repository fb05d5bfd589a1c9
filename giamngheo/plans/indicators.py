"""The indicators a plan's targets are measured by, defined once (pure Python: no Django, no database).

An indicator turns the counts of one area in one year (``Inputs``: a review round's summary and the
year's policy coverage, read by ``plans.selectors``) into one value: a number of households or persons,
or a rate in percent (two decimals, ``Decimal``; never a float). A count that was not collected is
absent from the inputs, and then the value is unknown (None), never zero.

Each indicator carries its formula in words, shown on the page beside the value. Names, units and
formulas are English msgids marked with ``gettext_noop`` (extracted by makemessages, translated where
they are shown: ``django.utils.translation.gettext(indicator.name)``).

The status of a target (``target_status``) compares the share of the way from the baseline to the target
achieved so far with the share of the plan's time elapsed; the province sets the two thresholds per
indicator (``Thresholds``), and ``Thresholds.rule`` says the rule in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a msgid for makemessages; translated where it is shown."""
    return message


# Input keys: what ``plans.selectors`` reads into ``Inputs`` for an area and a year ---------------------
HOUSEHOLDS = "households"  # every active household at the end of the round
PERSONS = "persons"
EM_HOUSEHOLDS = "em_households"  # ethnic-minority households
POOR = "poor"  # poor households at the end of the round
POOR_PERSONS = "poor_persons"
NEAR_POOR = "near_poor"
NEAR_POOR_PERSONS = "near_poor_persons"
POOR_EM = "poor_em"  # poor ethnic-minority households at the end
START_POOR = "start_poor"  # poor households at the start of the round
START_NEAR_POOR = "start_near_poor"
ESCAPED_POVERTY = "escaped_poverty"  # Mẫu 7.2 columns 2 + 3
FALLEN_BACK = "fallen_back"  # re-poor (tái nghèo), column 6
NEWLY_POOR = "newly_poor"  # column 7
COVERAGE_ELIGIBLE = "coverage_eligible"  # eligible units (households or members) of every policy
COVERAGE_COVERED = "coverage_covered"
# The programme's activities (read from the activity apps by ``plans.activity_inputs``)
OFFICERS_ACTIVE = "officers_active"  # grassroots poverty officers in post in the year (training)
OFFICERS_TRAINED = "officers_trained"  # of them, those who completed a course in the year
TRAINEES_COMPLETED = "trainees_completed"  # vocational trainees who completed a course ended in the year
TRAINEES_EMPLOYED = "trainees_employed"  # of them, employed within 6 months (vocation)
FUND_RAISED = "fund_raised"  # đồng received by the year's campaign of the province (fund)
FUND_STAFF = "fund_staff"  # staff of the units taking part in the year's campaign
FUND_STAFF_GAVE = "fund_staff_gave"  # of them, those who gave
RELIEF_AFFECTED = "relief_affected"  # households affected by the year's incidents (relief)
RELIEF_SUPPORTED = "relief_supported"  # of them, households that received support


def coverage_eligible(area: str) -> str:
    """Input key: eligible units of the policies of a policy area (``policies.models.PolicyArea``)."""
    return f"coverage_eligible.{area}"


def coverage_covered(area: str) -> str:
    return f"coverage_covered.{area}"


class Unit(StrEnum):
    HOUSEHOLDS = "households"
    PERSONS = "persons"
    PERCENT = "percent"
    DONG = "dong"
    COUNT = "count"


UNIT_NAMES = {
    Unit.HOUSEHOLDS: gettext_noop("households"),
    Unit.PERSONS: gettext_noop("persons"),
    Unit.PERCENT: gettext_noop("%"),
    Unit.DONG: gettext_noop("đồng"),
    Unit.COUNT: gettext_noop("count"),
}


class Direction(StrEnum):
    UP = "up"  # the higher the better (coverage, escaped)
    DOWN = "down"  # the lower the better (poverty rate, poor households)


Inputs = Mapping[str, int]
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # msgid
    unit: Unit
    direction: Direction  # the usual direction of a target on it
    formula: str  # msgid: the formula in words
    numerator: str  # input key
    denominator: str | None = None  # input key of a rate (value = numerator / denominator × 100)
    computed: bool = True  # False: not computed yet (a value entered by the responsible unit)
    policy_area: str = ""  # the policy area of a coverage indicator (its name follows the area's label)

    def value(self, inputs: Inputs) -> Decimal | None:
        """The value for these inputs; None when a count it needs is unknown, or for a rate whose
        denominator is zero."""
        if not self.computed or self.numerator not in inputs:
            return None
        top = Decimal(inputs[self.numerator])
        if self.denominator is None:
            return top
        if self.denominator not in inputs or inputs[self.denominator] == 0:
            return None
        return (top * HUNDRED / Decimal(inputs[self.denominator])).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


def _rate(
    key: str, name: str, formula: str, numerator: str, denominator: str, direction: Direction
) -> Indicator:
    return Indicator(key, name, Unit.PERCENT, direction, formula, numerator, denominator)


def _count(key: str, name: str, unit: Unit, formula: str, numerator: str, direction: Direction) -> Indicator:
    return Indicator(key, name, unit, direction, formula, numerator)


def _entered(key: str, name: str, unit: Unit, formula: str, direction: Direction = Direction.UP) -> Indicator:
    return Indicator(key, name, unit, direction, formula, numerator=key, computed=False)


# The policy areas whose coverage is an indicator (the codes of ``policies.models.PolicyArea``).
POLICY_AREAS = (
    "health",
    "education",
    "housing",
    "credit",
    "vocational",
    "jobs",
    "labour_export",
    "water",
    "information",
    "production",
    "livelihood",
    "other",
)

INDICATORS: tuple[Indicator, ...] = (
    _rate(
        "poverty_rate",
        gettext_noop("Multidimensional poverty rate"),
        gettext_noop("Poor households at the end of the review ÷ all households of the area × 100"),
        POOR,
        HOUSEHOLDS,
        Direction.DOWN,
    ),
    _rate(
        "near_poverty_rate",
        gettext_noop("Near-poverty rate"),
        gettext_noop("Near-poor households at the end of the review ÷ all households of the area × 100"),
        NEAR_POOR,
        HOUSEHOLDS,
        Direction.DOWN,
    ),
    _count(
        "poor_households",
        gettext_noop("Poor households"),
        Unit.HOUSEHOLDS,
        gettext_noop("Poor households at the end of the review (Form 7.2, column 9)"),
        POOR,
        Direction.DOWN,
    ),
    _count(
        "near_poor_households",
        gettext_noop("Near-poor households"),
        Unit.HOUSEHOLDS,
        gettext_noop("Near-poor households at the end of the review (Form 7.3, column 9)"),
        NEAR_POOR,
        Direction.DOWN,
    ),
    _count(
        "poor_persons",
        gettext_noop("Persons in poor households"),
        Unit.PERSONS,
        gettext_noop("Members of the poor households at the end of the review"),
        POOR_PERSONS,
        Direction.DOWN,
    ),
    _count(
        "near_poor_persons",
        gettext_noop("Persons in near-poor households"),
        Unit.PERSONS,
        gettext_noop("Members of the near-poor households at the end of the review"),
        NEAR_POOR_PERSONS,
        Direction.DOWN,
    ),
    _count(
        "escaped_poverty",
        gettext_noop("Households escaping poverty"),
        Unit.HOUSEHOLDS,
        gettext_noop(
            "Poor households that became near-poor or rose above near-poverty (Form 7.2, columns 2 + 3)"
        ),
        ESCAPED_POVERTY,
        Direction.UP,
    ),
    _count(
        "fallen_back",
        gettext_noop("Households falling back into poverty"),
        Unit.HOUSEHOLDS,
        gettext_noop("Households that had escaped poverty and are poor again (Form 7.2, column 6)"),
        FALLEN_BACK,
        Direction.DOWN,
    ),
    _count(
        "newly_poor",
        gettext_noop("Newly poor households"),
        Unit.HOUSEHOLDS,
        gettext_noop("Households poor for the first time (Form 7.2, column 7)"),
        NEWLY_POOR,
        Direction.DOWN,
    ),
    _rate(
        "em_poverty_rate",
        gettext_noop("Poverty rate of ethnic-minority households"),
        gettext_noop("Poor ethnic-minority households ÷ ethnic-minority households of the area × 100"),
        POOR_EM,
        EM_HOUSEHOLDS,
        Direction.DOWN,
    ),
    _rate(
        "policy_coverage",
        gettext_noop("Policy coverage"),
        gettext_noop(
            "Households (or members) receiving a policy they are due ÷ those eligible, summed over every "
            "policy of the year × 100"
        ),
        COVERAGE_COVERED,
        COVERAGE_ELIGIBLE,
        Direction.UP,
    ),
    *(
        Indicator(
            f"policy_coverage.{area}",
            gettext_noop("Policy coverage in an area"),
            Unit.PERCENT,
            Direction.UP,
            gettext_noop("Receiving ÷ eligible over the policies of this area of support × 100"),
            coverage_covered(area),
            coverage_eligible(area),
            policy_area=area,
        )
        for area in POLICY_AREAS
    ),
    _rate(
        "officers_trained",
        gettext_noop("Grassroots poverty officers trained"),
        gettext_noop("Active officers who completed a training course this year ÷ active officers × 100"),
        OFFICERS_TRAINED,
        OFFICERS_ACTIVE,
        Direction.UP,
    ),
    _rate(
        "trainees_employed",
        gettext_noop("Vocational trainees in work"),
        gettext_noop(
            "Trainees employed within 6 months of the course's end ÷ trainees who completed a course "
            "ended this year × 100"
        ),
        TRAINEES_EMPLOYED,
        TRAINEES_COMPLETED,
        Direction.UP,
    ),
    _count(
        "fund_raised",
        gettext_noop("“For the poor” fund raised"),
        Unit.DONG,
        gettext_noop("Donations received by the province's campaign of the year"),
        FUND_RAISED,
        Direction.UP,
    ),
    _rate(
        "fund_staff_share",
        gettext_noop("Staff who gave to the “For the poor” fund"),
        gettext_noop("Staff who gave to the year's campaign ÷ staff of the units taking part × 100"),
        FUND_STAFF_GAVE,
        FUND_STAFF,
        Direction.UP,
    ),
    _count(
        "relief_households",
        gettext_noop("Households supported after disasters"),
        Unit.HOUSEHOLDS,
        gettext_noop("Households affected by the year's disasters and epidemics that received support"),
        RELIEF_SUPPORTED,
        Direction.UP,
    ),
    _rate(
        "relief_coverage",
        gettext_noop("Affected households supported"),
        gettext_noop(
            "Households affected by the year's disasters and epidemics that received support ÷ affected "
            "households × 100"
        ),
        RELIEF_SUPPORTED,
        RELIEF_AFFECTED,
        Direction.UP,
    ),
    _entered(
        "programme_disbursement",
        gettext_noop("Programme funds disbursed"),
        Unit.PERCENT,
        gettext_noop(
            "Funds of the national target programme disbursed ÷ funds allocated for the year × 100 "
            "(entered by the unit)"
        ),
    ),
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def indicator(key: str) -> Indicator:
    """The indicator of a key; KeyError for an unknown key."""
    return BY_KEY[key]


# Progress and status of a target --------------------------------------------------------------------------
class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    NO_DATA = "no_data"


STATUS_NAMES = {
    Status.ON_TRACK: gettext_noop("On track"),
    Status.AT_RISK: gettext_noop("At risk"),
    Status.OFF_TRACK: gettext_noop("Off track"),
    Status.ACHIEVED: gettext_noop("Achieved"),
    Status.NO_DATA: gettext_noop("No data yet"),
}


@dataclass(frozen=True)
class Thresholds:
    """A target is on track when it has achieved at least ``on_track`` % of the progress expected by now
    (the share of the plan's time elapsed), at risk from ``at_risk`` %, off track below."""

    on_track: int = 100
    at_risk: int = 75

    def __post_init__(self) -> None:
        if not 0 <= self.at_risk <= self.on_track:
            raise ValueError("thresholds: 0 <= at_risk <= on_track")

    @property
    def rule(self) -> tuple[str, dict[str, int]]:
        """The rule in words: a msgid and its parameters (``gettext(msgid) % params``)."""
        return (
            gettext_noop(
                "On track: at least %(on_track)s%% of the progress expected by now; at risk: from "
                "%(at_risk)s%%; off track: below %(at_risk)s%%. The progress expected by now is the share "
                "of the plan's period elapsed."
            ),
            {"on_track": self.on_track, "at_risk": self.at_risk},
        )


def achieved_percent(*, baseline: Decimal, target: Decimal, actual: Decimal, direction: Direction) -> Decimal:
    """How much of the way from the baseline to the target the actual value has gone, in percent (may be
    negative, or above 100). A target equal to its baseline is achieved (100) when the actual is at least
    as good, else 0."""
    way = target - baseline if direction is Direction.UP else baseline - target
    done = actual - baseline if direction is Direction.UP else baseline - actual
    if way <= 0:
        return HUNDRED if done >= 0 else Decimal(0)
    return (done * HUNDRED / way).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_status(
    *,
    baseline: Decimal | None,
    target: Decimal,
    actual: Decimal | None,
    direction: Direction,
    elapsed: Decimal,
    thresholds: Thresholds,
) -> Status:
    """The status of a target. ``elapsed`` is the share of the plan's period elapsed (0–1)."""
    if actual is None or baseline is None:
        return Status.NO_DATA
    achieved = achieved_percent(baseline=baseline, target=target, actual=actual, direction=direction)
    if achieved >= HUNDRED:
        return Status.ACHIEVED
    expected = HUNDRED * min(max(elapsed, Decimal(0)), Decimal(1))
    if expected == 0:
        return Status.ON_TRACK
    ratio = achieved * HUNDRED / expected
    if ratio >= thresholds.on_track:
        return Status.ON_TRACK
    if ratio >= thresholds.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK
