"""Pages and Excel exports of the official tables (docs/official-tables.md). Thin: parse the round, the
sort and the commune, call a generator in ``tables``, render a template or the Excel formatter."""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, paginate

from . import csv_format, table_selectors, tables, xlsx
from .models import ReviewRound


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _round(request: AuthenticatedRequest) -> tuple[ReviewRound | None, list[ReviewRound], int | None]:
    """The round of ``?year=`` (default: the latest the user sees), every round for the selector, and the
    year asked for."""
    rounds = list(table_selectors.round_list(user=request.user))
    year = _int(request.GET.get("year"))
    if year is None:
        return (rounds[0] if rounds else None), rounds, None
    return next((r for r in rounds if r.year == year), None), rounds, year


def _index_crumb(review_round: ReviewRound | None) -> tuple[str, str]:
    url = reverse("tables:index")
    return _("Official tables"), f"{url}?year={review_round.year}" if review_round else url


def _kind(slug: str) -> tables.ListKind:
    kind = tables.LIST_KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _commune_id(request: AuthenticatedRequest) -> int | None:
    """The id of ``?commune=`` (none: ``None``; not a number: 404); the views open the commune with
    ``table_selectors.access_commune`` (not the user's: the same 404)."""
    raw = request.GET.get("commune")
    if not raw:
        return None
    commune_id = _int(raw)
    if commune_id is None:
        raise Http404
    return commune_id


