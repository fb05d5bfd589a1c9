"""Who is entitled to a policy: its eligibility rule (data) evaluated on a household and its members.

Pure Python: no Django, no database. A rule is data (``Rule.from_data``: the catalogue stores it as JSON);
each condition is a small strategy object that says whether a household or a member meets it and why, in
Vietnamese and English. ``evaluate`` applies a rule on a date and returns the verdict with its reasons: for
a household-level policy whether the household is entitled, for a member-level one which members are.

Categories are the registry's codes: "poor", "near_poor", "middle", "not_poor". A household "newly escaped"
a category when it left it (by a decision dated ``left_on``) within the rule's window of months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Level = Literal["household", "member"]
CATEGORY_VI = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "middle": "hộ có mức sống trung bình"}
CATEGORY_EN = {"poor": "poor", "near_poor": "near-poor", "middle": "middle-living"}


@dataclass(frozen=True)
class Member:
    age: int | None
    in_education: bool | None = None
    disabled: bool = False
    ethnic_minority: bool = False


@dataclass(frozen=True)
class Household:
    category: str  # the recognised category now ("" when none)
    members: tuple[Member, ...] = ()
    left_category: str = ""  # the category the household left most recently ("" when none)
    left_on: dt.date | None = None  # the date of that decision
    difficult_commune: bool = False  # especially difficult commune (or poor commune) in force
    difficult_village: bool = False  # especially difficult village in force


@dataclass(frozen=True)
class Verdict:
    ok: bool
    vi: str
    en: str


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 within the first month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


class HouseholdCondition(Protocol):
    def check(self, household: Household, on: dt.date) -> Verdict: ...


class MemberCondition(Protocol):
    def check(self, member: Member, on: dt.date) -> Verdict: ...


@dataclass(frozen=True)
class InCategory:
    """The household is in one of ``categories`` now, or left one of ``escaped`` within ``months``."""

    categories: frozenset[str]
    escaped: frozenset[str] = frozenset()
    months: int = 0

    def check(self, household: Household, on: dt.date) -> Verdict:
        if household.category in self.categories:
            return Verdict(
                True,
                f"là {CATEGORY_VI.get(household.category, household.category)}",
                f"is {CATEGORY_EN.get(household.category, household.category)}",
            )
        if (
            household.left_category in self.escaped
            and household.left_on is not None
            and household.left_on <= on
            and months_between(household.left_on, on) < self.months
        ):
            gone = months_between(household.left_on, on)
            left = household.left_category
            return Verdict(
                True,
                f"mới thoát {CATEGORY_VI.get(left, left)} {gone} tháng (trong {self.months} tháng)",
                f"left {CATEGORY_EN.get(left, left)} {gone} months ago (within {self.months})",
            )
        wanted = ", ".join(CATEGORY_VI.get(c, c) for c in sorted(self.categories))
        return Verdict(
            False,
            f"không thuộc diện ({wanted})",
            f"not in the categories ({', '.join(sorted(self.categories))})",
        )


@dataclass(frozen=True)
class InDifficultArea:
    """The household lives in an especially difficult commune or village."""

    def check(self, household: Household, on: dt.date) -> Verdict:
        if household.difficult_commune or household.difficult_village:
            return Verdict(
                True, "ở xã/thôn đặc biệt khó khăn", "lives in an especially difficult commune or village"
            )
        return Verdict(
            False, "không ở xã/thôn đặc biệt khó khăn", "not in an especially difficult commune or village"
        )


@dataclass(frozen=True)
class AgeBetween:
    minimum: int | None = None
    maximum: int | None = None  # inclusive

    def check(self, member: Member, on: dt.date) -> Verdict:
        low = self.minimum if self.minimum is not None else 0
        high = self.maximum if self.maximum is not None else "…"
        bounds = f"{low}–{high}"
        if member.age is None:
            return Verdict(False, "chưa có tuổi", "age unknown")
        if (self.minimum is None or member.age >= self.minimum) and (
            self.maximum is None or member.age <= self.maximum
        ):
            return Verdict(
                True, f"{member.age} tuổi (trong {bounds})", f"aged {member.age} (within {bounds})"
            )
        return Verdict(False, f"{member.age} tuổi (ngoài {bounds})", f"aged {member.age} (outside {bounds})")


@dataclass(frozen=True)
class Flag:
    """A yes/no fact of the member: ``in_education``, ``disabled`` or ``ethnic_minority``."""

    name: Literal["in_education", "disabled", "ethnic_minority"]
    wanted: bool = True

    LABELS = {
        "in_education": ("đang đi học", "in education"),
        "disabled": ("người khuyết tật", "has a disability"),
        "ethnic_minority": ("người dân tộc thiểu số", "ethnic minority"),
    }

    def check(self, member: Member, on: dt.date) -> Verdict:
        value = getattr(member, self.name)
        vi, en = self.LABELS[self.name]
        if value is None:
            return Verdict(False, f"chưa rõ: {vi}", f"unknown: {en}")
        if bool(value) == self.wanted:
            return Verdict(
                True, vi if self.wanted else f"không phải {vi}", en if self.wanted else f"not {en}"
            )
        return Verdict(False, f"không phải {vi}" if self.wanted else vi, f"not {en}" if self.wanted else en)


@dataclass(frozen=True)
class Rule:
    level: Level
    household: tuple[HouseholdCondition, ...] = ()
    member: tuple[MemberCondition, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Rule:
        """A rule from the catalogue's JSON, e.g. ``{"level": "member", "categories": ["poor"],
        "newly_escaped": {"from": ["poor"], "months": 36}, "age": [0, 5], "in_education": true,
        "disabled": true, "ethnic_minority": true, "difficult_area": true}``."""
        level = data.get("level", "household")
        if level not in ("household", "member"):
            raise ValueError(f"level must be household or member, not {level!r}")
        escaped = data.get("newly_escaped") or {}
        household: list[HouseholdCondition] = [
            InCategory(
                frozenset(data.get("categories", ())),
                frozenset(escaped.get("from", ())),
                int(escaped.get("months", 0)),
            )
        ]
        if data.get("difficult_area"):
            household.append(InDifficultArea())
        member: list[MemberCondition] = []
        if "age" in data:
            low, high = data["age"]
            member.append(AgeBetween(low, high))
        for name in ("in_education", "disabled", "ethnic_minority"):
            if name in data:
                member.append(Flag(name, bool(data[name])))
        if member and level == "household":
            raise ValueError("member conditions need a member-level rule")
        return cls(level=level, household=tuple(household), member=tuple(member))


@dataclass(frozen=True)
class Result:
    eligible: bool  # household-level: the household; member-level: at least one member
    reasons: tuple[Verdict, ...]  # household conditions
    members: tuple[tuple[bool, tuple[Verdict, ...]], ...] = field(default=())  # member-level rules

    @property
    def eligible_members(self) -> list[int]:
        return [i for i, (ok, _reasons) in enumerate(self.members) if ok]


def evaluate(rule: Rule, household: Household, on: dt.date) -> Result:
    reasons = tuple(c.check(household, on) for c in rule.household)
    entitled = all(r.ok for r in reasons)
    if rule.level == "household":
        return Result(entitled, reasons)
    members = []
    for member in household.members:
        verdicts = tuple(c.check(member, on) for c in rule.member)
        members.append((entitled and all(v.ok for v in verdicts), verdicts))
    return Result(any(ok for ok, _v in members), reasons, tuple(members))


def count_eligible(rule: Rule, households: Sequence[Household], on: dt.date) -> int:
    """Households (household-level rule) or members (member-level rule) entitled on ``on``."""
    total = 0
    for household in households:
        result = evaluate(rule, household, on)
        total += len(result.eligible_members) if rule.level == "member" else int(result.eligible)
    return total
