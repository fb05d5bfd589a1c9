"""Demo documents of the department: the final report of 2025 and the interim report of 2026 of the
movement "Vì người nghèo – Không để ai bị bỏ lại phía sau", and the plan to continue it in 2027, each a draft
whose narrative is written from the demo data.

Through ``officedocs.services`` as the department office's demo account (``vanphong``: its figures are the
ones the office sees), so run it after the accounts, the review rounds, the plans, the activities and the
emulation are seeded. Safe to run again: a kind and year the department already has is left alone."""

from __future__ import annotations

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.geo.models import Area
from giamngheo.officedocs import services
from giamngheo.officedocs.models import DocumentKind, OfficialDocument
from giamngheo.org.models import OrgUnit, OrgUnitKind

DOCUMENTS = (
    (DocumentKind.FINAL_REPORT, 2025),
    (DocumentKind.INTERIM_REPORT, 2026),
    (DocumentKind.PLAN, 2027),
)
SIGNER = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"


def seed_officedocs(*, province: Area) -> list[OfficialDocument]:
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None:
        return []
    office = (
        User.objects.filter(role=Role.DEPARTMENT_OFFICE, is_active=True, scope_org_units=department)
        .order_by("pk")
        .first()
    )
    if office is None:
        return []
    created = []
    for kind, year in DOCUMENTS:
        if OfficialDocument.objects.filter(org_unit=department, kind=kind, year=year).exists():
            continue
        created.append(
            services.document_create(org_unit=department, kind=kind, year=year, acting_user=office)
        )
    return created
