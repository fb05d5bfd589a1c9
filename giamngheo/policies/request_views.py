"""Pages of the requests on record for demand-driven policies (loans, water and sanitation loans): record a
household's request from its card, the list of requests per commune, a request and its decision."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, paginate, submit
from giamngheo.core.xlsx import write_table
from giamngheo.geo.selectors import communes_in_scope, vi_ordered
from giamngheo.households.exports import XLSX_CONTENT_TYPE
from giamngheo.households.selectors import access_household_by_id

from . import print_tables, selectors, services
from .models import RequestStatus, SupportRequest
from .request_forms import DecisionForm, RequestFilterForm, RequestForm


@capability_required(Capability.RECORD_SUPPORT)
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a household's request for a demand-driven policy (from the household card)."""
    household = get_or_404(access_household_by_id, user=request.user, household_id=pk)
    policies = selectors.requestable_policies(
        user=request.user, household_id=household.pk, on=timezone.localdate()
    )
    form = RequestForm(
        request.POST or None, initial={"policy": request.GET.get("policy", "")}, policies=policies
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = submit(
            form,
            lambda: services.support_request_create(
                household=household,
                policy=d["policy"],
                requested_on=d["requested_on"],
                note=d["note"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("Request recorded: %(policy)s.") % {"policy": done.policy})
            return redirect("households:household-detail", pk=household.pk)
    return render(
        request,
        "policies/request_form.html",
        {
            "form": form,
            "household": household,
            "policies": policies,
            "breadcrumbs": [
                (_("Households"), reverse("households:household-list")),
                (household.code, reverse("households:household-detail", args=[household.pk])),
                (_("Record a request"), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


REQUEST_HEADERS = [
    "Xã/phường",
    "Mã hộ",
    "Chủ hộ",
    "Chính sách",
    "Ngày đề nghị",
    "Trạng thái",
    "Ngày quyết định",
    "Ghi chú",
]


def _request_rows(rows: QuerySet[SupportRequest]) -> Iterator[list[Any]]:
    labels = dict(RequestStatus.choices)
    for r in rows.iterator(chunk_size=2000):
        yield [
            r.commune.name,
            r.household.code,
            r.household.head_name,
            f"{r.policy.code} · {r.policy.name}",
            r.requested_on,
            str(labels.get(r.status, r.status)),
            r.decided_on,
            r.note,
        ]


# The guard is typed for HttpResponse; this view may return a file.
@capability_required(Capability.VIEW_HOUSEHOLDS)  # type: ignore[arg-type]
@require_http_methods(["GET"])
def request_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """The requests on record in the user's communes, with filters; exportable."""
    communes = vi_ordered(communes_in_scope(user=request.user))
    policies = [p for p in selectors.policy_list(user=request.user) if p.eligibility.needs_request]
    form = RequestFilterForm(request.GET or None, communes=communes, policies=policies)
    values: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    by_code = {p.code: p for p in policies}
    policy = by_code.get(values.get("policy") or "")
    filters = selectors.RequestFilters(
        commune_id=values.get("commune"),
        policy_id=policy.pk if policy else None,
        status=values.get("status") or "",
        year=values.get("year"),
        q=values.get("q") or "",
    )
    rows = selectors.support_request_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA):
            raise PermissionDenied
        filename = "de-nghi-ho-tro.xlsx"
        export_record(
            request=request,
            kind=ExportKind.REQUEST_LIST,
            fmt="xlsx",
            rows=rows.count(),
            detail="Đề nghị hỗ trợ",
            filename=filename,
        )
        out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
        write_table(
            out, sheet="Đề nghị hỗ trợ", headers=REQUEST_HEADERS, rows=_request_rows(rows), freeze="A2"
        )
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    return render(
        request,
        "policies/request_list.html",
        {
            "form": form,
            "page_obj": paginate(request, rows),
            "can_download": can(request.user, Capability.DOWNLOAD_PERSONAL_DATA),
            "scope": print_tables.scope_name(request.user),
            "query": request.GET.urlencode(),
            "breadcrumbs": [(_("Policies"), reverse("policies:policy-list")), (_("Requests"), None)],
        },
    )


@capability_required(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A request and, while it is pending, its decision (approved, refused) or withdrawal."""
    row = get_or_404(selectors.access_support_request_by_id, user=request.user, request_id=pk)
    can_decide = can(request.user, Capability.RECORD_SUPPORT) and row.status == RequestStatus.REQUESTED
    form = DecisionForm(request.POST or None, initial={"version": row.version})
    if request.method == "POST":
        if not can(request.user, Capability.RECORD_SUPPORT):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            if d["status"] == RequestStatus.WITHDRAWN:
                done = submit(
                    form,
                    lambda: services.support_request_withdraw(
                        request=row,
                        withdrawn_on=d["decided_on"],
                        note=d["note"],
                        version=d["version"],
                        acting_user=request.user,
                    ),
                )
            else:
                done = submit(
                    form,
                    lambda: services.support_request_decide(
                        request=row,
                        status=d["status"],
                        decided_on=d["decided_on"],
                        note=d["note"],
                        version=d["version"],
                        acting_user=request.user,
                    ),
                )
            if done is not None:
                messages.success(request, _("The request was updated."))
                return redirect("policies:request-detail", pk=row.pk)
    return render(
        request,
        "policies/request_detail.html",
        {
            "row": row,
            "form": form,
            "can_decide": can_decide,
            "breadcrumbs": [
                (_("Policies"), reverse("policies:policy-list")),
                (_("Requests"), reverse("policies:request-list")),
                (f"#{row.pk}", None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )
