"""Writes to the registry. Atomic, audited, optimistically locked (``version``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ApplicationError, ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel

from .models import Household, Member
from .reference import Relationship, is_ethnic_minority, national_id_problem

HOUSEHOLD_FIELDS = {
    "code",
    "village",
    "address",
    "head_name",
    "phone",
    "ethnic_group",
    "walls_durable",
    "columns_durable",
    "roof_durable",
    "floor_area_m2",
    "water_source",
    "latrine",
    "devices",
    "waste_handling",
    "income_per_capita",
    "no_working_capacity",
    "is_active",
}
MEMBER_FIELDS = {
    "full_name",
    "sex",
    "date_of_birth",
    "relationship",
    "national_id",
    "ethnic_group",
    "has_health_insurance",
    "in_education",
    "attending_appropriate_level",
    "education",
    "employment",
    "disabled",
    "monthly_social_allowance",
    "stunted",
    "underweight",
    "uses_internet",
    "is_active",
}


class StaleVersion(ApplicationError):
    """Someone else saved the record after it was opened: nothing was written."""


def _check_fields(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _check_version(obj: Household | Member, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleVersion(
            _(
                "Someone else saved this record after you opened it (at %(time)s). Nothing was saved: "
                "reload the page to see their changes, then enter yours again."
            )
            % {"time": obj.updated_at.strftime("%H:%M %d/%m/%Y")},
            extra={"field": None},
        )


def _check_village(commune: Area, village: Area) -> None:
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(
            _("A household belongs to a commune, ward or special zone."), extra={"field": "commune"}
        )
    if village.parent_id != commune.pk or village.level != AreaLevel.VILLAGE:
        raise ValidationFailed(_("The village is not in this commune."), extra={"field": "village"})


def refresh_search_text(household: Household) -> None:
    parts = [household.code, household.head_name, household.phone, household.address]
    for name, national_id in household.members.filter(is_active=True).values_list("full_name", "national_id"):
        parts.extend([name, national_id or ""])
    text = fold(" ".join(p for p in parts if p))
    Household.objects.filter(pk=household.pk).update(search_text=text)
    household.search_text = text


@transaction.atomic
def household_create(*, commune: Area, data: Mapping[str, Any], acting_user: Any) -> Household:
    _check_fields(data, HOUSEHOLD_FIELDS)
    _check_village(commune, data["village"])
    code = str(data.get("code", "")).strip()
    if not code:
        raise ValidationFailed(_("Enter the household code."), extra={"field": "code"})
    if Household.objects.filter(commune=commune, code=code).exists():
        raise ValidationFailed(
            _("Household code %(code)s already exists in %(commune)s.")
            % {"code": code, "commune": commune.name},
            extra={"field": "code"},
        )
    household = Household(commune=commune, **{**data, "code": code})
    household.is_ethnic_minority = is_ethnic_minority(household.ethnic_group)
    household._history_user = acting_user if getattr(acting_user, "pk", None) else None  # type: ignore[attr-defined]
    household.save()
    refresh_search_text(household)
    audit_record(
        actor=acting_user, action="households.household.create", target=household, after=snapshot(household)
    )
    households_changed.send(sender=Household, household_ids=[household.pk])
    return household


@transaction.atomic
def household_update(
    *, household: Household, data: Mapping[str, Any], version: int | None, acting_user: Any
) -> Household:
    _check_fields(data, HOUSEHOLD_FIELDS)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    _check_version(locked, version)
    if "village" in data:
        _check_village(locked.commune, data["village"])
    if (
        "code" in data
        and data["code"] != locked.code
        and Household.objects.filter(commune=locked.commune, code=data["code"]).exclude(pk=locked.pk).exists()
    ):
        raise ValidationFailed(
            _("This household code is already used in the commune."), extra={"field": "code"}
        )
    before = snapshot(locked)
    for key, value in data.items():
        setattr(locked, key, value)
    locked.is_ethnic_minority = is_ethnic_minority(locked.ethnic_group)
    locked.version += 1
    locked._history_user = acting_user if getattr(acting_user, "pk", None) else None  # type: ignore[attr-defined]
    locked.save()
    refresh_search_text(locked)
    audit_record(
        actor=acting_user,
        action="households.household.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    households_changed.send(sender=Household, household_ids=[locked.pk])
    return locked


def _validate_member(
    household: Household, data: Mapping[str, Any], member: Member | None = None
) -> dict[str, Any]:
    values = dict(data)
    national_id = (values.get("national_id") or "").strip() or None
    values["national_id"] = national_id
    if national_id:
        problem = national_id_problem(
            national_id,
            date_of_birth=values.get("date_of_birth", member.date_of_birth if member else None),
            sex=values.get("sex", member.sex if member else ""),
        )
        if problem:
            raise ValidationFailed(problem, extra={"field": "national_id"})
        clash = Member.objects.filter(national_id=national_id)
        if member is not None:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            # No detail about the other record: it may be outside the user's scope.
            raise ValidationFailed(
                _("National ID %(id)s is already recorded for another person in the registry.")
                % {"id": national_id},
                extra={"field": "national_id"},
            )
    if values.get("relationship", member.relationship if member else "") == Relationship.HEAD:
        heads = household.members.filter(relationship=Relationship.HEAD, is_active=True)
        if member is not None:
            heads = heads.exclude(pk=member.pk)
        if heads.exists():
            raise ValidationFailed(_("The household already has a head."), extra={"field": "relationship"})
    return values


def _after_member_change(household: Household, member: Member) -> None:
    if (
        member.relationship == Relationship.HEAD
        and member.is_active
        and household.head_name != member.full_name
    ):
        Household.objects.filter(pk=household.pk).update(head_name=member.full_name)
        household.head_name = member.full_name
    refresh_search_text(household)
    households_changed.send(sender=Household, household_ids=[household.pk])


@transaction.atomic
def member_create(*, household: Household, data: Mapping[str, Any], acting_user: Any) -> Member:
    _check_fields(data, MEMBER_FIELDS)
    values = _validate_member(household, data)
    member = Member(household=household, **values)
    member._history_user = acting_user if getattr(acting_user, "pk", None) else None  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent insert of the same ID number
        raise ValidationFailed(
            _("This national ID is already recorded."), extra={"field": "national_id"}
        ) from exc
    _after_member_change(household, member)
    audit_record(actor=acting_user, action="households.member.create", target=member, after=snapshot(member))
    return member


@transaction.atomic
def member_update(
    *, member: Member, data: Mapping[str, Any], version: int | None, acting_user: Any
) -> Member:
    _check_fields(data, MEMBER_FIELDS)
    locked = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    _check_version(locked, version)
    values = _validate_member(locked.household, data, locked)
    before = snapshot(locked)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked._history_user = acting_user if getattr(acting_user, "pk", None) else None  # type: ignore[attr-defined]
    locked.save()
    _after_member_change(locked.household, locked)
    audit_record(
        actor=acting_user,
        action="households.member.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked
