"""Initiatives as the ground of a commendation (Law 06/2022 Art. 23; an initiative is used once only): the
initiatives app's own read (``initiatives.selectors.recognised_for_staff``) and writes
(``initiatives.services.initiative_use`` / ``initiative_release``), seen from a proposal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from giamngheo.accounts.scoping import can
from giamngheo.initiatives import selectors as initiative_selectors
from giamngheo.initiatives import services as initiative_services
from giamngheo.initiatives.models import Initiative, InitiativeUse
from giamngheo.initiatives.services import USERS_OF_INITIATIVES

if TYPE_CHECKING:
    from giamngheo.accounts.models import User
    from giamngheo.org.models import Staff

USER_KIND = "commendation.proposal"


def _free(initiative: Initiative, proposal_id: int | None) -> bool:
    use: InitiativeUse | None = getattr(initiative, "use", None)
    return use is None or (use.user_kind == USER_KIND and use.user_id == proposal_id)


def recognised_for_staff(*, staff_ids: list[int], proposal_id: int | None = None) -> list[Initiative]:
    """Recognised initiatives of which one of these staff members is an author, not yet used as the ground
    of a commendation (or used by this proposal), newest first."""
    found: dict[int, Initiative] = {}
    for staff_id in staff_ids:
        for row in initiative_selectors.recognised_for_staff(staff_id=staff_id):
            if _free(row.initiative, proposal_id):
                found.setdefault(row.initiative.pk, row.initiative)
    return sorted(found.values(), key=lambda i: (i.decision_date or i.created_at.date(), i.pk), reverse=True)


def initiative_free_for(*, initiative: Initiative, staff: Staff, proposal_id: int | None) -> bool:
    return any(
        i.pk == initiative.pk for i in recognised_for_staff(staff_ids=[staff.pk], proposal_id=proposal_id)
    )


def initiative_use(
    *, initiative: Initiative, proposal_id: int, used_for: str, acting_user: User | None
) -> InitiativeUse:
    """Take the initiative as this proposal's ground; refused when another commendation used it."""
    return initiative_services.initiative_use(
        initiative=initiative,
        used_for=used_for,
        user_kind=USER_KIND,
        user_id=proposal_id,
        acting_user=acting_user,
    )


def initiative_release(*, proposal_id: int, acting_user: User | None = None) -> int:
    """Free the initiative a proposal that was not approved (or changed its ground) had taken. A council
    member recording the vote is not a user of initiatives: the release is then the system's, and the vote's
    audit record names who."""
    if acting_user is not None and not any(can(acting_user, c) for c in USERS_OF_INITIATIVES):
        acting_user = None
    return initiative_services.initiative_release(
        user_kind=USER_KIND, user_id=proposal_id, acting_user=acting_user
    )
