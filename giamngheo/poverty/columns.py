"""The facts of many households as columns: the input of the vector rules (``vector.py``).

``FactsTable`` holds one numpy array per fact of ``HouseholdFacts`` (n households) and per fact of
``MemberFacts`` (m members, each with the index of its household, ``member_of``). Unknown stays explicit:

- yes/no facts are ``Tri`` arrays: 1 yes, 0 no, ``UNKNOWN`` (-1) not recorded;
- the income is in VND with ``UNKNOWN`` (-1) when not recorded;
- the floor area is a whole number of ``1 / floor_scale`` m² (exact for the registry's one decimal),
  ``UNKNOWN`` when not recorded;
- text facts (water source, latrine, waste handling) are ``Coded``: codes into a tuple of the values seen,
  ``UNKNOWN`` when not recorded;
- the devices are an n × k matrix of owned devices (``device_names``) with ``devices_known`` (False: never
  asked; True with no device: asked, owns none);
- education and employment are indexes into ``EDUCATIONS`` / ``EMPLOYMENTS``, ``UNKNOWN`` when not recorded;
- indicators ticked on the form are an n × t ``Tri`` matrix (``ticked_keys``; ``UNKNOWN``: not ticked).

Callers never build the arrays by position: ``FactsTableBuilder`` takes ``HouseholdFacts`` or plain
mappings of field values (the names of ``HouseholdFacts`` / ``MemberFacts`` and of the registry's fields),
and a database reader's bulk path passes named columns to ``FactsTable`` itself. ``to_facts`` gives the
households back as ``HouseholdFacts`` (the scalar engine's input: tests and rules without a vector twin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from .ages import ages_on, date_number
from .bulk import RURAL, URBAN
from .facts import Education, Employment, HouseholdFacts, MemberFacts
from .standard import StandardError

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Tri = npt.NDArray[np.int8]  # 1 yes, 0 no, UNKNOWN not recorded
UNKNOWN = -1

EDUCATIONS: tuple[Education, ...] = tuple(Education)
EMPLOYMENTS: tuple[Employment, ...] = tuple(Employment)
EDUCATION_CODES = {str(e): i for i, e in enumerate(EDUCATIONS)}
EMPLOYMENT_CODES = {str(e): i for i, e in enumerate(EMPLOYMENTS)}
# Yes/no facts, by their names in HouseholdFacts / MemberFacts (and in the registry).
HOUSEHOLD_FLAGS = ("walls_durable", "columns_durable", "roof_durable")
HOUSEHOLD_TEXTS = ("water_source", "latrine", "waste_handling")
MEMBER_FLAGS = (
    "has_health_insurance",
    "in_education",
    "attending_appropriate_level",
    "disabled",
    "monthly_social_allowance",
    "stunted",
    "underweight",
    "uses_internet",
)


def tri(value: bool | None) -> int:
    return UNKNOWN if value is None else int(bool(value))


@dataclass(frozen=True, slots=True, eq=False)
class Coded:
    """A text fact of n households: ``codes`` into ``values``, ``UNKNOWN`` where not recorded."""

    codes: npt.NDArray[np.int16]
    values: tuple[str, ...]

    @classmethod
    def encode(cls, texts: Iterable[str | None], values: Sequence[str] = ()) -> Coded:
        """Codes of ``texts`` (None: not recorded); ``values`` first in the vocabulary, new ones after."""
        index = {v: i for i, v in enumerate(values)}
        vocabulary = list(values)
        codes = []
        for text in texts:
            if text is None:
                codes.append(UNKNOWN)
                continue
            code = index.get(text)
            if code is None:
                code = index[text] = len(vocabulary)
                vocabulary.append(text)
            codes.append(code)
        return cls(np.array(codes, dtype=np.int16), tuple(vocabulary))

    @property
    def known(self) -> BoolArray:
        return np.asarray(self.codes != UNKNOWN)

    def among(self, allowed: Iterable[str]) -> BoolArray:
        """Households whose value is one of ``allowed`` (False where not recorded)."""
        wanted = {str(a) for a in allowed}
        chosen = [i for i, v in enumerate(self.values) if v in wanted]
        return np.isin(self.codes, np.array(chosen, dtype=np.int16))

    def text(self, row: int) -> str | None:
        code = int(self.codes[row])
        return None if code == UNKNOWN else self.values[code]


def _tri_array(values: npt.ArrayLike, n: int, name: str) -> Tri:
    array = np.asarray(values, dtype=np.int8).reshape(-1)
    if array.shape != (n,):
        raise StandardError(f"facts table: {name} must have {n} values, not {array.shape[0]}")
    return array


@dataclass(eq=False)
class FactsTable:
    """The facts of n households and their m members, column by column (see the module's docstring)."""

    # Households (n)
    area: npt.NDArray[np.int8]  # RURAL / URBAN
    income: IntArray  # VND per person per month, UNKNOWN: not recorded
    walls_durable: Tri
    columns_durable: Tri
    roof_durable: Tri
    floor_area: IntArray  # in 1 / floor_scale m², UNKNOWN: not recorded
    water_source: Coded
    latrine: Coded
    waste_handling: Coded
    devices: BoolArray  # n × len(device_names): owned
    devices_known: BoolArray
    device_names: tuple[str, ...]
    # Members (m)
    member_of: IntArray  # index of the member's household
    age: IntArray
    female: BoolArray
    has_health_insurance: Tri
    in_education: Tri
    attending_appropriate_level: Tri
    education: npt.NDArray[np.int8]  # index into EDUCATIONS, UNKNOWN: not recorded
    employment: npt.NDArray[np.int8]  # index into EMPLOYMENTS, UNKNOWN: not recorded
    disabled: Tri
    monthly_social_allowance: Tri
    stunted: Tri
    underweight: Tri
    uses_internet: Tri
    floor_scale: int = 10
    ticked: Tri | None = None  # n × len(ticked_keys); UNKNOWN: not ticked
    ticked_keys: tuple[str, ...] = ()
    size: IntArray = field(init=False)  # members per household

    def __post_init__(self) -> None:
        n, m = len(self.area), len(self.member_of)
        for name in (
            "income",
            "walls_durable",
            "columns_durable",
            "roof_durable",
            "floor_area",
            "devices_known",
        ):
            if len(getattr(self, name)) != n:
                raise StandardError(f"facts table: {name} must have {n} values")
        for coded in (self.water_source, self.latrine, self.waste_handling):
            if len(coded.codes) != n:
                raise StandardError(f"facts table: a text fact must have {n} values")
        if self.devices.shape != (n, len(self.device_names)):
            raise StandardError("facts table: devices must be an n × len(device_names) matrix")
        for name in ("age", "female", "education", "employment", *MEMBER_FLAGS):
            if len(getattr(self, name)) != m:
                raise StandardError(f"facts table: member column {name} must have {m} values")
        if m and (self.member_of.min() < 0 or self.member_of.max() >= n):
            raise StandardError("facts table: member_of must index the households")
        if self.ticked is not None and self.ticked.shape != (n, len(self.ticked_keys)):
            raise StandardError("facts table: ticked must be an n × len(ticked_keys) matrix")
        if n and ((self.area != RURAL) & (self.area != URBAN)).any():
            raise StandardError("facts table: area codes must be 0 (rural) or 1 (urban)")
        self.size = np.bincount(self.member_of, minlength=n).astype(np.int64)

    def __len__(self) -> int:
        return len(self.area)

    @property
    def members(self) -> int:
        return len(self.member_of)

    # Reductions over the members of each household -------------------------------------------------

    def count_members(self, mask: BoolArray) -> IntArray:
        """Members in ``mask`` per household."""
        return np.bincount(self.member_of[mask], minlength=len(self)).astype(np.int64)

    def any_member(self, mask: BoolArray) -> BoolArray:
        """Households with at least one member in ``mask``."""
        return np.asarray(self.count_members(mask) > 0)

    def take(self, rows: npt.ArrayLike) -> FactsTable:
        """The households at ``rows`` (indexes, in that order) with their members."""
        index = np.asarray(rows, dtype=np.int64).reshape(-1)
        new_index = np.full(len(self), UNKNOWN, dtype=np.int64)
        new_index[index] = np.arange(len(index), dtype=np.int64)
        kept = new_index[self.member_of] >= 0
        member: dict[str, Any] = {
            name: getattr(self, name)[kept]
            for name in ("age", "female", "education", "employment", *MEMBER_FLAGS)
        }
        return FactsTable(
            area=self.area[index],
            income=self.income[index],
            walls_durable=self.walls_durable[index],
            columns_durable=self.columns_durable[index],
            roof_durable=self.roof_durable[index],
            floor_area=self.floor_area[index],
            water_source=Coded(self.water_source.codes[index], self.water_source.values),
            latrine=Coded(self.latrine.codes[index], self.latrine.values),
            waste_handling=Coded(self.waste_handling.codes[index], self.waste_handling.values),
            devices=self.devices[index],
            devices_known=self.devices_known[index],
            device_names=self.device_names,
            member_of=new_index[self.member_of[kept]],
            floor_scale=self.floor_scale,
            ticked=None if self.ticked is None else self.ticked[index],
            ticked_keys=self.ticked_keys,
            **member,
        )

    # Back to the scalar engine's input -------------------------------------------------------------

    def to_facts(self) -> list[HouseholdFacts]:
        """Every household as ``HouseholdFacts`` (members in table order)."""
        order = np.argsort(self.member_of, kind="stable")
        bounds = np.searchsorted(self.member_of[order], np.arange(len(self) + 1)).tolist()
        order_list = order.tolist()
        return [self._household(i, order_list[bounds[i] : bounds[i + 1]]) for i in range(len(self))]

    def _household(self, i: int, members: list[int]) -> HouseholdFacts:
        def flag(values: Tri, row: int) -> bool | None:
            value = int(values[row])
            return None if value == UNKNOWN else bool(value)

        floor = int(self.floor_area[i])
        income = int(self.income[i])
        ticked: dict[str, bool] = {}
        if self.ticked is not None:
            ticked = {
                k: bool(v)
                for k, v in zip(self.ticked_keys, self.ticked[i].tolist(), strict=True)
                if v != UNKNOWN
            }
        return HouseholdFacts(
            area="urban" if self.area[i] == URBAN else "rural",
            income_per_capita=None if income == UNKNOWN else income,
            members=tuple(
                MemberFacts(
                    age=int(self.age[j]),
                    sex="F" if self.female[j] else "M",
                    has_health_insurance=flag(self.has_health_insurance, j),
                    in_education=flag(self.in_education, j),
                    attending_appropriate_level=flag(self.attending_appropriate_level, j),
                    education=None if self.education[j] == UNKNOWN else EDUCATIONS[int(self.education[j])],
                    employment=None
                    if self.employment[j] == UNKNOWN
                    else EMPLOYMENTS[int(self.employment[j])],
                    disabled=flag(self.disabled, j),
                    monthly_social_allowance=flag(self.monthly_social_allowance, j),
                    stunted=flag(self.stunted, j),
                    underweight=flag(self.underweight, j),
                    uses_internet=flag(self.uses_internet, j),
                )
                for j in members
            ),
            walls_durable=flag(self.walls_durable, i),
            columns_durable=flag(self.columns_durable, i),
            roof_durable=flag(self.roof_durable, i),
            floor_area_m2=None if floor == UNKNOWN else _floor_value(floor, self.floor_scale),
            water_source=self.water_source.text(i),
            latrine=self.latrine.text(i),
            devices=frozenset(
                name for name, owned in zip(self.device_names, self.devices[i].tolist(), strict=True) if owned
            )
            if self.devices_known[i]
            else None,
            waste_handling=self.waste_handling.text(i),
            ticked=ticked,
        )


def _floor_value(amount: int, scale: int) -> Decimal | int:
    if scale == 1:
        return amount
    return Decimal(amount).scaleb(-(len(str(scale)) - 1))


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise StandardError(f"floor area must be a number, not {value!r}")
    return max(0, -exponent)


class FactsTableBuilder:
    """Builds a ``FactsTable`` row by row from ``HouseholdFacts`` (``add``) or from plain values
    (``add_values``: the registry's field names; ages from ``date_of_birth`` counted on ``on``).

    The two follow their source exactly: ``add`` keeps every value as ``HouseholdFacts`` holds it (an empty
    text is a value); ``add_values`` reads values as the registry stores them (an empty text, like None, is
    not recorded; inactive members are left out).
    """

    def __init__(self, *, on: dt.date | None = None) -> None:
        self.on = on
        self._area: list[int] = []
        self._income: list[int] = []
        self._flags: dict[str, list[int]] = {name: [] for name in HOUSEHOLD_FLAGS}
        self._floor: list[Decimal | None] = []
        self._texts: dict[str, list[str | None]] = {name: [] for name in HOUSEHOLD_TEXTS}
        self._devices: list[frozenset[str] | None] = []
        self._ticked: list[Mapping[str, bool]] = []
        self._member_of: list[int] = []
        self._age: list[int] = []
        self._born: list[int] = []  # YYYYMMDD; UNKNOWN where the age was given
        self._female: list[bool] = []
        self._member_flags: dict[str, list[int]] = {name: [] for name in MEMBER_FLAGS}
        self._education: list[int] = []
        self._employment: list[int] = []

    def __len__(self) -> int:
        return len(self._area)

    def _household(
        self,
        area: str,
        income: Any,
        floor: Any,
        devices: Iterable[str] | None,
        ticked: Mapping[str, bool],
    ) -> int:
        if area not in ("rural", "urban"):
            raise StandardError(f"area must be 'rural' or 'urban', not {area!r}")
        if income is not None and (isinstance(income, bool) or int(income) != income or income < 0):
            raise StandardError(f"income per capita must be a whole, non-negative number of VND: {income!r}")
        index = len(self._area)
        self._area.append(URBAN if area == "urban" else RURAL)
        self._income.append(UNKNOWN if income is None else int(income))
        if floor is None:
            self._floor.append(None)
        else:
            amount = floor if isinstance(floor, Decimal) else Decimal(str(floor))
            if not amount.is_finite() or amount < 0:
                raise StandardError(f"floor area must be a non-negative number of m², not {floor!r}")
            self._floor.append(amount)
        self._devices.append(None if devices is None else frozenset(devices))
        self._ticked.append(ticked)
        return index

    def _member(self, household: int, *, age: int | None, born: dt.date | None, female: bool) -> None:
        self._member_of.append(household)
        if age is None:
            if born is None:
                raise StandardError("a member needs an age or a date of birth")
            if self.on is None:
                raise StandardError("ages from dates of birth need the builder's date (on=)")
            self._born.append(date_number(born))
            self._age.append(0)
        else:
            self._born.append(UNKNOWN)
            self._age.append(int(age))
        self._female.append(female)

    def add(self, facts: HouseholdFacts) -> int:
        """One household from its ``HouseholdFacts``; returns its row."""
        index = self._household(
            facts.area, facts.income_per_capita, facts.floor_area_m2, facts.devices, facts.ticked
        )
        for name in HOUSEHOLD_FLAGS:
            self._flags[name].append(tri(getattr(facts, name)))
        for name in HOUSEHOLD_TEXTS:
            self._texts[name].append(getattr(facts, name))
        for m in facts.members:
            self._member(index, age=m.age, born=None, female=m.sex == "F")
            for name in MEMBER_FLAGS:
                self._member_flags[name].append(tri(getattr(m, name)))
            self._education.append(UNKNOWN if m.education is None else EDUCATION_CODES[str(m.education)])
            self._employment.append(UNKNOWN if m.employment is None else EMPLOYMENT_CODES[str(m.employment)])
        return index

    def add_values(
        self,
        values: Mapping[str, Any],
        members: Iterable[Mapping[str, Any]] = (),
        *,
        area: str,
    ) -> int:
        """One household from its field values (as stored in the registry: ``""`` or None is not recorded,
        ``devices`` None is never asked and ``[]`` owns none) and its members' (``date_of_birth`` or
        ``age``; members with ``is_active`` False are left out). Returns its row."""
        index = self._household(
            area,
            values.get("income_per_capita"),
            values.get("floor_area_m2"),
            values.get("devices"),
            values.get("ticked") or {},
        )
        for name in HOUSEHOLD_FLAGS:
            self._flags[name].append(tri(values.get(name)))
        for name in HOUSEHOLD_TEXTS:
            self._texts[name].append(values.get(name) or None)
        for m in members:
            if not m.get("is_active", True):
                continue
            self._member(index, age=m.get("age"), born=m.get("date_of_birth"), female=m.get("sex") == "F")
            for name in MEMBER_FLAGS:
                self._member_flags[name].append(tri(m.get(name)))
            education, employment = m.get("education") or "", m.get("employment") or ""
            if education and education not in EDUCATION_CODES:
                raise StandardError(f"unknown education level {education!r}")
            if employment and employment not in EMPLOYMENT_CODES:
                raise StandardError(f"unknown employment {employment!r}")
            self._education.append(EDUCATION_CODES.get(education, UNKNOWN))
            self._employment.append(EMPLOYMENT_CODES.get(employment, UNKNOWN))
        return index

    def build(self) -> FactsTable:
        n = len(self._area)
        places = max((_decimal_places(f) for f in self._floor if f is not None), default=1)
        scale = 10**places
        floor = np.array(
            [UNKNOWN if f is None else int(f.scaleb(places)) for f in self._floor], dtype=np.int64
        )
        names = sorted({d for found in self._devices if found is not None for d in found})
        column = {name: j for j, name in enumerate(names)}
        devices = np.zeros((n, len(names)), dtype=np.bool_)
        for i, found in enumerate(self._devices):
            for name in found or ():
                devices[i, column[name]] = True
        ticked_keys = tuple(sorted({k for t in self._ticked for k in t}))
        ticked = None
        if ticked_keys:
            ticked = np.full((n, len(ticked_keys)), UNKNOWN, dtype=np.int8)
            for i, marks in enumerate(self._ticked):
                for j, key in enumerate(ticked_keys):
                    if key in marks:
                        ticked[i, j] = int(bool(marks[key]))
        age = np.array(self._age, dtype=np.int64)
        born = np.array(self._born, dtype=np.int64)
        by_birth = born != UNKNOWN
        if by_birth.any() and self.on is not None:
            age[by_birth] = ages_on(born[by_birth], self.on)
        m = len(self._member_of)
        return FactsTable(
            area=np.array(self._area, dtype=np.int8),
            income=np.array(self._income, dtype=np.int64),
            floor_area=floor,
            floor_scale=scale,
            water_source=Coded.encode(self._texts["water_source"]),
            latrine=Coded.encode(self._texts["latrine"]),
            waste_handling=Coded.encode(self._texts["waste_handling"]),
            devices=devices,
            devices_known=np.array([d is not None for d in self._devices], dtype=np.bool_),
            device_names=tuple(names),
            ticked=ticked,
            ticked_keys=ticked_keys,
            member_of=np.array(self._member_of, dtype=np.int64),
            age=age,
            female=np.array(self._female, dtype=np.bool_),
            education=np.array(self._education, dtype=np.int8),
            employment=np.array(self._employment, dtype=np.int8),
            **{name: _tri_array(self._flags[name], n, name) for name in HOUSEHOLD_FLAGS},
            **{name: _tri_array(self._member_flags[name], m, name) for name in MEMBER_FLAGS},
        )


def facts_table(households: Iterable[HouseholdFacts]) -> FactsTable:
    """A table of these households, in this order."""
    builder = FactsTableBuilder()
    for facts in households:
        builder.add(facts)
    return builder.build()


TABLE_FIELDS = tuple(f.name for f in fields(FactsTable) if f.init)
