"""Writes of the department's documents (``WRITE_DOCUMENTS``, for a department in the user's org scope):
create a draft (header prefilled from the department and its province, narrative prefilled from the data),
edit its header and narrative, write the narrative again from the data, issue it (number and date) and
reopen it (with the reason), delete a draft. Keyword-only, atomic, audited with before/after; edits check the
version the form was opened at; on bad input nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can, org_q
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.text import fold
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.org.models import OrgUnit, OrgUnitKind

from . import drafts, generator
from .choices import TYPE_NAME, DocumentKind, DocumentStatus, TableKey
from .models import DocumentSection, OfficialDocument

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_SECTIONS = 40
EDIT_FIELDS = (
    "title",
    "number",
    "symbol",
    "place",
    "issued_on",
    "parent_body",
    "issuer",
    "recipients",
    "signer_title",
    "signer_name",
)
RECIPIENTS = {
    DocumentKind.PLAN: [
        "Ủy ban nhân dân tỉnh (để báo cáo)",
        "Sở Nội vụ (Ban Thi đua - Khen thưởng)",
        "Giám đốc, các Phó Giám đốc Sở",
        "Các phòng, đơn vị trực thuộc Sở (để thực hiện)",
        "Lưu: VT, VP",
    ],
}
REPORT_RECIPIENTS = [
    "Ủy ban nhân dân tỉnh (để báo cáo)",
    "Sở Nội vụ (Ban Thi đua - Khen thưởng)",
    "Giám đốc, các Phó Giám đốc Sở",
    "Các phòng, đơn vị trực thuộc Sở",
    "Lưu: VT, VP",
]


# Permissions ------------------------------------------------------------------------------------------------
def _require_writer(user: User | None, org_unit: OrgUnit) -> None:
    if user is None:  # the demo seed, commands
        return
    if not can(user, Capability.WRITE_DOCUMENTS):
        raise PermissionDenied(_("You may not write the department's documents."))
    if not OrgUnit.objects.filter(org_q(user, "path", None), pk=org_unit.pk).exists():
        raise PermissionDenied(_("You may not write the department's documents."))


def _require_draft(document: OfficialDocument) -> None:
    if document.status != DocumentStatus.DRAFT:
        raise ValidationFailed(
            _("The document has been issued: reopen it before changing it."), extra={"field": None}
        )


# Defaults from the department -------------------------------------------------------------------------------
def issuer_name(org_unit: OrgUnit) -> str:
    """ "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai" -> "Sở Nông nghiệp và Môi trường" (the province is
    named by the parent body above it)."""
    province = generator.province_name(org_unit.area)
    for word in ("tỉnh", "thành phố", "Tỉnh", "Thành phố"):
        suffix = f" {word} {province}"
        if org_unit.name.endswith(suffix):
            return org_unit.name[: -len(suffix)]
    return org_unit.name


def parent_body(org_unit: OrgUnit) -> str:
    """ "UBND tỉnh Đồng Nai" (printed in capitals)."""
    word = "thành phố" if org_unit.area.division_type == "thanh_pho" else "tỉnh"
    return f"UBND {word} {generator.province_name(org_unit.area)}"


def abbreviation(org_unit: OrgUnit) -> str:
    """The issuing body's abbreviation in the symbol: "Sở NN&MT" -> "SNNMT"; without a short name, the
    initials of the capitalised words of the name."""
    if org_unit.short_name.strip():
        words = org_unit.short_name.split()
        text = words[0][:1] + "".join(words[1:])
    else:
        text = "".join(w[:1] for w in issuer_name(org_unit).split() if w[:1].isupper())
    text = re.sub(r"[^A-Za-z]", "", fold(text).replace("đ", "d"))
    return text.upper() or "SO"


def _section_rows(document: OfficialDocument, sections: Sequence[drafts.SectionDraft]) -> None:
    DocumentSection.objects.bulk_create(
        DocumentSection(
            document=document, position=i, heading=s.heading, text=s.text, tables=",".join(s.tables)
        )
        for i, s in enumerate(sections, start=1)
    )


def _sections_snapshot(document: OfficialDocument) -> list[dict[str, Any]]:
    return [
        {"heading": s.heading, "text": s.text, "tables": s.tables}
        for s in document.sections.order_by("position", "pk")
    ]


def _snapshot(document: OfficialDocument) -> dict[str, Any]:
    return snapshot(document) | {"sections": _sections_snapshot(document)}


def _check(document: OfficialDocument) -> None:
    if not document.title.strip():
        raise ValidationFailed(_("Enter the subject of the document."), extra={"field": "title"})
    if not document.symbol.strip():
        raise ValidationFailed(_("Enter the symbol of the document."), extra={"field": "symbol"})
    if "/" in document.symbol or " " in document.symbol.strip():
        raise ValidationFailed(
            _("Write the symbol without spaces or slashes, e.g. BC-SNNMT."), extra={"field": "symbol"}
        )
    if document.number and not document.number.isdigit():
        raise ValidationFailed(_("The number is written in digits, e.g. 05."), extra={"field": "number"})
    for name, message in (
        ("place", _("Enter the place of issue.")),
        ("issuer", _("Enter the issuing body.")),
        ("signer_title", _("Enter the signer's authority and title.")),
    ):
        if not str(getattr(document, name)).strip():
            raise ValidationFailed(message, extra={"field": name})


def _clean_sections(sections: Sequence[Mapping[str, Any]]) -> list[drafts.SectionDraft]:
    kept = []
    for s in sections:
        heading, text = str(s.get("heading", "")).strip(), str(s.get("text", "")).strip()
        tables = tuple(k for k in s.get("tables", ()) if k in TableKey.values)
        if heading or text or tables:
            kept.append(drafts.SectionDraft(heading[:300], text, tables))
    if not kept:
        raise ValidationFailed(_("The document needs at least one section."), extra={"field": None})
    if len(kept) > MAX_SECTIONS:
        raise ValidationFailed(
            _("A document has at most %(n)s sections.") % {"n": MAX_SECTIONS}, extra={"field": None}
        )
    return kept


# Writes -----------------------------------------------------------------------------------------------------
@transaction.atomic
def document_create(*, org_unit: OrgUnit, kind: str, year: int, acting_user: User | None) -> OfficialDocument:
    """A draft of ``kind`` for ``year``: header from the department and its province, narrative drafted
    from the figures the acting user sees."""
    _require_writer(acting_user, org_unit)
    if org_unit.kind != OrgUnitKind.DEPARTMENT:
        raise ValidationFailed(_("Documents are issued by a department."), extra={"field": "org_unit"})
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose the kind of document."), extra={"field": "kind"})
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )
    code = TYPE_NAME[DocumentKind(kind)][1]
    document = OfficialDocument(
        org_unit=org_unit,
        kind=kind,
        year=year,
        title=drafts.default_title(kind, year),
        number="",
        symbol=f"{code}-{abbreviation(org_unit)}",
        place=generator.province_name(org_unit.area),
        issued_on=None,
        parent_body=parent_body(org_unit),
        issuer=issuer_name(org_unit),
        recipients="\n".join(RECIPIENTS.get(DocumentKind(kind), REPORT_RECIPIENTS)),
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="",
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    _check(document)
    document.save()
    if acting_user is not None:
        figures = generator.collect(user=acting_user, org_unit=org_unit, kind=kind, year=year)
        _section_rows(document, drafts.draft(figures))
    audit_record(
        actor=acting_user, action="officedocs.document.create", target=document, after=_snapshot(document)
    )
    return document


@transaction.atomic
def document_update(
    *,
    document: OfficialDocument,
    data: Mapping[str, Any],
    sections: Sequence[Mapping[str, Any]] | None,
    version: Version,
    acting_user: User | None,
) -> OfficialDocument:
    """Edit the header fields (``data``) and, when given, replace the narrative with ``sections`` (in order;
    empty ones dropped)."""
    check_fields(data, EDIT_FIELDS)
    locked = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=document.pk)
    )
    _require_writer(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_draft(locked)
    before = _snapshot(locked)
    assign(locked, data)
    _check(locked)
    kept = _clean_sections(sections) if sections is not None else None
    locked.version += 1
    locked.save()
    if kept is not None:
        locked.sections.all().delete()
        _section_rows(locked, kept)
    audit_record(
        actor=acting_user,
        action="officedocs.document.update",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked


@transaction.atomic
def document_redraft(*, document: OfficialDocument, version: Version, acting_user: User) -> OfficialDocument:
    """Write the narrative again from the figures of now (the edits made to it are replaced)."""
    locked = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=document.pk)
    )
    _require_writer(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_draft(locked)
    before = _snapshot(locked)
    figures = generator.collect(
        user=acting_user, org_unit=locked.org_unit, kind=locked.kind, year=locked.year
    )
    locked.sections.all().delete()
    _section_rows(locked, drafts.draft(figures))
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="officedocs.document.redraft",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked


@transaction.atomic
def document_issue(
    *,
    document: OfficialDocument,
    number: str,
    issued_on: dt.date | None,
    version: Version,
    acting_user: User | None,
) -> OfficialDocument:
    """Record the number and date the document was registered with: it is issued and no longer edited."""
    locked = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=document.pk)
    )
    _require_writer(acting_user, locked.org_unit)
    version_check(locked, version)
    _require_draft(locked)
    number = number.strip()
    if not number.isdigit():
        raise ValidationFailed(_("The number is written in digits, e.g. 05."), extra={"field": "number"})
    if issued_on is None:
        raise ValidationFailed(_("Enter the date of issue."), extra={"field": "issued_on"})
    if not locked.year - 1 <= issued_on.year <= locked.year + 1:
        raise ValidationFailed(
            _("The date of issue must be within a year of the document's year."), extra={"field": "issued_on"}
        )
    clash = OfficialDocument.objects.filter(
        org_unit=locked.org_unit,
        status=DocumentStatus.ISSUED,
        symbol=locked.symbol,
        number=number.zfill(2),
        issued_on__year=issued_on.year,
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise ValidationFailed(
            _("This number and symbol have already been given in that year."), extra={"field": "number"}
        )
    before = snapshot(locked)
    locked.number = number.zfill(2)
    locked.issued_on = issued_on
    locked.status = DocumentStatus.ISSUED
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="officedocs.document.issue",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def document_reopen(
    *, document: OfficialDocument, reason: str, version: Version, acting_user: User | None
) -> OfficialDocument:
    """Back to a draft (to correct it), with the reason; the number and date stay."""
    locked = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=document.pk)
    )
    _require_writer(acting_user, locked.org_unit)
    version_check(locked, version)
    if locked.status != DocumentStatus.ISSUED:
        raise ValidationFailed(_("Only an issued document can be reopened."), extra={"field": None})
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for reopening."), extra={"field": "reason"})
    before = snapshot(locked)
    locked.status = DocumentStatus.DRAFT
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="officedocs.document.reopen",
        target=locked,
        before=before,
        after=snapshot(locked),
        note=reason,
    )
    return locked


@transaction.atomic
def document_delete(*, document: OfficialDocument, acting_user: User | None) -> None:
    locked = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=document.pk)
    )
    _require_writer(acting_user, locked.org_unit)
    _require_draft(locked)
    before = _snapshot(locked)
    audit_record(actor=acting_user, action="officedocs.document.delete", target=locked, before=before)
    locked.delete()
