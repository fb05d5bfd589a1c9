"""Reads of commendation: the catalogue in force on a date, the base salary, quality ratings, proposals and
the facts their criteria are checked against, council meetings, decisions, awards (the register) and the
award fund's ledger.

Scope: proposals by their proposing unit, awards by their recipient's unit (``accounts.scoping.org_q``): a
unit head sees their unit's, the office and the council (scope: the department) all. Titles and the base
salary are public reference data (shown to anyone who sees emulation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold
from giamngheo.households.models import Household
from giamngheo.households.selectors import household_list
from giamngheo.initiatives.models import Initiative
from giamngheo.org.models import OrgUnit, Staff

from . import grounds
from .criteria import MemberFacts, NomineeFacts
from .models import (
    Award,
    BaseSalary,
    Beneficiary,
    CouncilMeeting,
    Decision,
    LedgerEntry,
    LedgerKind,
    Proposal,
    ProposalFile,
    ProposalStatus,
    StaffRating,
    Title,
    Vote,
)

# A proposal in these statuses counts as "proposed" for the criteria of other titles of the same year.
COUNTED = (ProposalStatus.SUBMITTED, ProposalStatus.APPROVED, ProposalStatus.DECIDED)


# The catalogue --------------------------------------------------------------------------------------------
def in_force_q(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def titles_in_force(*, on: dt.date, beneficiary: str = "") -> QuerySet[Title]:
    qs = Title.objects.filter(in_force_q(on))
    if beneficiary:
        qs = qs.filter(beneficiary=beneficiary)
    return qs.order_by("sort_order", "code")


def year_q(year: int) -> Q:
    """Versions in force on some day of the year."""
    return Q(valid_from__lte=dt.date(year, 12, 31)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1))
    )


def titles_for_year(*, year: int) -> QuerySet[Title]:
    return Title.objects.filter(year_q(year)).order_by("sort_order", "code", "-valid_from")


def title_for_year(*, title_id: int, year: int) -> Title | None:
    return Title.objects.filter(year_q(year), pk=title_id).first()


def title_in_force(code: str, on: dt.date) -> Title | None:
    return Title.objects.filter(in_force_q(on), code=code).order_by("-valid_from").first()


def title_versions(*, code: str) -> QuerySet[Title]:
    return Title.objects.filter(code=code).order_by("-valid_from")


def title_latest(*, code: str) -> Title | None:
    return title_versions(code=code).first()


def access_title_by_id(*, title_id: int) -> Title:
    title = Title.objects.filter(pk=title_id).first()
    if title is None:
        raise NotFound("title")
    return title


def title_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in Title.objects.order_by("valid_from").values_list("code", "name"):
        names[code] = name
    return names


def base_salary_on(day: dt.date) -> BaseSalary | None:
    return BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def base_salaries() -> QuerySet[BaseSalary]:
    return BaseSalary.objects.order_by("-valid_from")


def bonus(multiple: Decimal | None, base: int | None) -> int | None:
    """``round(multiple × base salary)`` in whole đồng (half up); unknown when either is unknown."""
    if multiple is None or base is None:
        return None
    return int((Decimal(multiple) * Decimal(base)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Units and staff the user may propose or rate --------------------------------------------------------------
def units_to_pick(*, user: User) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(org_q(user), is_active=True).order_by("path"))


def staff_to_pick(*, user: User, unit: OrgUnit | None = None) -> list[Staff]:
    qs = Staff.objects.filter(org_q(user, "org_unit__path", "org_unit__area__path"), is_active=True)
    if unit is not None:
        qs = qs.filter(org_unit=unit)
    return list(qs.select_related("org_unit").order_by("org_unit__path", "full_name"))


def access_unit_by_id(*, user: User, unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(org_q(user), pk=unit_id).first()
    if unit is None:
        raise NotFound("org unit")
    return unit


def access_staff_by_id(*, user: User, staff_id: int) -> Staff:
    staff = (
        Staff.objects.filter(org_q(user, "org_unit__path", "org_unit__area__path"), pk=staff_id)
        .select_related("org_unit")
        .first()
    )
    if staff is None:
        raise NotFound("staff")
    return staff


def household_by_code(*, user: User, code: str) -> Household | None:
    """A registry household by its code: one the user sees in the registry (``households.selectors``), or,
    for the office (no administrative area in scope), one in the province of the department's units."""
    code = code.strip()
    if not code:
        return None
    found = household_list(user=user).filter(code=code).select_related("commune").first()
    if found is not None or not can(user, Capability.MANAGE_COMMENDATION):
        return found
    provinces = OrgUnit.objects.filter(org_q(user)).values_list("area__path", flat=True).distinct()
    q = Q(pk__in=[])
    for path in provinces:
        q |= Q(commune__path__startswith=path)
    return Household.objects.filter(q, code=code).select_related("commune").first()


