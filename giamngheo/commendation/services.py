"""Writes of commendation: keyword-only, atomic, audited (who, when, before/after, the reason of every status
change); on bad input nothing is written.

- the catalogue and the base salary (``MANAGE_COMMENDATION``): an edit adds a version from a date and closes
  the old one the day before; an old version is never rewritten (awards keep theirs);
- quality ratings (``MANAGE_COMMENDATION``);
- proposals: a unit head (``TAKE_PART_EMULATION``) for their unit, its staff and itself; the office
  (``MANAGE_COMMENDATION``) for any unit, and households; sent only when every criterion is met (or the
  office overrides with a reason); the initiative given as the ground is taken once;
- council meetings and votes (``JUDGE_EMULATION`` or ``MANAGE_COMMENDATION``): quorum 2/3, 80 % present for
  titles voted by a share of all members;
- decisions and awards, the award fund (``MANAGE_COMMENDATION``): bonus = multiple × base salary in force on
  the decision date; a payment never beyond the balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.attachments import DOCUMENTS, check_attachment, original_name
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.households.models import Household
from giamngheo.initiatives.models import Initiative
from giamngheo.org.models import OrgUnit, Staff

from . import catalogue, grounds, selectors
from .criteria import CHECKS, all_passed, check
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
    Rating,
    StaffRating,
    Title,
    Vote,
)
from .votes import vote_result

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = 10**13


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


# Permissions ------------------------------------------------------------------------------------------------
def _require_manager(user: User | None) -> None:
    if user is None or user.is_system_admin:
        return
    if not can(user, Capability.MANAGE_COMMENDATION):
        raise PermissionDenied(_("You may not manage commendations."))


def _require_proposer(user: User | None, unit: OrgUnit) -> None:
    if user is None or user.is_system_admin:
        return
    if not (can(user, Capability.MANAGE_COMMENDATION) or can(user, Capability.TAKE_PART_EMULATION)):
        raise PermissionDenied(_("You may not propose commendations."))
    if not OrgUnit.objects.filter(org_q(user), pk=unit.pk).exists():
        raise PermissionDenied(_("You may propose only for your own unit and its staff."))


def _require_judge(user: User | None) -> None:
    if user is None or user.is_system_admin:
        return
    if not (can(user, Capability.JUDGE_EMULATION) or can(user, Capability.MANAGE_COMMENDATION)):
        raise PermissionDenied(_("You may not record the council's meetings."))


def _check_year(year: int | None) -> None:
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )


# The catalogue ----------------------------------------------------------------------------------------------
TITLE_FIELDS = ("name", "issuer", "multiple", "vote_share", "criteria", "criteria_text", "legal_source")


def check_criteria(criteria: Any) -> None:
    if not isinstance(criteria, list) or not all(isinstance(c, dict) for c in criteria):
        raise ValidationFailed(_("The criteria must be a list of conditions."), extra={"field": "criteria"})
    unknown = [str(c.get("key")) for c in criteria if c.get("key") not in CHECKS]
    if unknown:
        raise ValidationFailed(
            _("Unknown condition: %(keys)s.") % {"keys": ", ".join(unknown)}, extra={"field": "criteria"}
        )


def _check_title(title: Title) -> None:
    if not title.name.strip():
        raise ValidationFailed(_("Enter the name."), extra={"field": "name"})
    if not title.legal_source.strip():
        raise ValidationFailed(_("Enter the legal source."), extra={"field": "legal_source"})
    if title.multiple is not None and not Decimal(0) <= Decimal(title.multiple) <= Decimal(100):
        raise ValidationFailed(_("The multiple must be between 0 and 100."), extra={"field": "multiple"})
    if title.vote_share is not None and not 50 <= title.vote_share <= 100:
        raise ValidationFailed(
            _("The share of votes must be between 50 and 100 %."), extra={"field": "vote_share"}
        )
    check_criteria(title.criteria)


@transaction.atomic
def catalogue_load() -> int:
    """The titles, forms and base salaries of the law into an empty catalogue (a database emptied by a test, a
    new installation restored without migrations' data); rows already there are kept. The rows added."""
    added = catalogue.load_into(Title, BaseSalary)
    if added:
        audit_record(
            actor=None,
            action="commendation.catalogue.load",
            target_type="commendation.title",
            after={"rows": added},
        )
    return added


@transaction.atomic
def title_version_add(
    *,
    title: Title,
    data: Mapping[str, Any],
    valid_from: dt.date | None,
    version: Version,
    acting_user: User | None,
) -> Title:
    """A new version of the title from ``valid_from``; the version in force before closes the day before.
    ``title`` must be the latest version."""
    _require_manager(acting_user)
    check_fields(data, TITLE_FIELDS)
    locked = Title.objects.select_for_update().get(pk=title.pk)
    version_check(locked, version)
    latest = Title.objects.filter(code=locked.code).order_by("-valid_from").first()
    if latest is None or latest.pk != locked.pk:
        raise ValidationFailed(
            _("Only the latest version can be followed by a new one."), extra={"field": None}
        )
    if valid_from is None:
        raise ValidationFailed(
            _("Enter the date the new version applies from."), extra={"field": "valid_from"}
        )
    if valid_from <= locked.valid_from:
        raise ValidationFailed(
            _("The new version must apply after %(date)s.")
            % {"date": locked.valid_from.strftime("%d/%m/%Y")},
            extra={"field": "valid_from"},
        )
    before = snapshot(locked)
    new = Title(
        code=locked.code,
        kind=locked.kind,
        beneficiary=locked.beneficiary,
        sort_order=locked.sort_order,
        name=locked.name,
        issuer=locked.issuer,
        multiple=locked.multiple,
        vote_share=locked.vote_share,
        criteria=locked.criteria,
        criteria_text=locked.criteria_text,
        legal_source=locked.legal_source,
        valid_from=valid_from,
    )
    assign(new, data)
    _check_title(new)
    locked.valid_to = valid_from - dt.timedelta(days=1)
    locked.version += 1
    locked.save(update_fields=["valid_to", "version", "updated_at"])
    new.save()
    audit_record(
        actor=acting_user, action="commendation.title.version", target=new, before=before, after=snapshot(new)
    )
    return new


@transaction.atomic
def base_salary_add(
    *, amount: int | None, valid_from: dt.date | None, legal_source: str, acting_user: User | None
) -> BaseSalary:
    _require_manager(acting_user)
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationFailed(_("Enter the amount."), extra={"field": "amount"})
    if valid_from is None:
        raise ValidationFailed(_("Enter the date it applies from."), extra={"field": "valid_from"})
    if BaseSalary.objects.filter(valid_from=valid_from).exists():
        raise ValidationFailed(
            _("A base salary from this date is already recorded."), extra={"field": "valid_from"}
        )
    if not legal_source.strip():
        raise ValidationFailed(_("Enter the legal source."), extra={"field": "legal_source"})
    row = BaseSalary.objects.create(amount=amount, valid_from=valid_from, legal_source=legal_source.strip())
    audit_record(actor=acting_user, action="commendation.base_salary.create", target=row, after=snapshot(row))
    return row


# Ratings ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RatingInput:
    staff: Staff
    rating: str  # "" = unknown (a rating on record is removed)
    disciplined: bool = False


@transaction.atomic
def ratings_save(*, unit: OrgUnit, year: int, rows: Sequence[RatingInput], acting_user: User | None) -> int:
    """Record the year's ratings of a unit's staff; returns how many changed."""
    _require_manager(acting_user)
    _check_year(year)
    changed = 0
    for row in rows:
        if row.staff.org_unit_id != unit.pk:
            raise ValidationFailed(_("The staff member does not work in this unit."), extra={"field": None})
        if row.rating and row.rating not in Rating.values:
            raise ValidationFailed(_("Choose the rating."), extra={"field": None})
        current = StaffRating.objects.select_for_update().filter(staff=row.staff, year=year).first()
        if not row.rating:
            if current is not None:
                audit_record(
                    actor=acting_user,
                    action="commendation.rating.delete",
                    target=current,
                    before=snapshot(current),
                )
                current.delete()
                changed += 1
            continue
        if current is None:
            current = StaffRating.objects.create(
                staff=row.staff, year=year, rating=row.rating, disciplined=row.disciplined
            )
            audit_record(
                actor=acting_user, action="commendation.rating.set", target=current, after=snapshot(current)
            )
            changed += 1
        elif (current.rating, current.disciplined) != (row.rating, row.disciplined):
            before = snapshot(current)
            current.rating, current.disciplined = row.rating, row.disciplined
            current.save()
            audit_record(
                actor=acting_user,
                action="commendation.rating.set",
                target=current,
                before=before,
                after=snapshot(current),
            )
            changed += 1
    return changed


# Proposals ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProposalInput:
    year: int
    title: Title
    proposing_unit: OrgUnit
    nominee_kind: str
    staff: Staff | None = None
    org_unit: OrgUnit | None = None
    household: Household | None = None
    achievements: str = ""
    rating: str = ""
    initiative: Initiative | None = None


def _check_proposal(data: ProposalInput, acting_user: User | None, proposal_id: int | None) -> None:
    _check_year(data.year)
    title = data.title
    if title.valid_from > dt.date(data.year, 12, 31) or (
        title.valid_to is not None and title.valid_to < dt.date(data.year, 1, 1)
    ):
        raise ValidationFailed(
            _("This version of the title is not in force for the year."), extra={"field": "title"}
        )
    if data.nominee_kind not in Beneficiary.values:
        raise ValidationFailed(_("Choose the nominee."), extra={"field": "nominee_kind"})
    if title.beneficiary != data.nominee_kind:
        raise ValidationFailed(
            _("%(title)s is given to: %(kind)s.")
            % {"title": title.name, "kind": Beneficiary(title.beneficiary).label},
            extra={"field": "title"},
        )
    if data.nominee_kind == Beneficiary.INDIVIDUAL:
        if data.staff is None:
            raise ValidationFailed(_("Choose the staff member."), extra={"field": "staff"})
        if not data.staff.org_unit.path.startswith(data.proposing_unit.path):
            raise ValidationFailed(
                _("The staff member does not work in the proposing unit."), extra={"field": "staff"}
            )
    elif data.nominee_kind == Beneficiary.COLLECTIVE:
        if data.org_unit is None:
            raise ValidationFailed(_("Choose the collective."), extra={"field": "org_unit"})
        if not data.org_unit.path.startswith(data.proposing_unit.path):
            raise ValidationFailed(
                _("The collective must be the proposing unit or one of its units."),
                extra={"field": "org_unit"},
            )
    else:
        if acting_user is not None and not can(acting_user, Capability.MANAGE_COMMENDATION):
            raise PermissionDenied(_("Only the department office proposes households."))
        if data.household is None:
            raise ValidationFailed(
                _("No household of this code was found."), extra={"field": "household_code"}
            )
    if data.rating and data.rating not in Rating.values:
        raise ValidationFailed(_("Choose the rating."), extra={"field": "rating"})
    if data.initiative is not None:
        if data.staff is None:
            raise ValidationFailed(
                _("An initiative is the ground of an individual's title only."), extra={"field": "initiative"}
            )
        if not grounds.initiative_free_for(
            initiative=data.initiative, staff=data.staff, proposal_id=proposal_id
        ):
            raise ValidationFailed(
                _("The initiative is not a recognised, unused initiative of the nominee."),
                extra={"field": "initiative"},
            )
    same = Proposal.objects.filter(year=data.year, title__code=title.code).exclude(
        status__in=(ProposalStatus.REJECTED,)
    )
    if proposal_id is not None:
        same = same.exclude(pk=proposal_id)
    nominee = {"staff": data.staff, "org_unit": data.org_unit, "household": data.household}[
        {"individual": "staff", "collective": "org_unit", "household": "household"}[data.nominee_kind]
    ]
    key = {"individual": "staff", "collective": "org_unit", "household": "household"}[data.nominee_kind]
    if same.filter(**{key: nominee}).exists():
        raise ValidationFailed(
            _("This nominee is already proposed for this title for the year."), extra={"field": "title"}
        )


def _apply(proposal: Proposal, data: ProposalInput) -> None:
    kind = data.nominee_kind
    proposal.year = data.year
    proposal.title = data.title
    proposal.proposing_unit = data.proposing_unit
    proposal.nominee_kind = kind
    proposal.staff = data.staff if kind == Beneficiary.INDIVIDUAL else None
    proposal.org_unit = data.org_unit if kind == Beneficiary.COLLECTIVE else None
    proposal.household = data.household if kind == Beneficiary.HOUSEHOLD else None
    proposal.achievements = data.achievements.strip()
    proposal.rating = data.rating if kind == Beneficiary.COLLECTIVE else ""
    proposal.initiative = data.initiative if kind == Beneficiary.INDIVIDUAL else None


@transaction.atomic
def proposal_create(*, data: ProposalInput, acting_user: User | None) -> Proposal:
    _require_proposer(acting_user, data.proposing_unit)
    _check_proposal(data, acting_user, None)
    proposal = Proposal(created_by=acting_user if acting_user is not None and acting_user.pk else None)
    _apply(proposal, data)
    proposal.save()
    audit_record(
        actor=acting_user, action="commendation.proposal.create", target=proposal, after=snapshot(proposal)
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related(
            "title", "proposing_unit", "staff", "staff__org_unit", "org_unit", "household", "initiative"
        )
        .get(pk=proposal.pk)
    )


EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, data: ProposalInput, version: Version, acting_user: User | None
) -> Proposal:
    locked = _lock(proposal)
    _require_proposer(acting_user, locked.proposing_unit)
    _require_proposer(acting_user, data.proposing_unit)
    version_check(locked, version)
    if locked.status not in EDITABLE:
        raise ValidationFailed(_("Only a draft or a returned proposal can be edited."), extra={"field": None})
    _check_proposal(data, acting_user, locked.pk)
    before = snapshot(locked)
    if locked.initiative_id is not None and (
        data.initiative is None or data.initiative.pk != locked.initiative_id
    ):
        grounds.initiative_release(
            proposal_id=locked.pk, acting_user=acting_user
        )  # a returned proposal gives its old ground back
    _apply(locked, data)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="commendation.proposal.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def proposal_delete(*, proposal: Proposal, acting_user: User | None) -> None:
    locked = _lock(proposal)
    _require_proposer(acting_user, locked.proposing_unit)
    if locked.status != ProposalStatus.DRAFT:
        raise ValidationFailed(_("Only a draft can be deleted."), extra={"field": None})
    audit_record(
        actor=acting_user, action="commendation.proposal.delete", target=locked, before=snapshot(locked)
    )
    for row in locked.files.all():
        row.file.delete(save=False)
    locked.files.all().delete()
    locked.delete()


