"""Reads of relief, always scoped to the user.

Who sees what:
- an incident belongs to a province and touches some of its communes: it is seen by users whose area scope
  covers the province (the provincial specialists) and by those whose scope covers one of its communes (the
  commune officers: only their communes' part of it — communes, households, support and totals);
- affected households and their support are area data of the household's commune (``commune__path``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from giamngheo.accounts.scoping import area_q, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import vi_sort_key
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.households.reference import Category
from giamngheo.households.selectors import HouseholdFilters, household_list
from giamngheo.org.models import OrgUnit
from giamngheo.reviews.models import RegularRequest

from .models import (
    HOUSE_AT_RISK,
    AffectedHousehold,
    Incident,
    IncidentCommune,
    Support,
    SupportKind,
    SupportSource,
)

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

# The input keys of ``plans.indicators`` (plans is above this app: the same strings, defined here).
RELIEF_AFFECTED = "relief_affected"
RELIEF_SUPPORTED = "relief_supported"

# An affected near-poor or middle-living household whose estimated loss reaches this is at risk of falling
# into poverty (also when its house was destroyed or badly damaged). ``settings.RELIEF_FOLLOW_UP_LOSS``
# overrides it.
FOLLOW_UP_LOSS = 20_000_000
FOLLOW_UP_CATEGORIES = (Category.NEAR_POOR, Category.MIDDLE)


def follow_up_loss() -> int:
    return int(getattr(settings, "RELIEF_FOLLOW_UP_LOSS", FOLLOW_UP_LOSS))


# Scope ------------------------------------------------------------------------------------------------------
def _incident_q(user: User) -> Q:
    touching = IncidentCommune.objects.filter(area_q(user, "commune__path")).values("incident_id")
    return area_q(user, "province__path") | Q(pk__in=touching)


def manages_province(*, user: User | None, province: Area) -> bool:
    """Whether the user's area scope covers the whole province (they may record its incidents)."""
    if user is None:
        return True
    return Area.objects.filter(area_q(user), pk=province.pk).exists()


def provinces_for_incidents(*, user: User) -> list[Area]:
    """The provinces the user may record incidents for (their area scope covers the whole province)."""
    return list(Area.objects.filter(area_q(user), level=AreaLevel.PROVINCE, is_active=True).order_by("path"))


