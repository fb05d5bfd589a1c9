"""Demo relief: one flood this year in three communes of the demo province (the two demo officers'
communes and one more), 25–60 affected households of the registry with their damage, support to most of
them, and some near-poor or middle-living households on the follow-up list. Everything goes through
``relief.services`` (audited as "system"). Safe to run again: a province with an incident is left alone;
a province without households gets none."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.households.reference import Category
from giamngheo.relief import services
from giamngheo.relief.models import HouseDamage, Incident, SupportKind, SupportSource

OFFICER_COMMUNES = ("Xã Bù Gia Mập", "Phường Trấn Biên")
PER_COMMUNE = 14


def seed_relief(*, province: Area, seed: int = 1) -> int:
    """The demo flood; returns the number of affected households recorded (0 when skipped)."""
    if Incident.objects.filter(province=province).exists():
        return 0
    communes = list(Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, name__in=OFFICER_COMMUNES))
    extra = (
        Area.objects.filter(
            parent=province, level=AreaLevel.COMMUNE, is_active=True, households__isnull=False
        )
        .exclude(pk__in=[c.pk for c in communes])
        .distinct()
        .order_by("code")
        .first()
    )
    if extra is not None:
        communes.append(extra)
    if not Household.objects.filter(commune__in=communes, is_active=True).exists():
        return 0
    rng = random.Random(seed + 15)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    start = max(dt.date(today.year, 1, 2), today - dt.timedelta(days=40))
    end = min(start + dt.timedelta(days=4), today)
    incident = services.incident_create(
        province=province,
        kind="flood",
        name=f"Lũ lụt tháng {start.month}/{start.year}",
        start_date=start,
        end_date=end,
        communes=communes,
        description=(
            "Mưa lớn kéo dài gây ngập lụt diện rộng, sạt lở bờ suối; nhiều nhà ở, hoa màu và vật nuôi bị "
            "thiệt hại (dữ liệu mẫu)."
        ),
        acting_user=None,
    )
    recorded = 0
    for commune in communes:
        households = list(
            Household.objects.filter(commune=commune, is_active=True).order_by("code")[: PER_COMMUNE * 8]
        )
        near = [h for h in households if h.category in (Category.NEAR_POOR, Category.MIDDLE)]
        others = [h for h in households if h not in near]
        picked = rng.sample(near, min(len(near), 4)) + rng.sample(others, min(len(others), PER_COMMUNE - 4))
        for index, household in enumerate(picked):
            at_risk = index < 3 and household.category in (Category.NEAR_POOR, Category.MIDDLE)
            house = (
                rng.choice([HouseDamage.DESTROYED, HouseDamage.BADLY_DAMAGED])
                if at_risk
                else rng.choice(
                    [HouseDamage.PARTLY_DAMAGED, HouseDamage.PARTLY_DAMAGED, HouseDamage.NOT_DAMAGED, None]
                )
            )
            loss = (
                rng.randrange(22, 90) * 1_000_000
                if at_risk
                else rng.choice([None, rng.randrange(2, 18) * 1_000_000])
            )
            services.affected_create(
                incident=incident,
                household=household,
                dead=0,
                injured=1 if rng.random() < 0.08 else 0,
                house=house,
                crops_m2=rng.choice([None, rng.randrange(5, 60) * 100]),
                livestock=rng.choice([None, 0, rng.randrange(2, 30)]),
                estimated_loss=loss,
                acting_user=None,
            )
            recorded += 1
            if rng.random() < 0.2 and not at_risk:
                continue  # not supported yet
            given = min(start + dt.timedelta(days=rng.randrange(2, 10)), today)
            services.support_create(
                incident=incident,
                household=household,
                kind=SupportKind.CASH,
                amount=rng.choice([1_000_000, 2_000_000, 3_000_000]),
                source=SupportSource.STATE,
                given_on=given,
                acting_user=None,
            )
            if rng.random() < 0.6:
                services.support_create(
                    incident=incident,
                    household=household,
                    kind=SupportKind.RICE,
                    quantity=Decimal(rng.choice([10, 20, 30])),
                    unit="kg",
                    source=SupportSource.FUND,
                    given_on=given,
                    acting_user=None,
                )
            if house == HouseDamage.DESTROYED:
                services.support_create(
                    incident=incident,
                    household=household,
                    kind=SupportKind.HOUSE,
                    amount=rng.choice([20_000_000, 30_000_000, 40_000_000]),
                    source=rng.choice([SupportSource.STATE, SupportSource.ORGANISATIONS]),
                    given_on=given,
                    note="Hỗ trợ dựng lại nhà (dữ liệu mẫu)",
                    acting_user=None,
                )
    return recorded