@transaction.atomic
def proposal_file_add(
    *, proposal: Proposal, upload: UploadedFile[Any] | None, acting_user: User | None
) -> ProposalFile:
    locked = _lock(proposal)
    _require_proposer(acting_user, locked.proposing_unit)
    if locked.status not in EDITABLE:
        raise ValidationFailed(
            _("Evidence is added to a draft or a returned proposal."), extra={"field": "file"}
        )
    if upload is None:
        raise ValidationFailed(_("Choose a file."), extra={"field": "file"})
    check_attachment(upload, field="file", kinds=DOCUMENTS)
    row = ProposalFile(
        proposal=locked,
        name=original_name(upload),
        uploaded_by=acting_user.get_username() if acting_user is not None and acting_user.pk else "",
    )
    row.file.save(upload.name or "file", upload, save=False)
    row.save()
    audit_record(
        actor=acting_user, action="commendation.proposal.file_add", target=locked, after=snapshot(row)
    )
    return row


@transaction.atomic
def proposal_file_delete(*, row: ProposalFile, acting_user: User | None) -> None:
    locked = _lock(row.proposal)
    _require_proposer(acting_user, locked.proposing_unit)
    if locked.status not in EDITABLE:
        raise ValidationFailed(
            _("Evidence is removed from a draft or a returned proposal."), extra={"field": None}
        )
    audit_record(
        actor=acting_user, action="commendation.proposal.file_delete", target=locked, before=snapshot(row)
    )
    row.file.delete(save=False)
    row.delete()


