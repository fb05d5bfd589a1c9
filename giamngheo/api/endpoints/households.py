"""Households, members and what was deleted: read through ``households.selectors`` (scoped), written through
``households.services`` (the registry's one writer: versions, history, audit, engine, coverage)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.core.errors import NotFound, ValidationFailed
from giamngheo.geo.models import Area
from giamngheo.geo.selectors import access_area_by_id
from giamngheo.households import selectors, services
from giamngheo.households.models import Household, Member

from ..paging import DEFAULT_LIMIT, MAX_LIMIT, next_link, only_parameters, page_by_time
from ..schemas import (
    MAX_VERSION,
    CategoryFilter,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    Id,
    MemberIn,
    MemberOut,
    MemberPage,
    MemberPatch,
    TombstonePage,
)
from .common import READ_ERRORS, WRITE_ERRORS, idempotent_create, user_with

router = Router(tags=["households"])

READ = Capability.VIEW_HOUSEHOLDS
WRITE = Capability.EDIT_HOUSEHOLDS
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=255)  # type: ignore[type-arg]
VersionQuery = Query(..., ge=1, le=MAX_VERSION)  # type: ignore[type-arg]


class ListFilters(Schema):
    commune: str | None = Field(None, max_length=32, description="Commune code")
    village: str | None = Field(None, max_length=32, description="Village code")
    category: CategoryFilter | None = None
    updated_since: dt.datetime | None = Field(None, description="ISO 8601; edits from this moment on")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class MemberFilters(Schema):
    commune: str | None = Field(None, max_length=32, description="Commune code")
    village: str | None = Field(None, max_length=32, description="Village code")
    updated_since: dt.datetime | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class DeletedFilters(Schema):
    kind: Literal["household", "member"] | None = None
    updated_since: dt.datetime | None = Field(None, description="Deletions from this moment on")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def household_out(household: Household) -> dict[str, Any]:
    data = HouseholdOut.model_validate(
        {
            **{
                name: getattr(household, name)
                for name in HouseholdOut.model_fields
                if hasattr(household, name)
            },
            "commune_code": household.commune.code,
            "floor_area_m2": float(household.floor_area_m2) if household.floor_area_m2 is not None else None,
        }
    )
    return data.model_dump(mode="json")


def member_out(member: Member, show_id: Any) -> dict[str, Any]:
    values = {name: getattr(member, name) for name in MemberOut.model_fields if hasattr(member, name)}
    values["national_id"] = show_id(member.national_id) or None
    return MemberOut.model_validate(values).model_dump(mode="json")


def _area_value(value: float) -> Decimal:
    """A floor area as stored: one decimal."""
    return Decimal(str(round(value, 1)))


def _area(user: User, area_id: int | None, field: str) -> Area:
    try:
        return access_area_by_id(user=user, area_id=area_id or 0)
    except NotFound as exc:
        raise ValidationFailed(_("No such unit in your area."), extra={"field": field}) from exc


# Households -----------------------------------------------------------------------------------------------


@router.get("/households", response={200: HouseholdPage, **READ_ERRORS}, operation_id="households_list")
def households_list(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    """The households of your area, in the order of their last change; follow ``next`` to read them all.
    A filter that matches nothing (a commune outside your area) gives an empty list."""
    only_parameters(request, ListFilters.model_fields)
    user = user_with(request, READ)
    qs = selectors.household_list(user=user, filters=selectors.HouseholdFilters(include_inactive=True))
    if filters.commune is not None:
        qs = qs.filter(commune__code=filters.commune)
    if filters.village is not None:
        qs = qs.filter(village__code=filters.village)
    if filters.category == "none":
        qs = qs.filter(category="")
    elif filters.category:
        qs = qs.filter(category=filters.category)
    rows, cursor = page_by_time(
        request, qs, cursor=filters.cursor, limit=filters.limit, since=filters.updated_since
    )
    return {
        "items": [household_out(h) for h in rows],
        "next": next_link(request, cursor),
        "next_cursor": cursor,
    }


@router.post("/households", response={201: HouseholdOut, **WRITE_ERRORS}, operation_id="households_create")
def households_create(
    request: HttpRequest, payload: HouseholdIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Add a household (send an ``Idempotency-Key`` header to make a repeated request harmless)."""
    user = user_with(request, WRITE)

    def create() -> dict[str, Any]:
        commune = _area(user, payload.commune_id, "commune_id")
        village = _area(user, payload.village_id, "village_id")
        data = payload.model_dump(exclude={"commune_id", "village_id"})
        data["village"] = village
        if data["floor_area_m2"] is not None:
            data["floor_area_m2"] = _area_value(data["floor_area_m2"])
        household = services.household_create(commune=commune, data=data, acting_user=user)
        return household_out(household)

    return idempotent_create(
        request, user=user, key=idempotency_key, operation="households_create", payload=payload, create=create
    )


