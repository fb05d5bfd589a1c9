"""The commendations of a year for the department's reports (``officedocs``): the awards given by decisions,
counted by title or form and by recipient (collective, individual, household), with the bonuses paid.
Read-only; scoped: awards to the units and staff the user sees (``accounts.scoping.org_q``) and to the
households of the areas they see (``area_q``).

The year is the year of the achievements (``Award.year``). A bonus not computed (a title without a multiple)
is unknown: a row whose awards have no amount has ``amount`` None, never 0; the total is the sum of the
rows' known amounts (None when no row has one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from giamngheo.accounts.scoping import area_q, org_q

from .models import Award, Beneficiary, Decision

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


@dataclass(frozen=True)
class TitleRow:
    title: str
    collective: int
    individual: int
    household: int
    amount: int | None

    @property
    def total(self) -> int:
        return self.collective + self.individual + self.household


@dataclass(frozen=True)
class AwardSummary:
    year: int
    rows: list[TitleRow]
    decisions: list[str]  # "123/QĐ-SNNMT ngày 15/12/2026"

    @property
    def collective(self) -> int:
        return sum(r.collective for r in self.rows)

    @property
    def individual(self) -> int:
        return sum(r.individual for r in self.rows)

    @property
    def household(self) -> int:
        return sum(r.household for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def amount(self) -> int | None:
        known = [r.amount for r in self.rows if r.amount is not None]
        return sum(known) if known else None


def award_q(user: User) -> Q:
    """Awards the user may see."""
    return (
        (Q(staff__isnull=False) & org_q(user, "staff__org_unit__path", "staff__org_unit__area__path"))
        | (Q(org_unit__isnull=False) & org_q(user, "org_unit__path", "org_unit__area__path"))
        | (Q(household__isnull=False) & area_q(user, "household__commune__path"))
    )


def award_summary(*, user: User, year: int) -> AwardSummary:
    awards = (
        Award.objects.filter(award_q(user), year=year)
        .select_related("title", "decision")
        .order_by("title__sort_order", "title__name", "pk")
    )
    counts: dict[str, dict[str, int]] = {}
    amounts: dict[str, int | None] = {}
    decisions: dict[int, Decision] = {}
    for award in awards:
        name = award.title.name
        row = counts.setdefault(name, dict.fromkeys(Beneficiary.values, 0))
        row[award.recipient_kind] += 1
        if award.amount is not None:
            amounts[name] = (amounts.get(name) or 0) + award.amount
        else:
            amounts.setdefault(name, None)
        decisions[award.decision_id] = award.decision
    rows = [
        TitleRow(
            title=name,
            collective=c[Beneficiary.COLLECTIVE],
            individual=c[Beneficiary.INDIVIDUAL],
            household=c[Beneficiary.HOUSEHOLD],
            amount=amounts.get(name),
        )
        for name, c in counts.items()
    ]
    listed = sorted(decisions.values(), key=lambda d: (d.signed_on, d.pk))
    return AwardSummary(
        year=year,
        rows=rows,
        decisions=[f"{d.number} ngày {d.signed_on:%d/%m/%Y}" for d in listed],
    )