def run_checks(proposal: Proposal) -> list[dict[str, Any]]:
    """The proposal's title's criteria checked against what is known now (not stored)."""
    results = check(proposal.title.criteria or [], selectors.nominee_facts(proposal=proposal))
    return [r.as_dict() for r in results]


@transaction.atomic
def proposal_submit(*, proposal: Proposal, override_reason: str = "", acting_user: User | None) -> Proposal:
    """Send the proposal to the council: the checks are run and stored; an unmet or unknown criterion
    blocks it with the reasons, unless the office sends it anyway with a reason (audited). The initiative
    given as the ground is taken (used once)."""
    locked = _lock(proposal)
    _require_proposer(acting_user, locked.proposing_unit)
    if locked.status not in EDITABLE:
        raise ValidationFailed(_("Only a draft or a returned proposal can be sent."), extra={"field": None})
    results = check(locked.title.criteria or [], selectors.nominee_facts(proposal=locked))
    override_reason = override_reason.strip()
    if not all_passed(results):
        unmet = "; ".join(r.text_vi for r in results if r.passed is not True)
        if not override_reason:
            raise ValidationFailed(
                _("The nominee does not meet every criterion: %(unmet)s") % {"unmet": unmet},
                extra={"field": None, "checks": [r.as_dict() for r in results]},
            )
        if acting_user is not None and not can(acting_user, Capability.MANAGE_COMMENDATION):
            raise PermissionDenied(
                _("Only the department office may send a proposal that does not meet the criteria.")
            )
    else:
        override_reason = ""
    before = snapshot(locked)
    if locked.initiative is not None:
        grounds.initiative_use(
            initiative=locked.initiative,
            proposal_id=locked.pk,
            used_for=f"{locked.title.name} {locked.year}: {selectors.nominee_name(locked)}",
            acting_user=acting_user,
        )
    locked.checks = [r.as_dict() for r in results]
    locked.override_reason = override_reason
    locked.status = ProposalStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.reason = ""
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="commendation.proposal.submit",
        target=locked,
        before=before,
        after=snapshot(locked),
        note=override_reason,
    )
    return locked


