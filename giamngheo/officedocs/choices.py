"""Constants of the official documents that pages name (re-exported by ``models``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INTERIM_REPORT = "interim", _("Interim report (six months)")
    FINAL_REPORT = "final", _("Final report (the year)")
    PLAN = "plan", _("Plan for the year")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class TableKey(models.TextChoices):
    """The tables of data a section of the body may be followed by (the formatter prints them there)."""

    POVERTY = "poverty", _("Poverty results")
    TARGETS = "targets", _("Targets of the plan")
    ACTIVITIES = "activities", _("Activities of the programme")
    EMULATION = "emulation", _("Emulation results")
    AWARDS = "awards", _("Commendations")


# The type name printed above the title and its code in the symbol (Decree 30/2020, Appendix III).
TYPE_NAME = {
    DocumentKind.INTERIM_REPORT: ("BÁO CÁO", "BC"),
    DocumentKind.FINAL_REPORT: ("BÁO CÁO", "BC"),
    DocumentKind.PLAN: ("KẾ HOẠCH", "KH"),
}
