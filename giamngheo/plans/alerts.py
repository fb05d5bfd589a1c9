"""Alerts of the plans (issue 14): targets at risk or off track; and the weekly digest's "targets" section.

``alerts_scan`` runs daily (the management command ``plans_alerts`` from cron or a systemd timer, or the
background job ``plan_alerts``). For each target of the plans in force this year it measures the target
in its province (``selectors.target_card`` with the province's thresholds, as the plan's page does) and,
when the status is "at risk" or "off track", tells:

- the users of the target's responsible unit (org scope holding the unit: the unit head, the department
  office, the department's leaders);
- the provincial specialists and leaders whose area scope holds the province.

The key names the target, the period measured and the status: a recipient is told once per period and
status (``REMIND_AFTER`` spans a year), so running the scan every day tells nobody twice; a target that
moves from "at risk" to "off track" is told again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability, Role
from giamngheo.accounts.scoping import can
from giamngheo.accounts.selectors import users_covering_areas
from giamngheo.notices.digest import DigestRow, DigestSection, Week, register_section
from giamngheo.notices.models import NoticeKind
from giamngheo.notices.services import notify, site_language

from . import indicators as ind
from . import selectors

if TYPE_CHECKING:
    from giamngheo.jobs.models import Job
    from giamngheo.jobs.services import Progress

REMIND_AFTER = dt.timedelta(days=366)  # once per period and status
UNIT_ROLES = (Role.UNIT_HEAD, Role.DEPARTMENT_OFFICE, Role.PROVINCIAL_SPECIALIST, Role.VIEWER)
PROVINCE_ROLES = (Role.PROVINCIAL_SPECIALIST, Role.VIEWER)
DIGEST_ROWS = 10  # targets listed in the digest (then the count of the others)


def _value(value: Any, unit: str) -> str:
    if value is None:
        return _("no data yet")
    return f"{number_format(value, decimal_pos=2 if value % 1 else 0, use_l10n=True)} {unit}".strip()


def actual_vs_target(card: selectors.TargetCard) -> str:
    """ "actual 4,1 % (2025) / target 3,5 %" in the site's formats."""
    measured = f" ({card.measured_year})" if card.measured_year else ""
    return _("actual %(actual)s%(year)s / target %(target)s") % {
        "actual": _value(card.actual, card.unit),
        "year": measured,
        "target": _value(card.target_value, card.unit),
    }


def alerts_scan(*, on: dt.date | None = None) -> dict[str, int]:
    """Tell the responsible units and the province's specialists and leaders about the targets at risk or
    off track as of ``on`` (today); returns the numbers found and the notifications sent."""
    day = on or timezone.localdate()
    year = day.year
    found = sent = 0
    cache: selectors.InputsCache = {}
    with site_language():
        for target in selectors.current_targets(year=year):
            province = target.plan.province
            card = selectors.target_card(
                user=None, target=target, area=province, year=year, inputs_cache=cache
            )
            if card.status not in selectors.WARN_STATUSES:
                continue
            found += 1
            recipients: set[int] = set()
            if target.responsible_unit is not None:
                recipients |= selectors.org_unit_user_ids(unit=target.responsible_unit, roles=UNIT_ROLES)
            covering = users_covering_areas(paths=[province.path], roles=list(PROVINCE_ROLES))
            recipients |= covering.get(province.path, set())
            status_label = _(ind.STATUS_NAMES[card.status])
            period = card.measured_year or year
            sent += len(
                notify(
                    recipients=recipients,
                    kind=NoticeKind.TARGET_AT_RISK,
                    title=_("%(status)s: %(name)s") % {"status": status_label, "name": target.name},
                    body=_("%(plan)s, %(province)s: %(figures)s; deadline %(deadline)s.")
                    % {
                        "plan": target.plan.title,
                        "province": province.name,
                        "figures": actual_vs_target(card),
                        "deadline": date_format(target.deadline, "SHORT_DATE_FORMAT"),
                    },
                    url=reverse("plans:plan-detail", args=[target.plan_id]),
                    key=f"target_risk:{target.pk}:{period}:{card.status}",
                    area_id=province.pk,
                    remind_after=REMIND_AFTER,
                )
            )
    return {"targets": found, "notifications": sent}


def plan_alerts(job: Job, progress: Progress) -> dict[str, Any]:
    """The background job ``plan_alerts`` (``jobs.registry``)."""
    progress.start(_("Looking for targets at risk"), 1)
    summary = alerts_scan()
    progress.advance(1)
    return summary


# The weekly digest ---------------------------------------------------------------------------------------
def target_section(user: User, week: Week) -> DigestSection | None:
    """The targets of the user's scope off track or at risk in the week's year, with actual vs target."""
    if not can(user, Capability.VIEW_TABLES):
        return None
    cards = selectors.targets_needing_attention(user=user, year=week.end.year)
    title = _("Targets of the plans")
    if not cards:
        return DigestSection(
            key="targets", title=title, note=_("No target of your scope is at risk or off track.")
        )
    rows = [
        DigestRow(
            f"{c.target.name} · {c.area.name} ({c.status_label})",
            None,
            url=reverse("plans:plan-detail", args=[c.target.plan_id]),
            note=actual_vs_target(c),
            warn=True,
        )
        for c in cards[:DIGEST_ROWS]
    ]
    off = sum(1 for c in cards if c.status == ind.Status.OFF_TRACK)
    note = _("%(off)s off track, %(risk)s at risk.") % {"off": off, "risk": len(cards) - off}
    return DigestSection(key="targets", title=title, rows=rows, note=note)


def register() -> None:
    """Called by ``PlansConfig.ready``: the job kind and the digest's "targets" section."""
    from django.utils.translation import gettext_lazy

    from giamngheo.jobs.models import JobKind
    from giamngheo.jobs.registry import register as register_job

    register_job(JobKind.PLAN_ALERTS, plan_alerts, label=gettext_lazy("Alerts of targets at risk"))
    register_section("targets", target_section, order=5)