@transaction.atomic
def proposal_return(*, proposal: Proposal, reason: str, acting_user: User | None) -> Proposal:
    """The office returns a sent proposal to its unit with a reason (it may be edited and sent again)."""
    _require_manager(acting_user)
    locked = _lock(proposal)
    if locked.status != ProposalStatus.SUBMITTED:
        raise ValidationFailed(
            _("Only a proposal sent to the council can be returned."), extra={"field": None}
        )
    if not reason.strip():
        raise ValidationFailed(_("Enter the reason."), extra={"field": "reason"})
    before = snapshot(locked)
    locked.status = ProposalStatus.RETURNED
    locked.reason = reason.strip()
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="commendation.proposal.return",
        target=locked,
        before=before,
        after=snapshot(locked),
        note=locked.reason,
    )
    return locked


# Council meetings ---------------------------------------------------------------------------------------
def quorum_met(present: int, total: int) -> bool:
    """At least two thirds of the members present."""
    return present * 3 >= total * 2


def vote_share_quorum_met(present: int, total: int) -> bool:
    """At least 80 % of the members present (titles voted by a share of all members)."""
    return present * 100 >= total * 80


def vote_approves(*, agree: int, present: int, total: int, vote_share: int | None) -> bool:
    """Approved when ``agree`` reaches ``vote_share`` % of ALL members (titles with a share), else when more
    than half of the members present agree (the one rule: ``commendation.votes.vote_result``)."""
    return vote_result(agree=agree, members_total=total, members_present=present, vote_share=vote_share)


