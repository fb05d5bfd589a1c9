"""What the audit trail shows people: its actions, objects, fields and values in words, never codes.

An audit row stores ``action`` ("households.household.update"), ``target_type`` ("households.household")
and ``before``/``after`` by field attribute name; this module turns them into the interface language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.jobs import registry as job_registry
from giamngheo.reviews.models import Step

ACTIONS: dict[str, Promise] = {
    "accounts.password.change": gettext_lazy("Password changed"),
    "accounts.password.reset": gettext_lazy("Password reset"),
    "accounts.user.create": gettext_lazy("User account created"),
    "accounts.user.update": gettext_lazy("User account edited"),
    "demo.households.seed": gettext_lazy("Demo households generated"),
    "geo.area.urban_override": gettext_lazy("Urban or rural status of a unit changed"),
    "geo.boundaries.load": gettext_lazy("Unit boundaries loaded"),
    "geo.difficulty.add": gettext_lazy("Designation of a unit added (especially difficult, poor commune)"),
    "geo.difficulty.delete": gettext_lazy(
        "Designation of a unit removed (especially difficult, poor commune)"
    ),
    "geo.village.alias": gettext_lazy("Former village name added"),
    "geo.village.create": gettext_lazy("Village created"),
    "geo.village.update": gettext_lazy("Village edited"),
    "geo.villages.import": gettext_lazy("Villages imported"),
    "households.household.create": gettext_lazy("Household created"),
    "households.household.income": gettext_lazy("Household income changed"),
    "households.household.recognise": gettext_lazy("Household category recognised"),
    "households.household.update": gettext_lazy("Household edited"),
    "households.member.create": gettext_lazy("Member added"),
    "households.member.delete": gettext_lazy("Member removed"),
    "households.member.update": gettext_lazy("Member edited"),
    "org.staff.create": gettext_lazy("Staff member added"),
    "org.staff.update": gettext_lazy("Staff member edited"),
    "org.unit.create": gettext_lazy("Organisation unit created"),
    "org.unit.update": gettext_lazy("Organisation unit edited"),
    "outreach.activity.create": gettext_lazy("Communication activity recorded"),
    "outreach.activity.delete": gettext_lazy("Communication activity deleted"),
    "outreach.activity.update": gettext_lazy("Communication activity edited"),
    "outreach.activity_file.create": gettext_lazy("File attached to a communication activity"),
    "outreach.activity_file.delete": gettext_lazy("File of a communication activity removed"),
    "outreach.good_model.create": gettext_lazy("Good model recorded"),
    "outreach.good_model.delete": gettext_lazy("Good model deleted"),
    "outreach.good_model.update": gettext_lazy("Good model edited"),
    "outreach.good_model_file.create": gettext_lazy("Photo or file added to a good model"),
    "outreach.good_model_file.delete": gettext_lazy("Photo or file of a good model removed"),
    "outreach.replication.create": gettext_lazy("Replication of a good model recorded"),
    "outreach.replication.delete": gettext_lazy("Replication of a good model removed"),
    "plans.allocation.create": gettext_lazy("Target allocated to a unit"),
    "plans.allocation.delete": gettext_lazy("Target allocation removed"),
    "plans.allocation.update": gettext_lazy("Target allocation edited"),
    "plans.plan.create": gettext_lazy("Plan created"),
    "plans.plan.delete": gettext_lazy("Plan deleted"),
    "plans.plan.update": gettext_lazy("Plan edited"),
    "plans.priority.create": gettext_lazy("Priority area added"),
    "plans.priority.delete": gettext_lazy("Priority area removed"),
    "plans.report.create": gettext_lazy("Target value reported"),
    "plans.report.delete": gettext_lazy("Target report removed"),
    "plans.target.create": gettext_lazy("Target created"),
    "plans.target.delete": gettext_lazy("Target deleted"),
    "plans.target.update": gettext_lazy("Target edited"),
    "plans.threshold.create": gettext_lazy("Alert thresholds set"),
    "plans.threshold.update": gettext_lazy("Alert thresholds edited"),
    "policies.coverage.rebuild": gettext_lazy("Policy coverage recomputed"),
    "policies.policy.create": gettext_lazy("Policy created"),
    "policies.policy.update": gettext_lazy("Policy edited"),
    "policies.support.bulk_create": gettext_lazy("Support recorded for several recipients"),
    "policies.support.cancel": gettext_lazy("Support record cancelled"),
    "policies.support.create": gettext_lazy("Support recorded"),
    "reviews.assessment.meeting": gettext_lazy("Village meeting result recorded"),
    "reviews.assessment.request": gettext_lazy("Household added to the review list"),
    "reviews.assessment.screening": gettext_lazy("Screening recorded"),
    "reviews.assessment.survey": gettext_lazy("Survey recorded"),
    "reviews.certificates.register": gettext_lazy("Certificates registered"),
    "reviews.complaint.add": gettext_lazy("Complaint recorded"),
    "reviews.complaint.resolve": gettext_lazy("Complaint resolved"),
    "reviews.request.decide": gettext_lazy("Request decided"),
    "reviews.request.file": gettext_lazy("Request filed"),
    "reviews.round.close": gettext_lazy("Review round closed"),
    "reviews.round.open": gettext_lazy("Review round opened"),
    "reviews.round.standard": gettext_lazy("Standard of the review round changed"),
    "reviews.village_meeting.record": gettext_lazy("Village meeting recorded"),
    "reviews.village_meeting.update": gettext_lazy("Village meeting edited"),
    "training.attendance.create": gettext_lazy("Officer added to a training course"),
    "training.attendance.delete": gettext_lazy("Officer removed from a training course"),
    "training.attendance.update": gettext_lazy("Training completion recorded"),
    "training.course.create": gettext_lazy("Training course recorded"),
    "training.course.delete": gettext_lazy("Training course deleted"),
    "training.course.update": gettext_lazy("Training course edited"),
    "training.officer.create": gettext_lazy("Grassroots poverty officer added"),
    "training.officer.delete": gettext_lazy("Grassroots poverty officer deleted"),
    "training.officer.update": gettext_lazy("Grassroots poverty officer edited"),
    "vocation.course.create": gettext_lazy("Vocational course recorded"),
    "vocation.course.update": gettext_lazy("Vocational course edited"),
    "vocation.course.delete": gettext_lazy("Vocational course deleted"),
    "vocation.trainee.create": gettext_lazy("Trainee enrolled in a vocational course"),
    "vocation.trainee.outcome": gettext_lazy("Outcome of a vocational trainee recorded"),
    "vocation.trainee.delete": gettext_lazy("Trainee removed from a vocational course"),
    "vocation.session.create": gettext_lazy("Job session recorded"),
    "vocation.session.update": gettext_lazy("Job session edited"),
    "vocation.placement.create": gettext_lazy("Person placed through a job session"),
    "vocation.placement.delete": gettext_lazy("Job placement removed"),
    "fund.campaign.create": gettext_lazy("Fund campaign created"),
    "fund.campaign.update": gettext_lazy("Fund campaign edited"),
    "fund.campaign.delete": gettext_lazy("Fund campaign deleted"),
    "fund.donation.create": gettext_lazy("Donation recorded"),
    "fund.donation.import": gettext_lazy("Donations imported"),
    "fund.donation.delete": gettext_lazy("Donation deleted"),
    "fund.disbursement.create": gettext_lazy("Fund disbursement recorded"),
    "fund.disbursement.delete": gettext_lazy("Fund disbursement deleted"),
    "policies.request.create": gettext_lazy("Support request recorded"),
    "policies.request.decide": gettext_lazy("Support request decided"),
    "policies.request.withdraw": gettext_lazy("Support request withdrawn"),
}


def action_label(action: str) -> str:
    """The action in words: "households.household.update" -> "Household edited"."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    parts = action.split(".")
    if len(parts) == 3 and parts[:2] == ["reviews", "step"]:
        step = next((s for s in Step if s.name.lower() == parts[2]), None)
        if step is not None:
            return _("Review step completed: %(step)s") % {"step": step.label}
    if len(parts) == 3 and parts[0] == "jobs" and parts[2] == "create":
        return _("Background job started: %(kind)s") % {"kind": job_registry.label(parts[1])}
    return _("Other action")


