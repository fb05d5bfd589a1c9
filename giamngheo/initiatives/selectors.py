"""Reads of initiatives (sáng kiến).

Scope (``accounts.scoping``): an initiative belongs to its unit (``org_unit``). A unit head reads the
initiatives of their unit; the department's office and the emulation council (scope: the department) read
all; a leader reads those of the units of their province. Nobody without ``VIEW_EMULATION`` reads any.

``recognised_for_staff`` is the commendation app's read: unscoped (the caller has opened the staff member
through its own scoped selector), it names the recognised initiatives of a staff member and whether each
was already used as the ground of a commendation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.models import AuditRecord
from giamngheo.geo.selectors import current_year
from giamngheo.org.models import OrgUnit, Staff

from .labels import ACTION_LABELS, SYSTEM
from .models import Initiative, InitiativeAuthor, InitiativeFile, InitiativeStatus, InitiativeUse

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

NOTHING = Q(pk__in=[])
EDITABLE = (InitiativeStatus.DRAFT, InitiativeStatus.RETURNED)
TARGET_TYPE = "initiatives.initiative"


# Scope ------------------------------------------------------------------------------------------------------
def initiative_q(user: User, prefix: str = "") -> Q:
    """Initiatives (or rows reached through ``prefix``, e.g. ``"initiative__"``) the user may read."""
    if not can(user, Capability.VIEW_EMULATION):
        return NOTHING
    return org_q(user, f"{prefix}org_unit__path", f"{prefix}org_unit__area__path")


def units_to_pick(*, user: User) -> QuerySet[OrgUnit]:
    """The units a user may submit initiatives for: the active units of their organisation scope
    (a unit head: their unit; the office: the department and its units)."""
    if not can(user, Capability.TAKE_PART_EMULATION):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(org_q(user, "path", None), is_active=True).order_by("path")


def _department_path(path: str) -> str:
    """``/so/ptnt/`` -> ``/so/`` (the top of a unit's tree: its department)."""
    top = path.strip("/").split("/")[0]
    return f"/{top}/"


def staff_to_pick(*, user: User) -> list[Staff]:
    """The staff a user may name as authors: the working staff of the department(s) of their units (an
    initiative may have co-authors in other divisions of the department)."""
    roots = sorted({_department_path(p) for p in units_to_pick(user=user).values_list("path", flat=True)})
    if not roots:
        return []
    q = NOTHING
    for root in roots:
        q |= Q(org_unit__path__startswith=root)
    return list(
        Staff.objects.filter(q, is_active=True).select_related("org_unit").order_by("org_unit__path", "pk")
    )


def staff_of_department(*, unit: OrgUnit, staff_ids: list[int]) -> dict[int, Staff]:
    """The staff of ``unit``'s department among ``staff_ids`` (a service checks its authors with it)."""
    root = _department_path(unit.path)
    rows = Staff.objects.filter(pk__in=staff_ids, org_unit__path__startswith=root).select_related("org_unit")
    return {s.pk: s for s in rows}


def may_edit(*, user: User, initiative: Initiative) -> bool:
    """Whether ``user`` may change the initiative now: it is a draft or was returned, and its unit is
    one of the user's."""
    if initiative.status not in EDITABLE:
        return False
    return units_to_pick(user=user).filter(pk=initiative.org_unit_id).exists()


def may_evaluate(*, user: User, initiative: Initiative) -> bool:
    return (
        initiative.status == InitiativeStatus.SUBMITTED
        and can(user, Capability.JUDGE_EMULATION)
        and Initiative.objects.filter(initiative_q(user), pk=initiative.pk).exists()
    )


# Lists ------------------------------------------------------------------------------------------------------
def initiative_list(
    *, user: User, year: int | None = None, status: str = "", q: str = "", field: str = ""
) -> QuerySet[Initiative]:
    """The initiatives the user may read, newest first; ``q`` searches the titles."""
    qs = Initiative.objects.filter(initiative_q(user)).select_related("org_unit")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(field=field)
    text = q.strip()
    if text:
        qs = qs.filter(title__icontains=text)
    return qs.annotate(
        author_count=Count("authors", distinct=True), file_count=Count("files", distinct=True)
    ).order_by("-year", "-pk")


def initiative_years(*, user: User) -> list[int]:
    years = set(Initiative.objects.filter(initiative_q(user)).values_list("year", flat=True).distinct())
    years.add(current_year())
    return sorted(years, reverse=True)


def status_counts(*, user: User, year: int | None = None) -> dict[str, int]:
    """How many initiatives of each status the user reads (every status present, 0 when none)."""
    qs = Initiative.objects.filter(initiative_q(user))
    if year:
        qs = qs.filter(year=year)
    counts = dict.fromkeys(InitiativeStatus.values, 0)
    for status, n in qs.values("status").annotate(n=Count("pk")).values_list("status", "n"):
        counts[status] = n
    return counts


# One initiative ---------------------------------------------------------------------------------------------
def access_initiative_by_id(*, user: User, initiative_id: int) -> Initiative:
    found = (
        Initiative.objects.filter(initiative_q(user), pk=initiative_id)
        .select_related("org_unit", "created_by")
        .first()
    )
    if found is None:
        raise NotFound("initiative")
    return found


def access_initiative_file_by_id(*, user: User, file_id: int) -> InitiativeFile:
    found = (
        InitiativeFile.objects.filter(initiative_q(user, "initiative__"), pk=file_id)
        .select_related("initiative", "initiative__org_unit")
        .first()
    )
    if found is None:
        raise NotFound("initiative file")
    return found


def authors(*, initiative: Initiative) -> list[InitiativeAuthor]:
    return list(initiative.authors.select_related("staff", "staff__org_unit").order_by("-share", "pk"))


def files(*, initiative: Initiative) -> list[InitiativeFile]:
    return list(initiative.files.order_by("pk"))


def use_of(*, initiative: Initiative) -> InitiativeUse | None:
    """The commendation the initiative was used as a ground for, if any."""
    return InitiativeUse.objects.filter(initiative=initiative).first()


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    note: str


def history(*, initiative: Initiative) -> list[HistoryEntry]:
    """Who did what to the initiative and when, with the reason given (oldest first)."""
    rows = AuditRecord.objects.filter(target_type=TARGET_TYPE, target_id=str(initiative.pk)).order_by(
        "created_at", "pk"
    )
    return [
        HistoryEntry(
            when=r.created_at,
            who=r.actor.get_full_name() if r.actor is not None else str(SYSTEM),
            action=str(ACTION_LABELS.get(r.action, r.action)),
            note=r.note,
        )
        for r in rows.select_related("actor")
    ]


# For the commendation app -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecognisedInitiative:
    initiative: Initiative
    share: Decimal
    used: bool
    used_for: str

    @property
    def title(self) -> str:
        return self.initiative.title


def recognised_for_staff(*, staff_id: int, year: int | None = None) -> list[RecognisedInitiative]:
    """The recognised initiatives with ``staff_id`` among the authors (``year``: of the recognition
    decision, as the units' rates count them), newest decision first, each with the staff member's share
    and whether (and for what) it was already used as the ground of a commendation."""
    qs = InitiativeAuthor.objects.filter(
        staff_id=staff_id, initiative__status=InitiativeStatus.RECOGNISED
    ).select_related("initiative", "initiative__org_unit", "initiative__use")
    if year:
        qs = qs.filter(initiative__decision_date__year=year)
    result = []
    for author in qs.order_by("-initiative__decision_date", "-initiative_id"):
        use = getattr(author.initiative, "use", None)
        result.append(
            RecognisedInitiative(
                initiative=author.initiative,
                share=author.share,
                used=use is not None,
                used_for=use.used_for if use is not None else "",
            )
        )
    return result
