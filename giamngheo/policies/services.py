"""Writes of the policies app: the catalogue, support records, and the coverage tables kept from them."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.bulk import chunks, write_rows
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, version_check
from giamngheo.households.models import Household
from giamngheo.households.selectors import HouseholdFilters, household_list

from . import coverage
from .adapters import HouseholdFacts, escaped_q, households_facts
from .eligibility import Rule, evaluate, may_apply
from .models import (
    CoverageSummary,
    Entitlement,
    Frequency,
    FundingSource,
    Policy,
    PolicyArea,
    PolicyLevel,
    SupportRecord,
    validate_rule,
)
from .selectors import policies_in_force

SAMPLE_CATALOGUE = Path(__file__).parent / "data" / "sample_catalogue.json"


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


def _rebuild_coverage_later() -> None:
    from .tasks import coverage_rebuild_later  # here: tasks imports this module

    coverage_rebuild_later()


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
    _rebuild_coverage_later()
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
        _rebuild_coverage_later()
    return locked


# --- Coverage: the entitlement table and its summaries -------------------------------------------------


def _covered(
    policies: list[Policy], household_ids: list[int], year: int
) -> dict[int, set[tuple[int, int | None]]]:
    """policy id -> {(household, member)} covered in ``year`` by support records."""
    by_id = {p.pk: p for p in policies}
    covered: dict[int, set[tuple[int, int | None]]] = {p.pk: set() for p in policies}
    for chunk in chunks(household_ids):
        for policy_id, household_id, member_id, on in SupportRecord.objects.filter(
            household_id__in=chunk,
            policy_id__in=list(by_id),
            cancelled_at=None,
            date__lte=dt.date(year, 12, 31),
        ).values_list("policy_id", "household_id", "member_id", "date"):
            p = by_id[policy_id]
            if coverage.covers(p.frequency, year, p.valid_from, p.valid_to, on):
                covered[policy_id].add((household_id, member_id))
    return covered


def _entitlement_rows(household_ids: list[int], year: int, policies: list[Policy]) -> list[tuple[Any, ...]]:
    """Rows (year, policy, household, member, commune, village, eligible, covered) of the beneficiaries
    among ``household_ids`` who are eligible for or covered by a policy in ``year``."""
    today = timezone.localdate()
    # Each policy is judged on its own reference date (ages included): load the facts once per date.
    on_of = {p.pk: coverage.reference_date(year, today, p.valid_from, p.valid_to) for p in policies}
    facts_on = {on: households_facts(household_ids, on=on) for on in sorted(set(on_of.values()))}
    covered = _covered(policies, sorted({pk for facts in facts_on.values() for pk in facts}), year)
    rows: list[tuple[Any, ...]] = []
    for policy in policies:
        rule = policy.eligibility
        on = on_of[policy.pk]
        got = covered[policy.pk]
        supported = {household for household, _member in got}
        for h in facts_on[on].values():
            if h.id not in supported and not may_apply(rule, h.facts):
                continue
            result = evaluate(rule, h.facts, on)
            if rule.level == "household":
                is_covered = (h.id, None) in got
                if result.eligible or is_covered:
                    rows.append(
                        (year, policy.pk, h.id, None, h.commune_id, h.village_id, result.eligible, is_covered)
                    )
                continue
            for member_id, (ok, _reasons) in zip(h.member_ids, result.members, strict=True):
                is_covered = (h.id, member_id) in got
                if ok or is_covered:
                    rows.append(
                        (year, policy.pk, h.id, member_id, h.commune_id, h.village_id, ok, is_covered)
                    )
    return rows


ENTITLEMENT_COLUMNS = (
    "year",
    "policy_id",
    "household_id",
    "member_id",
    "commune_id",
    "village_id",
    "eligible",
    "covered",
)


def coverage_summarise(*, year: int, commune_ids: Collection[int]) -> None:
    """Recount the coverage summaries of ``commune_ids`` for ``year`` from the entitlement table."""
    ids = sorted(set(commune_ids))
    for chunk in chunks(ids):
        CoverageSummary.objects.filter(year=year, commune_id__in=chunk).delete()
        counts = (
            Entitlement.objects.filter(year=year, commune_id__in=chunk)
            .values("policy_id", "commune_id", "village_id")
            .annotate(
                eligible_households=Count("household_id", distinct=True, filter=Q(eligible=True)),
                uncovered_households=Count(
                    "household_id", distinct=True, filter=Q(eligible=True, covered=False)
                ),
                eligible_units=Count("pk", filter=Q(eligible=True)),
                covered_units=Count("pk", filter=Q(eligible=True, covered=True)),
                outside_units=Count("pk", filter=Q(eligible=False, covered=True)),
            )
            .order_by()
        )
        CoverageSummary.objects.bulk_create(
            [
                CoverageSummary(
                    year=year,
                    policy_id=c["policy_id"],
                    commune_id=c["commune_id"],
                    village_id=c["village_id"],
                    eligible_households=c["eligible_households"],
                    covered_households=c["eligible_households"] - c["uncovered_households"],
                    eligible_units=c["eligible_units"],
                    covered_units=c["covered_units"],
                    outside_units=c["outside_units"],
                )
                for c in counts
            ],
            batch_size=500,
        )


COVERAGE_LOCK = 0x6776  # namespace of the advisory locks taken per commune ("gv")


def _lock_communes(commune_ids: Collection[int]) -> None:
    """Serialise the recounts of a commune until the transaction ends: two officers recording at once
    would otherwise both delete and re-insert the same rows (duplicates, or a unique-key error on the
    summaries). PostgreSQL: transaction-scoped advisory locks, in a fixed order (no deadlock); SQLite
    serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for commune_id in sorted(set(commune_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COVERAGE_LOCK, commune_id])


