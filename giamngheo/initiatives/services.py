"""Writes of initiatives (sáng kiến): keyword-only, atomic, audited; on bad input nothing is written.

- A unit's staff (``TAKE_PART_EMULATION``, the unit in their organisation scope) record an initiative with
  its authors and their shares (adding up to exactly 100 %) and its evidence, edit it while it is a draft or
  returned, and send it to the council.
- The council (``JUDGE_EMULATION``) evaluates a sent initiative: recognises it by a decision (level,
  number, date, issuer), does not recognise it (a reason), or returns it to the unit (a reason).
- The commendation app uses a recognised initiative as the ground of one commendation
  (``initiative_use``; one use per initiative, backed by the database — MoHA CV 5007/BNV-TĐKT) and
  releases it when its proposal is withdrawn before a decision (``initiative_release``).

Every status change is audited with who, when and the reason (``note``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.attachments import DOCUMENTS, check_attachment, original_name
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.org.models import OrgUnit, Staff

from .models import (
    Field,
    Initiative,
    InitiativeAuthor,
    InitiativeFile,
    InitiativeStatus,
    InitiativeUse,
    Level,
)
from .selectors import EDITABLE, initiative_q, staff_of_department, units_to_pick

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
HUNDRED = Decimal(100)
ATTACHMENT_KINDS = DOCUMENTS
USERS_OF_INITIATIVES = (
    Capability.TAKE_PART_EMULATION,
    Capability.MANAGE_COMMENDATION,
    Capability.MANAGE_EMULATION,
)


class Outcome:
    """What the council decides about a sent initiative."""

    RECOGNISE = "recognise"
    REJECT = "reject"
    RETURN = "return"
    ALL = (RECOGNISE, REJECT, RETURN)


# Permissions ------------------------------------------------------------------------------------------------
def _require_unit(user: User | None, unit: OrgUnit) -> None:
    """``user`` takes part in the emulation for ``unit`` (``None``: the demo seed, commands)."""
    if user is None:
        return
    if not can(user, Capability.TAKE_PART_EMULATION):
        raise PermissionDenied(_("You may not submit initiatives."))
    if not units_to_pick(user=user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You may submit initiatives only for your own unit."))


def _require_judge(user: User | None, initiative: Initiative) -> None:
    if user is None:
        return
    if not can(user, Capability.JUDGE_EMULATION):
        raise PermissionDenied(_("Only the emulation council evaluates initiatives."))
    if not Initiative.objects.filter(initiative_q(user), pk=initiative.pk).exists():
        raise PermissionDenied(_("Only the emulation council evaluates initiatives."))


def _require_user_of_initiatives(user: User | None) -> None:
    if user is None:
        return
    if not any(can(user, c) for c in USERS_OF_INITIATIVES):
        raise PermissionDenied(_("You may not use initiatives as commendation grounds."))


def _require_editable(initiative: Initiative) -> None:
    if initiative.status not in EDITABLE:
        raise ValidationFailed(
            _("Only a draft or a returned initiative can be changed."), extra={"field": None}
        )


# Authors ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuthorInput:
    """An author: a staff member of the department, or a name from outside; their share in %."""

    share: Decimal | None
    staff: Staff | None = None
    name: str = ""


def check_authors(unit: OrgUnit, authors: Sequence[AuthorInput]) -> list[AuthorInput]:
    """The authors checked and completed (a staff member's name from the staff record): at least one, each
    a staff member of ``unit``'s department or a name, each share above 0 and at most 100 % with at most
    two decimals, no one twice, the shares adding up to exactly 100 %."""
    if not authors:
        raise ValidationFailed(_("Name at least one author."), extra={"field": "authors"})
    staff_ids = [a.staff.pk for a in authors if a.staff is not None]
    department_staff = staff_of_department(unit=unit, staff_ids=staff_ids)
    seen_staff: set[int] = set()
    seen_names: set[str] = set()
    checked: list[AuthorInput] = []
    for author in authors:
        name = author.name.strip()
        if author.staff is not None:
            staff = department_staff.get(author.staff.pk)
            if staff is None:
                raise ValidationFailed(
                    _("%(name)s is not on the staff of the department.") % {"name": author.staff.full_name},
                    extra={"field": "authors"},
                )
            if staff.pk in seen_staff:
                raise ValidationFailed(
                    _("%(name)s is named twice among the authors.") % {"name": staff.full_name},
                    extra={"field": "authors"},
                )
            seen_staff.add(staff.pk)
            name = staff.full_name
        elif not name:
            raise ValidationFailed(
                _("Pick a staff member or enter the name of each author."), extra={"field": "authors"}
            )
        elif len(name) > 150:
            raise ValidationFailed(_("An author's name is too long."), extra={"field": "authors"})
        key = name.casefold()
        if author.staff is None and key in seen_names:
            raise ValidationFailed(
                _("%(name)s is named twice among the authors.") % {"name": name}, extra={"field": "authors"}
            )
        seen_names.add(key)
        share = author.share
        if share is None:
            raise ValidationFailed(
                _("Enter the contribution (%%) of %(name)s.") % {"name": name}, extra={"field": "authors"}
            )
        if not Decimal(0) < share <= HUNDRED:
            raise ValidationFailed(
                _("A contribution must be more than 0 %% and at most 100 %%."), extra={"field": "authors"}
            )
        if share != share.quantize(Decimal("0.01")):
            raise ValidationFailed(_("A contribution has at most two decimals."), extra={"field": "authors"})
        checked.append(AuthorInput(share=share, staff=author.staff, name=name))
    total = sum((a.share or Decimal(0) for a in checked), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed(
            _("The contributions add up to %(total)s %%; they must add up to exactly 100 %%.")
            % {"total": _percent_text(total)},
            extra={"field": "authors"},
        )
    return checked


def _percent_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _write_authors(initiative: Initiative, authors: Sequence[AuthorInput]) -> None:
    initiative.authors.all().delete()
    InitiativeAuthor.objects.bulk_create(
        [
            InitiativeAuthor(initiative=initiative, staff=a.staff, name=a.name, share=a.share or Decimal(0))
            for a in authors
        ]
    )


def _snapshot(initiative: Initiative) -> dict[str, Any]:
    return snapshot(initiative) | {
        "authors": [
            {"name": a.name, "staff": a.staff_id, "share": str(a.share)}
            for a in initiative.authors.order_by("-share", "pk")
        ]
    }


# Checks -----------------------------------------------------------------------------------------------------
def _check_initiative(initiative: Initiative) -> None:
    if not initiative.title.strip():
        raise ValidationFailed(_("Enter the title of the initiative."), extra={"field": "title"})
    if initiative.field not in Field.values:
        raise ValidationFailed(_("Choose the field of the initiative."), extra={"field": "field"})
    if initiative.year is None or not MIN_YEAR <= initiative.year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )
    applied = initiative.applied_on
    if applied is not None:
        if not MIN_YEAR <= applied.year <= MAX_YEAR:
            raise ValidationFailed(
                _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                extra={"field": "applied_on"},
            )
        if applied > timezone.localdate():
            raise ValidationFailed(
                _("The date it was first applied cannot be in the future."), extra={"field": "applied_on"}
            )
        if applied.year > initiative.year:
            raise ValidationFailed(
                _("The initiative was first applied after its year."), extra={"field": "applied_on"}
            )


def _check_complete(initiative: Initiative) -> None:
    """What the council needs before an initiative is sent (TT 18/2013 Appendix I)."""
    for name, message in (
        ("problem", _("Describe the problem the initiative solves.")),
        ("solution", _("Describe the solution.")),
        ("benefit", _("Describe the benefit obtained.")),
    ):
        if not str(getattr(initiative, name)).strip():
            raise ValidationFailed(message, extra={"field": name})
    if initiative.applied_on is None:
        raise ValidationFailed(
            _("Enter the date the initiative was first applied: only an applied initiative is recognised."),
            extra={"field": "applied_on"},
        )
    if not initiative.authors.exists():
        raise ValidationFailed(_("Name at least one author."), extra={"field": "authors"})


def _check_uploads(uploads: Sequence[UploadedFile[Any]]) -> None:
    for upload in uploads:
        check_attachment(upload, field="file", kinds=ATTACHMENT_KINDS)


# Initiatives ------------------------------------------------------------------------------------------------
INITIATIVE_FIELDS = (
    "org_unit",
    "year",
    "title",
    "field",
    "problem",
    "solution",
    "benefit",
    "applied_on",
)


@transaction.atomic
def initiative_create(
    *,
    org_unit: OrgUnit,
    year: int,
    title: str,
    field: str,
    solution: str = "",
    problem: str = "",
    benefit: str = "",
    applied_on: dt.date | None = None,
    authors: Sequence[AuthorInput],
    uploads: Sequence[UploadedFile[Any]] | None = None,
    acting_user: User | None,
) -> Initiative:
    """A new initiative of ``org_unit``, a draft."""
    _require_unit(acting_user, org_unit)
    initiative = Initiative(
        org_unit=org_unit,
        year=year,
        title=title.strip(),
        field=field,
        problem=problem.strip(),
        solution=solution.strip(),
        benefit=benefit.strip(),
        applied_on=applied_on,
        status=InitiativeStatus.DRAFT,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    _check_initiative(initiative)
    checked = check_authors(org_unit, authors)
    files = [u for u in (uploads or []) if u is not None]
    _check_uploads(files)
    initiative.save()
    _write_authors(initiative, checked)
    audit_record(
        actor=acting_user,
        action="initiatives.initiative.create",
        target=initiative,
        after=_snapshot(initiative),
    )
    for upload in files:
        _file_save(initiative, upload, acting_user)
    return initiative


def _lock(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=initiative.pk)


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    authors: Sequence[AuthorInput] | None = None,
    version: Version,
    acting_user: User | None,
) -> Initiative:
    """Change a draft or returned initiative (and, when ``authors`` is given, its authors)."""
    check_fields(data, INITIATIVE_FIELDS)
    locked = _lock(initiative)
    _require_unit(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_editable(locked)
    before = _snapshot(locked)
    assign(locked, data)
    if "org_unit" in data:
        _require_unit(acting_user, locked.org_unit)
    _check_initiative(locked)
    checked = check_authors(locked.org_unit, authors) if authors is not None else None
    if checked is None and "org_unit" in data:
        check_authors(
            locked.org_unit,
            [AuthorInput(share=a.share, staff=a.staff, name=a.name) for a in locked.authors.all()],
        )
    locked.version += 1
    locked.save()
    if checked is not None:
        _write_authors(locked, checked)
    audit_record(
        actor=acting_user,
        action="initiatives.initiative.update",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked


def _delete_file_on_commit(fieldfile: FieldFile) -> None:
    storage, name = fieldfile.storage, fieldfile.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def initiative_delete(*, initiative: Initiative, version: Version, acting_user: User | None) -> None:
    """Delete a draft that was never sent (a returned initiative stays: the council has seen it)."""
    locked = _lock(initiative)
    _require_unit(acting_user, locked.org_unit)
    version_check(locked, version)
    if locked.status != InitiativeStatus.DRAFT or locked.submitted_at is not None:
        raise ValidationFailed(
            _("Only a draft that was never sent to the council can be deleted."), extra={"field": None}
        )
    before = _snapshot(locked)
    for stored in locked.files.all():
        _delete_file_on_commit(stored.file)
    audit_record(actor=acting_user, action="initiatives.initiative.delete", target=locked, before=before)
    locked.delete()


@transaction.atomic
def initiative_submit(*, initiative: Initiative, version: Version, acting_user: User | None) -> Initiative:
    """Send a draft or returned initiative to the council."""
    locked = _lock(initiative)
    _require_unit(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_editable(locked)
    _check_complete(locked)
    check_authors(
        locked.org_unit,
        [AuthorInput(share=a.share, staff=a.staff, name=a.name) for a in locked.authors.all()],
    )
    before = _snapshot(locked)
    locked.status = InitiativeStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="initiatives.initiative.submit",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked


@transaction.atomic
def initiative_evaluate(
    *,
    initiative: Initiative,
    outcome: str,
    evaluation: str = "",
    level: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decision_issuer: str = "",
    reason: str = "",
    version: Version,
    acting_user: User | None,
) -> Initiative:
    """The council's evaluation of a sent initiative:

    - ``recognise``: the evaluation, the level and the decision (number, date, issuer) are required;
    - ``reject`` (not recognised): the evaluation and the reason are required;
    - ``return`` to the unit: the reason is required (the unit edits and sends it again).
    """
    locked = _lock(initiative)
    _require_judge(acting_user, locked)
    version_check(locked, version)
    if locked.status != InitiativeStatus.SUBMITTED:
        raise ValidationFailed(
            _("Only an initiative sent to the council can be evaluated."), extra={"field": None}
        )
    if outcome not in Outcome.ALL:
        raise ValidationFailed(_("Choose the council's decision."), extra={"field": "outcome"})
    evaluation, reason = evaluation.strip(), reason.strip()
    before = _snapshot(locked)
    if outcome == Outcome.RECOGNISE:
        _check_decision(locked, evaluation, level, decision_number, decision_date, decision_issuer)
        locked.status = InitiativeStatus.RECOGNISED
        locked.level = level
        locked.decision_number = decision_number.strip()
        locked.decision_date = decision_date
        locked.decision_issuer = decision_issuer.strip()
        locked.reason = ""
        action = "initiatives.initiative.recognise"
        # the decision in a line (no words: the note is read in any language)
        note = ", ".join(
            [
                locked.decision_number,
                decision_date.strftime("%d/%m/%Y") if decision_date else "",
                locked.decision_issuer,
            ]
        )
    else:
        if outcome == Outcome.REJECT and not evaluation:
            raise ValidationFailed(_("Write the council's evaluation."), extra={"field": "evaluation"})
        if not reason:
            raise ValidationFailed(_("Give the reason."), extra={"field": "reason"})
        locked.status = (
            InitiativeStatus.NOT_RECOGNISED if outcome == Outcome.REJECT else InitiativeStatus.RETURNED
        )
        locked.level = ""
        locked.decision_number = ""
        locked.decision_date = None
        locked.decision_issuer = ""
        locked.reason = reason
        action = (
            "initiatives.initiative.reject" if outcome == Outcome.REJECT else "initiatives.initiative.return"
        )
        note = reason
    if evaluation or outcome != Outcome.RETURN:
        locked.evaluation = evaluation
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action=action,
        target=locked,
        before=before,
        after=_snapshot(locked),
        note=note,
    )
    return locked


def _check_decision(
    initiative: Initiative,
    evaluation: str,
    level: str,
    number: str,
    date: dt.date | None,
    issuer: str,
) -> None:
    if not evaluation:
        raise ValidationFailed(_("Write the council's evaluation."), extra={"field": "evaluation"})
    if level not in Level.values:
        raise ValidationFailed(
            _("Choose the level at which the initiative is recognised."), extra={"field": "level"}
        )
    if not number.strip():
        raise ValidationFailed(
            _("Enter the number of the recognition decision."), extra={"field": "decision_number"}
        )
    if len(number.strip()) > 60:
        raise ValidationFailed(_("The decision number is too long."), extra={"field": "decision_number"})
    if date is None:
        raise ValidationFailed(
            _("Enter the date of the recognition decision."), extra={"field": "decision_date"}
        )
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "decision_date"},
        )
    if initiative.applied_on is not None and date < initiative.applied_on:
        raise ValidationFailed(
            _("The decision cannot be dated before the initiative was first applied."),
            extra={"field": "decision_date"},
        )
    if not issuer.strip():
        raise ValidationFailed(
            _("Enter who issued the recognition decision."), extra={"field": "decision_issuer"}
        )
    if len(issuer.strip()) > 200:
        raise ValidationFailed(_("The issuer's name is too long."), extra={"field": "decision_issuer"})


# Evidence ---------------------------------------------------------------------------------------------------
def _file_save(initiative: Initiative, upload: UploadedFile[Any], acting_user: User | None) -> InitiativeFile:
    stored = InitiativeFile(
        initiative=initiative,
        name=original_name(upload),
        uploaded_by=(acting_user.get_full_name() if acting_user is not None else "")[:150],
    )
    stored.file.save(upload.name or "file", upload, save=False)
    try:
        stored.save()
    except Exception:
        stored.file.storage.delete(stored.file.name or "")
        raise
    audit_record(
        actor=acting_user,
        action="initiatives.file.create",
        target=initiative,
        after={"file": stored.name},
        note=stored.name,
    )
    return stored


@transaction.atomic
def initiative_file_add(
    *, initiative: Initiative, upload: UploadedFile[Any] | None, acting_user: User | None
) -> InitiativeFile:
    locked = _lock(initiative)
    _require_unit(acting_user, locked.org_unit)
    _require_editable(locked)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), extra={"field": "file"})
    _check_uploads([upload])
    return _file_save(locked, upload, acting_user)


@transaction.atomic
def initiative_file_delete(*, stored: InitiativeFile, acting_user: User | None) -> None:
    locked = (
        InitiativeFile.objects.select_for_update(of=("self",))
        .select_related("initiative", "initiative__org_unit")
        .get(pk=stored.pk)
    )
    _require_unit(acting_user, locked.initiative.org_unit)
    _require_editable(locked.initiative)
    audit_record(
        actor=acting_user,
        action="initiatives.file.delete",
        target=locked.initiative,
        before={"file": locked.name},
        note=locked.name,
    )
    _delete_file_on_commit(locked.file)
    locked.delete()


# Use as a commendation ground -------------------------------------------------------------------------------
@transaction.atomic
def initiative_use(
    *, initiative: Initiative, used_for: str, user_kind: str, user_id: int, acting_user: User | None
) -> InitiativeUse:
    """Record that ``initiative`` is the ground of a commendation (``user_kind``/``user_id`` name what uses
    it, e.g. ``"commendation.proposal"`` and its id; ``used_for`` says it in words). Refused when the
    initiative is not recognised or is already the ground of another commendation (an initiative is used
    once: CV 5007/BNV-TĐKT). Using it again for the same ``user_kind``/``user_id`` changes nothing."""
    _require_user_of_initiatives(acting_user)
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status != InitiativeStatus.RECOGNISED:
        raise ValidationFailed(
            _("The initiative “%(title)s” is not recognised: it cannot be a commendation ground.")
            % {"title": locked.title},
            extra={"field": "initiative"},
        )
    used_for = used_for.strip()
    if not used_for or not user_kind.strip() or user_id is None:
        raise ValueError("initiative_use: name what uses the initiative")
    existing = InitiativeUse.objects.filter(initiative=locked).first()
    if existing is not None:
        if existing.user_kind == user_kind and existing.user_id == user_id:
            return existing
        raise _already_used(existing.used_for)
    try:
        with transaction.atomic():
            use = InitiativeUse.objects.create(
                initiative=locked,
                used_for=used_for[:255],
                user_kind=user_kind[:40],
                user_id=user_id,
                used_by=acting_user if acting_user is not None and acting_user.pk else None,
            )
    except IntegrityError as exc:
        other = InitiativeUse.objects.filter(initiative=locked).first()
        raise _already_used(other.used_for if other is not None else "") from exc
    audit_record(
        actor=acting_user,
        action="initiatives.use.create",
        target=locked,
        after={"used_for": use.used_for, "user_kind": use.user_kind, "user_id": use.user_id},
        note=use.used_for,
    )
    return use


def _already_used(used_for: str) -> ValidationFailed:
    return ValidationFailed(
        _("This initiative was already used as a commendation ground: %(used_for)s.")
        % {"used_for": used_for},
        extra={"field": "initiative"},
    )


@transaction.atomic
def initiative_release(*, user_kind: str, user_id: int, acting_user: User | None) -> int:
    """Free the initiatives used by ``user_kind``/``user_id`` (a proposal withdrawn before a decision);
    returns how many were freed."""
    _require_user_of_initiatives(acting_user)
    uses = list(
        InitiativeUse.objects.select_for_update(of=("self",))
        .filter(user_kind=user_kind, user_id=user_id)
        .select_related("initiative")
    )
    for use in uses:
        audit_record(
            actor=acting_user,
            action="initiatives.use.release",
            target=use.initiative,
            before={"used_for": use.used_for, "user_kind": use.user_kind, "user_id": use.user_id},
            note=use.used_for,
        )
        use.delete()
    return len(uses)
