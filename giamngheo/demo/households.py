"""Realistic demo households: who lives where, with what, on how much — deterministic for a seed.

The generator is pure (no database): it takes the villages of a province (``village_slots``) and yields
``GeneratedHousehold`` objects; ``save_households`` writes them. Shares follow
``shared/domain/legal-facts.md`` §7: about 1 % poor and 1 % near-poor households overall in the
South-East, several % in the former Bình Phước communes, where most ethnic-minority (EM) households
live (S'tiêng, Khmer, M'nông) and where EM households are more than half of the poor.

How a household is drawn:

1. its members (size 1–7, head first, a realistic age and sex structure, Vietnamese names in
   Vietnamese order: family name, middle name, given name);
2. an income class (at or below the income line, in the middle-living band, or above), with
   probabilities by ethnicity and region;
3. the indicators it *should* lack (more for low incomes, and at least 3 for about half of them), then
   member facts and living conditions that produce exactly those deprivations under the
   ND07-2021 rules;
4. the recognised category: the engine's result on those facts (``giamngheo.poverty.classify``) on the
   commune's 2025 survey date, under every standard in force that year (the provincial one too), so the
   registry starts consistent with the engine; ``category_since`` is the commune's decision in December;
5. realistic gaps (from their own random stream, so the rest of a seed's data does not move): most
   households were surveyed completely, but among those not on the poor and near-poor lists (whose
   facts the review records in full) about 3 % were never asked about information devices, 1.5 % have
   one member whose survey facts were not recorded, 0.5 % lack the disability and allowance flags of
   their members, and 0.5 % are new households whose income has not been surveyed yet (not classified:
   "chưa đủ thông tin"). The engine's fields are computed on the facts with the gaps, three-valued.

Money is whole đồng, floor areas are ``Decimal`` with one decimal, dates are dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from giamngheo.core.audit import audit_record
from giamngheo.core.bulk import write_rows
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel, DifficultyKind, DifficultyPeriod
from giamngheo.households.facts import MEMBER_FACT_NAMES, engine_values
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import is_ethnic_minority
from giamngheo.households.search import search_text
from giamngheo.poverty.ages import age_on
from giamngheo.poverty.classify import Category, Result, classify_flags, evaluate_indicators
from giamngheo.poverty.facts import EDUCATION_RANK, Education, HouseholdFacts, MemberFacts
from giamngheo.poverty.standard import Standard
from giamngheo.standards.adapters import standards_in_force

from . import names

# The registry's categories come from the periodic review of this year.
REVIEW_YEAR = 2025
LEGACY_BINH_PHUOC = "L70"
KINH = "01"

# Ethnic groups by the names used in ``names`` -> the codes of the registry (ethnic_groups.json).
GROUP_CODES = {
    "S'tiêng": "22",
    "Khmer": "05",
    "M'nông": "20",
    "Tày": "02",
    "Nùng": "07",
    "Hoa": "04",
    "Dao": "09",
    "Chơ Ro": "32",
    "Mạ": "28",
}
NAME_STYLES = {"S'tiêng": "stieng", "M'nông": "mnong", "Khmer": "khmer"}
# The former Bình Phước: S'tiêng, Khmer and M'nông first (``names.ETHNIC_GROUPS``). The rest of the
# province: Hoa first, then Chơ Ro, Tày, Nùng and others.
GROUPS_ELSEWHERE = {
    "Hoa": 45,
    "Tày": 12,
    "Nùng": 12,
    "Chơ Ro": 10,
    "Khmer": 8,
    "S'tiêng": 5,
    "Mạ": 4,
    "Dao": 4,
}

# Household size (persons) 1..7: about 3.4 on average (South-East), larger among EM households.

# Probability that a household lacks an indicator of ND07-2021, by (income above the line, low income
# Kinh, low income EM). "dependants" is not drawn: it follows from the household's composition.
DEPRIVATION_RATES = {
    "employment": (0.10, 0.45, 0.55),
    "nutrition": (0.03, 0.15, 0.30),
    "health_insurance": (0.05, 0.12, 0.10),
    "adult_education": (0.05, 0.30, 0.50),
    "child_schooling": (0.02, 0.10, 0.20),
    "housing_quality": (0.02, 0.30, 0.45),
    "housing_area": (0.03, 0.25, 0.30),
    "water": (0.01, 0.15, 0.25),
    "sanitation": (0.03, 0.35, 0.55),
    "telecom": (0.03, 0.25, 0.35),
    "information_devices": (0.01, 0.20, 0.30),
}
CONTROLLED = tuple(DEPRIVATION_RATES)
# The parameters of ND07-2021's rules the generator aims at (the engine decides in the end).
WORKING_AGE_FROM, WORKING_AGE_TO_MALE, WORKING_AGE_TO_FEMALE = 15, 60, 55
CHILD_UNDER = 16
SCHOOL_FROM = 3
ADULT_EDUCATION_FROM, UPPER_SECONDARY_FROM, ADULT_EDUCATION_TO = 16, 18, 30
INSURANCE_FROM = 6
SOCIAL_PENSION_AGE = 75  # Law on Social Insurance 2024, from 1 July 2025


class Weighted:
    """Values with weights, drawn with ``pick`` (cumulative weights computed once)."""

    def __init__(self, weights: Mapping[str, int]) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


EDUCATION_BY_AGE = {  # highest level completed by adults, by age band (upper bound of the band)
    30: Weighted(
        {"upper_secondary": 42, "vocational": 18, "higher": 18, "lower_secondary": 17, "primary": 5}
    ),
    45: Weighted(
        {
            "upper_secondary": 33,
            "lower_secondary": 27,
            "primary": 12,
            "vocational": 13,
            "higher": 11,
            "none": 4,
        }
    ),
    60: Weighted(
        {"lower_secondary": 30, "primary": 28, "upper_secondary": 22, "vocational": 8, "higher": 6, "none": 6}
    ),
    200: Weighted(
        {
            "primary": 35,
            "lower_secondary": 25,
            "none": 18,
            "upper_secondary": 14,
            "higher": 4,
            "vocational": 4,
        }
    ),
}
EXPECTED_LEVEL = Weighted({"upper_secondary": 6, "vocational": 2, "higher": 2})
CLEAN_WATER_URBAN = Weighted({"piped": 85, "drilled_well": 10, "bottled": 5})
CLEAN_WATER_RURAL = Weighted(
    {"drilled_well": 55, "piped": 30, "protected_dug_well": 10, "rainwater": 3, "bottled": 2}
)
UNSAFE_WATER = Weighted({"unprotected_well": 50, "surface": 30, "other": 20})
HYGIENIC_LATRINES = Weighted(
    {"septic": 75, "semi_septic": 15, "pour_flush": 7, "double_vault": 2, "ventilated_pit": 1}
)
UNHYGIENIC_LATRINES = Weighted({"simple_pit": 65, "none": 35})
WASTE_URBAN = Weighted({"collected": 95, "burned_safely": 3, "composted": 2})
WASTE_RURAL = Weighted({"collected": 55, "burned_safely": 20, "buried": 10, "composted": 10, "dumped": 5})
FAMILY_NAMES = Weighted(dict(names.FAMILY_NAMES))
GROUPS_BINH_PHUOC = Weighted(dict(names.ETHNIC_GROUPS))
GROUPS_REST = Weighted(GROUPS_ELSEWHERE)
# Household size (persons) 1..7: about 3.5 on average, larger among EM households.
SIZES_KINH = Weighted({"1": 8, "2": 18, "3": 25, "4": 28, "5": 13, "6": 5, "7": 3})
SIZES_EM = Weighted({"1": 4, "2": 11, "3": 19, "4": 26, "5": 20, "6": 12, "7": 8})
NID_MULTIPLIER = 387_913  # odd and not a multiple of 5: a bijection of 0..999,999
NID_SPACE = 1_000_000


_PLAIN = frozenset("0123456789-")


@functools.lru_cache(maxsize=65_536)
def _fold_cached(text: str) -> str:
    return fold(text)


def _fold_part(text: str) -> str:
    return text if set(text) <= _PLAIN else _fold_cached(text)


@dataclass(frozen=True, slots=True)
class VillageSlot:
    """A village the generator may put households in, with what it needs to know about its commune."""

    commune_id: int
    commune_code: str
    commune_name: str
    village_id: int
    village_code: str
    village_name: str
    urban: bool
    former_binh_phuoc: bool
    difficult: bool


@dataclass(frozen=True, slots=True)
class ReviewCalendar:
    """The dates of a commune's periodic review (deterministic for a seed and a commune)."""

    survey: dt.date
    meeting: dt.date
    posting_from: dt.date
    posting_to: dt.date
    decision: dt.date
    decision_number: str


