"""Writes of plans, targets, allocations, reported values, thresholds and priority areas: keyword-only,
atomic, audited, versioned where a form edits a row. ``MANAGE_PLANS`` for everything but the reported
values (``REPORT_TARGETS``: the targets of one's own unit or commune)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can, org_q
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit
from giamngheo.reviews.models import AreaSummary

from . import indicators as ind
from .models import (
    EVIDENCE_KINDS,
    IndicatorThreshold,
    Plan,
    PriorityArea,
    Target,
    TargetAllocation,
    TargetReport,
)
from .selectors import province_of, whole_province_ids

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_VALUE = Decimal("99999999999999.99")


# Permissions ------------------------------------------------------------------------------------------------
def _require_manager(user: User | None, province: Area) -> None:
    if user is None:  # the demo seed and commands
        return
    if not can(user, Capability.MANAGE_PLANS) or (
        not user.is_system_admin and province.pk not in whole_province_ids(user=user)
    ):
        raise PermissionDenied(_("You may not change the plans of this province."))


def _require_reporter(user: User | None, target: Target, area: Area) -> None:
    if user is None:
        return
    if not can(user, Capability.REPORT_TARGETS):
        raise PermissionDenied(_("You may not report the values of targets."))
    if user.is_system_admin:
        return
    province = target.plan.province
    whole = province.pk in whole_province_ids(user=user)
    if area.level == AreaLevel.PROVINCE:
        own_unit = target.responsible_unit_id is not None and (
            OrgUnit.objects.filter(org_q(user, "path", None), pk=target.responsible_unit_id).exists()
        )
        if whole and (can(user, Capability.MANAGE_PLANS) or own_unit):
            return
    elif whole or Area.objects.filter(area_q(user), pk=area.pk).exists():
        return
    raise PermissionDenied(_("You may report only the values of your own unit or commune."))


# Checks -----------------------------------------------------------------------------------------------------
def _check_year(year: int | None, name: str) -> None:
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": name},
        )


def _check_value(value: Decimal | None, name: str, *, required: bool = True) -> None:
    if value is None:
        if required:
            raise ValidationFailed(_("Enter a value."), extra={"field": name})
        return
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationFailed(_("The value is too large."), extra={"field": name})
    if value < 0:
        raise ValidationFailed(_("The value cannot be negative."), extra={"field": name})


def _check_plan(plan: Plan) -> None:
    if not plan.title.strip():
        raise ValidationFailed(_("Enter the title of the plan."), extra={"field": "title"})
    _check_year(plan.year_from, "year_from")
    _check_year(plan.year_to, "year_to")
    if plan.year_to < plan.year_from:
        raise ValidationFailed(
            _("The last year of the plan cannot be before its first year."), extra={"field": "year_to"}
        )
    if plan.province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("A plan belongs to a province."), extra={"field": "province"})


PLAN_FIELDS = (
    "year_from",
    "year_to",
    "title",
    "issuing_body",
    "document_number",
    "document_date",
    "movement",
    "note",
)


@transaction.atomic
def plan_create(
    *,
    province: Area,
    year_from: int,
    year_to: int,
    title: str,
    issuing_body: str = "",
    document_number: str = "",
    document_date: dt.date | None = None,
    movement: str = "",
    note: str = "",
    acting_user: User | None,
) -> Plan:
    _require_manager(acting_user, province)
    plan = Plan(
        province=province,
        year_from=year_from,
        year_to=year_to,
        title=title.strip(),
        issuing_body=issuing_body.strip(),
        document_number=document_number.strip(),
        document_date=document_date,
        movement=movement.strip(),
        note=note.strip(),
    )
    _check_plan(plan)
    plan.save()
    audit_record(actor=acting_user, action="plans.plan.create", target=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, data: Mapping[str, Any], version: Version, acting_user: User | None) -> Plan:
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    locked = Plan.objects.select_for_update().select_related("province").get(pk=plan.pk)
    _require_manager(acting_user, locked.province)
    version_check(locked, version)
    before = snapshot(locked)
    for name, value in data.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_plan(locked)
    targets_outside = locked.targets.filter(deadline__year__lt=locked.year_from)
    if targets_outside.exists():
        raise ValidationFailed(
            _("A target of the plan has its deadline before the plan's first year."),
            extra={"field": "year_from"},
        )
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user, action="plans.plan.update", target=locked, before=before, after=snapshot(locked)
    )
    return locked


@transaction.atomic
def plan_delete(*, plan: Plan, version: Version, acting_user: User | None) -> None:
    locked = Plan.objects.select_for_update().select_related("province").get(pk=plan.pk)
    _require_manager(acting_user, locked.province)
    version_check(locked, version)
    if TargetReport.objects.filter(target__plan=locked).exists():
        raise ValidationFailed(
            _("Values were reported for the targets of this plan: it cannot be deleted."),
            extra={"field": None},
        )
    before = snapshot(locked)
    audit_record(actor=acting_user, action="plans.plan.delete", target=locked, before=before)
    locked.delete()


# Targets ----------------------------------------------------------------------------------------------------
TARGET_FIELDS = (
    "name",
    "indicator_key",
    "baseline_value",
    "baseline_year",
    "target_value",
    "direction",
    "deadline",
    "responsible_unit",
    "sort_order",
)


def _check_target(target: Target) -> None:
    if not target.name.strip():
        raise ValidationFailed(_("Enter the name of the target."), extra={"field": "name"})
    if target.indicator_key not in ind.BY_KEY:
        raise ValidationFailed(_("Choose how the target is measured."), extra={"field": "indicator_key"})
    if target.direction not in {d.value for d in ind.Direction}:
        raise ValidationFailed(_("Choose the direction of the target."), extra={"field": "direction"})
    _check_value(target.target_value, "target_value")
    _check_value(target.baseline_value, "baseline_value", required=False)
    if target.baseline_year is not None:
        _check_year(target.baseline_year, "baseline_year")
        if target.baseline_year > target.plan.year_to:
            raise ValidationFailed(
                _("The baseline year cannot be after the plan's last year."), extra={"field": "baseline_year"}
            )
    indicator = ind.indicator(target.indicator_key)
    if indicator.unit == ind.Unit.PERCENT and target.target_value > ind.HUNDRED:
        raise ValidationFailed(_("A rate cannot be above 100 %."), extra={"field": "target_value"})
    if target.deadline is None or not target.plan.year_from <= target.deadline.year <= target.plan.year_to:
        raise ValidationFailed(
            _("The deadline must fall within the years of the plan (%(start)s–%(end)s).")
            % {"start": target.plan.year_from, "end": target.plan.year_to},
            extra={"field": "deadline"},
        )
    unit = target.responsible_unit
    if unit is not None and unit.area_id != target.plan.province_id:
        raise ValidationFailed(
            _("The responsible unit must belong to the plan's province."), extra={"field": "responsible_unit"}
        )


@transaction.atomic
def target_create(
    *,
    plan: Plan,
    name: str,
    indicator_key: str,
    target_value: Decimal,
    direction: str,
    deadline: dt.date,
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
    responsible_unit: OrgUnit | None = None,
    sort_order: int = 0,
    acting_user: User | None,
) -> Target:
    _require_manager(acting_user, plan.province)
    if indicator_key not in ind.BY_KEY:
        raise ValidationFailed(_("Choose how the target is measured."), extra={"field": "indicator_key"})
    target = Target(
        plan=plan,
        name=name.strip(),
        indicator_key=indicator_key,
        unit=ind.indicator(indicator_key).unit.value,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        target_value=target_value,
        direction=direction,
        deadline=deadline,
        responsible_unit=responsible_unit,
        sort_order=sort_order,
    )
    _check_target(target)
    target.save()
    audit_record(actor=acting_user, action="plans.target.create", target=target, after=snapshot(target))
    return target


@transaction.atomic
def target_update(
    *, target: Target, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Target:
    unknown = set(data) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    locked = Target.objects.select_for_update().select_related("plan", "plan__province").get(pk=target.pk)
    _require_manager(acting_user, locked.plan.province)
    version_check(locked, version)
    before = snapshot(locked)
    old_key = locked.indicator_key
    for name, value in data.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if locked.indicator_key not in ind.BY_KEY:
        raise ValidationFailed(_("Choose how the target is measured."), extra={"field": "indicator_key"})
    if locked.indicator_key != old_key and locked.reports.exists():
        raise ValidationFailed(
            _("Values were reported for this target: how it is measured cannot change."),
            extra={"field": "indicator_key"},
        )
    locked.unit = ind.indicator(locked.indicator_key).unit.value
    _check_target(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user, action="plans.target.update", target=locked, before=before, after=snapshot(locked)
    )
    return locked


@transaction.atomic
def target_delete(*, target: Target, version: Version, acting_user: User | None) -> None:
    locked = Target.objects.select_for_update().select_related("plan", "plan__province").get(pk=target.pk)
    _require_manager(acting_user, locked.plan.province)
    version_check(locked, version)
    if locked.reports.exists():
        raise ValidationFailed(
            _("Values were reported for this target: it cannot be deleted."), extra={"field": None}
        )
    audit_record(actor=acting_user, action="plans.target.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Allocations --------------------------------------------------------------------------------------------
def _check_allocation_commune(target: Target, commune: Area) -> None:
    if commune.level != AreaLevel.COMMUNE or commune.parent_id != target.plan.province_id:
        raise ValidationFailed(
            _("A target is split only across the communes of the plan's province."),
            extra={"field": "commune"},
        )


@transaction.atomic
def allocation_save(
    *,
    target: Target,
    commune: Area,
    target_value: Decimal,
    baseline_value: Decimal | None = None,
    version: Version = None,
    acting_user: User | None,
) -> TargetAllocation:
    """Set a commune's share of a target (create it, or change it at ``version``)."""
    _require_manager(acting_user, target.plan.province)
    _check_allocation_commune(target, commune)
    _check_value(target_value, "target_value")
    _check_value(baseline_value, "baseline_value", required=False)
    if target.unit == ind.Unit.PERCENT and target_value > ind.HUNDRED:
        raise ValidationFailed(_("A rate cannot be above 100 %."), extra={"field": "target_value"})
    existing = (
        TargetAllocation.objects.select_for_update().filter(target=target, commune=commune).order_by().first()
    )
    if existing is None:
        allocation = TargetAllocation.objects.create(
            target=target, commune=commune, target_value=target_value, baseline_value=baseline_value
        )
        audit_record(
            actor=acting_user, action="plans.allocation.create", target=allocation, after=snapshot(allocation)
        )
        return allocation
    version_check(existing, version)
    before = snapshot(existing)
    existing.target_value, existing.baseline_value = target_value, baseline_value
    existing.version += 1
    existing.save()
    audit_record(
        actor=acting_user,
        action="plans.allocation.update",
        target=existing,
        before=before,
        after=snapshot(existing),
    )
    return existing


