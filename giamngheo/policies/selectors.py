"""Reads of the policy catalogue (reference data: no personal or area data, visible to every user)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from giamngheo.core.errors import NotFound

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


def access_policy_by_code(*, user: Any, code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise NotFound("policy")
    return policy
