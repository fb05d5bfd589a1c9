"""Initiatives (sáng kiến): submitted by staff with their co-authors' shares, evaluated by the council and
recognised by a decision. An initiative serves as the ground of at most one commendation (``InitiativeUse``,
one row per initiative, enforced by the database)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import AttachmentPath
from giamngheo.core.models import BaseModel

from .choices import Field, InitiativeStatus, Level

__all__ = [
    "Field",
    "Initiative",
    "InitiativeAuthor",
    "InitiativeFile",
    "InitiativeStatus",
    "InitiativeUse",
    "Level",
]


class Initiative(BaseModel):
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="initiatives"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    problem = models.TextField(_("the problem"), blank=True)
    solution = models.TextField(_("the solution"))
    benefit = models.TextField(_("the benefit"), blank=True)
    applied_on = models.DateField(_("first applied on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    evaluation = models.TextField(_("the council's evaluation"), blank=True)
    level = models.CharField(_("recognised at"), max_length=12, choices=Level.choices, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("decision issued by"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=InitiativeStatus.RECOGNISED)
                | (Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="initiatives_recognised_by_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InitiativeAuthor(BaseModel):
    """An author and their share of the contribution (the shares of an initiative add up to 100 %)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="authors")
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    share = models.DecimalField(_("contribution (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-share", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "staff"], name="initiatives_author_once"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=100), name="initiatives_share_range"),
        ]

    def __str__(self) -> str:
        return self.name


class InitiativeFile(BaseModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=AttachmentPath("initiatives"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class InitiativeUse(BaseModel):
    """The one commendation an initiative was used as a ground for (what used it is named, not linked, so
    this app stays below the commendation app)."""

    initiative = models.OneToOneField(Initiative, on_delete=models.PROTECT, related_name="use")
    used_for = models.CharField(_("used for"), max_length=255)
    user_kind = models.CharField(max_length=40)  # e.g. "commendation.proposal"
    user_id = models.PositiveBigIntegerField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("use as a commendation ground")
        verbose_name_plural = _("uses as a commendation ground")
        constraints = [
            models.UniqueConstraint(fields=["user_kind", "user_id", "initiative"], name="initiatives_use_key")
        ]

    def __str__(self) -> str:
        return self.used_for
