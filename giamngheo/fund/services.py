"""Writes of the fund: campaigns (``MANAGE_FUND``), donations (``MANAGE_FUND`` for all, ``RECORD_DONATIONS``
for the units of one's own org scope), disbursements (``MANAGE_FUND``, never more than the balance).
Keyword-only, atomic, audited; on bad input nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.attachments import DOCUMENTS, check_attachment, original_name
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.org.models import OrgUnit, Staff

from .models import Campaign, Disbursement, Donation, DonorKind, Method, Purpose
from .selectors import campaign_q

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = 10**15  # a thousand billion đồng: beyond any donation or campaign


# Permissions ------------------------------------------------------------------------------------------------
def _require_fund_manager(user: User | None, campaign: Campaign | None = None) -> None:
    if user is None:  # the demo seed, commands
        return
    if not can(user, Capability.MANAGE_FUND):
        raise PermissionDenied(_("You may not manage the fund."))
    if campaign is not None and not Campaign.objects.filter(campaign_q(user), pk=campaign.pk).exists():
        raise PermissionDenied(_("You may not manage the fund."))


def _require_recorder(user: User | None, campaign: Campaign, unit: OrgUnit | None) -> None:
    if user is None or user.is_system_admin:
        return
    if can(user, Capability.MANAGE_FUND):
        _require_fund_manager(user, campaign)
        return
    if not can(user, Capability.RECORD_DONATIONS):
        raise PermissionDenied(_("You may not record donations."))
    if unit is None or not OrgUnit.objects.filter(org_q(user, "path", None), pk=unit.pk).exists():
        raise PermissionDenied(_("You may record only the donations of your own unit and its staff."))


# Campaigns --------------------------------------------------------------------------------------------------
CAMPAIGN_FIELDS = (
    "name",
    "year",
    "target_amount",
    "start_date",
    "end_date",
    "document_number",
    "document_date",
    "note",
)


def _check_amount(amount: int | None, name: str, *, required: bool = True) -> None:
    if amount is None or amount == 0:
        if required:
            raise ValidationFailed(_("Enter the amount."), extra={"field": name})
        return
    if amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), extra={"field": name})
    if amount > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is too large."), extra={"field": name})


def _check_campaign(campaign: Campaign) -> None:
    if not campaign.name.strip():
        raise ValidationFailed(_("Enter the name of the campaign."), extra={"field": "name"})
    if campaign.year is None or not MIN_YEAR <= campaign.year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )
    if campaign.province.level != AreaLevel.PROVINCE:
        raise ValidationFailed(_("A campaign belongs to a province."), extra={"field": "province"})
    _check_amount(campaign.target_amount, "target_amount", required=False)
    if campaign.target_amount == 0:
        campaign.target_amount = None
    if campaign.start_date is None:
        raise ValidationFailed(_("Enter the start date."), extra={"field": "start_date"})
    if campaign.end_date is None:
        raise ValidationFailed(_("Enter the end date."), extra={"field": "end_date"})
    if campaign.end_date < campaign.start_date:
        raise ValidationFailed(
            _("The end date cannot be before the start date."), extra={"field": "end_date"}
        )


def _check_units(units: Sequence[OrgUnit], province: Area) -> None:
    if not units:
        raise ValidationFailed(_("Choose the participating units."), extra={"field": "units"})
    if any(u.area_id != province.pk for u in units):
        raise ValidationFailed(
            _("The participating units must belong to the campaign's province."), extra={"field": "units"}
        )


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return snapshot(campaign) | {"units": sorted(campaign.units.values_list("pk", flat=True))}


@transaction.atomic
def campaign_create(
    *,
    province: Area,
    name: str,
    year: int,
    start_date: dt.date,
    end_date: dt.date,
    units: Sequence[OrgUnit],
    target_amount: int | None = None,
    document_number: str = "",
    document_date: dt.date | None = None,
    note: str = "",
    acting_user: User | None,
) -> Campaign:
    _require_fund_manager(acting_user)
    if (
        acting_user is not None
        and not acting_user.is_system_admin
        and not OrgUnit.objects.filter(org_q(acting_user), area=province).exists()
    ):
        raise PermissionDenied(_("You may not manage the fund."))
    campaign = Campaign(
        province=province,
        name=name.strip(),
        year=year,
        target_amount=target_amount,
        start_date=start_date,
        end_date=end_date,
        document_number=document_number.strip(),
        document_date=document_date,
        note=note.strip(),
    )
    _check_campaign(campaign)
    _check_units(units, province)
    campaign.save()
    campaign.units.set(units)
    audit_record(
        actor=acting_user, action="fund.campaign.create", target=campaign, after=_campaign_snapshot(campaign)
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    data: Mapping[str, Any],
    units: Sequence[OrgUnit],
    version: Version,
    acting_user: User | None,
) -> Campaign:
    check_fields(data, CAMPAIGN_FIELDS)
    locked = Campaign.objects.select_for_update(of=("self",)).select_related("province").get(pk=campaign.pk)
    _require_fund_manager(acting_user, locked)
    version_check(locked, version)
    before = _campaign_snapshot(locked)
    assign(locked, data)
    _check_campaign(locked)
    _check_units(units, locked.province)
    outside = Donation.objects.filter(campaign=locked).exclude(
        date__range=(locked.start_date, locked.end_date)
    )
    if outside.exists():
        raise ValidationFailed(
            _("Some donations are dated outside these dates: correct them first."),
            extra={"field": "start_date"},
        )
    given = set(
        Donation.objects.filter(campaign=locked, org_unit__isnull=False).values_list("org_unit_id", flat=True)
    )
    if given - {u.pk for u in units}:
        raise ValidationFailed(
            _("A unit that has donations cannot be removed from the campaign."), extra={"field": "units"}
        )
    locked.version += 1
    locked.save()
    locked.units.set(units)
    audit_record(
        actor=acting_user,
        action="fund.campaign.update",
        target=locked,
        before=before,
        after=_campaign_snapshot(locked),
    )
    return locked


@transaction.atomic
def campaign_delete(*, campaign: Campaign, version: Version, acting_user: User | None) -> None:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_fund_manager(acting_user, locked)
    version_check(locked, version)
    if locked.donations.exists() or locked.disbursements.exists():
        raise ValidationFailed(
            _("The campaign has donations or disbursements: it cannot be deleted."), extra={"field": None}
        )
    before = _campaign_snapshot(locked)
    audit_record(actor=acting_user, action="fund.campaign.delete", target=locked, before=before)
    locked.units.clear()
    locked.delete()


# Donations --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DonationInput:
    donor_kind: str
    amount: int | None
    date: dt.date | None
    method: str
    receipt_number: str
    org_unit: OrgUnit | None = None
    staff: Staff | None = None
    donor_name: str = ""
    anonymous: bool = False
    note: str = ""


def check_donation(campaign: Campaign, data: DonationInput) -> None:
    """Every check of a donation but the receipt's uniqueness in the database (the import uses it too)."""
    if data.donor_kind not in DonorKind.values:
        raise ValidationFailed(_("Choose the kind of donor."), extra={"field": "donor_kind"})
    if data.amount is None or data.amount == 0:
        raise ValidationFailed(_("Enter the amount donated."), extra={"field": "amount"})
    _check_amount(data.amount, "amount")
    if data.date is None:
        raise ValidationFailed(_("Enter the date of the donation."), extra={"field": "date"})
    if not campaign.start_date <= data.date <= campaign.end_date:
        raise ValidationFailed(
            _("The date must be within the campaign, from %(start)s to %(end)s.")
            % {
                "start": campaign.start_date.strftime("%d/%m/%Y"),
                "end": campaign.end_date.strftime("%d/%m/%Y"),
            },
            extra={"field": "date"},
        )
    if data.method not in Method.values:
        raise ValidationFailed(_("Choose how the money was given."), extra={"field": "method"})
    if not data.receipt_number.strip():
        raise ValidationFailed(_("Enter the receipt number."), extra={"field": "receipt_number"})
    if data.donor_kind in (DonorKind.STAFF, DonorKind.UNIT):
        if data.org_unit is None:
            raise ValidationFailed(_("Choose the unit."), extra={"field": "org_unit"})
        if not campaign.units.filter(pk=data.org_unit.pk).exists():
            raise ValidationFailed(
                _("The unit does not take part in this campaign."), extra={"field": "org_unit"}
            )
    if data.donor_kind == DonorKind.STAFF:
        if data.staff is None:
            raise ValidationFailed(_("Choose the staff member."), extra={"field": "staff"})
        if data.org_unit is not None and data.staff.org_unit_id != data.org_unit.pk:
            raise ValidationFailed(
                _("The staff member does not work in this unit."), extra={"field": "staff"}
            )
    if data.donor_kind in (DonorKind.BUSINESS, DonorKind.OTHER) and not data.donor_name.strip():
        raise ValidationFailed(_("Enter the donor's name."), extra={"field": "donor_name"})


