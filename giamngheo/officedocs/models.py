"""The department's official documents (reports and plans as DOCX in the administrative format of Decree
30/2020, with XLSX annexes): drafts whose narrative a user edits before generating.

A document belongs to the department (``org_unit``) that issues it; its header fields (parent body, issuing
body, number, place, date, recipients, signer) are prefilled from the department and its province and stay
editable. Its narrative is a list of ordered sections (heading + text), prefilled with a draft written from
the data; a section may be followed by tables of data (``tables``: keys of ``TableKey``), filled when the file
is generated, never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import DocumentKind, DocumentStatus, TableKey

__all__ = ["DocumentKind", "DocumentSection", "DocumentStatus", "OfficialDocument", "TableKey"]


class OfficialDocument(BaseModel):
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("subject (trích yếu)"), max_length=400)
    number = models.CharField(_("number"), max_length=20, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40)
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    issuer = models.CharField(_("issuing body (as printed)"), max_length=200)
    recipients = models.TextField(_("recipients (Nơi nhận), one a line"), blank=True)
    signer_title = models.CharField(_("signer's authority and title, one a line"), max_length=200)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "kind", "-pk"]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.ISSUED) | (Q(issued_on__isnull=False) & ~Q(number="")),
                name="officedocs_issued_has_number_and_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentSection(BaseModel):
    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"))
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    tables = models.CharField(_("tables after the text"), max_length=100, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.heading

    @property
    def table_keys(self) -> list[str]:
        return [key for key in self.tables.split(",") if key in TableKey.values]