@router.get("/deleted", response={200: TombstonePage, **READ_ERRORS}, operation_id="deleted_list")
def deleted_list(request: HttpRequest, filters: Query[DeletedFilters]) -> Any:
    """Households and members deleted in your area (with ``updated_since``: since your last sync)."""
    only_parameters(request, DeletedFilters.model_fields)
    user = user_with(request, READ)
    qs = selectors.tombstone_list(user=user, kind=filters.kind or "")
    rows, cursor = page_by_time(
        request,
        qs,
        cursor=filters.cursor,
        limit=filters.limit,
        time_field="deleted_at",
        since=filters.updated_since,
    )
    items = [
        {
            "kind": t.kind,
            "id": t.object_id,
            "household_id": t.household_id,
            "commune_id": t.commune_id,
            "deleted_at": t.deleted_at,
        }
        for t in rows
    ]
    return {"items": items, "next": next_link(request, cursor), "next_cursor": cursor}


@router.get(
    "/households/{household_id}", response={200: HouseholdOut, **READ_ERRORS}, operation_id="households_get"
)
def households_get(request: HttpRequest, household_id: Id) -> Any:
    user = user_with(request, READ)
    found = selectors.access_household_by_id(user=user, household_id=household_id)
    only_parameters(request, ())
    return household_out(found)


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, **WRITE_ERRORS},
    operation_id="households_update",
)
def households_update(request: HttpRequest, household_id: Id, payload: HouseholdPatch) -> Any:
    """Change the fields sent; ``version`` must be the one you read (409 if someone saved it since)."""
    user = user_with(request, READ)
    household = selectors.access_household_by_id(user=user, household_id=household_id)
    only_parameters(request, ())
    user = user_with(request, WRITE)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "village_id" in data:
        data["village"] = _area(user, data.pop("village_id"), "village_id")
    for required in (
        "code",
        "head_name",
        "ethnic_group",
        "no_working_capacity",
        "is_active",
        "poverty_causes",
    ):
        if required in data and data[required] is None:
            raise ValidationFailed(_("This field is required."), extra={"field": required})
    data = {k: ("" if v is None and k in _BLANK_TEXT else v) for k, v in data.items()}
    if data.get("floor_area_m2") is not None:
        data["floor_area_m2"] = _area_value(data["floor_area_m2"])
    updated = services.household_update(
        household=household, data=data, version=payload.version, acting_user=user
    )
    return household_out(updated)


_BLANK_TEXT = {"address", "phone", "note", "water_source", "latrine", "waste_handling"}


@router.delete(
    "/households/{household_id}", response={204: None, **WRITE_ERRORS}, operation_id="households_delete"
)
def households_delete(request: HttpRequest, household_id: Id, version: int = VersionQuery) -> Any:
    """Delete a household recorded by mistake (refused when records depend on it); it is then listed by
    ``/deleted``."""
    user = user_with(request, READ)
    household = selectors.access_household_by_id(user=user, household_id=household_id)
    only_parameters(request, ("version",))
    user = user_with(request, WRITE)
    services.household_delete(household=household, version=version, acting_user=user)
    return Status(204, None)


