from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Scope (what they may see) = ``scope_areas`` and ``scope_org_units``,
    each including everything below it; the meaning is implemented only in ``accounts.scoping``."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.VIEWER, db_index=True
    )
    scope_areas = models.ManyToManyField(
        "geo.Area",
        verbose_name=_("areas in scope"),
        blank=True,
        related_name="scoped_users",
        help_text=_("The user sees these units and everything below them."),
    )
    scope_org_units = models.ManyToManyField(
        "org.OrgUnit",
        verbose_name=_("org units in scope"),
        blank=True,
        related_name="scoped_users",
        help_text=_("The user sees these organisational units and everything below them."),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_system_admin(self) -> bool:
        return bool(self.is_superuser or self.role == Role.SYSTEM_ADMIN)