@transaction.atomic
def meeting_create(
    *,
    year: int,
    held_on: dt.date | None,
    members_total: int | None,
    members_present: int | None,
    chair: str,
    secretary: str,
    place: str = "",
    note: str = "",
    acting_user: User | None,
) -> CouncilMeeting:
    _require_judge(acting_user)
    _check_year(year)
    if held_on is None:
        raise ValidationFailed(_("Enter the date of the meeting."), extra={"field": "held_on"})
    if not members_total or members_total < 1:
        raise ValidationFailed(
            _("Enter the number of members of the council."), extra={"field": "members_total"}
        )
    if members_present is None or members_present < 0 or members_present > members_total:
        raise ValidationFailed(
            _("The members present cannot be more than the members of the council."),
            extra={"field": "members_present"},
        )
    if not quorum_met(members_present, members_total):
        raise ValidationFailed(
            _(
                "The council may meet only when at least two thirds of its members are present "
                "(%(present)s of %(total)s)."
            )
            % {"present": members_present, "total": members_total},
            extra={"field": "members_present"},
        )
    if not chair.strip():
        raise ValidationFailed(_("Enter the chair."), extra={"field": "chair"})
    if not secretary.strip():
        raise ValidationFailed(_("Enter the secretary."), extra={"field": "secretary"})
    meeting = CouncilMeeting.objects.create(
        year=year,
        held_on=held_on,
        place=place.strip(),
        members_total=members_total,
        members_present=members_present,
        chair=chair.strip(),
        secretary=secretary.strip(),
        note=note.strip(),
    )
    audit_record(
        actor=acting_user, action="commendation.meeting.create", target=meeting, after=snapshot(meeting)
    )
    return meeting


