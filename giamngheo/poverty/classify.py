"""Classification of one household under one standard, with the reasons in Vietnamese and English.

Boundaries exactly as the decree says: income at or below the line counts (≤); deprived in ``cutoff``
or more indicators (3 in the national standards) makes a household poor, fewer makes it near-poor;
above the line and up to the middle-living bound (inclusive) is middle-living; above that, not poor.
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


def categorise(income: int, line: int, middle_limit: int | None, count: int, cutoff: int) -> Category:
    """The rule itself, on plain numbers (the bulk path implements the same in numpy)."""
    if income <= line:
        return Category.POOR if count >= cutoff else Category.NEAR_POOR
    if middle_limit is not None and income <= middle_limit:
        return Category.MIDDLE
    return Category.NOT_POOR


def _vnd(amount: int, sep: str) -> str:
    return f"{amount:,}".replace(",", sep)


@dataclass(frozen=True, slots=True)
class Result:
    category: Category
    deprivation_count: int
    deprived: tuple[str, ...]  # indicator keys, in the standard's order
    income_line: int
    middle_limit: int | None
    income_per_capita: int
    area: str
    standard: Standard
    unknown: tuple[str, ...] = ()  # indicators that could not be evaluated (missing facts)

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

    @property
    def reasons_vi(self) -> list[str]:
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
            missing = ", ".join(self.standard.indicator(k).name_vi.lower() for k in self.unknown)
            reasons.append(f"Chưa đủ thông tin để xác định các chỉ số: {missing}.")
        return reasons

    @property
    def reasons_en(self) -> list[str]:
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
            missing = ", ".join(self.standard.indicator(k).name_en.lower() for k in self.unknown)
            reasons.append(f"Not enough information to decide: {missing}.")
        return reasons


def classify_flags(
    area: str, income_per_capita: int, deprived: Collection[str], standard: Standard
) -> Result:
    """Classify from the income and the set of deprived indicator keys (the scalar fast path).

    Keys the standard does not use are ignored (e.g. ``information_devices`` under the 2027 standard).
    """
    if isinstance(income_per_capita, bool) or not isinstance(income_per_capita, int) or income_per_capita < 0:
        raise StandardError(
            f"income per capita must be a whole, non-negative number of VND: {income_per_capita!r}"
        )
    line = standard.line(area)
    middle = standard.middle_limit(area)
    kept = tuple(k for k in standard.indicator_keys if k in deprived)
    return Result(
        category=categorise(income_per_capita, line, middle, len(kept), standard.cutoff),
        deprivation_count=len(kept),
        deprived=kept,
        income_line=line,
        middle_limit=middle,
        income_per_capita=income_per_capita,
        area=area,
        standard=standard,
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
    """Classify a household from its facts. Unknown indicators count as not deprived and are listed."""
    values = evaluate_indicators(facts, standard)
    deprived = {k for k, v in values.items() if v is True}
    result = classify_flags(facts.area, facts.income_per_capita, deprived, standard)
    unknown = tuple(k for k, v in values.items() if v is None)
    if not unknown:
        return result
    return Result(
        category=result.category,
        deprivation_count=result.deprivation_count,
        deprived=result.deprived,
        income_line=result.income_line,
        middle_limit=result.middle_limit,
        income_per_capita=result.income_per_capita,
        area=result.area,
        standard=standard,
        unknown=unknown,
    )


def classify_all(facts: HouseholdFacts, standards: Mapping[str, Standard]) -> dict[str, Result]:
    """The same household under several standards (e.g. national and provincial): both results kept."""
    return {code: classify(facts, standard) for code, standard in standards.items()}
