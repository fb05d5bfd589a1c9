"""Pages of vocational training and job placement: thin views over ``vocation.selectors`` and
``vocation.services``."""

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
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import XLSX_CONTENT_TYPE, table_download, table_workbook, wants_xlsx

from . import print_tables, selectors, services
from .forms import CourseForm, EnrolOtherForm, OutcomeForm, PlacementForm, SessionForm
from .models import Background, SessionKind

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def view_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Those who record vocational training, and those who read the official figures."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not (can(request.user, Capability.MANAGE_VOCATION) or can(request.user, Capability.VIEW_TABLES)):
            raise PermissionDenied("vocation")
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Vocational training and jobs"), reverse("vocation:course-list")), *tail]


def _year(request: AuthenticatedRequest) -> int | None:
    return int_param(request, "year", maximum=2100, invalid="ignore")


def _can_manage(request: AuthenticatedRequest) -> bool:
    return can(request.user, Capability.MANAGE_VOCATION)


# Courses ---------------------------------------------------------------------------------------------------
@view_required
@require_GET
def course_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    q = request.GET.get("q", "")
    trade = request.GET.get("trade", "")
    courses = selectors.course_list(user=_u(request), q=q, year=year, trade=trade)
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        return table_download(
            request,
            filename="khoa-dao-tao-nghe.xlsx",
            title=_("Vocational courses"),
            scope=scope,
            year=year,
            sections=[print_tables.course_section(list(courses))],
        )
    return render(
        request,
        "vocation/course_list.html",
        {
            "page_obj": paginate(request, courses),
            "q": q,
            "trade": trade,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "trades": selectors.trades(user=_u(request)),
            "scope": scope,
            "can_manage": _can_manage(request),
            "breadcrumbs": [(_("Vocational training and jobs"), None)],
        },
    )


def _place(request: AuthenticatedRequest, pk: int) -> Any:
    place = next((a for a in selectors.places_to_pick(user=_u(request)) if a.pk == pk), None)
    if place is None:
        raise Http404
    return place