@dataclass(slots=True)
class GeneratedMember:
    full_name: str
    sex: str
    date_of_birth: dt.date
    relationship: str
    national_id: str | None
    ethnic_group: str
    has_health_insurance: bool | None = True
    in_education: bool | None = False
    attending_appropriate_level: bool | None = None
    education: str = ""
    employment: str = ""
    disabled: bool | None = False
    monthly_social_allowance: bool | None = False
    stunted: bool | None = None
    underweight: bool | None = None
    uses_internet: bool | None = False

    def facts(self, on: dt.date) -> MemberFacts:
        """As ``giamngheo.households.engine.member_facts`` reads a saved member."""
        return MemberFacts(
            age=age_on(self.date_of_birth, on), sex=self.sex, **engine_values("member", self._value)
        )

    def _value(self, name: str) -> Any:
        return getattr(self, name)


@dataclass(slots=True)
class GeneratedHousehold:
    slot: VillageSlot
    code: str
    address: str
    head_name: str
    phone: str
    ethnic_group: str
    walls_durable: bool
    columns_durable: bool
    roof_durable: bool
    floor_area_m2: Decimal
    water_source: str
    latrine: str
    devices: list[str]
    waste_handling: str
    income_per_capita: int
    no_working_capacity: bool
    members: list[GeneratedMember]
    category_since: dt.date
    category: str = ""
    provincial_category: str = ""
    engine_standard: str = ""
    engine_category: str = ""
    engine_provincial_category: str = ""
    deprived_keys: str = ""
    unknown_keys: str = ""
    intended: frozenset[str] = field(default_factory=frozenset)  # what the generator aimed at (tests)
    # Gaps: the devices were never asked (saved as None), the income was not surveyed (saved as None).
    devices_asked: bool = True
    income_recorded: bool = True

    @property
    def saved_devices(self) -> list[str] | None:
        return self.devices if self.devices_asked else None

    @property
    def saved_income(self) -> int | None:
        return self.income_per_capita if self.income_recorded else None

    @property
    def saved_category_since(self) -> dt.date | None:
        return self.category_since if self.category else None

    @property
    def is_ethnic_minority(self) -> bool:
        return is_ethnic_minority(self.ethnic_group)

    @property
    def search_text(self) -> str:
        """Exactly what ``households.services.refresh_search_text`` stores (members by date of birth)."""
        # Names repeat: each is folded once (``_fold_part``).
        return search_text(
            code=self.code,
            head_name=self.head_name,
            phone=self.phone,
            members=(
                (m.full_name, m.national_id) for m in sorted(self.members, key=lambda m: m.date_of_birth)
            ),
            fold_part=_fold_part,
        )

    def facts(self, on: dt.date) -> HouseholdFacts:
        """As ``giamngheo.households.engine.household_facts`` reads the saved household."""
        return HouseholdFacts(
            area="urban" if self.slot.urban else "rural",
            income_per_capita=self.saved_income,
            members=tuple(m.facts(on) for m in self.members),
            **engine_values("household", self._saved),
        )

    def _saved(self, name: str) -> Any:
        """A fact as saved (the devices: None when never asked)."""
        return self.saved_devices if name == "devices" else getattr(self, name)


# Gaps (see the module's docstring): thresholds on one uniform draw per household.
GAP_NO_INCOME = 0.005
GAP_DEVICES = GAP_NO_INCOME + 0.03
GAP_MEMBER = GAP_DEVICES + 0.015
GAP_SHARE = GAP_MEMBER + 0.005  # the last band: disability and allowance flags not recorded


def _apply_gap(household: GeneratedHousehold, gap: float) -> None:
    """Make the facts of a household incomplete, as the registry has them (deterministic for ``gap``)."""
    if gap < GAP_NO_INCOME:
        # A new household (split or moved in): its income is not surveyed yet, it is not classified.
        household.income_recorded = False
        household.category = household.provincial_category = ""
    elif gap < GAP_DEVICES:
        household.devices_asked = False
    elif gap < GAP_MEMBER:
        member = household.members[-1]  # the survey facts of one member were not recorded
        member.has_health_insurance = member.in_education = member.uses_internet = None
        member.disabled = member.monthly_social_allowance = None
        member.education = member.employment = ""
        member.stunted = member.underweight = member.attending_appropriate_level = None
    else:
        for member in household.members:
            member.disabled = member.monthly_social_allowance = None


def village_slots(province: Area, *, year: int = REVIEW_YEAR) -> list[VillageSlot]:
    """The active villages of ``province``, in code order, with their commune's traits."""
    communes = {
        c.pk: c for c in Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
    }
    former = set(
        Area.objects.filter(
            pk__in=list(communes), predecessor_links__predecessor__code=LEGACY_BINH_PHUOC
        ).values_list("pk", flat=True)
    )
    difficult = {
        p.area_id
        for p in DifficultyPeriod.objects.filter(
            area_id__in=list(communes), kind=DifficultyKind.ESPECIALLY_DIFFICULT
        )
        if p.covers(year)
    }
    villages = Area.objects.filter(
        parent_id__in=list(communes), level=AreaLevel.VILLAGE, is_active=True
    ).order_by("path")
    return [
        VillageSlot(
            commune_id=v.parent_id or 0,
            commune_code=communes[v.parent_id or 0].code,
            commune_name=communes[v.parent_id or 0].name,
            village_id=v.pk,
            village_code=v.code,
            village_name=v.name,
            urban=communes[v.parent_id or 0].is_urban,
            former_binh_phuoc=v.parent_id in former,
            difficult=v.parent_id in difficult,
        )
        for v in villages
    ]


def review_calendar(*, seed: int, commune_code: str, year: int = REVIEW_YEAR) -> ReviewCalendar:
    """Survey in October, village meeting and posting in November, decision in the first days of December."""
    rng = random.Random(f"calendar:{seed}:{year}:{commune_code}")  # noqa: S311 - demo data
    survey = dt.date(year, 10, 1) + dt.timedelta(days=rng.randrange(25))
    meeting = dt.date(year, 11, 1) + dt.timedelta(days=rng.randrange(10))
    posting_from = meeting + dt.timedelta(days=1)
    posting_to = posting_from + dt.timedelta(days=rng.choice([3, 5, 7]))
    decision = dt.date(year, 12, 1) + dt.timedelta(days=rng.randrange(12))
    return ReviewCalendar(
        survey=survey,
        meeting=meeting,
        posting_from=posting_from,
        posting_to=posting_to,
        decision=decision,
        decision_number=f"{rng.randint(100, 999)}/QĐ-UBND",
    )


# The communes of the demo's commune officers (``focus``) get more households and more low incomes, so
# that their officers have poor households, a review list and gaps to work on even in a small demo.
FOCUS_WEIGHT = 4.0
FOCUS_LOW = 6.0


