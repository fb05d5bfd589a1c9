"""The criteria core: each key met, not met and unknown (an unknown fact never passes)."""

from __future__ import annotations

from giamngheo.commendation.criteria import MemberFacts, NomineeFacts, all_passed, check

LDTT, CSTDCS = "lao-dong-tien-tien", "chien-si-thi-dua-co-so"


def one(criterion: dict, facts: NomineeFacts) -> bool | None:
    [result] = check([criterion], facts)
    assert result.text_vi
    return result.passed


def test_rating_at_least() -> None:
    c = {"key": "rating_at_least", "rating": "good"}
    assert one(c, NomineeFacts(year=2025, rating="excellent")) is True
    assert one(c, NomineeFacts(year=2025, rating="good")) is True
    assert one(c, NomineeFacts(year=2025, rating="completed")) is False
    assert one(c, NomineeFacts(year=2025, rating=None)) is None
    assert (
        one({"key": "rating_at_least", "rating": "excellent"}, NomineeFacts(year=2025, rating="good"))
        is False
    )


def test_has_title() -> None:
    c = {"key": "has_title", "code": LDTT}
    assert one(c, NomineeFacts(year=2025, titles=frozenset({LDTT}))) is True
    assert one(c, NomineeFacts(year=2025)) is False


def test_excellent_or_initiative() -> None:
    c = {"key": "excellent_or_initiative"}
    assert one(c, NomineeFacts(year=2025, rating="excellent")) is True
    assert one(c, NomineeFacts(year=2025, rating="good", initiative_levels=("grassroots",))) is True
    assert one(c, NomineeFacts(year=2025, rating=None, initiative_levels=("grassroots",))) is True
    assert one(c, NomineeFacts(year=2025, rating="good")) is False
    assert one(c, NomineeFacts(year=2025, rating=None)) is None


def test_consecutive_title() -> None:
    c = {"key": "consecutive_title", "code": CSTDCS, "years": 3}
    years = {CSTDCS: frozenset({2023, 2024})}
    assert one(c, NomineeFacts(year=2025, titles=frozenset({CSTDCS}), title_years=years)) is True
    assert one(c, NomineeFacts(year=2025, title_years=years)) is False
    assert one(c, NomineeFacts(year=2025, title_years={CSTDCS: frozenset({2022, 2024, 2025})})) is False


def test_initiative_level() -> None:
    c = {"key": "initiative", "level": "province"}
    assert one(c, NomineeFacts(year=2025, initiative_levels=("province",))) is True
    assert one(c, NomineeFacts(year=2025, initiative_levels=("grassroots",))) is False
    assert one(c, NomineeFacts(year=2025)) is False
    assert one(
        {"key": "initiative", "level": "grassroots"}, NomineeFacts(year=2025, initiative_levels=("province",))
    )


def _members(*titles: set[str], rating: str | None = "good", disciplined: bool | None = False) -> tuple:
    return tuple(MemberFacts(rating=rating, disciplined=disciplined, titles=frozenset(t)) for t in titles)


def test_members_share_title() -> None:
    c = {"key": "members_share_title", "code": LDTT, "share": 70}
    seven = _members(*([{LDTT}] * 7 + [set()] * 3))
    six = _members(*([{LDTT}] * 6 + [set()] * 4))
    assert one(c, NomineeFacts(year=2025, members=seven)) is True
    assert one(c, NomineeFacts(year=2025, members=six)) is False
    assert one(c, NomineeFacts(year=2025, members=())) is None
    assert one(c, NomineeFacts(year=2025)) is None


def test_all_members_completed() -> None:
    c = {"key": "all_members_completed"}
    done = _members(set(), set())
    assert one(c, NomineeFacts(year=2025, members=done)) is True
    unknown = (*done, MemberFacts(rating=None, disciplined=None))
    assert one(c, NomineeFacts(year=2025, members=unknown)) is None
    failed = (*unknown, MemberFacts(rating="not_completed", disciplined=False))
    assert one(c, NomineeFacts(year=2025, members=failed)) is False
    assert one(c, NomineeFacts(year=2025, members=())) is None


def test_members_with_title() -> None:
    c = {"key": "members_with_title", "code": CSTDCS, "count": 1}
    assert one(c, NomineeFacts(year=2025, members=_members({CSTDCS, LDTT}, {LDTT}))) is True
    assert one(c, NomineeFacts(year=2025, members=_members({LDTT}))) is False
    assert one(c, NomineeFacts(year=2025)) is None


def test_no_member_disciplined() -> None:
    c = {"key": "no_member_disciplined"}
    assert one(c, NomineeFacts(year=2025, members=_members(set(), set()))) is True
    assert one(c, NomineeFacts(year=2025, members=_members(set(), disciplined=True))) is False
    assert one(c, NomineeFacts(year=2025, members=_members(set(), disciplined=None))) is None


def test_unknown_key_and_all_passed() -> None:
    results = check([{"key": "no-such"}, {"key": "has_title", "code": LDTT}], NomineeFacts(year=2025))
    assert results[0].passed is None
    assert not all_passed(results)
    assert all_passed(check([], NomineeFacts(year=2025)))
    ok = check([{"key": "rating_at_least", "rating": "good"}], NomineeFacts(year=2025, rating="good"))
    assert all_passed(ok)
    unknown = check([{"key": "rating_at_least", "rating": "good"}], NomineeFacts(year=2025))
    assert not all_passed(unknown)
