"""Review rounds (rà soát định kỳ), the steps of Decision 24/2021 per commune, assessments per household,
complaints, regular (in-year) requests, and the summary tables that dashboards and official tables read.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel
from giamngheo.households.reference import Category


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReviewRound(BaseModel):
    province = models.ForeignKey(
        "geo.Area", verbose_name=_("province"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # The standard the round classifies by: the one in force on 1 January of the year the lists apply
    # (``year + 1``); a specialist may change it, with a reason, before the survey starts.
    standard_year = models.PositiveSmallIntegerField(_("lists apply from the year"), null=True, blank=True)
    standard_code = models.CharField(_("poverty standard applied"), max_length=32, blank=True)
    standard_reason = models.TextField(_("reason for the standard"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="reviews_one_round_per_year")
        ]

    def __str__(self) -> str:
        return str(_("Review %(year)s") % {"year": self.year})

    @staticmethod
    def default_window(year: int) -> tuple[dt.date, dt.date]:
        """1 September – 14 December (Decision 24/2021/QĐ-TTg)."""
        return dt.date(year, 9, 1), dt.date(year, 12, 14)


class Step(models.IntegerChoices):
    """The steps of the periodic review in a commune, in order (Decision 24/2021, two-tier government)."""

    NOT_STARTED = 0, _("Not started")
    LISTING = 1, _("List of households to review")
    SURVEY = 2, _("Survey")
    MEETING = 3, _("Village meeting")
    POSTING = 4, _("Public posting")
    RECOGNITION = 5, _("Recognition by the commune chairperson")
    CERTIFICATES = 6, _("Certificates issued")
    SUBMITTED = 7, _("Submitted to the province")


class CommuneReview(BaseModel):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="commune_reviews")
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="commune_reviews")
    step = models.PositiveSmallIntegerField(
        _("step completed"), choices=Step.choices, default=Step.NOT_STARTED
    )
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    posting_from = models.DateField(_("posted from"), null=True, blank=True)
    posting_to = models.DateField(_("posted until"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    # When the commune's figures and lists were frozen (at submission, again at the round's close);
    # None while they follow the registry.
    frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["round", "commune__name"]
        verbose_name = _("commune review")
        verbose_name_plural = _("commune reviews")
        constraints = [models.UniqueConstraint(fields=["round", "commune"], name="reviews_one_per_commune")]

    def __str__(self) -> str:
        return f"{self.round} · {self.commune}"

    @property
    def next_step(self) -> int | None:
        return self.step + 1 if self.step < Step.SUBMITTED else None


class VillageMeeting(BaseModel):
    """The meeting of one village (hội nghị thôn) that votes on its households' review results
    (Decision 24/2021): two copies of the minutes, one for the village, one for the commune."""

    commune_review = models.ForeignKey(CommuneReview, on_delete=models.CASCADE, related_name="meetings")
    village = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    chair = models.CharField(_("chaired by"), max_length=150)
    secretary = models.CharField(_("secretary"), max_length=150, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["village__code", "village__name"]
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["commune_review", "village"], name="reviews_one_meeting_per_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_review} · {self.village}"


class StepEvent(BaseModel):
    """Who completed (or reopened) which step of a commune review, when, with the step's data."""

    commune_review = models.ForeignKey(CommuneReview, on_delete=models.CASCADE, related_name="events")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    action = models.CharField(max_length=16)  # "complete" | "reopen"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Source(models.TextChoices):
    CURRENT_LIST = "current_list", _("On the current poor / near-poor list")
    REQUEST = "request", _("Filed a request (form 01)")


class AssessmentStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    SCREENED_OUT = "screened_out", _("Screened out by form A")
    SURVEYED = "surveyed", _("Surveyed")
    AGREED = "agreed", _("Agreed by the village meeting")
    RECOGNISED = "recognised", _("Recognised")


class Movement(models.TextChoices):
    ESCAPED_POVERTY = "escaped_poverty", _("Escaped poverty")
    POOR_TO_NEAR_POOR = "poor_to_near_poor", _("Escaped poverty, became near-poor")
    ESCAPED_ABOVE_NEAR_POOR = "escaped_above_near_poor", _("Escaped poverty, above the near-poor line")
    RE_NEAR_POOR = "re_near_poor", _("Fallen back into near-poverty")
    OTHER_OUT = "other_out", _("Other decrease")
    OTHER_IN = "other_in", _("Other increase")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    NEWLY_POOR = "newly_poor", _("Newly poor")
    RE_POOR = "re_poor", _("Fallen back into poverty")
    NEAR_POOR_TO_POOR = "near_poor_to_poor", _("Near-poor became poor")
    NEWLY_NEAR_POOR = "newly_near_poor", _("Newly near-poor")
    STILL_POOR = "still_poor", _("Still poor")
    STILL_NEAR_POOR = "still_near_poor", _("Still near-poor")
    NONE = "none", _("No change")


