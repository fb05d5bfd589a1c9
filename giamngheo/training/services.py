"""Writes of officer training: keyword-only, atomic, audited, versioned where a form edits a row.
``MANAGE_TRAINING``: officers of the communes in one's scope; courses of a province in one's scope;
attendance of the officers one sees in the courses one sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.text import fold
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit

from .choices import FundingProject, Position, Sex
from .models import Attendance, Course, Officer
from .selectors import course_q, officer_q, whole_province_ids

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MIN_BIRTH_YEAR = 1930


# Permissions ------------------------------------------------------------------------------------------------
def _require_capability(user: User | None) -> None:
    if user is not None and not can(user, Capability.MANAGE_TRAINING):
        raise PermissionDenied(_("You may not record officers and their training."))


def _require_commune(user: User | None, commune: Area) -> None:
    _require_capability(user)
    if user is None or user.is_system_admin:
        return
    from giamngheo.accounts.scoping import area_q

    if not Area.objects.filter(area_q(user), pk=commune.pk).exists():
        raise PermissionDenied(_("You may record only the officers of your own communes."))


def _require_province(user: User | None, province: Area) -> None:
    _require_capability(user)
    if user is None or user.is_system_admin:
        return
    if province.pk not in whole_province_ids(user=user):
        raise PermissionDenied(_("You may not change the courses of this province."))


def _require_officer_seen(user: User | None, officer: Officer) -> None:
    _require_capability(user)
    if user is not None and not Officer.objects.filter(officer_q(user), pk=officer.pk).exists():
        raise PermissionDenied(_("You may record only the officers of your own communes."))


def _require_course_seen(user: User | None, course: Course) -> None:
    _require_capability(user)
    if user is not None and not Course.objects.filter(course_q(user), pk=course.pk).exists():
        raise PermissionDenied(_("You may not change the courses of this province."))


# Officers ---------------------------------------------------------------------------------------------------
OFFICER_FIELDS = (
    "full_name",
    "sex",
    "birth_year",
    "date_of_birth",
    "phone",
    "position",
    "position_detail",
    "commune",
    "village",
    "since",
    "left_on",
    "note",
)


def _check_officer(officer: Officer) -> None:
    officer.full_name = " ".join(officer.full_name.split())
    if not officer.full_name:
        raise ValidationFailed(_("Enter the officer's full name."), extra={"field": "full_name"})
    officer.name_folded = fold(officer.full_name)
    if officer.sex and officer.sex not in Sex.values:
        raise ValidationFailed(_("Choose the sex."), extra={"field": "sex"})
    if officer.position not in Position.values:
        raise ValidationFailed(_("Choose the position."), extra={"field": "position"})
    if officer.commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(_("Choose a commune."), extra={"field": "commune"})
    if officer.village is not None and officer.village.parent_id != officer.commune.pk:
        raise ValidationFailed(_("The village must belong to the commune."), extra={"field": "village"})
    today = timezone.localdate()
    if officer.date_of_birth is not None:
        if officer.date_of_birth > today:
            raise ValidationFailed(
                _("The date of birth cannot be in the future."), extra={"field": "date_of_birth"}
            )
        if officer.birth_year is None:
            officer.birth_year = officer.date_of_birth.year
        elif officer.birth_year != officer.date_of_birth.year:
            raise ValidationFailed(
                _("The year of birth differs from the date of birth."), extra={"field": "birth_year"}
            )
    if officer.birth_year is not None and not MIN_BIRTH_YEAR <= officer.birth_year <= today.year:
        raise ValidationFailed(
            _("Enter a year of birth between %(min)s and %(max)s.")
            % {"min": MIN_BIRTH_YEAR, "max": today.year},
            extra={"field": "birth_year"},
        )
    if officer.since is None:
        raise ValidationFailed(_("Enter the date the officer took up the post."), extra={"field": "since"})
    if officer.left_on is not None and officer.left_on < officer.since:
        raise ValidationFailed(
            _("The date the officer left cannot be before the date they took up the post."),
            extra={"field": "left_on"},
        )


@transaction.atomic
def officer_create(
    *,
    commune: Area,
    full_name: str,
    position: str,
    since: dt.date,
    sex: str = "",
    birth_year: int | None = None,
    date_of_birth: dt.date | None = None,
    phone: str = "",
    position_detail: str = "",
    village: Area | None = None,
    left_on: dt.date | None = None,
    note: str = "",
    acting_user: User | None,
) -> Officer:
    _require_commune(acting_user, commune)
    officer = Officer(
        commune=commune,
        village=village,
        full_name=full_name,
        sex=sex,
        birth_year=birth_year,
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        position=position,
        position_detail=position_detail.strip(),
        since=since,
        left_on=left_on,
        note=note.strip(),
    )
    _check_officer(officer)
    officer.save()
    audit_record(actor=acting_user, action="training.officer.create", target=officer, after=snapshot(officer))
    return officer


@transaction.atomic
def officer_update(
    *, officer: Officer, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Officer:
    check_fields(data, OFFICER_FIELDS)
    locked = Officer.objects.select_for_update(of=("self",)).select_related("commune").get(pk=officer.pk)
    _require_commune(acting_user, locked.commune)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    _require_commune(acting_user, locked.commune)
    _check_officer(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="training.officer.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def officer_delete(*, officer: Officer, version: Version, acting_user: User | None) -> None:
    locked = Officer.objects.select_for_update(of=("self",)).select_related("commune").get(pk=officer.pk)
    _require_commune(acting_user, locked.commune)
    version_check(locked, version)
    if locked.attendances.exists():
        raise ValidationFailed(
            _("The officer attended courses: record the date they left instead of deleting them."),
            extra={"field": None},
        )
    audit_record(actor=acting_user, action="training.officer.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Courses ----------------------------------------------------------------------------------------------------
COURSE_FIELDS = (
    "title",
    "organiser",
    "org_unit",
    "start_date",
    "end_date",
    "place",
    "content",
    "funding_project",
)


def _check_course(course: Course) -> None:
    course.title = " ".join(course.title.split())
    if not course.title:
        raise ValidationFailed(_("Enter the title of the course."), extra={"field": "title"})
    if course.province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("A course belongs to a province."), extra={"field": "province"})
    if course.start_date is None:
        raise ValidationFailed(_("Enter the start date."), extra={"field": "start_date"})
    if course.end_date is None:
        raise ValidationFailed(_("Enter the end date."), extra={"field": "end_date"})
    if course.end_date < course.start_date:
        raise ValidationFailed(
            _("The end date of the course cannot be before its start date."), extra={"field": "end_date"}
        )
    if course.funding_project not in FundingProject.values:
        raise ValidationFailed(_("Choose the funding project."), extra={"field": "funding_project"})
    unit: OrgUnit | None = course.org_unit
    if unit is not None and unit.area_id != course.province_id:
        raise ValidationFailed(
            _("The organising unit must belong to the course's province."), extra={"field": "org_unit"}
        )


@transaction.atomic
def course_create(
    *,
    province: Area,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    organiser: str = "",
    org_unit: OrgUnit | None = None,
    place: str = "",
    content: str = "",
    funding_project: str = FundingProject.P7,
    acting_user: User | None,
) -> Course:
    _require_province(acting_user, province)
    course = Course(
        province=province,
        title=title,
        organiser=organiser.strip(),
        org_unit=org_unit,
        start_date=start_date,
        end_date=end_date,
        place=place.strip(),
        content=content.strip(),
        funding_project=funding_project,
    )
    _check_course(course)
    course.save()
    audit_record(actor=acting_user, action="training.course.create", target=course, after=snapshot(course))
    return course


@transaction.atomic
def course_update(
    *, course: Course, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Course:
    check_fields(data, COURSE_FIELDS)
    locked = Course.objects.select_for_update(of=("self",)).select_related("province").get(pk=course.pk)
    _require_province(acting_user, locked.province)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    _check_course(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="training.course.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def course_delete(*, course: Course, version: Version, acting_user: User | None) -> None:
    locked = Course.objects.select_for_update(of=("self",)).select_related("province").get(pk=course.pk)
    _require_province(acting_user, locked.province)
    version_check(locked, version)
    if locked.attendances.exists():
        raise ValidationFailed(
            _("Officers are listed in this course: remove them first."), extra={"field": None}
        )
    audit_record(actor=acting_user, action="training.course.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Attendance -------------------------------------------------------------------------------------------------
def _check_attendance(attendance: Attendance) -> None:
    course, officer = attendance.course, attendance.officer
    if officer.commune.parent_id != course.province_id:
        raise ValidationFailed(
            _("The officer does not work in the course's province."), extra={"field": "officer"}
        )
    if officer.since > course.end_date or (
        officer.left_on is not None and officer.left_on < course.start_date
    ):
        raise ValidationFailed(
            _("The officer was not in post during the course."), extra={"field": "officer"}
        )
    if attendance.completed is not None and not isinstance(attendance.completed, bool):
        raise ValidationFailed(
            _("Choose whether the officer completed the course."), extra={"field": "completed"}
        )
    attendance.certificate_number = attendance.certificate_number.strip()
    if attendance.certificate_number and attendance.completed is not True:
        raise ValidationFailed(
            _("A certificate number is recorded only for an officer who completed the course."),
            extra={"field": "certificate_number"},
        )


def _duplicate() -> ValidationFailed:
    return ValidationFailed(
        _("This officer is already in the list of the course."), extra={"field": "officer"}
    )


@transaction.atomic
def attendance_add(
    *,
    course: Course,
    officer: Officer,
    completed: bool | None = None,
    certificate_number: str = "",
    acting_user: User | None,
) -> Attendance:
    _require_course_seen(acting_user, course)
    _require_officer_seen(acting_user, officer)
    # Lock the course so that two additions of the same officer cannot both pass the check.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    if Attendance.objects.filter(course=course, officer=officer).exists():
        raise _duplicate()
    attendance = Attendance(
        course=course, officer=officer, completed=completed, certificate_number=certificate_number
    )
    _check_attendance(attendance)
    attendance.save()
    audit_record(
        actor=acting_user, action="training.attendance.create", target=attendance, after=snapshot(attendance)
    )
    return attendance


@transaction.atomic
def attendances_add(*, course: Course, officers: list[Officer], acting_user: User | None) -> list[Attendance]:
    """Add several officers at once (completion unknown): all or nothing."""
    if len({o.pk for o in officers}) != len(officers):
        raise _duplicate()
    return [attendance_add(course=course, officer=o, acting_user=acting_user) for o in officers]


@transaction.atomic
def attendance_update(
    *,
    attendance: Attendance,
    completed: bool | None,
    certificate_number: str,
    version: Version,
    acting_user: User | None,
) -> Attendance:
    locked = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("course", "officer", "officer__commune")
        .get(pk=attendance.pk)
    )
    _require_course_seen(acting_user, locked.course)
    _require_officer_seen(acting_user, locked.officer)
    version_check(locked, version)
    before = snapshot(locked)
    locked.completed = completed
    locked.certificate_number = certificate_number
    _check_attendance(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="training.attendance.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def attendance_delete(*, attendance: Attendance, version: Version, acting_user: User | None) -> None:
    locked = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("course", "officer")
        .get(pk=attendance.pk)
    )
    _require_course_seen(acting_user, locked.course)
    _require_officer_seen(acting_user, locked.officer)
    version_check(locked, version)
    audit_record(
        actor=acting_user, action="training.attendance.delete", target=locked, before=snapshot(locked)
    )
    locked.delete()


# Import of an attendance list -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AttendanceRow:
    """One line of an attendance list, read by ``dataio.training_import``."""

    line: int
    full_name: str
    commune: Area
    position: str = ""
    phone: str = ""
    completed: bool | None = None
    certificate_number: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the key of the column ("full_name", "phone"…), "" for the line
    message: str


@dataclass
class AttendanceImportResult:
    rows: int = 0
    matched: int = 0
    new_officers: list[tuple[str, str]] = field(default_factory=list)  # (name, commune) to create / created
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


@transaction.atomic
def attendance_import(
    *, course: Course, rows: list[AttendanceRow], dry_run: bool, acting_user: User | None
) -> AttendanceImportResult:
    """Check (``dry_run``) or write the attendance list of a course: all lines or none. A line matches an
    officer of its commune by folded name (and phone when given); a line that matches none creates the
    officer (in post since the course's start)."""
    _require_course_seen(acting_user, course)
    result = AttendanceImportResult(rows=len(rows))
    listed = set(Attendance.objects.filter(course=course).values_list("officer_id", flat=True))
    seen: dict[tuple[str, int | str], int] = {}
    plan: list[tuple[AttendanceRow, Officer | None]] = []
    officers_by_commune: dict[int, list[Officer]] = {}
    for row in rows:
        commune = row.commune
        if commune.parent_id != course.province_id:
            result.errors.append(
                RowError(row.line, "commune", _("the commune is not in the course's province"))
            )
            continue
        if acting_user is not None:
            try:
                _require_commune(acting_user, commune)
            except PermissionDenied:
                result.errors.append(RowError(row.line, "commune", _("the commune is not in your scope")))
                continue
        if commune.pk not in officers_by_commune:
            officers_by_commune[commune.pk] = list(Officer.objects.filter(commune=commune).order_by("pk"))
        folded = fold(row.full_name)
        candidates = [o for o in officers_by_commune[commune.pk] if o.name_folded == folded]
        phone = _digits(row.phone)
        if phone and candidates:
            candidates = [o for o in candidates if _digits(o.phone) == phone or not o.phone]
        if len(candidates) > 1:
            result.errors.append(
                RowError(
                    row.line,
                    "full_name",
                    _("several officers of the commune have this name: give the phone number"),
                )
            )
            continue
        officer = candidates[0] if candidates else None
        key: tuple[str, int | str] = ("o", officer.pk) if officer else ("n", f"{commune.pk}/{folded}")
        if key in seen:
            result.errors.append(
                RowError(
                    row.line,
                    "full_name",
                    _("the same officer is on line %(line)s") % {"line": seen[key]},
                )
            )
            continue
        seen[key] = row.line
        if officer is not None and officer.pk in listed:
            result.errors.append(
                RowError(row.line, "full_name", _("This officer is already in the list of the course."))
            )
            continue
        if officer is not None and (
            officer.since > course.end_date
            or (officer.left_on is not None and officer.left_on < course.start_date)
        ):
            result.errors.append(
                RowError(row.line, "full_name", _("the officer was not in post during the course"))
            )
            continue
        if row.certificate_number and row.completed is not True:
            result.errors.append(
                RowError(
                    row.line,
                    "certificate_number",
                    _("a certificate number is recorded only for an officer who completed the course"),
                )
            )
            continue
        if officer is None:
            if row.position and row.position not in Position.values:
                result.errors.append(RowError(row.line, "position", _("choose a position of the list")))
                continue
            result.new_officers.append((" ".join(row.full_name.split()), commune.name))
        else:
            result.matched += 1
        plan.append((row, officer))
    if dry_run or result.errors:
        return result
    for row, found in plan:
        officer = found or officer_create(
            commune=row.commune,
            full_name=row.full_name,
            position=row.position or Position.OTHER,
            phone=row.phone,
            since=course.start_date,
            acting_user=acting_user,
        )
        attendance_add(
            course=course,
            officer=officer,
            completed=row.completed,
            certificate_number=row.certificate_number,
            acting_user=acting_user,
        )
    result.written = True
    return result
