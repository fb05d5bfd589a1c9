"""Writes to the registry: the one writer of ``Household`` and ``Member`` (docs/decisions/0009).

Every function is keyword-only, atomic, audited (before/after), optimistically locked (``version``) and
keeps the history (simple_history, with the acting user). After a change of facts (a household's or a
member's) the engine's fields of the household are refreshed with the standards in force
(``reclassify.households_reclassify``, the bulk path, here for one household), and
``core.signals.households_changed`` is sent inside the transaction: the policies recompute coverage, the
review recounts the open round's summary of the commune on commit (``reviews.receivers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.core.versioning import StaleVersion as StaleVersion
from giamngheo.core.versioning import Version, version_check
from giamngheo.geo.models import Area, AreaLevel

from .facts import HOUSEHOLD_FACT_NAMES, MEMBER_FACT_NAMES
from .models import Household, Member, Tombstone, TombstoneKind
from .reclassify import households_reclassify
from .reference import Category, Relationship, is_ethnic_minority, national_id_problem, poverty_causes
from .search import search_text
from .selectors import HouseholdFilters, household_list

# What a write may set: the household's identity and its facts (``facts.HOUSEHOLD_FACTS``); a member's
# identity and its facts (``facts.MEMBER_FACTS``).
HOUSEHOLD_FIELDS = {
    "code",
    "village",
    "address",
    "head_name",
    "phone",
    "ethnic_group",
    *HOUSEHOLD_FACT_NAMES,
    "note",
    "is_active",
}
MEMBER_FIELDS = {
    "full_name",
    "sex",
    "date_of_birth",
    "birth_year_only",
    "relationship",
    "national_id",
    "ethnic_group",
    *MEMBER_FACT_NAMES,
    "is_active",
}


# The engine's fields of a household (derived from its facts and the standards in force).
ENGINE_FIELDS = [
    "engine_standard",
    "engine_category",
    "engine_provincial_category",
    "deprived_keys",
    "unknown_keys",
]
# What a recognition decision writes.
RECOGNITION_FIELDS = ["category", "provincial_category", "category_since", "category_decision"]


def _history_user(acting_user: User | None) -> User | None:
    return acting_user if getattr(acting_user, "pk", None) else None


def engine_refresh(*, households: Sequence[Household]) -> None:
    """Refresh the engine's fields of these households from their facts, with the standards in force
    today, and update the instances. Part of every write of facts (no audit of its own: derived data)."""
    ids = [h.pk for h in households]
    if not ids:
        return
    households_reclassify(household_ids=ids)
    fresh = {row["pk"]: row for row in Household.objects.filter(pk__in=ids).values("pk", *ENGINE_FIELDS)}
    for household in households:
        for name in ENGINE_FIELDS:
            setattr(household, name, fresh[household.pk][name])


def _changed(household_ids: Sequence[int]) -> None:
    households_changed.send(sender=Household, household_ids=list(household_ids))


def _check_fields(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _check_version(obj: Household | Member, version: Version) -> None:
    """A form's version must be the row's (``None``: a form without it, refused); ``ANY_VERSION`` for
    internal callers only."""
    version_check(obj, version)


def _check_village(commune: Area, village: Area) -> None:
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(
            _("A household belongs to a commune, ward or special zone."), extra={"field": "commune"}
        )
    if village.parent_id != commune.pk or village.level != AreaLevel.VILLAGE:
        raise ValidationFailed(_("The village is not in this commune."), extra={"field": "village"})


def refresh_search_text(household: Household) -> None:
    text = search_text(
        code=household.code,
        head_name=household.head_name,
        phone=household.phone,
        members=household.members.filter(is_active=True).values_list("full_name", "national_id"),
    )
    Household.objects.filter(pk=household.pk).update(search_text=text)
    household.search_text = text


def _check_household_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if "poverty_causes" in values:
        known = {code for code, _name in poverty_causes()}
        causes = list(values["poverty_causes"] or [])
        if any(c not in known for c in causes):
            raise ValidationFailed(_("Choose causes from the list."), extra={"field": "poverty_causes"})
        values["poverty_causes"] = sorted(set(causes), key=[c for c, _n in poverty_causes()].index)
    if "devices" in values and values["devices"] is not None:
        values["devices"] = list(dict.fromkeys(values["devices"]))
    if "note" in values:
        values["note"] = (values["note"] or "").strip()
    return values


@transaction.atomic
def household_create(*, commune: Area, data: Mapping[str, Any], acting_user: User | None) -> Household:
    _check_fields(data, HOUSEHOLD_FIELDS)
    _check_village(commune, data["village"])
    values = _check_household_values(data)
    code = str(values.get("code", "")).strip()
    if not code:
        raise ValidationFailed(_("Enter the household code."), extra={"field": "code"})
    if Household.objects.filter(commune=commune, code=code).exists():
        raise ValidationFailed(
            _("Household code %(code)s already exists in %(commune)s.")
            % {"code": code, "commune": commune.name},
            extra={"field": "code"},
        )
    household = Household(commune=commune, **{**values, "code": code})
    household.is_ethnic_minority = is_ethnic_minority(household.ethnic_group)
    household._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    household.save()
    refresh_search_text(household)
    engine_refresh(households=[household])
    audit_record(
        actor=acting_user, action="households.household.create", target=household, after=snapshot(household)
    )
    _changed([household.pk])
    return household


def _household_write(
    *,
    household: Household,
    data: Mapping[str, Any],
    version: Version,
    acting_user: User | None,
    action: str,
    note: str = "",
) -> Household:
    """Lock, check the version, write the facts with a history row, refresh the engine, audit, signal."""
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
    values = _check_household_values(data)
    before = snapshot(locked)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.is_ethnic_minority = is_ethnic_minority(locked.ethnic_group)
    locked.version += 1
    locked._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    if note:
        locked._change_reason = note[:100]  # type: ignore[attr-defined]
    locked.save()
    refresh_search_text(locked)
    engine_refresh(households=[locked])
    audit_record(
        actor=acting_user, action=action, target=locked, before=before, after=snapshot(locked), note=note
    )
    _changed([locked.pk])
    return locked


@transaction.atomic
def household_update(
    *, household: Household, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Household:
    _check_fields(data, HOUSEHOLD_FIELDS)
    return _household_write(
        household=household,
        data=data,
        version=version,
        acting_user=acting_user,
        action="households.household.update",
    )


@transaction.atomic
def household_income_record(
    *,
    household: Household,
    income_per_capita: int | None,
    acting_user: User | None,
    version: Version,
    note: str = "",
) -> Household:
    """The income per person found by a survey (form B of the review): written like a form edit (version
    bumped, so that an edit form opened before the survey cannot write the old income back)."""
    if income_per_capita is not None and income_per_capita < 0:
        raise ValidationFailed(_("The amount cannot be negative."), extra={"field": "income_per_capita"})
    return _household_write(
        household=household,
        data={"income_per_capita": income_per_capita},
        version=version,
        acting_user=acting_user,
        action="households.household.income",
        note=note,
    )


Decision = tuple[int, str, str | None]


@transaction.atomic
def households_recognise(
    *,
    decisions: Sequence[Decision],
    decision_number: str,
    decision_date: dt.date,
    acting_user: User | None,
    reason: str = "",
) -> list[Household]:
    """A recognition decision of the commune chairperson: ``decisions`` are (household id, category,
    provincial category or ``None`` to leave it unchanged). Written in bulk with a history row per
    household (the acting user, ``reason`` as the change reason), versions bumped, one audit record
    with every household's before and after, one signal. The engine's fields do not change (the facts
    did not)."""
    number = decision_number.strip()
    if not number:
        raise ValidationFailed(_("Enter the decision number."), extra={"field": "decision_number"})
    wanted: dict[int, tuple[str, str | None]] = {}
    for household_id, category, provincial in decisions:
        if category not in Category.values or (provincial and provincial not in Category.values):
            raise ValueError(f"unknown category for household {household_id}: {category!r}/{provincial!r}")
        wanted[household_id] = (category, provincial)
    if not wanted:
        return []
    households = list(Household.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"))
    if len(households) != len(wanted):
        raise ValueError("unknown household in the decision")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    now = timezone.now()
    for household in households:
        before[str(household.pk)] = snapshot(household, RECOGNITION_FIELDS)
        category, provincial = wanted[household.pk]
        household.category = category
        if provincial is not None:
            household.provincial_category = provincial
        household.category_since = decision_date
        household.category_decision = number[:60]
        household.version += 1
        household.updated_at = now
        after[str(household.pk)] = snapshot(household, RECOGNITION_FIELDS)
    Household.objects.bulk_update(households, [*RECOGNITION_FIELDS, "version", "updated_at"], batch_size=500)
    Household.history.bulk_history_create(
        households,
        batch_size=500,
        update=True,
        default_user=_history_user(acting_user),
        default_change_reason=(reason or number)[:100],
        default_date=now,
    )
    audit_record(
        actor=acting_user,
        action="households.household.recognise",
        target_type=Household._meta.label_lower,
        target_repr=f"{number} ({len(households)})",
        before=before,
        after=after,
        note=reason,
    )
    _changed([h.pk for h in households])
    return households


def national_id_taken_error(
    *, national_id: str, other: Member | None, acting_user: User | None
) -> ValidationFailed:
    """The refusal of an ID number recorded for another person. It says where that person is only to a
    user whose scope includes them (the province's specialist); anyone else learns nothing about a record
    outside their area — not the name, not the commune — and is sent to the province."""
    if other is not None and acting_user is not None and acting_user.pk:
        visible = (
            household_list(user=acting_user, filters=HouseholdFilters(include_inactive=True))
            .filter(pk=other.household_id)
            .exists()
        )
        if visible:
            household = other.household
            return ValidationFailed(
                _(
                    "National ID %(id)s is already recorded for another person: household %(code)s, "
                    "%(commune)s."
                )
                % {"id": national_id, "code": household.code, "commune": household.commune.name},
                extra={"field": "national_id"},
            )
    return ValidationFailed(
        _("This ID number cannot be used; if it really is this person's, contact the province."),
        extra={"field": "national_id"},
    )


def _validate_member(
    household: Household,
    data: Mapping[str, Any],
    member: Member | None = None,
    acting_user: User | None = None,
) -> dict[str, Any]:
    values = dict(data)
    national_id = (values.get("national_id") or "").strip() or None
    values["national_id"] = national_id
    if values.get("birth_year_only"):
        born = values.get("date_of_birth", member.date_of_birth if member else None)
        if born is not None:
            values["date_of_birth"] = dt.date(born.year, 1, 1)
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
        other = clash.select_related("household", "household__commune").first()
        if other is not None:
            # Where the other person is, only to a user who may see them.
            raise national_id_taken_error(national_id=national_id, other=other, acting_user=acting_user)
    if values.get("relationship", member.relationship if member else "") == Relationship.HEAD:
        heads = household.members.filter(relationship=Relationship.HEAD, is_active=True)
        if member is not None:
            heads = heads.exclude(pk=member.pk)
        if heads.exists():
            raise ValidationFailed(_("The household already has a head."), extra={"field": "relationship"})
    return values


def _after_member_change(household: Household, member: Member | None) -> None:
    """A member's change changes the household's persons and facts: head's name, search text, engine."""
    if (
        member is not None
        and member.relationship == Relationship.HEAD
        and member.is_active
        and household.head_name != member.full_name
    ):
        Household.objects.filter(pk=household.pk).update(head_name=member.full_name)
        household.head_name = member.full_name
    refresh_search_text(household)
    engine_refresh(households=[household])
    _changed([household.pk])


@transaction.atomic
def member_create(*, household: Household, data: Mapping[str, Any], acting_user: User | None) -> Member:
    _check_fields(data, MEMBER_FIELDS)
    values = _validate_member(household, data, acting_user=acting_user)
    member = Member(household=household, **values)
    member._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent insert of the same ID number
        raise national_id_taken_error(
            national_id=values.get("national_id") or "", other=None, acting_user=acting_user
        ) from exc
    audit_record(actor=acting_user, action="households.member.create", target=member, after=snapshot(member))
    _after_member_change(household, member)
    return member


@transaction.atomic
def member_update(
    *, member: Member, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Member:
    _check_fields(data, MEMBER_FIELDS)
    locked = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    _check_version(locked, version)
    values = _validate_member(locked.household, data, locked, acting_user=acting_user)
    before = snapshot(locked)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    locked.save()
    audit_record(
        actor=acting_user,
        action="households.member.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    _after_member_change(locked.household, locked)
    return locked


@transaction.atomic
def member_delete(*, member: Member, version: Version, acting_user: User | None, reason: str = "") -> None:
    """Remove a member recorded by mistake (a person who left or died is made inactive instead: the
    history of the household keeps them). The history keeps a "deleted" row."""
    locked = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    _check_version(locked, version)
    household = locked.household
    before = snapshot(locked)
    locked._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    if reason:
        locked._change_reason = reason[:100]  # type: ignore[attr-defined]
    target_repr = str(locked)
    target_id = str(locked.pk)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise ValidationFailed(
            _(
                "This person has records that depend on them (e.g. support received): untick “lives in "
                "the household” instead of deleting."
            )
        ) from exc
    Tombstone.objects.create(
        kind=TombstoneKind.MEMBER,
        object_id=int(target_id),
        household_id=household.pk,
        commune_id=household.commune_id,
        deleted_at=timezone.now(),
    )
    audit_record(
        actor=acting_user,
        action="households.member.delete",
        target_type=Member._meta.label_lower,
        target_id=target_id,
        target_repr=target_repr,
        before=before,
        note=reason,
    )
    _after_member_change(household, None)


@transaction.atomic
def household_delete(
    *, household: Household, version: Version, acting_user: User | None, reason: str = ""
) -> None:
    """Remove a household recorded by mistake, with its members (a household that moved away or split is
    made inactive instead). Refused when records depend on it (support, assessments…). Leaves a tombstone
    per household and member for incremental sync (``Tombstone``) and a "deleted" history row."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    _check_version(locked, version)
    if locked.assessments.exists():
        raise ValidationFailed(_("This household is in a review round: untick “active” instead of deleting."))
    before = snapshot(locked)
    member_ids = list(locked.members.values_list("pk", flat=True))
    locked._history_user = _history_user(acting_user)  # type: ignore[attr-defined]
    if reason:
        locked._change_reason = reason[:100]  # type: ignore[attr-defined]
    target_repr, target_id, commune_id = str(locked), locked.pk, locked.commune_id
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise ValidationFailed(
            _(
                "This household has records that depend on it (e.g. support received or a review): untick "
                "“active” instead of deleting."
            )
        ) from exc
    now = timezone.now()
    Tombstone.objects.bulk_create(
        [
            Tombstone(
                kind=TombstoneKind.MEMBER,
                object_id=pk,
                household_id=target_id,
                commune_id=commune_id,
                deleted_at=now,
            )
            for pk in member_ids
        ]
        + [
            Tombstone(
                kind=TombstoneKind.HOUSEHOLD,
                object_id=target_id,
                household_id=target_id,
                commune_id=commune_id,
                deleted_at=now,
            )
        ]
    )
    audit_record(
        actor=acting_user,
        action="households.household.delete",
        target_type=Household._meta.label_lower,
        target_id=str(target_id),
        target_repr=target_repr,
        before=before,
        note=reason,
    )
    # The household is gone: the commune's coverage and open round are recounted.
    households_changed.send(sender=Household, commune_ids=[commune_id])
