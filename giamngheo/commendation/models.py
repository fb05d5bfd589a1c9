"""Emulation titles and forms of commendation (versioned data with their legal source), the base salary in
force, proposals checked against the title's criteria, the council's vote, decisions, the awards they give
(the register of titles and commendations per person, collective and household) and the award fund's ledger.

Facts: shared/domain/emulation.md, legal-facts.md §5 (Law 06/2022/QH15, Decree 152/2025/NĐ-CP).
Money is integer đồng; a bonus is ``multiple × base salary in force on the decision date``, rounded to the
đồng, frozen on the award.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel

from .choices import Beneficiary, LedgerKind, ProposalStatus, Rating, TitleKind

__all__ = [
    "Award",
    "BaseSalary",
    "Beneficiary",
    "CouncilMeeting",
    "Decision",
    "LedgerEntry",
    "LedgerKind",
    "Proposal",
    "ProposalFile",
    "ProposalStatus",
    "Rating",
    "StaffRating",
    "Title",
    "TitleKind",
    "Vote",
]


class Title(BaseModel):
    """One version of an emulation title or a form of commendation: its criteria and bonus multiple as a
    legal document set them, valid from a date (a new document adds a version; the old one gets
    ``valid_to``)."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TitleKind.choices)
    beneficiary = models.CharField(_("awarded to"), max_length=12, choices=Beneficiary.choices)
    issuer = models.CharField(_("awarded by"), max_length=200, blank=True)
    multiple = models.DecimalField(
        _("bonus (multiple of the base salary)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # The conditions a proposal is checked against (commendation/criteria.py: pure, keys and parameters).
    criteria = models.JSONField(_("criteria"), default=list, blank=True)
    criteria_text = models.TextField(_("criteria (as written)"), blank=True)
    vote_share = models.PositiveSmallIntegerField(
        _("share of all council members who must agree (%)"), null=True, blank=True
    )
    legal_source = models.CharField(_("legal source"), max_length=255)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "code", "-valid_from"]
        verbose_name = _("title or form of commendation")
        verbose_name_plural = _("titles and forms of commendation")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="commendation_title_version"),
        ]

    def __str__(self) -> str:
        return self.name


class BaseSalary(BaseModel):
    amount = models.BigIntegerField(_("base salary (đồng)"))
    valid_from = models.DateField(_("valid from"), unique=True)
    legal_source = models.CharField(_("legal source"), max_length=255)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commendation_base_salary_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.valid_from})"


class StaffRating(BaseModel):
    """A staff member's yearly quality rating (xếp loại chất lượng, done before 15 December): the titles'
    criteria read it. A staff member with no rating for the year is unknown, never "completed"."""

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("quality rating"), max_length=16, choices=Rating.choices)
    disciplined = models.BooleanField(_("disciplined (warning or more) in the year"), default=False)

    class Meta:
        ordering = ["-year", "staff_id"]
        verbose_name = _("quality rating")
        verbose_name_plural = _("quality ratings")
        constraints = [
            models.UniqueConstraint(fields=["staff", "year"], name="commendation_one_rating_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.year}: {self.rating}"


class Proposal(BaseModel):
    """A nominee proposed for a title or form in a year, by a unit of the department."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.ForeignKey(
        Title, verbose_name=_("title or form"), on_delete=models.PROTECT, related_name="+"
    )
    proposing_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("proposing unit"), on_delete=models.PROTECT, related_name="+"
    )
    nominee_kind = models.CharField(_("nominee"), max_length=12, choices=Beneficiary.choices)
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    achievements = models.TextField(_("achievements"), blank=True)
    rating = models.CharField(
        _("quality rating of the year"), max_length=16, choices=Rating.choices, blank=True
    )
    # A recognised initiative given as the ground (taken with ``initiatives.InitiativeUse`` on sending, which
    # protects it; an initiative deleted outside the app leaves the proposal without a ground).
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative given as the ground"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_reason = models.TextField(_("reason for sending despite unmet criteria"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    checks = models.JSONField(_("checks against the criteria"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("commendation proposal")
        verbose_name_plural = _("commendation proposals")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        nominee_kind=Beneficiary.INDIVIDUAL,
                        staff__isnull=False,
                        org_unit__isnull=True,
                        household__isnull=True,
                    )
                    | Q(
                        nominee_kind=Beneficiary.COLLECTIVE,
                        staff__isnull=True,
                        org_unit__isnull=False,
                        household__isnull=True,
                    )
                    | Q(
                        nominee_kind=Beneficiary.HOUSEHOLD,
                        staff__isnull=True,
                        org_unit__isnull=True,
                        household__isnull=False,
                    )
                ),
                name="commendation_proposal_one_nominee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"


class ProposalFile(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="commendation/evidence/%Y/", max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class CouncilMeeting(BaseModel):
    """A meeting of the department's Emulation and Commendation Council that considers proposals."""

    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    members_total = models.PositiveSmallIntegerField(_("members of the council"))
    members_present = models.PositiveSmallIntegerField(_("members present"))
    chair = models.CharField(_("chair"), max_length=150)
    secretary = models.CharField(_("secretary"), max_length=150)
    note = models.TextField(_("proceedings"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("members_total")),
                name="commendation_meeting_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on}"


class Vote(BaseModel):
    """The council's vote on one proposal (members who agree, counting written opinions of absent members)."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    agree = models.PositiveSmallIntegerField(_("agree"))
    disagree = models.PositiveSmallIntegerField(_("disagree"), default=0)
    approved = models.BooleanField(_("approved"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["meeting", "proposal"], name="commendation_one_vote")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.agree}"


class Decision(BaseModel):
    number = models.CharField(_("number and symbol"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    issuer = models.CharField(_("issued by"), max_length=200)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(_("year of the achievements"))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")
        constraints = [
            models.UniqueConstraint(fields=["number", "signed_on"], name="commendation_decision_number")
        ]

    def __str__(self) -> str:
        return self.number


class Award(BaseModel):
    """A title or form given by a decision: the register. The recipient's name, the multiple, the base salary
    and the amount are frozen at the decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="awards")
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title or form"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    recipient_kind = models.CharField(_("awarded to"), max_length=12, choices=Beneficiary.choices)
    staff = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(_("recipient"), max_length=255)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
    multiple = models.DecimalField(_("multiple"), max_digits=5, decimal_places=2, null=True, blank=True)
    base_salary = models.BigIntegerField(_("base salary (đồng)"), null=True, blank=True)
    amount = models.BigIntegerField(_("bonus (đồng)"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.recipient_name}: {self.title}"


class LedgerEntry(BaseModel):
    """The award fund (quỹ thi đua, khen thưởng): money in, and the bonuses paid out (never beyond the
    balance)."""

    entry_date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=LedgerKind.choices)
    amount = models.BigIntegerField(_("amount (đồng)"))
    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    description = models.CharField(_("description"), max_length=255)
    document = models.CharField(_("voucher or document"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["entry_date", "pk"]
        verbose_name = _("award fund entry")
        verbose_name_plural = _("award fund entries")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="commendation_ledger_positive")]

    def __str__(self) -> str:
        return f"{self.entry_date} {self.kind} {self.amount}"
