"""Commendation: the catalogue's versions, ratings, proposals checked against the criteria, the council's
quorum and votes, decisions (bonus = multiple × base salary in force on the decision date), the award fund,
the initiative used once, scope and pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.commendation import selectors, services
from giamngheo.commendation.models import Award, LedgerEntry, Proposal, ProposalStatus, StaffRating, Title
from giamngheo.commendation.services import ProposalInput, RatingInput
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.initiatives.models import Initiative, InitiativeAuthor, InitiativeUse
from giamngheo.org.models import OrgUnit, Staff

pytestmark = pytest.mark.django_db

YEAR = 2030  # a year the demo has no proposal for
LDTT, CSTDCS, TTLDXS = "lao-dong-tien-tien", "chien-si-thi-dua-co-so", "tap-the-lao-dong-xuat-sac"


@pytest.fixture
def office(users: dict[str, User]) -> User:
    return users["vanphong"]


@pytest.fixture
def unit(users: dict[str, User]) -> OrgUnit:
    """A fresh unit under the unit head's division (the demo's staff and ratings stay out of the counts)."""
    division = users["truongphong"].scope_org_units.first()
    return OrgUnit.objects.create(
        name="Tổ Kiểm thử Khen thưởng",
        code="to-kiem-thu-kt",
        kind="other",
        parent=division,
        area=division.area,
    )


def people(unit: OrgUnit, n: int) -> list[Staff]:
    return [
        Staff.objects.create(full_name=f"Cán bộ Thử {i}", org_unit=unit, staff_type="civil_servant")
        for i in range(n)
    ]


def rate(unit: OrgUnit, staff: list[Staff], rating: str = "good", year: int = YEAR) -> None:
    services.ratings_save(
        unit=unit, year=year, rows=[RatingInput(s, rating) for s in staff], acting_user=None
    )


def title(code: str, on: dt.date = dt.date(YEAR, 12, 31)) -> Title:
    found = selectors.title_in_force(code, on)
    assert found is not None
    return found


def propose(
    unit: OrgUnit, code: str, *, staff: Staff | None = None, user: User | None = None, **kw: Any
) -> Proposal:
    t = title(code)
    data = ProposalInput(
        year=YEAR,
        title=t,
        proposing_unit=unit,
        nominee_kind=t.beneficiary,
        staff=staff,
        org_unit=unit if t.beneficiary == "collective" else None,
        **kw,
    )
    return services.proposal_create(data=data, acting_user=user)


def meeting(total: int = 9, present: int = 9) -> Any:
    return services.meeting_create(
        year=YEAR,
        held_on=dt.date(YEAR + 1, 1, 10),
        members_total=total,
        members_present=present,
        chair="Giám đốc Sở",
        secretary="Chánh Văn phòng",
        acting_user=None,
    )


def approved(unit: OrgUnit, code: str, staff: Staff | None = None) -> Proposal:
    p = services.proposal_submit(proposal=propose(unit, code, staff=staff), acting_user=None)
    services.vote_record(meeting=meeting(), proposal=p, agree=9, disagree=0, acting_user=None)
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    return p


def test_base_salary_and_title_in_force() -> None:
    assert selectors.base_salary_on(dt.date(2026, 6, 30)).amount == 2_340_000
    assert selectors.base_salary_on(dt.date(2026, 7, 1)).amount == 2_530_000
    assert selectors.base_salary_on(dt.date(2020, 1, 1)) is None
    assert title(LDTT, dt.date(2025, 7, 1)).multiple == Decimal("0.30")
    assert selectors.title_in_force(LDTT, dt.date(2025, 6, 30)) is None


def test_a_new_version_closes_the_old_one_and_never_rewrites_it(office: User) -> None:
    old = title(LDTT, dt.date(2026, 1, 1))
    data = {"multiple": Decimal("0.35"), "legal_source": "Nghị định thử"}
    new = services.title_version_add(
        title=old, data=data, valid_from=dt.date(2026, 10, 1), version=old.version, acting_user=office
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 9, 30) and old.multiple == Decimal("0.30")
    assert selectors.title_in_force(LDTT, dt.date(2026, 9, 30)) == old
    assert selectors.title_in_force(LDTT, dt.date(2026, 10, 1)) == new
    assert new.multiple == Decimal("0.35") and new.criteria == old.criteria
    with pytest.raises(ValidationFailed):  # only the latest version is followed
        services.title_version_add(
            title=old, data={}, valid_from=dt.date(2027, 1, 1), version=old.version, acting_user=office
        )
    with pytest.raises(ValidationFailed):  # a version must start after the one it follows
        services.title_version_add(
            title=new, data={}, valid_from=dt.date(2026, 10, 1), version=new.version, acting_user=office
        )
    with pytest.raises(ValidationFailed):
        services.title_version_add(
            title=new,
            data={"criteria": [{"key": "no-such"}]},
            valid_from=dt.date(2027, 1, 1),
            version=new.version,
            acting_user=office,
        )


def test_unknown_rating_blocks_sending_and_only_the_office_overrides(
    unit: OrgUnit, office: User, users: dict[str, User]
) -> None:
    [person] = people(unit, 1)
    head = users["truongphong"]
    p = propose(unit, LDTT, staff=person, user=head)
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_submit(proposal=p, acting_user=head)
    assert "chưa đủ thông tin" in str(exc.value.message)
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=p, override_reason="Đã xếp loại trên giấy", acting_user=head)
    p = services.proposal_submit(proposal=p, override_reason="Đã xếp loại trên giấy", acting_user=office)
    assert p.status == ProposalStatus.SUBMITTED and p.override_reason == "Đã xếp loại trên giấy"
    assert p.checks[0]["passed"] is None
    record = AuditRecord.objects.filter(action="commendation.proposal.submit", target_id=str(p.pk)).get()
    assert record.actor == office and record.note == "Đã xếp loại trên giấy"


def test_a_met_criterion_sends_and_a_return_has_a_reason(unit: OrgUnit, office: User) -> None:
    [person] = people(unit, 1)
    rate(unit, [person], "completed")
    p = propose(unit, LDTT, staff=person)
    with pytest.raises(ValidationFailed):
        services.proposal_submit(proposal=p, acting_user=None)
    rate(unit, [person], "good")
    p = services.proposal_submit(proposal=p, acting_user=None)
    assert p.status == ProposalStatus.SUBMITTED and p.checks[0]["passed"] is True
    with pytest.raises(ValidationFailed):
        services.proposal_return(proposal=p, reason=" ", acting_user=office)
    p = services.proposal_return(proposal=p, reason="Bổ sung báo cáo thành tích", acting_user=office)
    assert p.status == ProposalStatus.RETURNED and p.reason == "Bổ sung báo cáo thành tích"
    with pytest.raises(ValidationFailed):  # one proposal of a title a year for a nominee
        propose(unit, LDTT, staff=person)


def test_cstdcs_needs_ldtt_and_excellence_or_an_initiative_used_once(unit: OrgUnit) -> None:
    a, b = people(unit, 2)
    rate(unit, [a, b], "good")
    initiative = Initiative.objects.create(
        org_unit=unit,
        year=YEAR,
        title="Sáng kiến thử",
        field="poverty",
        solution="…",
        status="recognised",
        level="grassroots",
        decision_number="01/QĐ-SKT",
        decision_date=dt.date(YEAR, 11, 1),
    )
    InitiativeAuthor.objects.create(initiative=initiative, staff=a, name=a.full_name, share=60)
    InitiativeAuthor.objects.create(initiative=initiative, staff=b, name=b.full_name, share=40)
    cst_a = propose(unit, CSTDCS, staff=a, initiative=initiative)
    facts = selectors.nominee_facts(proposal=cst_a)
    assert facts.initiative_levels == ("grassroots",) and LDTT not in facts.titles
    with pytest.raises(ValidationFailed):  # no Lao động tiên tiến proposed yet
        services.proposal_submit(proposal=cst_a, acting_user=None)
    services.proposal_submit(proposal=propose(unit, LDTT, staff=a), acting_user=None)
    cst_a = services.proposal_submit(proposal=cst_a, acting_user=None)
    assert all(c["passed"] for c in cst_a.checks)
    use = InitiativeUse.objects.get(initiative=initiative)
    assert use.user_id == cst_a.pk
    # The co-author cannot use the same initiative again.
    services.proposal_submit(proposal=propose(unit, LDTT, staff=b), acting_user=None)
    with pytest.raises(ValidationFailed):
        propose(unit, CSTDCS, staff=b, initiative=initiative)
    cst_b = propose(unit, CSTDCS, staff=b)
    with pytest.raises(ValidationFailed):  # good, no initiative: not met
        services.proposal_submit(proposal=cst_b, acting_user=None)
    rate(unit, [b], "excellent")
    assert services.proposal_submit(proposal=cst_b, acting_user=None).status == ProposalStatus.SUBMITTED
    # Not approved by the council: the initiative is free again.
    services.vote_record(meeting=meeting(10, 8), proposal=cst_a, agree=7, disagree=1, acting_user=None)
    assert not InitiativeUse.objects.filter(initiative=initiative).exists()


def test_collective_excellent_reads_its_members(unit: OrgUnit) -> None:
    staff = people(unit, 4)
    rate(unit, staff[:3], "good")  # one member not rated
    for s in staff[:3]:
        services.proposal_submit(proposal=propose(unit, LDTT, staff=s), acting_user=None)
    p = propose(unit, TTLDXS, rating="excellent")
    checks = {c["key"]: c["passed"] for c in services.run_checks(p)}
    assert checks == {
        "rating_at_least": True,
        "all_members_completed": None,
        "members_share_title": True,  # 3 of 4 = 75 %
        "members_with_title": False,
    }
    with pytest.raises(ValidationFailed):
        services.proposal_submit(proposal=p, acting_user=None)


def test_quorum_and_vote_thresholds(unit: OrgUnit) -> None:
    with pytest.raises(ValidationFailed):  # 6 of 10 < 2/3
        meeting(10, 6)
    two_thirds = meeting(10, 7)
    assert services.vote_approves(agree=8, present=8, total=10, vote_share=80)
    assert not services.vote_approves(agree=7, present=10, total=10, vote_share=80)
    assert services.vote_approves(agree=4, present=7, total=10, vote_share=None)
    assert not services.vote_approves(agree=3, present=6, total=10, vote_share=None)
    a, b, c, d = people(unit, 4)
    rate(unit, [a, b, c, d], "excellent")
    ldtt = [
        services.proposal_submit(proposal=propose(unit, LDTT, staff=s), acting_user=None)
        for s in (a, b, c, d)
    ]
    v = services.vote_record(meeting=two_thirds, proposal=ldtt[0], agree=4, disagree=3, acting_user=None)
    assert v.approved  # 4 > 7 / 2
    v = services.vote_record(meeting=two_thirds, proposal=ldtt[1], agree=3, disagree=4, acting_user=None)
    assert not v.approved
    cst = services.proposal_submit(proposal=propose(unit, CSTDCS, staff=a), acting_user=None)
    with pytest.raises(ValidationFailed):  # CSTĐCS: at least 80 % present
        services.vote_record(meeting=two_thirds, proposal=cst, agree=7, disagree=0, acting_user=None)
    eighty = meeting(10, 8)
    assert not services.vote_record(
        meeting=eighty, proposal=cst, agree=7, disagree=1, acting_user=None
    ).approved
    cst_c = services.proposal_submit(proposal=propose(unit, CSTDCS, staff=c), acting_user=None)
    assert services.vote_record(
        meeting=eighty, proposal=cst_c, agree=8, disagree=0, acting_user=None
    ).approved
    with pytest.raises(ValidationFailed):  # voted once
        services.vote_record(meeting=eighty, proposal=cst_c, agree=8, disagree=0, acting_user=None)
    assert Proposal.objects.get(pk=cst_c.pk).status == ProposalStatus.APPROVED


def test_amount_is_multiple_times_the_base_salary_on_the_decision_date(unit: OrgUnit, office: User) -> None:
    a, b = people(unit, 2)
    rate(unit, [a, b], "good")
    pa, pb = approved(unit, LDTT, a), approved(unit, LDTT, b)
    before = services.decision_create(
        number="01/QĐ-THU",
        signed_on=dt.date(2026, 6, 30),
        issuer="Giám đốc Sở",
        signer="",
        year=YEAR,
        proposals=[pa],
        acting_user=office,
    )
    after = services.decision_create(
        number="02/QĐ-THU",
        signed_on=dt.date(2026, 7, 1),
        issuer="Giám đốc Sở",
        signer="",
        year=YEAR,
        proposals=[pb],
        acting_user=office,
    )
    [award_a] = before.awards.all()
    [award_b] = after.awards.all()
    assert (award_a.base_salary, award_a.amount) == (2_340_000, 702_000)
    assert (award_b.base_salary, award_b.amount) == (2_530_000, 759_000)
    assert award_a.recipient_name == a.full_name and award_a.unit_name == unit.name
    assert Proposal.objects.get(pk=pa.pk).status == ProposalStatus.DECIDED
    with pytest.raises(ValidationFailed):  # decided once
        services.decision_create(
            number="03/QĐ-THU",
            signed_on=dt.date(2026, 7, 1),
            issuer="Giám đốc Sở",
            signer="",
            year=YEAR,
            proposals=[pa],
            acting_user=office,
        )
    assert selectors.bonus(Decimal("0.45"), 2_340_000) == 1_053_000
    assert selectors.bonus(Decimal("0.15"), 3) == 0  # 0.45 rounds half up to 0
    assert selectors.bonus(None, 2_340_000) is None
    assert list(selectors.register_of(user=office, staff=a)) == [award_a]


def test_the_fund_never_pays_beyond_its_balance(unit: OrgUnit, office: User) -> None:
    [a] = people(unit, 1)
    rate(unit, [a], "good")
    decision = services.decision_create(
        number="09/QĐ-QUY",
        signed_on=dt.date(2026, 7, 1),
        issuer="Giám đốc Sở",
        signer="",
        year=YEAR,
        proposals=[approved(unit, LDTT, a)],
        acting_user=office,
    )
    award = decision.awards.get()
    balance = selectors.fund_balance()
    if balance >= award.amount:  # the demo's fund: spend it down to below the bonus
        services.ledger_income(entry_date=dt.date(2026, 7, 2), amount=1, description="x", acting_user=office)
        LedgerEntry.objects.create(
            entry_date=dt.date(2026, 7, 2),
            kind="payment",
            amount=selectors.fund_balance() - 1000,
            description="x",
        )
    balance = selectors.fund_balance()
    with pytest.raises(ValidationFailed) as exc:
        services.award_pay(award=award, entry_date=dt.date(2026, 7, 3), acting_user=office)
    assert f"{balance:,}".replace(",", ".") in str(exc.value.message)
    services.ledger_income(
        entry_date=dt.date(2026, 7, 3), amount=1_000_000, description="Trích quỹ", acting_user=office
    )
    row = services.award_pay(award=award, entry_date=dt.date(2026, 7, 3), acting_user=office)
    assert row.amount == 759_000
    assert selectors.fund_balance() == balance + 1_000_000 - 759_000
    with pytest.raises(ValidationFailed):  # one payment per award
        services.award_pay(award=award, entry_date=dt.date(2026, 7, 4), acting_user=office)
    book = selectors.ledger(year=2026)
    assert book.income == sum(r.income or 0 for r in book.rows)
    assert book.payments == sum(r.payment or 0 for r in book.rows)
    assert book.rows[-1].balance == selectors.fund_balance() - sum(
        e.amount if e.kind == "income" else -e.amount
        for e in LedgerEntry.objects.filter(entry_date__year__gt=2026)
    )


def test_households_are_proposed_by_the_office_only(
    unit: OrgUnit, office: User, users: dict[str, User], commune_a: Any
) -> None:
    from giamngheo.households.tests.factories import make_household

    household = make_household(commune_a, head="Hộ Thử Khen", category="poor")
    assert selectors.household_by_code(user=office, code=household.code) == household
    t = title("giay-khen-ho-gia-dinh")
    data = ProposalInput(
        year=YEAR, title=t, proposing_unit=unit, nominee_kind="household", household=household
    )
    with pytest.raises(PermissionDenied):
        services.proposal_create(data=data, acting_user=users["truongphong"])
    p = services.proposal_create(data=data, acting_user=office)
    p = services.proposal_submit(proposal=p, acting_user=office)
    services.vote_record(meeting=meeting(), proposal=p, agree=9, disagree=0, acting_user=None)
    decision = services.decision_create(
        number="05/QĐ-HO",
        signed_on=dt.date(2026, 7, 1),
        issuer="Giám đốc Sở",
        signer="",
        year=YEAR,
        proposals=[p],
        acting_user=office,
    )
    award = decision.awards.get()
    assert award.amount == 1_138_500  # 0.45 × 2,530,000: 1.5 × the individual's Giấy khen
    page = client_for(office).get(reverse("commendation:register-household", args=[household.pk]))
    assert page.status_code == 200 and "05/QĐ-HO" in page.content.decode()


def test_another_units_head_sees_nothing(unit: OrgUnit, users: dict[str, User]) -> None:
    [a] = people(unit, 1)
    rate(unit, [a], "good")
    head = users["truongphong"]
    p = propose(unit, LDTT, staff=a, user=head)
    f = services.proposal_file_add(
        proposal=p, upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4 thu"), acting_user=head
    )
    other_division = (
        OrgUnit.objects.filter(kind="division").exclude(path__startswith=unit.parent.path).first()
    )
    other = user_create(
        username="truong.khac",
        password="x-Pass-1234",
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[other_division],
        acting_user=None,
    )
    with pytest.raises(PermissionDenied):
        propose(unit, LDTT, staff=people(unit, 1)[0], user=other)
    assert not selectors.proposal_list(user=other).filter(pk=p.pk).exists()
    assert selectors.proposal_list(user=head).filter(pk=p.pk).exists()
    client = client_for(other)
    for name, pk in (
        ("commendation:proposal-detail", p.pk),
        ("commendation:proposal-update", p.pk),
        ("commendation:proposal-file", f.pk),
        ("commendation:register-staff", a.pk),
        ("commendation:rating-unit", unit.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("commendation:proposal-submit", args=[p.pk])).status_code == 404
    page = client.get(reverse("commendation:proposal-list"))
    assert page.status_code == 200 and a.full_name not in page.content.decode()
    own = client_for(head).get(reverse("commendation:proposal-detail", args=[p.pk]))
    assert own.status_code == 200 and a.full_name in own.content.decode()


def test_pages_open_for_the_office_and_the_council(
    unit: OrgUnit, office: User, users: dict[str, User]
) -> None:
    [a] = people(unit, 1)
    rate(unit, [a], "good")
    p = approved(unit, LDTT, a)
    decision = services.decision_create(
        number="07/QĐ-TRANG",
        signed_on=dt.date(2026, 7, 1),
        issuer="Giám đốc Sở",
        signer="",
        year=YEAR,
        proposals=[p],
        acting_user=office,
    )
    award = decision.awards.get()
    m = p.votes.get().meeting
    t = title(LDTT)
    pages = [
        reverse("commendation:index"),
        reverse("commendation:title-list"),
        reverse("commendation:title-detail", args=[t.pk]),
        reverse("commendation:title-version", args=[t.pk]),
        reverse("commendation:salary-create"),
        reverse("commendation:rating-list"),
        reverse("commendation:rating-unit", args=[unit.pk]) + f"?year={YEAR}",
        reverse("commendation:proposal-list") + f"?year={YEAR}",
        reverse("commendation:proposal-create"),
        reverse("commendation:proposal-detail", args=[p.pk]),
        reverse("commendation:meeting-list"),
        reverse("commendation:meeting-create"),
        reverse("commendation:meeting-detail", args=[m.pk]),
        reverse("commendation:decision-list"),
        reverse("commendation:decision-create"),
        reverse("commendation:decision-detail", args=[decision.pk]),
        reverse("commendation:ledger"),
        reverse("commendation:ledger-income"),
        reverse("commendation:award-pay", args=[award.pk]),
        reverse("commendation:award-list") + f"?year={YEAR}",
        reverse("commendation:register-staff", args=[a.pk]),
        reverse("commendation:register-unit", args=[unit.pk]),
    ]
    client = client_for(office)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "702.000"
        not in client.get(reverse("commendation:decision-detail", args=[decision.pk])).content.decode()
    )
    assert (
        "759.000" in client.get(reverse("commendation:decision-detail", args=[decision.pk])).content.decode()
    )
    assert client.get(reverse("commendation:proposal-detail", args=[10**9])).status_code == 404
    for url in (
        reverse("commendation:award-list") + f"?year={YEAR}&format=xlsx",
        reverse("commendation:ledger") + "?format=xlsx",
    ):
        xlsx = client.get(url)
        assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"], url
    council = client_for(users["hoidong"])
    assert council.get(reverse("commendation:meeting-detail", args=[m.pk])).status_code == 200
    assert council.get(reverse("commendation:award-list") + "?format=xlsx").status_code == 403
    assert council.get(reverse("commendation:ledger")).status_code == 403
    assert council.get(reverse("commendation:decision-create")).status_code == 403


def test_proposal_and_vote_through_the_pages(unit: OrgUnit, office: User, users: dict[str, User]) -> None:
    [a] = people(unit, 1)
    rate(unit, [a], "excellent")
    head = client_for(users["truongphong"])
    response = head.post(
        reverse("commendation:proposal-create"),
        {
            "year": YEAR,
            "proposing_unit": unit.pk,
            "nominee_kind": "individual",
            "title": title(LDTT).pk,
            "staff": a.pk,
            "achievements": "Hoàn thành xuất sắc nhiệm vụ được giao",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    p = Proposal.objects.get(staff=a, year=YEAR)
    assert head.post(reverse("commendation:proposal-submit", args=[p.pk])).status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.SUBMITTED
    m = meeting(9, 7)
    council = client_for(users["hoidong"])
    response = council.post(
        reverse("commendation:meeting-detail", args=[m.pk]), {"proposal": p.pk, "agree": 6, "disagree": 1}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    page = council.get(reverse("commendation:meeting-detail", args=[m.pk])).content.decode()
    assert a.full_name in page


def test_ratings_page_saves_a_unit(unit: OrgUnit, office: User) -> None:
    a, b = people(unit, 2)
    client = client_for(office)
    response = client.post(
        reverse("commendation:rating-unit", args=[unit.pk]),
        {"year": YEAR, f"rating_{a.pk}": "excellent", f"rating_{b.pk}": "", f"disciplined_{a.pk}": "on"},
    )
    assert response.status_code == 302
    rating = StaffRating.objects.get(staff=a, year=YEAR)
    assert rating.rating == "excellent" and rating.disciplined
    assert not StaffRating.objects.filter(staff=b, year=YEAR).exists()  # left blank: unknown
    assert Award.objects.filter(staff=a).count() == 0


def test_ratings_pasted_per_unit(unit: OrgUnit, office: User) -> None:
    from giamngheo.commendation.paste import parse_ratings

    a, b = people(unit, 2)
    parsed = parse_ratings(
        f"{a.full_name}\tHTXSNV\n{b.full_name.upper()}; hoàn thành tốt nhiệm vụ; có\n\n", [a, b]
    )
    assert parsed.rows == [(a, "excellent", False), (b, "good", True)] and not parsed.errors
    assert parse_ratings("Không Có Ai; HTNV\n", [a, b]).errors == ["Không Có Ai; HTNV"]
    assert parse_ratings(f"{a.full_name}; giỏi\n", [a, b]).errors
    client = client_for(office)
    url = reverse("commendation:rating-unit", args=[unit.pk])
    client.post(url, {"year": YEAR, "pasted": f"{a.full_name}; HTNV\nNgười Lạ; HTTNV"})
    assert not StaffRating.objects.filter(staff__in=[a, b], year=YEAR).exists()  # all or nothing
    client.post(url, {"year": YEAR, "pasted": f"{a.full_name}; HTNV\n{b.full_name}\tKHTNV\tx"})
    ratings = {
        r.staff_id: (r.rating, r.disciplined) for r in StaffRating.objects.filter(year=YEAR, staff__in=[a, b])
    }
    assert ratings == {a.pk: ("completed", False), b.pk: ("not_completed", True)}