def action_choices() -> list[tuple[str, str]]:
    """The actions a filter offers, by their label in Vietnamese order."""
    from giamngheo.core.text import vi_sort_key

    labelled = [(code, str(label)) for code, label in ACTIONS.items()]
    steps = [f"reviews.step.{s.name.lower()}" for s in Step]
    labelled += [(code, action_label(code)) for code in steps]
    return sorted(labelled, key=lambda item: vi_sort_key(item[1]))


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def object_label(target_type: str) -> str:
    """The kind of object in words ("households.household" -> "hộ gia đình"); empty when unknown."""
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else ""


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


_CHOICE_LABELS: dict[str, Any] | None = None


def _choice_label(value: str) -> Any | None:
    """The label of a choice value stored without its field (inside a snapshot's nested detail), when exactly
    one label of the project's models has that value; else None."""
    global _CHOICE_LABELS
    if _CHOICE_LABELS is None:
        found: dict[str, set[str]] = {}
        labels: dict[str, Any] = {}
        for model in apps.get_models():
            if not model.__module__.startswith("giamngheo."):
                continue
            for field in model._meta.get_fields():
                for key, label in getattr(field, "flatchoices", None) or ():
                    if isinstance(key, str) and key:
                        found.setdefault(key, set()).add(str(label))
                        labels[key] = label
        _CHOICE_LABELS = {k: labels[k] for k, v in found.items() if len(v) == 1}
    return _CHOICE_LABELS.get(value)


