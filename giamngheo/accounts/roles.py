"""Roles and what each may do. Capabilities are checked with ``giamngheo.accounts.scoping.can``.

What a user may *see* is their scope (areas and org units), not their role; the role says what they
may *do* within it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCIAL_SPECIALIST = "provincial_specialist", _("Provincial specialist")
    DEPARTMENT_OFFICE = "department_office", _("Department office")
    UNIT_HEAD = "unit_head", _("Unit head")
    COUNCIL_MEMBER = "council_member", _("Emulation council member")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VIEWER = "viewer", _("Viewer (leader)")


class Capability(models.TextChoices):
    MANAGE_USERS = "manage_users", _("Manage user accounts")
    VIEW_AUDIT = "view_audit", _("Browse the audit trail")
    MANAGE_GEOGRAPHY = "manage_geography", _("Manage administrative units")
    MANAGE_VILLAGES = "manage_villages", _("Manage villages")
    MANAGE_DIFFICULTY = "manage_difficulty", _("Flag especially difficult units")
    MANAGE_ORG = "manage_org", _("Manage the organisation and staff")
    VIEW_ORG = "view_org", _("View the organisation and staff")
    VIEW_PERSONAL_IDS = "view_personal_ids", _("See national ID numbers in full")
    VIEW_HOUSEHOLDS = "view_households", _("See households and their members")
    DOWNLOAD_PERSONAL_DATA = (
        "download_personal_data",
        _("Download files with names and personal data (exports, named lists, certificates, minutes)"),
    )
    EDIT_HOUSEHOLDS = "edit_households", _("Create and edit households and members")
    CONDUCT_REVIEW = "conduct_review", _("Carry out the review in a commune")
    MANAGE_REVIEW_ROUNDS = "manage_review_rounds", _("Open and close review rounds, reopen communes")
    VIEW_TABLES = "view_tables", _("See the official tables and summaries")
    MANAGE_POLICIES = "manage_policies", _("Manage the policy catalogue")
    RECORD_SUPPORT = "record_support", _("Record support delivered to households")
    MANAGE_PLANS = "manage_plans", _("Enter plans, targets, thresholds and priority areas")
    REPORT_TARGETS = "report_targets", _("Report the values of the targets of one's unit")
    MANAGE_TRAINING = "manage_training", _("Record grassroots poverty officers and their training")
    MANAGE_VOCATION = "manage_vocation", _("Record vocational training courses, trainees and job placement")
    MANAGE_FUND = "manage_fund", _("Run the “For the poor” fund: campaigns, donations, disbursements")
    RECORD_DONATIONS = "record_donations", _("Record the donations of one's unit and its staff")
    MANAGE_RELIEF = "manage_relief", _("Record disasters, affected households and the relief given")
    MANAGE_OUTREACH = "manage_outreach", _("Record communication activities and good models")
    VIEW_EMULATION = (
        "view_emulation",
        _("See the emulation movement: movements, registrations, scores, awards"),
    )
    MANAGE_EMULATION = (
        "manage_emulation",
        _("Run the emulation movement: movements, plans, registrations, criteria, guidance tasks"),
    )
    TAKE_PART_EMULATION = (
        "take_part_emulation",
        _("Register one's unit, assess it, submit initiatives and propose its staff for commendation"),
    )
    JUDGE_EMULATION = (
        "judge_emulation",
        _("Score the units, evaluate initiatives and vote on proposals (emulation council)"),
    )
    MANAGE_COMMENDATION = (
        "manage_commendation",
        _("Prepare commendation dossiers and decisions, keep the award fund and the register"),
    )
    MANAGE_UNIT_REPORTS = (
        "manage_unit_reports",
        _("Request periodic reports from units, extend, return, reopen and approve them"),
    )
    SUBMIT_UNIT_REPORTS = "submit_unit_reports", _("Fill in and submit the reports of one's unit")
    APPROVE_UNIT_REPORTS = "approve_unit_reports", _("Approve units' reports as the department's leader")
    WRITE_DOCUMENTS = "write_documents", _("Write and generate the department's official reports and plans")
    MANAGE_WEBHOOKS = (
        "manage_webhooks",
        _("Register outgoing notifications (webhooks) to other systems and see their delivery log"),
    )


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(Capability.values),
    Role.PROVINCIAL_SPECIALIST: frozenset(
        {
            Capability.MANAGE_VILLAGES,
            Capability.MANAGE_DIFFICULTY,
            Capability.VIEW_ORG,
            Capability.VIEW_PERSONAL_IDS,
            Capability.VIEW_HOUSEHOLDS,
            Capability.DOWNLOAD_PERSONAL_DATA,
            Capability.EDIT_HOUSEHOLDS,
            Capability.MANAGE_REVIEW_ROUNDS,
            Capability.VIEW_TABLES,
            Capability.MANAGE_POLICIES,
            Capability.RECORD_SUPPORT,
            Capability.MANAGE_PLANS,
            Capability.REPORT_TARGETS,
            Capability.MANAGE_TRAINING,
            Capability.MANAGE_VOCATION,
            Capability.MANAGE_RELIEF,
            Capability.MANAGE_OUTREACH,
            Capability.MANAGE_WEBHOOKS,
        }
    ),
    Role.DEPARTMENT_OFFICE: frozenset(
        {
            Capability.MANAGE_ORG,
            Capability.VIEW_ORG,
            Capability.VIEW_TABLES,
            Capability.MANAGE_PLANS,
            Capability.REPORT_TARGETS,
            Capability.MANAGE_FUND,
            Capability.RECORD_DONATIONS,
            Capability.MANAGE_OUTREACH,
            Capability.VIEW_EMULATION,
            Capability.MANAGE_EMULATION,
            Capability.TAKE_PART_EMULATION,
            Capability.MANAGE_COMMENDATION,
            Capability.MANAGE_UNIT_REPORTS,
            Capability.SUBMIT_UNIT_REPORTS,
            Capability.WRITE_DOCUMENTS,
        }
    ),
    Role.UNIT_HEAD: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.REPORT_TARGETS,
            Capability.RECORD_DONATIONS,
            Capability.VIEW_EMULATION,
            Capability.TAKE_PART_EMULATION,
            Capability.SUBMIT_UNIT_REPORTS,
        }
    ),
    # The department's Emulation and Commendation Council: sees the whole department's emulation, scores,
    # evaluates initiatives and votes; edits nothing else.
    Role.COUNCIL_MEMBER: frozenset(
        {Capability.VIEW_ORG, Capability.VIEW_EMULATION, Capability.JUDGE_EMULATION}
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Capability.MANAGE_VILLAGES,
            Capability.VIEW_PERSONAL_IDS,
            Capability.VIEW_HOUSEHOLDS,
            Capability.DOWNLOAD_PERSONAL_DATA,
            Capability.EDIT_HOUSEHOLDS,
            Capability.CONDUCT_REVIEW,
            Capability.VIEW_TABLES,
            Capability.RECORD_SUPPORT,
            Capability.REPORT_TARGETS,
            Capability.MANAGE_TRAINING,
            Capability.MANAGE_VOCATION,
            Capability.MANAGE_RELIEF,
            Capability.MANAGE_OUTREACH,
        }
    ),
    # A leader drills from the province to a lagging commune and to the households behind a number:
    # read only, national ID numbers masked (no VIEW_PERSONAL_IDS).
    Role.VIEWER: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.VIEW_HOUSEHOLDS,
            Capability.VIEW_TABLES,
            Capability.VIEW_EMULATION,
            Capability.APPROVE_UNIT_REPORTS,
        }
    ),
}
