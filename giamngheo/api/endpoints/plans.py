"""Plans, their targets and the indicators they are measured by: read through ``plans.selectors`` (the
target cards of the plan pages: the same values)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from giamngheo.accounts.roles import Capability
from giamngheo.geo.selectors import current_year
from giamngheo.plans import selectors
from giamngheo.plans.models import Plan

from ..paging import only_parameters
from ..schemas import Id, PlanOut, TargetOut
from .common import READ_ERRORS, user_with

router = Router(tags=["plans"])

VIEW = (Capability.MANAGE_PLANS, Capability.REPORT_TARGETS, Capability.VIEW_TABLES)


class YearFilter(Schema):
    year: int | None = Field(None, ge=1900, le=2999)


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def plan_out(plan: Plan) -> dict[str, Any]:
    values = {name: getattr(plan, name) for name in PlanOut.model_fields}
    return PlanOut.model_validate(values).model_dump(mode="json")


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS}, operation_id="plans_list")
def plans_list(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    """The plans of the provinces you see (those covering ``year`` when given)."""
    only_parameters(request, YearFilter.model_fields)
    user = user_with(request, *VIEW)
    return [plan_out(p) for p in selectors.plan_list(user=user, year=filters.year)]


@router.get(
    "/plans/{plan_id}/targets", response={200: list[TargetOut], **READ_ERRORS}, operation_id="plans_targets"
)
def plans_targets(request: HttpRequest, plan_id: Id, filters: Query[YearFilter]) -> Any:
    """The plan's targets for the province with their indicators' values in ``year`` (default: this year,
    within the plan's years): baseline, target, the value measured, how far along, the status."""
    user = user_with(request, *VIEW)
    plan = selectors.access_plan_by_id(user=user, plan_id=plan_id)
    only_parameters(request, YearFilter.model_fields)
    year = (
        filters.year if filters.year is not None else min(max(current_year(), plan.year_from), plan.year_to)
    )
    cards = [
        selectors.target_card(user=user, target=t, area=plan.province, year=year)
        for t in selectors.target_list(user=user, plan=plan)
    ]
    return [
        {
            "id": c.target.pk,
            "plan_id": plan.pk,
            "name": c.target.name,
            "indicator_key": c.target.indicator_key,
            "indicator_name": c.indicator_name,
            "formula": c.formula,
            "unit": c.unit,
            "computed": c.computed,
            "baseline": _number(c.baseline),
            "target_value": _number(c.target_value),
            "actual": _number(c.actual),
            "measured_year": c.measured_year,
            "achieved_percent": _number(c.achieved),
            "status": str(c.status),
            "status_label": c.status_label,
            "deadline": c.target.deadline,
            "area_id": c.area.pk,
            "year": year,
        }
        for c in cards
    ]
