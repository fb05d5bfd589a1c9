"""Who is entitled to a policy: its eligibility rule (data) evaluated on a household and its members.

Pure Python: no Django, no database. A rule is data (``Rule.from_data``: the catalogue stores it as JSON);
each condition is a small strategy object that says whether a household or a member meets it and why, in
Vietnamese and English. ``evaluate`` applies a rule on a date and returns the verdict with its reasons: for
a household-level policy whether the household is entitled, for a member-level one which members are.

Categories are the registry's codes: "poor", "near_poor", "middle", "not_poor". A household "newly escaped"
a category when it left it (by a decision dated ``left_on``) within the rule's window of months.

``describe`` (or ``Rule.lines``) says what a rule asks for, one line per condition, for people to read.

``clean_rule`` is the one check of a rule the catalogue may hold (the model field's validator and the
catalogue's writes call it): it raises ``RuleError`` naming the part of the rule, with an English message
the caller translates (``RuleError.text(gettext)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from . import events

Level = Literal["household", "member"]
CATEGORY_VI = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "middle": "hộ có mức sống trung bình"}
CATEGORY_EN = {"poor": "poor", "near_poor": "near-poor", "middle": "middle-living"}
# What a household escaped from ("mới thoát nghèo/cận nghèo").
ESCAPED_VI = {"poor": "nghèo", "near_poor": "cận nghèo"}
ESCAPED_EN = {"poor": "poverty", "near_poor": "near-poverty"}
SEX_VI = {"F": "nữ", "M": "nam"}
SEX_EN = {"F": "a woman", "M": "a man"}


@dataclass(frozen=True)
class Member:
    age: int | None
    in_education: bool | None = None
    disabled: bool = False
    ethnic_minority: bool = False
    sex: str = ""  # "M", "F" or "" when unknown


@dataclass(frozen=True)
class Household:
    category: str  # the recognised category now ("" when none)
    members: tuple[Member, ...] = ()
    left_category: str = ""  # the category the household left most recently ("" when none)
    left_on: dt.date | None = None  # the date of that decision
    difficult_commune: bool = False  # especially difficult commune in force
    difficult_village: bool = False  # especially difficult village in force
    poor_commune: bool = False  # poor commune (xã nghèo) in force
    rural: bool | None = None  # lives in a rural commune (None: not known)
    events: frozenset[str] = frozenset()  # event kinds on record (``policies.events``)
    requests: frozenset[str] = frozenset()  # codes of the policies with a request on record (or given)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    vi: str
    en: str


@dataclass(frozen=True)
class Text:
    """A line of a rule's description in Vietnamese and English."""

    vi: str
    en: str


