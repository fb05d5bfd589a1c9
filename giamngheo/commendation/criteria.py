"""The criteria of an emulation title or form of commendation, checked against what is known of a nominee
(Law 06/2022/QH15 Art. 22-24, 27, 28). Pure Python (no Django): the keys and parameters are the data of
``Title.criteria`` (migration 0002); the facts are read by ``commendation.selectors.nominee_facts``.

An unknown fact never passes: the check answers ``None`` ("chưa đủ thông tin"), and a proposal is sent only
when every check answers ``True`` (or the office overrides with a reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The yearly quality ratings from the lowest to the highest (Decree 90/2020 Art. 20).
RATING_ORDER = ("not_completed", "completed", "good", "excellent")
RATING_WORDS = {
    "excellent": "hoàn thành xuất sắc nhiệm vụ",
    "good": "hoàn thành tốt nhiệm vụ",
    "completed": "hoàn thành nhiệm vụ",
    "not_completed": "không hoàn thành nhiệm vụ",
}
LEVEL_ORDER = ("grassroots", "province")
LEVEL_WORDS = {"grassroots": "cấp cơ sở", "province": "cấp tỉnh"}
UNKNOWN = "chưa đủ thông tin"


@dataclass(frozen=True)
class MemberFacts:
    """One active staff member of a collective: the year's rating (``None``: not rated), discipline
    (``None``: unknown) and the titles awarded or proposed (sent, approved, decided) for the year."""

    rating: str | None
    disciplined: bool | None
    titles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NomineeFacts:
    year: int
    rating: str | None = None
    disciplined: bool | None = None
    # Codes of the titles awarded or proposed (sent, approved, decided) for the nominee in ``year``.
    titles: frozenset[str] = frozenset()
    # Code -> the years the nominee was awarded it (this year's proposal counted through ``titles``).
    title_years: Mapping[str, frozenset[int]] = field(default_factory=dict)
    # Levels of the recognised initiatives given as the ground (not yet used for another commendation).
    initiative_levels: tuple[str, ...] = ()
    # The active staff of a collective (``None`` for an individual or a household).
    members: tuple[MemberFacts, ...] | None = None
    # Code -> name of the titles, for the texts.
    title_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    key: str
    passed: bool | None
    text_vi: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "passed": self.passed, "text": self.text_vi}


def _rank(rating: str | None) -> int | None:
    return RATING_ORDER.index(rating) if rating in RATING_ORDER else None


def _name(facts: NomineeFacts, code: str) -> str:
    return facts.title_names.get(code, code)


def _verdict(passed: bool | None) -> str:
    return {True: "đạt", False: "không đạt", None: UNKNOWN}[passed]


def _rating_at_least(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    wanted = str(c.get("rating", "good"))
    rank = _rank(f.rating)
    passed = None if rank is None else rank >= RATING_ORDER.index(wanted)
    have = RATING_WORDS.get(f.rating or "", "chưa xếp loại")
    return CheckResult(
        "rating_at_least",
        passed,
        f"Xếp loại {RATING_WORDS[wanted]} trở lên (năm {f.year}: {have}): {_verdict(passed)}",
    )


def _has_title(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    code = str(c["code"])
    passed = code in f.titles
    return CheckResult(
        "has_title",
        passed,
        f"Đạt hoặc được đề nghị danh hiệu {_name(f, code)} năm {f.year}: {_verdict(passed)}",
    )


def _excellent_or_initiative(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    passed: bool | None
    if f.rating == "excellent" or f.initiative_levels:
        passed = True
    elif f.rating is None:
        passed = None
    else:
        passed = False
    return CheckResult(
        "excellent_or_initiative",
        passed,
        f"Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được công nhận chưa dùng làm căn cứ khen thưởng: "
        f"{_verdict(passed)}",
    )


def _consecutive_title(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    code, years = str(c["code"]), int(c.get("years", 1))
    had = set(f.title_years.get(code, frozenset()))
    if code in f.titles:
        had.add(f.year)
    wanted = range(f.year - years + 1, f.year + 1)
    got = sum(1 for y in wanted if y in had)
    passed = got == years
    return CheckResult(
        "consecutive_title",
        passed,
        f"{years} năm liên tục đạt danh hiệu {_name(f, code)} ({wanted[0]}–{f.year}: {got}/{years}): "
        f"{_verdict(passed)}",
    )


def _initiative(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    level = str(c.get("level", "grassroots"))
    need = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0
    passed = any(lv in LEVEL_ORDER and LEVEL_ORDER.index(lv) >= need for lv in f.initiative_levels)
    return CheckResult(
        "initiative",
        passed,
        f"Có sáng kiến được công nhận {LEVEL_WORDS.get(level, level)} trở lên: {_verdict(passed)}",
    )


def _members_share_title(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    code, share = str(c["code"]), int(c.get("share", 70))
    text = f"Ít nhất {share} % cá nhân đạt danh hiệu {_name(f, code)}"
    if not f.members:
        return CheckResult("members_share_title", None, f"{text}: {UNKNOWN} (chưa có danh sách cán bộ)")
    with_title = sum(1 for m in f.members if code in m.titles)
    total = len(f.members)
    passed = with_title * 100 >= share * total
    pct = round(with_title * 100 / total, 1)
    return CheckResult(
        "members_share_title", passed, f"{text} ({with_title}/{total} = {pct} %): {_verdict(passed)}"
    )


def _all_members_completed(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    text = "100 % cá nhân hoàn thành nhiệm vụ trở lên"
    if not f.members:
        return CheckResult("all_members_completed", None, f"{text}: {UNKNOWN} (chưa có danh sách cán bộ)")
    ranks = [_rank(m.rating) for m in f.members]
    failed = sum(1 for r in ranks if r is not None and r < RATING_ORDER.index("completed"))
    unknown = sum(1 for r in ranks if r is None)
    passed: bool | None = False if failed else (None if unknown else True)
    detail = f"{failed} không hoàn thành, {unknown} chưa xếp loại / {len(ranks)}"
    return CheckResult("all_members_completed", passed, f"{text} ({detail}): {_verdict(passed)}")


def _members_with_title(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    code, count = str(c["code"]), int(c.get("count", 1))
    text = f"Có ít nhất {count} cá nhân đạt danh hiệu {_name(f, code)}"
    if f.members is None:
        return CheckResult("members_with_title", None, f"{text}: {UNKNOWN}")
    got = sum(1 for m in f.members if code in m.titles)
    passed = got >= count
    return CheckResult("members_with_title", passed, f"{text} ({got}): {_verdict(passed)}")


def _no_member_disciplined(c: Mapping[str, Any], f: NomineeFacts) -> CheckResult:
    text = "Không có cá nhân bị kỷ luật từ khiển trách trở lên"
    if not f.members:
        return CheckResult("no_member_disciplined", None, f"{text}: {UNKNOWN} (chưa có danh sách cán bộ)")
    disciplined = sum(1 for m in f.members if m.disciplined is True)
    unknown = sum(1 for m in f.members if m.disciplined is None)
    passed: bool | None = False if disciplined else (None if unknown else True)
    detail = f"{disciplined} bị kỷ luật, {unknown} chưa rõ"
    return CheckResult("no_member_disciplined", passed, f"{text} ({detail}): {_verdict(passed)}")


CHECKS = {
    "rating_at_least": _rating_at_least,
    "has_title": _has_title,
    "excellent_or_initiative": _excellent_or_initiative,
    "consecutive_title": _consecutive_title,
    "initiative": _initiative,
    "members_share_title": _members_share_title,
    "all_members_completed": _all_members_completed,
    "members_with_title": _members_with_title,
    "no_member_disciplined": _no_member_disciplined,
}


def check(criteria: Sequence[Mapping[str, Any]], facts: NomineeFacts) -> list[CheckResult]:
    """Every criterion checked: ``True`` met, ``False`` not met, ``None`` not enough information."""
    results = []
    for criterion in criteria:
        key = str(criterion.get("key", ""))
        fn = CHECKS.get(key)
        if fn is None:
            results.append(CheckResult(key, None, f"Tiêu chuẩn chưa được hỗ trợ ({key}): {UNKNOWN}"))
            continue
        results.append(fn(criterion, facts))
    return results


def all_passed(results: Sequence[CheckResult]) -> bool:
    return all(r.passed is True for r in results)
