"""Writing the plans of an import (``write_plans``): inserts with allocated ids, updates, history rows,
search text, one transaction per chunk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.core.bulk import allocate_ids, copy_to_history, insert_rows
from giamngheo.households.models import Household, Member
from giamngheo.households.reclassify import Classifier
from giamngheo.households.reference import is_ethnic_minority
from giamngheo.households.search import search_text

from .planning import HouseholdPlan, MemberPlan
from .rows import HOUSEHOLD_VALUE_KEYS, MEMBER_VALUE_KEYS, NOT_NULL_BOOLS, Outcome, village_match


def _search_text(code: str, head_name: str, phone: str, members: Iterable[dict[str, Any]]) -> str:
    return search_text(
        code=code,
        head_name=head_name,
        phone=phone,
        members=((m.get("full_name"), m.get("national_id")) for m in members),
    )


def _member_model(values: dict[str, Any], household_id: int) -> Member:
    data = {k: values[k] for k in MEMBER_VALUE_KEYS if k in values}
    for name in NOT_NULL_BOOLS:
        if name in data and data[name] is None:
            data[name] = False
    return Member(household_id=household_id, **data)


def count_plans(plans: list[HouseholdPlan], outcome: Outcome) -> None:
    for plan in plans:
        member_changes = any(m.existing_id is None or m.changes for m in plan.members)
        if plan.is_new:
            outcome.households_created += 1
        elif plan.changes or member_changes:
            outcome.households_updated += 1
        else:
            outcome.households_unchanged += 1
        for m in plan.members:
            if m.existing_id is None:
                outcome.members_created += 1
            elif m.changes:
                outcome.members_updated += 1
            else:
                outcome.members_unchanged += 1


def write_plans(
    plans: list[HouseholdPlan],
    *,
    user: User,
    villages: dict[str, int],
    classifier: Classifier | None = None,
    classified: Counter[str] | None = None,
) -> tuple[list[int], list[int]]:
    """Write the planned households of a chunk (inside the caller's transaction); return the ids of the
    households created and of those updated. With a ``classifier``, new households are classified before
    they are inserted (their engine fields go in with them; ``classified`` counts the categories); the
    caller reclassifies the updated ones.

    New households and members go in with ``bulk.insert_rows`` (ids allocated first, one prepared INSERT
    per table, a history row each); changed ones through the ORM's ``bulk_update`` (rare, and their history
    rows need the full current row)."""
    now = timezone.now()
    history_user = user if getattr(user, "pk", None) else None
    user_id = history_user.pk if history_user is not None else None
    new_plans: list[HouseholdPlan] = []
    to_update: list[HouseholdPlan] = []
    for plan in plans:
        if plan.village_id is None and plan.village_name:
            plan.village_id = villages[f"{plan.commune_id}|{village_match(plan.village_name)}"]
            if plan.existing is not None:
                plan.changes["village_id"] = plan.village_id
        if plan.is_new:
            new_plans.append(plan)
        elif plan.changes or any(m.existing_id is None or m.changes for m in plan.members):
            to_update.append(plan)
    created: list[int] = []
    updated_ids: list[int] = []
    household_of: dict[int, int] = {}
    # New households
    household_rows = []
    for plan, pk in zip(new_plans, allocate_ids(Household, len(new_plans)), strict=True):
        v = plan.values
        ethnic = v.get("ethnic_group") or "01"
        row = {k: v[k] for k in HOUSEHOLD_VALUE_KEYS if k in v}
        row.update(
            id=pk,
            created_at=now,
            updated_at=now,
            code=plan.group.code,
            commune_id=plan.commune_id,
            village_id=plan.village_id,
            head_name=v.get("head_name", ""),
            ethnic_group=ethnic,
            is_ethnic_minority=is_ethnic_minority(ethnic),
            no_working_capacity=bool(v.get("no_working_capacity")),
            search_text=_search_text(
                plan.group.code,
                v.get("head_name", ""),
                v.get("phone", ""),
                (m.values for m in plan.members),
            ),
        )
        household_rows.append(row)
        household_of[id(plan)] = pk
        created.append(pk)
    if classifier is not None and household_rows:
        result = classifier.classify_values(
            (row, [m.values for m in plan.members])
            for row, plan in zip(household_rows, new_plans, strict=True)
        )
        for row, standard, category, provincial, keys, unknown in zip(
            household_rows,
            result.standard,
            result.category,
            result.provincial_category,
            result.deprived_keys,
            result.unknown_keys,
            strict=True,
        ):
            row.update(
                engine_standard=standard,
                engine_category=category,
                engine_provincial_category=provincial,
                deprived_keys=keys,
                unknown_keys=unknown,
            )
        if classified is not None:
            classified.update(result.category)
    insert_rows(Household, household_rows)
    copy_to_history(
        Household, [row["id"] for row in household_rows], history_date=now, user_id=user_id, kind="+"
    )
    # Changed households
    updated: list[Household] = []
    update_fields: set[str] = set()
    instances = Household.objects.in_bulk([(p.existing or {})["id"] for p in to_update])
    for plan in to_update:
        household = instances[(plan.existing or {})["id"]]
        for name, value in plan.changes.items():
            setattr(household, name, value)
        if "ethnic_group" in plan.changes:
            household.is_ethnic_minority = is_ethnic_minority(household.ethnic_group)
            update_fields.add("is_ethnic_minority")
        household.version += 1
        household.updated_at = now
        household.search_text = _search_text(
            plan.group.code,
            household.head_name,
            household.phone,
            [*(m.values for m in plan.members), *plan.others],
        )
        update_fields.update(k if k != "village_id" else "village" for k in plan.changes)
        updated.append(household)
        household_of[id(plan)] = household.pk
        updated_ids.append(household.pk)
    if updated:
        fields = sorted(update_fields | {"version", "updated_at", "search_text", "head_name"})
        Household.objects.bulk_update(updated, fields, batch_size=500)
        Household.history.bulk_history_create(updated, batch_size=500, default_user=history_user, update=True)
    # Members
    new_members: list[tuple[int, MemberPlan]] = []
    changed: list[MemberPlan] = []
    for plan in (*new_plans, *to_update):
        for m in plan.members:
            if m.existing_id is None:
                new_members.append((household_of[id(plan)], m))
            elif m.changes:
                changed.append(m)
    member_rows = []
    for (household_id, m), pk in zip(new_members, allocate_ids(Member, len(new_members)), strict=True):
        row = {k: m.values[k] for k in MEMBER_VALUE_KEYS if k in m.values}
        for name in NOT_NULL_BOOLS:
            if name in row and row[name] is None:
                row[name] = False
        row.update(id=pk, household_id=household_id, created_at=now, updated_at=now)
        member_rows.append(row)
    insert_rows(Member, member_rows)
    copy_to_history(Member, [row["id"] for row in member_rows], history_date=now, user_id=user_id, kind="+")
    changed_members = []
    member_fields: set[str] = set()
    current = Member.objects.in_bulk([m.existing_id for m in changed])
    for m in changed:
        member = current[m.existing_id]
        for name, value in m.changes.items():
            setattr(member, name, False if value is None and name in NOT_NULL_BOOLS else value)
        member.version += 1
        member.updated_at = now
        member_fields.update(m.changes)
        changed_members.append(member)
    if changed_members:
        Member.objects.bulk_update(
            changed_members, sorted(member_fields | {"updated_at", "version"}), batch_size=500
        )
        Member.history.bulk_history_create(
            changed_members, batch_size=500, default_user=history_user, update=True
        )
    return created, updated_ids
