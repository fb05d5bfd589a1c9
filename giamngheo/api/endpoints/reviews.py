"""Review rounds, assessments and the official figures: read through the reviews app's selectors (the
figures are the pre-aggregated rows the official tables show: the same numbers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from giamngheo.accounts.roles import Capability
from giamngheo.reviews import selectors, table_selectors
from giamngheo.reviews.models import AreaSummary, Assessment, ReviewRound

from ..paging import DEFAULT_LIMIT, MAX_LIMIT, next_link, only_parameters, page_by_time
from ..schemas import (
    AreaFiguresOut,
    AssessmentOut,
    AssessmentPage,
    Id,
    RoundFiguresOut,
    RoundOut,
)
from .common import READ_ERRORS, user_with

router = Router(tags=["reviews"])


class RoundFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2999)


class AssessmentFilters(Schema):
    commune: str | None = Field(None, max_length=32, description="Commune code")
    updated_since: dt.datetime | None = Field(None, description="ISO 8601")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def round_out(review_round: ReviewRound) -> dict[str, Any]:
    return RoundOut.model_validate(
        {
            "id": review_round.pk,
            "province_id": review_round.province_id,
            "province_name": review_round.province.name,
            "year": review_round.year,
            "starts_on": review_round.starts_on,
            "ends_on": review_round.ends_on,
            "status": review_round.status,
            "standard_code": review_round.standard_code,
            "closed_at": review_round.closed_at,
        }
    ).model_dump(mode="json")


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    values = {
        name: getattr(assessment, name) for name in AssessmentOut.model_fields if hasattr(assessment, name)
    }
    values["household_code"] = assessment.household.code
    return AssessmentOut.model_validate(values).model_dump(mode="json")


def figures_out(row: AreaSummary) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in AreaFiguresOut.model_fields if hasattr(row, name)}
    values.update(
        area_code=row.area.code,
        area_name=row.area.name,
        figures={str(k): int(v) for k, v in (row.figures or {}).items() if isinstance(v, int)},
    )
    return AreaFiguresOut.model_validate(values).model_dump(mode="json")


@router.get("/rounds", response={200: list[RoundOut], **READ_ERRORS}, operation_id="rounds_list")
def rounds_list(request: HttpRequest, filters: Query[RoundFilters]) -> Any:
    """The review rounds of the provinces you see (in whole or in part), newest first."""
    only_parameters(request, RoundFilters.model_fields)
    user = user_with(request, Capability.VIEW_TABLES)
    rounds = table_selectors.round_list(user=user)
    if filters.year is not None:
        rounds = rounds.filter(year=filters.year)
    return [round_out(r) for r in rounds]


@router.get("/rounds/{round_id}", response={200: RoundOut, **READ_ERRORS}, operation_id="rounds_get")
def rounds_get(request: HttpRequest, round_id: Id) -> Any:
    user = user_with(request, Capability.VIEW_TABLES)
    found = selectors.access_round_by_id(user=user, round_id=round_id)
    only_parameters(request, ())
    return round_out(found)


@router.get(
    "/rounds/{round_id}/figures",
    response={200: RoundFiguresOut, **READ_ERRORS},
    operation_id="rounds_figures",
)
def rounds_figures(request: HttpRequest, round_id: Id) -> Any:
    """The official figures of the round: one row per commune you see and the province's total (the rows
    the official tables are drawn from)."""
    user = user_with(request, Capability.VIEW_TABLES)
    review_round = selectors.access_round_by_id(user=user, round_id=round_id)
    only_parameters(request, ())
    total = table_selectors.province_total(user=user, review_round=review_round)
    return {
        "round": round_out(review_round),
        "province_total": figures_out(total) if total is not None else None,
        "communes": [
            figures_out(r) for r in table_selectors.summary_rows(user=user, review_round=review_round)
        ],
    }


@router.get(
    "/rounds/{round_id}/assessments",
    response={200: AssessmentPage, **READ_ERRORS},
    operation_id="rounds_assessments",
)
def rounds_assessments(request: HttpRequest, round_id: Id, filters: Query[AssessmentFilters]) -> Any:
    """The households assessed in the round in the communes of your area."""
    user = user_with(request, Capability.VIEW_HOUSEHOLDS)
    review_round = selectors.access_round_by_id(user=user, round_id=round_id)
    only_parameters(request, AssessmentFilters.model_fields)
    qs = selectors.round_assessments(user=user, review_round=review_round)
    if filters.commune is not None:
        qs = qs.filter(commune__code=filters.commune)
    rows, cursor = page_by_time(
        request, qs, cursor=filters.cursor, limit=filters.limit, since=filters.updated_since
    )
    return {
        "items": [assessment_out(a) for a in rows],
        "next": next_link(request, cursor),
        "next_cursor": cursor,
    }


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **READ_ERRORS},
    operation_id="assessments_get",
)
def assessments_get(request: HttpRequest, assessment_id: Id) -> Any:
    user = user_with(request, Capability.VIEW_HOUSEHOLDS)
    found = selectors.access_assessment_by_id(user=user, assessment_id=assessment_id)
    only_parameters(request, ())
    return assessment_out(found)
