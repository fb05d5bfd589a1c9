"""Reads of the fund: campaigns (seen by those who see one of their participating units, or the province),
donations (the office: all of its campaigns'; a unit head: their unit's only), disbursements (the office),
the campaign's figures (exact integer sums), the public page's figures (no personal data) and the inputs of
the plan's indicators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_paths, area_q, can, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold, vi_sort_key
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.org.models import OrgUnit, Staff
from giamngheo.org.selectors import staff_list

from .models import Campaign, Disbursement, Donation, DonorKind, Method, Purpose

# The keys of ``plans.indicators`` (plans sits above this app: the strings are repeated here).
FUND_RAISED = "fund_raised"
FUND_STAFF = "fund_staff"
FUND_STAFF_GAVE = "fund_staff_gave"

ANONYMOUS_LABEL = "Nhà hảo tâm ẩn danh"


# Campaigns ---------------------------------------------------------------------------------------------
def _visible_units(user: User) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(org_q(user))


def campaign_q(user: User) -> Q:
    """Campaigns the user sees: one of their participating units is in the user's org scope (or the
    province's units through the user's area scope)."""
    if user.is_system_admin:
        return Q()
    through = Campaign.units.through.objects.filter(orgunit__in=_visible_units(user)).values("campaign_id")
    return Q(pk__in=through)


def campaign_list(*, user: User, year: int | None = None, q: str = "") -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(campaign_q(user)).select_related("province")
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(document_number__icontains=q))
    return qs.annotate(raised=Sum("donations__amount")).order_by("-year", "name")


def campaign_years(*, user: User) -> list[int]:
    return sorted(set(Campaign.objects.filter(campaign_q(user)).values_list("year", flat=True)), reverse=True)


def access_campaign_by_id(*, user: User, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(campaign_q(user), pk=campaign_id).select_related("province").first()
    if campaign is None:
        raise NotFound("campaign")
    return campaign


def public_campaign_by_id(*, campaign_id: int) -> Campaign:
    """A campaign for its public transparency page (no sign-in: only totals are shown there)."""
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("province").first()
    if campaign is None:
        raise NotFound("campaign")
    return campaign


def provinces_to_pick(*, user: User) -> list[Area]:
    """Provinces a campaign may be opened in: those of the org units the user sees (the department's)."""
    ids = _visible_units(user).values("area_id")
    return sorted(
        Area.objects.filter(pk__in=ids, level=AreaLevel.PROVINCE), key=lambda a: vi_sort_key(a.name)
    )


def units_to_pick(*, user: User, province: Area | None = None) -> list[OrgUnit]:
    """Active org units the user sees (of the province), in the tree's order."""
    qs = _visible_units(user).filter(is_active=True)
    if province is not None:
        qs = qs.filter(area=province)
    return list(qs.order_by("path"))


def campaign_units(*, campaign: Campaign) -> list[OrgUnit]:
    return list(campaign.units.order_by("path"))


# Donations ---------------------------------------------------------------------------------------------
def donation_q(user: User) -> Q:
    """The donations a user sees: the office (``MANAGE_FUND``) all of its campaigns'; anyone else recording
    donations (a unit head) those recorded through the org units of their own org scope."""
    if user.is_system_admin:
        return Q()
    if can(user, Capability.MANAGE_FUND):
        return Q(campaign__in=Campaign.objects.filter(campaign_q(user)).values("pk"))
    if can(user, Capability.RECORD_DONATIONS):
        return org_q(user, "org_unit__path", None) & Q(org_unit__isnull=False)
    return Q(pk__in=[])


@dataclass(frozen=True)
class DonationFilters:
    q: str = ""
    donor_kind: str = ""
    method: str = ""
    org_unit_id: int | None = None


def donation_list(
    *, user: User, campaign: Campaign, filters: DonationFilters | None = None
) -> QuerySet[Donation]:
    f = filters or DonationFilters()
    qs = Donation.objects.filter(donation_q(user), campaign=campaign).select_related("staff", "org_unit")
    if f.q:
        folded = fold(f.q)
        qs = qs.filter(
            Q(staff__name_folded__contains=folded)
            | Q(donor_name__icontains=f.q)
            | Q(receipt_number__icontains=f.q)
            | Q(org_unit__name_folded__contains=folded)
        )
    if f.donor_kind in DonorKind.values:
        qs = qs.filter(donor_kind=f.donor_kind)
    if f.method in Method.values:
        qs = qs.filter(method=f.method)
    if f.org_unit_id:
        qs = qs.filter(org_unit_id=f.org_unit_id)
    return qs.order_by("-date", "-pk")


def access_donation_by_id(*, user: User, donation_id: int) -> Donation:
    donation = (
        Donation.objects.filter(donation_q(user), pk=donation_id)
        .select_related("campaign", "campaign__province", "staff", "org_unit")
        .first()
    )
    if donation is None:
        raise NotFound("donation")
    return donation


def recording_units(*, user: User, campaign: Campaign) -> list[OrgUnit]:
    """The participating units the user may record donations for: all (the office) or those of their own
    org scope (a unit head)."""
    units = campaign.units.filter(is_active=True)
    if not (user.is_system_admin or can(user, Capability.MANAGE_FUND)):
        units = units.filter(org_q(user, "path", None))
    return list(units.order_by("path"))


def staff_to_pick(*, user: User, units: Iterable[OrgUnit]) -> list[Staff]:
    """Active staff of these units the user sees (``org.selectors.staff_list``), by unit then name."""
    ids = [u.pk for u in units]
    rows = list(staff_list(user=user).filter(org_unit_id__in=ids))
    return sorted(rows, key=lambda s: (s.org_unit.path, vi_sort_key(s.full_name)))


def receipt_taken(*, campaign: Campaign, receipt_number: str) -> bool:
    return Donation.objects.filter(campaign=campaign, receipt_number=receipt_number).exists()


# Disbursements -----------------------------------------------------------------------------------------
def disbursement_q(user: User) -> Q:
    if user.is_system_admin:
        return Q()
    if not can(user, Capability.MANAGE_FUND):
        return Q(pk__in=[])
    q = Q(campaign__in=Campaign.objects.filter(campaign_q(user)).values("pk"))
    if area_paths(user):  # a user with an area scope: only the households of their areas
        q &= area_q(user, "household__commune__path")
    return q


def disbursement_list(
    *, user: User, campaign: Campaign, q: str = "", purpose: str = ""
) -> QuerySet[Disbursement]:
    qs = Disbursement.objects.filter(disbursement_q(user), campaign=campaign).select_related(
        "household", "household__commune"
    )
    if q:
        qs = qs.filter(
            Q(household__code__icontains=q)
            | Q(household__head_name__icontains=q)
            | Q(decision_number__icontains=q)
        )
    if purpose in Purpose.values:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("-date", "-pk")


def access_disbursement_by_id(*, user: User, disbursement_id: int) -> Disbursement:
    row = (
        Disbursement.objects.filter(disbursement_q(user), pk=disbursement_id)
        .select_related("campaign", "household", "household__commune")
        .first()
    )
    if row is None:
        raise NotFound("disbursement")
    return row


def communes_of_campaign(*, user: User, campaign: Campaign) -> list[Area]:
    """The communes a disbursement of the campaign may go to: those of the user's area scope in the
    campaign's province, or — for the office, which has no area scope — the whole province."""
    qs = Area.objects.filter(parent=campaign.province, level=AreaLevel.COMMUNE, is_active=True)
    if area_paths(user) or not (user.is_system_admin or can(user, Capability.MANAGE_FUND)):
        qs = qs.filter(area_q(user))
    return sorted(qs, key=lambda a: vi_sort_key(a.name))


def household_to_pick(*, user: User, campaign: Campaign, commune_id: int, code: str) -> Household | None:
    """The household of this code in a commune of ``communes_of_campaign`` (the office picks across the
    campaign's province, a user with an area scope within it)."""
    if commune_id not in {c.pk for c in communes_of_campaign(user=user, campaign=campaign)}:
        return None
    return (
        Household.objects.filter(commune_id=commune_id, code=code.strip()).select_related("commune").first()
    )


def balance(*, campaign: Campaign) -> int:
    raised = Donation.objects.filter(campaign=campaign).aggregate(s=Sum("amount"))["s"] or 0
    spent = Disbursement.objects.filter(campaign=campaign).aggregate(s=Sum("amount"))["s"] or 0
    return int(raised) - int(spent)


# Figures -----------------------------------------------------------------------------------------------
@dataclass
class UnitRow:
    unit: OrgUnit
    staff: int = 0
    staff_gave: int = 0
    amount: int = 0  # everything recorded through the unit (its staff and the unit itself)
    donations: int = 0

    @property
    def share(self) -> float | None:
        return round(100 * self.staff_gave / self.staff, 1) if self.staff else None


@dataclass
class KindRow:
    kind: str
    label: str
    amount: int = 0
    donations: int = 0


@dataclass
class CampaignFigures:
    raised: int = 0
    donations: int = 0
    donors: int = 0
    disbursed: int = 0
    disbursements: int = 0
    staff: int = 0
    staff_gave: int = 0
    units: list[UnitRow] = field(default_factory=list)
    kinds: list[KindRow] = field(default_factory=list)
    units_total: int = 0  # sum of the units' rows
    outside_units: int = 0  # businesses and others (no unit)

    @property
    def balance(self) -> int:
        return self.raised - self.disbursed

    @property
    def share(self) -> float | None:
        return round(100 * self.staff_gave / self.staff, 1) if self.staff else None


def _staff_counts(unit_ids: list[int]) -> dict[int, int]:
    rows = (
        Staff.objects.filter(org_unit_id__in=unit_ids, is_active=True)
        .values("org_unit_id")
        .annotate(n=Count("pk"))
    )
    return {r["org_unit_id"]: r["n"] for r in rows}


def _gave(campaigns: Iterable[int], unit_ids: list[int]) -> dict[int, int]:
    """Active staff of each unit who gave at least once."""
    rows = (
        Donation.objects.filter(
            campaign_id__in=list(campaigns),
            donor_kind=DonorKind.STAFF,
            staff__org_unit_id__in=unit_ids,
            staff__is_active=True,
        )
        .values("staff__org_unit_id")
        .annotate(n=Count("staff_id", distinct=True))
    )
    return {r["staff__org_unit_id"]: r["n"] for r in rows}


def campaign_figures(*, campaign: Campaign) -> CampaignFigures:
    """The campaign's figures: totals by donor kind and by unit (each row summed in the database as
    integers; the totals are the sums of the rows), the share of staff who gave per unit and overall."""
    units = campaign_units(campaign=campaign)
    ids = [u.pk for u in units]
    staff = _staff_counts(ids)
    gave = _gave([campaign.pk], ids)
    by_unit = {
        r["org_unit_id"]: r
        for r in Donation.objects.filter(campaign=campaign, org_unit_id__isnull=False)
        .values("org_unit_id")
        .annotate(s=Sum("amount"), n=Count("pk"))
    }
    figures = CampaignFigures()
    for unit in units:
        row: dict[str, Any] = dict(by_unit.get(unit.pk, {}))
        figures.units.append(
            UnitRow(
                unit=unit,
                staff=staff.get(unit.pk, 0),
                staff_gave=gave.get(unit.pk, 0),
                amount=int(row.get("s") or 0),
                donations=int(row.get("n") or 0),
            )
        )
    by_kind = {
        r["donor_kind"]: r
        for r in Donation.objects.filter(campaign=campaign)
        .values("donor_kind")
        .annotate(s=Sum("amount"), n=Count("pk"))
    }
    for kind in DonorKind:
        krow: dict[str, Any] = dict(by_kind.get(kind.value, {}))
        figures.kinds.append(
            KindRow(kind.value, str(kind.label), int(krow.get("s") or 0), int(krow.get("n") or 0))
        )
    figures.raised = sum(k.amount for k in figures.kinds)
    figures.donations = sum(k.donations for k in figures.kinds)
    figures.units_total = sum(u.amount for u in figures.units)
    figures.outside_units = figures.raised - figures.units_total
    figures.staff = sum(u.staff for u in figures.units)
    figures.staff_gave = sum(u.staff_gave for u in figures.units)
    figures.donors = _donor_count(campaign)
    spent = Disbursement.objects.filter(campaign=campaign).aggregate(s=Sum("amount"), n=Count("pk"))
    figures.disbursed, figures.disbursements = int(spent["s"] or 0), int(spent["n"] or 0)
    return figures


def _donor_count(campaign: Campaign) -> int:
    """Distinct donors: each staff member and unit once, each named business or person once (by name),
    each anonymous outside donation once."""
    qs = Donation.objects.filter(campaign=campaign)
    staff = qs.filter(donor_kind=DonorKind.STAFF).values("staff_id").distinct().count()
    units = qs.filter(donor_kind=DonorKind.UNIT).values("org_unit_id").distinct().count()
    outside = qs.filter(donor_kind__in=[DonorKind.BUSINESS, DonorKind.OTHER])
    named = {(k, fold(n)) for k, n in outside.filter(anonymous=False).values_list("donor_kind", "donor_name")}
    return staff + units + len(named) + outside.filter(anonymous=True).count()


# The public page ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicDonor:
    name: str
    kind: str
    amount: int


@dataclass
class PublicPage:
    figures: CampaignFigures
    donors: list[PublicDonor]
    disbursed_by_commune: list[tuple[str, int, int]]  # commune, households, amount
    disbursed_by_purpose: list[tuple[str, int, int]]  # purpose label, households, amount


def public_page(*, campaign: Campaign) -> PublicPage:
    """What anyone may read about a campaign: its totals, the named donors who did not ask for anonymity
    (an anonymous donation is "Nhà hảo tâm ẩn danh": never its staff member, unit or name) and the
    disbursements as totals by commune and by purpose (no household, no name, no ID number)."""
    donors: list[PublicDonor] = []
    for d in (
        Donation.objects.filter(campaign=campaign)
        .select_related("staff", "org_unit")
        .order_by("-amount", "pk")
    ):
        name = ANONYMOUS_LABEL if d.anonymous else d.donor_display
        donors.append(PublicDonor(name=name, kind=str(DonorKind(d.donor_kind).label), amount=int(d.amount)))
    spent = Disbursement.objects.filter(campaign=campaign)
    communes = [
        (r["household__commune__name"], int(r["h"]), int(r["s"]))
        for r in spent.values("household__commune__name").annotate(
            h=Count("household_id", distinct=True), s=Sum("amount")
        )
    ]
    communes.sort(key=lambda r: vi_sort_key(r[0]))
    purposes = [
        (str(Purpose(r["purpose"]).label), int(r["h"]), int(r["s"]))
        for r in spent.values("purpose").annotate(h=Count("household_id", distinct=True), s=Sum("amount"))
    ]
    purposes.sort(key=lambda r: vi_sort_key(r[0]))
    return PublicPage(
        figures=campaign_figures(campaign=campaign),
        donors=donors,
        disbursed_by_commune=communes,
        disbursed_by_purpose=purposes,
    )


# The plan's indicators ---------------------------------------------------------------------------------
def indicator_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    """``fund_raised``, ``fund_staff``, ``fund_staff_gave`` of the province's campaigns of ``year``; ``{}``
    for another level of area, or when the province has no campaign that year (or the user sees none)."""
    if area.level != AreaLevel.PROVINCE:
        return {}
    campaigns = Campaign.objects.filter(province=area, year=year)
    if user is not None:
        campaigns = campaigns.filter(campaign_q(user))
    ids = list(campaigns.values_list("pk", flat=True))
    if not ids:
        return {}
    raised = Donation.objects.filter(campaign_id__in=ids).aggregate(s=Sum("amount"))["s"] or 0
    unit_ids = sorted(
        set(Campaign.units.through.objects.filter(campaign_id__in=ids).values_list("orgunit_id", flat=True))
    )
    staff = sum(_staff_counts(unit_ids).values())
    gave = (
        Donation.objects.filter(
            campaign_id__in=ids,
            donor_kind=DonorKind.STAFF,
            staff__org_unit_id__in=unit_ids,
            staff__is_active=True,
        )
        .values("staff_id")
        .distinct()
        .count()
    )
    return {FUND_RAISED: int(raised), FUND_STAFF: staff, FUND_STAFF_GAVE: gave}


def in_campaign(campaign: Campaign, day: dt.date) -> bool:
    return campaign.start_date <= day <= campaign.end_date
