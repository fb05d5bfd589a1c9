"""Pages of officer training: thin views over ``training.selectors`` and ``training.services``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import table_download, wants_xlsx
from giamngheo.geo.selectors import current_year, villages_to_pick

from . import print_tables, selectors, services
from .forms import (
    AttendanceAddForm,
    AttendanceForm,
    CourseForm,
    OfficerForm,
    VersionForm,
    completion_raw,
    completion_value,
)

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Course, Officer

VIEW_CAPABILITIES = (Capability.MANAGE_TRAINING, Capability.VIEW_TABLES)


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def view_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The pages are read by those who record training and those who read the figures."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not any(can(request.user, c) for c in VIEW_CAPABILITIES):
            raise PermissionDenied("training")
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Officer training"), reverse("training:index")), *tail]


def _year(request: AuthenticatedRequest) -> int:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    return year if year and year >= 2000 else current_year()


def _can_manage(request: AuthenticatedRequest) -> bool:
    return can(request.user, Capability.MANAGE_TRAINING)


@view_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("training:shares")


# Officers -------------------------------------------------------------------------------------------------
@view_required
@require_GET
def officer_list(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    commune_id = int_param(request, "commune", invalid="ignore")
    active = request.GET.get("active", "1")
    if active not in ("", "0", "1"):
        active = "1"
    officers = selectors.officer_list(user=_u(request), q=q, commune_id=commune_id, active=active)
    communes = selectors.communes_of_scope(user=_u(request), province=None)
    title = _("Grassroots poverty officers")
    if wants_xlsx(request):
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA):
            raise PermissionDenied("download")
        return table_download(
            request,
            filename="can-bo-giam-ngheo-co-so.xlsx",
            kind=ExportKind.OFFICER_LIST,
            title=title,
            scope=print_tables.scope_name(_u(request)),
            sections=[print_tables.officers_section(officers)],
        )
    return render(
        request,
        "training/officer_list.html",
        {
            "page_obj": paginate(request, officers),
            "q": q,
            "commune_id": commune_id,
            "active": active,
            "communes": communes,
            "title": title,
            "scope": print_tables.scope_name(_u(request)),
            "can_manage": _can_manage(request),
            "can_download": can(request.user, Capability.DOWNLOAD_PERSONAL_DATA),
            "breadcrumbs": _crumbs((title, None)),
        },
    )


def _officer_form(request: AuthenticatedRequest, officer: Officer | None = None) -> OfficerForm:
    communes = selectors.communes_of_scope(user=_u(request), province=None)
    villages: list[Any] = []
    if officer is not None:
        villages = list(villages_to_pick(user=_u(request), commune=officer.commune))
    elif len(communes) == 1:
        villages = list(villages_to_pick(user=_u(request), commune=communes[0]))
    initial: dict[str, Any]
    if officer is not None:
        initial = {name: getattr(officer, name) for name in services.OFFICER_FIELDS} | {
            "commune": officer.commune_id,
            "village": officer.village_id,
            "version": officer.version,
        }
    else:
        initial = {"commune": communes[0].pk if len(communes) == 1 else None}
    return OfficerForm(
        request.POST or None,
        communes=communes,
        villages=villages,
        editing=officer is not None,
        initial=initial,
    )


def _officer_data(request: AuthenticatedRequest, form: OfficerForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    communes = {c.pk: c for c in selectors.communes_of_scope(user=_u(request), province=None)}
    commune = communes.get(data.pop("commune"))
    if commune is None:
        raise Http404
    data["commune"] = commune
    village_id = data.pop("village", None)
    villages = {v.pk: v for v in villages_to_pick(user=_u(request), commune=commune)}
    data["village"] = villages.get(village_id) if village_id else None
    data["sex"] = data.get("sex") or ""
    return data


@capability_required(Capability.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def officer_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _officer_form(request)
    if request.method == "POST" and form.is_valid():
        data = _officer_data(request, form)
        officer = submit(form, lambda: services.officer_create(acting_user=_u(request), **data))
        if officer is not None:
            messages.success(request, _("The officer was added."))
            return redirect("training:officer-list")
    return render(
        request,
        "training/officer_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Grassroots poverty officers"), reverse("training:officer-list")), (_("New officer"), None)
            ),
        },
    )


@view_required
@require_http_methods(["GET", "POST"])
def officer_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    officer = get_or_404(selectors.access_officer_by_id, user=_u(request), officer_id=pk)
    if request.method == "POST" and not _can_manage(request):
        raise PermissionDenied("training")
    form = _officer_form(request, officer)
    if request.method == "POST" and form.is_valid():
        data = _officer_data(request, form)
        version = data.pop("version")
        if submit(
            form,
            lambda: services.officer_update(
                officer=officer, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The officer was saved."))
            return redirect("training:officer-list")
    return render(
        request,
        "training/officer_form.html",
        {
            "form": form,
            "officer": officer,
            "can_manage": _can_manage(request),
            "attendances": selectors.attendances_of_officer(user=_u(request), officer=officer),
            "delete_form": VersionForm(initial={"version": officer.version}),
            "breadcrumbs": _crumbs(
                (_("Grassroots poverty officers"), reverse("training:officer-list")),
                (officer.full_name, None),
            ),
        },
    )


def _delete(
    request: AuthenticatedRequest, delete: Callable[[Any], None], *, refused: str, done: str, message: str
) -> HttpResponse:
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        delete(version)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(refused)
    messages.success(request, message)
    return redirect(done)


@capability_required(Capability.MANAGE_TRAINING)
@require_POST
def officer_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    officer = get_or_404(selectors.access_officer_by_id, user=_u(request), officer_id=pk)
    return _delete(
        request,
        lambda version: services.officer_delete(officer=officer, version=version, acting_user=_u(request)),
        refused=reverse("training:officer-update", args=[officer.pk]),
        done=reverse("training:officer-list"),
        message=_("The officer was deleted."),
    )


# Courses --------------------------------------------------------------------------------------------------
@view_required
@require_GET
def course_list(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    courses = selectors.course_list(user=_u(request), q=q, year=year)
    return render(
        request,
        "training/course_list.html",
        {
            "page_obj": paginate(request, courses),
            "q": q,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "can_create": _can_manage(request) and bool(selectors.provinces_to_pick(user=_u(request))),
            "breadcrumbs": _crumbs((_("Training courses"), None)),
        },
    )


def _course_form(request: AuthenticatedRequest, course: Course | None = None) -> CourseForm:
    provinces = selectors.provinces_to_pick(user=_u(request))
    province = course.province if course is not None else (provinces[0] if provinces else None)
    units = selectors.org_units_to_pick(user=_u(request), province=province)
    initial: dict[str, Any] = {"funding_project": "p7"}
    if course is not None:
        initial = {name: getattr(course, name) for name in services.COURSE_FIELDS} | {
            "org_unit": course.org_unit_id,
            "version": course.version,
        }
    return CourseForm(
        request.POST or None, provinces=provinces, units=units, editing=course is not None, initial=initial
    )


def _course_unit(request: AuthenticatedRequest, data: dict[str, Any], province: Any) -> None:
    unit_id = data.pop("org_unit", None)
    units = {u.pk: u for u in selectors.org_units_to_pick(user=_u(request), province=province)}
    data["org_unit"] = units.get(unit_id) if unit_id else None


@capability_required(Capability.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.provinces_to_pick(user=_u(request))
    if not provinces:
        raise PermissionDenied("training")
    form = _course_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = next((p for p in provinces if p.pk == data.pop("province")), None)
        if province is None:
            raise Http404
        _course_unit(request, data, province)
        course = submit(
            form, lambda: services.course_create(province=province, acting_user=_u(request), **data)
        )
        if course is not None:
            messages.success(request, _("The course was recorded. Now add the officers who attended."))
            return redirect("training:course-detail", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Training courses"), reverse("training:course-list")), (_("New course"), None)
            ),
        },
    )


@view_required
@require_GET
def course_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    manage = _can_manage(request)
    attendances = list(selectors.attendance_list(user=_u(request), course=course))
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "attendances": [
                (
                    a,
                    AttendanceForm(
                        initial={
                            "completed": completion_raw(a.completed),
                            "certificate_number": a.certificate_number,
                            "version": a.version,
                        },
                        prefix=f"a{a.pk}",
                    ),
                )
                for a in attendances
            ],
            "can_manage": manage,
            "can_edit_course": manage
            and course.province_id in selectors.whole_province_ids(user=_u(request)),
            "add_form": (
                AttendanceAddForm(officers=selectors.officers_to_add(user=_u(request), course=course))
                if manage
                else None
            ),
            "delete_form": VersionForm(initial={"version": course.version}),
            "breadcrumbs": _crumbs(
                (_("Training courses"), reverse("training:course-list")), (course.title, None)
            ),
        },
    )


@capability_required(Capability.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def course_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    if course.province_id not in selectors.whole_province_ids(user=_u(request)):
        raise Http404
    form = _course_form(request, course)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        _course_unit(request, data, course.province)
        if submit(
            form,
            lambda: services.course_update(
                course=course, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The course was saved."))
            return redirect("training:course-detail", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {
            "form": form,
            "course": course,
            "delete_form": VersionForm(initial={"version": course.version}),
            "breadcrumbs": _crumbs(
                (_("Training courses"), reverse("training:course-list")),
                (course.title, reverse("training:course-detail", args=[course.pk])),
                (_("Edit"), None),
            ),
        },
    )


@capability_required(Capability.MANAGE_TRAINING)
@require_POST
def course_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    if course.province_id not in selectors.whole_province_ids(user=_u(request)):
        raise Http404
    return _delete(
        request,
        lambda version: services.course_delete(course=course, version=version, acting_user=_u(request)),
        refused=reverse("training:course-detail", args=[course.pk]),
        done=reverse("training:course-list"),
        message=_("The course was deleted."),
    )


# Attendance -----------------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_TRAINING)
@require_POST
def attendance_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    candidates = selectors.officers_to_add(user=_u(request), course=course)
    form = AttendanceAddForm(request.POST, officers=candidates)
    if not form.is_valid():
        # An officer already in the list is no longer offered: say why rather than "invalid choice".
        ids = {int(v) for v in request.POST.getlist("officers") if v.isdigit()}
        listed = {a.officer_id for a in selectors.attendance_list(user=_u(request), course=course)}
        if ids & listed:
            messages.error(request, _("This officer is already in the list of the course."))
        else:
            messages.error(request, _("Choose the officers who attended."))
        return redirect("training:course-detail", pk=course.pk)
    chosen = {o.pk: o for o in candidates}
    officers = [chosen[i] for i in form.cleaned_data["officers"]]
    try:
        added = services.attendances_add(course=course, officers=officers, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)s officer(s) added to the course.") % {"n": len(added)})
    return redirect("training:course-detail", pk=course.pk)


@capability_required(Capability.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def attendance_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attendance = get_or_404(selectors.access_attendance_by_id, user=_u(request), attendance_id=pk)
    prefix = f"a{attendance.pk}" if f"a{attendance.pk}-version" in request.POST else None
    form = AttendanceForm(
        request.POST or None,
        prefix=prefix,
        initial={
            "completed": completion_raw(attendance.completed),
            "certificate_number": attendance.certificate_number,
            "version": attendance.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if submit(
            form,
            lambda: services.attendance_update(
                attendance=attendance,
                completed=completion_value(data["completed"]),
                certificate_number=data["certificate_number"],
                version=data["version"],
                acting_user=_u(request),
            ),
        ):
            messages.success(request, _("The attendance was saved."))
            return redirect("training:course-detail", pk=attendance.course_id)
    return render(
        request,
        "training/attendance_form.html",
        {
            "form": form,
            "attendance": attendance,
            "delete_form": VersionForm(initial={"version": attendance.version}),
            "breadcrumbs": _crumbs(
                (_("Training courses"), reverse("training:course-list")),
                (attendance.course.title, reverse("training:course-detail", args=[attendance.course_id])),
                (attendance.officer.full_name, None),
            ),
        },
    )


@capability_required(Capability.MANAGE_TRAINING)
@require_POST
def attendance_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attendance = get_or_404(selectors.access_attendance_by_id, user=_u(request), attendance_id=pk)
    course_url = reverse("training:course-detail", args=[attendance.course_id])
    return _delete(
        request,
        lambda version: services.attendance_delete(
            attendance=attendance, version=version, acting_user=_u(request)
        ),
        refused=course_url,
        done=course_url,
        message=_("The officer was removed from the course."),
    )


# Shares ---------------------------------------------------------------------------------------------------
@view_required
@require_GET
def shares(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    province = selectors.province_of_scope(user=_u(request))
    result = selectors.shares(user=_u(request), year=year, province=province)
    title = _("Share of officers trained")
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"ty-le-can-bo-duoc-tap-huan-{year}.xlsx",
            title=title,
            scope=scope,
            year=year,
            sections=[print_tables.shares_section(result)],
        )
    return render(
        request,
        "training/shares.html",
        {
            "shares": result,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "title": title,
            "scope": scope,
            "breadcrumbs": _crumbs((title, None)),
        },
    )


@view_required
@require_GET
def untrained(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    commune_id = int_param(request, "commune", invalid="ignore")
    officers = selectors.untrained_list(user=_u(request), year=year, commune_id=commune_id)
    title = _("Active officers not yet trained")
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA):
            raise PermissionDenied("download")
        return table_download(
            request,
            filename=f"can-bo-chua-tap-huan-{year}.xlsx",
            kind=ExportKind.OFFICER_LIST,
            title=title,
            scope=scope,
            year=year,
            sections=[print_tables.officers_section(officers)],
        )
    return render(
        request,
        "training/untrained.html",
        {
            "page_obj": paginate(request, officers),
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "commune_id": commune_id,
            "communes": selectors.communes_of_scope(user=_u(request), province=None),
            "title": title,
            "scope": scope,
            "can_download": can(request.user, Capability.DOWNLOAD_PERSONAL_DATA),
            "breadcrumbs": _crumbs((title, None)),
        },
    )
