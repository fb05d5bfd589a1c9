from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.errors import ApplicationError, NotFound
from giamngheo.core.exports import export_record
from giamngheo.core.views import form_error, get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import table_download, wants_xlsx, write_table
from giamngheo.geo.selectors import communes_in_scope, today, vi_ordered
from giamngheo.households.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_stream
from giamngheo.households.reference import Category
from giamngheo.households.selectors import access_household_by_id, national_id_display

from . import print_tables, selectors, services
from .coverage import Tally, band
from .models import FundingSource, Policy, PolicyArea, SupportRecord
from .support_forms import (
    BulkRecordForm,
    CancelForm,
    CoverageFilterForm,
    SpendingFilterForm,
    SupportRecordForm,
)
from .tasks import coverage_rebuild_start

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


@require_GET
def policy_list(request: AuthenticatedRequest) -> HttpResponse:
    area = request.GET.get("area", "")
    area = area if area in PolicyArea.values else ""
    q = request.GET.get("q", "").strip()[:100]
    manager = can(request.user, Capability.MANAGE_POLICIES)
    policies = selectors.policy_list(user=request.user, area=area, q=q, include_inactive=manager)
    return render(
        request,
        "policies/policy_list.html",
        {
            "page_obj": paginate(request, policies),
            "areas": PolicyArea.choices,
            "area": area,
            "q": q,
            "can_manage_policies": manager,
            "breadcrumbs": [(_("Policies"), None)],
        },
    )


@require_GET
def policy_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = get_or_404(selectors.access_policy_by_code, user=request.user, code=code)
    return render(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "rule": json.dumps(policy.rule, ensure_ascii=False),
            "can_manage_policies": can(request.user, Capability.MANAGE_POLICIES),
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (policy.code, None)],
        },
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def household_policies(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The policies section of a household card (loaded into the card by htmx)."""
    try:
        household, verdicts = selectors.household_policies(user=request.user, household_id=pk, on=today())
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "policies/_household_policies.html",
        {
            "household": household,
            "verdicts": verdicts,
            "requests": selectors.household_requests(user=request.user, household_id=household.pk),
            "can_record": can(request.user, Capability.RECORD_SUPPORT),
        },
    )


# --- Coverage ----------------------------------------------------------------------------------------


def _coverage_filters(request: AuthenticatedRequest) -> CoverageFilterForm:
    return CoverageFilterForm(
        request.GET or None,
        years=selectors.coverage_years(),
        communes=vi_ordered(communes_in_scope(user=request.user)),
    )


def _area_query(year: int, commune: Model | None, village: Model | None, priority: bool = False) -> str:
    query = QueryDict(mutable=True)
    query["year"] = str(year)
    if commune is not None:
        query["commune"] = str(commune.pk)
    if village is not None:
        query["village"] = str(village.pk)
    if priority:
        query["priority"] = "1"
    return query.urlencode()


def _priority(request: AuthenticatedRequest) -> bool:
    """``?priority=1``: only the priority communes and villages of the year (plans' priority areas)."""
    data = request.POST if request.method == "POST" else request.GET
    return data.get("priority") == "1"


def _priority_context(request: AuthenticatedRequest, year: int) -> dict[str, Any]:
    priority = _priority(request)
    return {
        "priority": priority,
        "priority_none": priority and not selectors.priority_marked(year=year),
    }


@capability_required(Capability.VIEW_TABLES)
@require_GET
def coverage(request: AuthenticatedRequest) -> HttpResponse:
    """Per policy: eligible, covered, coverage % and the gap, for the user's area or a commune/village."""
    form = _coverage_filters(request)
    year, commune, village = form.values()
    area = request.GET.get("area", "")
    area = area if area in PolicyArea.values else ""
    rows = selectors.coverage_by_policy(
        user=request.user,
        year=year,
        commune_id=commune.pk if commune else None,
        village_id=village.pk if village else None,
        area=area,
        priority=_priority(request),
    )
    total = sum((r.tally for r in rows), Tally())
    scope = print_tables.scope_name(request.user, village, commune)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"bao-phu-chinh-sach-{year}.xlsx",
            title=_("Policy coverage"),
            scope=scope,
            year=year,
            sections=[print_tables.coverage_section(rows, total)],
        )
    return render(
        request,
        "policies/coverage.html",
        {
            "form": form,
            "rows": [(r, band(r.tally.percent)) for r in rows],
            "total": total,
            "year": year,
            "commune": commune,
            "village": village,
            "area": area,
            "areas": PolicyArea.choices,
            "area_query": _area_query(year, commune, village, _priority(request)),
            "can_see_households": can(request.user, Capability.VIEW_HOUSEHOLDS),
            "can_rebuild": can(request.user, Capability.MANAGE_POLICIES),
            "refreshed_at": selectors.coverage_counted_at(year=year),
            "scope": scope,
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (_("Coverage"), None)],
        }
        | _priority_context(request, year),
    )


