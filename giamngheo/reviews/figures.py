"""The figures of a review round, per commune: one row per household that counts (poor, near-poor or
middle-living at the start or at the end of the round, or moved), the Circular 07 flows of each row, and
their counts per commune and village; the freeze that stores those rows (``RoundHousehold``) and counts
(``AreaSummary``) so that a submitted commune and a closed round never change again.

Start of the round (per household, first that applies):
1. the previous round's frozen end category, when the previous round froze this commune;
2. the category at step 1 (``Assessment.category_before``) of a household listed in the round;
3. for a commune that has not started the round: the registry's recognised category; for a commune that
   has started, a household that was not listed was neither poor nor near-poor (the listing takes every
   poor and near-poor household), and its middle-living category is today's (PROVISIONAL: the registry
   keeps no start-of-year middle-living category).
End of the round: the registry's recognised category of an active household; "" (gone) for a household
that is inactive, deleted or moved to another commune.

Each household takes exactly one flow per side (poor, near-poor), so every row of Mẫu 7.2 / 7.3
balances by construction: end = start − outflows + inflows. The count keys of ``AreaSummary.figures``
are all named here (``*_key`` functions).

Everything is set-based: a handful of queries per commune, whatever its size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import Category

from .models import (
    AreaSummary,
    Assessment,
    AssessmentStatus,
    CommuneReview,
    Movement,
    RegularRequest,
    RequestKind,
    RequestStatus,
    ReviewRound,
    RoundHousehold,
    Step,
)

POOR = str(Category.POOR)
NEAR_POOR = str(Category.NEAR_POOR)
MIDDLE = str(Category.MIDDLE)
GONE = ""  # end category of a household no longer in the commune's registry
SIDES = (POOR, NEAR_POOR)

# Flows (the movement of a household on one side). Values of ``RoundHousehold.poor_movement`` /
# ``near_poor_movement``; the same name on both sides means the same household event.
STILL = {POOR: str(Movement.STILL_POOR), NEAR_POOR: str(Movement.STILL_NEAR_POOR)}
POOR_TO_NEAR_POOR = str(Movement.POOR_TO_NEAR_POOR)
ESCAPED_ABOVE_NEAR_POOR = str(Movement.ESCAPED_ABOVE_NEAR_POOR)
NEAR_POOR_TO_POOR = str(Movement.NEAR_POOR_TO_POOR)
ESCAPED_NEAR_POVERTY = str(Movement.ESCAPED_NEAR_POVERTY)
OTHER_OUT = str(Movement.OTHER_OUT)
OTHER_IN = str(Movement.OTHER_IN)
RE = {POOR: str(Movement.RE_POOR), NEAR_POOR: str(Movement.RE_NEAR_POOR)}
NEW = {POOR: str(Movement.NEWLY_POOR), NEAR_POOR: str(Movement.NEWLY_NEAR_POOR)}

# The columns 1–9 of Mẫu 7.2 (poor) and 7.3 (near-poor), in order: 1 start, 2–4 out, 5–8 in, 9 end.
START, END = "start", "end"
COLUMNS: dict[str, tuple[str, ...]] = {
    POOR: (
        START,
        POOR_TO_NEAR_POOR,
        ESCAPED_ABOVE_NEAR_POOR,
        OTHER_OUT,
        NEAR_POOR_TO_POOR,
        RE[POOR],
        NEW[POOR],
        OTHER_IN,
        END,
    ),
    NEAR_POOR: (
        START,
        NEAR_POOR_TO_POOR,
        ESCAPED_NEAR_POVERTY,
        OTHER_OUT,
        POOR_TO_NEAR_POOR,
        RE[NEAR_POOR],
        NEW[NEAR_POOR],
        OTHER_IN,
        END,
    ),
}
OUTFLOWS = {side: COLUMNS[side][1:4] for side in SIDES}
INFLOWS = {side: COLUMNS[side][4:8] for side in SIDES}

HH, PERSONS = "hh", "persons"
UNITS = (HH, PERSONS)
EM, NWC, MERIT = "em", "nwc", "merit"  # ethnic minority, no working capacity, meritorious member
OTHER = "other"  # in none of the groups above (Mẫu 7.8 "Khác")
SPLITS = (EM, NWC, MERIT, OTHER)
NO_CAUSE = "none"

# Movements that mean "escaped poverty / near-poverty" when found in an earlier round.
ESCAPED_POVERTY_MOVES = (str(Movement.ESCAPED_POVERTY), POOR_TO_NEAR_POOR, ESCAPED_ABOVE_NEAR_POOR)


# Keys of AreaSummary.figures ------------------------------------------------------------------------------
def flow_key(side: str, column: str, unit: str = HH) -> str:
    """A column of Mẫu 7.2 / 7.3: ``poor.start.hh``, ``near_poor.other_in.persons``…"""
    return f"{side}.{column}.{unit}"


def split_key(side: str, when: str, split: str, unit: str = HH) -> str:
    """Of the households of ``side`` at ``when`` (start / end), those of a group: ``poor.end.em.hh``."""
    return f"{side}.{when}.{split}.{unit}"


def category_key(category: str, when: str, unit: str = HH) -> str:
    """Households (persons) of a category at the start or end, middle-living included: ``middle.end.hh``."""
    return f"{category}.{when}.{unit}"


def all_key(unit: str = HH, split: str = "") -> str:
    """Every active household (person) of the area at the end: ``all.hh``, ``all.em.persons``."""
    return f"all.{split}.{unit}" if split else f"all.{unit}"


def deprived_key(side: str, indicator: str) -> str:
    return f"{side}.deprived.{indicator}"


def unknown_key(side: str, indicator: str) -> str:
    """Households whose indicator could not be evaluated ("chưa đủ thông tin"), counted apart."""
    return f"{side}.unknown.{indicator}"


def deprivations_key(side: str) -> str:
    """Sum over the households of ``side`` of their number of deprived indicators."""
    return f"{side}.deprivations"


def ethnic_key(side: str, group: str) -> str:
    return f"{side}.ethnic.{group}"


def cause_key(side: str, cause: str) -> str:
    return f"{side}.cause.{cause}"


def keys_with_prefix(figures: Mapping[str, int], prefix: str) -> list[str]:
    return sorted(k for k in figures if k.startswith(prefix))


# Computation ----------------------------------------------------------------------------------------------
@dataclass
class CommuneFigures:
    """The rows of one commune (unsaved ``RoundHousehold``) and the counts per area (commune, villages)."""

    rows: list[RoundHousehold]
    counts: dict[int, Counter[str]]  # area id (commune, villages) -> figures
    villages: set[int] = field(default_factory=set)


def _pipes(keys: Iterable[str]) -> str:
    keys = [k for k in keys if k]
    return "|" + "|".join(keys) + "|" if keys else ""


def _split(keys: str) -> list[str]:
    return [k for k in keys.split("|") if k]


def previous_round(review_round: ReviewRound) -> ReviewRound | None:
    return (
        ReviewRound.objects.filter(province_id=review_round.province_id, year__lt=review_round.year)
        .order_by("-year")
        .first()
    )


def period_start(review_round: ReviewRound, previous: ReviewRound | None) -> dt.date:
    """First day of the period a round reports on: the day after the previous round ended (1 January of
    the round's year when there is none)."""
    if previous is not None:
        return previous.ends_on + dt.timedelta(days=1)
    return dt.date(review_round.year, 1, 1)


HOUSEHOLD_FIELDS = (
    "pk",
    "code",
    "head_name",
    "village_id",
    "village__name",
    "ethnic_group",
    "is_ethnic_minority",
    "no_working_capacity",
    "has_meritorious_member",
    "declared_persons",
    "causes_text",
    "category",
    "category_since",
    "category_decision",
    "deprived_keys",
    "unknown_keys",
    "is_active",
    "commune_id",
)


def _households(queryset: Any) -> Any:
    """The fields of ``HOUSEHOLD_FIELDS``; the causes as text, decoded only for the rows that count."""
    return queryset.annotate(causes_text=Cast("poverty_causes", TextField())).values_list(*HOUSEHOLD_FIELDS)


def _causes(text: str | None) -> list[str]:
    value = json.loads(text) if text else []
    return [str(c) for c in value] if isinstance(value, list) else []


def _totals(commune: Area, counts: dict[int, Counter[str]]) -> None:
    """Every active household and person of the commune, per village and for the commune (three
    aggregates): persons are the active members, or the declared number when no member is listed."""
    active = Household.objects.filter(commune=commune, is_active=True)

    def add(village_id: int | None, key: str, n: int) -> None:
        counts[commune.pk][key] += n
        if village_id:
            counts[village_id][key] += n

    for village_id, minority, n, persons in (
        active.order_by()
        .values_list("village_id", "is_ethnic_minority")
        .annotate(n=Count("pk", distinct=True), persons=Count("members", filter=Q(members__is_active=True)))
    ):
        add(village_id, all_key(HH), n)
        add(village_id, all_key(PERSONS), persons)
        if minority:
            add(village_id, all_key(HH, EM), n)
            add(village_id, all_key(PERSONS, EM), persons)
    has_members = Member.objects.filter(household_id=OuterRef("pk"), is_active=True)
    for village_id, minority, n in (
        active.filter(declared_persons__isnull=False)
        .exclude(Exists(has_members))
        .order_by()
        .values_list("village_id", "is_ethnic_minority")
        .annotate(n=Sum("declared_persons"))
    ):
        add(village_id, all_key(PERSONS), n or 0)
        if minority:
            add(village_id, all_key(PERSONS, EM), n or 0)


def _persons(members: dict[int, int], pk: int, declared: int | None) -> int:
    listed = members.get(pk, 0)
    return listed if listed else (declared or 0)


def _side_flow(side: str, start: str, end: str, *, escaped_earlier: bool, by_decision: bool) -> str:
    """The one flow of a household on ``side`` (poor or near-poor); "" when it is on neither end."""
    other = NEAR_POOR if side == POOR else POOR
    if start == side:
        if end == side:
            return STILL[side]
        if end == other:
            return POOR_TO_NEAR_POOR if side == POOR else NEAR_POOR_TO_POOR
        if end == GONE:
            return OTHER_OUT
        return ESCAPED_ABOVE_NEAR_POOR if side == POOR else ESCAPED_NEAR_POVERTY
    if end == side:
        if start == other:
            return NEAR_POOR_TO_POOR if side == POOR else POOR_TO_NEAR_POOR
        if escaped_earlier:
            return RE[side]
        return NEW[side] if by_decision else OTHER_IN
    return ""


def compute(review_round: ReviewRound, commune: Area, *, now: dt.datetime | None = None) -> CommuneFigures:
    """The rows and counts of one commune of one round, from the registry and the round's assessments."""
    now = now or timezone.now()
    previous = previous_round(review_round)
    since = period_start(review_round, previous)
    review = CommuneReview.objects.filter(round=review_round, commune=commune).only("step").first()
    started = review is not None and review.step >= Step.LISTING

    assessments = {
        a["household_id"]: a
        for a in Assessment.objects.filter(round=review_round, commune=commune).values(
            "household_id",
            "category_before",
            "decided_category",
            "status",
            "movement",
            "deprived",
            "unknown",
            "surveyed_on",
        )
    }
    frozen_before: dict[Any, dict[str, Any]] = {}
    previous_frozen = (
        previous is not None
        and CommuneReview.objects.filter(round=previous, commune=commune, frozen_at__isnull=False).exists()
    )
    if previous_frozen:
        for frozen_row in RoundHousehold.objects.filter(round=previous, commune=commune).values():
            frozen_before[frozen_row["household_id"] or ("code", frozen_row["code"])] = dict(frozen_row)
    # Only the households that can count are read one by one: poor, near-poor or middle-living in the
    # registry, listed in the round or frozen in the previous round. The totals come from aggregates.
    extra = {k for k in [*assessments, *frozen_before] if isinstance(k, int)}
    households = {
        row[0]: dict(zip(HOUSEHOLD_FIELDS, row, strict=True))
        for row in _households(
            Household.objects.filter(commune=commune).filter(
                Q(is_active=True, category__in=[POOR, NEAR_POOR, MIDDLE]) | Q(pk__in=sorted(extra))
            )
        )
    }
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    _totals(commune, counts)
    # Households listed here (or frozen here) that have since left the commune.
    elsewhere = [k for k in [*assessments, *frozen_before] if isinstance(k, int) and k not in households]
    for row in _households(Household.objects.filter(pk__in=elsewhere)):
        record = dict(zip(HOUSEHOLD_FIELDS, row, strict=True))
        record["is_active"] = False  # gone from this commune
        record["village_id"], record["village__name"] = None, ""
        households[row[0]] = record
    members: dict[int, int] = {}
    ids = sorted(households)
    for chunk in range(0, len(ids), 5000):
        members.update(
            Member.objects.filter(household_id__in=ids[chunk : chunk + 5000], is_active=True)
            .order_by()
            .values_list("household_id")
            .annotate(n=Count("pk"))
        )

    # Start and end of every household that counts.
    ends: dict[Any, str] = {}
    starts: dict[Any, str] = {}
    for pk, info in households.items():
        ends[pk] = (info["category"] or str(Category.NOT_POOR)) if info["is_active"] else GONE
        if previous_frozen:
            starts[pk] = frozen_before[pk]["end_category"] if pk in frozen_before else ""
        elif pk in assessments:
            starts[pk] = assessments[pk]["category_before"]
        elif info["commune_id"] != commune.pk:
            starts[pk] = ""
        elif started:
            starts[pk] = info["category"] if info["category"] == MIDDLE else ""
        else:
            starts[pk] = info["category"] if info["is_active"] else ""
    for key, old_row in frozen_before.items():
        if key not in households:  # deleted since: it was counted at the start, it is gone at the end
            starts[key], ends[key] = old_row["end_category"], GONE

    # History, only for the households that became poor / near-poor from neither.
    candidates = [
        pk for pk in households if ends[pk] in SIDES and starts[pk] not in SIDES and isinstance(pk, int)
    ]
    escaped: dict[str, set[int]] = {POOR: set(), NEAR_POOR: set()}
    decided: dict[str, set[int]] = {POOR: set(), NEAR_POOR: set()}
    if candidates:
        for chunk in range(0, len(candidates), 5000):
            ids = candidates[chunk : chunk + 5000]
            for hid, poor_move, near_move in RoundHousehold.objects.filter(
                household_id__in=ids, round__year__lt=review_round.year
            ).values_list("household_id", "poor_movement", "near_poor_movement"):
                if poor_move in ESCAPED_POVERTY_MOVES:
                    escaped[POOR].add(hid)
                if near_move == ESCAPED_NEAR_POVERTY:
                    escaped[NEAR_POOR].add(hid)
            for hid, move in Assessment.objects.filter(
                household_id__in=ids,
                round__year__lt=review_round.year,
                movement__in=[*ESCAPED_POVERTY_MOVES, ESCAPED_NEAR_POVERTY],
            ).values_list("household_id", "movement"):
                escaped[NEAR_POOR if move == ESCAPED_NEAR_POVERTY else POOR].add(hid)
            for hid, kind, decided_on in RegularRequest.objects.filter(
                household_id__in=ids, status=RequestStatus.APPROVED
            ).values_list("household_id", "kind", "decided_on"):
                if kind == RequestKind.ESCAPE and decided_on is not None and decided_on < now.date():
                    escaped[POOR].add(hid)  # the request does not say from which category: poverty
                if decided_on is not None and decided_on >= since:
                    if kind == RequestKind.BECOME_POOR:
                        decided[POOR].add(hid)
                    elif kind == RequestKind.BECOME_NEAR_POOR:
                        decided[NEAR_POOR].add(hid)
        for pk in candidates:
            a = assessments.get(pk)
            if a is None:
                continue
            if a["movement"] in (RE[POOR], RE[NEAR_POOR]):
                escaped[POOR if a["movement"] == RE[POOR] else NEAR_POOR].add(pk)
            if a["status"] == AssessmentStatus.RECOGNISED:  # the round's decision gave its category
                decided[POOR].add(pk)
                decided[NEAR_POOR].add(pk)

    rows: list[RoundHousehold] = []
    villages: set[int] = set()
    codes: set[str] = set()
    counted = (POOR, NEAR_POOR, MIDDLE)
    for key in starts:
        start, end = starts[key], ends[key]
        h = households.get(key) if isinstance(key, int) else None
        old = frozen_before.get(key)
        if h is not None:
            persons = _persons(members, key, h["declared_persons"])
            village_id = h["village_id"]
        else:
            persons, village_id = frozen_before[key]["persons"], frozen_before[key]["village_id"]
        if village_id:
            villages.add(village_id)
        areas = [commune.pk, village_id] if village_id else [commune.pk]
        if start not in counted and end not in counted:
            continue
        flows = {
            side: _side_flow(
                side,
                start,
                end,
                escaped_earlier=key in escaped[side],
                by_decision=key in decided[side],
            )
            for side in SIDES
        }
        assessment = assessments.get(key) if isinstance(key, int) else None
        if h is not None:
            if assessment is not None and assessment["surveyed_on"] is not None:
                deprived = list(assessment["deprived"] or [])
                unknown = list(assessment["unknown"] or [])
            else:
                deprived, unknown = _split(h["deprived_keys"]), _split(h["unknown_keys"])
            frozen = RoundHousehold(
                round=review_round,
                commune=commune,
                village_id=village_id,
                household_id=key,
                code=h["code"],
                head_name=h["head_name"],
                village_name=h["village__name"] or (old or {}).get("village_name", ""),
                ethnic_group=h["ethnic_group"],
                is_ethnic_minority=h["is_ethnic_minority"],
                no_working_capacity=h["no_working_capacity"] is True,
                has_meritorious_member=h["has_meritorious_member"],
                persons=persons,
                start_category=start,
                end_category=end,
                poor_movement=flows[POOR],
                near_poor_movement=flows[NEAR_POOR],
                deprived=_pipes(deprived),
                unknown=_pipes(unknown),
                causes=_causes(h["causes_text"]),
                category_since=h["category_since"],
                decision_number=h["category_decision"],
                frozen_at=now,
            )
        else:
            frozen = RoundHousehold(
                **{k: v for k, v in frozen_before[key].items() if k not in ("id", "round_id", "frozen_at")},
                round=review_round,
                frozen_at=now,
            )
            frozen.start_category, frozen.end_category = start, end
            frozen.poor_movement, frozen.near_poor_movement = flows[POOR], flows[NEAR_POOR]
        code, n = frozen.code, 1
        while frozen.code in codes:  # a deleted household's code given again to a new one
            n += 1
            frozen.code = f"{code} ({n})"
        codes.add(frozen.code)
        rows.append(frozen)
        for area in areas:
            count_row(counts[area], frozen)
    return CommuneFigures(rows=rows, counts=counts, villages=villages)


def count_row(bucket: Counter[str], row: RoundHousehold) -> None:
    """Add one household's figures to an area's counts."""
    persons = row.persons
    for when, category in ((START, row.start_category), (END, row.end_category)):
        if category in (POOR, NEAR_POOR, MIDDLE):
            bucket[category_key(category, when, HH)] += 1
            bucket[category_key(category, when, PERSONS)] += persons
            if category in SIDES:
                groups = (
                    (EM, row.is_ethnic_minority),
                    (NWC, row.no_working_capacity),
                    (MERIT, row.has_meritorious_member is True),
                )
                for split, member in (*groups, (OTHER, not any(m for _s, m in groups))):
                    if member:
                        bucket[split_key(category, when, split, HH)] += 1
                        bucket[split_key(category, when, split, PERSONS)] += persons
    for side, flow in ((POOR, row.poor_movement), (NEAR_POOR, row.near_poor_movement)):
        if flow and flow != STILL[side]:
            bucket[flow_key(side, flow, HH)] += 1
            bucket[flow_key(side, flow, PERSONS)] += persons
    side = row.end_category
    if side in SIDES:
        deprived = _split(row.deprived)
        for key in deprived:
            bucket[deprived_key(side, key)] += 1
        for key in _split(row.unknown):
            bucket[unknown_key(side, key)] += 1
        bucket[deprivations_key(side)] += len(deprived)
        bucket[ethnic_key(side, row.ethnic_group or "")] += 1
        causes = row.causes or []
        for cause in causes:
            bucket[cause_key(side, cause)] += 1
        if not causes:
            bucket[cause_key(side, NO_CAUSE)] += 1


def summary_values(figures: Mapping[str, int], *, is_urban: bool) -> dict[str, Any]:
    """The columns of ``AreaSummary`` from the figures (kept consistent: escaped poverty is the sum of its
    two parts, and so on), plus ``figures`` itself with the start / end totals of each side."""
    f = Counter(figures)
    for side in SIDES:  # the start / end of a side is in category_key; mirror it under the flow keys
        for unit in UNITS:
            f[flow_key(side, START, unit)] = f[category_key(side, START, unit)]
            f[flow_key(side, END, unit)] = f[category_key(side, END, unit)]
    return {
        "is_urban": is_urban,
        "households": f[all_key(HH)],
        "em_households": f[all_key(HH, EM)],
        "start_poor": f[category_key(POOR, START)],
        "start_near_poor": f[category_key(NEAR_POOR, START)],
        "escaped_poverty": f[flow_key(POOR, POOR_TO_NEAR_POOR)] + f[flow_key(POOR, ESCAPED_ABOVE_NEAR_POOR)],
        "escaped_near_poverty": f[flow_key(NEAR_POOR, ESCAPED_NEAR_POVERTY)],
        "newly_poor": f[flow_key(POOR, NEW[POOR])],
        "re_poor": f[flow_key(POOR, RE[POOR])],
        "near_poor_to_poor": f[flow_key(POOR, NEAR_POOR_TO_POOR)],
        "newly_near_poor": f[flow_key(NEAR_POOR, NEW[NEAR_POOR])],
        "end_poor": f[category_key(POOR, END)],
        "end_near_poor": f[category_key(NEAR_POOR, END)],
        "end_poor_em": f[split_key(POOR, END, EM)],
        "end_near_poor_em": f[split_key(NEAR_POOR, END, EM)],
        "end_poor_no_work_capacity": f[split_key(POOR, END, NWC)],
        "figures": {k: int(v) for k, v in sorted(f.items()) if v},
    }


def store(
    review_round: ReviewRound,
    commune: Area,
    result: CommuneFigures,
    *,
    frozen_at: dt.datetime | None,
) -> AreaSummary:
    """Write the commune's and its villages' summaries (and, when freezing, the frozen rows)."""
    is_urban = commune.is_urban
    summary, _created = AreaSummary.objects.update_or_create(
        round=review_round,
        area=commune,
        defaults=summary_values(result.counts.get(commune.pk, Counter()), is_urban=is_urban)
        | {"frozen_at": frozen_at},
    )
    village_ids = (
        set(Area.objects.filter(parent=commune, level=AreaLevel.VILLAGE).values_list("pk", flat=True))
        | result.villages
    )
    AreaSummary.objects.filter(round=review_round, area_id__in=village_ids).delete()
    AreaSummary.objects.bulk_create(
        [
            AreaSummary(
                round=review_round,
                area_id=village_id,
                frozen_at=frozen_at,
                **summary_values(result.counts.get(village_id, Counter()), is_urban=is_urban),
            )
            for village_id in sorted(village_ids)
        ]
    )
    if frozen_at is not None:
        RoundHousehold.objects.filter(round=review_round, commune=commune).delete()
        RoundHousehold.objects.bulk_create(result.rows, batch_size=2000)
        CommuneReview.objects.filter(round=review_round, commune=commune).update(frozen_at=frozen_at)
    return summary


def freeze(review_round: ReviewRound, commune: Area, *, now: dt.datetime | None = None) -> AreaSummary:
    """Freeze one commune of a round: its rows and its (and its villages') counts, as of now."""
    now = now or timezone.now()
    return store(review_round, commune, compute(review_round, commune, now=now), frozen_at=now)


def unfreeze(review_round: ReviewRound, commune: Area) -> None:
    """A reopened commune follows the registry again until it is frozen again."""
    CommuneReview.objects.filter(round=review_round, commune=commune).update(frozen_at=None)
    RoundHousehold.objects.filter(round=review_round, commune=commune).delete()
    AreaSummary.objects.filter(round=review_round, area=commune).update(frozen_at=None)
    AreaSummary.objects.filter(
        round=review_round, area__parent=commune, area__level=AreaLevel.VILLAGE
    ).update(frozen_at=None)


def province_values(review_round: ReviewRound) -> dict[str, Any]:
    """The province row: the sum of the commune rows (figures included)."""
    total: Counter[str] = Counter()
    for figures in AreaSummary.objects.filter(round=review_round, area__level=AreaLevel.COMMUNE).values_list(
        "figures", flat=True
    ):
        total.update(figures or {})
    return summary_values(total, is_urban=False)


def balance_errors(figures: Mapping[str, int]) -> list[str]:
    """Rows of Mẫu 7.2 / 7.3 that do not balance (should always be empty)."""
    errors = []
    for side in SIDES:
        for unit in UNITS:
            start = figures.get(category_key(side, START, unit), 0)
            end = figures.get(category_key(side, END, unit), 0)
            outs = sum(figures.get(flow_key(side, c, unit), 0) for c in OUTFLOWS[side])
            ins = sum(figures.get(flow_key(side, c, unit), 0) for c in INFLOWS[side])
            if start - outs + ins != end:
                errors.append(f"{side}/{unit}: {start} - {outs} + {ins} != {end}")
    return errors
