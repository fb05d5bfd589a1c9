"""The province's priority communes and villages of a year, for the lists of every app ("the list is a
filter everywhere": dashboard, coverage, gap lists — issue 14).

The marks live in ``plans.PriorityArea``, above most apps in the layers: ``plans`` registers a provider in
its ``AppConfig.ready()`` and the apps below read through this module (as ``jobs.registry``):

    from giamngheo.geo.priorities import priority_q

    rows = rows.filter(priority_q(year=year, path_field="commune__path"))

``priority_area_ids(year)`` is ``None`` when no provider is registered (the plans app is not installed),
an empty set when the province marked nothing for the year: a list then shows nothing and says so, never
the whole province.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from .models import Area

Provider = Callable[[int], set[int]]

_PROVIDERS: list[Provider] = []


def register_priority_provider(provider: Provider) -> None:
    """Declare where the priority areas come from (registering the same provider again is harmless)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_priority_provider(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def priority_area_ids(year: int) -> set[int] | None:
    """Ids of the communes and villages marked as priorities for ``year`` (every province: a list scopes
    its rows to the user itself); ``None`` when nobody provides priority areas."""
    if not _PROVIDERS:
        return None
    ids: set[int] = set()
    for provider in _PROVIDERS:
        ids |= provider(year)
    return ids


def priority_paths(year: int) -> list[str]:
    """The paths of the priority areas of ``year`` (empty: none marked, or no provider)."""
    ids = priority_area_ids(year)
    if not ids:
        return []
    return list(Area.objects.filter(pk__in=ids).order_by("path").values_list("path", flat=True))


def priority_q(*, year: int, path_field: str = "path") -> Q:
    """Rows whose area (``path_field``, the path of a commune or village) is, or lies in, a priority area
    of ``year``; no row at all when none is marked."""
    paths = priority_paths(year)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def priority_commune_q(*, year: int, commune_field: str = "commune", village_field: str = "village") -> Q:
    """Rows of a commune (``commune_field``) and, optionally, a village (``village_field``, may be null):
    a priority commune keeps all its rows, a priority village only its own."""
    paths = priority_paths(year)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{commune_field}__path": path}) | Q(**{f"{village_field}__path": path})
    return q