def _donation(campaign: Campaign, data: DonationInput, acting_user: User | None) -> Donation:
    kind = data.donor_kind
    assert data.amount is not None and data.date is not None  # noqa: S101 - checked by check_donation
    return Donation(
        campaign=campaign,
        donor_kind=kind,
        org_unit=data.org_unit if kind in (DonorKind.STAFF, DonorKind.UNIT) else None,
        staff=data.staff if kind == DonorKind.STAFF else None,
        donor_name=data.donor_name.strip() if kind in (DonorKind.BUSINESS, DonorKind.OTHER) else "",
        amount=data.amount,
        date=data.date,
        method=data.method,
        receipt_number=data.receipt_number.strip(),
        anonymous=data.anonymous,
        note=data.note.strip(),
        recorded_by=acting_user if acting_user is not None and acting_user.pk else None,
    )


@transaction.atomic
def donation_create(*, campaign: Campaign, data: DonationInput, acting_user: User | None) -> Donation:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    unit = data.org_unit if data.donor_kind in (DonorKind.STAFF, DonorKind.UNIT) else None
    _require_recorder(acting_user, locked, unit)
    check_donation(locked, data)
    if Donation.objects.filter(campaign=locked, receipt_number=data.receipt_number.strip()).exists():
        raise ValidationFailed(
            _("Receipt number %(number)s is already used in this campaign.")
            % {"number": data.receipt_number.strip()},
            extra={"field": "receipt_number"},
        )
    donation = _donation(locked, data, acting_user)
    donation.save()
    audit_record(actor=acting_user, action="fund.donation.create", target=donation, after=snapshot(donation))
    return donation


