"""What every page's shell needs: the app name, the department name (data), and the modules menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.org.selectors import department_for


@dataclass(frozen=True)
class Module:
    label: Any
    url_name: str
    icon: str
    prefix: str
    capability: str | None = None


MODULES = [
    Module(_("Overview"), "web:home", "house-door", "/$"),
    Module(_("Dashboard"), "dashboard:index", "speedometer2", "/dashboard/", Capability.VIEW_TABLES),
    Module(_("Plans and targets"), "plans:plan-list", "bullseye", "/plans/", Capability.VIEW_TABLES),
    Module(_("Administrative units"), "geo:commune-list", "geo-alt", "/geo/"),
    Module(_("Households"), "households:household-list", "house", "/households/", Capability.VIEW_HOUSEHOLDS),
    Module(_("Review"), "reviews:round-list", "clipboard-check", "/reviews/", Capability.VIEW_TABLES),
    Module(_("Official tables"), "tables:index", "table", "/tables/", Capability.VIEW_TABLES),
    Module(_("Policies"), "policies:policy-list", "shield-check", "/policies/"),
    Module(_("Poverty standards"), "standards:standard-list", "rulers", "/standards/"),
    Module(_("Organisation"), "org:unit-list", "diagram-3", "/org/", Capability.VIEW_ORG),
    Module(_("Users"), "web:user-list", "person-gear", "/users/", Capability.MANAGE_USERS),
    Module(_("Audit trail"), "web:audit-list", "journal-text", "/audit/", Capability.VIEW_AUDIT),
    Module(_("Download log"), "web:export-log", "download", "/audit/exports/", Capability.VIEW_AUDIT),
    Module(
        _("Failed sign-ins"),
        "web:signin-failures",
        "shield-lock",
        "/audit/signin-failures/",
        Capability.VIEW_AUDIT,
    ),
    Module(_("Background jobs"), "jobs:job-list", "hourglass-split", "/jobs/"),
    Module(_("Weekly digest"), "notices:digest", "calendar-week", "/notices/digest/", Capability.VIEW_TABLES),
]


def _under(path: str, prefix: str) -> bool:
    """Whether ``path`` belongs to the module of ``prefix`` (not to a module of a longer prefix)."""
    longer = (m.prefix for m in MODULES if len(m.prefix) > len(prefix) and m.prefix.startswith(prefix))
    return path.startswith(prefix) and not any(path.startswith(other) for other in longer)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    modules = []
    if user is not None and user.is_authenticated:
        for m in MODULES:
            if m.capability is None or can(user, m.capability):
                active = request.path == "/" if m.prefix == "/$" else _under(request.path, m.prefix)
                modules.append(
                    {"label": m.label, "url": reverse(m.url_name), "icon": m.icon, "active": active}
                )
    department = department_for(user=user) if user is not None else None
    return {
        "shell": {
            "app_name": _("Sustainable poverty reduction"),
            "department_name": department.name if department else "",
            "modules": modules,
            # Files with names and ID numbers (exports, named lists, certificates, minutes).
            "can_download": bool(
                user is not None and user.is_authenticated and can(user, Capability.DOWNLOAD_PERSONAL_DATA)
            ),
        }
    }
