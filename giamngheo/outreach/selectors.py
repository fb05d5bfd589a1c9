"""Reads of communication activities and good models.

Scope (``accounts.scoping``): an activity belongs to its place (the province or a commune); a user reads
the activities of the places of their area scope and, for a unit without area scope (the department's
office), of the area of their organisation units. Good models are no personal data: the catalogue is read
by everyone signed in; only a manager of the model's commune may change it (``access_good_model_for_edit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can, org_q
from giamngheo.core.errors import NotFound
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import current_year, vi_ordered
from giamngheo.org.models import OrgUnit

from .models import Activity, ActivityFile, ActivityKind, GoodModel, GoodModelFile, ModelField, Replication

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

NOTHING = Q(pk__in=[])
QUARTERS = (1, 2, 3, 4)


# Scope ------------------------------------------------------------------------------------------------------
def _org_area_paths(user: User) -> list[str]:
    """The paths of the areas of the organisation units in the user's org scope (a department's province)."""
    paths = (
        OrgUnit.objects.filter(org_q(user, "path", None), is_active=True, area__isnull=False)
        .values_list("area__path", flat=True)
        .distinct()
    )
    return sorted({p for p in paths if p})


def place_q(user: User, path_field: str = "area__path") -> Q:
    """Rows whose place (given by ``path_field``) lies in the user's areas or their units' areas."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    if user.is_system_admin:
        return Q()
    terms = [area_q(user, path_field)]
    terms += [Q(**{f"{path_field}__startswith": p}) for p in _org_area_paths(user)]
    return reduce(or_, terms)


def places_to_pick(*, user: User) -> list[Area]:
    """The places a user may record an activity for: the active provinces and communes of their scope
    (each province followed by its communes), or the province of their unit."""
    qs = Area.objects.filter(
        place_q(user, "path"), is_active=True, level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE]
    )
    provinces = list(qs.filter(level=AreaLevel.PROVINCE).order_by("path"))
    communes = list(vi_ordered(qs.filter(level=AreaLevel.COMMUNE).order_by("name")))
    result: list[Area] = []
    for province in provinces:
        result.append(province)
        result += [c for c in communes if c.parent_id == province.pk]
    placed = {a.pk for a in result}
    result += [c for c in communes if c.pk not in placed]
    return result


def communes_to_filter(*, user: User) -> QuerySet[Area]:
    """The communes a user may filter lists by (those of their scope)."""
    return vi_ordered(
        Area.objects.filter(place_q(user, "path"), level=AreaLevel.COMMUNE, is_active=True).order_by("name")
    )


def organisers_to_pick(*, user: User) -> QuerySet[OrgUnit]:
    """The organisation units a user may name as an activity's organiser."""
    return OrgUnit.objects.filter(org_q(user), is_active=True).order_by("path")


def access_organiser_by_id(*, user: User, org_unit_id: int) -> OrgUnit:
    unit = organisers_to_pick(user=user).filter(pk=org_unit_id).first()
    if unit is None:
        raise NotFound("org unit")
    return unit


def may_manage_area(*, user: User | None, area: Area) -> bool:
    """Whether ``user`` may record for ``area`` (``MANAGE_OUTREACH`` and the area in their scope)."""
    if user is None:  # the demo seed and commands
        return True
    if not can(user, Capability.MANAGE_OUTREACH):
        return False
    return Area.objects.filter(place_q(user, "path"), pk=area.pk).exists()


# Activities -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivityFilters:
    kind: str = ""
    year: int | None = None
    commune_id: int | None = None
    q: str = ""


