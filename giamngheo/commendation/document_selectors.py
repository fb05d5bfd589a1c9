"""Reads behind the commendation documents (the dossier: Mẫu 01 tờ trình, the council's minutes, Mẫu 05
achievement report; the certificates of a decision) and the yearly statistics, as frozen dataclasses: the
formatters (``dossier``, ``certificates``, ``statistics``) never touch the database.

Scope (``accounts.scoping.org_q``): a proposal is seen through its proposing unit; an award through its
proposal's unit, the recipient staff member's unit or the recipient collective (a household's award through
the household's commune); a council meeting or a decision is seen when one of its votes or awards is, and
then only those votes and awards are printed. A unit head sees their unit's rows, the office and the council
(scope: the department) see all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold, vi_sort_key
from giamngheo.initiatives.models import Initiative, InitiativeUse
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.org.selectors import department_for

from .choices import Beneficiary, ProposalStatus, Rating
from .models import Award, CouncilMeeting, Decision, Proposal, StaffRating, Title, Vote
from .votes import share_of_members, vote_result, vote_rule

# The user kind an initiative's use names when a proposal used it as its ground (initiatives.InitiativeUse).
PROPOSAL_USE = "commendation.proposal"
# A tờ trình goes to the authority that awards its titles: the director decides his own (Law 06/2022
# Art. 80.1), the provincial chairperson the rest (through the Department of Home Affairs).
TO_PROVINCE, TO_DEPARTMENT = "province", "department"
AUDIENCES = (TO_PROVINCE, TO_DEPARTMENT)
# Proposals a tờ trình carries: those the council approved (and those already decided, when printed again).
SUBMITTED_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.DECIDED)
RATING_TEXT: dict[str, str] = {
    Rating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.GOOD: "Hoàn thành tốt nhiệm vụ",
    Rating.COMPLETED: "Hoàn thành nhiệm vụ",
    Rating.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}
LEVEL_TEXT = {"grassroots": "cấp cơ sở", "province": "cấp tỉnh"}
RECENT_YEARS = 5


# Scope ----------------------------------------------------------------------------------------------------


def proposal_q(user: User, prefix: str = "") -> Q:
    """Proposals the user sees: through the proposing unit (or the province it belongs to)."""
    return org_q(user, f"{prefix}proposing_unit__path", f"{prefix}proposing_unit__area__path")


def award_q(user: User) -> Q:
    """Awards the user sees: through the proposal's unit, the recipient staff member's unit, the recipient
    collective, or the recipient household's commune."""
    return (
        org_q(user, "proposal__proposing_unit__path", "proposal__proposing_unit__area__path")
        | org_q(user, "staff__org_unit__path", "staff__org_unit__area__path")
        | org_q(user, "org_unit__path", "org_unit__area__path")
        | area_q(user, "household__commune__path")
    )