@transaction.atomic
def allocation_delete(*, allocation: TargetAllocation, version: Version, acting_user: User | None) -> None:
    locked = (
        TargetAllocation.objects.select_for_update()
        .select_related("target__plan__province")
        .get(pk=allocation.pk)
    )
    _require_manager(acting_user, locked.target.plan.province)
    version_check(locked, version)
    audit_record(actor=acting_user, action="plans.allocation.delete", target=locked, before=snapshot(locked))
    locked.delete()


@dataclass(frozen=True)
class AllocationCheck:
    """The province target against its split across the communes.

    A count (households, persons, đồng): the communes' targets must add up to the province's. A rate: each
    commune has its own rate, and their mean weighted by the communes' households (the latest round's
    summary up to the plan's last year) must be at least as demanding as the province's target."""

    method: str  # "sum" or "weighted_mean"
    province_target: Decimal
    total: Decimal | None  # the sum, or the weighted mean (None: a commune without households known)
    difference: Decimal | None  # total − province target
    ok: bool
    allocated: int  # communes with an allocation
    weight_year: int | None = None
    unweighted: list[Area] = field(default_factory=list)  # allocated communes without a household count


def allocation_check(*, target: Target) -> AllocationCheck:
    allocations = list(TargetAllocation.objects.filter(target=target).select_related("commune"))
    goal = target.target_value
    if not ind.indicator(target.indicator_key).is_rate and target.unit != ind.Unit.PERCENT:
        total = sum((a.target_value for a in allocations), Decimal(0))
        difference = total - goal
        return AllocationCheck(
            "sum", goal, total, difference, bool(allocations) and difference == 0, len(allocations)
        )
    summary = (
        AreaSummary.objects.filter(area_id=target.plan.province_id, round__year__lte=target.plan.year_to)
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    weights: dict[int, int] = {}
    weight_year = None
    if summary is not None:
        weight_year = summary.round.year
        weights = dict(
            AreaSummary.objects.filter(
                round=summary.round, area_id__in=[a.commune_id for a in allocations]
            ).values_list("area_id", "households")
        )
    unweighted = [a.commune for a in allocations if not weights.get(a.commune_id)]
    if not allocations or unweighted:
        return AllocationCheck(
            "weighted_mean", goal, None, None, False, len(allocations), weight_year, unweighted
        )
    households = sum(weights[a.commune_id] for a in allocations)
    mean = (sum(a.target_value * weights[a.commune_id] for a in allocations) / Decimal(households)).quantize(
        ind.CENT, rounding=ROUND_HALF_UP
    )
    difference = mean - goal
    demanding = difference <= 0 if target.direction == ind.Direction.DOWN else difference >= 0
    return AllocationCheck("weighted_mean", goal, mean, difference, demanding, len(allocations), weight_year)


# Reported values ------------------------------------------------------------------------------------------
def _check_evidence(evidence: UploadedFile[Any] | None) -> None:
    if evidence is None:
        return
    name = evidence.name or ""
    kind = PurePosixPath(name).suffix.lower().lstrip(".")
    if kind not in EVIDENCE_KINDS:
        raise ValidationFailed(
            _("The evidence must be a PDF, Word (docx), Excel (xlsx), JPG or PNG file."),
            extra={"field": "evidence"},
        )
    limit = int(settings.UPLOAD_MAX_BYTES["plan_evidence"])
    if (evidence.size or 0) > limit:
        raise ValidationFailed(
            _("The file is %(size)s; the largest accepted is %(max)s.")
            % {"size": filesizeformat(evidence.size or 0), "max": filesizeformat(limit)},
            extra={"field": "evidence"},
        )
    if not evidence.size:
        raise ValidationFailed(_("The file is empty."), extra={"field": "evidence"})


def _check_report(report: TargetReport) -> None:
    _check_year(report.year, "year")
    if report.month is not None and report.quarter is not None:
        raise ValidationFailed(_("Give a month or a quarter, not both."), extra={"field": "quarter"})
    if report.month is not None and not 1 <= report.month <= 12:
        raise ValidationFailed(_("The month is 1 to 12."), extra={"field": "month"})
    if report.quarter is not None and not 1 <= report.quarter <= 4:
        raise ValidationFailed(_("The quarter is 1 to 4."), extra={"field": "quarter"})
    plan = report.target.plan
    if not plan.year_from - 1 <= report.year <= plan.year_to:
        raise ValidationFailed(
            _("The year must fall within the plan (%(start)s–%(end)s).")
            % {"start": plan.year_from, "end": plan.year_to},
            extra={"field": "year"},
        )
    _check_value(report.value, "value")
    if report.target.unit == ind.Unit.PERCENT and report.value > ind.HUNDRED:
        raise ValidationFailed(_("A rate cannot be above 100 %."), extra={"field": "value"})
    area = report.area
    province = province_of(area)
    if area.level == AreaLevel.VILLAGE or province is None or province.pk != plan.province_id:
        raise ValidationFailed(_("Report for the province or one of its communes."), extra={"field": "area"})


@transaction.atomic
def report_create(
    *,
    target: Target,
    area: Area,
    year: int,
    value: Decimal,
    month: int | None = None,
    quarter: int | None = None,
    evidence: UploadedFile[Any] | None = None,
    note: str = "",
    acting_user: User | None,
) -> TargetReport:
    if ind.indicator(target.indicator_key).computed:
        raise ValidationFailed(
            _("This target is computed from the review and coverage figures: nothing is entered."),
            extra={"field": None},
        )
    _require_reporter(acting_user, target, area)
    _check_evidence(evidence)
    report = TargetReport(
        target=target,
        area=area,
        year=year,
        month=month,
        quarter=quarter,
        value=value,
        note=note.strip(),
        reported_by=acting_user,
    )
    _check_report(report)
    if evidence is not None:
        report.evidence_name = PurePosixPath(evidence.name or "").name[:255]
        report.evidence.save(report.evidence_name, evidence, save=False)
    report.save()
    audit_record(actor=acting_user, action="plans.report.create", target=report, after=snapshot(report))
    return report


@transaction.atomic
def report_delete(*, report: TargetReport, version: Version, acting_user: User | None) -> None:
    locked = (
        TargetReport.objects.select_for_update()
        .select_related("target__plan__province", "area")
        .get(pk=report.pk)
    )
    _require_reporter(acting_user, locked.target, locked.area)
    version_check(locked, version)
    audit_record(actor=acting_user, action="plans.report.delete", target=locked, before=snapshot(locked))
    stored = locked.evidence.name if locked.evidence else ""
    locked.delete()
    if stored:
        storage = TargetReport._meta.get_field("evidence").storage
        transaction.on_commit(lambda: storage.delete(stored))


# Thresholds -------------------------------------------------------------------------------------------------
@transaction.atomic
def threshold_set(
    *,
    province: Area,
    indicator_key: str,
    on_track: int,
    at_risk: int,
    version: Version = None,
    acting_user: User | None,
) -> IndicatorThreshold:
    """Set the province's thresholds of an indicator (create them, or change them at ``version``)."""
    _require_manager(acting_user, province)
    if indicator_key not in ind.BY_KEY:
        raise ValidationFailed(_("Choose an indicator."), extra={"field": "indicator_key"})
    if not 0 <= at_risk <= on_track <= 1000:
        raise ValidationFailed(
            _("The “at risk” threshold must be between 0 and the “on track” threshold."),
            extra={"field": "at_risk"},
        )
    existing = (
        IndicatorThreshold.objects.select_for_update()
        .filter(province=province, indicator_key=indicator_key)
        .first()
    )
    if existing is None:
        row = IndicatorThreshold.objects.create(
            province=province, indicator_key=indicator_key, on_track=on_track, at_risk=at_risk
        )
        audit_record(actor=acting_user, action="plans.threshold.create", target=row, after=snapshot(row))
        return row
    version_check(existing, version)
    before = snapshot(existing)
    existing.on_track, existing.at_risk = on_track, at_risk
    existing.version += 1
    existing.save()
    audit_record(
        actor=acting_user,
        action="plans.threshold.update",
        target=existing,
        before=before,
        after=snapshot(existing),
    )
    return existing


# Priority areas ---------------------------------------------------------------------------------------------
@transaction.atomic
def priority_mark(*, year: int, area: Area, reason: str, acting_user: User | None) -> PriorityArea:
    province = province_of(area)
    if province is None or area.level not in (AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        raise ValidationFailed(_("Mark a commune or a village."), extra={"field": "area"})
    _require_manager(acting_user, province)
    _check_year(year, "year")
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the priority."), extra={"field": "reason"})
    try:
        with transaction.atomic():
            row = PriorityArea.objects.create(
                year=year, area=area, reason=reason.strip()[:255], marked_by=acting_user
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("%(unit)s is already a priority in %(year)s.") % {"unit": area.name, "year": year},
            extra={"field": "area"},
        ) from exc
    audit_record(actor=acting_user, action="plans.priority.create", target=row, after=snapshot(row))
    return row


@transaction.atomic
def priority_unmark(*, priority: PriorityArea, acting_user: User | None) -> None:
    province = province_of(priority.area)
    if province is None:
        raise ValidationFailed(_("Mark a commune or a village."), extra={"field": "area"})
    _require_manager(acting_user, province)
    audit_record(
        actor=acting_user, action="plans.priority.delete", target=priority, before=snapshot(priority)
    )
    priority.delete()


@dataclass(frozen=True)
class AllocationInput:
    """One commune's line of the allocation page: an empty target value removes the commune's share."""

    commune: Area
    target_value: Decimal | None
    baseline_value: Decimal | None
    version: Version


@transaction.atomic
def allocations_save(*, target: Target, rows: list[AllocationInput], acting_user: User | None) -> int:
    """Save the lines of the allocation page together (all or nothing); the number of lines changed. An error
    names the line's field (``value_<commune id>``)."""
    _require_manager(acting_user, target.plan.province)
    existing = {a.commune_id: a for a in TargetAllocation.objects.filter(target=target)}
    changed = 0
    for row in rows:
        current = existing.get(row.commune.pk)
        try:
            if row.target_value is None:
                if current is not None:
                    allocation_delete(allocation=current, version=row.version, acting_user=acting_user)
                    changed += 1
                continue
            if (
                current is not None
                and current.target_value == row.target_value
                and current.baseline_value == row.baseline_value
            ):
                continue
            allocation_save(
                target=target,
                commune=row.commune,
                target_value=row.target_value,
                baseline_value=row.baseline_value,
                version=row.version,
                acting_user=acting_user,
            )
            changed += 1
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"{row.commune.name}: {exc.message}", extra={"field": f"value_{row.commune.pk}"}
            ) from exc
    return changed
