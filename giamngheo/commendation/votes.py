"""The council's vote on a proposal: the one rule (pure Python), read by the services that record a vote and
by the minutes that print it.

A title that names a share of the council (``Title.vote_share``: 80 % for Chiến sĩ thi đua cơ sở, 90 % for
Chiến sĩ thi đua cấp tỉnh; Decree 98/2023 Art. 30.7, kept by Decree 152/2025 — shared/domain/emulation.md
§2.2) is approved when the members who agree, written opinions of absent members included, are at least that
share of ALL the council's members. Any other title or form is approved by a majority: more than half of
the members present agree. Integer arithmetic only: 8 of 10 members is exactly 80 %, never 79.999… %.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class VoteRule:
    """What the result was measured against, for the minutes: "≥ 80 % of all 9 members" or "> 50 % of the
    7 members present"."""

    share: int  # the share that must agree (%)
    of_all_members: bool  # True: of all members; False: of those present (and strictly more than half)
    base: int  # the number of members the share is taken of


def vote_rule(*, members_total: int, members_present: int, vote_share: int | None) -> VoteRule:
    if vote_share:
        return VoteRule(share=vote_share, of_all_members=True, base=members_total)
    return VoteRule(share=50, of_all_members=False, base=members_present)


def vote_result(
    *, agree: int, members_total: int, members_present: int, vote_share: int | None = None
) -> bool:
    """Whether the council approved: ``agree × 100 ≥ vote_share × members_total`` when the title sets a share
    of all members, else ``agree × 2 > members_present``. Nobody agreeing, or a council of nobody, never
    approves."""
    if agree <= 0:
        return False
    rule = vote_rule(members_total=members_total, members_present=members_present, vote_share=vote_share)
    if rule.base <= 0:
        return False
    if rule.of_all_members:
        return agree * 100 >= rule.share * rule.base
    return agree * 2 > rule.base


def share_of_members(agree: int, members_total: int) -> Decimal | None:
    """The share of all the council's members who agree, in % with one decimal (None without members); never
    above 100 %."""
    if members_total <= 0:
        return None
    share = (Decimal(100) * min(agree, members_total) / members_total).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return share
