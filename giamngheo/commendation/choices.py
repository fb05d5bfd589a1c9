from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TitleKind(models.TextChoices):
    EMULATION_TITLE = "emulation_title", _("Emulation title")
    COMMENDATION_FORM = "commendation_form", _("Form of commendation")


class Beneficiary(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")
    HOUSEHOLD = "household", _("Household")


class Rating(models.TextChoices):
    """The yearly quality rating of a civil servant or a collective (Decree 90/2020 Art. 20)."""

    EXCELLENT = "excellent", _("Completed tasks excellently")
    GOOD = "good", _("Completed tasks well")
    COMPLETED = "completed", _("Completed tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete tasks")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Sent to the council")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved by the council")
    REJECTED = "rejected", _("Not approved by the council")
    DECIDED = "decided", _("Decided")


class LedgerKind(models.TextChoices):
    INCOME = "income", _("Income")
    PAYMENT = "payment", _("Payment")
