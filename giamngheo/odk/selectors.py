"""Reads of ODK Central connections, scoped by the commune they belong to."""

from __future__ import annotations

from django.db.models import QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import NOTHING, area_q, can
from giamngheo.core.errors import NotFound
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.geo.selectors import vi_ordered

from .models import Connection, Pull


def _scope(user: User) -> QuerySet[Connection]:
    if not can(user, Capability.EDIT_HOUSEHOLDS):
        return Connection.objects.filter(NOTHING)
    return Connection.objects.filter(area_q(user, "commune__path"))


def connection_list(*, user: User) -> QuerySet[Connection]:
    return _scope(user).select_related("commune").order_by("name", "id")


def access_connection_by_id(*, user: User, connection_id: int) -> Connection:
    found = _scope(user).select_related("commune").filter(pk=connection_id).first()
    if found is None:
        raise NotFound("connection")
    return found


def pull_list(*, user: User, connection: Connection) -> QuerySet[Pull]:
    """The pulls of a connection the user may see (newest first), with their jobs."""
    return (
        Pull.objects.filter(connection__in=_scope(user), connection=connection)
        .select_related("job", "import_job", "created_by")
        .order_by("-created_at", "-id")
    )


def pull_communes(*, user: User) -> QuerySet[Area]:
    """The communes the user may connect a form for (those they may import into)."""
    if not can(user, Capability.EDIT_HOUSEHOLDS):
        return Area.objects.filter(NOTHING)
    return vi_ordered(Area.objects.filter(area_q(user), level=AreaLevel.COMMUNE, is_active=True))


def pulled_count(*, connection: Connection) -> int:
    return connection.submissions.count()
