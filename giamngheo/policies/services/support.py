"""Writes of the support records: what a household or member received under a policy, all items of a batch
or none, and their cancellation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.bulk import chunks
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.households.selectors import HouseholdFilters, household_list

from ..adapters import HouseholdFacts, households_facts
from ..eligibility import Rule, evaluate, with_request
from ..models import (
    FundingSource,
    Policy,
    PolicyLevel,
    SupportRecord,
)
from .coverage import entitlements_refresh

# --- Support records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    household_id: int
    member_id: int | None = None


@dataclass(frozen=True)
class SupportData:
    date: dt.date
    funding_source: str
    quantity: int = 1
    amount: int = 0
    project: str = ""
    document: str = ""
    reason: str = ""


class SupportRejected(ValidationFailed):
    """Bulk recording refused; ``errors`` lists (position in the list, message) — nothing was written."""

    def __init__(self, message: Any, errors: list[tuple[int, str]]) -> None:
        super().__init__(message, extra={"errors": errors})
        self.errors = errors


def _check_support_data(policy: Policy, data: SupportData) -> None:
    if not policy.is_active:
        raise ValidationFailed(_("This policy is no longer active."), extra={"field": "policy"})
    if data.amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), extra={"field": "amount"})
    if data.quantity < 1:
        raise ValidationFailed(_("The quantity must be at least 1."), extra={"field": "quantity"})
    if data.funding_source not in FundingSource.values:
        raise ValidationFailed(_("Choose a funding source."), extra={"field": "funding_source"})
    if data.date > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), extra={"field": "date"})
    if data.date < policy.valid_from or (policy.valid_to is not None and data.date > policy.valid_to):
        end = formats.date_format(policy.valid_to, "SHORT_DATE_FORMAT") if policy.valid_to else "…"
        raise ValidationFailed(
            _("The date %(date)s is outside the policy's period (%(start)s – %(end)s).")
            % {
                "date": formats.date_format(data.date, "SHORT_DATE_FORMAT"),
                "start": formats.date_format(policy.valid_from, "SHORT_DATE_FORMAT"),
                "end": end,
            },
            extra={"field": "date"},
        )


@dataclass(frozen=True)
class SupportItem:
    policy: Policy
    recipient: Recipient
    data: SupportData


def support_records_create(
    *, policy: Policy, recipients: Sequence[Recipient], data: SupportData, acting_user: User | None
) -> list[SupportRecord]:
    """Record that ``recipients`` received ``policy`` on the same terms (bulk recording from a list)."""
    if not recipients:
        raise ValidationFailed(_("Choose at least one recipient."))
    _check_support_data(policy, data)
    return support_records_write(
        items=[SupportItem(policy, r, data) for r in recipients], acting_user=acting_user
    )


@transaction.atomic
def support_records_write(*, items: Sequence[SupportItem], acting_user: User | None) -> list[SupportRecord]:
    """Write support records: all of them or none (``SupportRejected`` lists every refused item by its
    position). Each recipient must be in the user's scope, be a household (household-level policy) or an
    active member of it (member-level), not be recorded twice for the same policy and date, and be entitled
    on that date — unless the item's reason says why the support went to someone not entitled (the record
    is then flagged)."""
    if not can(acting_user, Capability.RECORD_SUPPORT):
        raise PermissionDenied(_("You may not record support."))
    if not items:
        raise ValidationFailed(_("Choose at least one recipient."))
    household_ids = sorted({i.recipient.household_id for i in items})
    visible: set[int] = set()
    for chunk in chunks(household_ids):
        visible.update(
            household_list(user=acting_user, filters=HouseholdFilters())
            .filter(pk__in=chunk)
            .values_list("pk", flat=True)
        )
    facts_on: dict[dt.date, dict[int, HouseholdFacts]] = {}
    for on in sorted({i.data.date for i in items}):
        wanted = {i.recipient.household_id for i in items if i.data.date == on} & visible
        facts_on[on] = households_facts(wanted, on=on)
    existing: set[tuple[int, int, int | None, dt.date]] = set()
    for chunk in chunks(sorted(visible)):
        existing.update(
            SupportRecord.objects.filter(
                household_id__in=chunk, cancelled_at=None, date__in=list(facts_on)
            ).values_list("policy_id", "household_id", "member_id", "date")
        )
    terms: dict[tuple[int, SupportData], str] = {}  # (policy, data) -> its problem ("" when none)
    rules: dict[int, Rule] = {}
    errors: list[tuple[int, str]] = []
    seen: set[tuple[int, int, int | None, dt.date]] = set()
    records: list[SupportRecord] = []
    for position, item in enumerate(items):
        policy, r, data = item.policy, item.recipient, item.data
        if (policy.pk, data) not in terms:  # a bulk shares its terms: checked once
            try:
                _check_support_data(policy, data)
                terms[policy.pk, data] = ""
            except ValidationFailed as exc:
                terms[policy.pk, data] = str(exc.message)
        if terms[policy.pk, data]:
            errors.append((position, terms[policy.pk, data]))
            continue
        key = (policy.pk, r.household_id, r.member_id, data.date)
        h = facts_on[data.date].get(r.household_id)
        member_level = policy.level == PolicyLevel.MEMBER
        if r.household_id not in visible or h is None:
            errors.append(
                (position, _("The household does not exist, is no longer active or is outside your area."))
            )
            continue
        if member_level and r.member_id is None:
            errors.append((position, _("This policy is given to members: choose the member.")))
            continue
        if not member_level and r.member_id is not None:
            errors.append((position, _("This policy is given to the household, not to a member.")))
            continue
        if member_level and r.member_id not in h.member_ids:
            errors.append((position, _("The member does not live in this household.")))
            continue
        if key in seen:
            errors.append((position, _("Listed twice.")))
            continue
        seen.add(key)
        if key in existing:
            errors.append((position, _("Already recorded for this date.")))
            continue
        rule = rules.setdefault(policy.pk, policy.eligibility)
        # Recording a demand-driven policy's support answers the household's request.
        facts = with_request(h.facts, policy.code) if rule.needs_request else h.facts
        result = evaluate(rule, facts, data.date)
        if member_level:
            entitled, verdicts = result.members[h.member_ids.index(r.member_id)]
            verdicts = result.reasons + verdicts
        else:
            entitled, verdicts = result.eligible, result.reasons
        reason = data.reason.strip()
        if not entitled and not reason:
            english = (get_language() or "vi").startswith("en")
            why = "; ".join(v.en if english else v.vi for v in verdicts if not v.ok)
            errors.append(
                (position, _("Not entitled (%(why)s): state the reason to record it anyway.") % {"why": why})
            )
            continue
        records.append(
            SupportRecord(
                policy=policy,
                household_id=r.household_id,
                member_id=r.member_id,
                commune_id=h.commune_id,
                date=data.date,
                quantity=data.quantity,
                amount=data.amount,
                funding_source=data.funding_source,
                project=(data.project or policy.project).strip(),
                document=data.document.strip(),
                eligible=entitled,
                reason="" if entitled else reason,
                recorded_by=acting_user,
            )
        )
    if errors:
        raise SupportRejected(
            ngettext(
                "%(count)d record cannot be saved; nothing was saved.",
                "%(count)d records cannot be saved; nothing was saved.",
                len(errors),
            )
            % {"count": len(errors)},
            errors,
        )
    batch = uuid.uuid4().hex if len(records) > 1 else ""
    for record in records:
        record.batch = batch
    SupportRecord.objects.bulk_create(records, batch_size=500)
    if len(records) == 1:
        audit_record(
            actor=acting_user, action="policies.support.create", target=records[0], after=snapshot(records[0])
        )
    else:
        audit_record(
            actor=acting_user,
            action="policies.support.bulk_create",
            target_type="policies.supportrecord",
            target_id=batch,
            target_repr=f"{len(records)}",
            after={
                "count": len(records),
                "policies": sorted({r.policy.code for r in records}),
                "amount": sum(r.amount for r in records),
                "not_entitled": sum(not r.eligible for r in records),
            },
        )
    by_year: dict[int, set[int]] = {}
    for record in records:
        by_year.setdefault(record.date.year, set()).add(record.household_id)
    for year, ids in by_year.items():
        entitlements_refresh(household_ids=ids, years={year})
    return records


@transaction.atomic
def support_record_cancel(*, record: SupportRecord, reason: str, acting_user: User | None) -> SupportRecord:
    """Cancel a record entered by mistake (kept, with the reason; no longer counted)."""
    if not can(acting_user, Capability.RECORD_SUPPORT):
        raise PermissionDenied(_("You may not record support."))
    record = SupportRecord.objects.select_for_update().get(pk=record.pk)  # cancelled meanwhile?
    if record.cancelled_at is not None:
        raise ValidationFailed(_("This record is already cancelled."))
    if not reason.strip():
        raise ValidationFailed(_("State why the record is cancelled."), extra={"field": "reason"})
    before = snapshot(record)
    record.cancelled_at = timezone.now()
    record.cancel_reason = reason.strip()
    record.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action="policies.support.cancel",
        target=record,
        before=before,
        after=snapshot(record),
    )
    entitlements_refresh(household_ids=[record.household_id], years={record.date.year})
    return record