def _join(words: Sequence[str], conjunction: str) -> str:
    """ "a", "a hoặc b", "a, b hoặc c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 within the first month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


class HouseholdCondition(Protocol):
    def check(self, household: Household, on: dt.date) -> Verdict: ...

    def describe(self) -> tuple[Text, ...]: ...


class MemberCondition(Protocol):
    def check(self, member: Member, on: dt.date) -> Verdict: ...

    def describe(self) -> tuple[Text, ...]: ...


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

    def describe(self) -> tuple[Text, ...]:
        order = [*CATEGORY_VI, *sorted(self.categories - CATEGORY_VI.keys())]
        now = [c for c in order if c in self.categories]
        gone = [c for c in ESCAPED_VI if c in self.escaped] + sorted(self.escaped - ESCAPED_VI.keys())
        lines: list[Text] = []
        if now:
            lines.append(
                Text(
                    _capitalise(_join([CATEGORY_VI.get(c, c) for c in now], "hoặc")),
                    f"{_capitalise(_join([CATEGORY_EN.get(c, c) for c in now], 'or'))} households",
                )
            )
        if gone and self.months > 0:
            vi = f"mới thoát {'/'.join(ESCAPED_VI.get(c, c) for c in gone)} trong {self.months} tháng"
            en = f"escaped from {'/'.join(ESCAPED_EN.get(c, c) for c in gone)} within {self.months} months"
            lines.append(
                Text(f"hoặc {vi}", f"or households that {en}")
                if now
                else Text(f"Hộ {vi}", f"Households that {en}")
            )
        if not lines:
            lines.append(
                Text("Chưa chọn diện hộ nào: không ai được hưởng", "No category chosen: nobody qualifies")
            )
        return tuple(lines)


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

    def describe(self) -> tuple[Text, ...]:
        return (Text("Ở xã/thôn đặc biệt khó khăn", "Living in an especially difficult commune or village"),)


# Place kinds a rule may name in ``"places"`` (any of them): the facts of ``Household`` with their words.
PLACE_KINDS: dict[str, tuple[str, str]] = {
    "difficult_commune": ("xã đặc biệt khó khăn", "an especially difficult commune"),
    "difficult_village": ("thôn đặc biệt khó khăn", "an especially difficult village"),
    "poor_commune": ("xã nghèo", "a poor commune"),
    "rural": ("khu vực nông thôn", "a rural area"),
}


@dataclass(frozen=True)
class InPlace:
    """The household lives in one of the places ``kinds`` (keys of ``PLACE_KINDS``)."""

    kinds: tuple[str, ...]

    def _words(self, lang: int) -> list[str]:
        return [PLACE_KINDS[k][lang] for k in self.kinds]

    def check(self, household: Household, on: dt.date) -> Verdict:
        found = [k for k in self.kinds if getattr(household, k) is True]
        if found:
            return Verdict(True, f"ở {PLACE_KINDS[found[0]][0]}", f"lives in {PLACE_KINDS[found[0]][1]}")
        return Verdict(
            False,
            f"không ở {_join(self._words(0), 'hoặc')}",
            f"not living in {_join(self._words(1), 'or')}",
        )

    def describe(self) -> tuple[Text, ...]:
        return (Text(f"Ở {_join(self._words(0), 'hoặc')}", f"Living in {_join(self._words(1), 'or')}"),)


# Event kinds a rule may ask for in ``"needs_event"`` (those of ``policies.events``), with their words.
EVENT_KINDS: dict[str, tuple[str, str]] = {
    events.HOUSE_DAMAGED: (
        "nhà bị thiệt hại do thiên tai, hỏa hoạn",
        "the house damaged by a disaster or a fire",
    ),
    events.DISASTER_AFFECTED: (
        "bị ảnh hưởng do thiên tai, dịch bệnh",
        "affected by a disaster or an epidemic",
    ),
}


@dataclass(frozen=True)
class HasEvent:
    """An event of kind ``kind`` is on record for the household: the policy is due only after it (housing
    support after a disaster or a fire). Without it the household is not entitled *yet*."""

    kind: str

    def check(self, household: Household, on: dt.date) -> Verdict:
        vi, en = EVENT_KINDS.get(self.kind, (self.kind, self.kind))
        if self.kind in household.events:
            return Verdict(True, f"có {vi} được ghi nhận", f"has a recorded event: {en}")
        return Verdict(
            False,
            f"Chỉ xét khi hộ có {vi} được ghi nhận",
            f"Only once the household has a recorded event: {en}",
        )

    def describe(self) -> tuple[Text, ...]:
        vi, en = EVENT_KINDS.get(self.kind, (self.kind, self.kind))
        return (
            Text(f"Chỉ xét khi hộ có {vi} được ghi nhận", f"Only households with a recorded event: {en}"),
        )


@dataclass(frozen=True)
class HasRequest:
    """The household has a request for the policy ``code`` on record (pending or approved), or was given
    it: demand-driven policies (loans) count only the households that asked."""

    code: str

    def check(self, household: Household, on: dt.date) -> Verdict:
        if self.code and self.code in household.requests:
            return Verdict(True, "có đề nghị được ghi nhận", "has a recorded request")
        return Verdict(
            False, "Chỉ xét khi hộ có đề nghị được ghi nhận", "Only once the household's request is recorded"
        )

    def describe(self) -> tuple[Text, ...]:
        return (Text("Chỉ xét khi hộ có đề nghị được ghi nhận", "Only households whose request is recorded"),)


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

    def describe(self) -> tuple[Text, ...]:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return (Text(f"Thành viên từ {low} đến {high} tuổi", f"Members aged {low} to {high}"),)
        if low is not None:
            return (Text(f"Thành viên từ {low} tuổi trở lên", f"Members aged {low} or over"),)
        if high is not None:
            return (Text(f"Thành viên đến {high} tuổi", f"Members aged up to {high}"),)
        return ()


@dataclass(frozen=True)
class WorkingAge:
    """The member is of working age: from ``minimum`` up to (not including) ``max_female`` for women and
    ``max_male`` for men — 15 to under 55 and under 60 by default (TT 152/2016/TT-BTC)."""

    minimum: int = 15
    max_female: int = 55
    max_male: int = 60

    @classmethod
    def from_data(cls, value: object) -> WorkingAge | None:
        """``true`` (the defaults), ``false`` (no condition) or ``{"min": 15, "max_female": 55,
        "max_male": 60}`` (any key may be left out)."""
        if value is True:
            return cls()
        if value is False or value is None:
            return None
        if not isinstance(value, Mapping):
            raise ValueError(f"working_age must be true, false or an object, not {value!r}")
        unknown = set(value) - {"min", "max_female", "max_male"}
        if unknown:
            raise ValueError(f"working_age: unknown keys {sorted(unknown)}")
        bounds = {"min": cls.minimum, "max_female": cls.max_female, "max_male": cls.max_male, **value}
        for key, bound in bounds.items():
            if isinstance(bound, bool) or not isinstance(bound, int) or bound < 0:
                raise ValueError(f"working_age: {key} must be a whole number of years, not {bound!r}")
        if not bounds["min"] < bounds["max_female"] or not bounds["min"] < bounds["max_male"]:
            raise ValueError("working_age: the upper ages must be above the minimum")
        return cls(bounds["min"], bounds["max_female"], bounds["max_male"])

    def to_data(self) -> bool | dict[str, int]:
        if self == WorkingAge():
            return True
        return {"min": self.minimum, "max_female": self.max_female, "max_male": self.max_male}

    def _range(self, sex: str) -> str:
        return f"{self.minimum}–{(self.max_female if sex == 'F' else self.max_male) - 1}"

    def check(self, member: Member, on: dt.date) -> Verdict:
        age = member.age
        if age is None:
            return Verdict(False, "chưa có tuổi", "age unknown")
        if age < self.minimum or age >= max(self.max_female, self.max_male):
            # Outside for women and men alike: the sex does not matter.
            return Verdict(False, f"{age} tuổi, ngoài độ tuổi lao động", f"aged {age}, not of working age")
        if member.sex not in SEX_VI:
            return Verdict(False, "chưa rõ giới tính", "sex unknown")
        sex = member.sex
        high = self.max_female if sex == "F" else self.max_male
        where_vi = f"độ tuổi lao động của {SEX_VI[sex]} ({self._range(sex)})"
        where_en = f"working age for {SEX_EN[sex]} ({self._range(sex)})"
        if age < high:
            return Verdict(True, f"{age} tuổi, trong {where_vi}", f"aged {age}, of {where_en}")
        return Verdict(False, f"{age} tuổi, ngoài {where_vi}", f"aged {age}, past {where_en}")

    def describe(self) -> tuple[Text, ...]:
        return (
            Text(
                f"Thành viên trong độ tuổi lao động (nữ {self._range('F')}, nam {self._range('M')} tuổi)",
                f"Members of working age (women {self._range('F')}, men {self._range('M')})",
            ),
        )


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

    DESCRIPTIONS = {
        ("in_education", True): ("Thành viên đang đi học", "Members in education"),
        ("in_education", False): ("Thành viên không đi học", "Members not in education"),
        ("disabled", True): ("Thành viên là người khuyết tật", "Members with a disability"),
        ("disabled", False): ("Thành viên không khuyết tật", "Members without a disability"),
        ("ethnic_minority", True): ("Thành viên là người dân tộc thiểu số", "Members of an ethnic minority"),
        ("ethnic_minority", False): (
            "Thành viên không phải người dân tộc thiểu số",
            "Members not of an ethnic minority",
        ),
    }

    def describe(self) -> tuple[Text, ...]:
        return (Text(*self.DESCRIPTIONS[(self.name, self.wanted)]),)


@dataclass(frozen=True)
class Rule:
    level: Level
    household: tuple[HouseholdCondition, ...] = ()
    member: tuple[MemberCondition, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, code: str = "") -> Rule:
        """A rule from the catalogue's JSON, e.g. ``{"level": "member", "categories": ["poor"],
        "newly_escaped": {"from": ["poor"], "months": 36}, "age": [0, 5], "in_education": true,
        "working_age": true, "disabled": true, "ethnic_minority": true, "difficult_area": true}``;
        ``"working_age"`` may also be ``{"min": 15, "max_female": 55, "max_male": 60}``; ``"places":
        ["poor_commune", "difficult_commune"]`` (any of them), ``"needs_event": "house_damaged"`` and
        ``"needs_request": true`` (a request for the policy ``code``) limit it to some households."""
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
        places = data.get("places") or ()
        if places:
            unknown = sorted(set(places) - PLACE_KINDS.keys())
            if unknown:
                raise ValueError(f"unknown places {unknown}")
            household.append(InPlace(tuple(k for k in PLACE_KINDS if k in places)))
        if data.get("needs_event"):
            if data["needs_event"] not in EVENT_KINDS:
                raise ValueError(f"unknown event {data['needs_event']!r}")
            household.append(HasEvent(str(data["needs_event"])))
        if data.get("needs_request"):
            household.append(HasRequest(code))
        member: list[MemberCondition] = []
        if "age" in data:
            low, high = data["age"]
            member.append(AgeBetween(low, high))
        working_age = WorkingAge.from_data(data.get("working_age"))
        if working_age is not None:
            member.append(working_age)
        for name in ("in_education", "disabled", "ethnic_minority"):
            if name in data:
                member.append(Flag(name, bool(data[name])))
        if member and level == "household":
            raise ValueError("member conditions need a member-level rule")
        return cls(level=level, household=tuple(household), member=tuple(member))

    @property
    def needs_event(self) -> str:
        """The event kind the rule waits for ("" when none)."""
        return next((c.kind for c in self.household if isinstance(c, HasEvent)), "")

    @property
    def needs_request(self) -> bool:
        return any(isinstance(c, HasRequest) for c in self.household)

    @property
    def category(self) -> InCategory | None:
        """The condition on the household's category (every rule built by ``from_data`` has one)."""
        return next((c for c in self.household if isinstance(c, InCategory)), None)

    @property
    def lines(self) -> tuple[Text, ...]:
        """What the rule asks for, one line per condition: the household's, then each member's."""
        household = [line for c in self.household for line in c.describe()]
        return (*household, *(line for c in self.member for line in c.describe()))

    def describe(self, lang: str = "vi") -> list[str]:
        """``lines`` in one language: "vi" or "en" (any "en-…" too); Vietnamese otherwise."""
        english = lang.lower().startswith("en")
        return [line.en if english else line.vi for line in self.lines]