# Incidents --------------------------------------------------------------------------------------------------
def incident_list(*, user: User, year: int | None = None, kind: str = "", q: str = "") -> QuerySet[Incident]:
    qs = Incident.objects.filter(_incident_q(user)).select_related("province")
    if year is not None:
        qs = qs.filter(start_date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    visible = AffectedHousehold.objects.filter(area_q(user, "commune__path"))
    return qs.annotate(
        affected_count=Count("affected", filter=Q(affected__in=visible), distinct=True),
    ).order_by("-start_date", "-pk")


def incident_years(*, user: User) -> list[int]:
    years = Incident.objects.filter(_incident_q(user)).values_list("start_date__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def access_incident_by_id(*, user: User, incident_id: int) -> Incident:
    incident = Incident.objects.filter(_incident_q(user), pk=incident_id).select_related("province").first()
    if incident is None:
        raise NotFound("incident")
    return incident


def incident_communes(*, user: User | None, incident: Incident) -> list[Area]:
    """The incident's communes the user sees (every one for the province's staff), in Vietnamese order."""
    qs = Area.objects.filter(pk__in=incident.commune_links.values("commune_id"))
    if user is not None:
        qs = qs.filter(area_q(user))
    return sorted(qs, key=lambda a: vi_sort_key(a.name))


# Affected households ----------------------------------------------------------------------------------------
def affected_list(
    *, user: User, incident: Incident, q: str = "", commune_id: int | None = None
) -> QuerySet[AffectedHousehold]:
    qs = (
        AffectedHousehold.objects.filter(area_q(user, "commune__path"), incident=incident)
        .select_related("household", "household__village", "commune")
        .annotate(
            support_amount=Coalesce(Sum("supports__amount"), 0),
            support_count=Count("supports"),
        )
    )
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if q.strip():
        qs = qs.filter(Q(household__code=q.strip()) | Q(household__head_name__icontains=q.strip()))
    return qs.order_by("commune__name", "household__code", "pk")


def access_affected_by_id(*, user: User, affected_id: int) -> AffectedHousehold:
    affected = (
        AffectedHousehold.objects.filter(area_q(user, "commune__path"), pk=affected_id)
        .select_related("incident", "incident__province", "household", "commune")
        .first()
    )
    if affected is None:
        raise NotFound("affected household")
    return affected


def households_to_pick(*, user: User, incident: Incident, q: str, limit: int = 20) -> list[Household]:
    """Households of the registry in the user's scope matching ``q`` that live in one of the incident's
    communes and are not recorded for it yet."""
    if not q.strip():
        return []
    communes = incident.commune_links.values("commune_id")
    recorded = AffectedHousehold.objects.filter(incident=incident).values("household_id")
    qs = (
        household_list(user=user, filters=HouseholdFilters(q=q.strip()))
        .filter(commune_id__in=communes)
        .exclude(pk__in=recorded)
    )
    return list(qs[:limit])


def access_pickable_household(*, user: User, household_id: int) -> Household:
    """A household of the registry the user sees (active or not)."""
    household = (
        household_list(user=user, filters=HouseholdFilters(include_inactive=True))
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFound("household")
    return household


# Support ----------------------------------------------------------------------------------------------------
def support_list(*, user: User, affected: AffectedHousehold) -> QuerySet[Support]:
    return Support.objects.filter(area_q(user, "commune__path"), affected=affected).order_by("given_on", "pk")


def access_support_by_id(*, user: User, support_id: int) -> Support:
    support = (
        Support.objects.filter(area_q(user, "commune__path"), pk=support_id)
        .select_related("affected", "incident", "affected__household")
        .first()
    )
    if support is None:
        raise NotFound("support")
    return support


# Totals -----------------------------------------------------------------------------------------------------
@dataclass
class TotalRow:
    label: str
    key: str = ""
    affected: int = 0
    supported: int = 0
    supports: int = 0
    amount: int = 0
    quantities: dict[str, Decimal] = field(default_factory=dict)

    @property
    def quantity_text(self) -> str:
        return "; ".join(f"{_qty(v)} {u}" for u, v in sorted(self.quantities.items()))


def _qty(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass
class Totals:
    by_commune: list[TotalRow]
    by_kind: list[TotalRow]
    by_source: list[TotalRow]
    total: TotalRow


def totals(*, user: User, incident: Incident) -> Totals:
    """The incident's households affected and supported and its support, per commune, kind and source (the
    communes the user sees); each table's rows add up to the total."""
    affected = AffectedHousehold.objects.filter(area_q(user, "commune__path"), incident=incident)
    supports = Support.objects.filter(area_q(user, "commune__path"), incident=incident)
    total = TotalRow(label="")
    communes: dict[int, TotalRow] = {
        a.pk: TotalRow(label=a.name, key=str(a.pk)) for a in incident_communes(user=user, incident=incident)
    }
    kinds = {k.value: TotalRow(label=str(k.label), key=k.value) for k in SupportKind}
    sources = {s.value: TotalRow(label=str(s.label), key=s.value) for s in SupportSource}
    for commune_id, count in affected.values_list("commune_id").annotate(n=Count("pk")).order_by():
        row = communes.setdefault(commune_id, TotalRow(label=str(commune_id), key=str(commune_id)))
        row.affected += count
        total.affected += count
    supported: dict[int, set[int]] = defaultdict(set)
    by_kind_households: dict[str, set[int]] = defaultdict(set)
    by_source_households: dict[str, set[int]] = defaultdict(set)
    for s in supports.values("affected_id", "commune_id", "kind", "source", "amount", "quantity", "unit"):
        amount = s["amount"] or 0
        for row in (
            communes.setdefault(s["commune_id"], TotalRow(label="")),
            kinds[s["kind"]],
            sources[s["source"]],
        ):
            row.supports += 1
            row.amount += amount
            if s["quantity"] is not None and s["unit"]:
                row.quantities[s["unit"]] = row.quantities.get(s["unit"], Decimal(0)) + s["quantity"]
        total.supports += 1
        total.amount += amount
        if s["quantity"] is not None and s["unit"]:
            total.quantities[s["unit"]] = total.quantities.get(s["unit"], Decimal(0)) + s["quantity"]
        supported[s["commune_id"]].add(s["affected_id"])
        by_kind_households[s["kind"]].add(s["affected_id"])
        by_source_households[s["source"]].add(s["affected_id"])
    for commune_id, ids in supported.items():
        communes[commune_id].supported = len(ids)
    for key, ids in by_kind_households.items():
        kinds[key].supported = len(ids)
    for key, ids in by_source_households.items():
        sources[key].supported = len(ids)
    total.supported = sum(len(ids) for ids in supported.values())
    return Totals(
        by_commune=list(communes.values()),
        by_kind=[r for r in kinds.values() if r.supports],
        by_source=[r for r in sources.values() if r.supports],
        total=total,
    )


# Follow-up list ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUpRow:
    affected: AffectedHousehold
    support_amount: int
    support_count: int
    request: RegularRequest | None


def follow_up_q(threshold: int) -> Q:
    return Q(category__in=FOLLOW_UP_CATEGORIES) & (
        Q(house__in=HOUSE_AT_RISK) | Q(estimated_loss__gte=threshold)
    )


def follow_up(
    *, user: User, incident: Incident | None = None, year: int | None = None, threshold: int | None = None
) -> list[FollowUpRow]:
    """Affected near-poor and middle-living households at risk of falling into poverty (house destroyed or
    badly damaged, or an estimated loss of at least the threshold), of one incident or of the incidents that
    started in ``year``, with their support so far and their in-year review request filed since the
    incident (if any)."""
    limit = follow_up_loss() if threshold is None else threshold
    qs = AffectedHousehold.objects.filter(area_q(user, "commune__path"), follow_up_q(limit))
    if incident is not None:
        qs = qs.filter(incident=incident)
    if year is not None:
        qs = qs.filter(incident__start_date__year=year)
    rows = list(
        qs.select_related("incident", "household", "household__village", "commune")
        .annotate(support_amount=Coalesce(Sum("supports__amount"), 0), support_count=Count("supports"))
        .order_by("-incident__start_date", "commune__name", "household__code", "pk")
    )
    requests: dict[int, list[RegularRequest]] = defaultdict(list)
    for request in RegularRequest.objects.filter(household_id__in=[r.household_id for r in rows]).order_by(
        "-filed_on", "-pk"
    ):
        requests[request.household_id].append(request)
    result = []
    for row in rows:
        since = [r for r in requests[row.household_id] if r.filed_on >= row.incident.start_date]
        result.append(
            FollowUpRow(
                affected=row,
                support_amount=int(row.support_amount),
                support_count=int(row.support_count),
                request=since[0] if since else None,
            )
        )
    return result


def follow_up_affected(
    *, user: User, affected_ids: list[int], threshold: int | None = None
) -> list[AffectedHousehold]:
    """Those of these affected households the user sees that are on a follow-up list."""
    limit = follow_up_loss() if threshold is None else threshold
    return list(
        AffectedHousehold.objects.filter(
            area_q(user, "commune__path"), follow_up_q(limit), pk__in=affected_ids
        )
        .select_related("incident", "household")
        .order_by("pk")
    )


# The household card -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HouseholdRelief:
    affected: AffectedHousehold
    supports: list[Support]

    @property
    def amount(self) -> int:
        return sum(s.amount or 0 for s in self.supports)


def household_relief(*, user: User, household_id: int) -> list[HouseholdRelief]:
    """The incidents that affected this household (if the user sees it), with its damage and support."""
    household = household_list(user=user, filters=HouseholdFilters(include_inactive=True)).filter(
        pk=household_id
    )
    if not household.exists():
        raise NotFound("household")
    rows = (
        AffectedHousehold.objects.filter(area_q(user, "commune__path"), household_id=household_id)
        .select_related("incident")
        .order_by("-incident__start_date", "-pk")
    )
    supports: dict[int, list[Support]] = defaultdict(list)
    for s in Support.objects.filter(affected__in=rows).order_by("given_on", "pk"):
        supports[s.affected_id].append(s)
    return [HouseholdRelief(affected=r, supports=supports[r.pk]) for r in rows]


# Indicators -------------------------------------------------------------------------------------------------
def _sees_whole(user: User | None, area: Area) -> bool:
    if user is None or Area.objects.filter(area_q(user), pk=area.pk).exists():
        return True
    if area.level != AreaLevel.PROVINCE:
        return False
    # The department's staff see their province as a whole through their org unit.
    return OrgUnit.objects.filter(org_q(user, "path", None), area=area).exists()


def indicator_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    """Households affected by the incidents that started in ``year`` in ``area`` (a province or a commune),
    and of them those that received support; {} when none was recorded or the user does not see the area."""
    if area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE) or not _sees_whole(user, area):
        return {}
    rows = AffectedHousehold.objects.filter(
        commune__path__startswith=area.path, incident__start_date__year=year
    )
    affected = rows.values("household_id").distinct().count()
    if not affected:
        return {}
    supported = rows.filter(supports__isnull=False).values("household_id").distinct().count()
    return {RELIEF_AFFECTED: affected, RELIEF_SUPPORTED: supported}


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
