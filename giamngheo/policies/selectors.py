"""Reads of the policy catalogue (reference data: no personal or area data, visible to every user)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from giamngheo.core.errors import NotFound
from giamngheo.households.models import Household
from giamngheo.households.selectors import access_household_by_id

from .adapters import eligibility_household
from .eligibility import Result, Verdict, evaluate
from .models import Policy


def policy_list(
    *, user: Any, area: str = "", q: str = "", include_inactive: bool = False
) -> QuerySet[Policy]:
    policies = Policy.objects.all()
    if not include_inactive:
        policies = policies.filter(is_active=True)
    if area:
        policies = policies.filter(area=area)
    if q:
        policies = policies.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(legal_basis__icontains=q))
    return policies


@dataclass(frozen=True)
class PolicyVerdict:
    policy: Policy
    result: Result
    members: list[tuple[str, bool, tuple[Verdict, ...]]]  # member-level: (name, eligible, reasons)


def household_policies(*, user: Any, household_id: int, on: dt.date) -> tuple[Household, list[PolicyVerdict]]:
    """Every active policy in force on ``on`` and whether the household (or which of its members) is
    entitled, with the reasons. Scoped through the registry's access check."""
    household = access_household_by_id(user=user, household_id=household_id)
    facts = eligibility_household(household, on=on)
    names = list(
        household.members.filter(is_active=True)
        .order_by("date_of_birth", "pk")
        .values_list("full_name", flat=True)
    )
    verdicts = []
    in_force = Policy.objects.filter(is_active=True, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    for policy in in_force:
        result = evaluate(policy.eligibility, facts, on)
        members = [(name, ok, reasons) for name, (ok, reasons) in zip(names, result.members, strict=False)]
        verdicts.append(PolicyVerdict(policy, result, members))
    verdicts.sort(key=lambda v: (not v.result.eligible, v.policy.area, v.policy.code))
    return household, verdicts


def access_policy_by_code(*, user: Any, code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise NotFound("policy")
    return policy