def may_apply(rule: Rule, household: Household) -> bool:
    """A quick test before ``evaluate``: False when the household's category (now, or the one it left)
    cannot satisfy the rule's category condition — most households of a province, skipped without building
    reasons. True does not mean entitled."""
    condition = rule.category
    if condition is None:
        return True
    return household.category in condition.categories or household.left_category in condition.escaped


@dataclass(frozen=True)
class Result:
    eligible: bool  # household-level: the household; member-level: at least one member
    reasons: tuple[Verdict, ...]  # household conditions
    members: tuple[tuple[bool, tuple[Verdict, ...]], ...] = field(default=())  # member-level rules

    @property
    def eligible_members(self) -> list[int]:
        return [i for i, (ok, _reasons) in enumerate(self.members) if ok]


def describe(rule_data: Mapping[str, Any], lang: str = "vi") -> list[str]:
    """The rule stored as ``rule_data`` in words, one line per condition (``Rule.describe``)."""
    return Rule.from_data(rule_data).describe(lang)


def with_request(household: Household, code: str) -> Household:
    """``household`` with a request for ``code`` on record (recording the support answers a request)."""
    return replace(household, requests=household.requests | {code})


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


# --- The one check of a rule the catalogue may hold ------------------------------------------------------

RULE_CATEGORIES = ("poor", "near_poor", "middle")
RULE_ESCAPED = ("poor", "near_poor")
RULE_FLAGS = ("in_education", "disabled", "ethnic_minority")
MAX_ESCAPED_MONTHS = 120
MAX_AGE = 130


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the translation catalogue (``makemessages`` looks for this name) without
    translating it: this module has no Django; ``RuleError.text`` translates it where the error is shown."""
    return message


class RuleError(ValueError):
    """A rule the catalogue cannot hold. ``field`` names the part of the rule: ``categories``,
    ``newly_escaped.from``, ``newly_escaped.months``, ``age``, ``working_age``, ``level`` (member conditions
    on a household policy) or ``rule``; ``message`` is an English msgid, ``params`` its %-parameters."""

    def __init__(self, message: str, *, field: str = "rule", params: Mapping[str, object] | None = None):
        self.message, self.field, self.params = message, field, dict(params or {})
        super().__init__(self.text(lambda m: m))

    def text(self, translate: Callable[[str], str]) -> str:
        """The message in the user's language: ``translate`` is ``gettext``."""
        text = translate(self.message)
        return text % self.params if self.params else text