@transaction.atomic
def entitlements_refresh(*, household_ids: Collection[int], years: Collection[int] | None = None) -> None:
    """Recompute the entitlements of some households (after a change to them or to their support) and the
    summaries of their communes. The current year unless ``years`` says otherwise."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    home: set[int] = set()
    for chunk in chunks(ids):
        home.update(Household.objects.filter(pk__in=chunk).values_list("commune_id", flat=True))
    _lock_communes(home)
    for year in sorted(set(years or [timezone.localdate().year])):
        policies = policies_in_force(year=year)
        existing: dict[tuple[Any, ...], int] = {}
        for chunk in chunks(ids):
            existing.update(_existing(Entitlement.objects.filter(year=year, household_id__in=chunk)))
        rows = _entitlement_rows(ids, year, policies)
        if _store(existing, rows):
            communes = {key[4] for key in existing} | {row[4] for row in rows}
            coverage_summarise(year=year, commune_ids=communes)


def _rule_categories(policies: list[Policy]) -> tuple[set[str], set[str]]:
    """The categories the rules name (now) and the categories whose recent leavers they name."""
    categories: set[str] = set()
    escaped: set[str] = set()
    for p in policies:
        condition = p.eligibility.category
        if condition is not None:
            categories |= condition.categories
            escaped |= condition.escaped
    return categories, escaped


def _escaped_by_commune(policies: list[Policy]) -> dict[int, set[int]]:
    """commune id -> households that left a category some rule names (once for a whole rebuild)."""
    _categories, escaped = _rule_categories(policies)
    out: dict[int, set[int]] = {}
    if escaped:
        for household_id, commune_id in Household.objects.filter(
            escaped_q(escaped), is_active=True
        ).values_list("pk", "commune_id"):
            out.setdefault(commune_id, set()).add(household_id)
    return out


def _candidates(commune_id: int, year: int, policies: list[Policy], escaped: set[int]) -> list[int]:
    """Households of a commune that may be eligible for one of ``policies`` (in a category a rule names,
    or among ``escaped``) or were supported in ``year``."""
    categories, _escaped = _rule_categories(policies)
    ids = set(escaped)
    ids.update(
        Household.objects.filter(
            commune_id=commune_id, is_active=True, category__in=sorted(categories)
        ).values_list("pk", flat=True)
    )
    ids.update(
        SupportRecord.objects.filter(
            commune_id=commune_id, cancelled_at=None, date__lte=dt.date(year, 12, 31)
        ).values_list("household_id", flat=True)
    )
    return sorted(ids)


def _existing(rows: QuerySet[Entitlement]) -> dict[tuple[Any, ...], int]:
    """The stored entitlement rows as (the columns written) -> primary key."""
    return {tuple(key): pk for pk, *key in rows.values_list("pk", *ENTITLEMENT_COLUMNS)}


def _store(existing: dict[tuple[Any, ...], int], rows: list[tuple[Any, ...]]) -> int:
    """Make the stored rows ``existing`` become ``rows``: delete those gone, insert those new (unchanged
    rows stay: no dead rows, no foreign-key checks for them). Returns the number of rows changed."""
    wanted = set(rows)
    gone = [pk for key, pk in existing.items() if key not in wanted]
    new = [row for row in wanted if row not in existing]
    for chunk in chunks(gone):
        Entitlement.objects.filter(pk__in=chunk).delete()
    write_rows(Entitlement, ENTITLEMENT_COLUMNS, new)
    return len(gone) + len(new)


def coverage_rebuild(*, year: int | None = None, commune_ids: Collection[int] | None = None) -> int:
    """Rebuild the entitlement table and the summaries of a year (default: the current one) for some
    communes (default: every commune with households), one transaction per commune. Only the rows that
    changed are deleted or inserted (a rebuild that changes nothing writes nothing). Returns the number of
    entitlement rows deleted or inserted."""
    year = year or timezone.localdate().year
    policies = policies_in_force(year=year)
    if commune_ids is None:
        commune_ids = Household.objects.order_by().values_list("commune_id", flat=True).distinct()
    escaped = _escaped_by_commune(policies)
    written = 0
    for commune_id in sorted(set(commune_ids)):
        with transaction.atomic():
            _lock_communes([commune_id])
            existing = _existing(Entitlement.objects.filter(year=year, commune_id=commune_id))
            candidates = _candidates(commune_id, year, policies, escaped.get(commune_id, set()))
            rows = _entitlement_rows(candidates, year, policies)
            written += _store(existing, rows)
            coverage_summarise(year=year, commune_ids=[commune_id])
    return written


def on_households_changed(
    sender: Any, *, household_ids: Collection[int] = (), commune_ids: Collection[int] = (), **kwargs: Any
) -> None:
    """Receiver of ``core.signals.households_changed``: keep this year's coverage current."""
    if household_ids:
        entitlements_refresh(household_ids=household_ids)
    if commune_ids:
        coverage_rebuild(commune_ids=commune_ids)


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
    *, policy: Policy, recipients: Sequence[Recipient], data: SupportData, acting_user: Any
) -> list[SupportRecord]:
    """Record that ``recipients`` received ``policy`` on the same terms (bulk recording from a list)."""
    if not recipients:
        raise ValidationFailed(_("Choose at least one recipient."))
    _check_support_data(policy, data)
    return support_records_write(
        items=[SupportItem(policy, r, data) for r in recipients], acting_user=acting_user
    )


@transaction.atomic
def support_records_write(*, items: Sequence[SupportItem], acting_user: Any) -> list[SupportRecord]:
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
        result = evaluate(rule, h.facts, data.date)
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
def support_record_cancel(*, record: SupportRecord, reason: str, acting_user: Any) -> SupportRecord:
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
