"""Reads of officer training, scoped with ``accounts.scoping``: officers by their commune's path (the
department's staff see the officers of their department's province), courses by their province (seen by
everyone whose scope lies in it: a commune officer adds their commune's officers to the province's
courses), attendances through their officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from giamngheo.accounts.scoping import area_ancestor_q, area_q, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold, vi_sort_key
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit

from .choices import OFFICERS_ACTIVE, OFFICERS_TRAINED
from .models import Attendance, Course, Officer

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

_PROVINCES_CACHE = "_training_province_ids"
HUNDRED = Decimal(100)


# Scope ------------------------------------------------------------------------------------------------------
def org_province_ids(*, user: User) -> set[int]:
    """Provinces of the org units of the user's org scope (the department's staff see its province)."""
    cached: set[int] | None = getattr(user, _PROVINCES_CACHE, None)
    if cached is not None:
        return cached
    ids = set(
        OrgUnit.objects.filter(org_q(user, "path", None), area__level=AreaLevel.PROVINCE).values_list(
            "area_id", flat=True
        )
    )
    setattr(user, _PROVINCES_CACHE, ids)
    return ids


def officer_q(user: User, prefix: str = "") -> Q:
    """The officers the user sees (``prefix``: the path to the officer, e.g. ``"officer__"``)."""
    return area_q(user, f"{prefix}commune__path") | Q(
        **{f"{prefix}commune__parent_id__in": org_province_ids(user=user)}
    )


def course_q(user: User) -> Q:
    """The courses the user sees: those of a province in, above or of the user's scope."""
    return (
        area_q(user, "province__path")
        | area_ancestor_q(user, "province__path")
        | Q(province_id__in=org_province_ids(user=user))
    )


def whole_province_ids(*, user: User) -> set[int]:
    """Provinces whose courses the user may create and edit (the province in their area scope)."""
    return set(Area.objects.filter(area_q(user), level=AreaLevel.PROVINCE).values_list("pk", flat=True))


def provinces_to_pick(*, user: User) -> list[Area]:
    return list(Area.objects.filter(pk__in=whole_province_ids(user=user), is_active=True).order_by("path"))


def province_of_scope(*, user: User) -> Area | None:
    """The province the user's pages are about: the first one they see, whole or in part."""
    return (
        Area.objects.filter(
            area_q(user) | area_ancestor_q(user) | Q(pk__in=org_province_ids(user=user)),
            level=AreaLevel.PROVINCE,
            is_active=True,
        )
        .order_by("path")
        .first()
    )


# Officers ---------------------------------------------------------------------------------------------------
def active_in_q(year: int, prefix: str = "") -> Q:
    """In post at some point of ``year``: since ≤ 31/12, left on empty or ≥ 1/1."""
    return Q(**{f"{prefix}since__lte": dt.date(year, 12, 31)}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": dt.date(year, 1, 1)})
    )


def active_on_q(day: dt.date) -> Q:
    return Q(since__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


def officer_list(
    *,
    user: User,
    q: str = "",
    commune_id: int | None = None,
    active: str = "",
    today: dt.date | None = None,
) -> QuerySet[Officer]:
    """The officers the user sees, by name; ``q`` searches the folded name; ``active``: "1" in post
    today, "0" left."""
    qs = Officer.objects.filter(officer_q(user)).select_related("commune", "village")
    if q.strip():
        qs = qs.filter(name_folded__contains=fold(q))
    if commune_id is not None:
        qs = qs.filter(commune_id=commune_id)
    day = today or timezone.localdate()
    if active == "1":
        qs = qs.filter(active_on_q(day))
    elif active == "0":
        qs = qs.exclude(active_on_q(day))
    return qs.order_by("commune__name", "name_folded", "pk")


def access_officer_by_id(*, user: User, officer_id: int) -> Officer:
    officer = (
        Officer.objects.filter(officer_q(user), pk=officer_id).select_related("commune", "village").first()
    )
    if officer is None:
        raise NotFound("officer")
    return officer


def officers_by_folded_name(*, commune: Area) -> dict[str, list[Officer]]:
    """The officers of a commune by folded name (the attendance import matches rows with them)."""
    found: dict[str, list[Officer]] = {}
    for officer in Officer.objects.filter(commune=commune).order_by("pk"):
        found.setdefault(officer.name_folded, []).append(officer)
    return found


def attendances_of_officer(*, user: User, officer: Officer) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(officer_q(user, "officer__"), officer=officer)
        .filter(course__in=Course.objects.filter(course_q(user)))
        .select_related("course")
        .order_by("-course__start_date")
    )


# Courses ----------------------------------------------------------------------------------------------------
def course_list(*, user: User, q: str = "", year: int | None = None) -> QuerySet[Course]:
    qs = Course.objects.filter(course_q(user)).select_related("province", "org_unit")
    if q.strip():
        qs = qs.filter(title__icontains=q.strip())
    if year is not None:
        qs = qs.filter(end_date__year=year)
    return qs.annotate(
        attendees=Count("attendances", filter=officer_q(user, "attendances__officer__"))
    ).order_by("-start_date", "-pk")


def access_course_by_id(*, user: User, course_id: int) -> Course:
    course = (
        Course.objects.filter(course_q(user), pk=course_id).select_related("province", "org_unit").first()
    )
    if course is None:
        raise NotFound("course")
    return course


