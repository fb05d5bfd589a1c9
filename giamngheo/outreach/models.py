"""Communication activities (hoạt động truyền thông) and the catalogue of good models and practices of
poverty reduction (mô hình hay, cách làm hiệu quả), with their attachments (issue 15, item 5)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import IMAGES, AttachmentPath
from giamngheo.core.models import BaseModel


class ActivityKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference or meeting")
    TRAINING = "training", _("Training")
    BROADCAST = "broadcast", _("Radio or television")
    PRESS = "press", _("Press")
    LEAFLETS = "leaflets", _("Leaflets, posters")
    SOCIAL = "social", _("Social media")
    DIALOGUE = "dialogue", _("Dialogue")
    OTHER = "other", _("Other")


class Funding(models.TextChoices):
    PROJECT_6 = "project_6", _("Project 6 “Communication and information poverty reduction”")
    LOCAL = "local", _("Local budget")
    OTHER = "other", _("Other source")


class ModelField(models.TextChoices):
    PRODUCTION = "production", _("Production")
    LIVELIHOOD = "livelihood", _("Livelihood")
    CREDIT = "credit", _("Credit")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Other")


ATTACHMENT_KINDS = ("jpg", "jpeg", "png", "webp", "pdf")
PHOTO_KINDS = IMAGES


class Activity(BaseModel):
    """A communication activity of the province or of a commune."""

    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    area = models.ForeignKey("geo.Area", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    organiser_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("organising unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    topic = models.CharField(_("topic"), max_length=255)
    audience = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=16, choices=Funding.choices)
    cost = models.PositiveBigIntegerField(_("cost (đồng)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")
        indexes = [models.Index(fields=["date"], name="outreach_activity_date")]

    def __str__(self) -> str:
        return self.topic

    @property
    def organiser_name(self) -> str:
        if self.organiser_unit_id and self.organiser_unit is not None:
            return self.organiser_unit.name
        return self.organiser

    @property
    def quarter(self) -> int:
        return (self.date.month - 1) // 3 + 1


class ActivityFile(BaseModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=AttachmentPath("outreach"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment of an activity")
        verbose_name_plural = _("attachments of activities")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.file.name or "").suffix.lower().lstrip(".") in IMAGES


class GoodModel(BaseModel):
    """A good model or practice of poverty reduction, in a commune (a village optionally)."""

    title = models.CharField(_("title"), max_length=255)
    field = models.CharField(_("field"), max_length=16, choices=ModelField.choices)
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "geo.Area",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    description = models.TextField(_("description"))
    results = models.TextField(_("results"), blank=True)
    households_joined = models.PositiveIntegerField(_("households taking part"), null=True, blank=True)
    households_escaped = models.PositiveIntegerField(_("households escaping poverty"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("good model")
        verbose_name_plural = _("good models")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="outreach_goodmodel_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GoodModelFile(BaseModel):
    good_model = models.ForeignKey(GoodModel, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=AttachmentPath("outreach"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo or attachment of a good model")
        verbose_name_plural = _("photos and attachments of good models")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.file.name or "").suffix.lower().lstrip(".") in IMAGES


class Replication(BaseModel):
    """A commune that replicated a good model, and when."""

    good_model = models.ForeignKey(GoodModel, on_delete=models.CASCADE, related_name="replications")
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("replication of a good model")
        verbose_name_plural = _("replications of good models")

    def __str__(self) -> str:
        return f"{self.good_model_id}/{self.commune_id}/{self.year}"
