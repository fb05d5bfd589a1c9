"""Reads of the periodic reports, always scoped through ``accounts.scoping``:

- requests: the office and the leader see those organised by a unit they see; a unit head those asking one
  of their units;
- reports: by their unit (``org_q`` on the report's unit): a unit head their own unit's, the office (scope:
  the department) and the leader all of the department's.

The overview of a request (expected units, status, on time / late / missing), the per-unit rates of a year
and the aggregate of a request are built here, from ``rates``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.models import AuditRecord
from giamngheo.org.models import OrgUnit

from . import rates
from .models import (
    EntryException,
    FieldKind,
    ReportRequest,
    ReportStatus,
    ReportTemplate,
    ReportValue,
    TemplateField,
    UnitReport,
)

NOTHING = Q(pk__in=[])


def _sees_all(user: User) -> bool:
    return can(user, Capability.MANAGE_UNIT_REPORTS) or can(user, Capability.APPROVE_UNIT_REPORTS)


def report_q(user: User, prefix: str = "") -> Q:
    """Reports whose unit the user sees (``prefix``: the path to the report, e.g. ``"reports__"``)."""
    if user.is_system_admin:
        return Q()
    if not (_sees_all(user) or can(user, Capability.SUBMIT_UNIT_REPORTS)):
        return NOTHING
    return org_q(user, f"{prefix}org_unit__path", f"{prefix}org_unit__area__path")


def request_q(user: User) -> Q:
    if user.is_system_admin:
        return Q()
    if _sees_all(user):
        return org_q(user, "organiser__path", "organiser__area__path")
    if can(user, Capability.SUBMIT_UNIT_REPORTS):
        return Q(pk__in=UnitReport.objects.filter(report_q(user)).values("request_id"))
    return NOTHING


# Templates --------------------------------------------------------------------------------------------------
def template_list(*, user: User, active_only: bool = False) -> QuerySet[ReportTemplate]:
    if not can(user, Capability.MANAGE_UNIT_REPORTS):
        return ReportTemplate.objects.none()
    qs = ReportTemplate.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name", "pk")


def access_template_by_id(*, user: User, template_id: int) -> ReportTemplate:
    template = template_list(user=user).filter(pk=template_id).first()
    if template is None:
        raise NotFound("template")
    return template


def template_fields(*, template: ReportTemplate) -> list[TemplateField]:
    return list(template.fields.order_by("sort_order", "pk"))


def access_field_by_id(*, user: User, field_id: int) -> TemplateField:
    field_ = (
        TemplateField.objects.filter(pk=field_id, template__in=template_list(user=user))
        .select_related("template")
        .first()
    )
    if field_ is None:
        raise NotFound("field")
    return field_


# Requests ---------------------------------------------------------------------------------------------------
def request_list(*, user: User, year: int | None = None, q: str = "") -> QuerySet[ReportRequest]:
    qs = ReportRequest.objects.filter(request_q(user)).select_related("template", "organiser")
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(template__name__icontains=q))
    return qs.order_by("-period_end", "-pk")


def request_years(*, user: User) -> list[int]:
    years = ReportRequest.objects.filter(request_q(user)).values_list("year", flat=True)
    return sorted(set(years), reverse=True)


def access_request_by_id(*, user: User, request_id: int) -> ReportRequest:
    request = (
        ReportRequest.objects.filter(request_q(user), pk=request_id)
        .select_related("template", "organiser")
        .first()
    )
    if request is None:
        raise NotFound("request")
    return request


def units_to_pick(*, user: User) -> list[OrgUnit]:
    """Units the office may ask (divisions and units it sees, open or closed: the period decides)."""
    return list(OrgUnit.objects.filter(org_q(user)).exclude(kind="department").order_by("path"))


# Reports ---------------------------------------------------------------------------------------------------
def access_report_by_id(*, user: User, report_id: int) -> UnitReport:
    report = (
        UnitReport.objects.filter(
            report_q(user), pk=report_id, request__in=ReportRequest.objects.filter(request_q(user))
        )
        .select_related("request", "request__template", "org_unit", "submitted_by")
        .first()
    )
    if report is None:
        raise NotFound("report")
    return report


@dataclass(frozen=True)
class Entry:
    field: TemplateField
    number: Decimal | None
    text: str


def report_entries(*, report: UnitReport) -> list[Entry]:
    values = {v.field_id: v for v in report.values.all()}
    return [
        Entry(
            field=f,
            number=values[f.pk].number if f.pk in values else None,
            text=values[f.pk].text if f.pk in values else "",
        )
        for f in TemplateField.objects.filter(template_id=report.request.template_id).order_by(
            "sort_order", "pk"
        )
    ]


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    action: str
    note: str
    status: str


def report_history(*, report: UnitReport) -> list[HistoryRow]:
    """The report's changes of status (and saves), oldest first, from the audit trail."""
    rows = []
    for rec in (
        AuditRecord.objects.filter(target_type=UnitReport._meta.label_lower, target_id=str(report.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    ):
        after = rec.after or {}
        at = rec.created_at
        if after.get("at"):
            at = dt.datetime.fromisoformat(after["at"])
        who = (getattr(rec.actor, "full_name", "") or rec.actor_name) if rec.actor else gettext("System")
        rows.append(
            HistoryRow(at=at, who=who, action=rec.action, note=rec.note, status=str(after.get("status", "")))
        )
    return rows


@dataclass(frozen=True)
class ToDo:
    report: UnitReport
    deadline: dt.date
    open: bool
    overdue: bool


def reports_to_do(*, user: User, today: dt.date | None = None) -> list[ToDo]:
    """The reports of the user's own units still to fill in or correct (drafts and returned)."""
    from .services import entry_open

    if not can(user, Capability.SUBMIT_UNIT_REPORTS):
        return []
    today = today or timezone.localdate()
    qs = (
        UnitReport.objects.filter(
            org_q(user, "org_unit__path", None), status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)
        )
        .select_related("request", "request__template", "org_unit")
        .prefetch_related("request__exceptions")
        .order_by("request__due_date", "org_unit__path")
    )
    result = []
    for r in qs:
        deadline = rates.deadline_for(r.request, r.org_unit_id)
        result.append(
            ToDo(report=r, deadline=deadline, open=entry_open(r, today=today), overdue=today > deadline)
        )
    return result


def my_reports(*, user: User) -> QuerySet[UnitReport]:
    """The reports of the user's own units already submitted (latest first)."""
    return (
        UnitReport.objects.filter(org_q(user, "org_unit__path", None))
        .exclude(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
        .select_related("request", "org_unit")
        .order_by("-request__period_end", "org_unit__path")
    )


def reports_awaiting(*, user: User, status: str) -> QuerySet[UnitReport]:
    return (
        UnitReport.objects.filter(report_q(user), status=status)
        .select_related("request", "org_unit")
        .order_by("request__due_date", "org_unit__path")
    )


# Overview of a request ----------------------------------------------------------------------------------
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


@dataclass(frozen=True)
class UnitRow:
    unit: OrgUnit
    report: UnitReport | None
    deadline: dt.date
    extension: EntryException | None
    timeliness: str  # ON_TIME, LATE, MISSING (past the deadline), PENDING (not yet due)


@dataclass
class Overview:
    rows: list[UnitRow] = field(default_factory=list)
    expected: int = 0
    received: int = 0
    on_time: int = 0
    not_expected: list[OrgUnit] = field(default_factory=list)

    @property
    def completeness(self) -> float | None:
        return rates.Timeliness(self.expected, self.received, self.on_time).completeness

    @property
    def timeliness(self) -> float | None:
        return rates.Timeliness(self.expected, self.received, self.on_time).timeliness


def request_overview(*, user: User, request: ReportRequest, today: dt.date | None = None) -> Overview:
    today = today or timezone.localdate()
    request = ReportRequest.objects.prefetch_related("units", "exceptions").get(pk=request.pk)
    expected = rates.expected_unit_ids(request)
    visible = OrgUnit.objects.filter(org_q(user)).values_list("pk", flat=True)
    reports = {
        r.org_unit_id: r
        for r in UnitReport.objects.filter(report_q(user), request=request).select_related("submitted_by")
    }
    extensions: dict[int, EntryException] = {}
    for e in sorted(request.exceptions.all(), key=lambda e: e.until):
        extensions[e.org_unit_id] = e
    tally = rates.report_timeliness(year=request.year, unit_ids=expected, requests=[request])
    overview = Overview()
    visible_ids = set(visible)
    for unit in sorted(request.units.all(), key=lambda u: u.path):
        if unit.pk not in visible_ids:
            continue
        if unit.pk not in expected:
            overview.not_expected.append(unit)
            continue
        deadline = rates.deadline_for(request, unit.pk)
        t = tally[unit.pk]
        if t.on_time:
            status = ON_TIME
        elif t.received:
            status = LATE
        else:
            status = MISSING if today > deadline else PENDING
        overview.rows.append(
            UnitRow(
                unit=unit,
                report=reports.get(unit.pk),
                deadline=deadline,
                extension=extensions.get(unit.pk),
                timeliness=status,
            )
        )
        overview.expected += t.expected
        overview.received += t.received
        overview.on_time += t.on_time
    return overview


@dataclass(frozen=True)
class RequestSummary:
    request: ReportRequest
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return rates.Timeliness(self.expected, self.received, self.on_time).completeness


def request_summaries(*, requests: list[ReportRequest]) -> list[RequestSummary]:
    result = []
    for request in requests:
        expected = rates.expected_unit_ids(request)
        tally = rates.report_timeliness(year=request.year, unit_ids=expected, requests=[request])
        result.append(
            RequestSummary(
                request=request,
                expected=sum(t.expected for t in tally.values()),
                received=sum(t.received for t in tally.values()),
                on_time=sum(t.on_time for t in tally.values()),
            )
        )
    return result


@dataclass(frozen=True)
class UnitRate:
    unit: OrgUnit
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return rates.Timeliness(self.expected, self.received, self.on_time).completeness

    @property
    def timeliness(self) -> float | None:
        return rates.Timeliness(self.expected, self.received, self.on_time).timeliness


def unit_rates(*, user: User, year: int, today: dt.date | None = None) -> list[UnitRate]:
    """Each unit asked in the year's requests already due (that the user sees): expected, received, on time,
    rates. A request not yet due expects nothing yet."""
    due = [r.pk for r in rates.requests_due(year=year, today=today)]
    requests = list(ReportRequest.objects.filter(request_q(user), pk__in=due))
    unit_ids = set(
        ReportRequest.units.through.objects.filter(reportrequest__in=requests).values_list(
            "orgunit_id", flat=True
        )
    )
    units = OrgUnit.objects.filter(org_q(user), pk__in=unit_ids).order_by("path")
    tally = rates.report_timeliness(year=year, unit_ids=[u.pk for u in units], requests=requests)
    return [
        UnitRate(
            unit=u, expected=tally[u.pk].expected, received=tally[u.pk].received, on_time=tally[u.pk].on_time
        )
        for u in units
        if tally[u.pk].expected
    ]


# Aggregate of a request ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureTotal:
    field: TemplateField
    total: Decimal | None  # None when no report gave it
    given: int
    received: int


@dataclass(frozen=True)
class Narrative:
    field: TemplateField
    entries: list[tuple[OrgUnit, str]]


@dataclass(frozen=True)
class Aggregate:
    received: int
    expected: int
    figures: list[FigureTotal]
    narratives: list[Narrative]
    by_unit: list[tuple[OrgUnit, dict[int, Decimal | None]]]


def request_aggregate(*, user: User, request: ReportRequest) -> Aggregate:
    """Each figure summed over the received reports (and how many gave it: an unknown is not a zero),
    narratives listed by unit."""
    expected = rates.expected_unit_ids(request)
    reports = list(
        UnitReport.objects.filter(report_q(user), request=request, status__in=rates.RECEIVED)
        .select_related("org_unit")
        .order_by("org_unit__path")
    )
    values: dict[tuple[int, int], ReportValue] = {
        (v.report_id, v.field_id): v for v in ReportValue.objects.filter(report__in=reports)
    }
    fields = list(TemplateField.objects.filter(template_id=request.template_id).order_by("sort_order", "pk"))
    figures, narratives = [], []
    for f in fields:
        if f.kind == FieldKind.FIGURE:
            given = [values[(r.pk, f.pk)].number for r in reports if (r.pk, f.pk) in values]
            numbers = [n for n in given if n is not None]
            figures.append(
                FigureTotal(
                    field=f,
                    total=sum(numbers, Decimal(0)) if numbers else None,
                    given=len(numbers),
                    received=len(reports),
                )
            )
        else:
            entries = [
                (r.org_unit, values[(r.pk, f.pk)].text)
                for r in reports
                if (r.pk, f.pk) in values and values[(r.pk, f.pk)].text
            ]
            narratives.append(Narrative(field=f, entries=entries))
    by_unit = [
        (
            r.org_unit,
            {
                f.pk: values[(r.pk, f.pk)].number if (r.pk, f.pk) in values else None
                for f in fields
                if f.kind == FieldKind.FIGURE
            },
        )
        for r in reports
    ]
    return Aggregate(
        received=len(reports),
        expected=len(expected),
        figures=figures,
        narratives=narratives,
        by_unit=by_unit,
    )


def figure_fields(*, request: ReportRequest) -> list[TemplateField]:
    return list(
        TemplateField.objects.filter(template_id=request.template_id, kind=FieldKind.FIGURE).order_by(
            "sort_order", "pk"
        )
    )


def exception_list(*, request: ReportRequest) -> list[EntryException]:
    return list(request.exceptions.select_related("org_unit", "granted_by").order_by("-until", "-pk"))


def asked_units(*, request: ReportRequest) -> list[OrgUnit]:
    return list(request.units.order_by("path"))
