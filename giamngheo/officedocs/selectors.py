"""Reads of the department's documents, scoped to the user.

A document belongs to the department that issues it. Users whose org scope holds the department (the
office, the council, the leader) see its documents; the staff of a unit of the department (a unit head)
read them too (the department above their unit); nobody else does (the same 404 for missing and foreign)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from giamngheo.accounts.scoping import org_paths, org_q
from giamngheo.core.errors import NotFound
from giamngheo.org.models import OrgUnit, OrgUnitKind

from .models import DocumentSection, OfficialDocument

if TYPE_CHECKING:
    from giamngheo.accounts.models import User


def _ancestors(paths: tuple[str, ...]) -> list[str]:
    found: set[str] = set()
    for path in paths:
        parts = path.strip("/").split("/")
        found.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return sorted(found)


def document_q(user: User) -> Q:
    """Documents of the departments in the user's scope, or above a unit of it."""
    q = org_q(user, "org_unit__path", "org_unit__area__path")
    above = _ancestors(org_paths(user)) if getattr(user, "is_authenticated", False) else []
    return q | Q(org_unit__path__in=above) if above else q


def document_list(
    *, user: User, year: int | None = None, kind: str = "", q: str = ""
) -> QuerySet[OfficialDocument]:
    docs = OfficialDocument.objects.filter(document_q(user)).select_related("org_unit")
    if year:
        docs = docs.filter(year=year)
    if kind:
        docs = docs.filter(kind=kind)
    if q:
        docs = docs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return docs.order_by("-year", "kind", "-pk")


def document_years(*, user: User) -> list[int]:
    return sorted(
        set(OfficialDocument.objects.filter(document_q(user)).values_list("year", flat=True)), reverse=True
    )


def access_document_by_id(*, user: User, document_id: int) -> OfficialDocument:
    document = (
        OfficialDocument.objects.filter(document_q(user), pk=document_id)
        .select_related("org_unit", "org_unit__area")
        .first()
    )
    if document is None:
        raise NotFound("document")
    return document


def sections_of(*, document: OfficialDocument) -> list[DocumentSection]:
    return list(document.sections.order_by("position", "pk"))


def departments_to_pick(*, user: User) -> list[OrgUnit]:
    """The departments a user may write documents for: those in their org scope."""
    return list(
        OrgUnit.objects.filter(org_q(user, "path", None), kind=OrgUnitKind.DEPARTMENT, is_active=True)
        .select_related("area")
        .order_by("path")
    )