def course_years(*, user: User) -> list[int]:
    years = {d.year for d in Course.objects.filter(course_q(user)).dates("end_date", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def attendance_list(*, user: User, course: Course) -> QuerySet[Attendance]:
    """The attendances of the course whose officer the user sees."""
    return (
        Attendance.objects.filter(officer_q(user, "officer__"), course=course)
        .select_related("officer", "officer__commune")
        .order_by("officer__commune__name", "officer__name_folded", "pk")
    )


def access_attendance_by_id(*, user: User, attendance_id: int) -> Attendance:
    attendance = (
        Attendance.objects.filter(officer_q(user, "officer__"), pk=attendance_id)
        .filter(course__in=Course.objects.filter(course_q(user)))
        .select_related("course", "officer", "officer__commune")
        .first()
    )
    if attendance is None:
        raise NotFound("attendance")
    return attendance


def officers_to_add(*, user: User, course: Course) -> list[Officer]:
    """Officers the user sees, in the course's province and in post during the course, not yet in it."""
    qs = (
        Officer.objects.filter(officer_q(user), commune__parent_id=course.province_id)
        .filter(since__lte=course.end_date)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=course.start_date))
        .exclude(attendances__course=course)
        .select_related("commune")
    )
    return sorted(qs, key=lambda o: (vi_sort_key(o.commune.name), vi_sort_key(o.full_name), o.pk))


def org_units_to_pick(*, user: User, province: Area | None) -> list[OrgUnit]:
    if province is None:
        return []
    qs = OrgUnit.objects.filter(org_q(user, "path") | Q(area_id__in=whole_province_ids(user=user)))
    return list(qs.filter(area=province).order_by("path"))


# Shares -----------------------------------------------------------------------------------------------------
def trained_q(year: int, prefix: str = "") -> Q:
    """Completed a course whose end date falls in ``year`` (completion unknown is not completed)."""
    done = Attendance.objects.filter(
        officer_id=OuterRef(f"{prefix}pk" if prefix else "pk"),
        completed=True,
        course__end_date__year=year,
    )
    return Q(Exists(done))


@dataclass(frozen=True)
class ShareRow:
    commune: Area
    active: int
    trained: int

    @property
    def untrained(self) -> int:
        return self.active - self.trained

    @property
    def share(self) -> Decimal | None:
        return percent(self.trained, self.active)


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Shares:
    year: int
    rows: list[ShareRow]

    @property
    def active(self) -> int:
        return sum(r.active for r in self.rows)

    @property
    def trained(self) -> int:
        return sum(r.trained for r in self.rows)

    @property
    def untrained(self) -> int:
        return self.active - self.trained

    @property
    def share(self) -> Decimal | None:
        return percent(self.trained, self.active)


def communes_of_scope(*, user: User, province: Area | None) -> list[Area]:
    """The active communes the user sees (of ``province`` if given), in Vietnamese order."""
    qs = Area.objects.filter(
        area_q(user, "path") | Q(parent_id__in=org_province_ids(user=user)),
        level=AreaLevel.COMMUNE,
        is_active=True,
    )
    if province is not None:
        qs = qs.filter(parent=province)
    return sorted(qs, key=lambda a: vi_sort_key(a.name))


def _counts(officers: QuerySet[Officer], year: int) -> dict[int, tuple[int, int]]:
    rows = (
        officers.filter(active_in_q(year))
        .values("commune_id")
        .annotate(active=Count("pk"), trained=Count("pk", filter=trained_q(year)))
    )
    return {r["commune_id"]: (r["active"], r["trained"]) for r in rows}


def shares(*, user: User, year: int, province: Area | None = None) -> Shares:
    """One row per commune the user sees (active officers, of them trained in ``year``); the total is the
    sum of the rows."""
    communes = communes_of_scope(user=user, province=province)
    counts = _counts(Officer.objects.filter(officer_q(user), commune__in=communes), year)
    return Shares(
        year=year,
        rows=[ShareRow(c, *counts.get(c.pk, (0, 0))) for c in communes],
    )


def untrained_list(
    *, user: User, year: int, commune_id: int | None = None, province: Area | None = None
) -> QuerySet[Officer]:
    """Active officers of ``year`` the user sees who completed no course ended in ``year``."""
    qs = Officer.objects.filter(officer_q(user)).filter(active_in_q(year)).exclude(trained_q(year))
    if province is not None:
        qs = qs.filter(commune__parent=province)
    if commune_id is not None:
        qs = qs.filter(commune_id=commune_id)
    return qs.select_related("commune", "village").order_by("commune__name", "name_folded", "pk")


def indicator_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    """``officers_active`` / ``officers_trained`` of a province (its communes) or a commune in ``year``;
    absent (unknown, never 0) when no officer is recorded there or when the province recorded no course
    ending in ``year`` (training was not recorded that year: "0 % trained" would be a default, not a
    fact); a village: absent (officers are kept per commune)."""
    qs = Officer.objects.all()
    if user is not None:
        qs = qs.filter(officer_q(user))
    if area.level == AreaLevel.PROVINCE:
        qs = qs.filter(commune__parent=area)
    elif area.level == AreaLevel.COMMUNE:
        qs = qs.filter(commune=area)
    else:
        return {}
    province_id = area.pk if area.level == AreaLevel.PROVINCE else area.parent_id
    if not qs.exists() or not Course.objects.filter(province_id=province_id, end_date__year=year).exists():
        return {}
    active = qs.filter(active_in_q(year))
    return {
        OFFICERS_ACTIVE: active.count(),
        OFFICERS_TRAINED: active.filter(trained_q(year)).count(),
    }
