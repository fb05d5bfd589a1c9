"""Pages of the outgoing notifications (webhooks): thin views over ``webhooks.selectors`` and
``webhooks.services``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.errors import ApplicationError
from giamngheo.core.views import confirmation_page, get_or_404, paginate, submit

from . import selectors, services
from .forms import SubscriptionForm, VersionForm
from .models import DeliveryStatus, EventType, Subscription

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MANAGE = Capability.MANAGE_WEBHOOKS
SECRET_KEY = "webhooks_secret_{pk}"


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Outgoing notifications (webhooks)"), reverse("webhooks:subscription-list")), *tail]


def _sub_crumbs(sub: Subscription, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((sub.name, reverse("webhooks:subscription-detail", args=[sub.pk])), *tail)


@capability_required(MANAGE)
@require_GET
def subscription_list(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    subs = selectors.subscription_list(user=_u(request), q=q)
    return render(
        request,
        "webhooks/subscription_list.html",
        {
            "page_obj": paginate(request, subs),
            "q": q,
            "breadcrumbs": [(_("Outgoing notifications (webhooks)"), None)],
        },
    )


def _area(request: AuthenticatedRequest, area_id: Any) -> Any:
    area = selectors.area_to_pick(user=_u(request), area_id=area_id)
    if area is None:
        raise Http404
    return area


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def subscription_create(request: AuthenticatedRequest) -> HttpResponse:
    areas = selectors.areas_to_pick(user=_u(request))
    form = SubscriptionForm(request.POST or None, areas=areas, editing=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = _area(request, data["area"])
        created = submit(
            form,
            lambda: services.subscription_create(
                name=data["name"], url=data["url"], events=data["events"], area=area, acting_user=_u(request)
            ),
        )
        if created is not None:
            sub, secret = created
            request.session[SECRET_KEY.format(pk=sub.pk)] = secret
            return redirect("webhooks:subscription-detail", pk=sub.pk)
    return render(
        request,
        "webhooks/subscription_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New subscription"), None))},
    )


@capability_required(MANAGE)
@require_GET
def subscription_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sub = get_or_404(selectors.access_subscription_by_id, user=_u(request), subscription_id=pk)
    status = request.GET.get("status", "")
    status = status if status in DeliveryStatus.values else ""
    deliveries = selectors.delivery_list(user=_u(request), subscription=sub, status=status)
    secret = request.session.pop(SECRET_KEY.format(pk=sub.pk), None)
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "sub": sub,
            "secret": secret,
            "page_obj": paginate(request, deliveries),
            "status": status,
            "statuses": DeliveryStatus.choices,
            "event_labels": dict(EventType.choices),
            "breadcrumbs": _crumbs((sub.name, None)),
        },
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def subscription_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sub = get_or_404(selectors.access_subscription_by_id, user=_u(request), subscription_id=pk)
    areas = selectors.areas_to_pick(user=_u(request))
    initial = {
        "name": sub.name,
        "url": sub.url,
        "events": sub.events,
        "area": sub.area_id,
        "is_active": sub.is_active,
        "version": sub.version,
    }
    form = SubscriptionForm(request.POST or None, initial=initial, areas=areas, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = _area(request, data["area"])
        saved = submit(
            form,
            lambda: services.subscription_update(
                subscription=sub,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                area=area,
                is_active=data["is_active"],
                version=data["version"],
                acting_user=_u(request),
            ),
        )
        if saved is not None:
            messages.success(request, _("The subscription was saved."))
            return redirect("webhooks:subscription-detail", pk=sub.pk)
    return render(
        request,
        "webhooks/subscription_form.html",
        {"form": form, "sub": sub, "breadcrumbs": _sub_crumbs(sub, (_("Edit"), None))},
    )


def _version(request: AuthenticatedRequest) -> Any:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@capability_required(MANAGE)
@require_POST
def subscription_pause(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sub = get_or_404(selectors.access_subscription_by_id, user=_u(request), subscription_id=pk)
    try:
        services.subscription_pause(
            subscription=sub, active=not sub.is_active, version=_version(request), acting_user=_u(request)
        )
        messages.success(
            request,
            _("The subscription was paused.") if sub.is_active else _("The subscription was resumed."),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("webhooks:subscription-detail", pk=sub.pk)


@capability_required(MANAGE)
@require_POST
def subscription_secret(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sub = get_or_404(selectors.access_subscription_by_id, user=_u(request), subscription_id=pk)
    detail = reverse("webhooks:subscription-detail", args=[sub.pk])
    question = confirmation_page(
        request,
        question=_("Give this subscription a new secret? The receiving system must use it from now on."),
        cancel_url=detail,
    )
    if question is not None:
        return question
    try:
        _sub, secret = services.subscription_secret_renew(
            subscription=sub, version=_version(request), acting_user=_u(request)
        )
        request.session[SECRET_KEY.format(pk=sub.pk)] = secret
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(detail)


@capability_required(MANAGE)
@require_GET
def delivery_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_or_404(selectors.access_delivery_by_id, user=_u(request), delivery_id=pk)
    sub = delivery.subscription
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "delivery": delivery,
            "sub": sub,
            "attempts": selectors.attempt_list(delivery=delivery),
            "event_labels": dict(EventType.choices),
            "breadcrumbs": _sub_crumbs(sub, (_("Delivery"), None)),
        },
    )


@capability_required(MANAGE)
@require_POST
def delivery_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_or_404(selectors.access_delivery_by_id, user=_u(request), delivery_id=pk)
    try:
        services.delivery_resend(delivery=delivery, acting_user=_u(request))
        messages.success(request, _("The event is being sent again."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("webhooks:delivery-detail", pk=delivery.pk)
