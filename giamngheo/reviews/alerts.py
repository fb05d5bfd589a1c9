"""Alerts of the review (issue 14): communes whose review is late, in-year requests past their 15 days; and
the weekly digest's sections of the review, the requests, the registry's changes and the user's jobs.

``alerts_scan`` runs daily (the management command ``reviews_alerts`` from cron or a systemd timer, or the
background job ``review_alerts``). It tells:

- the commune officers of the commune: one notification per late review and per overdue request;
- the provincial specialists whose scope holds the commune: one summary per round (late reviews) and one
  summary of the overdue requests of their scope.

Each alert has a key, and a recipient is not told again while the last one is unread or less than
``REMIND_AFTER`` old: running the scan twice the same day tells nobody twice; a request still overdue a
week later is recalled once a week.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability, Role
from giamngheo.accounts.scoping import can
from giamngheo.accounts.selectors import users_covering_areas
from giamngheo.core.text import vi_sort_key
from giamngheo.households.selectors import households_changed_count
from giamngheo.jobs.selectors import job_outcome_counts
from giamngheo.notices.digest import DigestRow, DigestSection, Week, register_section
from giamngheo.notices.models import NoticeKind
from giamngheo.notices.services import notify, site_language

from . import selectors

if TYPE_CHECKING:
    from giamngheo.jobs.models import Job
    from giamngheo.jobs.services import Progress

REMIND_AFTER = dt.timedelta(days=7)
NAMES_LISTED = 10  # communes named in a specialist's summary (then "and N more")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_LISTED])
    more = len(names) - NAMES_LISTED
    if more > 0:
        shown += " " + ngettext("and %(n)s more commune", "and %(n)s more communes", more) % {"n": more}
    return shown


def alerts_scan(*, on: dt.date | None = None) -> dict[str, int]:
    """Tell the officers and specialists about late reviews and overdue requests as of ``on`` (today);
    returns the numbers found and the notifications sent."""
    day = on or timezone.localdate()
    late = selectors.late_commune_reviews(on=day)
    overdue = selectors.overdue_requests(on=day)
    paths = sorted({r.commune_path for r in late} | {r.commune_path for r in overdue})
    officers = users_covering_areas(paths=paths, roles=[Role.COMMUNE_OFFICER])
    specialists = users_covering_areas(paths=paths, roles=[Role.PROVINCIAL_SPECIALIST])
    sent = 0
    with site_language():
        # Late reviews: each commune's officers; each specialist one summary per round.
        per_specialist: dict[tuple[int, int], list[selectors.LateReview]] = defaultdict(list)
        for review in late:
            sent += len(
                notify(
                    recipients=officers.get(review.commune_path, set()),
                    kind=NoticeKind.REVIEW_LATE,
                    title=_("The review of %(commune)s is late") % {"commune": review.commune_name},
                    body=_(
                        "The review round %(year)s ended on %(date)s and the commune has not submitted its "
                        "results to the province yet."
                    )
                    % {"year": review.year, "date": date_format(review.ends_on, "SHORT_DATE_FORMAT")},
                    url=reverse("reviews:commune-review", args=[review.review_id]),
                    key=f"review_late:{review.review_id}",
                    area_id=review.commune_id,
                    remind_after=REMIND_AFTER,
                )
            )
            for user_id in specialists.get(review.commune_path, set()):
                per_specialist[(user_id, review.round_id)].append(review)
        for (user_id, round_id), reviews in per_specialist.items():
            first = reviews[0]
            sent += len(
                notify(
                    recipients=[user_id],
                    kind=NoticeKind.REVIEW_LATE,
                    title=ngettext(
                        "%(n)s commune has not submitted the review %(year)s",
                        "%(n)s communes have not submitted the review %(year)s",
                        len(reviews),
                    )
                    % {"n": len(reviews), "year": first.year},
                    body=_("The round ended on %(date)s. Late: %(names)s.")
                    % {
                        "date": date_format(first.ends_on, "SHORT_DATE_FORMAT"),
                        "names": _names([r.commune_name for r in reviews]),
                    },
                    url=reverse("reviews:round-detail", args=[round_id]),
                    key=f"review_late:round:{round_id}",
                    remind_after=REMIND_AFTER,
                )
            )
        # Overdue requests: each commune's officers per request; each specialist one summary.
        per_officer_list: dict[int, list[selectors.OverdueRequest]] = defaultdict(list)
        for item in overdue:
            sent += len(
                notify(
                    recipients=officers.get(item.commune_path, set()),
                    kind=NoticeKind.REQUEST_OVERDUE,
                    title=_("An in-year request of household %(code)s is past its 15 days")
                    % {"code": item.household_code},
                    body=_("%(commune)s: the decision was due by %(date)s.")
                    % {"commune": item.commune_name, "date": date_format(item.due_on, "SHORT_DATE_FORMAT")},
                    url=reverse("reviews:request-decide", args=[item.request_id]),
                    key=f"request_overdue:{item.request_id}",
                    area_id=item.commune_id,
                    remind_after=REMIND_AFTER,
                )
            )
            for user_id in specialists.get(item.commune_path, set()):
                per_officer_list[user_id].append(item)
        for user_id, items in per_officer_list.items():
            communes = sorted({i.commune_name for i in items}, key=vi_sort_key)
            sent += len(
                notify(
                    recipients=[user_id],
                    kind=NoticeKind.REQUEST_OVERDUE,
                    title=ngettext(
                        "%(n)s in-year request is past its 15 days",
                        "%(n)s in-year requests are past their 15 days",
                        len(items),
                    )
                    % {"n": len(items)},
                    body=_("Communes: %(names)s.") % {"names": _names(communes)},
                    url=reverse("reviews:request-list") + "?state=overdue",
                    key="request_overdue:summary",
                    remind_after=REMIND_AFTER,
                )
            )
    return {"late_reviews": len(late), "overdue_requests": len(overdue), "notifications": sent}


def review_alerts(job: Job, progress: Progress) -> dict[str, Any]:
    """The background job ``review_alerts`` (``jobs.registry``)."""
    progress.start(_("Looking for late reviews and overdue requests"), 1)
    summary = alerts_scan()
    progress.advance(1)
    return summary


# The weekly digest ---------------------------------------------------------------------------------------


def _bounds(week: Week) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week.start, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(week.after, dt.time.min))


def review_section(user: User, week: Week) -> DigestSection | None:
    if not can(user, Capability.VIEW_TABLES):
        return None
    progress = selectors.review_week(user=user, start=week.start, end=week.end)
    rows_url = reverse("reviews:round-list")
    if progress is None:
        return DigestSection(key="reviews", title=_("Periodic review"), note=_("No review round is open."))
    return DigestSection(
        key="reviews",
        title=_("Periodic review"),
        rows=[
            DigestRow(_("Communes in the open round"), progress.communes, url=rows_url),
            DigestRow(_("Communes that submitted (in all)"), progress.submitted),
            DigestRow(_("Communes that submitted this week"), progress.submitted_in_week),
            DigestRow(_("Communes late (past the round's end date)"), progress.late, warn=True),
        ],
    )


def request_section(user: User, week: Week) -> DigestSection | None:
    if not can(user, Capability.VIEW_TABLES):
        return None
    counts = selectors.request_week(user=user, start=week.start, end=week.end)
    # the list shows households: linked only for those who may see them
    url = reverse("reviews:request-list") if can(user, Capability.VIEW_HOUSEHOLDS) else ""
    return DigestSection(
        key="requests",
        title=_("In-year requests"),
        rows=[
            DigestRow(_("Requests received"), counts["received"], url=url),
            DigestRow(_("Requests decided"), counts["decided"]),
            DigestRow(
                _("Requests past their 15 days without a decision"),
                counts["overdue"],
                url=f"{url}?state=overdue" if url else "",
                warn=True,
            ),
        ],
    )


def registry_section(user: User, week: Week) -> DigestSection | None:
    if not can(user, Capability.VIEW_TABLES):
        return None
    start, end = _bounds(week)
    return DigestSection(
        key="registry",
        title=_("Household registry"),
        rows=[
            DigestRow(
                _("Households created or changed"),
                households_changed_count(user=user, start=start, end=end),
                note=_("Forms, imports and review decisions"),
            )
        ],
    )


def job_section(user: User, week: Week) -> DigestSection | None:
    start, end = _bounds(week)
    counts = job_outcome_counts(user=user, start=start, end=end)
    if not counts["succeeded"] and not counts["failed"]:
        return None
    url = reverse("jobs:job-list")
    return DigestSection(
        key="jobs",
        title=_("Your background jobs"),
        rows=[
            DigestRow(_("Jobs finished"), counts["succeeded"], url=url),
            DigestRow(_("Jobs failed"), counts["failed"], url=url, warn=True),
        ],
    )


def register() -> None:
    """Called by ``ReviewsConfig.ready``: the job kind and the digest's sections of the review (and of the
    registry and the jobs, which sit below the review and cannot register into ``notices`` themselves
    without an app config of their own doing it)."""
    from django.utils.translation import gettext_lazy

    from giamngheo.jobs.models import JobKind
    from giamngheo.jobs.registry import register as register_job

    register_job(
        JobKind.REVIEW_ALERTS, review_alerts, label=gettext_lazy("Alerts of late reviews and requests")
    )
    register_section("reviews", review_section, order=10)
    register_section("requests", request_section, order=20)
    register_section("registry", registry_section, order=30)
    register_section("jobs", job_section, order=60)
