"""Writes of the periodic reports from units. Keyword-only, atomic, audited; on bad input nothing is written.

- Templates and their fields, requests (one per template and period) and extensions of entry: the office
  (``MANAGE_UNIT_REPORTS``).
- A unit's report: its head (``SUBMIT_UNIT_REPORTS``, their own unit) fills it in while entry is open — until
  the due date, or the end of an extension the office granted the unit — and submits it. A returned report
  is open again whatever the date (the office asked for it). The office may also enter and submit a report
  received late on paper (it is counted late).
- Approval climbs unit → office → leader: the office approves (submitted → office_approved), returns with
  comments (submitted → returned), withdraws its approval (office_approved → submitted) or reopens with a
  reason (submitted or office_approved → returned) — never once the leader has approved; the leader
  (``APPROVE_UNIT_REPORTS``) approves office-approved reports (→ leader_approved), which is final.

Every status change is audited with who, when and the reason (``note``); ``selectors.report_history`` reads
them back. ``when`` (the moment of a change) may be given only by system callers (the demo seed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.text import fold
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.org.selectors import department_for

from .models import (
    EntryException,
    FieldKind,
    PeriodKind,
    ReportRequest,
    ReportStatus,
    ReportTemplate,
    ReportValue,
    TemplateField,
    UnitReport,
)
from .periods import MAX_FIGURE, default_title, period_bounds
from .rates import deadline_for, existed_during

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# Permissions ------------------------------------------------------------------------------------------------
def _is_manager(user: User | None) -> bool:
    return user is None or can(user, Capability.MANAGE_UNIT_REPORTS)


def _require_manager(user: User | None, request: ReportRequest | None = None) -> None:
    if user is None:  # the demo seed, commands
        return
    if not can(user, Capability.MANAGE_UNIT_REPORTS):
        raise PermissionDenied(_("You may not manage the units' periodic reports."))
    if (
        request is not None
        and not user.is_system_admin
        and not OrgUnit.objects.filter(org_q(user), pk=request.organiser_id).exists()
    ):
        raise PermissionDenied(_("You may not manage the units' periodic reports."))


def _require_unit(user: User | None, report: UnitReport) -> None:
    """The office (its requests' reports) or the head of the report's unit."""
    if user is None or user.is_system_admin:
        return
    if can(user, Capability.MANAGE_UNIT_REPORTS):
        _require_manager(user, report.request)
        return
    if (
        not can(user, Capability.SUBMIT_UNIT_REPORTS)
        or not OrgUnit.objects.filter(org_q(user, "path", None), pk=report.org_unit_id).exists()
    ):
        raise PermissionDenied(_("You may fill in only the reports of your own unit."))


def _moment(when: dt.datetime | None, user: User | None) -> dt.datetime:
    if when is not None:
        if user is not None:
            raise ValueError("only system callers give the moment of a change")
        return when
    return timezone.now()


def entry_open(report: UnitReport, *, today: dt.date) -> bool:
    """Whether the unit may still fill the report in: a draft until the due date (or its extension), a
    returned report whatever the date."""
    if report.status == ReportStatus.RETURNED:
        return True
    if report.status != ReportStatus.DRAFT:
        return False
    return today <= deadline_for(report.request, report.org_unit_id)


# Templates --------------------------------------------------------------------------------------------------
TEMPLATE_FIELDS = ("name", "period_kind", "description", "is_active")


def _check_template(template: ReportTemplate) -> None:
    if not template.name.strip():
        raise ValidationFailed(_("Enter the name of the template."), extra={"field": "name"})
    if template.period_kind not in PeriodKind.values:
        raise ValidationFailed(_("Choose the period."), extra={"field": "period_kind"})


@transaction.atomic
def template_create(
    *, name: str, period_kind: str, description: str = "", acting_user: User | None
) -> ReportTemplate:
    _require_manager(acting_user)
    template = ReportTemplate(name=name.strip(), period_kind=period_kind, description=description.strip())
    _check_template(template)
    template.save()
    audit_record(
        actor=acting_user, action="unitreports.template.create", target=template, after=snapshot(template)
    )
    return template


@transaction.atomic
def template_update(
    *, template: ReportTemplate, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> ReportTemplate:
    check_fields(data, TEMPLATE_FIELDS)
    _require_manager(acting_user)
    locked = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    version_check(locked, version)
    before = snapshot(locked)
    if (
        "period_kind" in data
        and data["period_kind"] != locked.period_kind
        and ReportRequest.objects.filter(template=locked).exists()
    ):
        raise ValidationFailed(
            _("Reports were requested with this template: its period cannot change."),
            extra={"field": "period_kind"},
        )
    assign(locked, data)
    _check_template(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="unitreports.template.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


def _field_code(template: ReportTemplate, label: str) -> str:
    base = slugify(fold(label))[:34] or "field"
    code, n = base, 2
    while TemplateField.objects.filter(template=template, code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _check_field(field: TemplateField) -> None:
    if field.kind not in FieldKind.values:
        raise ValidationFailed(_("Choose the kind of field."), extra={"field": "kind"})
    if not field.label.strip():
        raise ValidationFailed(_("Enter the label of the field."), extra={"field": "label"})
    if field.kind == FieldKind.TEXT:
        field.unit = ""


@transaction.atomic
def field_add(
    *,
    template: ReportTemplate,
    kind: str,
    label: str,
    unit: str = "",
    required: bool = False,
    sort_order: int | None = None,
    acting_user: User | None,
) -> TemplateField:
    _require_manager(acting_user)
    locked = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    if sort_order is None:
        last = TemplateField.objects.filter(template=locked).order_by("-sort_order").first()
        sort_order = (last.sort_order + 1) if last else 1
    field = TemplateField(
        template=locked,
        kind=kind,
        label=label.strip(),
        unit=unit.strip(),
        required=required,
        sort_order=sort_order,
    )
    _check_field(field)
    field.code = _field_code(locked, field.label)
    field.save()
    audit_record(actor=acting_user, action="unitreports.field.add", target=field, after=snapshot(field))
    return field


FIELD_FIELDS = ("label", "unit", "required", "sort_order")


@transaction.atomic
def field_update(*, field: TemplateField, data: Mapping[str, Any], acting_user: User | None) -> TemplateField:
    check_fields(data, FIELD_FIELDS)
    _require_manager(acting_user)
    locked = TemplateField.objects.select_for_update().get(pk=field.pk)
    before = snapshot(locked)
    assign(locked, data)
    _check_field(locked)
    locked.save()
    audit_record(
        actor=acting_user,
        action="unitreports.field.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def field_delete(*, field: TemplateField, acting_user: User | None) -> None:
    _require_manager(acting_user)
    locked = TemplateField.objects.select_for_update().get(pk=field.pk)
    if ReportValue.objects.filter(field=locked).exists():
        raise ValidationFailed(
            _("Units have reported this field: it cannot be removed."), extra={"field": None}
        )
    audit_record(actor=acting_user, action="unitreports.field.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Requests ---------------------------------------------------------------------------------------------------
def default_units(*, organiser: OrgUnit, start: dt.date, end: dt.date) -> list[OrgUnit]:
    """The department's divisions and units that existed during the period (a unit closed with no date is
    not asked)."""
    units = OrgUnit.objects.filter(
        path__startswith=organiser.path,
        kind__in=(OrgUnitKind.DIVISION, OrgUnitKind.AFFILIATED_UNIT, OrgUnitKind.OTHER),
    ).exclude(pk=organiser.pk)
    return [
        u
        for u in units.order_by("path")
        if (u.is_active or u.valid_to is not None) and existed_during(u, start, end)
    ]


def _organiser(user: User | None, organiser: OrgUnit | None) -> OrgUnit:
    if organiser is None and user is not None:
        organiser = department_for(user=user)
    if organiser is None:
        raise ValidationFailed(_("No department to request the reports."), extra={"field": None})
    if (
        user is not None
        and not user.is_system_admin
        and not OrgUnit.objects.filter(org_q(user), pk=organiser.pk).exists()
    ):
        raise PermissionDenied(_("You may not manage the units' periodic reports."))
    return organiser


@transaction.atomic
def request_create(
    *,
    template: ReportTemplate,
    year: int,
    period: int | None,
    due_date: dt.date | None,
    units: Sequence[OrgUnit] | None = None,
    title: str = "",
    note: str = "",
    organiser: OrgUnit | None = None,
    acting_user: User | None,
) -> ReportRequest:
    """Ask the units for a report of ``template`` for a period of ``year``; ``units`` default to the
    department's divisions and units that existed during the period. A draft report is opened for each."""
    _require_manager(acting_user)
    organiser = _organiser(acting_user, organiser)
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )
    if template.period_kind == PeriodKind.YEAR:
        period = None
    try:
        start, end = period_bounds(template.period_kind, year, period)
    except ValueError:
        raise ValidationFailed(_("Choose the period."), extra={"field": "period"}) from None
    if due_date is None:
        raise ValidationFailed(_("Enter the due date."), extra={"field": "due_date"})
    if due_date < start:
        raise ValidationFailed(
            _("The due date cannot be before the period starts."), extra={"field": "due_date"}
        )
    if ReportRequest.objects.filter(template=template, period_start=start, period_end=end).exists():
        raise ValidationFailed(
            _("This report has already been requested for this period."), extra={"field": "period"}
        )
    if units is None:
        units = default_units(organiser=organiser, start=start, end=end)
    units = list(units)
    if not units:
        raise ValidationFailed(_("Choose the units that report."), extra={"field": "units"})
    for unit in units:
        if not unit.path.startswith(organiser.path):
            raise ValidationFailed(
                _("%(unit)s does not belong to the department.") % {"unit": unit.name},
                extra={"field": "units"},
            )
        if not existed_during(unit, start, end):
            raise ValidationFailed(
                _("%(unit)s did not exist during this period.") % {"unit": unit.name},
                extra={"field": "units"},
            )
    request = ReportRequest.objects.create(
        template=template,
        organiser=organiser,
        title=title.strip() or default_title(template.period_kind, year, period),
        year=year,
        period=period,
        period_start=start,
        period_end=end,
        due_date=due_date,
        note=note.strip(),
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    request.units.set(units)
    UnitReport.objects.bulk_create([UnitReport(request=request, org_unit=u) for u in units])
    audit_record(
        actor=acting_user,
        action="unitreports.request.create",
        target=request,
        after=snapshot(request) | {"units": sorted(u.pk for u in units)},
    )
    return request


REQUEST_FIELDS = ("title", "due_date", "note")


@transaction.atomic
def request_update(
    *, request: ReportRequest, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> ReportRequest:
    check_fields(data, REQUEST_FIELDS)
    locked = ReportRequest.objects.select_for_update().get(pk=request.pk)
    _require_manager(acting_user, locked)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    if not locked.title:
        raise ValidationFailed(_("Enter the title."), extra={"field": "title"})
    if locked.due_date is None:
        raise ValidationFailed(_("Enter the due date."), extra={"field": "due_date"})
    if locked.due_date < locked.period_start:
        raise ValidationFailed(
            _("The due date cannot be before the period starts."), extra={"field": "due_date"}
        )
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="unitreports.request.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def exception_grant(
    *,
    request: ReportRequest,
    org_unit: OrgUnit,
    until: dt.date | None,
    reason: str,
    acting_user: User | None,
) -> EntryException:
    """Keep entry open for one unit after the due date, until ``until``, with a reason."""
    locked = ReportRequest.objects.select_for_update().get(pk=request.pk)
    _require_manager(acting_user, locked)
    if not locked.units.filter(pk=org_unit.pk).exists():
        raise ValidationFailed(_("This unit was not asked for the report."), extra={"field": "org_unit"})
    if until is None:
        raise ValidationFailed(_("Enter the date entry stays open until."), extra={"field": "until"})
    if until <= locked.due_date:
        raise ValidationFailed(
            _("An extension ends after the due date (%(date)s).")
            % {"date": locked.due_date.strftime("%d/%m/%Y")},
            extra={"field": "until"},
        )
    if not reason.strip():
        raise ValidationFailed(_("Enter the reason of the extension."), extra={"field": "reason"})
    row = EntryException.objects.create(
        request=locked,
        org_unit=org_unit,
        until=until,
        reason=reason.strip(),
        granted_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(
        actor=acting_user,
        action="unitreports.exception.grant",
        target=locked,
        after={"org_unit": org_unit.pk, "until": until},
        note=reason.strip(),
    )
    return row


# A unit's report ------------------------------------------------------------------------------------------
def _lock_report(report: UnitReport) -> UnitReport:
    return (
        UnitReport.objects.select_for_update(of=("self",))
        .select_related("request", "org_unit")
        .get(pk=report.pk)
    )


def _values_snapshot(report: UnitReport) -> dict[str, Any]:
    return {
        v.field.code: (str(v.number) if v.number is not None else None)
        if v.field.kind == FieldKind.FIGURE
        else v.text
        for v in report.values.select_related("field")
    }


@transaction.atomic
def report_save(
    *,
    report: UnitReport,
    values: Mapping[int, Decimal | str | None],
    version: Version,
    acting_user: User | None,
    when: dt.datetime | None = None,
) -> UnitReport:
    """Save the figures (``Decimal`` or ``None``: not given) and narratives (text) of a report, by template
    field id, as a draft (or a returned report being corrected)."""
    locked = _lock_report(report)
    _require_unit(acting_user, locked)
    version_check(locked, version)
    moment = _moment(when, acting_user)
    if locked.status not in EDITABLE:
        raise ValidationFailed(
            _("The report has been submitted: it can no longer be changed."), extra={"field": None}
        )
    if not _is_manager(acting_user) and not entry_open(locked, today=timezone.localdate(moment)):
        raise ValidationFailed(
            _("Entry closed on %(date)s: ask the department office for an extension.")
            % {"date": deadline_for(locked.request, locked.org_unit_id).strftime("%d/%m/%Y")},
            extra={"field": None},
        )
    fields = {f.pk: f for f in TemplateField.objects.filter(template_id=locked.request.template_id)}
    before = _values_snapshot(locked)
    for field_id, value in values.items():
        field = fields.get(field_id)
        if field is None:
            raise ValueError(f"field {field_id} is not of the report's template")
        if field.kind == FieldKind.FIGURE:
            if value is not None and not isinstance(value, Decimal | int):
                raise ValueError(f"field {field.code}: a figure is a Decimal or None")
            if value is not None and abs(Decimal(value)) > MAX_FIGURE:
                raise ValidationFailed(_("The figure is too large."), extra={"field": f"f{field.pk}"})
            number = None if value is None else Decimal(value)
            if number is None:
                ReportValue.objects.filter(report=locked, field=field).delete()
            else:
                ReportValue.objects.update_or_create(
                    report=locked, field=field, defaults={"number": number, "text": ""}
                )
        else:
            text = str(value or "").strip()
            if not text:
                ReportValue.objects.filter(report=locked, field=field).delete()
            else:
                ReportValue.objects.update_or_create(
                    report=locked, field=field, defaults={"number": None, "text": text}
                )
    locked.version += 1
    locked.save()
    after = _values_snapshot(locked)
    if after != before:
        audit_record(
            actor=acting_user,
            action="unitreports.report.save",
            target=locked,
            before={"values": before},
            after={"values": after, "at": moment},
        )
    return locked


def missing_required(report: UnitReport) -> list[TemplateField]:
    given = set(report.values.values_list("field_id", flat=True))
    return [
        f
        for f in TemplateField.objects.filter(template_id=report.request.template_id, required=True)
        if f.pk not in given
    ]


def _change(
    locked: UnitReport,
    *,
    to: str,
    action: str,
    acting_user: User | None,
    moment: dt.datetime,
    note: str = "",
) -> UnitReport:
    before = {"status": locked.status}
    locked.status = to
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action=action,
        target=locked,
        before=before,
        after={"status": to, "at": moment},
        note=note,
    )
    return locked


@transaction.atomic
def report_submit(
    *, report: UnitReport, version: Version, acting_user: User | None, when: dt.datetime | None = None
) -> UnitReport:
    locked = _lock_report(report)
    _require_unit(acting_user, locked)
    version_check(locked, version)
    moment = _moment(when, acting_user)
    if locked.status not in EDITABLE:
        raise ValidationFailed(_("The report has already been submitted."), extra={"field": None})
    if not _is_manager(acting_user) and not entry_open(locked, today=timezone.localdate(moment)):
        raise ValidationFailed(
            _("Entry closed on %(date)s: ask the department office for an extension.")
            % {"date": deadline_for(locked.request, locked.org_unit_id).strftime("%d/%m/%Y")},
            extra={"field": None},
        )
    missing = missing_required(locked)
    if missing:
        raise ValidationFailed(
            _("Fill in the required fields first: %(fields)s.")
            % {"fields": ", ".join(f.label for f in missing)},
            extra={"field": f"f{missing[0].pk}"},
        )
    # The first submission dates the report (a returned report corrected later stays on time).
    if locked.submitted_at is None:
        locked.submitted_at = moment
        locked.submitted_by = acting_user if acting_user is not None and acting_user.pk else None
    return _change(
        locked,
        to=ReportStatus.SUBMITTED,
        action="unitreports.report.submit",
        acting_user=acting_user,
        moment=moment,
    )


def _office_step(report: UnitReport, version: Version, acting_user: User | None) -> UnitReport:
    locked = _lock_report(report)
    _require_manager(acting_user, locked.request)
    version_check(locked, version)
    if locked.status == ReportStatus.LEADER_APPROVED:
        raise ValidationFailed(
            _("The leader has approved the report: it can no longer be changed."), extra={"field": None}
        )
    return locked


@transaction.atomic
def report_office_approve(
    *, report: UnitReport, version: Version, acting_user: User | None, when: dt.datetime | None = None
) -> UnitReport:
    locked = _office_step(report, version, acting_user)
    moment = _moment(when, acting_user)
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationFailed(_("Only a submitted report can be approved."), extra={"field": None})
    locked.office_approved_at = moment
    return _change(
        locked,
        to=ReportStatus.OFFICE_APPROVED,
        action="unitreports.report.office_approve",
        acting_user=acting_user,
        moment=moment,
    )


@transaction.atomic
def report_return(
    *,
    report: UnitReport,
    comments: str,
    version: Version,
    acting_user: User | None,
    when: dt.datetime | None = None,
) -> UnitReport:
    """The office sends a submitted report back to the unit with comments."""
    locked = _office_step(report, version, acting_user)
    moment = _moment(when, acting_user)
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationFailed(_("Only a submitted report can be returned."), extra={"field": None})
    if not comments.strip():
        raise ValidationFailed(_("Write the comments for the unit."), extra={"field": "comments"})
    locked.comments = comments.strip()
    return _change(
        locked,
        to=ReportStatus.RETURNED,
        action="unitreports.report.return",
        acting_user=acting_user,
        moment=moment,
        note=comments.strip(),
    )


@transaction.atomic
def report_withdraw_approval(
    *,
    report: UnitReport,
    reason: str,
    version: Version,
    acting_user: User | None,
    when: dt.datetime | None = None,
) -> UnitReport:
    """The office takes back its approval (only while the leader has not approved)."""
    locked = _office_step(report, version, acting_user)
    moment = _moment(when, acting_user)
    if locked.status != ReportStatus.OFFICE_APPROVED:
        raise ValidationFailed(_("The office has not approved this report."), extra={"field": None})
    if not reason.strip():
        raise ValidationFailed(_("Enter the reason."), extra={"field": "reason"})
    locked.office_approved_at = None
    return _change(
        locked,
        to=ReportStatus.SUBMITTED,
        action="unitreports.report.withdraw",
        acting_user=acting_user,
        moment=moment,
        note=reason.strip(),
    )


@transaction.atomic
def report_reopen(
    *,
    report: UnitReport,
    reason: str,
    version: Version,
    acting_user: User | None,
    when: dt.datetime | None = None,
) -> UnitReport:
    """The office opens a submitted (or office-approved) report again for the unit, with a reason; refused
    once the leader has approved."""
    locked = _office_step(report, version, acting_user)
    moment = _moment(when, acting_user)
    if locked.status not in (ReportStatus.SUBMITTED, ReportStatus.OFFICE_APPROVED):
        raise ValidationFailed(
            _("Only a submitted or office-approved report can be reopened."), extra={"field": None}
        )
    if not reason.strip():
        raise ValidationFailed(_("Enter the reason."), extra={"field": "reason"})
    locked.office_approved_at = None
    locked.comments = reason.strip()
    return _change(
        locked,
        to=ReportStatus.RETURNED,
        action="unitreports.report.reopen",
        acting_user=acting_user,
        moment=moment,
        note=reason.strip(),
    )


@transaction.atomic
def report_leader_approve(
    *, report: UnitReport, version: Version, acting_user: User | None, when: dt.datetime | None = None
) -> UnitReport:
    locked = _lock_report(report)
    if (
        acting_user is not None
        and not acting_user.is_system_admin
        and (
            not can(acting_user, Capability.APPROVE_UNIT_REPORTS)
            or not OrgUnit.objects.filter(org_q(acting_user), pk=locked.org_unit_id).exists()
        )
    ):
        raise PermissionDenied(_("You may not approve the units' reports."))
    version_check(locked, version)
    moment = _moment(when, acting_user)
    if locked.status != ReportStatus.OFFICE_APPROVED:
        raise ValidationFailed(
            _("Only a report approved by the office can be approved by the leader."), extra={"field": None}
        )
    locked.leader_approved_at = moment
    return _change(
        locked,
        to=ReportStatus.LEADER_APPROVED,
        action="unitreports.report.leader_approve",
        acting_user=acting_user,
        moment=moment,
    )
