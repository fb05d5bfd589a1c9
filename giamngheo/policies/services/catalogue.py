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

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check

from ..models import (
    Frequency,
    Policy,
    PolicyArea,
    PolicyLevel,
    validate_rule,
)

SAMPLE_CATALOGUE = Path(__file__).parent.parent / "data" / "sample_catalogue.json"


@transaction.atomic
def catalogue_seed(*, acting_user: Any, path: Path = SAMPLE_CATALOGUE) -> int:
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
            note="sample catalogue",
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
RULE_CATEGORIES = ("poor", "near_poor", "middle")
RULE_ESCAPED = ("poor", "near_poor")
RULE_FLAGS = ("in_education", "disabled", "ethnic_minority")
MAX_ESCAPED_MONTHS = 120
MAX_AGE = 130


def _years(value: object, low: int, high: int) -> bool:
    """A whole number from ``low`` to ``high`` (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _clean_categories(rule: dict[str, Any]) -> None:
    categories = rule.get("categories", [])
    if not isinstance(categories, list) or not set(categories) <= set(RULE_CATEGORIES):
        raise ValidationFailed(
            _("Choose the categories among poor, near-poor and middle-living households."),
            extra={"field": "categories"},
        )
    rule["categories"] = [c for c in RULE_CATEGORIES if c in categories]
    escaped = rule.pop("newly_escaped", None) or {}
    if not isinstance(escaped, dict):
        raise ValidationFailed(_("The “newly escaped” condition is not valid."), extra={"field": "rule"})
    gone, months = escaped.get("from") or [], escaped.get("months")
    if not isinstance(gone, list) or not set(gone) <= set(RULE_ESCAPED):
        raise ValidationFailed(
            _("A household can only have escaped poverty or near-poverty."),
            extra={"field": "newly_escaped.from"},
        )
    if gone and not _years(months, 1, MAX_ESCAPED_MONTHS):
        raise ValidationFailed(
            _("Enter for how many months after escaping a household stays entitled (1 to %(max)d).")
            % {"max": MAX_ESCAPED_MONTHS},
            extra={"field": "newly_escaped.months"},
        )
    if months not in (None, "") and not gone:
        raise ValidationFailed(
            _("Tick what the household must have escaped from, or leave the months empty."),
            extra={"field": "newly_escaped.from"},
        )
    if gone:
        rule["newly_escaped"] = {"from": [c for c in RULE_ESCAPED if c in gone], "months": months}
    elif not rule["categories"]:
        raise ValidationFailed(
            _("Tick at least one category of household (now, or newly escaped)."),
            extra={"field": "categories"},
        )


def _clean_member_conditions(rule: dict[str, Any]) -> bool:
    """Check the member conditions, drop the empty ones; whether any is left."""
    if "age" in rule:
        age = rule["age"]
        if (
            not isinstance(age, list)
            or len(age) != 2
            or not all(a is None or _years(a, 0, MAX_AGE) for a in age)
        ):
            raise ValidationFailed(_("Enter the ages as whole numbers of years."), extra={"field": "age"})
        if age == [None, None]:
            del rule["age"]
        elif None not in age and age[0] > age[1]:
            raise ValidationFailed(
                _("The lowest age cannot be above the highest age."), extra={"field": "age"}
            )
    if rule.get("working_age") in (None, False):
        rule.pop("working_age", None)
    for name in RULE_FLAGS:
        if rule.get(name, False) is None:
            del rule[name]  # "any": no condition
        elif name in rule and not isinstance(rule[name], bool):
            raise ValidationFailed(_("The eligibility rule is not valid."), extra={"field": "rule"})
    return any(k in rule for k in ("age", "working_age", *RULE_FLAGS))


def _clean_rule(rule: object, level: str) -> dict[str, Any]:
    """The eligibility rule checked for what the catalogue allows, with the policy's level in it. Errors
    name the part of the rule: ``categories``, ``newly_escaped.from``, ``newly_escaped.months``, ``age``,
    ``working_age``, ``level`` (member conditions on a household policy) or ``rule``."""
    if not isinstance(rule, dict):
        raise ValidationFailed(_("The eligibility rule must be an object."), extra={"field": "rule"})
    cleaned = {**rule, "level": level}
    _clean_categories(cleaned)
    if _clean_member_conditions(cleaned) and level != PolicyLevel.MEMBER:
        raise ValidationFailed(
            _(
                "Conditions on members (age, working age, schooling, disability, ethnicity) apply only to "
                "policies given to members: choose the level “member” or remove them."
            ),
            extra={"field": "level"},
        )
    try:
        validate_rule(cleaned)
    except DjangoValidationError as exc:
        problem = " ".join(exc.messages)
        raise ValidationFailed(
            _("The eligibility rule is not valid: %(problem)s") % {"problem": problem},
            extra={"field": "working_age" if "working_age" in problem else "rule"},
        ) from exc
    return cleaned


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


def _require_manager(acting_user: Any) -> None:
    if not can(acting_user, Capability.MANAGE_POLICIES):
        raise PermissionDenied(_("You may not change the policy catalogue."))


def _rebuild_coverage_later(acting_user: Any) -> None:
    from ..tasks import coverage_rebuild_later  # here: tasks imports this module

    coverage_rebuild_later(acting_user=acting_user)


@transaction.atomic
def policy_create(*, data: Mapping[str, Any], acting_user: Any) -> Policy:
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
def policy_update(*, policy: Policy, data: Mapping[str, Any], acting_user: Any, version: Version) -> Policy:
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
