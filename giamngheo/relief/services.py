"""Writes of relief: incidents, affected households, support, and the follow-up list's in-year review
requests. Keyword-only, atomic, audited; ``MANAGE_RELIEF`` and the user's scope: the province's staff
record its incidents, the officers of an affected commune its households and their support."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.core.attachments import check_attachment, original_name
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.signals import households_changed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.reviews.models import RegularRequest, RequestKind, RequestStatus
from giamngheo.reviews.services import regular_request_file

from .models import (
    ATTACHMENT_KINDS,
    AffectedHousehold,
    HouseDamage,
    Incident,
    IncidentCommune,
    IncidentKind,
    Support,
    SupportKind,
    SupportSource,
)
from .selectors import FOLLOW_UP_CATEGORIES, follow_up_loss, follow_up_q, manages_province

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User

MAX_COUNT = 10_000
MAX_MONEY = 10**15


# Permissions ------------------------------------------------------------------------------------------------
def _require_province(user: User | None, province: Area) -> None:
    if user is None:
        return
    if not can(user, Capability.MANAGE_RELIEF) or not manages_province(user=user, province=province):
        raise PermissionDenied(_("You may not record the incidents of this province."))


def _require_commune(user: User | None, commune_id: int) -> None:
    if user is None:
        return
    if not can(user, Capability.MANAGE_RELIEF) or not (
        Area.objects.filter(area_q(user), pk=commune_id).exists()
    ):
        raise PermissionDenied(_("You may record only the households of your own communes."))


# Incidents --------------------------------------------------------------------------------------------------
INCIDENT_FIELDS = ("kind", "name", "start_date", "end_date", "description")


def _check_incident(incident: Incident, communes: Sequence[Area]) -> None:
    if incident.kind not in IncidentKind.values:
        raise ValidationFailed(_("Choose the type of incident."), extra={"field": "kind"})
    if not incident.name.strip():
        raise ValidationFailed(_("Enter the name of the incident."), extra={"field": "name"})
    if incident.start_date is None:
        raise ValidationFailed(_("Enter the start date."), extra={"field": "start_date"})
    if incident.end_date is not None and incident.end_date < incident.start_date:
        raise ValidationFailed(
            _("The end date cannot be before the start date."), extra={"field": "end_date"}
        )
    if incident.province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("An incident belongs to a province."), extra={"field": "province"})
    if not communes:
        raise ValidationFailed(_("Choose the affected communes."), extra={"field": "communes"})
    if any(c.level != AreaLevel.COMMUNE or c.parent_id != incident.province_id for c in communes):
        raise ValidationFailed(
            _("The affected communes must be communes of the incident's province."),
            extra={"field": "communes"},
        )


def _attach(incident: Incident, attachment: UploadedFile[Any] | None) -> None:
    if attachment is None:
        return
    check_attachment(attachment, field="attachment", kinds=ATTACHMENT_KINDS)
    incident.attachment_name = original_name(attachment)
    incident.attachment.save(incident.attachment_name, attachment, save=False)


def _incident_after(incident: Incident) -> dict[str, Any]:
    after = snapshot(incident, [*INCIDENT_FIELDS, "province", "attachment_name"])
    after["communes"] = sorted(incident.commune_links.values_list("commune__name", flat=True))
    return after


@transaction.atomic
def incident_create(
    *,
    province: Area,
    kind: str,
    name: str,
    start_date: dt.date,
    communes: Sequence[Area],
    end_date: dt.date | None = None,
    description: str = "",
    attachment: UploadedFile[Any] | None = None,
    acting_user: User | None,
) -> Incident:
    _require_province(acting_user, province)
    incident = Incident(
        province=province,
        kind=kind,
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
    )
    _check_incident(incident, communes)
    _attach(incident, attachment)
    incident.save()
    IncidentCommune.objects.bulk_create([IncidentCommune(incident=incident, commune=c) for c in communes])
    audit_record(
        actor=acting_user, action="relief.incident.create", target=incident, after=_incident_after(incident)
    )
    return incident


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    data: Mapping[str, Any],
    communes: Sequence[Area],
    version: Version,
    attachment: UploadedFile[Any] | None = None,
    acting_user: User | None,
) -> Incident:
    check_fields(data, INCIDENT_FIELDS)
    locked = Incident.objects.select_for_update(of=("self",)).select_related("province").get(pk=incident.pk)
    _require_province(acting_user, locked.province)
    version_check(locked, version)
    before = _incident_after(locked)
    assign(locked, data)
    _check_incident(locked, communes)
    kept = {c.pk for c in communes}
    dropped = AffectedHousehold.objects.filter(incident=locked).exclude(commune_id__in=kept)
    if dropped.exists():
        raise ValidationFailed(
            _("Households of a commune you removed are recorded for this incident: remove them first."),
            extra={"field": "communes"},
        )
    early = Support.objects.filter(incident=locked, given_on__lt=locked.start_date)
    if early.exists():
        raise ValidationFailed(
            _("Support was recorded before this start date."), extra={"field": "start_date"}
        )
    _attach(locked, attachment)
    locked.version += 1
    locked.save()
    IncidentCommune.objects.filter(incident=locked).exclude(commune_id__in=kept).delete()
    present = set(IncidentCommune.objects.filter(incident=locked).values_list("commune_id", flat=True))
    IncidentCommune.objects.bulk_create(
        [IncidentCommune(incident=locked, commune=c) for c in communes if c.pk not in present]
    )
    audit_record(
        actor=acting_user,
        action="relief.incident.update",
        target=locked,
        before=before,
        after=_incident_after(locked),
    )
    return locked


# Affected households ----------------------------------------------------------------------------------------
AFFECTED_FIELDS = ("dead", "injured", "house", "crops_m2", "livestock", "estimated_loss", "note")


def _check_count(value: Any, name: str, *, required: bool, maximum: int = MAX_COUNT) -> None:
    if value is None:
        if required:
            raise ValidationFailed(_("Enter a number (0 if none)."), extra={"field": name})
        return
    if not isinstance(value, int) or value < 0:
        raise ValidationFailed(_("The number cannot be negative."), extra={"field": name})
    if value > maximum:
        raise ValidationFailed(_("The number is too large."), extra={"field": name})


def _check_damage(affected: AffectedHousehold) -> None:
    _check_count(affected.dead, "dead", required=True)
    _check_count(affected.injured, "injured", required=True)
    if affected.house is not None and affected.house not in HouseDamage.values:
        raise ValidationFailed(_("Choose the damage to the house."), extra={"field": "house"})
    _check_count(affected.crops_m2, "crops_m2", required=False, maximum=10**9)
    _check_count(affected.livestock, "livestock", required=False, maximum=10**6)
    _check_count(affected.estimated_loss, "estimated_loss", required=False, maximum=MAX_MONEY)


def _check_in_communes(incident: Incident, household: Household) -> None:
    if not IncidentCommune.objects.filter(incident=incident, commune_id=household.commune_id).exists():
        raise ValidationFailed(
            _("The household does not live in a commune affected by the incident."),
            extra={"field": "household"},
        )


def _events_changed(household_id: int) -> None:
    """The household's events on record changed (``policies.events``): the policies due after a disaster
    recount its entitlements (decision 0023)."""
    households_changed.send(sender=AffectedHousehold, household_ids=[household_id])


@transaction.atomic
def affected_create(
    *,
    incident: Incident,
    household: Household,
    dead: int,
    injured: int,
    house: str | None = None,
    crops_m2: int | None = None,
    livestock: int | None = None,
    estimated_loss: int | None = None,
    note: str = "",
    acting_user: User | None,
) -> AffectedHousehold:
    _require_commune(acting_user, household.commune_id)
    _check_in_communes(incident, household)
    if AffectedHousehold.objects.filter(incident=incident, household=household).exists():
        raise ValidationFailed(
            _("This household is already recorded for this incident."), extra={"field": "household"}
        )
    affected = AffectedHousehold(
        incident=incident,
        household=household,
        commune_id=household.commune_id,
        category=household.category or "",
        dead=dead,
        injured=injured,
        house=house or None,
        crops_m2=crops_m2,
        livestock=livestock,
        estimated_loss=estimated_loss,
        note=note.strip(),
    )
    _check_damage(affected)
    affected.save()
    audit_record(
        actor=acting_user,
        action="relief.affected.create",
        target=affected,
        after=snapshot(affected, ["incident", "household", "category", *AFFECTED_FIELDS]),
    )
    _events_changed(affected.household_id)
    return affected


@transaction.atomic
def affected_update(
    *, affected: AffectedHousehold, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> AffectedHousehold:
    check_fields(data, AFFECTED_FIELDS)
    locked = AffectedHousehold.objects.select_for_update().get(pk=affected.pk)
    _require_commune(acting_user, locked.commune_id)
    version_check(locked, version)
    before = snapshot(locked, list(AFFECTED_FIELDS))
    for name, value in data.items():
        if name == "house":
            value = value or None
        setattr(locked, name, value.strip() if isinstance(value, str) and name == "note" else value)
    _check_damage(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="relief.affected.update",
        target=locked,
        before=before,
        after=snapshot(locked, list(AFFECTED_FIELDS)),
    )
    _events_changed(locked.household_id)
    return locked


@transaction.atomic
def affected_delete(*, affected: AffectedHousehold, version: Version, acting_user: User | None) -> None:
    locked = AffectedHousehold.objects.select_for_update().get(pk=affected.pk)
    _require_commune(acting_user, locked.commune_id)
    version_check(locked, version)
    if Support.objects.filter(affected=locked).exists():
        raise ValidationFailed(
            _("Support was recorded for this household: remove it first."), extra={"field": None}
        )
    audit_record(
        actor=acting_user,
        action="relief.affected.delete",
        target=locked,
        before=snapshot(locked, ["incident", "household", "category", *AFFECTED_FIELDS]),
    )
    household_id = locked.household_id
    locked.delete()
    _events_changed(household_id)


# Support ----------------------------------------------------------------------------------------------------
SUPPORT_FIELDS = ("kind", "amount", "quantity", "unit", "source", "given_on", "note")


def _check_support(support: Support, incident: Incident) -> None:
    if support.kind not in SupportKind.values:
        raise ValidationFailed(_("Choose the kind of support."), extra={"field": "kind"})
    if support.source not in SupportSource.values:
        raise ValidationFailed(_("Choose the source of the support."), extra={"field": "source"})
    if support.given_on is None:
        raise ValidationFailed(_("Enter the date the support was given."), extra={"field": "given_on"})
    if support.given_on < incident.start_date:
        raise ValidationFailed(
            _("The support cannot be dated before the incident started (%(date)s).")
            % {"date": incident.start_date.strftime("%d/%m/%Y")},
            extra={"field": "given_on"},
        )
    _check_count(support.amount, "amount", required=False, maximum=MAX_MONEY)
    if support.quantity is not None:
        if (
            not support.quantity.is_finite()
            or support.quantity <= 0
            or support.quantity > Decimal("9999999999")
        ):
            raise ValidationFailed(_("Enter a quantity above zero."), extra={"field": "quantity"})
        if not support.unit.strip():
            raise ValidationFailed(_("Enter the unit of the quantity (e.g. kg)."), extra={"field": "unit"})
    if support.kind == SupportKind.CASH:
        if not support.amount:
            raise ValidationFailed(_("Enter the amount of cash given."), extra={"field": "amount"})
        if support.quantity is not None:
            raise ValidationFailed(_("Cash has an amount, not a quantity."), extra={"field": "quantity"})
    elif not support.amount and support.quantity is None:
        raise ValidationFailed(
            _("Enter the value in đồng or the quantity of the goods given."), extra={"field": "amount"}
        )


@transaction.atomic
def support_create(
    *,
    incident: Incident,
    household: Household,
    kind: str,
    source: str,
    given_on: dt.date,
    amount: int | None = None,
    quantity: Decimal | None = None,
    unit: str = "",
    note: str = "",
    acting_user: User | None,
) -> Support:
    _require_commune(acting_user, household.commune_id)
    _check_in_communes(incident, household)
    affected = AffectedHousehold.objects.filter(incident=incident, household=household).first()
    if affected is None:
        raise ValidationFailed(
            _("The household is not recorded as affected by this incident."), extra={"field": "household"}
        )
    support = Support(
        affected=affected,
        incident=incident,
        commune_id=affected.commune_id,
        kind=kind,
        source=source,
        given_on=given_on,
        amount=amount,
        quantity=quantity,
        unit=unit.strip() if quantity is not None else "",
        note=note.strip(),
    )
    _check_support(support, incident)
    support.save()
    audit_record(
        actor=acting_user,
        action="relief.support.create",
        target=support,
        after=snapshot(support, ["incident", "affected", *SUPPORT_FIELDS]),
    )
    return support


@transaction.atomic
def support_delete(*, support: Support, acting_user: User | None) -> None:
    locked = Support.objects.select_for_update().get(pk=support.pk)
    _require_commune(acting_user, locked.commune_id)
    audit_record(
        actor=acting_user,
        action="relief.support.delete",
        target=locked,
        before=snapshot(locked, ["incident", "affected", *SUPPORT_FIELDS]),
    )
    locked.delete()


# Follow-up: in-year review ----------------------------------------------------------------------------------
def _pending(household_ids: Sequence[int]) -> set[int]:
    return set(
        RegularRequest.objects.filter(
            household_id__in=household_ids, status=RequestStatus.PENDING
        ).values_list("household_id", flat=True)
    )


@transaction.atomic
def follow_up_request(
    *, affected: Sequence[AffectedHousehold], filed_on: dt.date, acting_user: User | None
) -> list[RegularRequest]:
    """Put affected households of a follow-up list on the in-year review (a request "recognition as a poor
    household", through ``reviews.services.regular_request_file``). Households that already have a pending
    request are left as they are; a household not on a follow-up list is refused (nothing is written)."""
    threshold = follow_up_loss()
    ids = [a.pk for a in affected]
    on_list = set(
        AffectedHousehold.objects.filter(follow_up_q(threshold), pk__in=ids).values_list("pk", flat=True)
    )
    for row in affected:
        _require_commune(acting_user, row.commune_id)
        if row.pk not in on_list or row.category not in FOLLOW_UP_CATEGORIES:
            raise ValidationFailed(_("This household is not on the follow-up list."), extra={"field": None})
    pending = _pending([a.household_id for a in affected])
    filed: list[RegularRequest] = []
    done: set[int] = set()
    for row in affected:
        if row.household_id in pending or row.household_id in done:
            continue
        if filed_on < row.incident.start_date:
            raise ValidationFailed(
                _("The request cannot be dated before the incident."), extra={"field": None}
            )
        household = Household.objects.select_for_update().get(pk=row.household_id)
        request = regular_request_file(
            household=household,
            kind=RequestKind.BECOME_POOR,
            filed_on=filed_on,
            note=_("At risk of falling into poverty after the incident “%(name)s”.")
            % {"name": row.incident.name},
            acting_user=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="relief.follow_up.request",
            target=row,
            after={"request": request.pk, "household": row.household_id, "filed_on": filed_on},
        )
        filed.append(request)
        done.add(row.household_id)
    return filed
