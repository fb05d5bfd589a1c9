"""Writes of the requests on record for demand-driven policies (loans, water and sanitation loans): record,
decide, withdraw. Keyword-only, atomic, audited, versioned; ``RECORD_SUPPORT`` to write. Each write
refreshes the household's coverage (a request makes it count for the policy, as a gap until the support
is recorded)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check
from giamngheo.households.models import Household
from giamngheo.households.selectors import HouseholdFilters, household_list

from ..adapters import households_facts
from ..eligibility import evaluate, with_request
from ..models import Policy, RequestStatus, SupportRequest
from .coverage import entitlements_refresh

DECISIONS = (RequestStatus.APPROVED, RequestStatus.REFUSED)


def _require_recorder(user: User | None) -> None:
    if user is not None and not can(user, Capability.RECORD_SUPPORT):
        raise PermissionDenied(_("You may not record support."))


def _check_household(user: User | None, household: Household) -> None:
    in_scope = (
        household_list(user=user, filters=HouseholdFilters()).filter(pk=household.pk).exists()
        if user is not None
        else True
    )
    if not in_scope or not household.is_active:
        raise ValidationFailed(
            _("The household does not exist, is no longer active or is outside your area."),
            extra={"field": "household"},
        )


def _check_date(value: dt.date | None, field: str) -> dt.date:
    if value is None:
        raise ValidationFailed(_("Enter the date."), extra={"field": field})
    if value > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), extra={"field": field})
    return value


@transaction.atomic
def support_request_create(
    *,
    household: Household,
    policy: Policy,
    requested_on: dt.date | None,
    note: str = "",
    acting_user: User | None,
) -> SupportRequest:
    """Record a household's request for a demand-driven policy. The policy must wait for a request, be in
    force on the date, and the household must be entitled to it but for the request; one pending request
    per household and policy."""
    _require_recorder(acting_user)
    _check_household(acting_user, household)
    on = _check_date(requested_on, "requested_on")
    rule = policy.eligibility
    if not policy.is_active or not rule.needs_request:
        raise ValidationFailed(
            _("This policy does not take requests: its support is recorded directly."),
            extra={"field": "policy"},
        )
    if on < policy.valid_from or (policy.valid_to is not None and on > policy.valid_to):
        raise ValidationFailed(
            _("The date %(date)s is outside the policy's period.")
            % {"date": formats.date_format(on, "SHORT_DATE_FORMAT")},
            extra={"field": "requested_on"},
        )
    if SupportRequest.objects.filter(
        household=household, policy=policy, status=RequestStatus.REQUESTED
    ).exists():
        raise ValidationFailed(
            _("This household already has a pending request for this policy."),
            extra={"field": "policy"},
        )
    facts = households_facts([household.pk], on=on).get(household.pk)
    if facts is None:
        raise ValidationFailed(
            _("The household does not exist, is no longer active or is outside your area."),
            extra={"field": "household"},
        )
    result = evaluate(rule, with_request(facts.facts, policy.code), on)
    if not result.eligible:
        english = (get_language() or "vi").startswith("en")
        why = "; ".join(v.en if english else v.vi for v in result.reasons if not v.ok) or _(
            "no member is entitled"
        )
        raise ValidationFailed(
            _("The household is not entitled to this policy (%(why)s).") % {"why": why},
            extra={"field": "policy"},
        )
    request = SupportRequest.objects.create(
        household=household,
        policy=policy,
        commune_id=household.commune_id,
        requested_on=on,
        note=note.strip(),
        recorded_by=acting_user,
    )
    audit_record(actor=acting_user, action="policies.request.create", target=request, after=snapshot(request))
    entitlements_refresh(household_ids=[household.pk], years={on.year, timezone.localdate().year})
    return request


def _change(
    request: SupportRequest,
    *,
    status: str,
    decided_on: dt.date | None,
    note: str | None,
    version: Version,
    acting_user: User | None,
    action: str,
) -> SupportRequest:
    _require_recorder(acting_user)
    _check_household(acting_user, request.household)
    version_check(request, version)
    if request.status != RequestStatus.REQUESTED:
        raise ValidationFailed(
            _("This request has already been decided or withdrawn."), extra={"field": "status"}
        )
    day = _check_date(decided_on, "decided_on")
    if day < request.requested_on:
        raise ValidationFailed(
            _("The decision date cannot be before the date of the request."), extra={"field": "decided_on"}
        )
    fields = ["status", "decided_on", "note", "version"]
    before = snapshot(request, fields)
    request.status = status
    request.decided_on = day
    if note is not None and note.strip():
        request.note = note.strip()
    request.version += 1
    request.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=acting_user, action=action, target=request, before=before, after=snapshot(request, fields)
    )
    years = {request.requested_on.year, day.year, timezone.localdate().year}
    entitlements_refresh(household_ids=[request.household_id], years=years)
    return request


@transaction.atomic
def support_request_decide(
    *,
    request: SupportRequest,
    status: str,
    decided_on: dt.date | None,
    note: str | None = None,
    version: Version,
    acting_user: User | None,
) -> SupportRequest:
    """Approve or refuse a pending request."""
    if status not in DECISIONS:
        raise ValidationFailed(_("Choose approved or refused."), extra={"field": "status"})
    return _change(
        request,
        status=status,
        decided_on=decided_on,
        note=note,
        version=version,
        acting_user=acting_user,
        action="policies.request.decide",
    )


@transaction.atomic
def support_request_withdraw(
    *,
    request: SupportRequest,
    withdrawn_on: dt.date | None,
    note: str | None = None,
    version: Version,
    acting_user: User | None,
) -> SupportRequest:
    """The household withdrew a pending request."""
    return _change(
        request,
        status=RequestStatus.WITHDRAWN,
        decided_on=withdrawn_on,
        note=note,
        version=version,
        acting_user=acting_user,
        action="policies.request.withdraw",
    )
