"""Writes of vocational training and job placement: keyword-only, atomic, audited, versioned where a form
edits a row. ``MANAGE_VOCATION`` within the user's scope (the unit where the course or session is held)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Member
from giamngheo.households.reference import Category
from giamngheo.policies.adapters import households_facts

from .models import Background, Course, Funding, JobSession, Level, Placement, SessionKind, Trainee
from .selectors import trainee_q

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

ESCAPED_MONTHS = 36
MAX_COST = 10**13
MIN_YEAR = 1900


# Permissions ------------------------------------------------------------------------------------------------
def _require(user: User | None, area: Area) -> None:
    if user is None:  # the demo seed and commands
        return
    if (
        not can(user, Capability.MANAGE_VOCATION)
        or not Area.objects.filter(area_q(user), pk=area.pk).exists()
    ):
        raise PermissionDenied(_("You may not record vocational training for this unit."))


def _require_trainee(user: User | None, trainee: Trainee) -> None:
    if user is None:
        return
    if (
        not can(user, Capability.MANAGE_VOCATION)
        or not Trainee.objects.filter(trainee_q(user), pk=trainee.pk).exists()
    ):
        raise PermissionDenied(_("You may not record vocational training for this unit."))


# Checks -----------------------------------------------------------------------------------------------------
def _text(value: str, name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, extra={"field": name})
    return value


def _check_place(area: Area) -> None:
    if area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE):
        raise ValidationFailed(_("Choose a commune or the province."), extra={"field": "area"})


def _check_course(course: Course) -> None:
    course.trade = _text(course.trade, "trade", _("Enter the trade."))
    course.organiser = _text(course.organiser, "organiser", _("Enter the organiser."))
    if course.level not in Level.values:
        raise ValidationFailed(_("Choose the level of the course."), extra={"field": "level"})
    if course.funding not in Funding.values:
        raise ValidationFailed(_("Choose the funding of the course."), extra={"field": "funding"})
    if course.starts_on is None:
        raise ValidationFailed(_("Enter the start date."), extra={"field": "starts_on"})
    if course.ends_on is None:
        raise ValidationFailed(_("Enter the end date."), extra={"field": "ends_on"})
    if course.ends_on < course.starts_on:
        raise ValidationFailed(_("The end date cannot be before the start date."), extra={"field": "ends_on"})
    if course.cost is not None and not 0 <= course.cost <= MAX_COST:
        raise ValidationFailed(_("Enter an amount in đồng, e.g. 1.500.000."), extra={"field": "cost"})
    _check_place(course.area)


COURSE_FIELDS = ("trade", "level", "organiser", "area", "starts_on", "ends_on", "cost", "funding", "note")


# Courses ----------------------------------------------------------------------------------------------------
@transaction.atomic
def course_create(
    *,
    trade: str,
    level: str,
    organiser: str,
    area: Area,
    starts_on: dt.date,
    ends_on: dt.date,
    funding: str,
    cost: int | None = None,
    note: str = "",
    acting_user: User | None,
) -> Course:
    _require(acting_user, area)
    course = Course(
        trade=trade,
        level=level,
        organiser=organiser,
        area=area,
        starts_on=starts_on,
        ends_on=ends_on,
        cost=cost,
        funding=funding,
        note=(note or "").strip(),
    )
    _check_course(course)
    course.save()
    audit_record(actor=acting_user, action="vocation.course.create", target=course, after=snapshot(course))
    return course


@transaction.atomic
def course_update(
    *, course: Course, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Course:
    check_fields(data, COURSE_FIELDS)
    locked = Course.objects.select_for_update(of=("self",)).select_related("area").get(pk=course.pk)
    _require(acting_user, locked.area)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    _check_course(locked)
    if "area" in data:
        _require(acting_user, locked.area)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="vocation.course.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def course_delete(*, course: Course, version: Version, acting_user: User | None) -> None:
    locked = Course.objects.select_for_update(of=("self",)).select_related("area").get(pk=course.pk)
    _require(acting_user, locked.area)
    version_check(locked, version)
    if locked.trainees.exists():
        raise ValidationFailed(
            _("The course has trainees: remove them before deleting the course."), extra={"field": None}
        )
    audit_record(actor=acting_user, action="vocation.course.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Trainees ---------------------------------------------------------------------------------------------------
def registry_background(member: Member, *, on: dt.date) -> str:
    """The background of a member's household in the registry on ``on``: poor, near-poor, newly escaped (left
    poverty or near-poverty within the last 36 months) or other."""
    facts = households_facts([member.household_id], on=on).get(member.household_id)
    category = facts.facts.category if facts is not None else member.household.category
    if category == Category.POOR:
        return Background.POOR
    if category == Category.NEAR_POOR:
        return Background.NEAR_POOR
    left_on = facts.facts.left_on if facts is not None else None
    recent = left_on is not None and left_on > on - relativedelta(months=ESCAPED_MONTHS)
    if facts is not None and facts.facts.left_category and recent:
        return Background.ESCAPED
    return Background.OTHER


def _birth_year(value: int | None) -> int | None:
    if value is None:
        return None
    if not MIN_YEAR <= value <= timezone.localdate().year:
        raise ValidationFailed(_("Enter a valid year of birth."), extra={"field": "birth_year"})
    return value


@transaction.atomic
def trainee_enrol_member(
    *, course: Course, member: Member, acting_user: User | None, enrolled_on: dt.date | None = None
) -> Trainee:
    """Enrol a member of the registry; the background is read from the registry now and frozen."""
    locked = Course.objects.select_for_update(of=("self",)).select_related("area").get(pk=course.pk)
    _require(acting_user, locked.area)
    if (
        not member.household.commune.path.startswith(locked.area.path)
        and locked.area.level == AreaLevel.COMMUNE
    ):
        raise ValidationFailed(
            _(
                "The member lives in another commune: enrol them in a course of their commune "
                "or of the province."
            ),
            extra={"field": "member"},
        )
    if Trainee.objects.filter(course=locked, member=member).exists():
        raise ValidationFailed(
            _("%(name)s is already enrolled in this course.") % {"name": member.full_name},
            extra={"field": "member"},
        )
    on = enrolled_on or timezone.localdate()
    trainee = Trainee.objects.create(
        course=locked,
        member=member,
        household=member.household,
        full_name=member.full_name,
        birth_year=member.date_of_birth.year if member.date_of_birth else None,
        commune=member.household.commune,
        background=registry_background(member, on=on),
        enrolled_on=on,
    )
    audit_record(actor=acting_user, action="vocation.trainee.create", target=trainee, after=snapshot(trainee))
    return trainee


@transaction.atomic
def trainee_add_other(
    *,
    course: Course,
    full_name: str,
    birth_year: int | None,
    commune: Area,
    acting_user: User | None,
    enrolled_on: dt.date | None = None,
) -> Trainee:
    """Enrol another worker (not in the registry): background "other"."""
    locked = Course.objects.select_for_update(of=("self",)).select_related("area").get(pk=course.pk)
    _require(acting_user, locked.area)
    name = _text(full_name, "full_name", _("Enter the full name."))
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(_("Choose the commune of the worker."), extra={"field": "commune"})
    if locked.area.level == AreaLevel.COMMUNE and commune.pk != locked.area.pk:
        raise ValidationFailed(
            _(
                "The worker lives in another commune: enrol them in a course of their commune "
                "or of the province."
            ),
            extra={"field": "commune"},
        )
    if not commune.path.startswith(locked.area.path):
        raise ValidationFailed(_("Choose a commune of the course's province."), extra={"field": "commune"})
    trainee = Trainee.objects.create(
        course=locked,
        full_name=name,
        birth_year=_birth_year(birth_year),
        commune=commune,
        background=Background.OTHER,
        enrolled_on=enrolled_on or timezone.localdate(),
    )
    audit_record(actor=acting_user, action="vocation.trainee.create", target=trainee, after=snapshot(trainee))
    return trainee


OUTCOME_FIELDS = (
    "completed",
    "certificate",
    "employed_6m",
    "employed_on",
    "employer",
    "self_employed",
    "export_country",
    "export_from",
    "export_to",
)


def _check_outcome(trainee: Trainee) -> None:
    if trainee.employed_on is not None and trainee.employed_on < trainee.course.starts_on:
        raise ValidationFailed(
            _("The date of employment cannot be before the course's start."), extra={"field": "employed_on"}
        )
    if trainee.export_from and trainee.export_to and trainee.export_to < trainee.export_from:
        raise ValidationFailed(
            _("The end of the contract cannot be before its start."), extra={"field": "export_to"}
        )
    if (trainee.export_from or trainee.export_to) and not trainee.export_country.strip():
        raise ValidationFailed(_("Enter the country of the contract."), extra={"field": "export_country"})
    if trainee.employed_6m is True and trainee.completed is False:
        raise ValidationFailed(
            _(
                "A trainee who did not complete the course is not counted as placed: "
                "answer “No” or “Unknown”."
            ),
            extra={"field": "employed_6m"},
        )


@transaction.atomic
def trainee_outcome(
    *, trainee: Trainee, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Trainee:
    check_fields(data, OUTCOME_FIELDS)
    locked = Trainee.objects.select_for_update(of=("self",)).select_related("course").get(pk=trainee.pk)
    _require_trainee(acting_user, locked)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    _check_outcome(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="vocation.trainee.outcome",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def trainee_remove(*, trainee: Trainee, version: Version, acting_user: User | None) -> None:
    locked = (
        Trainee.objects.select_for_update(of=("self",))
        .select_related("course", "course__area")
        .get(pk=trainee.pk)
    )
    _require(acting_user, locked.course.area)
    version_check(locked, version)
    audit_record(actor=acting_user, action="vocation.trainee.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Sessions ---------------------------------------------------------------------------------------------------
SESSION_FIELDS = ("kind", "held_on", "place", "area", "organiser", "attendees", "employers", "note")


def _check_session(session: JobSession) -> None:
    if session.kind not in SessionKind.values:
        raise ValidationFailed(_("Choose the kind of session."), extra={"field": "kind"})
    if session.held_on is None:
        raise ValidationFailed(_("Enter the date."), extra={"field": "held_on"})
    session.place = _text(session.place, "place", _("Enter the place."))
    session.organiser = _text(session.organiser, "organiser", _("Enter the organiser."))
    for name in ("attendees", "employers"):
        value = getattr(session, name)
        if value is not None and value < 0:
            raise ValidationFailed(_("The number cannot be negative."), extra={"field": name})
    _check_place(session.area)


@transaction.atomic
def session_create(
    *,
    kind: str,
    held_on: dt.date,
    place: str,
    area: Area,
    organiser: str,
    attendees: int | None = None,
    employers: int | None = None,
    note: str = "",
    acting_user: User | None,
) -> JobSession:
    _require(acting_user, area)
    session = JobSession(
        kind=kind,
        held_on=held_on,
        place=place,
        area=area,
        organiser=organiser,
        attendees=attendees,
        employers=employers,
        note=(note or "").strip(),
    )
    _check_session(session)
    session.save()
    audit_record(actor=acting_user, action="vocation.session.create", target=session, after=snapshot(session))
    return session


@transaction.atomic
def session_update(
    *, session: JobSession, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> JobSession:
    check_fields(data, SESSION_FIELDS)
    locked = JobSession.objects.select_for_update(of=("self",)).select_related("area").get(pk=session.pk)
    _require(acting_user, locked.area)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    _check_session(locked)
    _require(acting_user, locked.area)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="vocation.session.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def placement_add(
    *,
    session: JobSession,
    employer: str,
    acting_user: User | None,
    trainee: Trainee | None = None,
    member: Member | None = None,
) -> Placement:
    """A person placed through a session (a trainee or a member of the registry) and where."""
    locked = JobSession.objects.select_for_update(of=("self",)).select_related("area").get(pk=session.pk)
    _require(acting_user, locked.area)
    if (trainee is None) == (member is None):
        raise ValidationFailed(_("Choose a trainee or a member of the registry."), extra={"field": None})
    where = _text(employer, "employer", _("Enter where the person was placed."))
    if trainee is not None:
        if Placement.objects.filter(session=locked, trainee=trainee).exists():
            raise ValidationFailed(
                _("%(name)s is already placed through this session.") % {"name": trainee.full_name},
                extra={"field": "trainee"},
            )
        name, commune, person = trainee.full_name, trainee.commune, trainee.member
        if person is not None and Placement.objects.filter(session=locked, member=person).exists():
            raise ValidationFailed(
                _("%(name)s is already placed through this session.") % {"name": name},
                extra={"field": "trainee"},
            )
    else:
        assert member is not None  # noqa: S101 - checked above
        if Placement.objects.filter(session=locked, member=member).exists():
            raise ValidationFailed(
                _("%(name)s is already placed through this session.") % {"name": member.full_name},
                extra={"field": "member"},
            )
        name, commune, person = member.full_name, member.household.commune, member
    if not commune.path.startswith(locked.area.path):
        raise ValidationFailed(_("The person lives outside the unit of the session."), extra={"field": None})
    placement = Placement.objects.create(
        session=locked, trainee=trainee, member=person, full_name=name, commune=commune, employer=where
    )
    audit_record(
        actor=acting_user, action="vocation.placement.create", target=placement, after=snapshot(placement)
    )
    return placement


@transaction.atomic
def placement_remove(*, placement: Placement, acting_user: User | None) -> None:
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("session", "session__area")
        .get(pk=placement.pk)
    )
    _require(acting_user, locked.session.area)
    audit_record(
        actor=acting_user, action="vocation.placement.delete", target=locked, before=snapshot(locked)
    )
    locked.delete()