@transaction.atomic
def donations_import(
    *, campaign: Campaign, rows: Sequence[DonationInput], acting_user: User | None
) -> list[Donation]:
    """Write the checked rows of an import, all or nothing (the caller checked each row; the receipt numbers
    are checked again here against the campaign)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for data in rows:
        unit = data.org_unit if data.donor_kind in (DonorKind.STAFF, DonorKind.UNIT) else None
        _require_recorder(acting_user, locked, unit)
        check_donation(locked, data)
    numbers = [r.receipt_number.strip() for r in rows]
    if (
        len(set(numbers)) != len(numbers)
        or Donation.objects.filter(campaign=locked, receipt_number__in=numbers).exists()
    ):
        raise ValidationFailed(
            _("A receipt number is already used in this campaign."), extra={"field": "receipt_number"}
        )
    created = Donation.objects.bulk_create([_donation(locked, r, acting_user) for r in rows])
    audit_record(
        actor=acting_user,
        action="fund.donation.import",
        target=locked,
        after={"donations": len(created), "amount": sum(int(d.amount) for d in created)},
    )
    return created


@transaction.atomic
def donation_delete(*, donation: Donation, acting_user: User | None) -> None:
    locked = Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=donation.pk)
    _require_recorder(acting_user, locked.campaign, locked.org_unit)
    campaign = locked.campaign
    raised = Donation.objects.filter(campaign=campaign).aggregate(s=Sum("amount"))["s"] or 0
    spent = Disbursement.objects.filter(campaign=campaign).aggregate(s=Sum("amount"))["s"] or 0
    if raised - locked.amount < spent:
        raise ValidationFailed(
            _("Without this donation the campaign would have paid out more than it raised."),
            extra={"field": None},
        )
    audit_record(actor=acting_user, action="fund.donation.delete", target=locked, before=snapshot(locked))
    locked.delete()


# Disbursements ----------------------------------------------------------------------------------------------
@transaction.atomic
def disbursement_create(
    *,
    campaign: Campaign,
    household: Household | None,
    amount: int | None,
    date: dt.date | None,
    purpose: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decision_file: UploadedFile[Any] | None = None,
    note: str = "",
    acting_user: User | None,
) -> Disbursement:
    locked = Campaign.objects.select_for_update(of=("self",)).select_related("province").get(pk=campaign.pk)
    _require_fund_manager(acting_user, locked)
    if household is None:
        raise ValidationFailed(_("Choose the household."), extra={"field": "household_code"})
    if not household.commune.path.startswith(locked.province.path):
        raise ValidationFailed(
            _("The household is not in the campaign's province."), extra={"field": "household_code"}
        )
    if amount is None or amount == 0:
        raise ValidationFailed(_("Enter the amount."), extra={"field": "amount"})
    _check_amount(amount, "amount")
    if date is None:
        raise ValidationFailed(_("Enter the date."), extra={"field": "date"})
    if date < locked.start_date:
        raise ValidationFailed(_("The date cannot be before the campaign's start."), extra={"field": "date"})
    if purpose not in Purpose.values:
        raise ValidationFailed(_("Choose the purpose."), extra={"field": "purpose"})
    check_attachment(decision_file, field="decision_file", kinds=DOCUMENTS)
    raised = Donation.objects.filter(campaign=locked).aggregate(s=Sum("amount"))["s"] or 0
    spent = Disbursement.objects.filter(campaign=locked).aggregate(s=Sum("amount"))["s"] or 0
    if amount > raised - spent:
        raise ValidationFailed(
            _("The balance is not enough (%(balance)s đ left).")
            % {"balance": f"{raised - spent:,}".replace(",", ".")},
            extra={"field": "amount"},
        )
    row = Disbursement(
        campaign=locked,
        household=household,
        amount=amount,
        date=date,
        purpose=purpose,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        note=note.strip(),
    )
    if decision_file is not None:
        row.decision_file_name = original_name(decision_file)
        row.decision_file.save(decision_file.name or "file", decision_file, save=False)
    row.save()
    audit_record(actor=acting_user, action="fund.disbursement.create", target=row, after=snapshot(row))
    return row


@transaction.atomic
def disbursement_delete(*, disbursement: Disbursement, acting_user: User | None) -> None:
    locked = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=disbursement.pk)
    )
    _require_fund_manager(acting_user, locked.campaign)
    audit_record(actor=acting_user, action="fund.disbursement.delete", target=locked, before=snapshot(locked))
    if locked.decision_file:
        locked.decision_file.delete(save=False)
    locked.delete()