def household_register_q(user: User) -> Q:
    """Households whose register a user may open: those awarded by a decision they see."""
    return Q(pk__in=Award.objects.filter(award_q(user), household__isnull=False).values("household_id"))


def access_household_by_id(*, user: User, household_id: int) -> Household:
    household = (
        Household.objects.filter(household_register_q(user), pk=household_id)
        .select_related("commune")
        .first()
    )
    if household is None:
        raise NotFound("household")
    return household


# Ratings ------------------------------------------------------------------------------------------------
@dataclass
class RatingRow:
    staff: Staff
    rating: StaffRating | None


def unit_ratings(*, user: User, unit: OrgUnit, year: int) -> list[RatingRow]:
    """The active staff of a unit with their rating of the year (``None``: unknown)."""
    staff = staff_to_pick(user=user, unit=unit)
    ratings = {r.staff_id: r for r in StaffRating.objects.filter(staff__in=staff, year=year)}
    return [RatingRow(s, ratings.get(s.pk)) for s in staff]


@dataclass
class UnitRatingSummary:
    unit: OrgUnit
    staff: int = 0
    rated: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def unknown(self) -> int:
        return self.staff - self.rated


def rating_summary(*, user: User, year: int) -> list[UnitRatingSummary]:
    rows = {u.pk: UnitRatingSummary(u) for u in units_to_pick(user=user)}
    for unit_id, n in (
        Staff.objects.filter(org_unit_id__in=rows, is_active=True)
        .values_list("org_unit_id")
        .annotate(n=Count("pk"))
    ):
        rows[unit_id].staff = n
    for unit_id, rating, n in (
        StaffRating.objects.filter(year=year, staff__org_unit_id__in=rows, staff__is_active=True)
        .values_list("staff__org_unit_id", "rating")
        .annotate(n=Count("pk"))
    ):
        rows[unit_id].rated += n
        rows[unit_id].counts[rating] = n
    return [r for r in rows.values() if r.staff]


def rating_years() -> list[int]:
    return sorted(set(StaffRating.objects.values_list("year", flat=True)), reverse=True)


# Proposals ----------------------------------------------------------------------------------------------
def proposal_q(user: User) -> Q:
    return org_q(user, "proposing_unit__path", "proposing_unit__area__path")


@dataclass(frozen=True)
class ProposalFilters:
    year: int | None = None
    status: str = ""
    title: str = ""
    kind: str = ""
    q: str = ""


def proposal_list(*, user: User, filters: ProposalFilters | None = None) -> QuerySet[Proposal]:
    f = filters or ProposalFilters()
    qs = Proposal.objects.filter(proposal_q(user)).select_related(
        "title", "proposing_unit", "staff", "staff__org_unit", "org_unit", "household"
    )
    if f.year:
        qs = qs.filter(year=f.year)
    if f.status in ProposalStatus.values:
        qs = qs.filter(status=f.status)
    if f.title:
        qs = qs.filter(title__code=f.title)
    if f.kind in Beneficiary.values:
        qs = qs.filter(nominee_kind=f.kind)
    if f.q:
        folded = fold(f.q)
        qs = qs.filter(
            Q(staff__name_folded__contains=folded)
            | Q(org_unit__name_folded__contains=folded)
            | Q(household__code__icontains=f.q)
            | Q(household__head_name__icontains=f.q)
        )
    return qs.order_by("-year", "title__sort_order", "proposing_unit__path", "pk")


def proposal_years(*, user: User) -> list[int]:
    return sorted(set(Proposal.objects.filter(proposal_q(user)).values_list("year", flat=True)), reverse=True)


