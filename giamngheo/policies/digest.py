"""The weekly digest's section of support delivered (``notices.digest``; registered in
``PoliciesConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.notices.digest import DigestRow, DigestSection, Week

from .selectors import support_added_counts


def support_section(user: User, week: Week) -> DigestSection | None:
    if not can(user, Capability.VIEW_TABLES):
        return None
    start = timezone.make_aware(dt.datetime.combine(week.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(week.after, dt.time.min))
    counts = support_added_counts(user=user, start=start, end=end)
    return DigestSection(
        key="support",
        title=_("Support delivered"),
        rows=[
            DigestRow(
                _("Support records entered"),
                counts["records"],
                # the list shows households: linked only for those who may see them
                url=reverse("policies:support-list") if can(user, Capability.VIEW_HOUSEHOLDS) else "",
            ),
            DigestRow(_("Households that received support"), counts["households"]),
        ],
    )
