"""Reads of the registry, always scoped through ``accounts.scoping``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.core.errors import NotFound
from giamngheo.geo.selectors import communes_in_scope, current_year, especially_difficult_ids

from .models import Household, Member, Tombstone
from .reference import mask_national_id
from .search import MIN_TERM_LENGTH, search_term

ENGINE_UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""
    commune_id: int | None = None
    village_id: int | None = None
    category: str = ""
    ethnic_minority: bool | None = None
    deprived: str = ""
    # The engine's result on the current facts: a category, or "undetermined" (not enough information).
    engine: str = ""
    difficult_village: bool = False
    include_inactive: bool = False


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    f = filters or HouseholdFilters()
    # Scope as "commune in (visible communes)" rather than a join on the commune's path: the database
    # then walks the (commune, code) index, which keeps a 1.2-million-household registry fast.
    visible = communes_in_scope(user=user).values("id")
    qs = Household.objects.filter(commune_id__in=visible).select_related("commune", "village")
    if not f.include_inactive:
        qs = qs.filter(is_active=True)
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.commune_id:
        qs = qs.filter(commune_id=f.commune_id)
    if f.village_id:
        qs = qs.filter(village_id=f.village_id)
    if f.category == "none":
        qs = qs.filter(category="")
    elif f.category:
        qs = qs.filter(category=f.category)
    if f.ethnic_minority is not None:
        qs = qs.filter(is_ethnic_minority=f.ethnic_minority)
    if f.deprived:
        qs = qs.filter(deprived_keys__contains=f"|{f.deprived}|")
    if f.engine == ENGINE_UNDETERMINED:
        qs = qs.filter(engine_category="").exclude(engine_standard="")
    elif f.engine:
        qs = qs.filter(engine_category=f.engine)
    if f.difficult_village:
        qs = qs.filter(village_id__in=especially_difficult_ids(year=current_year()))
    return qs.order_by("commune_id", "code")


# The SQLite side of the search: an FTS5 table with the trigram tokenizer over ``search_text``, kept in step
# by triggers (migration 0006).
SQLITE_SEARCH_TABLE = "households_search"


def search_q(query: str) -> Q:
    """The households a search box's ``query`` finds: those whose ``search_text`` (names, code, ID numbers,
    phone; ``households.search``) contains the folded query, served by a trigram index (PostgreSQL:
    pg_trgm's GIN index; SQLite: an FTS5 trigram table, whose phrase query matches the same substrings);
    a query shorter than ``MIN_TERM_LENGTH`` finds only the household whose code it is. The same households
    on both databases."""
    term = search_term(query)
    code = query.strip()
    if len(term) < MIN_TERM_LENGTH:
        return Q(code=code)
    if connection.vendor == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'
        # The phrase is a parameter; only the table's name (a constant) is in the text.
        matching = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {SQLITE_SEARCH_TABLE} WHERE {SQLITE_SEARCH_TABLE} MATCH %s",  # noqa: S608
            [phrase],
        )
        return Q(pk__in=matching)
    return Q(search_text__contains=term)


def access_household_by_id(*, user: User, household_id: int) -> Household:
    household = (
        household_list(user=user, filters=HouseholdFilters(include_inactive=True))
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFound("household")
    return household


def household_with_members(*, user: User, household_id: int) -> Household:
    household = (
        household_list(user=user, filters=HouseholdFilters(include_inactive=True))
        .filter(pk=household_id)
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("-is_active", "date_of_birth"))
        )
        .first()
    )
    if household is None:
        raise NotFound("household")
    return household


def access_member_by_id(*, user: User, member_id: int) -> Member:
    member = (
        Member.objects.filter(area_q(user, "household__commune__path"), pk=member_id)
        .select_related("household", "household__commune")
        .first()
    )
    if member is None:
        raise NotFound("member")
    return member


def national_id_display(*, user: User) -> Callable[[str | None], str]:
    """How this user sees ID numbers (decided once, for lists and exports): in full for roles that need
    them, masked for the others."""
    full = can(user, Capability.VIEW_PERSONAL_IDS)

    def show(number: str | None) -> str:
        if not number:
            return ""
        return number if full else mask_national_id(number)

    return show


def shown_national_id(*, user: User, number: str | None) -> str:
    """The ID in full for roles that need it, masked for the others."""
    return national_id_display(user=user)(number)


def member_history(*, user: User, member: Member) -> QuerySet[Any]:
    """Earlier versions of a member's facts (scoped through the member)."""
    access_member_by_id(user=user, member_id=member.pk)
    return member.history.select_related("history_user").order_by("-history_date")  # type: ignore[no-any-return]


# The weekly digest (issue 14, notices) ------------------------------------------------------------------


def households_changed_count(*, user: User, start: dt.datetime, end: dt.datetime) -> int:
    """The registry's households of the user's scope created or changed in ``[start, end)``: distinct
    households in the history (indexed by date), whoever wrote them (forms, import, review). One query."""
    count: int = (
        Household.history.filter(
            history_date__gte=start,
            history_date__lt=end,
            commune_id__in=communes_in_scope(user=user).values("pk"),
        )
        .values("id")
        .distinct()
        .count()
    )
    return count


# The API's incremental sync (issue 17) ------------------------------------------------------------------


def member_list(*, user: User, household_id: int | None = None) -> QuerySet[Member]:
    """Members of the households of the user's scope (all of them, those who left included)."""
    visible = communes_in_scope(user=user).values("id")
    qs = Member.objects.filter(household__commune_id__in=visible).select_related("household")
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs


def tombstone_list(*, user: User, kind: str = "") -> QuerySet[Tombstone]:
    """Households and members deleted in the communes of the user's scope (for incremental sync)."""
    qs = Tombstone.objects.filter(commune_id__in=communes_in_scope(user=user).values("id")).select_related(
        "commune"
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs
