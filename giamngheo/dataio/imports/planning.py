"""Planning an import against the registry (``Planner``): what each household of the file would create,
update or leave unchanged, checked before anything is written (``HouseholdPlan``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import Relationship, national_id_problem

from ..fields import BY_KEY, note_flags
from .rows import (
    HOUSEHOLD_VALUE_KEYS,
    MEMBER_VALUE_KEYS,
    Group,
    Issue,
    Outcome,
    Row,
    village_key,
    village_match,
)
from .staging import SeenIndex


@dataclass
class MemberPlan:
    row: int
    values: dict[str, Any]
    existing_id: int | None
    changes: dict[str, Any]


@dataclass
class HouseholdPlan:
    group: Group
    commune_id: int
    village_id: int | None
    village_name: str
    existing: dict[str, Any] | None
    values: dict[str, Any]  # the household's values after the import
    changes: dict[str, Any]  # for an existing household: what changes
    members: list[MemberPlan]
    others: list[dict[str, Any]]  # registry members not in the file (kept)

    @property
    def is_new(self) -> bool:
        return self.existing is None

    @property
    def row_numbers(self) -> list[int]:
        return [row.number for row in self.group.rows]

    def freeze(self) -> tuple[Any, ...]:
        """What the second pass needs, as plain tuples (staged as JSON between the passes: dataclasses and the
        parsed rows would cost more to stage than to plan again)."""
        existing = (
            None
            if self.existing is None
            else {k: self.existing[k] for k in ("id", "version", "village_id", "head_name")}
        )
        return (
            self.group.commune,
            self.group.code,
            self.row_numbers,
            self.commune_id,
            self.village_id,
            self.village_name,
            existing,
            self.values,
            self.changes,
            [(m.row, m.values, m.existing_id, m.changes) for m in self.members],
            [{"full_name": o["full_name"], "national_id": o["national_id"]} for o in self.others],
        )

    @classmethod
    def thaw(cls, frozen: tuple[Any, ...]) -> HouseholdPlan:
        (
            commune,
            code,
            numbers,
            commune_id,
            village_id,
            village_name,
            existing,
            values,
            changes,
            members,
            others,
        ) = frozen
        rows = [Row(n, commune, code, {}, None, None, []) for n in numbers]
        return cls(
            group=Group(commune=commune, code=code, rows=rows),
            commune_id=commune_id,
            village_id=village_id,
            village_name=village_name,
            existing=existing,
            values=values,
            changes=changes,
            members=[MemberPlan(row, v, existing_id, ch) for row, v, existing_id, ch in members],
            others=others,
        )


class Planner:
    """Decides what each household of the file becomes, chunk by chunk; remembers what it has seen so
    that duplicates across the whole file are found."""

    def __init__(
        self,
        *,
        user: User,
        sheet: str,
        commune: Area | None,
        create_villages: Iterable[str] = (),
        headers: dict[str, str] | None = None,
        defaults: dict[str, Any] | None = None,
        village_aliases: dict[str, int] | None = None,
    ) -> None:
        self.user = user
        self.defaults = defaults or {}  # category, category_since, category_decision of the whole list
        self.village_aliases = village_aliases or {}  # "commune_id|folded name" -> village id (confirmed)
        self.sheet = sheet
        self.commune = commune
        self.headers = headers or {}
        self.approved = set(create_villages)  # "commune_id|village key"
        visible = Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE)
        if commune is not None:
            visible = visible.filter(pk=commune.pk)
        # Communes by code, exact name, else folded name when no other commune folds the same ("Xã Lộc
        # Thành" and "Xã Lộc Thạnh" both fold to "xa loc thanh": only their exact names or codes name them).
        folded: dict[str, Area | None] = {}
        exact: dict[str, Area] = {}
        codes: dict[str, Area] = {}
        for area in visible:
            codes[area.code] = area
            codes[area.code.lstrip("0")] = area
            exact[area.name] = area
            for key in {fold(area.name), village_key(area.name)}:
                folded[key] = area if folded.get(key, area) == area else None
        self.ambiguous = {k for k, a in folded.items() if a is None}
        self.communes: dict[str, Area] = {
            **{k: a for k, a in folded.items() if a is not None},
            **exact,
            **codes,
        }
        self.villages: dict[int, dict[str, Area]] = {}
        self.village_names: dict[tuple[int, str], Area | None] = {}
        # Codes and national IDs seen earlier in the file (on disk past a size: a province's file).
        self.seen_codes = SeenIndex()
        self.seen_ids = SeenIndex()

    def reset(self) -> None:
        self.seen_codes.clear()
        self.seen_ids.clear()
        self.villages.clear()
        self.village_names.clear()

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].header

    def _villages(self, commune_id: int) -> dict[str, Area]:
        if commune_id not in self.villages:
            table: dict[str, Area] = {}
            villages = list(
                Area.objects.filter(parent_id=commune_id, level=AreaLevel.VILLAGE, is_active=True)
            )
            for village in villages:
                for alias in village.aliases or []:
                    table.setdefault(village_match(alias), village)
            for village in villages:
                table[village_match(village.name)] = village
            by_id = {v.pk: v for v in villages}
            for key, village_id in self.village_aliases.items():
                commune_key, _sep, name = key.partition("|")
                if commune_key == str(commune_id) and village_id in by_id:
                    table[name] = by_id[village_id]
            self.villages[commune_id] = table
        return self.villages[commune_id]

    def _find_village(self, commune_id: int, name: str) -> Area | None:
        key = (commune_id, name)
        if key not in self.village_names:
            table = self._villages(commune_id)
            self.village_names[key] = table.get(village_match(name))
        return self.village_names[key]

    def near_villages(self, commune_id: int, name: str) -> list[dict[str, Any]]:
        """Villages whose name is close to ``name`` (the same number or name under another division word,
        or a similar spelling): shown beside a proposed village so that the user chooses."""
        table = self._villages(commune_id)
        seen: dict[int, Area] = {}
        for village in table.values():
            if village_key(village.name) == village_key(name):
                seen[village.pk] = village
        names = {village_match(v.name): v for v in table.values()}
        for close in difflib.get_close_matches(village_match(name), list(names), n=3, cutoff=0.75):
            seen.setdefault(names[close].pk, names[close])
        return [{"id": v.pk, "name": v.name} for v in sorted(seen.values(), key=lambda v: v.name)]

    def resolve_commune(self, group: Group) -> tuple[Area | None, str]:
        if self.commune is not None:
            if group.commune:
                found = self.communes.get(group.commune) or self.communes.get(fold(group.commune))
                if found is None and village_key(group.commune) != village_key(self.commune.name):
                    return (
                        None,
                        f"'{group.commune}' không phải {self.commune.name} (tệp đang nhập cho xã này)",
                    )
            return self.commune, ""
        if not group.commune:
            return None, "bắt buộc khi nhập cho cả tỉnh"
        found = self.communes.get(group.commune)
        if found is None:
            found = self.communes.get(fold(group.commune)) or self.communes.get(village_key(group.commune))
            if found is not None:
                self.communes[group.commune] = found  # the file repeats the name on every row
        if found is None and fold(group.commune) in self.ambiguous:
            return (
                None,
                f"'{group.commune}' có thể là nhiều xã (tên giống nhau khi bỏ dấu): ghi đúng dấu hoặc mã xã",
            )
        if found is None:
            return None, f"không tìm thấy '{group.commune}' trong các xã, phường bạn được quản lý"
        return found, ""

    def plan(self, groups: list[Group], outcome: Outcome) -> list[HouseholdPlan]:
        """Plans for the valid households of ``groups``; errors go to ``outcome``."""
        resolved: list[tuple[Group, Area]] = []
        for group in groups:
            commune, problem = self.resolve_commune(group)
            if commune is None:
                self._reject(group, outcome, [(group.first_row, self.header("commune"), problem)])
                continue
            resolved.append((group, commune))
        existing: dict[tuple[int, str], dict[str, Any]] = {}
        by_commune: dict[int, list[str]] = {}
        for group, commune in resolved:
            if group.code:
                by_commune.setdefault(commune.pk, []).append(group.code)
        for commune_id, codes in by_commune.items():
            for values in Household.objects.filter(commune_id=commune_id, code__any_of=codes).values(
                "id", "code", "village_id", "ethnic_group", "version", "is_active", *HOUSEHOLD_VALUE_KEYS
            ):
                existing[(commune_id, values["code"])] = values
        household_ids = [v["id"] for v in existing.values()]
        registry_members: dict[int, list[dict[str, Any]]] = {}
        for values in Member.objects.filter(household__id__any_of=household_ids, is_active=True).values(
            "id", "household_id", "version", *MEMBER_VALUE_KEYS
        ):
            registry_members.setdefault(values["household_id"], []).append(values)
        ids_in_chunk = [
            r.member["national_id"]
            for g, _c in resolved
            for r in g.rows
            if r.member and r.member.get("national_id")
        ]
        registry_ids: dict[str, int] = {
            national_id: household_id
            for national_id, household_id in Member.objects.filter(
                national_id__any_of=ids_in_chunk
            ).values_list("national_id", "household_id")
            if national_id
        }
        self.seen_codes.prefetch((commune.pk, group.code) for group, commune in resolved if group.code)
        self.seen_ids.prefetch(ids_in_chunk)
        plans = []
        for group, commune in resolved:
            plan = self._plan_household(
                group,
                commune,
                existing.get((commune.pk, group.code)),
                registry_members,
                registry_ids,
                outcome,
            )
            if plan is not None:
                plans.append(plan)
        self.seen_codes.flush()
        self.seen_ids.flush()
        return plans

    def verify(
        self, plans: list[HouseholdPlan], outcome: Outcome, *, new_by_constraint: bool = False
    ) -> list[HouseholdPlan]:
        """The plans still valid against the registry as it is now (inside the writing transaction): new
        households whose code is still free, existing households and members not saved since they were
        read, ID numbers still not someone else's. Others are rejected: importing the file again takes
        them with the registry's current values.

        ``new_by_constraint``: the codes and ID numbers of new households are not looked up — the
        database's unique constraints (a commune's codes, ID numbers) refuse the write if one was taken
        since the check, and the caller then verifies the chunk in full (``_ChunkWriter``). The lookups
        cost 2.1 s per 100,000 new households (≈ 25 s of a province's import) for what almost never
        happens."""
        new_codes: dict[int, list[str]] = {}
        for p in plans:
            if p.is_new and not new_by_constraint:
                new_codes.setdefault(p.commune_id, []).append(p.group.code)
        taken: set[tuple[int, str]] = set()
        for commune_id, codes in new_codes.items():
            taken.update(
                (commune_id, c)
                for c in Household.objects.filter(commune_id=commune_id, code__any_of=codes).values_list(
                    "code", flat=True
                )
            )
        versions = dict(
            Household.objects.filter(pk__any_of=[p.existing["id"] for p in plans if p.existing]).values_list(
                "pk", "version"
            )
        )
        member_versions = dict(
            Member.objects.filter(
                pk__any_of=[m.existing_id for p in plans for m in p.members if m.existing_id and m.changes]
            ).values_list("pk", "version")
        )
        wanted_ids = [
            m.values["national_id"]
            for p in plans
            if not (new_by_constraint and p.is_new)
            for m in p.members
            if m.values.get("national_id") and (m.existing_id is None or "national_id" in m.changes)
        ]
        owners = dict(
            Member.objects.filter(national_id__any_of=wanted_ids).values_list("national_id", "household_id")
        )
        valid = []
        for p in plans:
            problem = ""
            if p.is_new and (p.commune_id, p.group.code) in taken:
                problem = f"hộ {p.group.code} vừa được người khác thêm vào sổ trong lúc nhập"
            elif p.existing and versions.get(p.existing["id"]) != p.existing["version"]:
                problem = f"hộ {p.group.code} vừa được người khác sửa trong lúc nhập"
            else:
                for m in p.members:
                    if (
                        m.existing_id
                        and m.changes
                        and member_versions.get(m.existing_id) != m.values.get("version")
                    ):
                        name = m.values.get("full_name", "")
                        problem = f"thành viên {name} vừa được người khác sửa trong lúc nhập"
                    national_id = m.values.get("national_id")
                    owner = owners.get(national_id) if national_id else None
                    if owner is not None and (p.existing is None or owner != p.existing["id"]):
                        problem = f"số CCCD {national_id} vừa được ghi cho người khác trong lúc nhập"
            if problem:
                self._reject(p.group, outcome, [(p.group.first_row, "", problem + ": nhập lại tệp")])
            else:
                valid.append(p)
        return valid

    def _list_values(
        self, group: Group, values: dict[str, Any], existing: dict[str, Any] | None, outcome: Outcome
    ) -> None:
        """A commune's list: the category of the title, the recognition decision, the facts of the notes."""
        default_category = self.defaults.get("category")
        if (
            default_category
            and "category" not in values
            and (existing is None or existing.get("category") in ("", default_category))
        ):
            values["category"] = default_category
        if values.get("category") in ("poor", "near_poor"):
            for key in ("category_decision", "category_since"):
                if self.defaults.get(key) and key not in values:
                    values[key] = self.defaults[key]
        note = values.get("note")
        if note:
            flags = note_flags(str(note))
            for flag in flags:
                values[flag] = True
            if not flags:
                outcome.notes_other += 1

    def _count_list(
        self,
        group: Group,
        values: dict[str, Any],
        member_plans: list[MemberPlan],
        others: list[dict[str, Any]],
        head_not_member: bool,
        outcome: Outcome,
    ) -> None:
        if values.get("note"):
            for flag in note_flags(str(values["note"])):
                outcome.notes_understood[flag] = outcome.notes_understood.get(flag, 0) + 1
        if values.get("category"):
            outcome.categories[values["category"]] = outcome.categories.get(values["category"], 0) + 1
        outcome.codes_generated += group.generated
        outcome.heads_not_members += head_not_member
        listed = len(member_plans) + len(others)
        outcome.persons_listed += listed
        declared = values.get("declared_persons")
        if declared is not None:
            outcome.persons_declared += declared
            if listed > 1 and listed != declared:
                outcome.persons_mismatch.append(
                    {
                        "row": group.first_row,
                        "code": group.code,
                        "head": values.get("head_name", ""),
                        "declared": declared,
                        "listed": listed,
                    }
                )

    def _reject(self, group: Group, outcome: Outcome, problems: list[tuple[int, str, str]]) -> None:
        outcome.households_rejected += 1
        flagged = set()
        for number, column, message in problems:
            outcome.add_error(Issue(self.sheet, number, column, message))
            flagged.add(number)
        for row in group.rows:
            if row.number not in flagged:
                outcome.error_rows.setdefault(row.number, []).append(
                    f"Cả hộ {group.code or ''} không được nhập vì có lỗi ở dòng "
                    + ", ".join(str(n) for n in sorted(flagged))
                )
        outcome.rows_rejected += len(group.rows)

    def _plan_household(
        self,
        group: Group,
        commune: Area,
        existing: dict[str, Any] | None,
        registry_members: dict[int, list[dict[str, Any]]],
        registry_ids: dict[str, int],
        outcome: Outcome,
    ) -> HouseholdPlan | None:
        """One household of the file against the registry, in steps that each add their problems in the
        order of the rows' messages: the code, the household's values, its village, its members, its head
        and ethnic group, what only a review may change. Any problem rejects the whole household."""
        problems: list[tuple[int, str, str]] = [
            (row.number, column, message) for row in group.rows for column, message in row.errors
        ]
        self._check_code(group, commune, problems)
        values, where = self._household_values(group, problems)
        head_not_member = bool(values.pop("_head_not_member", False))
        self._list_values(group, values, existing, outcome)
        village_id, village_name = self._plan_village(
            group, commune, existing, values, where, outcome, problems
        )
        registry = registry_members.get(existing["id"], []) if existing else []
        member_plans, others, head_plan = self._plan_members(
            group, existing, registry, registry_ids, problems
        )
        household_ethnic = self._head_and_ethnic_group(group, existing, values, head_plan, problems)
        self._check_review_only(group, existing, values, where, problems)
        if problems:
            self._reject(group, outcome, problems)
            return None
        self._count_list(group, values, member_plans, others, head_not_member, outcome)
        for plan in member_plans:
            if plan.existing_id is None:
                plan.values.setdefault(
                    "ethnic_group", household_ethnic or (existing or {}).get("ethnic_group") or "01"
                )
        return HouseholdPlan(
            group=group,
            commune_id=commune.pk,
            village_id=village_id,
            village_name=village_name,
            existing=existing,
            values=values,
            changes=_changes(existing, values, village_id, village_name),
            members=member_plans,
            others=others,
        )

    def _check_code(self, group: Group, commune: Area, problems: list[tuple[int, str, str]]) -> None:
        """A household's rows are adjacent: its code seen before in the file is an error."""
        key = (commune.pk, group.code)
        if group.code and key in self.seen_codes:
            problems.append(
                (
                    group.first_row,
                    self.header("code"),
                    f"mã hộ {group.code} đã có ở dòng {self.seen_codes[key]}: "
                    "các dòng của một hộ phải liền nhau",
                )
            )
        elif group.code:
            self.seen_codes[key] = group.first_row

    def _household_values(
        self, group: Group, problems: list[tuple[int, str, str]]
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """The household's values and the row of each: the first non-empty value of each column; a
        different one later is an error."""
        values: dict[str, Any] = {}
        where: dict[str, int] = {}
        for row in group.rows:
            for name, value in row.household.items():
                if name not in values:
                    values[name], where[name] = value, row.number
                elif values[name] != value:
                    problems.append(
                        (
                            row.number,
                            self.header(name),
                            f"khác với dòng {where[name]} của cùng hộ {group.code}",
                        )
                    )
        return values, where

    def _plan_village(
        self,
        group: Group,
        commune: Area,
        existing: dict[str, Any] | None,
        values: dict[str, Any],
        where: dict[str, int],
        outcome: Outcome,
        problems: list[tuple[int, str, str]],
    ) -> tuple[int | None, str]:
        """The household's village (id and name as written; taken out of ``values``): one of the commune,
        one approved to be created, or a proposal of a new village (and an error)."""
        village_id: int | None = existing["village_id"] if existing else None
        village_name = ""
        if "village" in values:
            village_name = str(values.pop("village"))
            found = self._find_village(commune.pk, village_name)
            if found is not None:
                village_id = found.pk
            elif f"{commune.pk}|{village_match(village_name)}" in self.approved:
                village_id = None  # created before the households are written
            else:
                proposed = f"{commune.pk}|{village_match(village_name)}"
                if proposed not in outcome.new_villages:
                    outcome.new_villages[proposed] = {
                        "key": proposed,
                        "commune": commune.name,
                        "village": village_name,
                        "rows": 0,
                        "households": 0,
                        "near": self.near_villages(commune.pk, village_name),
                    }
                proposal = outcome.new_villages[proposed]
                proposal["households"] = proposal.get("households", 0) + 1
                proposal["rows"] += len(group.rows)
                problems.append(
                    (
                        where.get("village", group.first_row),
                        self.header("village"),
                        f"thôn/ấp '{village_name}' chưa có trong {commune.name}: "
                        "duyệt đề xuất tạo thôn mới rồi nhập lại",
                    )
                )
        elif existing is None:
            problems.append((group.first_row, self.header("village"), "bắt buộc cho hộ mới"))
        return village_id, village_name

    def _plan_members(
        self,
        group: Group,
        existing: dict[str, Any] | None,
        registry: list[dict[str, Any]],
        registry_ids: dict[str, int],
        problems: list[tuple[int, str, str]],
    ) -> tuple[list[MemberPlan], list[dict[str, Any]], MemberPlan | None]:
        """The members of the file matched to the household's ``registry`` members (by national ID, else by
        name and date of birth), checked (duplicates, national IDs, one head); returns their plans, the
        registry's members the file does not list, and the head's plan."""
        by_id = {m["national_id"]: m for m in registry if m["national_id"]}
        by_person: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        for m in registry:
            by_person.setdefault((m["full_name"].lower(), m["date_of_birth"]), []).append(m)
        member_plans: list[MemberPlan] = []
        matched: set[int] = set()
        people: dict[tuple[str, Any], int] = {}
        heads: list[int] = []
        for row in group.rows:
            member = row.member
            if not member or "full_name" not in member:
                continue
            person = (member["full_name"].lower(), member.get("date_of_birth"))
            if person in people:
                problems.append(
                    (row.number, self.header("full_name"), f"người này đã ghi ở dòng {people[person]} của hộ")
                )
                continue
            people[person] = row.number
            national_id = member.get("national_id")
            if national_id:
                self._check_national_id(row, member, national_id, existing, registry_ids, problems)
            match = by_id.get(national_id) if national_id else None
            if match is None:
                candidates = [m for m in by_person.get(person, []) if m["id"] not in matched]
                if len(candidates) == 1 and not (
                    national_id
                    and candidates[0]["national_id"]
                    and candidates[0]["national_id"] != national_id
                ):
                    match = candidates[0]
            if match is not None and match["id"] in matched:
                match = None
            if member.get("relationship") == Relationship.HEAD:
                heads.append(row.number)
            ethnic = row.ethnic_group
            full = {**member}
            if ethnic is not None:
                full["ethnic_group"] = ethnic
            if match is not None:
                matched.add(match["id"])
                differs = {k: v for k, v in full.items() if match.get(k) != v}
                member_plans.append(MemberPlan(row.number, {**match, **full}, match["id"], differs))
            else:
                member_plans.append(MemberPlan(row.number, full, None, {}))
        if len(heads) > 1:
            problems.append(
                (
                    heads[1],
                    self.header("relationship"),
                    f"hộ có hai chủ hộ (dòng {heads[0]} và {heads[1]})",
                )
            )
        others = [m for m in registry if m["id"] not in matched]
        head_plan = next((m for m in member_plans if m.values.get("relationship") == Relationship.HEAD), None)
        if head_plan is not None and any(m["relationship"] == Relationship.HEAD for m in others):
            problems.append(
                (
                    head_plan.row,
                    self.header("relationship"),
                    "hộ đã có chủ hộ khác trong sổ: sửa quan hệ của chủ hộ cũ trên phiếu hộ trước",
                )
            )
        return member_plans, others, head_plan

    def _check_national_id(
        self,
        row: Row,
        member: dict[str, Any],
        national_id: str,
        existing: dict[str, Any] | None,
        registry_ids: dict[str, int],
        problems: list[tuple[int, str, str]],
    ) -> None:
        """A member's national ID: well formed, once in the file, not another household's in the registry."""
        problem = national_id_problem(
            national_id, date_of_birth=member.get("date_of_birth"), sex=member.get("sex", "")
        )
        if problem:
            problems.append((row.number, self.header("national_id"), problem))
        if national_id in self.seen_ids:
            problems.append(
                (
                    row.number,
                    self.header("national_id"),
                    f"số CCCD {national_id} trùng với dòng {self.seen_ids[national_id]}",
                )
            )
        else:
            self.seen_ids[national_id] = row.number
        owner = registry_ids.get(national_id)
        if owner is not None and (existing is None or owner != existing["id"]):
            problems.append(
                (
                    row.number,
                    self.header("national_id"),
                    f"số CCCD {national_id} đã có trong sổ cho một người ở hộ khác",
                )
            )

    def _head_and_ethnic_group(
        self,
        group: Group,
        existing: dict[str, Any] | None,
        values: dict[str, Any],
        head_plan: MemberPlan | None,
        problems: list[tuple[int, str, str]],
    ) -> str | None:
        """The head's name and the household's ethnic group (the head's, else a household row's), set in
        ``values``; a household with no head is an error. Returns the ethnic group found, if any."""
        if head_plan is not None:
            values["head_name"] = head_plan.values["full_name"]
        if not values.get("head_name") and not (existing and existing["head_name"]):
            problems.append(
                (
                    group.first_row,
                    self.header("full_name"),
                    "hộ chưa có chủ hộ: ghi một thành viên có quan hệ 'Chủ hộ' hoặc cột 'Họ và tên chủ hộ'",
                )
            )
        household_ethnic = None
        if head_plan is not None and head_plan.values.get("ethnic_group"):
            household_ethnic = head_plan.values["ethnic_group"]
        else:
            household_ethnic = next(
                (r.ethnic_group for r in group.rows if r.ethnic_group and not r.member), None
            )
        if household_ethnic:
            values["ethnic_group"] = household_ethnic
        return household_ethnic

    def _check_review_only(
        self,
        group: Group,
        existing: dict[str, Any] | None,
        values: dict[str, Any],
        where: dict[str, int],
        problems: list[tuple[int, str, str]],
    ) -> None:
        """What an import may not change in the registry: a household's category (only a review does) and a
        household no longer followed."""
        if existing is not None and "category" in values and values["category"] != existing["category"]:
            problems.append(
                (
                    where["category"],
                    self.header("category"),
                    "phân loại của hộ đã có chỉ thay đổi qua rà soát; "
                    "để trống hoặc ghi đúng phân loại hiện tại",
                )
            )
        if existing is not None and not existing["is_active"]:
            problems.append(
                (group.first_row, self.header("code"), f"hộ {group.code} đã ngừng theo dõi trong sổ")
            )


def _changes(
    existing: dict[str, Any] | None, values: dict[str, Any], village_id: int | None, village_name: str
) -> dict[str, Any]:
    """What the file changes in an existing household (devices compared as sets); nothing for a new one."""
    changes: dict[str, Any] = {}
    if existing is not None:
        for name, value in values.items():
            old = existing.get(name)
            if name == "devices":
                if sorted(old or []) != sorted(value):
                    changes[name] = value
            elif old != value:
                changes[name] = value
        if village_id != existing["village_id"] or (village_id is None and village_name):
            changes["village_id"] = village_id
    return changes