@capability_required(Capability.MANAGE_POLICIES)
@require_POST
def coverage_rebuild(request: AuthenticatedRequest) -> HttpResponse:
    """Recount a year's coverage for the whole province in the background."""
    year = int_param(request, "year", data=request.POST, invalid="ignore")
    if year is not None and not 2000 <= year <= timezone.localdate().year:
        year = None
    if year is None:
        raise BadRequest("year")
    coverage_rebuild_start(year=year, acting_user=request.user)
    messages.success(request, _("The coverage of %(year)s is being recounted.") % {"year": year})
    return redirect(f"{reverse('policies:coverage')}?year={year}")


@capability_required(Capability.VIEW_TABLES)
@require_GET
def coverage_matrix(request: AuthenticatedRequest) -> HttpResponse:
    """Communes × policy areas, coloured by coverage, worst first."""
    form = _coverage_filters(request)
    year, _commune, _village = form.values()
    areas, rows = selectors.coverage_matrix(user=request.user, year=year, priority=_priority(request))
    labels = dict(PolicyArea.choices)
    scope = print_tables.scope_name(request.user)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"bao-phu-xa-linh-vuc-{year}.xlsx",
            title=_("Coverage by commune and policy area"),
            scope=scope,
            year=year,
            sections=[print_tables.matrix_section([(a, str(labels[a])) for a in areas], rows)],
        )
    table = [
        (
            row,
            band(row.total.percent),
            [(row.cells.get(a), band(row.cells[a].percent) if a in row.cells else "none") for a in areas],
        )
        for row in rows
    ]
    return render(
        request,
        "policies/coverage_matrix.html",
        {
            "form": form,
            "year": year,
            "areas": [(a, labels[a]) for a in areas],
            "table": table,
            "scope": scope,
            **_priority_context(request, year),
            "breadcrumbs": [
                (_("Policies"), reverse("policies:policy-list")),
                (_("Coverage"), f"{reverse('policies:coverage')}?year={year}"),
                (_("Communes × policy areas"), None),
            ],
        },
    )


# --- Gap lists and bulk recording --------------------------------------------------------------------

GAP_HEADERS = [
    "Xã/phường",
    "Thôn/ấp",
    "Mã hộ",
    "Chủ hộ",
    "Phân loại hộ",
    "Người được hưởng",
    "Ngày sinh",
    "Số CCCD",
    "Chính sách",
]


def _gap_rows(entitlements: QuerySet[Any], policy: Policy, user: User) -> Iterator[list[Any]]:
    shown = national_id_display(user=user)
    categories = dict(Category.choices)
    for e in entitlements.iterator(chunk_size=2000):
        h = e.household
        m = e.member
        yield [
            e.commune.name,
            e.village.name if e.village else "",
            h.code,
            h.head_name,
            str(categories.get(h.category, h.category)),
            m.full_name if m else h.head_name,
            m.date_of_birth if m else None,
            shown(m.national_id) if m else "",
            policy.code,
        ]


def _gap(request: AuthenticatedRequest, policy: Policy, form: CoverageFilterForm) -> QuerySet[Any]:
    """The gap list the filters ask for (year, commune, village), in the user's area."""
    year, commune, village = form.values()
    return selectors.gap_list(
        user=request.user,
        policy=policy,
        year=year,
        commune_id=commune.pk if commune else None,
        village_id=village.pk if village else None,
        priority=_priority(request),
    )


def _gap_context(request: AuthenticatedRequest, policy: Policy, form: CoverageFilterForm) -> dict[str, Any]:
    year, commune, village = form.values()
    page = paginate(request, _gap(request, policy, form), per_page=50)
    today = timezone.localdate()
    return {
        "policy": policy,
        "form": form,
        "page_obj": page,
        "year": year,
        "commune": commune,
        "village": village,
        "area_query": _area_query(year, commune, village, _priority(request)),
        **_priority_context(request, year),
        "today": today,
        "can_record": can(request.user, Capability.RECORD_SUPPORT) and year == today.year,
        "breadcrumbs": [
            (_("Policies"), reverse("policies:policy-list")),
            (_("Coverage"), f"{reverse('policies:coverage')}?{_area_query(year, commune, village)}"),
            (policy.code, None),
        ],
    }


