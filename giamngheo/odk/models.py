"""ODK Central connections, their pulls and the submissions already pulled (decision 00NN-odk-central-pull).

A connection names a form on an ODK Central server and the commune its submissions belong to. Its password
is kept encrypted (``credentials.seal``), or read from an environment variable at pull time. Each pull is a
background job; the submissions it brought are remembered by their instance ID, so that none comes twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.core.models import BaseModel


class Connection(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    commune = models.ForeignKey(
        "geo.Area", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    base_url = models.URLField(_("ODK Central address"), max_length=300)
    project_id = models.PositiveIntegerField(_("project number"))
    form_id = models.CharField(_("form ID"), max_length=255)
    email = models.EmailField(_("account e-mail"), max_length=254)
    # Fernet token of the password (``credentials.seal``); never shown, never audited, never logged.
    password_sealed = models.TextField(blank=True, default="", editable=False)
    password_env = models.CharField(
        _("environment variable holding the password"), max_length=100, blank=True
    )
    # The high-water mark: the newest submission date pulled so far (None: nothing pulled yet).
    last_submission_at = models.DateTimeField(_("newest submission pulled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("ODK Central connection")
        verbose_name_plural = _("ODK Central connections")

    def __str__(self) -> str:
        return self.name

    @property
    def has_password(self) -> bool:
        return bool(self.password_sealed or self.password_env)


class Pull(BaseModel):
    """One pull of a connection: its job (progress, status, error) and, once it succeeded, the staged
    import it handed the submissions to."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="pulls")
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    import_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submissions = models.PositiveIntegerField(_("submissions"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    since = models.DateTimeField(_("submitted after"), null=True, blank=True)
    until = models.DateTimeField(_("newest submission"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ODK Central pull")
        verbose_name_plural = _("ODK Central pulls")

    def __str__(self) -> str:
        return f"{self.connection_id}:{self.pk}"


class Submission(models.Model):
    """A submission already pulled (by its instance ID): never pulled again."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="submissions")
    pull = models.ForeignKey(Pull, on_delete=models.CASCADE, related_name="pulled")
    instance_id = models.CharField(max_length=255)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "instance_id"], name="odk_submission_once")
        ]

    def __str__(self) -> str:
        return self.instance_id
