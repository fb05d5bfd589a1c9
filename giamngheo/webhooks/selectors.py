"""Reads of the webhooks, scoped: a subscription is seen by the users who may manage webhooks and whose
area scope covers its province or commune (``area_q`` on ``area_path``); its deliveries with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import NOTHING, area_q, can
from giamngheo.core.errors import NotFound
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import scope_units_to_pick

from .models import Attempt, Delivery, DeliveryStatus, Subscription

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def _q(user: User, prefix: str = "") -> Q:
    if not can(user, Capability.MANAGE_WEBHOOKS):
        return NOTHING
    return area_q(user, f"{prefix}area_path")


def subscription_list(*, user: User, q: str = "") -> QuerySet[Subscription]:
    qs = Subscription.objects.filter(_q(user)).select_related("area", "owner")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(url__icontains=q) | Q(area__name__icontains=q))
    return qs.annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
    ).order_by("name", "pk")


def access_subscription_by_id(*, user: User, subscription_id: int) -> Subscription:
    sub = Subscription.objects.filter(_q(user), pk=subscription_id).select_related("area", "owner").first()
    if sub is None:
        raise NotFound("subscription")
    return sub


def delivery_list(*, user: User, subscription: Subscription, status: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.filter(_q(user, "subscription__"), subscription=subscription)
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def access_delivery_by_id(*, user: User, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(_q(user, "subscription__"), pk=delivery_id)
        .select_related("subscription")
        .first()
    )
    if delivery is None:
        raise NotFound("delivery")
    return delivery


def attempt_list(*, delivery: Delivery) -> QuerySet[Attempt]:
    """The attempts of a delivery the caller got through ``access_delivery_by_id``."""
    return Attempt.objects.filter(delivery=delivery).order_by("-number", "-pk")


def areas_to_pick(*, user: User) -> list[Area]:
    """The provinces and communes a subscription of this user may cover, in tree order."""
    return list(scope_units_to_pick(user=user).filter(level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE]))


def area_to_pick(*, user: User, area_id: int) -> Area | None:
    return next((a for a in areas_to_pick(user=user) if a.pk == area_id), None)