# The guard is typed for HttpResponse; this view may stream a file.
@capability_required(Capability.VIEW_HOUSEHOLDS)  # type: ignore[arg-type]
@require_GET
def gap_list(request: AuthenticatedRequest, code: str) -> HttpResponseBase:
    """Who is entitled to a policy and has not received it (in a year, an area), with links to the
    household cards; exportable; with bulk recording for the list."""
    policy = get_or_404(selectors.access_policy_by_code, user=request.user, code=code)
    form = _coverage_filters(request)
    kind = request.GET.get("format", "")
    if kind in ("xlsx", "csv"):
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA):
            raise PermissionDenied
        year, _commune, _village = form.values()
        gap = _gap(request, policy, form)
        rows = _gap_rows(gap, policy, request.user)
        filename = f"chua-nhan-{policy.code}-{year}.{kind}"
        export_record(
            request=request,
            kind=ExportKind.GAP_LIST,
            fmt=kind,
            rows=gap.count(),
            detail=policy.code,
            filename=filename,
        )
        if kind == "csv":
            response = StreamingHttpResponse(csv_stream(rows, GAP_HEADERS), content_type=CSV_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
        write_table(out, sheet=f"Chưa nhận {policy.code}", headers=GAP_HEADERS, rows=rows, freeze="A2")
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    context = _gap_context(request, policy, form)
    context["record_form"] = BulkRecordForm(initial={"project": policy.project})
    return render(request, "policies/gap_list.html", context)


@capability_required(Capability.RECORD_SUPPORT)
@require_POST
def gap_record(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Record the policy for the gap list's recipients (all of them or those ticked): all or nothing."""
    policy = get_or_404(selectors.access_policy_by_code, user=request.user, code=code)
    filters = CoverageFilterForm(
        request.POST,
        years=selectors.coverage_years(),
        communes=vi_ordered(communes_in_scope(user=request.user)),
    )
    year, commune, village = filters.values()
    if year != timezone.localdate().year:  # as on the page: only the current year's list is recorded
        raise BadRequest("year")
    record_form = BulkRecordForm(request.POST)
    problems: list[str] = []
    if record_form.is_valid():
        listed = [(e.household_id, e.member_id, e) for e in _gap(request, policy, filters)]
        if record_form.cleaned_data["selection"] == BulkRecordForm.PICKED:
            wanted = set(record_form.picked())
            listed = [t for t in listed if (t[0], t[1]) in wanted]
        recipients = [services.Recipient(h, m) for h, m, _e in listed]
        try:
            records = services.support_records_create(
                policy=policy,
                recipients=recipients,
                data=services.SupportData(**record_form.support_values()),
                acting_user=request.user,
            )
        except services.SupportRejected as exc:
            for position, message in exc.errors[:50]:
                e = listed[position][2]
                who = e.member.full_name if e.member else e.household.head_name
                problems.append(f"{e.household.code} · {who}: {message}")
            record_form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form_error(record_form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Recorded %(count)d recipient of %(policy)s.",
                    "Recorded %(count)d recipients of %(policy)s.",
                    len(records),
                )
                % {"count": len(records), "policy": policy.code},
            )
            return redirect(
                f"{reverse('policies:gap-list', args=[policy.code])}"
                f"?{_area_query(year, commune, village, _priority(request))}"
            )
    context = _gap_context(request, policy, filters)
    context["record_form"] = record_form
    context["problems"] = problems
    return render(request, "policies/gap_list.html", context, status=400)


# --- Support records ----------------------------------------------------------------------------------


@capability_required(Capability.RECORD_SUPPORT)
@require_http_methods(["GET", "POST"])
def support_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record one policy received by a household or one of its members (from the household card)."""
    household = get_or_404(access_household_by_id, user=request.user, household_id=pk)
    today = timezone.localdate()
    policies = selectors.policy_list(user=request.user).filter(valid_from__lte=today)
    members = [
        (m.pk, f"{m.full_name} ({m.date_of_birth:%d/%m/%Y})")
        for m in household.members.filter(is_active=True).order_by("date_of_birth", "pk")
    ]
    initial = {"policy": request.GET.get("policy", ""), "member": request.GET.get("member", "")}
    form = SupportRecordForm(request.POST or None, initial=initial, policies=policies, members=members)
    if request.method == "POST" and form.is_valid():
        policy = form.cleaned_data["policy"]
        recipient = services.Recipient(household.pk, form.cleaned_data["member"])
        try:
            services.support_records_create(
                policy=policy,
                recipients=[recipient],
                data=services.SupportData(**form.support_values()),
                acting_user=request.user,
            )
        except services.SupportRejected as exc:
            for _position, message in exc.errors:
                form.add_error("member" if policy.level == "member" else None, message)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Support recorded: %(policy)s.") % {"policy": policy})
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "policies/support_form.html",
        {
            "form": form,
            "household": household,
            "breadcrumbs": [
                (_("Households"), reverse("households:household-list")),
                (household.code, reverse("households:household-detail", args=[household.pk])),
                (_("Record support"), None),
            ],
        },
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def support_list(request: AuthenticatedRequest) -> HttpResponse:
    communes = vi_ordered(communes_in_scope(user=request.user))
    form = SpendingFilterForm(request.GET or None, communes=communes)
    period_start, period_end, commune = form.period()
    start: dt.date | None = period_start
    end: dt.date | None = period_end
    household_id = int_param(request, "household")  # a malformed or huge id: 400, never a 500
    if household_id is not None and not request.GET.get("date_from") and not request.GET.get("date_to"):
        start = end = None  # one household's support: every year
    try:
        policy = selectors.access_policy_by_code(user=request.user, code=request.GET.get("policy", ""))
    except NotFound:
        policy = None  # no policy chosen (or an unknown code): every policy
    filters = selectors.SupportFilters(
        date_from=start,
        date_to=end,
        commune_id=commune.pk if commune else None,
        policy_id=policy.pk if policy else None,
        household_id=household_id,
        include_cancelled=request.GET.get("cancelled") == "1",
    )
    page = paginate(request, selectors.support_record_list(user=request.user, filters=filters))
    return render(
        request,
        "policies/support_list.html",
        {
            "form": form,
            "page_obj": page,
            "policies": selectors.policy_list(user=request.user, include_inactive=True),
            "policy": policy,
            "show_cancelled": filters.include_cancelled,
            "can_record": can(request.user, Capability.RECORD_SUPPORT),
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (_("Support records"), None)],
        },
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_GET
def support_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = get_or_404(selectors.access_support_record, user=request.user, record_id=pk)
    return render(
        request, "policies/support_detail.html", _support_detail_context(request, record, CancelForm())
    )


def _support_detail_context(
    request: AuthenticatedRequest, record: SupportRecord, form: CancelForm
) -> dict[str, Any]:
    return {
        "record": record,
        "cancel_form": form,
        "can_cancel": can(request.user, Capability.RECORD_SUPPORT) and record.cancelled_at is None,
        "national_id": national_id_display(user=request.user)(
            record.member.national_id if record.member else ""
        ),
        "breadcrumbs": [
            (_("Policies"), reverse("policies:policy-list")),
            (_("Support records"), reverse("policies:support-list")),
            (f"#{record.pk}", None),
        ],
    }


@capability_required(Capability.RECORD_SUPPORT)
@require_POST
def support_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = get_or_404(selectors.access_support_record, user=request.user, record_id=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            lambda: services.support_record_cancel(
                record=record, reason=form.cleaned_data["reason"], acting_user=request.user
            ),
        )
        if done is not None:
            messages.success(request, _("The record was cancelled."))
            return redirect("policies:support-detail", pk=record.pk)
    return render(
        request, "policies/support_detail.html", _support_detail_context(request, record, form), status=400
    )


# --- Spending ------------------------------------------------------------------------------------------


@capability_required(Capability.VIEW_TABLES)
@require_GET
def spending(request: AuthenticatedRequest) -> HttpResponse:
    """Money and records of support delivered in a period, per project, funding source and policy area."""
    communes = vi_ordered(communes_in_scope(user=request.user))
    form = SpendingFilterForm(request.GET or None, communes=communes)
    start, end, commune = form.period()
    totals = selectors.spending_totals(
        user=request.user,
        filters=selectors.SupportFilters(
            date_from=start, date_to=end, commune_id=commune.pk if commune else None
        ),
    )
    sources, areas = dict(FundingSource.choices), dict(PolicyArea.choices)
    by_project = [(p or _("(no project)"), n, a) for p, n, a in totals.by_project]
    by_source = [(sources.get(s, s), n, a) for s, n, a in totals.by_source]
    by_area = [(areas.get(s, s), n, a) for s, n, a in totals.by_area]
    scope = print_tables.scope_name(request.user, commune)
    period = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"chi-ho-tro-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            title=_("Spending on support"),
            scope=scope,
            period=period,
            sections=print_tables.spending_sections(
                [
                    (_("By programme project"), by_project),
                    (_("By funding source"), by_source),
                    (_("By policy area"), by_area),
                ]
            ),
        )
    return render(
        request,
        "policies/spending.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "commune": commune,
            "totals": totals,
            "by_project": by_project,
            "by_source": by_source,
            "by_area": by_area,
            "scope": scope,
            "period": period,
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (_("Spending"), None)],
        },
    )
