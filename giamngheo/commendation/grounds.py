"""Initiatives as the ground of a commendation (Law 06/2022 Art. 23; an initiative is used once only).

The initiatives app's own selectors and services (``recognised_for_staff``, ``initiative_use``) were not
merged when this was written: these two small functions read ``initiatives.Initiative`` and write the one
``InitiativeUse`` row with the same rule (the database's one-to-one keeps it to one use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from giamngheo.core.errors import ValidationFailed
from giamngheo.initiatives.models import Initiative, InitiativeStatus, InitiativeUse

if TYPE_CHECKING:
    from giamngheo.accounts.models import User
    from giamngheo.org.models import Staff

USER_KIND = "commendation.proposal"


def recognised_for_staff(*, staff_ids: list[int], proposal_id: int | None = None) -> QuerySet[Initiative]:
    """Recognised initiatives of which one of these staff members is an author, not yet used as the ground
    of a commendation (or used by this proposal)."""
    free = Q(use__isnull=True)
    if proposal_id is not None:
        free |= Q(use__user_kind=USER_KIND, use__user_id=proposal_id)
    return (
        Initiative.objects.filter(status=InitiativeStatus.RECOGNISED, authors__staff_id__in=staff_ids)
        .filter(free)
        .distinct()
        .order_by("-decision_date", "title")
    )


def initiative_free_for(*, initiative: Initiative, staff: Staff, proposal_id: int | None) -> bool:
    return (
        recognised_for_staff(staff_ids=[staff.pk], proposal_id=proposal_id).filter(pk=initiative.pk).exists()
    )


def initiative_use(
    *, initiative: Initiative, proposal_id: int, used_for: str, acting_user: User | None
) -> InitiativeUse:
    """Take the initiative as this proposal's ground; refused when another commendation used it."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status != InitiativeStatus.RECOGNISED:
        raise ValidationFailed(_("The initiative is not recognised."), extra={"field": "initiative"})
    existing = InitiativeUse.objects.filter(initiative=locked).first()
    if existing is not None:
        if existing.user_kind == USER_KIND and existing.user_id == proposal_id:
            return existing
        raise ValidationFailed(
            _("The initiative was already used as the ground of another commendation (%(what)s).")
            % {"what": existing.used_for},
            extra={"field": "initiative"},
        )
    return InitiativeUse.objects.create(
        initiative=locked,
        used_for=used_for[:255],
        user_kind=USER_KIND,
        user_id=proposal_id,
        used_by=acting_user if acting_user is not None and acting_user.pk else None,
    )


def initiative_release(*, proposal_id: int) -> int:
    """Free the initiative a proposal that was not approved had taken."""
    deleted, _rows = InitiativeUse.objects.filter(user_kind=USER_KIND, user_id=proposal_id).delete()
    return deleted