def access_proposal_by_id(*, user: User, proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.filter(proposal_q(user), pk=proposal_id)
        .select_related(
            "title", "proposing_unit", "staff", "staff__org_unit", "org_unit", "household", "initiative"
        )
        .first()
    )
    if proposal is None:
        raise NotFound("proposal")
    return proposal


def proposal_files(*, proposal: Proposal) -> QuerySet[ProposalFile]:
    return ProposalFile.objects.filter(proposal=proposal).order_by("pk")


def access_proposal_file_by_id(*, user: User, file_id: int) -> ProposalFile:
    row = (
        ProposalFile.objects.filter(pk=file_id, proposal__in=Proposal.objects.filter(proposal_q(user)))
        .select_related("proposal")
        .first()
    )
    if row is None:
        raise NotFound("file")
    return row


def proposal_votes(*, proposal: Proposal) -> QuerySet[Vote]:
    return Vote.objects.filter(proposal=proposal).select_related("meeting").order_by("pk")


def nominee_name(proposal: Proposal | Award) -> str:
    if proposal.staff_id is not None and proposal.staff is not None:
        return proposal.staff.full_name
    if proposal.org_unit_id is not None and proposal.org_unit is not None:
        return proposal.org_unit.name
    if proposal.household_id is not None and proposal.household is not None:
        return _("Household of %(name)s (%(code)s)") % {
            "name": proposal.household.head_name,
            "code": proposal.household.code,
        }
    return ""


def initiatives_to_pick(*, user: User, proposal: Proposal | None = None) -> list[Initiative]:
    """Recognised, unused initiatives whose author is a staff member the user may propose."""
    ids = [s.pk for s in staff_to_pick(user=user)]
    return list(grounds.recognised_for_staff(staff_ids=ids, proposal_id=proposal.pk if proposal else None))


def _titles_by_staff(staff_ids: list[int], year: int, exclude: int | None) -> dict[int, set[str]]:
    got: dict[int, set[str]] = defaultdict(set)
    for sid, code in Award.objects.filter(staff_id__in=staff_ids, year=year).values_list(
        "staff_id", "title__code"
    ):
        got[sid].add(code)
    proposals = Proposal.objects.filter(staff_id__in=staff_ids, year=year, status__in=COUNTED)
    if exclude is not None:
        proposals = proposals.exclude(pk=exclude)
    for sid, code in proposals.values_list("staff_id", "title__code"):
        got[sid].add(code)
    return got


def nominee_facts(*, proposal: Proposal) -> NomineeFacts:
    """What the criteria of the proposal's title are checked against (unknown stays unknown)."""
    year = proposal.year
    names = title_names()
    levels: tuple[str, ...] = ()
    if proposal.initiative_id is not None and proposal.staff_id is not None and proposal.staff is not None:
        initiative = proposal.initiative
        if initiative is not None and grounds.initiative_free_for(
            initiative=initiative, staff=proposal.staff, proposal_id=proposal.pk
        ):
            levels = (initiative.level or "grassroots",)
    if proposal.nominee_kind == Beneficiary.INDIVIDUAL and proposal.staff_id is not None:
        rating = StaffRating.objects.filter(staff_id=proposal.staff_id, year=year).first()
        title_years: dict[str, set[int]] = defaultdict(set)
        for code, y in Award.objects.filter(staff_id=proposal.staff_id).values_list("title__code", "year"):
            title_years[code].add(y)
        titles = _titles_by_staff([proposal.staff_id], year, proposal.pk).get(proposal.staff_id, set())
        return NomineeFacts(
            year=year,
            rating=rating.rating if rating else None,
            disciplined=rating.disciplined if rating else None,
            titles=frozenset(titles),
            title_years={k: frozenset(v) for k, v in title_years.items()},
            initiative_levels=levels,
            title_names=names,
        )
    if proposal.nominee_kind == Beneficiary.COLLECTIVE and proposal.org_unit is not None:
        unit = proposal.org_unit
        staff_ids = list(
            Staff.objects.filter(org_unit__path__startswith=unit.path, is_active=True).values_list(
                "pk", flat=True
            )
        )
        ratings = {r.staff_id: r for r in StaffRating.objects.filter(staff_id__in=staff_ids, year=year)}
        titles_of = _titles_by_staff(staff_ids, year, None)
        members = tuple(
            MemberFacts(
                rating=ratings[s].rating if s in ratings else None,
                disciplined=ratings[s].disciplined if s in ratings else None,
                titles=frozenset(titles_of.get(s, set())),
            )
            for s in staff_ids
        )
        unit_titles: set[str] = set(
            Award.objects.filter(org_unit=unit, year=year).values_list("title__code", flat=True)
        )
        return NomineeFacts(
            year=year,
            rating=proposal.rating or None,
            titles=frozenset(unit_titles),
            members=members,
            title_names=names,
        )
    return NomineeFacts(year=year, rating=proposal.rating or None, title_names=names)