@transaction.atomic
def vote_record(
    *,
    meeting: CouncilMeeting,
    proposal: Proposal,
    agree: int | None,
    disagree: int | None,
    acting_user: User | None,
) -> Vote:
    """The council's vote on a sent proposal; the proposal becomes approved or not approved."""
    _require_judge(acting_user)
    locked = _lock(proposal)
    if locked.status != ProposalStatus.SUBMITTED:
        raise ValidationFailed(
            _("Only a proposal sent to the council can be voted on."), extra={"field": None}
        )
    if locked.year != meeting.year:
        raise ValidationFailed(_("The meeting considers the proposals of its year."), extra={"field": None})
    agree, disagree = agree or 0, disagree or 0
    if agree < 0 or disagree < 0:
        raise ValidationFailed(_("Enter the votes."), extra={"field": "agree"})
    share = locked.title.vote_share
    if share is not None:
        if not vote_share_quorum_met(meeting.members_present, meeting.members_total):
            raise ValidationFailed(
                _(
                    "%(title)s is voted on only when at least 80 %% of the council's members are present "
                    "(%(present)s of %(total)s)."
                )
                % {
                    "title": locked.title.name,
                    "present": meeting.members_present,
                    "total": meeting.members_total,
                },
                extra={"field": "agree"},
            )
        voters = meeting.members_total  # absent members give their opinion in writing
    else:
        voters = meeting.members_present
    if agree + disagree > voters:
        raise ValidationFailed(
            _("More votes than members who vote (%(voters)s).") % {"voters": voters}, extra={"field": "agree"}
        )
    approved = vote_approves(
        agree=agree, present=meeting.members_present, total=meeting.members_total, vote_share=share
    )
    before = snapshot(locked)
    vote = Vote.objects.create(
        meeting=meeting, proposal=locked, agree=agree, disagree=disagree, approved=approved
    )
    locked.status = ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED
    locked.version += 1
    locked.save()
    if not approved and locked.initiative_id is not None:
        grounds.initiative_release(proposal_id=locked.pk, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="commendation.proposal.vote",
        target=locked,
        before=before,
        after=snapshot(locked) | {"agree": agree, "disagree": disagree, "meeting": meeting.pk},
        note=_("%(agree)s of %(total)s members agree") % {"agree": agree, "total": meeting.members_total},
    )
    return vote


# Decisions and awards -----------------------------------------------------------------------------------
@transaction.atomic
def decision_create(
    *,
    number: str,
    signed_on: dt.date | None,
    issuer: str,
    signer: str,
    year: int,
    proposals: Sequence[Proposal],
    note: str = "",
    acting_user: User | None,
) -> Decision:
    """A decision giving one award to each approved proposal: the recipient's name and unit, the title's
    multiple and the base salary in force on the decision date frozen, amount = multiple × base salary."""
    _require_manager(acting_user)
    _check_year(year)
    if not number.strip():
        raise ValidationFailed(_("Enter the number and symbol."), extra={"field": "number"})
    if signed_on is None:
        raise ValidationFailed(_("Enter the date signed."), extra={"field": "signed_on"})
    if not issuer.strip():
        raise ValidationFailed(_("Enter who issued it."), extra={"field": "issuer"})
    if Decision.objects.filter(number=number.strip(), signed_on=signed_on).exists():
        raise ValidationFailed(_("This decision is already recorded."), extra={"field": "number"})
    if not proposals:
        raise ValidationFailed(_("Choose the approved proposals."), extra={"field": "proposals"})
    base = selectors.base_salary_on(signed_on)
    decision = Decision.objects.create(
        number=number.strip(),
        signed_on=signed_on,
        issuer=issuer.strip(),
        signer=signer.strip(),
        year=year,
        note=note.strip(),
    )
    for proposal in proposals:
        locked = _lock(proposal)
        if locked.status != ProposalStatus.APPROVED:
            raise ValidationFailed(
                _("Only proposals approved by the council can be decided."), extra={"field": "proposals"}
            )
        if locked.year != year:
            raise ValidationFailed(
                _("The proposals must be of the decision's year."), extra={"field": "proposals"}
            )
        title = selectors.title_in_force(locked.title.code, signed_on) or locked.title
        multiple = title.multiple
        base_amount = base.amount if base is not None else None
        unit_name = ""
        if locked.staff is not None:
            unit_name = locked.staff.org_unit.name
        elif locked.org_unit is not None and locked.org_unit.parent is not None:
            unit_name = locked.org_unit.parent.name
        elif locked.household is not None:
            unit_name = locked.household.commune.name
        award = Award.objects.create(
            decision=decision,
            proposal=locked,
            title=title,
            year=locked.year,
            recipient_kind=locked.nominee_kind,
            staff=locked.staff,
            org_unit=locked.org_unit,
            household=locked.household,
            recipient_name=selectors.nominee_name(locked)[:255],
            unit_name=unit_name[:255],
            multiple=multiple,
            base_salary=base_amount,
            amount=selectors.bonus(multiple, base_amount),
        )
        before = snapshot(locked)
        locked.status = ProposalStatus.DECIDED
        locked.version += 1
        locked.save()
        audit_record(
            actor=acting_user,
            action="commendation.proposal.decide",
            target=locked,
            before=before,
            after=snapshot(locked) | {"award": award.pk, "decision": decision.number},
        )
    audit_record(
        actor=acting_user,
        action="commendation.decision.create",
        target=decision,
        after=snapshot(decision) | {"awards": len(proposals)},
    )
    return decision