def activity_list(*, user: User, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    f = filters or ActivityFilters()
    qs = Activity.objects.filter(place_q(user)).select_related("area", "organiser_unit")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(date__year=f.year)
    if f.commune_id:
        qs = qs.filter(area_id=f.commune_id)
    text = f.q.strip()
    if text:
        qs = qs.filter(
            Q(topic__icontains=text)
            | Q(organiser__icontains=text)
            | Q(organiser_unit__name__icontains=text)
            | Q(note__icontains=text)
        )
    return qs.annotate(file_count=Count("files")).order_by("-date", "-pk")


def activity_years(*, user: User) -> list[int]:
    years = {d.year for d in Activity.objects.filter(place_q(user)).dates("date", "year")}
    years.add(current_year())
    return sorted(years, reverse=True)


def access_activity_by_id(*, user: User, activity_id: int) -> Activity:
    activity = (
        Activity.objects.filter(place_q(user), pk=activity_id)
        .select_related("area", "area__parent", "organiser_unit")
        .first()
    )
    if activity is None:
        raise NotFound("activity")
    return activity


def access_activity_file_by_id(*, user: User, file_id: int) -> ActivityFile:
    found = (
        ActivityFile.objects.filter(place_q(user, "activity__area__path"), pk=file_id)
        .select_related("activity", "activity__area")
        .first()
    )
    if found is None:
        raise NotFound("activity file")
    return found


def activity_files(*, activity: Activity) -> QuerySet[ActivityFile]:
    return activity.files.order_by("pk")


@dataclass
class SummaryRow:
    label: str
    count: int = 0
    audience: int = 0
    audience_unknown: int = 0
    cost: int = 0
    by_quarter: dict[int, int] = field(default_factory=lambda: dict.fromkeys(QUARTERS, 0))

    def add(self, activity_quarter: int, audience: int | None, cost: int | None) -> None:
        self.count += 1
        self.by_quarter[activity_quarter] += 1
        if audience is None:
            self.audience_unknown += 1
        else:
            self.audience += audience
        self.cost += cost or 0

    @property
    def quarters(self) -> list[int]:
        return [self.by_quarter[q] for q in QUARTERS]


@dataclass
class ActivitySummary:
    year: int
    by_kind: list[SummaryRow]
    by_quarter: list[SummaryRow]
    total: SummaryRow


def activity_summary(*, user: User, year: int, commune_id: int | None = None) -> ActivitySummary:
    """The year's activities counted by type and by quarter: number, people reached (known values) and
    cost; the total row is the sum of the rows."""
    qs = Activity.objects.filter(place_q(user), date__year=year)
    if commune_id:
        qs = qs.filter(area_id=commune_id)
    kinds = {k.value: SummaryRow(label=str(k.label)) for k in ActivityKind}
    quarters = {q: SummaryRow(label=str(q)) for q in QUARTERS}
    total = SummaryRow(label="")
    for kind, date, audience, cost in qs.values_list("kind", "date", "audience", "cost"):
        quarter = (date.month - 1) // 3 + 1
        for row in (kinds[kind], quarters[quarter], total):
            row.add(quarter, audience, cost)
    return ActivitySummary(
        year=year, by_kind=list(kinds.values()), by_quarter=list(quarters.values()), total=total
    )


# Good models ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelFilters:
    field: str = ""
    commune_id: int | None = None
    q: str = ""


def good_model_list(*, user: User, filters: ModelFilters | None = None) -> QuerySet[GoodModel]:
    """The catalogue: every good model (no personal data), for everyone signed in."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return GoodModel.objects.none()
    f = filters or ModelFilters()
    qs = GoodModel.objects.select_related("commune", "commune__parent", "village")
    if f.field:
        qs = qs.filter(field=f.field)
    if f.commune_id:
        qs = qs.filter(commune_id=f.commune_id)
    text = f.q.strip()
    if text:
        folded = fold(text)
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(commune__name__icontains=text)
            | Q(commune__name_folded__icontains=folded)
        )
    return qs.annotate(replication_count=Count("replications", distinct=True)).order_by("-created_at", "-pk")


def model_communes(*, user: User) -> QuerySet[Area]:
    """The communes that have a good model (the catalogue's filter)."""
    if not getattr(user, "is_authenticated", False):
        return Area.objects.none()
    return vi_ordered(Area.objects.filter(pk__in=GoodModel.objects.values("commune_id")).order_by("name"))


def access_good_model_by_id(*, user: User, good_model_id: int) -> GoodModel:
    """A good model, for anyone signed in (the catalogue is read by everyone)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise NotFound("good model")
    found = (
        GoodModel.objects.filter(pk=good_model_id)
        .select_related("commune", "commune__parent", "village")
        .first()
    )
    if found is None:
        raise NotFound("good model")
    return found


def access_good_model_for_edit(*, user: User, good_model_id: int) -> GoodModel:
    """A good model its commune's managers may change (``MANAGE_OUTREACH`` in scope); else ``NotFound``."""
    if not can(user, Capability.MANAGE_OUTREACH):
        raise NotFound("good model")
    found = (
        GoodModel.objects.filter(place_q(user, "commune__path"), pk=good_model_id)
        .select_related("commune", "commune__parent", "village")
        .first()
    )
    if found is None:
        raise NotFound("good model")
    return found


def may_edit_good_model(*, user: User, good_model: GoodModel) -> bool:
    return can(user, Capability.MANAGE_OUTREACH) and may_manage_area(user=user, area=good_model.commune)


def access_good_model_file_by_id(*, user: User, file_id: int) -> GoodModelFile:
    """A photo or attachment of a good model, after the model's access rule (everyone signed in)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise NotFound("good model file")
    found = GoodModelFile.objects.filter(pk=file_id).select_related("good_model").first()
    if found is None:
        raise NotFound("good model file")
    return found


def access_good_model_file_for_edit(*, user: User, file_id: int) -> GoodModelFile:
    if not can(user, Capability.MANAGE_OUTREACH):
        raise NotFound("good model file")
    found = (
        GoodModelFile.objects.filter(place_q(user, "good_model__commune__path"), pk=file_id)
        .select_related("good_model")
        .first()
    )
    if found is None:
        raise NotFound("good model file")
    return found


def access_replication_for_edit(*, user: User, replication_id: int) -> Replication:
    if not can(user, Capability.MANAGE_OUTREACH):
        raise NotFound("replication")
    found = (
        Replication.objects.filter(place_q(user, "good_model__commune__path"), pk=replication_id)
        .select_related("good_model", "commune")
        .first()
    )
    if found is None:
        raise NotFound("replication")
    return found


def good_model_files(*, good_model: GoodModel) -> list[GoodModelFile]:
    return list(good_model.files.order_by("pk"))


def replications(*, good_model: GoodModel) -> QuerySet[Replication]:
    return good_model.replications.select_related("commune").order_by("year", "pk")


def cover_photos(*, good_models: list[GoodModel]) -> dict[int, GoodModelFile]:
    """The first photo of each model (the catalogue's thumbnail)."""
    covers: dict[int, GoodModelFile] = {}
    for f in GoodModelFile.objects.filter(good_model__in=good_models).order_by("pk"):
        if f.is_image and f.good_model_id not in covers:
            covers[f.good_model_id] = f
    return covers


def communes_of_province(*, province_id: int | None) -> QuerySet[Area]:
    """The active communes of a province (where a model may be replicated: public reference data)."""
    return vi_ordered(
        Area.objects.filter(level=AreaLevel.COMMUNE, parent_id=province_id, is_active=True).order_by("name")
    )


def villages_of(*, commune: Area) -> QuerySet[Area]:
    return vi_ordered(
        Area.objects.filter(level=AreaLevel.VILLAGE, parent=commune, is_active=True).order_by("code")
    )


def field_label(value: str) -> str:
    return str(dict(ModelField.choices).get(value, value))


def scope_name(*, user: User) -> str:
    """The scope printed on a table: the user's areas, else the areas of their units ("" for everything)."""
    if user.is_system_admin:
        return ""
    names = list(user.scope_areas.filter(is_active=True).order_by("path").values_list("name", flat=True))
    if not names:
        paths = _org_area_paths(user)
        names = list(Area.objects.filter(path__in=paths).order_by("path").values_list("name", flat=True))
    return ", ".join(names)
