"""Policies (the catalogue), coverage and support records: read through ``policies.selectors``, support
recorded through ``policies.services`` (entitlement, duplicates, scope: the same checks as the page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from giamngheo.accounts.roles import Capability
from giamngheo.core.errors import NotFound, ValidationFailed
from giamngheo.geo.selectors import communes_in_scope, current_year
from giamngheo.policies import selectors, services
from giamngheo.policies.models import Policy, SupportRecord

from ..paging import DEFAULT_LIMIT, MAX_LIMIT, next_link, only_parameters, page_by_time
from ..schemas import CoverageOut, Id, PolicyOut, SupportIn, SupportOut, SupportPage
from .common import READ_ERRORS, WRITE_ERRORS, idempotent_create, user_with

router = Router(tags=["policies"])


class CoverageFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2999)
    commune: str | None = Field(None, max_length=32, description="Commune code")


class SupportFilters(Schema):
    commune: str | None = Field(None, max_length=32, description="Commune code")
    updated_since: dt.datetime | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def policy_out(policy: Policy) -> dict[str, Any]:
    values = {name: getattr(policy, name) for name in PolicyOut.model_fields}
    return PolicyOut.model_validate(values).model_dump(mode="json")


def support_out(record: SupportRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in SupportOut.model_fields if hasattr(record, name)}
    values["policy_code"] = record.policy.code
    return SupportOut.model_validate(values).model_dump(mode="json")


@router.get("/policies", response={200: list[PolicyOut], **READ_ERRORS}, operation_id="policies_list")
def policies_list(request: HttpRequest) -> Any:
    """The catalogue of policies in force."""
    only_parameters(request, ())
    user = user_with(request)
    return [policy_out(p) for p in selectors.policy_list(user=user)]


@router.get("/policies/{code}", response={200: PolicyOut, **READ_ERRORS}, operation_id="policies_get")
def policies_get(request: HttpRequest, code: str) -> Any:
    user = user_with(request)
    if "\x00" in code or len(code) > 16:
        raise NotFound("policy")
    found = selectors.access_policy_by_code(user=user, code=code)
    only_parameters(request, ())
    return policy_out(found)


@router.get("/coverage", response={200: list[CoverageOut], **READ_ERRORS}, operation_id="coverage")
def coverage(request: HttpRequest, filters: Query[CoverageFilters]) -> Any:
    """Per policy in force in ``year``: eligible and covered households and beneficiaries in your area (or in
    one commune of it) — the numbers of the coverage page. A commune outside your area gives nothing."""
    only_parameters(request, CoverageFilters.model_fields)
    user = user_with(request, Capability.VIEW_TABLES)
    commune_id = None
    if filters.commune is not None:
        commune = communes_in_scope(user=user).filter(code=filters.commune).first()
        if commune is None:
            return []
        commune_id = commune.pk
    rows = selectors.coverage_by_policy(user=user, year=filters.year or current_year(), commune_id=commune_id)
    return [
        {
            "policy_code": row.policy.code,
            "policy_name": row.policy.name,
            "eligible_households": row.tally.eligible_households,
            "covered_households": row.tally.covered_households,
            "eligible_units": row.tally.eligible_units,
            "covered_units": row.tally.covered_units,
            "outside_units": row.tally.outside_units,
        }
        for row in rows
    ]


@router.get("/support-records", response={200: SupportPage, **READ_ERRORS}, operation_id="support_list")
def support_list(request: HttpRequest, filters: Query[SupportFilters]) -> Any:
    """Support delivered to the households of your area (cancelled ones too, with ``cancelled_at``)."""
    only_parameters(request, SupportFilters.model_fields)
    user = user_with(request, Capability.VIEW_HOUSEHOLDS, Capability.RECORD_SUPPORT)
    qs = selectors.support_record_list(user=user, filters=selectors.SupportFilters(include_cancelled=True))
    if filters.commune is not None:
        qs = qs.filter(commune__code=filters.commune)
    rows, cursor = page_by_time(
        request, qs, cursor=filters.cursor, limit=filters.limit, since=filters.updated_since
    )
    return {
        "items": [support_out(r) for r in rows],
        "next": next_link(request, cursor),
        "next_cursor": cursor,
    }


@router.get(
    "/support-records/{record_id}", response={200: SupportOut, **READ_ERRORS}, operation_id="support_get"
)
def support_get(request: HttpRequest, record_id: Id) -> Any:
    """One support record of your area (the address the webhooks' ``support.recorded`` events point at)."""
    user = user_with(request, Capability.VIEW_HOUSEHOLDS, Capability.RECORD_SUPPORT)
    record = selectors.access_support_record(user=user, record_id=record_id)
    only_parameters(request, ())
    return support_out(record)


@router.post("/support-records", response={201: SupportOut, **WRITE_ERRORS}, operation_id="support_create")
def support_create(
    request: HttpRequest,
    payload: SupportIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),  # type: ignore[type-arg]
) -> Any:
    """Record support a household (or one of its members) received."""
    user = user_with(request, Capability.RECORD_SUPPORT)

    def create() -> dict[str, Any]:
        try:
            policy = selectors.access_policy_by_code(user=user, code=payload.policy_code)
        except NotFound as exc:
            raise ValidationFailed(_("No such policy."), extra={"field": "policy_code"}) from exc
        records = services.support_records_create(
            policy=policy,
            recipients=[services.Recipient(payload.household_id, payload.member_id)],
            data=services.SupportData(
                date=payload.date,
                funding_source=payload.funding_source,
                quantity=payload.quantity,
                amount=payload.amount,
                project=payload.project,
                document=payload.document,
                reason=payload.reason,
            ),
            acting_user=user,
        )
        return support_out(records[0])

    return idempotent_create(
        request, user=user, key=idempotency_key, operation="support_create", payload=payload, create=create
    )
