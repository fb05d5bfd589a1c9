"""Reads of vocational training and job placement, always scoped to the user (``accounts.scoping``).

Who sees what: a course or a session belongs to the unit where it is held (a commune, or the province);
a user sees those held in their scope. A trainee is seen with their course, and also by the users whose
scope holds the trainee's commune (a commune officer sees their commune's people enrolled in a course of the
province). The placement rates and the indicator count the trainees by their commune.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone

from giamngheo.accounts.scoping import area_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import vi_sort_key
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Member
from giamngheo.households.selectors import HouseholdFilters, household_list

from .models import Course, JobSession, Placement, Trainee

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

# The input keys of ``plans.indicators`` (``plans`` is above this app: the same strings, never an import).
TRAINEES_COMPLETED = "trainees_completed"
TRAINEES_EMPLOYED = "trainees_employed"
PLACEMENT_MONTHS = 6
MEMBER_RESULTS = 20


def placement_deadline(ends_on: dt.date) -> dt.date:
    """The last day a trainee of a course ending on ``ends_on`` counts as placed within 6 months."""
    deadline: dt.date = ends_on + relativedelta(months=PLACEMENT_MONTHS)
    return deadline


def is_placed(
    *, completed: bool | None, employed_6m: bool | None, employed_on: dt.date | None, ends_on: dt.date
) -> bool:
    """Placed: completed, employed within 6 months, and not employed on a date after the 6 months."""
    if completed is not True or employed_6m is not True:
        return False
    return employed_on is None or employed_on <= placement_deadline(ends_on)


def late_employment(trainee: Trainee) -> bool:
    """An "employed on" date after the 6 months: recorded, not counted as placed within 6 months."""
    return trainee.employed_on is not None and trainee.employed_on > placement_deadline(
        trainee.course.ends_on
    )


# Scope ----------------------------------------------------------------------------------------------------
def course_q(user: User) -> Q:
    return area_q(user, "area__path")


def trainee_q(user: User) -> Q:
    return area_q(user, "course__area__path") | area_q(user, "commune__path")


def places_to_pick(*, user: User) -> list[Area]:
    """Where a course or session may be held: the provinces of the scope, then its communes."""
    areas = Area.objects.filter(
        area_q(user), is_active=True, level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE]
    )
    provinces = sorted((a for a in areas if a.level == AreaLevel.PROVINCE), key=lambda a: a.path)
    communes = sorted((a for a in areas if a.level == AreaLevel.COMMUNE), key=lambda a: vi_sort_key(a.name))
    return [*provinces, *communes]


def communes_to_choose(*, user: User) -> list[Area]:
    areas = Area.objects.filter(area_q(user), is_active=True, level=AreaLevel.COMMUNE)
    return sorted(areas, key=lambda a: vi_sort_key(a.name))


# Courses ---------------------------------------------------------------------------------------------------
def course_list(
    *, user: User, q: str = "", year: int | None = None, trade: str = "", commune_id: int | None = None
) -> QuerySet[Course]:
    qs = Course.objects.filter(course_q(user)).select_related("area")
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(trade__icontains=term) | Q(organiser__icontains=term))
    if year is not None:
        qs = qs.filter(ends_on__year=year)
    if trade.strip():
        qs = qs.filter(trade__iexact=trade.strip())
    if commune_id is not None:
        qs = qs.filter(area_id=commune_id)
    return qs.order_by("-ends_on", "trade", "pk")


def access_course_by_id(*, user: User, course_id: int) -> Course:
    course = Course.objects.filter(course_q(user), pk=course_id).select_related("area").first()
    if course is None:
        raise NotFound("course")
    return course


def trades(*, user: User) -> list[str]:
    """The trades already used (for the form's datalist), in Vietnamese order."""
    names = set(Course.objects.filter(course_q(user)).values_list("trade", flat=True).distinct())
    return sorted(names, key=vi_sort_key)


def course_years(*, user: User) -> list[int]:
    years = {d.year for d in Course.objects.filter(course_q(user)).dates("ends_on", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# Trainees --------------------------------------------------------------------------------------------------
def trainee_list(
    *,
    user: User,
    course: Course | None = None,
    q: str = "",
    background: str = "",
    year: int | None = None,
    outcome: str = "",
) -> QuerySet[Trainee]:
    qs = Trainee.objects.filter(trainee_q(user)).select_related("course", "course__area", "commune")
    if course is not None:
        qs = qs.filter(course=course)
    if q.strip():
        qs = qs.filter(Q(full_name__icontains=q.strip()) | Q(course__trade__icontains=q.strip()))
    if background:
        qs = qs.filter(background=background)
    if year is not None:
        qs = qs.filter(course__ends_on__year=year)
    if outcome == "employed":
        qs = qs.filter(employed_6m=True)
    elif outcome == "unknown":
        qs = qs.filter(Q(completed__isnull=True) | Q(completed=True, employed_6m__isnull=True))
    elif outcome == "export":
        qs = qs.exclude(export_country="")
    return qs.order_by("course__trade", "full_name", "pk")


def access_trainee_by_id(*, user: User, trainee_id: int) -> Trainee:
    trainee = (
        Trainee.objects.filter(trainee_q(user), pk=trainee_id)
        .select_related("course", "course__area", "commune")
        .first()
    )
    if trainee is None:
        raise NotFound("trainee")
    return trainee


def members_to_enrol(*, user: User, query: str, limit: int = MEMBER_RESULTS) -> list[Member]:
    """Members of the registry's households of the user's scope found by the search box."""
    if not query.strip():
        return []
    households = household_list(user=user, filters=HouseholdFilters(q=query)).values("pk")[:limit]
    return list(
        Member.objects.filter(household_id__in=households, is_active=True)
        .select_related("household", "household__commune")
        .order_by("household__code", "date_of_birth", "pk")[: limit * 4]
    )


def access_member_by_id(*, user: User, member_id: int) -> Member:
    """An active member of a household the user sees (the registry's scope)."""
    visible = household_list(user=user).values("pk")
    member = (
        Member.objects.filter(pk=member_id, is_active=True, household_id__in=visible)
        .select_related("household", "household__commune")
        .first()
    )
    if member is None:
        raise NotFound("member")
    return member


# Sessions -------------------------------------------------------------------------------------------------
def session_list(*, user: User, q: str = "", year: int | None = None, kind: str = "") -> QuerySet[JobSession]:
    qs = JobSession.objects.filter(area_q(user, "area__path")).select_related("area")
    if q.strip():
        qs = qs.filter(Q(place__icontains=q.strip()) | Q(organiser__icontains=q.strip()))
    if year is not None:
        qs = qs.filter(held_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-held_on", "pk")


def access_session_by_id(*, user: User, session_id: int) -> JobSession:
    session = (
        JobSession.objects.filter(area_q(user, "area__path"), pk=session_id).select_related("area").first()
    )
    if session is None:
        raise NotFound("session")
    return session


def placement_list(*, user: User, session: JobSession) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(area_q(user, "session__area__path"), session=session)
        .select_related("commune")
        .order_by("full_name", "pk")
    )


def access_placement_by_id(*, user: User, placement_id: int) -> Placement:
    placement = (
        Placement.objects.filter(area_q(user, "session__area__path"), pk=placement_id)
        .select_related("session")
        .first()
    )
    if placement is None:
        raise NotFound("placement")
    return placement


def trainees_to_place(*, user: User, session: JobSession) -> list[Trainee]:
    """Trainees of the session's unit (their commune under it) not yet placed through the session."""
    taken = Placement.objects.filter(session=session, trainee__isnull=False).values("trainee_id")
    return list(
        Trainee.objects.filter(trainee_q(user), commune__path__startswith=session.area.path)
        .exclude(pk__in=taken)
        .select_related("course")
        .order_by("full_name", "pk")[:200]
    )


# Placement rates -------------------------------------------------------------------------------------------
@dataclass
class RateRow:
    label: str
    trainees: int = 0
    completed: int = 0
    employed: int = 0
    key: object = None

    @property
    def rate(self) -> Decimal | None:
        """Employed within 6 months ÷ completed, in %, one decimal (None when nobody completed)."""
        if not self.completed:
            return None
        return (Decimal(self.employed) * 100 / Decimal(self.completed)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


@dataclass
class RateTable:
    rows: list[RateRow] = field(default_factory=list)
    total: RateRow = field(default_factory=lambda: RateRow(label=""))


@dataclass(frozen=True)
class _Line:
    course_id: int
    course_label: str
    trade: str
    commune: str
    completed: bool
    placed: bool


def _lines(trainees: Iterable[Trainee]) -> list[_Line]:
    return [
        _Line(
            course_id=t.course_id,
            course_label=f"{t.course.trade} · {t.course.area.name} · {t.course.ends_on:%d/%m/%Y}",
            trade=t.course.trade,
            commune=t.commune.name,
            completed=t.completed is True,
            placed=is_placed(
                completed=t.completed,
                employed_6m=t.employed_6m,
                employed_on=t.employed_on,
                ends_on=t.course.ends_on,
            ),
        )
        for t in trainees
    ]


def placement_rates(*, user: User, year: int, by: str) -> RateTable:
    """Per course, trade or commune (of the trainee): trainees, completed, employed within 6 months and the
    rate, for the courses that ended in ``year``; the total is the sum of the rows."""
    trainees = Trainee.objects.filter(trainee_q(user), course__ends_on__year=year).select_related(
        "course", "course__area", "commune"
    )
    rows: dict[object, RateRow] = {}
    for line in _lines(trainees):
        if by == "trade":
            key: object = line.trade.casefold()
            label = line.trade
        elif by == "commune":
            key, label = line.commune, line.commune
        else:
            key, label = line.course_id, line.course_label
        row = rows.setdefault(key, RateRow(label=label, key=key))
        row.trainees += 1
        row.completed += int(line.completed)
        row.employed += int(line.placed)
    ordered = sorted(rows.values(), key=lambda r: vi_sort_key(r.label))
    total = RateRow(
        label="",
        trainees=sum(r.trainees for r in ordered),
        completed=sum(r.completed for r in ordered),
        employed=sum(r.employed for r in ordered),
    )
    return RateTable(rows=ordered, total=total)


# Indicator inputs -------------------------------------------------------------------------------------------
def indicator_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    """Trainees (of the area's communes) who completed a course ended in ``year``, and of them those employed
    within 6 months. Absent when no course ended there that year (unknown, never 0)."""
    if area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE):
        return {}
    courses = Course.objects.filter(ends_on__year=year)
    trainees = Trainee.objects.filter(course__ends_on__year=year, commune__path__startswith=area.path)
    if user is not None:
        courses = courses.filter(course_q(user))
        trainees = trainees.filter(trainee_q(user))
    ended_here = courses.filter(area__path__startswith=area.path).exists() or trainees.exists()
    if not ended_here:
        return {}
    completed = employed = 0
    for done, employed_6m, employed_on, ends_on in trainees.values_list(
        "completed", "employed_6m", "employed_on", "course__ends_on"
    ):
        completed += int(done is True)
        employed += int(
            is_placed(completed=done, employed_6m=employed_6m, employed_on=employed_on, ends_on=ends_on)
        )
    return {TRAINEES_COMPLETED: completed, TRAINEES_EMPLOYED: employed}