@capability_required(Capability.MANAGE_VOCATION)
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedRequest) -> HttpResponse:
    places = selectors.places_to_pick(user=_u(request))
    form = CourseForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["area"] = _place(request, data["area"])
        course = submit(form, lambda: services.course_create(acting_user=_u(request), **data))
        if course is not None:
            messages.success(request, _("The course was recorded. Now enrol its trainees."))
            return redirect("vocation:course-detail", pk=course.pk)
    return render(
        request,
        "vocation/course_form.html",
        {
            "form": form,
            "trades": selectors.trades(user=_u(request)),
            "breadcrumbs": _crumbs((_("New vocational course"), None)),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_http_methods(["GET", "POST"])
def course_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    places = selectors.places_to_pick(user=_u(request))
    initial = {name: getattr(course, name) for name in services.COURSE_FIELDS} | {
        "area": course.area_id,
        "version": course.version,
    }
    form = CourseForm(request.POST or None, places=places, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["area"] = _place(request, data["area"])
        if submit(
            form,
            lambda: services.course_update(
                course=course, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The vocational course was saved."))
            return redirect("vocation:course-detail", pk=course.pk)
    return render(
        request,
        "vocation/course_form.html",
        {
            "form": form,
            "course": course,
            "trades": selectors.trades(user=_u(request)),
            "breadcrumbs": _crumbs(
                (str(course), reverse("vocation:course-detail", args=[course.pk])), (_("Edit"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def course_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    version = int_param(request, "version", data=request.POST, invalid="ignore")
    try:
        services.course_delete(course=course, version=version, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("vocation:course-detail", pk=course.pk)
    messages.success(request, _("The vocational course was deleted."))
    return redirect("vocation:course-list")


@view_required
@require_GET
def course_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    can_manage = _can_manage(request)
    q = request.GET.get("q", "")
    found = selectors.members_to_enrol(user=_u(request), query=q) if can_manage and q else []
    enrolled = set(
        selectors.trainee_list(user=_u(request), course=course).values_list("member_id", flat=True)
    )
    trainees = list(selectors.trainee_list(user=_u(request), course=course))
    rows = [{"trainee": t, "late": selectors.late_employment(t)} for t in trainees]
    return render(
        request,
        "vocation/course_detail.html",
        {
            "course": course,
            "rows": rows,
            "q": q,
            "found": [{"member": m, "enrolled": m.pk in enrolled} for m in found],
            "other_form": EnrolOtherForm(communes=selectors.communes_to_choose(user=_u(request))),
            "deadline": selectors.placement_deadline(course.ends_on),
            "can_manage": can_manage,
            "breadcrumbs": _crumbs((str(course), None)),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def enrol_member(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    member_id = int_param(request, "member", data=request.POST, invalid="not_found")
    if member_id is None:
        raise Http404
    member = get_or_404(selectors.access_member_by_id, user=_u(request), member_id=member_id)
    try:
        services.trainee_enrol_member(course=course, member=member, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s was enrolled.") % {"name": member.full_name})
    return redirect("vocation:course-detail", pk=course.pk)


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def enrol_other(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = get_or_404(selectors.access_course_by_id, user=_u(request), course_id=pk)
    communes = selectors.communes_to_choose(user=_u(request))
    form = EnrolOtherForm(request.POST, communes=communes)
    if not form.is_valid():
        messages.error(request, _("Enter the worker's full name and commune."))
        return redirect("vocation:course-detail", pk=course.pk)
    data = form.cleaned_data
    commune = next(c for c in communes if c.pk == data["commune"])
    try:
        services.trainee_add_other(
            course=course,
            full_name=data["full_name"],
            birth_year=data["birth_year"],
            commune=commune,
            acting_user=_u(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s was enrolled.") % {"name": data["full_name"]})
    return redirect("vocation:course-detail", pk=course.pk)


# Trainees --------------------------------------------------------------------------------------------------
@view_required
@require_GET
def trainee_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    q = request.GET.get("q", "")
    background = request.GET.get("background", "")
    if background not in Background.values:
        background = ""
    outcome = request.GET.get("outcome", "")
    trainees = selectors.trainee_list(
        user=_u(request), q=q, background=background, year=year, outcome=outcome
    )
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA):
            raise PermissionDenied("download")
        section = print_tables.trainee_section(list(trainees))
        filename = "hoc-vien-dao-tao-nghe.xlsx"
        content = table_workbook(title=_("Vocational trainees"), scope=scope, year=year, sections=[section])
        export_record(
            request=request,
            kind=ExportKind.TRAINEE_LIST,
            fmt="xlsx",
            rows=len(section.rows),
            detail=f"{_('Vocational trainees')} · {scope}",
            filename=filename,
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "vocation/trainee_list.html",
        {
            "page_obj": paginate(request, trainees),
            "q": q,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "background": background,
            "backgrounds": Background.choices,
            "outcome": outcome,
            "scope": scope,
            "can_download": can(request.user, Capability.DOWNLOAD_PERSONAL_DATA),
            "breadcrumbs": _crumbs((_("Trainees"), None)),
        },
    )


@view_required
@require_http_methods(["GET", "POST"])
def trainee_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    trainee = get_or_404(selectors.access_trainee_by_id, user=_u(request), trainee_id=pk)
    can_manage = _can_manage(request)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("vocation")
    initial = {name: getattr(trainee, name) for name in services.OUTCOME_FIELDS} | {
        "version": trainee.version
    }
    for name in ("completed", "certificate", "employed_6m", "self_employed"):
        value = initial[name]
        initial[name] = "" if value is None else ("1" if value else "0")
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = submit(
            form,
            lambda: services.trainee_outcome(
                trainee=trainee, data=data, version=version, acting_user=_u(request)
            ),
        )
        if saved is not None:
            messages.success(request, _("The outcome was saved."))
            if selectors.late_employment(saved):
                messages.warning(
                    request,
                    _(
                        "The date of employment is more than 6 months after the course's end: it is recorded "
                        "but not counted as placed within 6 months."
                    ),
                )
            return redirect("vocation:course-detail", pk=trainee.course_id)
    course = trainee.course
    return render(
        request,
        "vocation/trainee_outcome.html",
        {
            "trainee": trainee,
            "course": course,
            "form": form,
            "can_manage": can_manage,
            "late": selectors.late_employment(trainee),
            "deadline": selectors.placement_deadline(course.ends_on),
            "breadcrumbs": _crumbs(
                (str(course), reverse("vocation:course-detail", args=[course.pk])), (trainee.full_name, None)
            ),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def trainee_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    trainee = get_or_404(selectors.access_trainee_by_id, user=_u(request), trainee_id=pk)
    version = int_param(request, "version", data=request.POST, invalid="ignore")
    try:
        services.trainee_remove(trainee=trainee, version=version, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s was removed from the course.") % {"name": trainee.full_name})
    return redirect("vocation:course-detail", pk=trainee.course_id)


# Placement rates --------------------------------------------------------------------------------------------
BY = {"course": _("Course"), "trade": _("Trade"), "commune": _("Commune")}


@capability_required(Capability.VIEW_TABLES)
@require_GET
def rates(request: AuthenticatedRequest) -> HttpResponse:
    from django.utils import timezone

    year = _year(request) or timezone.localdate().year
    by = request.GET.get("by", "course")
    if by not in BY:
        by = "course"
    table = selectors.placement_rates(user=_u(request), year=year, by=by)
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"ty-le-viec-lam-sau-dao-tao-{year}.xlsx",
            title=_("Placement rate of vocational trainees"),
            scope=scope,
            year=year,
            sections=[print_tables.rate_section(table, heading=str(_(BY[by])))],
        )
    return render(
        request,
        "vocation/rates.html",
        {
            "table": table,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "by": by,
            "by_choices": [(k, _(v)) for k, v in BY.items()],
            "by_label": _(BY[by]),
            "scope": scope,
            "breadcrumbs": _crumbs((_("Placement rate"), None)),
        },
    )


# Sessions -------------------------------------------------------------------------------------------------
@view_required
@require_GET
def session_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind not in SessionKind.values:
        kind = ""
    sessions = selectors.session_list(user=_u(request), q=q, year=year, kind=kind)
    scope = print_tables.scope_name(_u(request))
    if wants_xlsx(request):
        return table_download(
            request,
            filename="phien-giao-dich-viec-lam.xlsx",
            title=_("Job fairs and job introduction sessions"),
            scope=scope,
            year=year,
            sections=[print_tables.session_section(list(sessions))],
        )
    return render(
        request,
        "vocation/session_list.html",
        {
            "page_obj": paginate(request, sessions),
            "q": q,
            "year": year,
            "years": selectors.course_years(user=_u(request)),
            "kind": kind,
            "kinds": SessionKind.choices,
            "scope": scope,
            "can_manage": _can_manage(request),
            "breadcrumbs": _crumbs((_("Job sessions"), None)),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, places=selectors.places_to_pick(user=_u(request)))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["area"] = _place(request, data["area"])
        session = submit(form, lambda: services.session_create(acting_user=_u(request), **data))
        if session is not None:
            messages.success(request, _("The session was recorded."))
            return redirect("vocation:session-detail", pk=session.pk)
    return render(
        request,
        "vocation/session_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Job sessions"), reverse("vocation:session-list")), (_("New session"), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_http_methods(["GET", "POST"])
def session_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_or_404(selectors.access_session_by_id, user=_u(request), session_id=pk)
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS} | {
        "area": session.area_id,
        "version": session.version,
    }
    form = SessionForm(
        request.POST or None, places=selectors.places_to_pick(user=_u(request)), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["area"] = _place(request, data["area"])
        if submit(
            form,
            lambda: services.session_update(
                session=session, data=data, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The session was saved."))
            return redirect("vocation:session-detail", pk=session.pk)
    return render(
        request,
        "vocation/session_form.html",
        {
            "form": form,
            "session": session,
            "breadcrumbs": _crumbs(
                (_("Job sessions"), reverse("vocation:session-list")),
                (str(session), reverse("vocation:session-detail", args=[session.pk])),
                (_("Edit"), None),
            ),
        },
    )


@view_required
@require_GET
def session_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_or_404(selectors.access_session_by_id, user=_u(request), session_id=pk)
    can_manage = _can_manage(request)
    q = request.GET.get("q", "")
    trainees = selectors.trainees_to_place(user=_u(request), session=session) if can_manage else []
    return render(
        request,
        "vocation/session_detail.html",
        {
            "session": session,
            "placements": selectors.placement_list(user=_u(request), session=session),
            "form": PlacementForm(trainees=trainees),
            "q": q,
            "found": selectors.members_to_enrol(user=_u(request), query=q) if can_manage and q else [],
            "can_manage": can_manage,
            "breadcrumbs": _crumbs(
                (_("Job sessions"), reverse("vocation:session-list")), (str(session), None)
            ),
        },
    )


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def placement_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_or_404(selectors.access_session_by_id, user=_u(request), session_id=pk)
    trainee_id = int_param(request, "trainee", data=request.POST, invalid="not_found")
    member_id = int_param(request, "member", data=request.POST, invalid="not_found")
    trainee = (
        get_or_404(selectors.access_trainee_by_id, user=_u(request), trainee_id=trainee_id)
        if trainee_id
        else None
    )
    member = (
        get_or_404(selectors.access_member_by_id, user=_u(request), member_id=member_id)
        if member_id
        else None
    )
    try:
        placement = services.placement_add(
            session=session,
            trainee=trainee,
            member=member,
            employer=request.POST.get("employer", ""),
            acting_user=_u(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s was recorded as placed.") % {"name": placement.full_name})
    return redirect("vocation:session-detail", pk=session.pk)


@capability_required(Capability.MANAGE_VOCATION)
@require_POST
def placement_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = get_or_404(selectors.access_placement_by_id, user=_u(request), placement_id=pk)
    try:
        services.placement_remove(placement=placement, acting_user=_u(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The placement was removed."))
    return redirect("vocation:session-detail", pk=placement.session_id)