class Assessment(BaseModel):
    """One household in one review round: the facts surveyed, the engine's results, the meeting's decision."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assessments")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="assessments"
    )
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.LISTED
    )
    category_before = models.CharField(
        _("category at the start"), max_length=16, choices=Category.choices, blank=True
    )
    screening_passed = models.BooleanField(_("form A: eligible for form B"), null=True, blank=True)
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facts = models.JSONField(_("facts surveyed"), default=dict, blank=True)
    income_per_capita = models.PositiveBigIntegerField(
        _("income per person per month"), null=True, blank=True
    )
    standard = models.CharField(_("standard"), max_length=32, blank=True)
    proposed_category = models.CharField(
        _("category by the standard"), max_length=16, choices=Category.choices, blank=True
    )
    deprivation_count = models.PositiveSmallIntegerField(null=True, blank=True)
    deprived = models.JSONField(default=list, blank=True)
    # Indicators the engine could not evaluate (facts not known): never deprived, never not deprived.
    unknown = models.JSONField(default=list, blank=True, db_default=[])
    reasons = models.JSONField(default=list, blank=True)  # Vietnamese reasons from the engine
    reasons_en = models.JSONField(default=list, blank=True)
    provincial_standard = models.CharField(max_length=32, blank=True)
    provincial_category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    meeting_votes_for = models.PositiveIntegerField(_("votes in favour"), null=True, blank=True)
    meeting_attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    decided_category = models.CharField(
        _("category decided"), max_length=16, choices=Category.choices, blank=True
    )
    decision_reason = models.TextField(_("reason (when different from the standard)"), blank=True)
    movement = models.CharField(_("movement"), max_length=24, choices=Movement.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["household__village__code", "household__code"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="reviews_one_assessment")]
        indexes = [models.Index(fields=["round", "commune", "status"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.household}"

    @property
    def agreement_pct(self) -> float | None:
        if not self.meeting_attendance or self.meeting_votes_for is None:
            return None
        return 100 * self.meeting_votes_for / self.meeting_attendance


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Complaint(BaseModel):
    commune_review = models.ForeignKey(CommuneReview, on_delete=models.CASCADE, related_name="complaints")
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)

    class Meta:
        ordering = ["-received_on", "pk"]


class RequestKind(models.TextChoices):
    BECOME_POOR = "become_poor", _("Recognition as a poor household")
    BECOME_NEAR_POOR = "become_near_poor", _("Recognition as a near-poor household")
    ESCAPE = "escape", _("Recognition as escaped (form 04)")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RegularRequest(BaseModel):
    """A household's request during the year; the commune decides within 15 days."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="requests")
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    filed_on = models.DateField(_("filed on"))
    due_on = models.DateField(_("decision due by"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)

    DAYS_TO_DECIDE = 15

    class Meta:
        ordering = ["status", "due_on"]
        verbose_name = _("regular review request")
        verbose_name_plural = _("regular review requests")


class AreaSummary(models.Model):
    """Pre-aggregated counts per review round and area (communes, and the province as a whole),
    refreshed when assessments or the registry change. Tables and dashboards read only these."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="summaries")
    area = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+")
    is_urban = models.BooleanField(default=False)
    households = models.PositiveIntegerField(default=0)
    em_households = models.PositiveIntegerField(default=0)
    start_poor = models.PositiveIntegerField(default=0)
    start_near_poor = models.PositiveIntegerField(default=0)
    escaped_poverty = models.PositiveIntegerField(default=0)
    escaped_near_poverty = models.PositiveIntegerField(default=0)
    newly_poor = models.PositiveIntegerField(default=0)
    re_poor = models.PositiveIntegerField(default=0)
    near_poor_to_poor = models.PositiveIntegerField(default=0)
    newly_near_poor = models.PositiveIntegerField(default=0)
    end_poor = models.PositiveIntegerField(default=0)
    end_near_poor = models.PositiveIntegerField(default=0)
    end_poor_em = models.PositiveIntegerField(default=0)
    end_near_poor_em = models.PositiveIntegerField(default=0)
    end_poor_no_work_capacity = models.PositiveIntegerField(default=0)
    # Every other count of the official tables (persons, the Circular 07 movements, middle-living,
    # deprivations, ethnic groups, causes), key -> whole number; ``reviews.figures`` names the keys.
    figures = models.JSONField(default=dict, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "area"], name="reviews_one_summary")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.area_id}"


class RoundHousehold(models.Model):
    """A household as a frozen round saw it: the lists of a closed round are these rows, and the round's
    figures are their counts. Written when a commune's figures are frozen; never changed afterwards
    (a reopened commune's rows are replaced when it is frozen again)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="frozen_households")
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("geo.Area", null=True, on_delete=models.SET_NULL, related_name="+")
    household = models.ForeignKey(
        "households.Household", null=True, on_delete=models.SET_NULL, related_name="frozen_rounds"
    )
    code = models.CharField(max_length=32)
    head_name = models.CharField(max_length=150)
    village_name = models.CharField(max_length=255, blank=True)
    ethnic_group = models.CharField(max_length=2, blank=True)
    is_ethnic_minority = models.BooleanField(default=False)
    no_working_capacity = models.BooleanField(default=False)
    has_meritorious_member = models.BooleanField(null=True)
    persons = models.PositiveIntegerField(default=0)
    start_category = models.CharField(max_length=16, blank=True)
    end_category = models.CharField(max_length=16, blank=True)  # "" when no longer in the registry
    poor_movement = models.CharField(max_length=24, blank=True)  # Circular 07 column on the poor side
    near_poor_movement = models.CharField(max_length=24, blank=True)  # … on the near-poor side
    deprived = models.CharField(max_length=255, blank=True)  # "|key|key|"
    unknown = models.CharField(max_length=255, blank=True)
    causes = models.JSONField(default=list, blank=True)
    category_since = models.DateField(null=True)
    decision_number = models.CharField(max_length=60, blank=True)
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ["commune", "village_name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "commune", "code"], name="reviews_one_frozen_household")
        ]
        indexes = [
            models.Index(fields=["round", "commune", "end_category"]),
            models.Index(fields=["round", "poor_movement"]),
            models.Index(fields=["round", "near_poor_movement"]),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.code}"


class Certificate(models.Model):
    """The registered number of a household's certificate in a round: given once, in order, per commune;
    it never changes when the list changes."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="certificates")
    commune = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    category = models.CharField(max_length=16)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "commune", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="reviews_one_certificate"),
            models.UniqueConstraint(fields=["round", "commune", "number"], name="reviews_certificate_number"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.number}"
