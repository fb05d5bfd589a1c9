"""Classification of one household under one standard, with the reasons in Vietnamese and English.

Boundaries exactly as the decree says: income at or below the line counts (≤); deprived in ``cutoff``
or more indicators (3 in the national standards) makes a household poor, fewer makes it near-poor;
above the line and up to the middle-living bound (inclusive) is middle-living; above that, not poor.

Unknown facts stay unknown: an indicator the facts cannot decide is neither deprived nor not deprived.
The result is *determined* when the missing facts cannot change the category: always above the income
line; at or below it when the household is already deprived in ``cutoff`` indicators (poor whatever the
rest), or when even all the unknown indicators would not reach the cutoff (near-poor). Otherwise, and
whenever the income is not known, the category is None and the reasons name what is missing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .facts import HouseholdFacts
from .indicators import RULES
from .standard import Standard, StandardError


class Category(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    MIDDLE = "middle"
    NOT_POOR = "not_poor"


CATEGORY_VI = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.MIDDLE: "Hộ có mức sống trung bình",
    Category.NOT_POOR: "Không thuộc hộ nghèo, cận nghèo, mức sống trung bình",
}
CATEGORY_EN = {
    Category.POOR: "Poor household",
    Category.NEAR_POOR: "Near-poor household",
    Category.MIDDLE: "Middle-living-standard household",
    Category.NOT_POOR: "Not poor, near-poor or middle-living",
}
AREA_VI = {"rural": "nông thôn", "urban": "thành thị"}
UNDETERMINED_VI = "Chưa đủ thông tin để phân loại"
UNDETERMINED_EN = "Not enough information to classify"
INCOME_MISSING_VI = "thu nhập bình quân đầu người"
INCOME_MISSING_EN = "the income per person"


def categorise(income: int, line: int, middle_limit: int | None, count: int, cutoff: int) -> Category:
    """The rule itself, on plain numbers (the bulk path implements the same in numpy)."""
    if income <= line:
        return Category.POOR if count >= cutoff else Category.NEAR_POOR
    if middle_limit is not None and income <= middle_limit:
        return Category.MIDDLE
    return Category.NOT_POOR


def decide(
    income: int | None, line: int, middle_limit: int | None, count: int, unknown: int, cutoff: int
) -> Category | None:
    """The category when the facts determine it, else None (the bulk path implements the same in numpy).
    ``count``: deprived indicators; ``unknown``: indicators the facts cannot decide."""
    if income is None:
        return None
    if income <= line and count < cutoff <= count + unknown:
        return None  # the missing facts could make the household poor
    return categorise(income, line, middle_limit, count, cutoff)


def possible_categories(
    income: int | None, line: int, middle_limit: int | None, count: int, unknown: int, cutoff: int
) -> tuple[Category, ...]:
    """Every category the missing facts still allow, in the order of ``Category``."""
    if income is not None:
        low = categorise(income, line, middle_limit, count, cutoff)
        high = categorise(income, line, middle_limit, count + unknown, cutoff)
        return tuple(c for c in Category if c in (low, high))
    found = [Category.NEAR_POOR] if count < cutoff else []
    if count + unknown >= cutoff:
        found.insert(0, Category.POOR)
    if middle_limit is not None:
        found.append(Category.MIDDLE)
    found.append(Category.NOT_POOR)
    return tuple(found)


def _vnd(amount: int, sep: str) -> str:
    return f"{amount:,}".replace(",", sep)


@dataclass(frozen=True, slots=True)
class Result:
    category: Category | None  # None: not determined (see ``determined``)
    deprivation_count: int
    deprived: tuple[str, ...]  # indicator keys, in the standard's order
    income_line: int
    middle_limit: int | None
    income_per_capita: int | None  # None: not recorded
    area: str
    standard: Standard
    unknown: tuple[str, ...] = ()  # indicators that could not be evaluated (missing facts)

    @property
    def determined(self) -> bool:
        """False when the missing income or the unknown indicators could change the category."""
        return self.category is not None

    @property
    def possible(self) -> tuple[Category, ...]:
        """The categories the missing facts still allow (one when determined)."""
        return possible_categories(
            self.income_per_capita,
            self.income_line,
            self.middle_limit,
            self.deprivation_count,
            len(self.unknown),
            self.standard.cutoff,
        )

    @property
    def standard_code(self) -> str:
        return self.standard.code

    @property
    def is_poor(self) -> bool:
        return self.category is Category.POOR

    @property
    def score_b(self) -> int | None:
        """Deprivation score B (B2 in the forms): points per deprived indicator."""
        scores = self.standard.scores
        return None if scores is None else scores.points_per_indicator * self.deprivation_count

    def _names(self, lang: str) -> list[str]:
        return [
            (ind.name_vi.lower() if lang == "vi" else ind.name_en.lower())
            for ind in self.standard.indicators
            if ind.key in self.deprived
        ]

    def _unknown_names(self, lang: str) -> str:
        return ", ".join(
            (ind.name_vi.lower() if lang == "vi" else ind.name_en.lower())
            for ind in self.standard.indicators
            if ind.key in self.unknown
        )

    def _undetermined_vi(self) -> list[str]:
        s, line, cutoff = self.standard, self.income_line, self.standard.cutoff
        missing = []
        if self.income_per_capita is None:
            missing.append(INCOME_MISSING_VI)
        if self.unknown:
            missing.append(f"thông tin để xác định {len(self.unknown)} chỉ số: {self._unknown_names('vi')}")
        reasons = [f"{UNDETERMINED_VI} theo {s.code}: thiếu {'; '.join(missing)}."]
        names = ", ".join(self._names("vi"))
        lack = f"thiếu hụt {self.deprivation_count} chỉ số" + (f": {names}" if names else "")
        if self.income_per_capita is not None:
            income = f"Thu nhập bình quân {_vnd(self.income_per_capita, '.')} đ/người/tháng"
            where = AREA_VI.get(self.area, self.area)
            reasons.append(f"{income}, không vượt chuẩn {_vnd(line, '.')} đ ({where}).")
        reasons.append(
            f"Hộ {lack}; từ {cutoff} chỉ số trở lên là hộ nghèo. Có thể là: "
            + ", ".join(CATEGORY_VI[c].lower() for c in self.possible)
            + "."
        )
        return reasons

    def _undetermined_en(self) -> list[str]:
        s, line, cutoff = self.standard, self.income_line, self.standard.cutoff
        missing = []
        if self.income_per_capita is None:
            missing.append(INCOME_MISSING_EN)
        if self.unknown:
            missing.append(f"the facts of {len(self.unknown)} indicator(s): {self._unknown_names('en')}")
        reasons = [f"{UNDETERMINED_EN} under {s.code}: missing {'; '.join(missing)}."]
        names = ", ".join(self._names("en"))
        lack = f"lacks {self.deprivation_count} indicator(s)" + (f": {names}" if names else "")
        if self.income_per_capita is not None:
            income = f"Income of {_vnd(self.income_per_capita, ',')} VND per person per month"
            reasons.append(f"{income}, at or below the line of {_vnd(line, ',')} VND ({self.area}).")
        reasons.append(
            f"The household {lack}; {cutoff} or more make it poor. It may be: "
            + ", ".join(CATEGORY_EN[c].lower() for c in self.possible)
            + "."
        )
        return reasons

    @property
    def reasons_vi(self) -> list[str]:
        if self.category is None or self.income_per_capita is None:
            return self._undetermined_vi()
        s, line, cutoff = self.standard, self.income_line, self.standard.cutoff
        income = f"Thu nhập bình quân {_vnd(self.income_per_capita, '.')} đ/người/tháng"
        where = AREA_VI.get(self.area, self.area)
        names = ", ".join(self._names("vi"))
        lack = f"thiếu hụt {self.deprivation_count} chỉ số" + (f": {names}" if names else "")
        reasons = [f"{CATEGORY_VI[self.category]} theo {s.code}."]
        if self.category in (Category.POOR, Category.NEAR_POOR):
            reasons.append(f"{income}, không vượt chuẩn {_vnd(line, '.')} đ ({where}).")
            if self.category is Category.POOR:
                reasons.append(f"Hộ {lack} (từ {cutoff} chỉ số trở lên là hộ nghèo).")
            else:
                reasons.append(f"Hộ {lack} (dưới {cutoff} chỉ số nên là hộ cận nghèo).")
        elif self.category is Category.MIDDLE:
            reasons.append(
                f"{income}, trên chuẩn {_vnd(line, '.')} đ "
                f"và không quá {_vnd(self.middle_limit or 0, '.')} đ ({where})."
            )
        else:
            limit = self.middle_limit or line
            reasons.append(f"{income}, trên mức {_vnd(limit, '.')} đ ({where}).")
            if self.middle_limit is None:
                reasons.append("Chuẩn này chưa quy định mức sống trung bình.")
        if self.unknown:
            reasons.append(
                f"Chưa đủ thông tin để xác định các chỉ số: {self._unknown_names('vi')} "
                "(không làm thay đổi kết quả phân loại)."
            )
        return reasons

    @property
    def reasons_en(self) -> list[str]:
        if self.category is None or self.income_per_capita is None:
            return self._undetermined_en()
        s, line, cutoff = self.standard, self.income_line, self.standard.cutoff
        income = f"Income of {_vnd(self.income_per_capita, ',')} VND per person per month"
        names = ", ".join(self._names("en"))
        lack = f"lacks {self.deprivation_count} indicator(s)" + (f": {names}" if names else "")
        reasons = [f"{CATEGORY_EN[self.category]} under {s.code}."]
        if self.category in (Category.POOR, Category.NEAR_POOR):
            reasons.append(f"{income}, at or below the line of {_vnd(line, ',')} VND ({self.area}).")
            rule = (
                f"{cutoff} or more make it poor" if self.category is Category.POOR else f"fewer than {cutoff}"
            )
            reasons.append(f"The household {lack} ({rule}).")
        elif self.category is Category.MIDDLE:
            reasons.append(
                f"{income}, above the line of {_vnd(line, ',')} VND and at most "
                f"{_vnd(self.middle_limit or 0, ',')} VND ({self.area})."
            )
        else:
            reasons.append(f"{income}, above {_vnd(self.middle_limit or line, ',')} VND ({self.area}).")
            if self.middle_limit is None:
                reasons.append("This standard defines no middle-living band.")
        if self.unknown:
            reasons.append(
                f"Not enough information to decide: {self._unknown_names('en')} "
                "(it does not change the category)."
            )
        return reasons


def classify_flags(
    area: str,
    income_per_capita: int | None,
    deprived: Collection[str],
    standard: Standard,
    unknown: Collection[str] = (),
) -> Result:
    """Classify from the income (None: not recorded), the set of deprived indicator keys and the set of
    indicators the facts cannot decide (the scalar fast path).

    Keys the standard does not use are ignored (e.g. ``information_devices`` under the 2027 standard); a
    key both deprived and unknown counts as deprived.
    """
    if income_per_capita is not None and (
        isinstance(income_per_capita, bool) or not isinstance(income_per_capita, int) or income_per_capita < 0
    ):
        raise StandardError(
            f"income per capita must be a whole, non-negative number of VND: {income_per_capita!r}"
        )
    line = standard.line(area)
    middle = standard.middle_limit(area)
    kept = tuple(k for k in standard.indicator_keys if k in deprived)
    missing = (
        tuple(k for k in standard.indicator_keys if k in unknown and k not in deprived) if unknown else ()
    )
    return Result(
        category=decide(income_per_capita, line, middle, len(kept), len(missing), standard.cutoff),
        deprivation_count=len(kept),
        deprived=kept,
        income_line=line,
        middle_limit=middle,
        income_per_capita=income_per_capita,
        area=area,
        standard=standard,
        unknown=missing,
    )


def evaluate_indicators(facts: HouseholdFacts, standard: Standard) -> dict[str, bool | None]:
    """Each indicator of the standard: ticked on the form if given, else computed from the facts."""
    values: dict[str, bool | None] = {}
    for indicator in standard.indicators:
        if indicator.key in facts.ticked:
            values[indicator.key] = bool(facts.ticked[indicator.key])
            continue
        try:
            fn = RULES[indicator.rule]
        except KeyError:
            raise StandardError(
                f"{standard.code}: indicator {indicator.key} uses unknown rule {indicator.rule}"
            ) from None
        values[indicator.key] = fn(facts, indicator.params)
    return values


def classify(facts: HouseholdFacts, standard: Standard) -> Result:
    """Classify a household from its facts. Unknown indicators are listed, never counted as deprived or
    not deprived; the category is None when they (or a missing income) could change it."""
    values = evaluate_indicators(facts, standard)
    deprived = {k for k, v in values.items() if v is True}
    unknown = {k for k, v in values.items() if v is None}
    return classify_flags(facts.area, facts.income_per_capita, deprived, standard, unknown)


def classify_all(facts: HouseholdFacts, standards: Mapping[str, Standard]) -> dict[str, Result]:
    """The same household under several standards (e.g. national and provincial): both results kept."""
    return {code: classify(facts, standard) for code, standard in standards.items()}