@router.get(
    "/households/{household_id}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    operation_id="households_members",
)
def households_members(request: HttpRequest, household_id: Id) -> Any:
    user = user_with(request, READ)
    household = selectors.access_household_by_id(user=user, household_id=household_id)
    only_parameters(request, ())
    show = selectors.national_id_display(user=user)
    return [
        member_out(m, show)
        for m in selectors.member_list(user=user, household_id=household.pk).order_by("pk")
    ]


# Members --------------------------------------------------------------------------------------------------


@router.get("/members", response={200: MemberPage, **READ_ERRORS}, operation_id="members_list")
def members_list(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    """The members of the households of your area, in the order of their last change."""
    only_parameters(request, MemberFilters.model_fields)
    user = user_with(request, READ)
    qs = selectors.member_list(user=user)
    if filters.commune is not None:
        qs = qs.filter(household__commune__code=filters.commune)
    if filters.village is not None:
        qs = qs.filter(household__village__code=filters.village)
    rows, cursor = page_by_time(
        request, qs, cursor=filters.cursor, limit=filters.limit, since=filters.updated_since
    )
    show = selectors.national_id_display(user=user)
    return {
        "items": [member_out(m, show) for m in rows],
        "next": next_link(request, cursor),
        "next_cursor": cursor,
    }


@router.post("/members", response={201: MemberOut, **WRITE_ERRORS}, operation_id="members_create")
def members_create(
    request: HttpRequest, payload: MemberIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Add a member to a household of your area."""
    user = user_with(request, WRITE)

    def create() -> dict[str, Any]:
        try:
            household = selectors.access_household_by_id(user=user, household_id=payload.household_id)
        except NotFound as exc:
            raise ValidationFailed(
                _("No such household in your area."), extra={"field": "household_id"}
            ) from exc
        data = payload.model_dump(exclude={"household_id"})
        member = services.member_create(household=household, data=data, acting_user=user)
        return member_out(member, selectors.national_id_display(user=user))

    return idempotent_create(
        request, user=user, key=idempotency_key, operation="members_create", payload=payload, create=create
    )


@router.get("/members/{member_id}", response={200: MemberOut, **READ_ERRORS}, operation_id="members_get")
def members_get(request: HttpRequest, member_id: Id) -> Any:
    user = user_with(request, READ)
    member = selectors.access_member_by_id(user=user, member_id=member_id)
    only_parameters(request, ())
    return member_out(member, selectors.national_id_display(user=user))


@router.patch(
    "/members/{member_id}", response={200: MemberOut, **WRITE_ERRORS}, operation_id="members_update"
)
def members_update(request: HttpRequest, member_id: Id, payload: MemberPatch) -> Any:
    user = user_with(request, READ)
    member = selectors.access_member_by_id(user=user, member_id=member_id)
    only_parameters(request, ())
    user = user_with(request, WRITE)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for required in (
        "full_name",
        "sex",
        "date_of_birth",
        "relationship",
        "birth_year_only",
        "is_active",
        "ethnic_group",
    ):
        if required in data and data[required] is None:
            raise ValidationFailed(_("This field is required."), extra={"field": required})
    data = {k: ("" if v is None and k in ("education", "employment") else v) for k, v in data.items()}
    updated = services.member_update(member=member, data=data, version=payload.version, acting_user=user)
    return member_out(updated, selectors.national_id_display(user=user))


@router.delete("/members/{member_id}", response={204: None, **WRITE_ERRORS}, operation_id="members_delete")
def members_delete(request: HttpRequest, member_id: Id, version: int = VersionQuery) -> Any:
    """Delete a member recorded by mistake (someone who left is made inactive instead)."""
    user = user_with(request, READ)
    member = selectors.access_member_by_id(user=user, member_id=member_id)
    only_parameters(request, ("version",))
    user = user_with(request, WRITE)
    services.member_delete(member=member, version=version, acting_user=user)
    return Status(204, None)