def allocate(
    slots: Sequence[VillageSlot], count: int, seed: int, focus: frozenset[str] = frozenset()
) -> list[int]:
    """How many households each village gets: proportional to a weight (wards' quarters are larger than
    rural hamlets; the ``focus`` communes' villages weigh ``FOCUS_WEIGHT`` times more), by largest
    remainders so the total is exactly ``count``."""
    if not slots or count <= 0:
        return [0] * len(slots)
    rng = random.Random(f"allocate:{seed}")  # noqa: S311 - demo data
    weights = [
        (3.0 if s.urban else 1.0) * rng.uniform(0.5, 1.5) * (FOCUS_WEIGHT if s.commune_name in focus else 1.0)
        for s in slots
    ]
    total = sum(weights)
    shares = [count * w / total for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(slots)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    return counts


class NationalIds:
    """Unique, valid 12-digit national ID numbers: place of birth registration (001–096), sex and century,
    year of birth, then 6 digits. Each commune draws from its own block of the 6-digit space (scrambled
    by an affine bijection), so communes can be generated independently and never collide."""

    def __init__(self, seed: int, communes: int) -> None:
        self.block = NID_SPACE // max(communes, 1)
        self.offset = random.Random(f"ids:{seed}").randrange(NID_SPACE)  # noqa: S311 - demo data
        self.issued: dict[tuple[int, str], int] = {}

    def issue(self, commune_index: int, birth_province: int, sex: str, born: dt.date) -> str | None:
        century = born.year // 100 - 19  # 1900s -> 0, 2000s -> 1
        digit = 2 * century + (1 if sex == "F" else 0)
        prefix = f"{birth_province:03d}{digit}{born.year % 100:02d}"
        key = (commune_index, prefix)
        n = self.issued.get(key, 0)
        if n >= self.block or not 0 <= digit <= 9:
            return None  # block exhausted (not at the scale of a province): no number recorded
        self.issued[key] = n + 1
        # For one prefix, an affine map of distinct numbers gives distinct suffixes; the shift per prefix
        # keeps the numbers of one family from sharing their last digits.
        shift = (int(prefix) * 104_729 + self.offset) % NID_SPACE
        suffix = ((commune_index * self.block + n) * NID_MULTIPLIER + shift) % NID_SPACE
        return f"{prefix}{suffix:06d}"


def _birth_date(rng: random.Random, age: int, on: dt.date) -> dt.date:
    """A date of birth giving exactly ``age`` completed years on ``on``."""
    anniversary = dt.date(on.year - age, on.month, min(on.day, 28))
    return anniversary - dt.timedelta(days=rng.randrange(365))


def _family_name(rng: random.Random, style: str) -> str:
    if style == "khmer":
        return rng.choice(names.KHMER_FAMILY)
    return FAMILY_NAMES.pick(rng)


def _person_name(rng: random.Random, style: str, sex: str, family: str) -> str:
    """Vietnamese order: family name, middle name, given name (S'tiêng and M'nông have their own forms)."""
    if style == "stieng":
        return names.minority_name(rng, sex, "S'tiêng")
    if style == "mnong":
        return names.minority_name(rng, sex, "M'nông")
    if style == "khmer":
        middle = "Thị" if sex == "F" else rng.choice(["", "Văn"])
        given = rng.choice(names.GIVEN_FEMALE if sex == "F" else names.GIVEN_MALE)
        return " ".join(p for p in (family, middle, given) if p)
    if sex == "F":
        return f"{family} {rng.choice(names.MIDDLE_FEMALE)} {rng.choice(names.GIVEN_FEMALE)}"
    return f"{family} {rng.choice(names.MIDDLE_MALE)} {rng.choice(names.GIVEN_MALE)}"


@dataclass(slots=True)
class _Person:
    relationship: str
    sex: str
    age: int
    family_of: int = -1  # index of the person whose family name this one carries (-1: own family name)


def _composition(rng: random.Random, size: int, em: bool) -> list[_Person]:
    """Head first, then spouse, a parent of the head, and the children or grandchildren (oldest first)."""
    if size == 1:
        elderly = rng.random() < 0.45
        age = rng.randint(60, 90) if elderly else rng.randint(22, 59)
        return [_Person("head", "F" if rng.random() < (0.6 if elderly else 0.4) else "M", age)]
    head_age = max(21, min(88, int(rng.gauss(56 if size == 2 else 46, 14 if size == 2 else 12))))
    head = _Person("head", "M" if rng.random() < (0.8 if em else 0.72) else "F", head_age)
    people = [head]
    rest = size - 1
    if rng.random() < (0.88 if size >= 3 else 0.7):
        gap = rng.randint(0, 6)
        spouse_age = head_age - gap if head.sex == "M" else head_age + gap
        people.append(_Person("spouse", "F" if head.sex == "M" else "M", max(18, min(95, spouse_age))))
        rest -= 1
    if rest >= 2 and head_age <= 62 and rng.random() < 0.18:
        people.append(
            _Person("parent", "F" if rng.random() < 0.65 else "M", min(95, head_age + rng.randint(22, 32)))
        )
        rest -= 1
    couple = [i for i, p in enumerate(people) if p.relationship in ("head", "spouse")]
    father = next((i for i in couple if people[i].sex == "M"), 0)
    mother_age = min(people[i].age for i in couple)
    young: list[_Person] = []
    if head_age >= 55 and rest >= 3 and rng.random() < 0.6:
        adult_age = rng.randint(max(18, head_age - 35), max(18, head_age - 20))
        adult = _Person("child", rng.choice("MF"), adult_age, father)
        young.append(adult)
        rest -= 1
        if rest >= 2 and rng.random() < 0.6:
            young.append(
                _Person("other", "F" if adult.sex == "M" else "M", max(18, adult_age + rng.randint(-4, 3)))
            )
            rest -= 1
        oldest = max(0, min(adult_age - 18, 20))
        young.extend(_Person("grandchild", rng.choice("MF"), rng.randint(0, oldest), -2) for _ in range(rest))
    elif len(people) == 1 and head_age < 30 and rng.random() < 0.5:
        young.extend(
            _Person("sibling", rng.choice("MF"), rng.randint(12, head_age + 5), 0) for _ in range(rest)
        )
    else:
        oldest = max(0, min(mother_age - 18, 35))
        young.extend(_Person("child", rng.choice("MF"), rng.randint(0, oldest), father) for _ in range(rest))
    young.sort(key=lambda p: -p.age)
    return people + young


def _working_age(p: _Person) -> bool:
    return WORKING_AGE_FROM <= p.age < (WORKING_AGE_TO_FEMALE if p.sex == "F" else WORKING_AGE_TO_MALE)


class HouseholdGenerator:
    """Draws the households of a province. ``households()`` yields them commune by commune; each commune
    has its own random stream, so the result does not depend on the order communes are generated in."""

    def __init__(
        self,
        slots: Sequence[VillageSlot],
        *,
        count: int,
        seed: int,
        province_code: int,
        classify: bool = True,
        focus: Iterable[str] = (),
    ) -> None:
        self.slots = list(slots)
        self.focus = frozenset(focus)
        self.counts = allocate(self.slots, count, seed, self.focus)
        self.seed = seed
        self.province_code = province_code
        self.classify = classify
        self.communes = sorted({s.commune_code for s in self.slots})
        self.commune_index = {code: i for i, code in enumerate(self.communes)}
        self.ids = NationalIds(seed, len(self.communes))
        standards = standards_in_force(year=REVIEW_YEAR, province=str(province_code))
        national = [s for s in standards.values() if s.is_national]
        local = [s for s in standards.values() if not s.is_national]
        self.national: Standard | None = national[0] if national else None
        self.local: Standard | None = local[0] if local else None
        line = self.national.income_line if self.national else None
        middle = self.national.middle_upper if self.national else None
        self.lines = {False: line.rural if line else 1_500_000, True: line.urban if line else 2_000_000}
        self.middle = {
            False: middle.rural if middle else 2_250_000,
            True: middle.urban if middle else 3_000_000,
        }

    def households(self) -> Iterator[GeneratedHousehold]:
        by_commune: dict[str, list[tuple[VillageSlot, int]]] = {}
        for slot, n in zip(self.slots, self.counts, strict=True):
            by_commune.setdefault(slot.commune_code, []).append((slot, n))
        for code in self.communes:
            yield from self.commune_households(code, by_commune[code])

    def commune_households(
        self, code: str, villages: Sequence[tuple[VillageSlot, int]]
    ) -> Iterator[GeneratedHousehold]:
        rng = random.Random(f"households:{self.seed}:{code}")  # noqa: S311 - demo data
        gaps = random.Random(f"gaps:{self.seed}:{code}")  # noqa: S311 - demo data
        first = villages[0][0]
        if first.former_binh_phuoc:
            em_share = rng.uniform(0.05, 0.10) if first.urban else rng.uniform(0.15, 0.30)
            if first.difficult:
                em_share = rng.uniform(0.30, 0.42)
            groups = GROUPS_BINH_PHUOC
        else:
            em_share = rng.uniform(0.01, 0.02)
            groups = GROUPS_REST
        calendar = review_calendar(seed=self.seed, commune_code=code)
        seq = itertools.count(1)
        index = self.commune_index[code]
        for slot, n in villages:
            for _ in range(n):
                group = groups.pick(rng) if rng.random() < em_share else "Kinh"
                yield self._household(rng, slot, next(seq), group, index, calendar, gaps.random())

    # One household -----------------------------------------------------------------------------------

    def _household(
        self,
        rng: random.Random,
        slot: VillageSlot,
        seq: int,
        group: str,
        commune_index: int,
        calendar: ReviewCalendar,
        gap: float = 1.0,
    ) -> GeneratedHousehold:
        on = calendar.survey
        em = group != "Kinh"
        code = GROUP_CODES.get(group, KINH)
        size = int((SIZES_EM if em else SIZES_KINH).pick(rng))
        people = _composition(rng, size, em)
        members = self._members(rng, slot, people, group, commune_index, on)
        urban = slot.urban

        # Income class: low (at or below the line), middle-living band, or above.
        if em:
            p_low = (0.12 if slot.difficult else 0.09) if slot.former_binh_phuoc else 0.05
        elif slot.former_binh_phuoc:
            p_low = 0.012 if urban else 0.025
        else:
            p_low = 0.008 if urban else 0.013
        if slot.commune_name in self.focus:
            p_low = min(0.4, p_low * FOCUS_LOW)
        p_middle = 0.15 if em else (0.05 if urban else 0.07)
        draw = rng.random()
        low, middle = draw < p_low, p_low <= draw < p_low + p_middle
        poor_target = low and rng.random() < (0.65 if em else 0.45)

        # Which indicators the household lacks.
        ages = [p.age for p in people]
        working = [i for i, p in enumerate(people) if _working_age(p) and not members[i].in_education]
        children = [i for i, a in enumerate(ages) if a < CHILD_UNDER]
        insured_age = [i for i, a in enumerate(ages) if a >= INSURANCE_FROM]
        young_adults = [i for i, a in enumerate(ages) if ADULT_EDUCATION_FROM <= a <= ADULT_EDUCATION_TO]
        pupils = [i for i, a in enumerate(ages) if SCHOOL_FROM <= a < CHILD_UNDER]
        feasible = {
            "employment": bool(working),
            "nutrition": bool(children),
            "health_insurance": bool(insured_age),
            "adult_education": bool(young_adults),
            "child_schooling": bool(pupils),
        }
        column = (2 if em else 1) if low else 0
        wanted: set[str] = set()
        for key in CONTROLLED:
            rate = DEPRIVATION_RATES[key][column] * (2 if em and not low else 1)
            if feasible.get(key, True) and rng.random() < rate:
                wanted.add(key)
        dependants = sum(
            1
            for p, m in zip(people, members, strict=True)
            if p.age < CHILD_UNDER or m.monthly_social_allowance
        )
        structural = 1 if dependants > 0.5 * len(people) else 0
        if poor_target:
            options = [k for k in CONTROLLED if k not in wanted and feasible.get(k, True)]
            rng.shuffle(options)
            while len(wanted) + structural < 3 and options:
                wanted.add(options.pop())
        elif low:
            extra = sorted(wanted)
            rng.shuffle(extra)
            while len(wanted) + structural >= 3:
                wanted.discard(extra.pop())

        self._member_facts(
            rng, people, members, wanted, working, children, insured_age, young_adults, pupils, em
        )

        # Living conditions.
        if "housing_quality" in wanted:
            parts = [False, False, rng.random() < 0.4]
            rng.shuffle(parts)
        else:
            parts = [True, True, True]
            if rng.random() < 0.08:
                parts[rng.randrange(3)] = False
        n = len(people)
        if "housing_area" in wanted:
            area_m2 = Decimal(rng.randint(3 * n, 8 * n - 1))
        else:
            area_m2 = Decimal(n * rng.randint(10 if urban else 12, 30) + rng.randint(0, 20))
        if rng.random() < 0.1:
            area_m2 += Decimal("0.5")
            if "housing_area" in wanted and area_m2 >= 8 * n:
                area_m2 -= 1
        water = (
            UNSAFE_WATER.pick(rng)
            if "water" in wanted
            else (CLEAN_WATER_URBAN if urban else CLEAN_WATER_RURAL).pick(rng)
        )
        latrine = UNHYGIENIC_LATRINES.pick(rng) if "sanitation" in wanted else HYGIENIC_LATRINES.pick(rng)
        devices: list[str] = []
        if "information_devices" not in wanted:
            for device, p in (
                ("tv", 0.9),
                ("radio", 0.1),
                ("computer", 0.55 if urban else 0.3),
                ("tablet", 0.08),
                ("smartphone", 0.8 if em else 0.92),
            ):
                if rng.random() < p:
                    devices.append(device)
            if not devices:
                devices.append("smartphone")
        waste = (WASTE_URBAN if urban else WASTE_RURAL).pick(rng)

        # Income per person per month (whole đồng, rounded to 10,000 as surveys record it).
        line, upper = self.lines[urban], self.middle[urban]
        if low:
            income = rng.randrange(line * 4 // 10 // 10_000 * 10_000, line + 1, 10_000)
        elif middle:
            income = rng.randrange(line + 10_000, upper + 1, 10_000)
        else:
            median = 3_200_000 if em else (6_000_000 if urban else 4_200_000)
            income = int(median * rng.lognormvariate(0, 0.5)) // 10_000 * 10_000
            if income <= upper:
                income = upper + rng.randrange(10_000, 1_500_000, 10_000)

        head = members[0]
        house_no = f"Số {rng.randint(1, 250)}, " if urban else ""
        household = GeneratedHousehold(
            slot=slot,
            code=f"{slot.commune_code}-{seq:06d}",
            address=f"{house_no}{slot.village_name}, {slot.commune_name}",
            head_name=head.full_name,
            phone=f"0{rng.choice('3789')}{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.85
            else "",
            ethnic_group=code,
            walls_durable=parts[0],
            columns_durable=parts[1],
            roof_durable=parts[2],
            floor_area_m2=area_m2,
            water_source=water,
            latrine=latrine,
            devices=devices,
            waste_handling=waste,
            income_per_capita=income,
            no_working_capacity=not any(
                _working_age(p) and not m.disabled for p, m in zip(people, members, strict=True)
            ),
            members=members,
            category_since=calendar.decision,
            intended=frozenset(wanted),
        )
        if self.classify:
            self.apply_engine(household, on, gap)
        return household

    def apply_engine(self, household: GeneratedHousehold, on: dt.date, gap: float = 1.0) -> None:
        """The recognised category from the engine's result on the complete facts; then the gaps (``gap``:
        a uniform draw of the gaps' own stream) for households not on the poor and near-poor lists; then
        the engine's fields on the facts with the gaps."""
        if self.national is None:
            return
        national, local = self._classify(household.facts(on))
        household.category = str(national.category)
        household.provincial_category = str(local.category) if local is not None else ""
        if gap < GAP_SHARE and household.category not in (Category.POOR, Category.NEAR_POOR):
            _apply_gap(household, gap)
            national, local = self._classify(household.facts(on))
        household.engine_category = str(national.category or "")
        household.engine_standard = national.standard_code
        household.deprived_keys = "|" + "|".join(national.deprived) + "|" if national.deprived else ""
        household.unknown_keys = "|" + "|".join(national.unknown) + "|" if national.unknown else ""
        if local is not None:
            household.engine_provincial_category = str(local.category or "")

    def _classify(self, facts: HouseholdFacts) -> tuple[Result, Result | None]:
        """The engine's result under the national standard and the provincial one (indicators evaluated
        once when both standards share them)."""
        national_standard = self.national
        if national_standard is None:  # pragma: no cover - apply_engine checks it
            raise ValueError("no national standard")
        values = evaluate_indicators(facts, national_standard)
        deprived = {k for k, v in values.items() if v is True}
        unknown = {k for k, v in values.items() if v is None}
        national = classify_flags(facts.area, facts.income_per_capita, deprived, national_standard, unknown)
        if self.local is None:
            return national, None
        if self.local.indicators != national_standard.indicators:
            values = evaluate_indicators(facts, self.local)
            deprived = {k for k, v in values.items() if v is True}
            unknown = {k for k, v in values.items() if v is None}
        return national, classify_flags(facts.area, facts.income_per_capita, deprived, self.local, unknown)

    def _members(
        self,
        rng: random.Random,
        slot: VillageSlot,
        people: list[_Person],
        group: str,
        commune_index: int,
        on: dt.date,
    ) -> list[GeneratedMember]:
        style = NAME_STYLES.get(group, "kinh")
        code = GROUP_CODES.get(group, KINH)
        styles = [
            ("kinh", KINH)
            if person.relationship in ("spouse", "other") and group != "Kinh" and rng.random() < 0.1
            else (style, code)  # a Kinh spouse in one EM household in ten
            for person in people
        ]
        families = [""] * len(people)
        for i, person in enumerate(people):  # parents before children: they pass on the family name
            if person.family_of >= 0:
                families[i] = families[person.family_of]
            elif person.relationship == "parent" and person.sex == "M":
                families[i] = families[0]
            elif person.family_of == -1:
                families[i] = _family_name(rng, styles[i][0])
        adult = next((j for j, p in enumerate(people) if p.relationship == "child"), 0)
        in_law = next((j for j, p in enumerate(people) if p.relationship == "other"), adult)
        for i, person in enumerate(people):  # grandchildren: the family name of the adult child's husband
            if person.family_of == -2:
                families[i] = families[adult if people[adult].sex == "M" else in_law]
        result: list[GeneratedMember] = []
        for person, (own_style, own_code), family in zip(people, styles, families, strict=True):
            born = _birth_date(rng, person.age, on)
            if slot.former_binh_phuoc:
                birth_province = 70 if rng.random() < 0.85 else 75
            elif self.province_code == 75:
                birth_province = 75 if rng.random() < 0.9 else 70
            else:
                birth_province = self.province_code
            national_id = (
                self.ids.issue(commune_index, birth_province, person.sex, born)
                if rng.random() < 0.97
                else None
            )
            disabled = rng.random() < (0.02 if person.age < 60 else 0.08)
            allowance = (person.age >= SOCIAL_PENSION_AGE and rng.random() < 0.6) or (
                disabled and rng.random() < 0.5
            )
            if person.age < SCHOOL_FROM:
                in_education = False
            elif person.age < 18:
                in_education = rng.random() < 0.97
            elif person.age < 25:
                in_education = rng.random() < (0.15 if group != "Kinh" else 0.45 if slot.urban else 0.3)
            else:
                in_education = False
            result.append(
                GeneratedMember(
                    full_name=_person_name(rng, own_style, person.sex, family),
                    sex=person.sex,
                    date_of_birth=born,
                    relationship=person.relationship,
                    national_id=national_id,
                    ethnic_group=own_code,
                    in_education=in_education,
                    disabled=disabled,
                    monthly_social_allowance=allowance,
                )
            )
        return result

    def _member_facts(
        self,
        rng: random.Random,
        people: list[_Person],
        members: list[GeneratedMember],
        wanted: set[str],
        working: list[int],
        children: list[int],
        insured_age: list[int],
        young_adults: list[int],
        pupils: list[int],
        em: bool,
    ) -> None:
        """Facts of every member that give exactly the wanted deprivations (under ND07-2021's rules)."""
        for person, member in zip(people, members, strict=True):
            age = person.age
            # Education: the highest level completed.
            if age < 6:
                member.education = ""
            elif age < 11:
                member.education = "none"
            elif age < 15:
                member.education = "primary"
            elif age < 18 and member.in_education:
                member.education = "lower_secondary"
            else:
                band = next(b for b in EDUCATION_BY_AGE if age <= b)
                member.education = EDUCATION_BY_AGE[band].pick(rng)
                if em and rng.random() < 0.35:
                    member.education = rng.choice(["none", "primary", "lower_secondary"])
            if ADULT_EDUCATION_FROM <= age <= ADULT_EDUCATION_TO and not member.in_education:
                needed = 3 if age >= UPPER_SECONDARY_FROM else 2
                if EDUCATION_RANK[Education(member.education)] < needed:  # the expected level (not deprived)
                    member.education = EXPECTED_LEVEL.pick(rng) if needed == 3 else "lower_secondary"
            member.attending_appropriate_level = True if SCHOOL_FROM <= age < CHILD_UNDER else None
            # Work.
            if age < WORKING_AGE_FROM:
                member.employment = ""
            elif member.in_education:
                member.employment = "not_in_labour_force"
            elif _working_age(person):
                if member.disabled and rng.random() < 0.6:
                    member.employment = "not_in_labour_force"
                else:
                    contract = 0.15 if em else 0.5 if age < 40 else 0.3
                    draw = rng.random()
                    member.employment = (
                        "wage_with_contract"
                        if draw < contract
                        else "not_in_labour_force"
                        if draw > 0.92
                        else "self_employed"
                    )
            else:
                member.employment = "self_employed" if rng.random() < 0.35 else "not_in_labour_force"
            member.has_health_insurance = True
            if age < CHILD_UNDER:
                member.stunted, member.underweight = False, False
            uses = 0.0 if age < 10 else 0.85 if age < 18 else 0.95 if age <= 40 else 0.8 if age < 60 else 0.35
            member.uses_internet = rng.random() < uses * (0.8 if em else 1)

        if "employment" in wanted:
            for i in rng.sample(working, k=1 if len(working) == 1 or rng.random() < 0.7 else 2):
                members[i].employment = "wage_without_contract" if rng.random() < 0.7 else "unemployed"
        if "nutrition" in wanted:
            child = members[min(children, key=lambda i: people[i].age)]
            if rng.random() < 0.6:
                child.stunted = True
            else:
                child.underweight = True
        if "health_insurance" in wanted:
            adults = [i for i in insured_age if people[i].age >= 18] or insured_age
            for i in rng.sample(adults, k=min(len(adults), rng.randint(1, 2))):
                members[i].has_health_insurance = False
        if "adult_education" in wanted:
            i = rng.choice(young_adults)
            members[i].in_education = False
            if _working_age(people[i]) and members[i].employment == "not_in_labour_force":
                members[i].employment = "self_employed"
            members[i].education = (
                rng.choice(["primary", "lower_secondary"])
                if people[i].age >= UPPER_SECONDARY_FROM
                else "primary"
            )
        if "child_schooling" in wanted:
            i = rng.choice(pupils)
            members[i].attending_appropriate_level = False
            if people[i].age >= 11 and rng.random() < 0.5:
                members[i].in_education = False
        if "telecom" in wanted:
            for member in members:
                member.uses_internet = False
        elif not any(m.uses_internet for m in members):
            # Someone uses the internet: the youngest member aged 10–59, else the head.
            users = [i for i, p in enumerate(people) if 10 <= p.age < 60]
            members[min(users, key=lambda i: people[i].age) if users else 0].uses_internet = True


def generate_households(
    slots: Sequence[VillageSlot],
    *,
    count: int,
    seed: int,
    province_code: int,
    classify: bool = True,
    focus: Iterable[str] = (),
) -> Iterator[GeneratedHousehold]:
    """``count`` households spread over ``slots`` (deterministic for ``seed``); ``focus``: names of
    communes given more households and more low incomes (the demo officers' communes)."""
    return HouseholdGenerator(
        slots, count=count, seed=seed, province_code=province_code, classify=classify, focus=focus
    ).households()


# Writing ---------------------------------------------------------------------------------------------------


@dataclass
class SavedCounts:
    households: int = 0
    members: int = 0
    poor: int = 0
    near_poor: int = 0
    ethnic_minority: int = 0


def _household_model(g: GeneratedHousehold) -> Household:
    return Household(
        code=g.code,
        commune_id=g.slot.commune_id,
        village_id=g.slot.village_id,
        address=g.address,
        head_name=g.head_name,
        phone=g.phone,
        ethnic_group=g.ethnic_group,
        is_ethnic_minority=g.is_ethnic_minority,
        walls_durable=g.walls_durable,
        columns_durable=g.columns_durable,
        roof_durable=g.roof_durable,
        floor_area_m2=g.floor_area_m2,
        water_source=g.water_source,
        latrine=g.latrine,
        devices=g.saved_devices,
        waste_handling=g.waste_handling,
        income_per_capita=g.saved_income,
        no_working_capacity=g.no_working_capacity,
        category=g.category,
        provincial_category=g.provincial_category,
        category_since=g.saved_category_since,
        deprived_keys=g.deprived_keys,
        unknown_keys=g.unknown_keys,
        engine_standard=g.engine_standard,
        engine_category=g.engine_category,
        engine_provincial_category=g.engine_provincial_category,
        search_text=g.search_text,
        version=1,
        is_active=True,
    )


def _member_model(m: GeneratedMember, household: Household) -> Member:
    return Member(
        household=household,
        **dict(zip(MEMBER_ROW, _member_values(m), strict=True)),
        is_active=True,
        version=1,
    )


def _drop_taken_ids(generated: Sequence[GeneratedHousehold]) -> None:
    """A national ID already recorded in the database (entered by hand) is left out of the demo member."""
    wanted = [m.national_id for g in generated for m in g.members if m.national_id]
    taken: set[str] = set()
    for start in range(0, len(wanted), 900):
        found = Member.objects.filter(national_id__in=wanted[start : start + 900]).values_list(
            "national_id", flat=True
        )
        taken.update(n for n in found if n)
    if taken:
        for g in generated:
            for m in g.members:
                if m.national_id in taken:
                    m.national_id = None


@transaction.atomic
def save_households(
    generated: Iterable[GeneratedHousehold], *, batch_size: int = 1000, history: bool = True
) -> SavedCounts:
    """Write generated households and members with ``bulk_create``.

    Demo data is not user input, so the per-record services (one save, one history row, one search-text
    refresh and one audit record per household and per member) are skipped for speed; the rows are
    exactly what they would produce: ``search_text`` folded like ``refresh_search_text``,
    ``is_ethnic_minority`` from the ethnic group, ``version`` 1, ``deprived_keys`` as "|key|key|", and with
    ``history`` one creation row per household and member. One audit record covers the whole batch.
    """
    counts = SavedCounts()
    batch: list[GeneratedHousehold] = []

    def flush() -> None:
        _drop_taken_ids(batch)
        households = Household.objects.bulk_create(
            [_household_model(g) for g in batch], batch_size=batch_size
        )
        members = Member.objects.bulk_create(
            [_member_model(m, h) for g, h in zip(batch, households, strict=True) for m in g.members],
            batch_size=batch_size,
        )
        if history:
            Household.history.bulk_history_create(households, batch_size=batch_size)
            Member.history.bulk_history_create(members, batch_size=batch_size)
        counts.households += len(households)
        counts.members += len(members)
        counts.poor += sum(1 for g in batch if g.category == "poor")
        counts.near_poor += sum(1 for g in batch if g.category == "near_poor")
        counts.ethnic_minority += sum(1 for g in batch if g.is_ethnic_minority)
        batch.clear()

    for household in generated:
        batch.append(household)
        if len(batch) >= batch_size * 5:
            flush()
    if batch:
        flush()
    audit_record(
        actor=None,
        action="demo.households.seed",
        target_type="households.household",
        after={"households": counts.households, "members": counts.members},
        note="Demo data (bulk): not entered by a user.",
    )
    return counts


# The fast path of the benchmarks: raw inserts (``executemany``; ``COPY`` on PostgreSQL) ------------------

HOUSEHOLD_ROW = [
    "code",
    "commune_id",
    "village_id",
    "address",
    "head_name",
    "phone",
    "ethnic_group",
    "is_ethnic_minority",
    "walls_durable",
    "columns_durable",
    "roof_durable",
    "floor_area_m2",
    "water_source",
    "latrine",
    "devices",
    "waste_handling",
    "income_per_capita",
    "no_working_capacity",
    "category",
    "provincial_category",
    "category_since",
    "deprived_keys",
    "unknown_keys",
    "engine_standard",
    "engine_category",
    "engine_provincial_category",
    "search_text",
]
MEMBER_ROW = [
    "full_name",
    "sex",
    "date_of_birth",
    "relationship",
    "national_id",
    "ethnic_group",
    *MEMBER_FACT_NAMES,
]


def household_row(g: GeneratedHousehold) -> tuple[Any, ...]:
    """The household's values in ``HOUSEHOLD_ROW`` order (database-neutral Python values)."""
    return (
        g.code,
        g.slot.commune_id,
        g.slot.village_id,
        g.address,
        g.head_name,
        g.phone,
        g.ethnic_group,
        g.is_ethnic_minority,
        g.walls_durable,
        g.columns_durable,
        g.roof_durable,
        g.floor_area_m2,
        g.water_source,
        g.latrine,
        json.dumps(g.devices) if g.devices_asked else None,
        g.waste_handling,
        g.saved_income,
        g.no_working_capacity,
        g.category,
        g.provincial_category,
        g.saved_category_since,
        g.deprived_keys,
        g.unknown_keys,
        g.engine_standard,
        g.engine_category,
        g.engine_provincial_category,
        g.search_text,
    )


def member_row(m: GeneratedMember) -> tuple[Any, ...]:
    """The member's values in ``MEMBER_ROW`` order."""
    return _member_values(m)


_member_values: Callable[[GeneratedMember], tuple[Any, ...]] = attrgetter(*MEMBER_ROW)
RowBatch = list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]  # (household row, its member rows)


def rows_of(generated: Iterable[GeneratedHousehold]) -> RowBatch:
    return [(household_row(g), [member_row(m) for m in g.members]) for g in generated]


class FastWriter:
    """Inserts row batches without the ORM, for the benchmarks: explicit primary keys from the current
    maximum, ``executemany`` (SQLite) or ``COPY`` (PostgreSQL, sequences reset by ``finish``). The rows are
    those of ``save_households`` without the history rows. Meant for a database nobody else writes to."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        now = timezone.now()
        self.stamp: Any = connection.ops.adapt_datetimefield_value(now) if self.vendor == "sqlite" else now
        self.next_household = (
            Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        self.next_member = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.counts = SavedCounts()
        position = {name: i for i, name in enumerate(HOUSEHOLD_ROW)}
        self.category_at = position["category"]
        self.minority_at = position["is_ethnic_minority"]

    def write(self, batch: RowBatch) -> None:
        households: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        stamp = self.stamp
        for household, member_rows in batch:
            hid = self.next_household
            self.next_household += 1
            households.append((hid, stamp, stamp, *household, 1, True))
            for member in member_rows:
                members.append((self.next_member, stamp, stamp, hid, *member, True, 1))
                self.next_member += 1
            self.counts.poor += household[self.category_at] == "poor"
            self.counts.near_poor += household[self.category_at] == "near_poor"
            self.counts.ethnic_minority += household[self.minority_at]
        with transaction.atomic():
            write_rows(
                Household,
                ["id", "created_at", "updated_at", *HOUSEHOLD_ROW, "version", "is_active"],
                households,
            )
            write_rows(
                Member,
                ["id", "created_at", "updated_at", "household", *MEMBER_ROW, "is_active", "version"],
                members,
            )
        self.counts.households += len(households)
        self.counts.members += len(members)

    def finish(self) -> SavedCounts:
        if self.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Household, Member]):
                    cursor.execute(sql)
        return self.counts


def fast_insert(generated: Iterable[GeneratedHousehold], *, batch_size: int = 20_000) -> SavedCounts:
    """``FastWriter`` over generated households, ``batch_size`` households per transaction."""
    writer = FastWriter()
    batch: list[GeneratedHousehold] = []
    for household in generated:
        batch.append(household)
        if len(batch) >= batch_size:
            writer.write(rows_of(batch))
            batch.clear()
    if batch:
        writer.write(rows_of(batch))
    return writer.finish()