def _years(value: object, low: int, high: int) -> bool:
    """A whole number from ``low`` to ``high`` (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _clean_categories(rule: dict[str, Any]) -> None:
    categories = rule.get("categories", [])
    if not isinstance(categories, list) or not set(categories) <= set(RULE_CATEGORIES):
        raise RuleError(
            gettext_noop("Choose the categories among poor, near-poor and middle-living households."),
            field="categories",
        )
    rule["categories"] = [c for c in RULE_CATEGORIES if c in categories]
    escaped = rule.pop("newly_escaped", None) or {}
    if not isinstance(escaped, dict):
        raise RuleError(gettext_noop("The “newly escaped” condition is not valid."))
    gone, months = escaped.get("from") or [], escaped.get("months")
    if not isinstance(gone, list) or not set(gone) <= set(RULE_ESCAPED):
        raise RuleError(
            gettext_noop("A household can only have escaped poverty or near-poverty."),
            field="newly_escaped.from",
        )
    if gone and not _years(months, 1, MAX_ESCAPED_MONTHS):
        raise RuleError(
            gettext_noop(
                "Enter for how many months after escaping a household stays entitled (1 to %(max)d)."
            ),
            field="newly_escaped.months",
            params={"max": MAX_ESCAPED_MONTHS},
        )
    if months not in (None, "") and not gone:
        raise RuleError(
            gettext_noop("Tick what the household must have escaped from, or leave the months empty."),
            field="newly_escaped.from",
        )
    if gone:
        rule["newly_escaped"] = {"from": [c for c in RULE_ESCAPED if c in gone], "months": months}
    elif not rule["categories"]:
        raise RuleError(
            gettext_noop("Tick at least one category of household (now, or newly escaped)."),
            field="categories",
        )


def _clean_member_conditions(rule: dict[str, Any]) -> bool:
    """Check the member conditions, drop the empty ones; whether any is left."""
    if "age" in rule:
        age = rule["age"]
        if (
            not isinstance(age, list)
            or len(age) != 2
            or not all(a is None or _years(a, 0, MAX_AGE) for a in age)
        ):
            raise RuleError(gettext_noop("Enter the ages as whole numbers of years."), field="age")
        if age == [None, None]:
            del rule["age"]
        elif None not in age and age[0] > age[1]:
            raise RuleError(gettext_noop("The lowest age cannot be above the highest age."), field="age")
    if rule.get("working_age") in (None, False):
        rule.pop("working_age", None)
    for name in RULE_FLAGS:
        if rule.get(name, False) is None:
            del rule[name]  # "any": no condition
        elif name in rule and not isinstance(rule[name], bool):
            raise RuleError(gettext_noop("The eligibility rule is not valid."))
    return any(k in rule for k in ("age", "working_age", *RULE_FLAGS))


def _clean_limits(rule: dict[str, Any]) -> None:
    """Check the place, event and request conditions, drop the empty ones."""
    places = rule.pop("places", None) or []
    if not isinstance(places, list) or not set(places) <= PLACE_KINDS.keys():
        raise RuleError(gettext_noop("Choose the places among those listed."), field="places")
    if places:
        rule["places"] = [k for k in PLACE_KINDS if k in places]
    event = rule.pop("needs_event", None) or ""
    if event not in EVENT_KINDS and event != "":
        raise RuleError(
            gettext_noop("Unknown event: %(event)s."), field="needs_event", params={"event": str(event)}
        )
    if event:
        rule["needs_event"] = event
    request = rule.pop("needs_request", False)
    if not isinstance(request, bool):
        raise RuleError(gettext_noop("The eligibility rule is not valid."), field="needs_request")
    if request:
        rule["needs_request"] = True


def clean_rule(rule: object, *, level: str | None = None) -> dict[str, Any]:
    """The eligibility rule checked for what the catalogue allows and normalised (categories in their order,
    empty conditions dropped), with ``level`` in it (the policy's; None: the rule's own, "household" when
    it has none). Raises ``RuleError``; ``Rule.from_data`` of the result does not fail."""
    if not isinstance(rule, dict):
        raise RuleError(gettext_noop("The eligibility rule must be an object."))
    cleaned = {**rule, "level": rule.get("level", "household") if level is None else level}
    _clean_categories(cleaned)
    _clean_limits(cleaned)
    if _clean_member_conditions(cleaned) and cleaned["level"] != "member":
        raise RuleError(
            gettext_noop(
                "Conditions on members (age, working age, schooling, disability, ethnicity) apply only to "
                "policies given to members: choose the level “member” or remove them."
            ),
            field="level",
        )
    try:
        Rule.from_data(cleaned)
    except (ValueError, TypeError, KeyError) as exc:
        problem = str(exc)
        raise RuleError(
            gettext_noop("The eligibility rule is not valid: %(problem)s"),
            field="working_age" if "working_age" in problem else "rule",
            params={"problem": problem},
        ) from exc
    return cleaned
