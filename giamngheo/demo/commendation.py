"""Demo commendation of the department (issue 16): the 2025 quality ratings of every staff member (mostly
"completed well", some "excellent", a few "completed", one not rated yet), the 2025 proposals (Lao động tiên
tiến for the staff of two units, Chiến sĩ thi đua cơ sở for two people — one on the ground of a recognised
initiative when the initiatives' demo has one —, Tập thể lao động xuất sắc for the Division of Rural
Development and Poverty Reduction, a household's Giấy khen), the council's meeting and votes, the Director's
decision and the province's decision for the collective title, the award fund (50,000,000 đ in) and the
bonuses paid; 2026 proposals in draft and sent.

Everything goes through ``commendation.services`` (audited as "system"). Safe to run again: a province whose
department has the demo decision is left alone. Numbers of documents and the names of people are samples.
Runs after ``seed_initiatives`` and ``seed_emulation``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from giamngheo.commendation import grounds, selectors, services
from giamngheo.commendation.models import Decision, Proposal, ProposalStatus
from giamngheo.commendation.services import ProposalInput, RatingInput
from giamngheo.core.errors import ApplicationError
from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

YEAR = 2025
DECISION = "15/QĐ-SNNMT"
PROVINCE_DECISION = "312/QĐ-UBND"
LDTT, CSTDCS, TTLDXS = "lao-dong-tien-tien", "chien-si-thi-dua-co-so", "tap-the-lao-dong-xuat-sac"
HOUSEHOLD_FORM = "giay-khen-ho-gia-dinh"


@dataclass
class CommendationReport:
    ratings: int = 0
    proposals: int = 0
    awards: int = 0
    paid: int = 0


def _propose(unit: OrgUnit, code: str, year: int, *, staff: Staff | None = None, **kw: object) -> Proposal:
    title = selectors.title_in_force(code, dt.date(year, 12, 31))
    assert title is not None  # noqa: S101 - loaded by migration 0002
    data = ProposalInput(
        year=year,
        title=title,
        proposing_unit=unit,
        nominee_kind=title.beneficiary,
        staff=staff,
        org_unit=unit if title.beneficiary == "collective" else None,
        **kw,  # type: ignore[arg-type]
    )
    return services.proposal_create(data=data, acting_user=None)


def seed_commendation(*, province: Area, seed: int = 16) -> CommendationReport:
    report = CommendationReport()
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None or Decision.objects.filter(number=DECISION, year=YEAR).exists():
        return report
    rng = random.Random(seed)  # noqa: S311 - demo data
    units = list(
        OrgUnit.objects.filter(path__startswith=department.path, is_active=True)
        .exclude(pk=department.pk)
        .order_by("path")
    )
    by_short = {u.short_name: u for u in units}
    poverty = by_short.get("PTNT-GN") or units[0]
    office = by_short.get("VP") or units[-1]
    staff_of = {u.pk: list(Staff.objects.filter(org_unit=u, is_active=True).order_by("pk")) for u in units}

    # The 2025 ratings: every staff member of the two proposing units completed well or excellently; the
    # others mostly well, a few just completed; one not rated yet (unknown).
    unrated = next((s for u in units if u not in (poverty, office) for s in staff_of[u.pk][1:2]), None)
    for unit in units:
        rows = []
        for i, person in enumerate(staff_of[unit.pk]):
            if person == unrated:
                continue
            if unit in (poverty, office):
                rating = "excellent" if i == 0 or rng.random() < 0.2 else "good"
            else:
                rating = rng.choices(["excellent", "good", "completed"], weights=[2, 7, 1])[0]
            rows.append(RatingInput(person, rating))
        report.ratings += services.ratings_save(unit=unit, year=YEAR, rows=rows, acting_user=None)

    # The recognised initiative given as a ground (from the initiatives' demo), if any.
    dept_staff = [s.pk for ss in staff_of.values() for s in ss]
    free = grounds.recognised_for_staff(staff_ids=dept_staff)
    initiative = free[0] if free else None
    author: Staff | None = None
    if initiative is not None:
        first = initiative.authors.filter(staff_id__in=dept_staff).order_by("-share", "pk").first()
        author = first.staff if first is not None else None

    # 2025 proposals: Lao động tiên tiến for the staff of the two units (and the initiative's author).
    sent: list[Proposal] = []
    ldtt_people = [s for u in (poverty, office) for s in staff_of[u.pk]]
    if author is not None and author not in ldtt_people:
        ldtt_people.append(author)
    achievements = (
        "Hoàn thành tốt nhiệm vụ chuyên môn được giao năm 2025; tích cực tham gia phong trào thi đua "
        "“Vì người nghèo – Không để ai bị bỏ lại phía sau”."
    )
    for person in ldtt_people:
        p = _propose(person.org_unit, LDTT, YEAR, staff=person, achievements=achievements)
        sent.append(services.proposal_submit(proposal=p, acting_user=None))
    # Chiến sĩ thi đua cơ sở: the poverty division's head (excellent) and the initiative's author.
    cst_people: list[tuple[Staff, object]] = [(staff_of[poverty.pk][0], None)]
    if author is not None and author != staff_of[poverty.pk][0]:
        cst_people.append((author, initiative))
    elif staff_of[office.pk]:
        cst_people.append((staff_of[office.pk][0], None))
    for person, ground in cst_people:
        p = _propose(
            person.org_unit,
            CSTDCS,
            YEAR,
            staff=person,
            initiative=ground,
            achievements="Hoàn thành xuất sắc nhiệm vụ năm 2025; tham mưu hiệu quả công tác giảm nghèo."
            if ground is None
            else "Có sáng kiến được Hội đồng sáng kiến Sở công nhận, áp dụng hiệu quả tại đơn vị.",
        )
        sent.append(services.proposal_submit(proposal=p, acting_user=None))
    # Tập thể lao động xuất sắc for the poverty division.
    p = _propose(
        poverty,
        TTLDXS,
        YEAR,
        rating="excellent",
        achievements="Hoàn thành xuất sắc nhiệm vụ năm 2025; tỷ lệ hộ nghèo đa chiều giảm vượt chỉ tiêu.",
    )
    sent.append(services.proposal_submit(proposal=p, acting_user=None))
    # A household's Giấy khen (proposed by the office).
    household = (
        Household.objects.filter(commune__path__startswith=province.path, is_active=True)
        .order_by("pk")
        .first()
    )
    if household is not None:
        p = _propose(
            office,
            HOUSEHOLD_FORM,
            YEAR,
            household=household,
            achievements="Tự nguyện hiến đất mở đường liên thôn, giúp hộ nghèo phát triển sản xuất.",
        )
        sent.append(services.proposal_submit(proposal=p, acting_user=None))
    report.proposals = len(sent)

    # The council's meeting: 9 members, 8 present (≥ 80 %), all agree (the absent member in writing).
    meeting = services.meeting_create(
        year=YEAR,
        held_on=dt.date(2026, 1, 12),
        place="Phòng họp số 1, Sở Nông nghiệp và Môi trường",
        members_total=9,
        members_present=8,
        chair="Giám đốc Sở – Chủ tịch Hội đồng",
        secretary="Chánh Văn phòng Sở – Thư ký Hội đồng",
        note="Hội đồng Thi đua - Khen thưởng Sở xét đề nghị khen thưởng năm 2025 (biên bản mẫu).",
        acting_user=None,
    )
    for p in sent:
        services.vote_record(
            meeting=meeting, proposal=p, agree=9 if p.title.vote_share else 8, disagree=0, acting_user=None
        )

    # The decisions: the Director's, and the province chairman's for the collective title.
    approved = list(
        Proposal.objects.filter(year=YEAR, status=ProposalStatus.APPROVED).select_related("title")
    )
    director = [p for p in approved if p.title.issuer == "Giám đốc Sở"]
    province_level = [p for p in approved if p.title.issuer != "Giám đốc Sở"]
    decision = services.decision_create(
        number=DECISION,
        signed_on=dt.date(2026, 1, 20),
        issuer="Giám đốc Sở Nông nghiệp và Môi trường",
        signer="Giám đốc Sở (mẫu)",
        year=YEAR,
        proposals=director,
        note="Về việc tặng danh hiệu thi đua và Giấy khen năm 2025 (số hiệu mẫu).",
        acting_user=None,
    )
    if province_level:
        services.decision_create(
            number=PROVINCE_DECISION,
            signed_on=dt.date(2026, 2, 10),
            issuer="Chủ tịch Ủy ban nhân dân tỉnh",
            signer="Chủ tịch UBND tỉnh (mẫu)",
            year=YEAR,
            proposals=province_level,
            note="Về việc tặng danh hiệu Tập thể lao động xuất sắc năm 2025 (số hiệu mẫu).",
            acting_user=None,
        )
    report.awards = len(approved)

    # The award fund: 50,000,000 đ in, the Director's bonuses paid.
    services.ledger_income(
        entry_date=dt.date(2026, 1, 5),
        amount=50_000_000,
        description="Trích lập quỹ thi đua, khen thưởng năm 2026 từ dự toán ngân sách",
        document="PT-01/2026 (mẫu)",
        acting_user=None,
    )
    for award in decision.awards.order_by("pk"):
        try:
            services.award_pay(
                award=award, entry_date=dt.date(2026, 1, 28), document="PC-05/2026 (mẫu)", acting_user=None
            )
            report.paid += 1
        except ApplicationError:  # beyond the balance: left to pay
            break

    # 2026: ratings of one more unit done early, its Lao động tiên tiến proposals sent; drafts elsewhere.
    other = next((u for u in units if u not in (poverty, office) and len(staff_of[u.pk]) >= 3), None)
    if other is not None:
        people = staff_of[other.pk][:3]
        services.ratings_save(
            unit=other, year=2026, rows=[RatingInput(s, "good") for s in people[:2]], acting_user=None
        )
        for person in people[:2]:
            services.proposal_submit(
                proposal=_propose(
                    other, LDTT, 2026, staff=person, achievements=achievements.replace("2025", "2026")
                ),
                acting_user=None,
            )
        _propose(other, LDTT, 2026, staff=people[2], achievements="Dự thảo báo cáo thành tích năm 2026.")
    _propose(poverty, TTLDXS, 2026, rating="excellent", achievements="Dự thảo báo cáo thành tích năm 2026.")
    return report