def visible_proposals(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(proposal_q(user))


def visible_awards(user: User) -> QuerySet[Award]:
    return Award.objects.filter(award_q(user))


# The issuing department ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The department that issues the documents, as printed: "Sở Nông nghiệp và Môi trường" (the province
    being said by the parent line), its province ("Đồng Nai", "tỉnh Đồng Nai") and its symbol ("SNNMT")."""

    department: str
    full_name: str
    province: str
    province_in_text: str
    symbol: str

    @property
    def parent_line(self) -> str:
        """ "UBND TỈNH ĐỒNG NAI" """
        return f"UBND {self.province_in_text.upper()}"


def _department_of(unit: OrgUnit | None) -> OrgUnit | None:
    node = unit
    while node is not None and node.kind != OrgUnitKind.DEPARTMENT:
        node = node.parent
    return node


def _symbol(unit: OrgUnit) -> str:
    """ "Sở NN&MT" -> "SNNMT"; without a short name, the initials ("Sở Nông nghiệp và Môi trường" ->
    "SNNVMT")."""
    short = unit.short_name.strip()
    if short:
        letters = re.sub(r"[^0-9A-Za-zĐđ]", "", fold(short.removeprefix("Sở ")).upper())
        return "S" + letters if short.startswith("Sở") else letters
    words = unit.name.split(" tỉnh ")[0].split()
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def issuer_for(*, user: User, unit: OrgUnit | None = None) -> Issuer:
    """The department above ``unit`` (else the user's), named as the documents print it."""
    department = _department_of(unit) or department_for(user=user)
    if department is None:
        return Issuer(department="", full_name="", province="", province_in_text="", symbol="")
    area = department.area
    province = area.name.removeprefix("Tỉnh ").removeprefix("Thành phố ").strip()
    word = "thành phố" if area.division_type == "thanh_pho" else "tỉnh"
    in_text = f"{word} {province}"
    name = department.name
    for suffix in (f" {in_text}", f" {word.title()} {province}"):
        name = name.removesuffix(suffix)
    return Issuer(
        department=name,
        full_name=department.name,
        province=province,
        province_in_text=in_text,
        symbol=_symbol(department),
    )


# Nominees ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nominee:
    """A proposal's nominee as the tables print it."""

    proposal_id: int
    kind: str  # Beneficiary
    name: str
    position: str
    unit: str
    title_code: str
    title_name: str
    title_kind: str
    title_issuer: str
    achievements: str
    status: str


def _nominee_parts(proposal: Proposal) -> tuple[str, str, str]:
    """(name, position, unit) of the nominee."""
    if proposal.nominee_kind == Beneficiary.INDIVIDUAL and proposal.staff is not None:
        staff = proposal.staff
        return staff.full_name, staff.position, staff.org_unit.name
    if proposal.nominee_kind == Beneficiary.COLLECTIVE and proposal.org_unit is not None:
        unit = proposal.org_unit
        return unit.name, "", unit.parent.name if unit.parent else ""
    if proposal.household is not None:
        household = proposal.household
        return f"Hộ gia đình {household.head_name}", "", household.commune.name
    return "", "", ""


def _nominee(proposal: Proposal) -> Nominee:
    name, position, unit = _nominee_parts(proposal)
    return Nominee(
        proposal_id=proposal.pk,
        kind=proposal.nominee_kind,
        name=name,
        position=position,
        unit=unit,
        title_code=proposal.title.code,
        title_name=proposal.title.name,
        title_kind=proposal.title.kind,
        title_issuer=proposal.title.issuer,
        achievements=proposal.achievements.strip(),
        status=proposal.status,
    )


def _with_nominees(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related(
        "title",
        "proposing_unit",
        "staff__org_unit",
        "org_unit__parent",
        "household__commune",
    )


def audience_of(title_issuer: str) -> str:
    """Who a title is proposed to: the director (his own titles and forms) or the province."""
    return TO_DEPARTMENT if fold(title_issuer).startswith("giam doc") else TO_PROVINCE


# Mẫu 01: the tờ trình --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleGroup:
    title_name: str
    title_kind: str
    nominees: tuple[Nominee, ...]


@dataclass(frozen=True)
class MeetingRef:
    held_on: dt.date
    members_total: int
    members_present: int


@dataclass(frozen=True)
class SubmissionData:
    year: int
    audience: str
    issuer: Issuer
    groups: tuple[TitleGroup, ...]
    meeting: MeetingRef | None

    @property
    def nominees(self) -> list[Nominee]:
        return [n for g in self.groups for n in g.nominees]

    def count(self, kind: str) -> int:
        return sum(1 for n in self.nominees if n.kind == kind)


def submission_counts(*, user: User, year: int) -> dict[str, int]:
    """How many approved nominees of ``year`` each tờ trình would carry (by audience)."""
    counts = dict.fromkeys(AUDIENCES, 0)
    for issuer in (
        visible_proposals(user)
        .filter(year=year, status__in=SUBMITTED_STATUSES)
        .values_list("title__issuer", flat=True)
    ):
        counts[audience_of(issuer)] += 1
    return counts


def submission(*, user: User, year: int, audience: str) -> SubmissionData:
    """The approved proposals of ``year`` the user sees for titles awarded by ``audience``, grouped by
    title in the titles' order, nominees in Vietnamese order of their units and names."""
    proposals = [
        p
        for p in _with_nominees(
            visible_proposals(user).filter(year=year, status__in=SUBMITTED_STATUSES)
        ).order_by("title__sort_order", "title__code", "pk")
        if audience_of(p.title.issuer) == audience
    ]
    groups: dict[int, list[Nominee]] = {}
    titles: dict[int, Title] = {}
    for proposal in proposals:
        titles.setdefault(proposal.title_id, proposal.title)
        groups.setdefault(proposal.title_id, []).append(_nominee(proposal))
    meeting = _last_meeting(user=user, year=year, proposal_ids=[p.pk for p in proposals])
    unit = proposals[0].proposing_unit if proposals else None
    return SubmissionData(
        year=year,
        audience=audience,
        issuer=issuer_for(user=user, unit=unit),
        groups=tuple(
            TitleGroup(
                title_name=titles[title_id].name,
                title_kind=titles[title_id].kind,
                nominees=tuple(sorted(rows, key=lambda n: (vi_sort_key(n.unit), vi_sort_key(n.name)))),
            )
            for title_id, rows in groups.items()
        ),
        meeting=meeting,
    )


def _last_meeting(*, user: User, year: int, proposal_ids: list[int]) -> MeetingRef | None:
    """The last council meeting of ``year`` that voted on one of the proposals (else the year's last meeting
    the user sees)."""
    voted = CouncilMeeting.objects.filter(votes__proposal_id__in=proposal_ids).distinct()
    meeting = voted.order_by("-held_on", "-pk").first() or (
        meeting_list(user=user, year=year).order_by("-held_on", "-pk").first()
    )
    if meeting is None:
        return None
    return MeetingRef(
        held_on=meeting.held_on,
        members_total=meeting.members_total,
        members_present=meeting.members_present,
    )


# The council's minutes ----------------------------------------------------------------------------------


def meeting_list(*, user: User, year: int | None = None) -> QuerySet[CouncilMeeting]:
    """Meetings that voted on a proposal the user sees."""
    seen = Vote.objects.filter(proposal_q(user, "proposal__")).values("meeting_id")
    qs = CouncilMeeting.objects.filter(pk__in=seen)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-held_on", "-pk")


def access_meeting_by_id(*, user: User, meeting_id: int) -> CouncilMeeting:
    meeting = meeting_list(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("council meeting")
    return meeting


@dataclass(frozen=True)
class VoteRow:
    nominee: Nominee
    agree: int
    disagree: int
    share: Decimal | None  # the share of all members who agree (%)
    approved: bool
    vote_share: int | None


@dataclass(frozen=True)
class MinutesData:
    year: int
    held_on: dt.date
    place: str
    members_total: int
    members_present: int
    chair: str
    secretary: str
    note: str
    issuer: Issuer
    rows: tuple[VoteRow, ...]

    @property
    def approved(self) -> list[VoteRow]:
        return [r for r in self.rows if r.approved]


def minutes(*, user: User, meeting: CouncilMeeting) -> MinutesData:
    """The meeting and its votes on the proposals the user sees, each with its result by the one rule
    (``votes.vote_result``)."""
    votes = list(
        Vote.objects.filter(meeting=meeting)
        .filter(proposal_q(user, "proposal__"))
        .select_related(
            "proposal__title",
            "proposal__proposing_unit",
            "proposal__staff__org_unit",
            "proposal__org_unit__parent",
            "proposal__household__commune",
        )
        .order_by("proposal__title__sort_order", "proposal__title__code", "pk")
    )
    rows = tuple(
        VoteRow(
            nominee=_nominee(vote.proposal),
            agree=vote.agree,
            disagree=vote.disagree,
            share=share_of_members(vote.agree, meeting.members_total),
            approved=vote_result(
                agree=vote.agree,
                members_total=meeting.members_total,
                members_present=meeting.members_present,
                vote_share=vote.proposal.title.vote_share,
            ),
            vote_share=vote_rule(
                members_total=meeting.members_total,
                members_present=meeting.members_present,
                vote_share=vote.proposal.title.vote_share,
            ).share
            if vote.proposal.title.vote_share
            else None,
        )
        for vote in votes
    )
    unit = votes[0].proposal.proposing_unit if votes else None
    return MinutesData(
        year=meeting.year,
        held_on=meeting.held_on,
        place=meeting.place,
        members_total=meeting.members_total,
        members_present=meeting.members_present,
        chair=meeting.chair,
        secretary=meeting.secretary,
        note=meeting.note,
        issuer=issuer_for(user=user, unit=unit),
        rows=rows,
    )


# Mẫu 05: the individual's achievement report --------------------------------------------------------------


def report_proposals(*, user: User, year: int, q: str = "") -> QuerySet[Proposal]:
    """Proposals of individuals of ``year`` the user sees (each has its Mẫu 05), searchable by name."""
    qs = _with_nominees(
        visible_proposals(user).filter(year=year, nominee_kind=Beneficiary.INDIVIDUAL)
    ).order_by("title__sort_order", "staff__name_folded", "pk")
    if q:
        qs = qs.filter(staff__name_folded__contains=fold(q))
    return qs


def access_report_proposal_by_id(*, user: User, proposal_id: int) -> Proposal:
    """An individual's proposal the user sees (Mẫu 05 is the report of an individual)."""
    proposal = (
        _with_nominees(visible_proposals(user))
        .filter(pk=proposal_id, nominee_kind=Beneficiary.INDIVIDUAL)
        .first()
    )
    if proposal is None:
        raise NotFound("proposal")
    return proposal


@dataclass(frozen=True)
class InitiativeRef:
    title: str
    decision_number: str
    decision_date: dt.date | None
    decision_issuer: str
    level: str


@dataclass(frozen=True)
class RatingRow:
    year: int
    rating: str
    disciplined: bool


@dataclass(frozen=True)
class PastAward:
    year: int
    title_name: str
    title_kind: str
    decision_number: str
    signed_on: dt.date
    issuer: str


@dataclass(frozen=True)
class ReportData:
    year: int
    title_name: str
    title_kind: str
    full_name: str
    sex: str  # "M", "F" or ""
    date_of_birth: dt.date | None
    position: str
    unit: str
    issuer: Issuer
    achievements: str
    initiative: InitiativeRef | None
    ratings: tuple[RatingRow, ...]
    awards: tuple[PastAward, ...]


def _initiative(proposal: Proposal) -> InitiativeRef | None:
    use = InitiativeUse.objects.filter(user_kind=PROPOSAL_USE, user_id=proposal.pk).first()
    if use is None:
        return None
    initiative: Initiative = use.initiative
    return InitiativeRef(
        title=initiative.title,
        decision_number=initiative.decision_number,
        decision_date=initiative.decision_date,
        decision_issuer=initiative.decision_issuer,
        level=LEVEL_TEXT.get(initiative.level, ""),
    )


def achievement_report(*, user: User, proposal: Proposal) -> ReportData:
    """The nominee's data, the proposal's achievements, its initiative ground, the ratings of the last five
    years up to the proposal's and the titles and forms already received (before this proposal's year)."""
    staff: Staff = proposal.staff  # type: ignore[assignment]
    ratings = StaffRating.objects.filter(
        staff=staff, year__gt=proposal.year - RECENT_YEARS, year__lte=proposal.year
    ).order_by("year")
    awards = (
        Award.objects.filter(staff=staff, year__lt=proposal.year)
        .select_related("title", "decision")
        .order_by("year", "decision__signed_on", "pk")
    )
    return ReportData(
        year=proposal.year,
        title_name=proposal.title.name,
        title_kind=proposal.title.kind,
        full_name=staff.full_name,
        sex=staff.sex,
        date_of_birth=staff.date_of_birth,
        position=staff.position,
        unit=staff.org_unit.name,
        issuer=issuer_for(user=user, unit=staff.org_unit),
        achievements=proposal.achievements.strip(),
        initiative=_initiative(proposal),
        ratings=tuple(
            RatingRow(year=r.year, rating=RATING_TEXT.get(r.rating, r.rating), disciplined=r.disciplined)
            for r in ratings
        ),
        awards=tuple(
            PastAward(
                year=a.year,
                title_name=a.title.name,
                title_kind=a.title.kind,
                decision_number=a.decision.number,
                signed_on=a.decision.signed_on,
                issuer=a.decision.issuer,
            )
            for a in awards
        ),
    )


# Certificates of a decision -------------------------------------------------------------------------------


def decision_list(*, user: User, year: int | None = None) -> QuerySet[Decision]:
    """Decisions with an award the user sees."""
    qs = Decision.objects.filter(pk__in=visible_awards(user).values("decision_id"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-signed_on", "-pk")


def access_decision_by_id(*, user: User, decision_id: int) -> Decision:
    decision = decision_list(user=user).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("decision")
    return decision


@dataclass(frozen=True)
class CertificateData:
    recipient_kind: str
    salutation: str  # "Ông", "Bà", "Tập thể", "Gia đình" or ""
    recipient_name: str
    unit_name: str
    title_name: str
    title_kind: str
    year: int
    decision_number: str
    signed_on: dt.date
    issuer: str
    signer: str
    province: str


def _salutation(award: Award) -> str:
    if award.recipient_kind == Beneficiary.INDIVIDUAL:
        sex = award.staff.sex if award.staff is not None else ""
        return {"M": "Ông", "F": "Bà"}.get(sex, "Ông/Bà")
    if award.recipient_kind == Beneficiary.COLLECTIVE:
        return "Tập thể"
    return "Gia đình"


def certificates(*, user: User, decision: Decision) -> list[CertificateData]:
    """One certificate per award of the decision the user sees, in the titles' order."""
    awards = (
        visible_awards(user)
        .filter(decision=decision)
        .select_related("title", "staff__org_unit", "org_unit", "household")
        .order_by("title__sort_order", "title__code", "pk")
    )
    unit = next(
        (
            a.staff.org_unit if a.staff is not None else a.org_unit
            for a in awards
            if a.staff is not None or a.org_unit is not None
        ),
        None,
    )
    province = issuer_for(user=user, unit=unit).province
    return [
        CertificateData(
            recipient_kind=a.recipient_kind,
            salutation=_salutation(a),
            recipient_name=a.recipient_name,
            unit_name=a.unit_name,
            title_name=a.title.name,
            title_kind=a.title.kind,
            year=a.year,
            decision_number=decision.number,
            signed_on=decision.signed_on,
            issuer=decision.issuer,
            signer=decision.signer,
            province=province,
        )
        for a in awards
    ]


# Statistics ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardFact:
    """One award, as the statistics count it."""

    year: int
    title_id: int
    title_name: str
    title_kind: str
    title_order: int
    recipient_kind: str
    unit_id: int | None
    unit_name: str
    amount: int | None


def _award_unit(award: Award) -> tuple[int | None, str]:
    """The unit an award counts for: the proposing unit, else the recipient's unit or the collective itself,
    else the unit name frozen on the award."""
    if award.proposal is not None:
        return award.proposal.proposing_unit_id, award.proposal.proposing_unit.name
    if award.staff is not None:
        return award.staff.org_unit_id, award.staff.org_unit.name
    if award.org_unit is not None:
        return award.org_unit_id, award.org_unit.name
    return None, award.unit_name


def award_facts(*, user: User, year: int) -> list[AwardFact]:
    awards = (
        visible_awards(user)
        .filter(year=year)
        .select_related("title", "proposal__proposing_unit", "staff__org_unit", "org_unit")
        .order_by("pk")
    )
    facts = []
    for award in awards:
        unit_id, unit_name = _award_unit(award)
        facts.append(
            AwardFact(
                year=award.year,
                title_id=award.title_id,
                title_name=award.title.name,
                title_kind=award.title.kind,
                title_order=award.title.sort_order,
                recipient_kind=award.recipient_kind,
                unit_id=unit_id,
                unit_name=unit_name,
                amount=award.amount,
            )
        )
    return facts


@dataclass(frozen=True)
class YearFact:
    year: int
    awards: int
    amount: int
    unknown_amounts: int


def year_facts(*, user: User) -> list[YearFact]:
    """Per year with an award the user sees: the awards, the known bonus total and how many amounts are
    unknown."""
    totals: dict[int, list[int]] = {}
    for year, amount in visible_awards(user).values_list("year", "amount"):
        row = totals.setdefault(year, [0, 0, 0])
        row[0] += 1
        if amount is None:
            row[2] += 1
        else:
            row[1] += amount
    return [YearFact(year, *totals[year]) for year in sorted(totals, reverse=True)]


def years(*, user: User) -> list[int]:
    """Years with a proposal or an award the user sees, newest first."""
    found: set[int] = set(visible_proposals(user).values_list("year", flat=True))
    found |= set(visible_awards(user).values_list("year", flat=True))
    return sorted(found, reverse=True)


def scope_name(*, user: User) -> str:
    """The units the user's pages cover, for the print header: their scope's units ("" for everything)."""
    if user.is_system_admin:
        return ""
    names = [u.short_name or u.name for u in user.scope_org_units.filter(is_active=True).order_by("path")]
    return ", ".join(names)
