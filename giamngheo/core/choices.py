"""Constants of ``core`` that pages name (no models: a view imports these, never ``core.models``).
``core.models`` re-exports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    """What a download of personal data was (the stable key of ``ExportRecord.kind``)."""

    HOUSEHOLD_LIST = "household_list", _("Household list")
    MEMBER_LIST = "member_list", _("Member list")
    GAP_LIST = "gap_list", _("Households entitled to a policy and not yet supported")
    OFFICIAL_SUMMARY = "official_summary", _("Summary of the review results")
    OFFICIAL_LIST = "official_list", _("Official list of households")
    OFFICIAL_FORM = "official_form", _("Official form (Circular 07)")
    MINUTES = "minutes", _("Minutes of a village meeting")
    DECISION = "decision", _("Recognition decision")
    CERTIFICATES = "certificates", _("Household certificates")
    JOB_RESULT = "job_result", _("Result of a background job")
    JOB_REPORT = "job_report", _("Error report of a background job")
    JOB_INPUT = "job_input", _("File uploaded to a background job")
    SUMMARY_TABLE = "summary_table", _("Summary table (dashboard, coverage, spending, priority list)")
    DASHBOARD_REPORT = "dashboard_report", _("Dashboard report (PDF)")
    OFFICER_LIST = "officer_list", _("List of grassroots poverty officers")
    TRAINEE_LIST = "trainee_list", _("List of vocational trainees")
    DONATION_LIST = "donation_list", _("List of donations to the fund")
    DONATION_RECEIPT = "donation_receipt", _("Donation receipt")
    DISBURSEMENT_LIST = "disbursement_list", _("List of fund disbursements")
    AFFECTED_LIST = "affected_list", _("List of households affected by a disaster")
    REQUEST_LIST = "request_list", _("List of support requests")
    COMMENDATION_DOSSIER = "commendation_dossier", _("Commendation dossier (submission, achievement report)")
    COUNCIL_MINUTES = "council_minutes", _("Minutes of the emulation council")
    AWARD_CERTIFICATES = "award_certificates", _("Certificates of merit")
    AWARD_REGISTER = "award_register", _("Register of titles and commendations")
    OFFICIAL_DOCUMENT = "official_document", _("Report or plan of the department")
