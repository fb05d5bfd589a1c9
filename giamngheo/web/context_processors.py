"""What every page's shell needs: the app name, the department name (data), and the modules menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_paths, can
from giamngheo.org.selectors import department_for


@dataclass(frozen=True)
class Module:
    label: Any
    url_name: str
    icon: str
    prefix: str
    capability: str | tuple[str, ...] | None = None  # any of these
    needs_area: bool = False  # shown only to a user with administrative units in scope


FUND_CAPABILITIES = (Capability.MANAGE_FUND, Capability.RECORD_DONATIONS, Capability.VIEW_ORG)
MODULES = [
    Module(_("Overview"), "web:home", "house-door", "/$"),
    Module(_("Dashboard"), "dashboard:index", "speedometer2", "/dashboard/", Capability.VIEW_TABLES, True),
    Module(
        _("Plans and targets"),
        "plans:plan-list",
        "bullseye",
        "/plans/",
        (Capability.VIEW_TABLES, Capability.MANAGE_PLANS, Capability.REPORT_TARGETS),
    ),
    Module(_("Administrative units"), "geo:commune-list", "geo-alt", "/geo/", None, True),
    Module(
        _("Households"),
        "households:household-list",
        "house",
        "/households/",
        Capability.VIEW_HOUSEHOLDS,
        needs_area=True,
    ),
    Module(_("Review"), "reviews:round-list", "clipboard-check", "/reviews/", Capability.VIEW_TABLES, True),
    Module(_("Official tables"), "tables:index", "table", "/tables/", Capability.VIEW_TABLES, True),
    Module(_("Communication, good models"), "outreach:model-list", "megaphone", "/outreach/"),
    Module(_("Policies"), "policies:policy-list", "shield-check", "/policies/"),
    Module(
        _("Disaster support"),
        "relief:incident-list",
        "cloud-lightning-rain",
        "/relief/",
        Capability.MANAGE_RELIEF,
        True,
    ),
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
    Module(
        _("Weekly digest"),
        "notices:digest",
        "calendar-week",
        "/notices/digest/",
        Capability.VIEW_TABLES,
        needs_area=True,
    ),
    Module(
        _("Officer training"),
        "training:index",
        "mortarboard",
        "/training/",
        (Capability.MANAGE_TRAINING, Capability.VIEW_TABLES),
        needs_area=True,
    ),
    Module(
        _("Vocational training and jobs"),
        "vocation:course-list",
        "briefcase",
        "/vocation/",
        (Capability.MANAGE_VOCATION, Capability.VIEW_TABLES),
        needs_area=True,
    ),
    Module(_("“For the poor” fund"), "fund:campaign-list", "heart", "/fund/", FUND_CAPABILITIES),
    Module(
        _("Initiatives"),
        "initiatives:initiative-list",
        "lightbulb",
        "/initiatives/",
        Capability.VIEW_EMULATION,
    ),
    Module(
        _("Emulation scoring"), "scoring:set-list", "clipboard-check", "/scoring/", Capability.VIEW_EMULATION
    ),
    Module(_("Emulation movements"), "emulation:index", "trophy", "/emulation/", Capability.VIEW_EMULATION),
    Module(
        _("Periodic reports"),
        "unitreports:index",
        "journal-text",
        "/unit-reports/",
        (
            Capability.SUBMIT_UNIT_REPORTS,
            Capability.MANAGE_UNIT_REPORTS,
            Capability.APPROVE_UNIT_REPORTS,
        ),
    ),
    Module(
        _("Official documents"),
        "officedocs:document-list",
        "file-earmark-text",
        "/documents/",
        (Capability.WRITE_DOCUMENTS, Capability.VIEW_EMULATION),
    ),
    Module(
        _("Commendation"),
        "commendation:index",
        "award",
        "/commendation/",
        (Capability.VIEW_EMULATION, Capability.MANAGE_COMMENDATION),
    ),
    Module(
        _("Outgoing notifications"),
        "webhooks:subscription-list",
        "broadcast",
        "/webhooks/",
        Capability.MANAGE_WEBHOOKS,
    ),
    Module(
        _("ODK Central (survey forms)"),
        "odk:connection-list",
        "tablet",
        "/odk/",
        Capability.EDIT_HOUSEHOLDS,
        True,
    ),
]


def sees_areas(user: User | AnonymousUser | None) -> bool:
    """Whether the user has administrative units in scope (the whole country for an administrator): the
    pages of units, households, reviews and tables are empty for the others (a department's office, a unit
    head), so they are not offered."""
    if user is None or not user.is_authenticated:
        return False
    return bool(getattr(user, "is_system_admin", False) or area_paths(user))


class Capabilities:
    """``shell.can.<capability>`` in templates: whether the user holds it (show a link only then)."""

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self.user = user

    def __getitem__(self, capability: str) -> bool:
        return can(self.user, capability)

    def __getattr__(self, capability: str) -> bool:
        if capability.startswith("_"):
            raise AttributeError(capability)
        return can(self.user, capability)


def offered(module: Module, user: User | AnonymousUser | None, areas: bool) -> bool:
    """Whether the menu offers ``module`` to the user."""
    if module.needs_area and not areas:
        return False
    if module.capability is None:
        return True
    wanted = (module.capability,) if isinstance(module.capability, str) else module.capability
    return any(can(user, c) for c in wanted)


def _under(path: str, prefix: str) -> bool:
    """Whether ``path`` belongs to the module of ``prefix`` (not to a module of a longer prefix)."""
    longer = (m.prefix for m in MODULES if len(m.prefix) > len(prefix) and m.prefix.startswith(prefix))
    return path.startswith(prefix) and not any(path.startswith(other) for other in longer)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    modules = []
    areas = sees_areas(user)
    if user is not None and user.is_authenticated:
        for m in MODULES:
            if offered(m, user, areas):
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
            "can": Capabilities(user),
            "sees_areas": areas,
        }
    }
