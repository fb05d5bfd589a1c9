"""The demo's commendation: ratings, proposals, the council, the decisions, the fund; safe to run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.commendation import grounds, selectors
from giamngheo.commendation.models import Award, Decision, LedgerEntry, Proposal, StaffRating
from giamngheo.demo.commendation import DECISION, seed_commendation
from giamngheo.households.models import Household
from giamngheo.initiatives.models import Initiative, InitiativeAuthor, InitiativeUse
from giamngheo.org.models import OrgUnit, Staff

pytestmark = pytest.mark.django_db


def test_seed_commendation(province, users, commune_a) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.households.tests.factories import make_household

    if Decision.objects.filter(number=DECISION).exists():  # the demo seed already ran in this database
        before = Proposal.objects.count()
        assert seed_commendation(province=province).proposals == 0
        assert Proposal.objects.count() == before
        return
    if not Household.objects.filter(commune__path__startswith=province.path).exists():
        make_household(commune_a, head="Lê Văn Hiến", category="near_poor")
    staff_ids = list(Staff.objects.filter(is_active=True).values_list("pk", flat=True))
    if not grounds.recognised_for_staff(staff_ids=staff_ids):  # no initiative in the demo: one of our own
        author = Staff.objects.filter(org_unit__short_name="KHTC").order_by("pk").first()
        initiative = Initiative.objects.create(
            org_unit=author.org_unit,
            year=2025,
            title="Số hóa hồ sơ rà soát hộ nghèo",
            field="poverty",
            solution="…",
            status="recognised",
            level="grassroots",
            decision_number="05/QĐ-HĐSK",
            decision_date=dt.date(2025, 11, 20),
        )
        InitiativeAuthor.objects.create(initiative=initiative, staff=author, name=author.full_name, share=100)
    report = seed_commendation(province=province)
    assert report.proposals > 10 and report.awards == report.proposals and report.paid > 0
    decision = Decision.objects.get(number=DECISION)
    assert all(a.base_salary == 2_340_000 for a in decision.awards.all())
    use = InitiativeUse.objects.get(user_kind=grounds.USER_KIND)
    ground = Proposal.objects.get(pk=use.user_id)
    assert ground.title.code == "chien-si-thi-dua-co-so" and ground.initiative_id == use.initiative_id
    assert Award.objects.filter(proposal=ground).exists()
    assert Award.objects.filter(recipient_kind="household", year=2025).count() == 1
    poverty = OrgUnit.objects.get(short_name="PTNT-GN")
    assert Award.objects.filter(org_unit=poverty, title__code="tap-the-lao-dong-xuat-sac").exists()
    assert StaffRating.objects.filter(year=2025).count() == Staff.objects.filter(
        is_active=True
    ).count() - 1 - (Staff.objects.filter(is_active=True, org_unit__kind="department").count())
    assert selectors.fund_balance() == 50_000_000 - sum(
        e.amount for e in LedgerEntry.objects.filter(kind="payment")
    )
    assert Proposal.objects.filter(year=2026, status="draft").exists()
    assert Proposal.objects.filter(year=2026, status="submitted").exists()
    before = Proposal.objects.count()
    assert seed_commendation(province=province).proposals == 0
    assert Proposal.objects.count() == before
    client = client_for(users["vanphong"])
    for url in (
        reverse("commendation:index") + "?year=2025",
        reverse("commendation:decision-detail", args=[decision.pk]),
        reverse("commendation:ledger"),
        reverse("commendation:register-unit", args=[poverty.pk]),
    ):
        assert client.get(url).status_code == 200, url