# The award fund -----------------------------------------------------------------------------------------
@transaction.atomic
def ledger_income(
    *,
    entry_date: dt.date | None,
    amount: int | None,
    description: str,
    document: str = "",
    acting_user: User | None,
) -> LedgerEntry:
    _require_manager(acting_user)
    if entry_date is None:
        raise ValidationFailed(_("Enter the date."), extra={"field": "entry_date"})
    if amount is None or amount <= 0:
        raise ValidationFailed(_("Enter the amount."), extra={"field": "amount"})
    if amount > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is too large."), extra={"field": "amount"})
    if not description.strip():
        raise ValidationFailed(_("Enter the description."), extra={"field": "description"})
    row = LedgerEntry.objects.create(
        entry_date=entry_date,
        kind=LedgerKind.INCOME,
        amount=amount,
        description=description.strip(),
        document=document.strip(),
        recorded_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(actor=acting_user, action="commendation.fund.income", target=row, after=snapshot(row))
    return row


@transaction.atomic
def award_pay(
    *, award: Award, entry_date: dt.date | None, document: str = "", acting_user: User | None
) -> LedgerEntry:
    """Pay an award's bonus from the fund: once, the award's amount, never beyond the balance."""
    _require_manager(acting_user)
    locked = (
        Award.objects.select_for_update(of=("self",)).select_related("decision", "title").get(pk=award.pk)
    )
    if LedgerEntry.objects.filter(award=locked).exists():
        raise ValidationFailed(_("The bonus of this award is already paid."), extra={"field": None})
    if locked.amount is None or locked.amount <= 0:
        raise ValidationFailed(_("The award has no bonus amount."), extra={"field": None})
    if entry_date is None:
        raise ValidationFailed(_("Enter the date."), extra={"field": "entry_date"})
    if entry_date < locked.decision.signed_on:
        raise ValidationFailed(_("A bonus is paid after the decision."), extra={"field": "entry_date"})
    sums = dict(LedgerEntry.objects.values_list("kind").annotate(s=Sum("amount")))
    balance = int(sums.get(LedgerKind.INCOME) or 0) - int(sums.get(LedgerKind.PAYMENT) or 0)
    if locked.amount > balance:
        raise ValidationFailed(
            _("The award fund's balance is not enough (%(balance)s left, %(amount)s needed).")
            % {"balance": _vnd(balance), "amount": _vnd(locked.amount)},
            extra={"field": None},
        )
    row = LedgerEntry.objects.create(
        entry_date=entry_date,
        kind=LedgerKind.PAYMENT,
        amount=locked.amount,
        award=locked,
        description=_("Bonus: %(title)s, %(name)s (decision %(number)s)")
        % {"title": locked.title.name, "name": locked.recipient_name, "number": locked.decision.number},
        document=document.strip(),
        recorded_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(actor=acting_user, action="commendation.fund.payment", target=row, after=snapshot(row))
    return row