# Council meetings -----------------------------------------------------------------------------------------
def meeting_q(user: User) -> Q:
    if (
        user.is_system_admin
        or can(user, Capability.MANAGE_COMMENDATION)
        or can(user, Capability.JUDGE_EMULATION)
    ):
        return Q()
    return Q(
        pk__in=Vote.objects.filter(proposal__in=Proposal.objects.filter(proposal_q(user))).values(
            "meeting_id"
        )
    )


def meeting_list(*, user: User, year: int | None = None) -> QuerySet[CouncilMeeting]:
    qs = CouncilMeeting.objects.filter(meeting_q(user)).annotate(n_votes=Count("votes"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-held_on", "-pk")


def access_meeting_by_id(*, user: User, meeting_id: int) -> CouncilMeeting:
    meeting = CouncilMeeting.objects.filter(meeting_q(user), pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def meeting_votes(*, user: User, meeting: CouncilMeeting) -> QuerySet[Vote]:
    return (
        Vote.objects.filter(meeting=meeting, proposal__in=Proposal.objects.filter(proposal_q(user)))
        .select_related(
            "proposal", "proposal__title", "proposal__staff", "proposal__org_unit", "proposal__household"
        )
        .order_by("proposal__title__sort_order", "pk")
    )


def proposals_to_vote(*, user: User, meeting: CouncilMeeting) -> QuerySet[Proposal]:
    return proposal_list(
        user=user, filters=ProposalFilters(year=meeting.year, status=ProposalStatus.SUBMITTED)
    )


# Decisions and awards -------------------------------------------------------------------------------------
def award_q(user: User) -> Q:
    return (
        (Q(staff__isnull=False) & org_q(user, "staff__org_unit__path", "staff__org_unit__area__path"))
        | (Q(org_unit__isnull=False) & org_q(user, "org_unit__path", "org_unit__area__path"))
        | (
            Q(household__isnull=False)
            & Q(proposal__isnull=False)
            & org_q(user, "proposal__proposing_unit__path", "proposal__proposing_unit__area__path")
        )
    )


def decision_q(user: User) -> Q:
    if user.is_system_admin or can(user, Capability.MANAGE_COMMENDATION):
        return Q()
    return Q(pk__in=Award.objects.filter(award_q(user)).values("decision_id"))


def decision_list(*, user: User, year: int | None = None) -> QuerySet[Decision]:
    qs = Decision.objects.filter(decision_q(user)).annotate(
        n_awards=Count("awards"), total=Sum("awards__amount")
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-signed_on", "-pk")


def access_decision_by_id(*, user: User, decision_id: int) -> Decision:
    decision = Decision.objects.filter(decision_q(user), pk=decision_id).first()
    if decision is None:
        raise NotFound("decision")
    return decision


def decision_awards(*, user: User, decision: Decision) -> QuerySet[Award]:
    return (
        Award.objects.filter(award_q(user), decision=decision)
        .select_related("title", "payment")
        .order_by("title__sort_order", "pk")
    )


def proposals_to_decide(*, user: User, year: int | None = None) -> QuerySet[Proposal]:
    return proposal_list(user=user, filters=ProposalFilters(year=year, status=ProposalStatus.APPROVED))


@dataclass(frozen=True)
class AwardFilters:
    year: int | None = None
    title: str = ""
    kind: str = ""
    q: str = ""


def award_list(*, user: User, filters: AwardFilters | None = None) -> QuerySet[Award]:
    f = filters or AwardFilters()
    qs = Award.objects.filter(award_q(user)).select_related("title", "decision")
    if f.year:
        qs = qs.filter(year=f.year)
    if f.title:
        qs = qs.filter(title__code=f.title)
    if f.kind in Beneficiary.values:
        qs = qs.filter(recipient_kind=f.kind)
    if f.q:
        qs = qs.filter(
            Q(recipient_name__icontains=f.q)
            | Q(unit_name__icontains=f.q)
            | Q(decision__number__icontains=f.q)
        )
    return qs.order_by("-year", "title__sort_order", "recipient_name", "pk")


def award_years(*, user: User) -> list[int]:
    return sorted(set(Award.objects.filter(award_q(user)).values_list("year", flat=True)), reverse=True)


def access_award_by_id(*, user: User, award_id: int) -> Award:
    award = Award.objects.filter(award_q(user), pk=award_id).select_related("decision", "title").first()
    if award is None:
        raise NotFound("award")
    return award


def register_of(
    *, user: User, staff: Staff | None = None, unit: OrgUnit | None = None, household: Household | None = None
) -> QuerySet[Award]:
    qs = Award.objects.filter(award_q(user)).select_related("title", "decision")
    if staff is not None:
        qs = qs.filter(staff=staff)
    elif unit is not None:
        qs = qs.filter(org_unit=unit)
    elif household is not None:
        qs = qs.filter(household=household)
    else:
        return qs.none()
    return qs.order_by("-year", "-decision__signed_on", "pk")


def awards_to_pay(*, user: User) -> QuerySet[Award]:
    return (
        Award.objects.filter(award_q(user), payment__isnull=True, amount__isnull=False)
        .select_related("decision", "title")
        .order_by("decision__signed_on", "pk")
    )


# The award fund -----------------------------------------------------------------------------------------
def fund_balance() -> int:
    sums = dict(LedgerEntry.objects.values_list("kind").annotate(s=Sum("amount")))
    return int(sums.get(LedgerKind.INCOME) or 0) - int(sums.get(LedgerKind.PAYMENT) or 0)


@dataclass
class LedgerRow:
    entry: LedgerEntry
    income: int | None
    payment: int | None
    balance: int


@dataclass
class Ledger:
    rows: list[LedgerRow]
    income: int
    payments: int

    @property
    def balance(self) -> int:
        return self.income - self.payments


def ledger(*, year: int | None = None) -> Ledger:
    """Every entry in date order with the running balance; the totals are the sums of the rows shown.
    With a year, the balance brought forward from the years before opens the running balance."""
    qs = LedgerEntry.objects.select_related("award", "award__decision").order_by("entry_date", "pk")
    balance = 0
    if year:
        before = LedgerEntry.objects.filter(entry_date__year__lt=year)
        income = before.filter(kind=LedgerKind.INCOME).aggregate(s=Sum("amount"))["s"] or 0
        paid = before.filter(kind=LedgerKind.PAYMENT).aggregate(s=Sum("amount"))["s"] or 0
        balance = int(income) - int(paid)
        qs = qs.filter(entry_date__year=year)
    rows: list[LedgerRow] = []
    total_in = total_out = 0
    for e in qs:
        if e.kind == LedgerKind.INCOME:
            balance += e.amount
            total_in += e.amount
            rows.append(LedgerRow(e, e.amount, None, balance))
        else:
            balance -= e.amount
            total_out += e.amount
            rows.append(LedgerRow(e, None, e.amount, balance))
    return Ledger(rows, total_in, total_out)


def ledger_years() -> list[int]:
    return sorted({d.year for d in LedgerEntry.objects.values_list("entry_date", flat=True)}, reverse=True)


# The landing page ---------------------------------------------------------------------------------------
@dataclass
class Overview:
    year: int
    by_status: list[tuple[str, str, int]]
    meetings: list[CouncilMeeting]
    decisions: list[Decision]
    balance: int | None


def overview(*, user: User, year: int) -> Overview:
    counts = dict(
        Proposal.objects.filter(proposal_q(user), year=year).values_list("status").annotate(n=Count("pk"))
    )
    by_status = [(value, str(label), int(counts.get(value, 0))) for value, label in ProposalStatus.choices]
    return Overview(
        year=year,
        by_status=by_status,
        meetings=list(meeting_list(user=user, year=year)[:5]),
        decisions=list(decision_list(user=user, year=year)[:5]),
        balance=fund_balance() if can(user, Capability.MANAGE_COMMENDATION) else None,
    )