def _csv(table: tables.Table) -> HttpResponse:
    """The table as CSV, streamed row by row (no cap)."""
    response = StreamingHttpResponse(csv_format.csv_stream(table), content_type=csv_format.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{table.filename.rsplit(".", 1)[0]}.csv"'
    return cast(HttpResponse, response)


def _xlsx(table: tables.Table) -> HttpResponse:
    """The workbook streamed from its temporary file. (``FileResponse`` is a streaming response, not an
    ``HttpResponse``; the cast only satisfies the annotation of ``capability_required``.)"""
    response = FileResponse(
        xlsx.xlsx_file(table), as_attachment=True, filename=table.filename, content_type=xlsx.CONTENT_TYPE
    )
    return cast(HttpResponse, response)


def _download(
    request: AuthenticatedRequest,
    table: tables.Table,
    *,
    kind: ExportKind,
    rows: int | None = None,
    detail: str = "",
) -> HttpResponse:
    """The table as ``?format=csv`` or as a workbook, after writing the export log's row."""
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    if rows is None and isinstance(table.rows, list | tuple):
        rows = len(table.rows)
    filename = f"{table.filename.rsplit('.', 1)[0]}.csv" if fmt == "csv" else table.filename
    export_record(
        request=request, kind=kind, fmt=fmt, rows=rows, detail=detail or table.title_vi, filename=filename
    )
    return _csv(table) if fmt == "csv" else _xlsx(table)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def index(request: AuthenticatedRequest) -> HttpResponse:
    review_round, rounds, year = _round(request)
    context: dict[str, Any] = {
        "review_round": review_round,
        "rounds": rounds,
        "year": year,
        "kinds": list(tables.LIST_KINDS.values()),
        "forms": list(tables.FORMS.values()),
        "can_view_households": can(request.user, Capability.VIEW_HOUSEHOLDS),
        "breadcrumbs": [(_("Official tables"), None)],
    }
    return render(request, "tables/index.html", context)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def summary(request: AuthenticatedRequest) -> HttpResponse:
    review_round, rounds, year = _round(request)
    sort = tables.SORT_RATE if request.GET.get("sort") == tables.SORT_RATE else ""
    table = (
        tables.summary_table(user=request.user, review_round=review_round, sort=sort)
        if review_round is not None
        else None
    )
    context: dict[str, Any] = {
        "review_round": review_round,
        "rounds": rounds,
        "year": year,
        "sort": sort,
        "table": table,
        "rows": list(table.rows) if table is not None else [],
        "can_view_households": can(request.user, Capability.VIEW_HOUSEHOLDS),
        "breadcrumbs": [_index_crumb(review_round), (_("Summary of the review results"), None)],
    }
    return render(request, "tables/summary.html", context)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def summary_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    review_round, _rounds, _year = _round(request)
    if review_round is None:
        raise Http404
    sort = tables.SORT_RATE if request.GET.get("sort") == tables.SORT_RATE else ""
    table = tables.summary_table(user=request.user, review_round=review_round, sort=sort, official=True)
    return _download(request, table, kind=ExportKind.OFFICIAL_SUMMARY)


@require_safe
@capability_required(Capability.VIEW_TABLES)
@capability_required(Capability.VIEW_HOUSEHOLDS)
def household_list(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    list_kind = _kind(kind)
    review_round, rounds, year = _round(request)
    context: dict[str, Any] = {
        "kind": list_kind,
        "review_round": review_round,
        "rounds": rounds,
        "year": year,
        "breadcrumbs": [_index_crumb(review_round), (str(list_kind.label), None)],
    }
    if review_round is not None:
        commune = None
        if (commune_id := _commune_id(request)) is not None:  # not the user's: the same 404
            commune = get_or_404(
                table_selectors.access_commune,
                user=request.user,
                review_round=review_round,
                commune_id=commune_id,
            )
        queryset = tables.household_queryset(
            user=request.user, review_round=review_round, kind=list_kind, commune=commune
        )
        page = paginate(request, queryset)
        dates = (
            table_selectors.decision_dates(user=request.user, review_round=review_round)
            if list_kind.movement
            else {}
        )
        context |= {
            "commune": commune,
            "communes": table_selectors.commune_choices(user=request.user, review_round=review_round),
            "page_obj": page,
            "columns": tables.LIST_COLUMNS,
            "rows": list(
                tables.household_rows(
                    page.object_list, review_round=review_round, start=page.start_index(), dates=dates
                )
            ),
        }
    return render(request, "tables/household_list.html", context)


@require_safe
@capability_required(Capability.VIEW_TABLES)
@capability_required(Capability.DOWNLOAD_PERSONAL_DATA)
def household_list_xlsx(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    list_kind = _kind(kind)
    review_round, _rounds, _year = _round(request)
    if review_round is None:
        raise Http404
    commune = None
    if (commune_id := _commune_id(request)) is not None:
        commune = get_or_404(
            table_selectors.access_commune,
            user=request.user,
            review_round=review_round,
            commune_id=commune_id,
        )
    table = tables.household_list_table(
        user=request.user, review_round=review_round, kind=list_kind, commune=commune
    )
    households = tables.household_queryset(
        user=request.user, review_round=review_round, kind=list_kind, commune=commune
    )
    return _download(request, table, kind=ExportKind.OFFICIAL_LIST, rows=households.count())


def _form(slug: str) -> tables.Form:
    form = tables.FORMS.get(slug)
    if form is None:
        raise Http404
    return form


@require_safe
@capability_required(Capability.VIEW_TABLES)
def form(request: AuthenticatedRequest, form: str) -> HttpResponse:
    """One of the Circular 07 templates (Mẫu 7.1–7.10) on screen, from the summaries only."""
    spec = _form(form)
    review_round, rounds, year = _round(request)
    table = (
        tables.form_table(user=request.user, review_round=review_round, form=spec)
        if review_round is not None
        else None
    )
    context: dict[str, Any] = {
        "form": spec,
        "forms": list(tables.FORMS.values()),
        "review_round": review_round,
        "rounds": rounds,
        "year": year,
        "table": table,
        "rows": list(table.rows) if table is not None and table.meta["communes"] else [],
        "breadcrumbs": [_index_crumb(review_round), (str(spec.label), None)],
    }
    return render(request, "tables/form.html", context)


@require_safe
@capability_required(Capability.VIEW_TABLES)
def form_xlsx(request: AuthenticatedRequest, form: str) -> HttpResponse:
    spec = _form(form)
    review_round, _rounds, _year = _round(request)
    if review_round is None:
        raise Http404
    table = tables.form_table(user=request.user, review_round=review_round, form=spec, official=True)
    return _download(request, table, kind=ExportKind.OFFICIAL_FORM)
