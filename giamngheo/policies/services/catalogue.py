"""Writes of the policy catalogue: the sample catalogue's seed, and the provincial specialist's edits of
policies and their coverage rules (validated, audited, the coverage rebuilt after)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check

from ..eligibility import MAX_AGE as MAX_AGE
from ..eligibility import MAX_ESCAPED_MONTHS as MAX_ESCAPED_MONTHS
from ..eligibility import RULE_CATEGORIES as RULE_CATEGORIES
from ..eligibility import RULE_ESCAPED as RULE_ESCAPED
from ..eligibility import RULE_FLAGS as RULE_FLAGS
from ..eligibility import RuleError, clean_rule
from ..models import (
    Frequency,
    Policy,
    PolicyArea,
    PolicyLevel,
    validate_rule,
)

SAMPLE_CATALOGUE = Path(__file__).parent.parent / "data" / "sample_catalogue.json"


@transaction.atomic
def catalogue_seed(*, acting_user: User | None, path: Path = SAMPLE_CATALOGUE) -> int:
    """Add the sample policies that are not in the catalogue yet (by code); never overwrite the province's
    edits. Returns how many were added."""
    with path.open(encoding="utf-8") as fh:
        entries = json.load(fh)["policies"]
    existing = set(Policy.objects.values_list("code", flat=True))
    added = 0
    for entry in entries:
        if entry["code"] in existing:
            continue
        validate_rule(entry["rule"])
        policy = Policy.objects.create(
            **{
                **entry,
                "valid_from": dt.date.fromisoformat(entry["valid_from"]),
                "valid_to": dt.date.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
                "is_sample": True,
            }
        )
        audit_record(
            actor=acting_user,
            action="policies.policy.create",
            target=policy,
            after=snapshot(policy),
            note=_("Sample catalogue"),
        )
        added += 1
    return added


# --- Catalogue editing (provincial specialist) -----------------------------------------------------------

POLICY_FIELDS = (
    "code",
    "name",
    "area",
    "level",
    "legal_basis",
    "project",
    "benefit",
    "frequency",
    "valid_from",
    "valid_to",
    "rule",
    "source_note",
    "is_active",
)
# Changes to these can change who is entitled or covered: the year's coverage is rebuilt after them.
COVERAGE_FIELDS = ("level", "frequency", "valid_from", "valid_to", "rule", "is_active")
POLICY_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")


def _clean_rule(rule: object, level: str) -> dict[str, Any]:
    """The eligibility rule checked and normalised by ``eligibility.clean_rule`` (the one check of a rule)
    with the policy's level in it; its error translated, on the part of the rule it names."""
    try:
        return clean_rule(rule, level=level)
    except RuleError as exc:
        raise ValidationFailed(exc.text(_), extra={"field": exc.field}) from exc


def _check_policy(policy: Policy) -> None:
    """Everything but the code: required texts, choices, the period, the rule (normalised in place)."""
    if not policy.name:
        raise ValidationFailed(_("Enter the name of the policy."), extra={"field": "name"})
    if not policy.legal_basis:
        raise ValidationFailed(_("Enter the legal basis of the policy."), extra={"field": "legal_basis"})
    for name, choices, message in (
        ("area", PolicyArea.values, _("Choose the policy area.")),
        ("level", PolicyLevel.values, _("Choose whether the policy is given to households or to members.")),
        ("frequency", Frequency.values, _("Choose how often the policy is given.")),
    ):
        if getattr(policy, name) not in choices:
            raise ValidationFailed(message, extra={"field": name})
    if not isinstance(policy.valid_from, dt.date):
        raise ValidationFailed(_("Enter the date the policy starts."), extra={"field": "valid_from"})
    if policy.valid_to is not None and policy.valid_to < policy.valid_from:
        raise ValidationFailed(
            _("The end date cannot be before the start date."), extra={"field": "valid_to"}
        )
    policy.rule = _clean_rule(policy.rule, policy.level)
    try:  # what is left: lengths and types of the fields
        policy.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        name, problems = next(iter(exc.message_dict.items()))
        raise ValidationFailed(
            problems[0], extra={"field": None if name == NON_FIELD_ERRORS else name}
        ) from exc


def _policy_values(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    values = dict(data)
    for name in ("code", "name", "legal_basis", "project", "benefit", "source_note"):
        if name in values:
            values[name] = str(values[name] or "").strip()
    return values


def _code_taken(code: str) -> ValidationFailed:
    return ValidationFailed(
        _("The code %(code)s is already used by another policy.") % {"code": code}, extra={"field": "code"}
    )


def _require_manager(acting_user: User | None) -> None:
    if not can(acting_user, Capability.MANAGE_POLICIES):
        raise PermissionDenied(_("You may not change the policy catalogue."))


def _rebuild_coverage_later(acting_user: User | None) -> None:
    from ..tasks import coverage_rebuild_later  # here: tasks imports this module

    coverage_rebuild_later(acting_user=acting_user)


@transaction.atomic
def policy_create(*, data: Mapping[str, Any], acting_user: User | None) -> Policy:
    """Add a policy to the catalogue (the province's own, not a sample). The current year's coverage is
    rebuilt in the background once the transaction commits."""
    _require_manager(acting_user)
    values = _policy_values(data)
    code = values.pop("code", "")
    if not POLICY_CODE.match(code):
        raise ValidationFailed(
            _("Enter a code of up to 16 letters, digits, dots, dashes or underscores, e.g. H10."),
            extra={"field": "code"},
        )
    if Policy.objects.filter(code__iexact=code).exists():
        raise _code_taken(code)
    policy = Policy(code=code, **{"rule": {}, **values, "is_sample": False})
    _check_policy(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:  # the same code saved at the same moment
        raise _code_taken(code) from exc
    audit_record(actor=acting_user, action="policies.policy.create", target=policy, after=snapshot(policy))
    _rebuild_coverage_later(acting_user)
    return policy


@transaction.atomic
def policy_update(
    *, policy: Policy, data: Mapping[str, Any], acting_user: User | None, version: Version
) -> Policy:
    """Change a policy. Its code stays (support records and links name it); an edited sample becomes the
    province's own (``is_sample`` false). If who is entitled or covered may change (rule, level, period,
    frequency, active), the current year's coverage is rebuilt in the background after the commit."""
    _require_manager(acting_user)
    values = _policy_values(data)
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    version_check(locked, version)  # another specialist saved it meanwhile (or the form had no version)
    if values.pop("code", locked.code) != locked.code:
        raise ValidationFailed(
            _("The code of a policy cannot be changed: support records refer to it."), extra={"field": "code"}
        )
    before = snapshot(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.is_sample = False
    locked.version += 1
    _check_policy(locked)
    locked.save()
    after = snapshot(locked)
    audit_record(
        actor=acting_user, action="policies.policy.update", target=locked, before=before, after=after
    )
    if any(before[name] != after[name] for name in COVERAGE_FIELDS):
        _rebuild_coverage_later(acting_user)
    return locked