def value_text(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A stored value in words: a choice by its label, a boolean as yes/no, a date as dd/mm/yyyy."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, str) and field is not None and isinstance(field, models.DateField):
        try:
            return formats.date_format(dt.date.fromisoformat(value[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(value_text(None, v) for v in value)
    if isinstance(value, dict):  # a year is never grouped ("2026", not "2.026")
        return "; ".join(
            str(v) if isinstance(v, int) and k.endswith("year") else value_text(None, v)
            for k, v in value.items()
        )
    if field is None and isinstance(value, str) and (label := _choice_label(value)) is not None:
        return str(label)
    return str(value)


def changes(target_type: str, rows: list[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    """The changed fields of a record as (field label, before, after) in words."""
    model = _model(target_type)
    result = []
    for name, before, after in rows:
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else _("Other detail")
        result.append((label[:1].upper() + label[1:], value_text(field, before), value_text(field, after)))
    return result


# Disaster relief (issue 15)
ACTIONS.update(
    {
        "relief.incident.create": gettext_lazy("Disaster or epidemic recorded"),
        "relief.incident.update": gettext_lazy("Disaster or epidemic edited"),
        "relief.affected.create": gettext_lazy("Household affected by a disaster recorded"),
        "relief.affected.update": gettext_lazy("Damage of an affected household edited"),
        "relief.affected.delete": gettext_lazy("Affected household removed from a disaster"),
        "relief.support.create": gettext_lazy("Relief support recorded"),
        "relief.support.delete": gettext_lazy("Relief support removed"),
        "relief.follow_up.request": gettext_lazy("Affected household put on the in-year review"),
    }
)


# Initiatives (issue 16)
ACTIONS.update(
    {
        "initiatives.initiative.create": gettext_lazy("Initiative recorded"),
        "initiatives.initiative.update": gettext_lazy("Initiative edited"),
        "initiatives.initiative.delete": gettext_lazy("Initiative deleted"),
        "initiatives.initiative.submit": gettext_lazy("Initiative sent to the council"),
        "initiatives.initiative.recognise": gettext_lazy("Initiative recognised by the council"),
        "initiatives.initiative.reject": gettext_lazy("Initiative not recognised by the council"),
        "initiatives.initiative.return": gettext_lazy("Initiative returned to its unit"),
        "initiatives.file.create": gettext_lazy("Evidence of an initiative attached"),
        "initiatives.file.delete": gettext_lazy("Evidence of an initiative removed"),
        "initiatives.use.create": gettext_lazy("Initiative used as a commendation ground"),
        "initiatives.use.release": gettext_lazy("Initiative released from a withdrawn proposal"),
    }
)


# Emulation scoring (issue 16)
ACTIONS.update(
    {
        "scoring.set.create": gettext_lazy("Criteria set of the emulation created"),
        "scoring.set.update": gettext_lazy("Criteria set of the emulation edited"),
        "scoring.set.copy": gettext_lazy("Criteria set copied from a previous year"),
        "scoring.set.open": gettext_lazy("Criteria set opened for assessment"),
        "scoring.set.refresh": gettext_lazy("Computed figures of the score sheets read again"),
        "scoring.set.close": gettext_lazy("Criteria set closed"),
        "scoring.criterion.create": gettext_lazy("Scoring criterion added"),
        "scoring.criterion.update": gettext_lazy("Scoring criterion edited"),
        "scoring.criterion.delete": gettext_lazy("Scoring criterion deleted"),
        "scoring.sheet.self_save": gettext_lazy("Self-assessment of a unit saved"),
        "scoring.sheet.submit": gettext_lazy("Self-assessment sent to the council"),
        "scoring.sheet.council_save": gettext_lazy("Council's score of a unit saved"),
        "scoring.sheet.score": gettext_lazy("Score sheet marked as scored by the council"),
        "scoring.sheet.return": gettext_lazy("Self-assessment returned to the unit"),
    }
)


# Emulation movements, registrations and guidance tasks (issue 16)
ACTIONS.update(
    {
        "emulation.movement.create": gettext_lazy("Emulation movement launched"),
        "emulation.movement.update": gettext_lazy("Emulation movement edited"),
        "emulation.plan.create": gettext_lazy("Yearly plan of a movement added"),
        "emulation.plan.update": gettext_lazy("Yearly plan of a movement edited"),
        "emulation.registration.create": gettext_lazy("Emulation registration written"),
        "emulation.registration.update": gettext_lazy("Emulation registration edited"),
        "emulation.registration.line_add": gettext_lazy("Staff title added to an emulation registration"),
        "emulation.registration.line_delete": gettext_lazy(
            "Staff title removed from an emulation registration"
        ),
        "emulation.registration.send": gettext_lazy("Emulation registration sent"),
        "emulation.registration.approve": gettext_lazy("Emulation registration approved"),
        "emulation.registration.return": gettext_lazy("Emulation registration returned"),
        "emulation.task.create": gettext_lazy("Guidance task assigned"),
        "emulation.task.update": gettext_lazy("Guidance task edited"),
        "emulation.task.issue": gettext_lazy("Guidance document recorded as issued"),
        "emulation.task.cancel": gettext_lazy("Guidance task cancelled"),
    }
)


# Periodic reports from units (issue 16)
ACTIONS.update(
    {
        "unitreports.template.create": gettext_lazy("Report template created"),
        "unitreports.template.update": gettext_lazy("Report template edited"),
        "unitreports.field.add": gettext_lazy("Field added to a report template"),
        "unitreports.field.update": gettext_lazy("Field of a report template edited"),
        "unitreports.field.delete": gettext_lazy("Field removed from a report template"),
        "unitreports.request.create": gettext_lazy("Periodic report requested from the units"),
        "unitreports.request.update": gettext_lazy("Request for a periodic report edited"),
        "unitreports.exception.grant": gettext_lazy("Entry of a periodic report extended for a unit"),
        "unitreports.report.save": gettext_lazy("Unit's periodic report saved"),
        "unitreports.report.submit": gettext_lazy("Unit's periodic report submitted"),
        "unitreports.report.office_approve": gettext_lazy("Unit's periodic report approved by the office"),
        "unitreports.report.return": gettext_lazy("Unit's periodic report returned with comments"),
        "unitreports.report.withdraw": gettext_lazy("Office's approval of a unit's report withdrawn"),
        "unitreports.report.reopen": gettext_lazy("Unit's periodic report reopened"),
        "unitreports.report.leader_approve": gettext_lazy("Unit's periodic report approved by the leader"),
    }
)


# The department's official documents (issue 16 §8)
ACTIONS.update(
    {
        "officedocs.document.create": gettext_lazy("Department document drafted"),
        "officedocs.document.update": gettext_lazy("Department document edited"),
        "officedocs.document.redraft": gettext_lazy(
            "Department document's narrative written again from the data"
        ),
        "officedocs.document.issue": gettext_lazy("Department document issued"),
        "officedocs.document.reopen": gettext_lazy("Department document reopened"),
        "officedocs.document.delete": gettext_lazy("Department document draft deleted"),
    }
)


# Commendation (issue 16)
ACTIONS.update(
    {
        "commendation.title.version": gettext_lazy("New version of a title or form of commendation"),
        "commendation.base_salary.create": gettext_lazy("Base salary recorded"),
        "commendation.rating.set": gettext_lazy("Quality rating of a staff member entered"),
        "commendation.rating.delete": gettext_lazy("Quality rating of a staff member cleared"),
        "commendation.proposal.create": gettext_lazy("Commendation proposal drafted"),
        "commendation.proposal.update": gettext_lazy("Commendation proposal edited"),
        "commendation.proposal.delete": gettext_lazy("Draft commendation proposal deleted"),
        "commendation.proposal.file_add": gettext_lazy("Evidence added to a commendation proposal"),
        "commendation.proposal.file_delete": gettext_lazy("Evidence removed from a commendation proposal"),
        "commendation.proposal.submit": gettext_lazy("Commendation proposal sent to the council"),
        "commendation.proposal.return": gettext_lazy("Commendation proposal returned to its unit"),
        "commendation.proposal.vote": gettext_lazy("Council's vote on a commendation proposal"),
        "commendation.proposal.decide": gettext_lazy("Commendation proposal decided"),
        "commendation.meeting.create": gettext_lazy("Council meeting recorded"),
        "commendation.decision.create": gettext_lazy("Commendation decision recorded"),
        "commendation.fund.income": gettext_lazy("Money into the award fund recorded"),
        "commendation.fund.payment": gettext_lazy("Bonus paid from the award fund"),
    }
)


# The law's catalogue of titles loaded again (issue 16)
ACTIONS.update({"commendation.catalogue.load": gettext_lazy("Titles and base salaries of the law loaded")})


# Two-factor sign-in and one-time password links (issue 17 §7)
ACTIONS.update(
    {
        "accounts.otp.enrol": gettext_lazy("Two-factor sign-in set up"),
        "accounts.otp.backup_codes": gettext_lazy("New backup codes made"),
        "accounts.otp.reset": gettext_lazy("Two-factor sign-in reset by the administrator"),
        "accounts.password.link": gettext_lazy("One-time password link made"),
        "accounts.password.set_with_link": gettext_lazy("Password set with a one-time link"),
    }
)


# Outgoing notifications (webhooks), issue 17 (helper "hooks")
ACTIONS.update(
    {
        "webhooks.subscription.create": gettext_lazy("Webhook subscription registered"),
        "webhooks.subscription.update": gettext_lazy("Webhook subscription changed"),
        "webhooks.subscription.pause": gettext_lazy("Webhook subscription paused"),
        "webhooks.subscription.resume": gettext_lazy("Webhook subscription resumed"),
        "webhooks.subscription.secret": gettext_lazy("Webhook subscription given a new secret"),
        "webhooks.delivery.resend": gettext_lazy("Webhook event sent again by hand"),
    }
)


# ODK Central pull (issue 17)
ACTIONS.update(
    {
        "odk.connection.create": gettext_lazy("ODK Central connection created"),
        "odk.connection.update": gettext_lazy("ODK Central connection edited"),
        "odk.connection.delete": gettext_lazy("ODK Central connection deleted"),
        "odk.pull.start": gettext_lazy("Pull from ODK Central started"),
        "odk.pull.stage": gettext_lazy("Submissions pulled from ODK Central handed to a household import"),
    }
)


# The REST API (issue 17, helper "api")
ACTIONS.update(
    {
        "api.token.create": gettext_lazy("API token created"),
        "api.token.revoke": gettext_lazy("API token revoked"),
        "households.household.delete": gettext_lazy("Household deleted"),
    }
)
