"""Demo requests for the demand-driven policies (preferential loans, water and sanitation loans) in the
officers' communes: some approved with the loan recorded, some still pending — the gaps the coverage pages
and gap lists show. Recorded through the same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.policies.models import FundingSource, Policy, RequestStatus, SupportRequest
from giamngheo.policies.services import (
    Recipient,
    SupportData,
    support_records_create,
    support_request_create,
    support_request_decide,
)

# Policy code -> (categories asked for, approved with the loan recorded, pending, loan in đồng).
DEMO_REQUESTS: dict[str, tuple[tuple[str, ...], int, int, int]] = {
    "C1": (("poor",), 3, 3, 50_000_000),
    "C2": (("near_poor",), 2, 2, 50_000_000),
    "W1": (("middle", "near_poor", "poor"), 2, 3, 20_000_000),
}
DEMO_COMMUNES = ("Xã Bù Gia Mập", "Phường Trấn Biên")
MAX_TRIES = 40  # households tried per commune and policy (some may not be entitled)


def seed_policy_requests(*, province: Area) -> int:
    """The demo requests (skipped when the province has some already). Returns how many were recorded."""
    if SupportRequest.objects.filter(commune__parent=province).exists():
        return 0
    today = timezone.localdate()
    specialist = User.objects.filter(role=Role.PROVINCIAL_SPECIALIST).order_by("pk").first()
    start = dt.date(today.year, 1, 1)
    recorded = 0
    for commune in Area.objects.filter(parent=province, name__in=DEMO_COMMUNES).order_by("code"):
        taken: set[int] = set()
        for code, (categories, approved, pending, amount) in DEMO_REQUESTS.items():
            policy = Policy.objects.filter(code=code, is_active=True).first()
            if policy is None or not policy.eligibility.needs_request:
                continue
            candidates = (
                Household.objects.filter(commune=commune, is_active=True, category__in=categories)
                .exclude(pk__in=taken)
                .order_by("pk")
            )
            if "rural" in (policy.rule.get("places") or []) and commune.is_urban:
                continue  # rural water: not in a ward
            done = 0
            for household in candidates[:MAX_TRIES]:
                if done >= approved + pending:
                    break
                requested_on = max(start, today - dt.timedelta(days=max(1, 60 - 7 * done)))
                try:
                    request = support_request_create(
                        household=household,
                        policy=policy,
                        requested_on=requested_on,
                        note="Đề nghị vay vốn (dữ liệu mẫu)",
                        acting_user=None,
                    )
                except ValidationFailed:  # a household the rule leaves out (e.g. in an urban ward): the next
                    continue
                taken.add(household.pk)
                done += 1
                recorded += 1
                if done > approved:
                    continue
                decided_on = min(today, requested_on + dt.timedelta(days=10))
                support_request_decide(
                    request=request,
                    status=RequestStatus.APPROVED,
                    decided_on=decided_on,
                    version=ANY_VERSION,
                    acting_user=None,
                )
                if specialist is not None:
                    support_records_create(
                        policy=policy,
                        recipients=[Recipient(household.pk, None)],
                        data=SupportData(
                            date=decided_on,
                            funding_source=FundingSource.CREDIT,
                            amount=amount,
                            document="Hợp đồng vay NHCSXH (mẫu)",
                        ),
                        acting_user=specialist,
                    )
    return recorded
