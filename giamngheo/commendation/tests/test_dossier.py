"""The commendation dossier: the tờ trình (Mẫu 01), the council's minutes with its vote, an individual's
achievement report (Mẫu 05) and the certificates of a decision, as DOCX laid out by ``core.docformat``;
opened again with python-docx and checked against the rows they were made from; scoped to the user.

The world is written directly with the ORM (the commendation services are built in parallel), valid against
the models' constraints. Until ``commendation/urls.py`` includes ``document_urls`` these tests use a URL
configuration that adds it (``urlpatterns`` below)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import include, path, reverse
from docx import Document

from config import urls as root_urls
from conftest import client_for
from giamngheo.accounts.models import Role, User
from giamngheo.accounts.services import user_create
from giamngheo.commendation import document_urls, dossier
from giamngheo.commendation import urls as app_urls
from giamngheo.commendation.models import (
    Award,
    CouncilMeeting,
    Decision,
    Proposal,
    StaffRating,
    Title,
    Vote,
)
from giamngheo.commendation.votes import share_of_members, vote_result
from giamngheo.core import docformat
from giamngheo.core.models import ExportRecord
from giamngheo.households.tests.factories import make_household
from giamngheo.initiatives.models import Initiative, InitiativeUse
from giamngheo.org.models import OrgUnit, Staff


def _with_documents() -> list[Any]:
    names = {p.name for p in app_urls.urlpatterns}
    extra = [p for p in document_urls.urlpatterns if p.name not in names]
    patterns: list[Any] = []
    for entry in root_urls.urlpatterns:
        if str(entry.pattern) == "commendation/":
            patterns.append(path("commendation/", include(([*app_urls.urlpatterns, *extra], "commendation"))))
        else:
            patterns.append(entry)
    return patterns


urlpatterns = _with_documents()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_office = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT), reason="LibreOffice Writer and poppler-utils: run `make office`"
)
FROM = dt.date(2025, 7, 1)
YEAR = 2026
BASE = 2_340_000


def title(code: str) -> Title:
    return Title.objects.get(code=code, valid_from=FROM)


def unit(short: str) -> OrgUnit:
    return OrgUnit.objects.get(short_name=short, kind="division")


def all_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def grids(data: bytes) -> list[list[list[str]]]:
    """The bordered tables of a document (the header and signature tables have no heading "STT"/"Năm")."""
    document = Document(io.BytesIO(data))
    found = []
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] in ("STT", "Năm"):
            found.append(rows)
    return found


def _no_demo_commendation() -> None:
    from giamngheo.commendation.models import (
        Award,
        CouncilMeeting,
        Decision,
        LedgerEntry,
        Proposal,
        ProposalFile,
        StaffRating,
        Vote,
    )

    for model in (LedgerEntry, Award, Decision, Vote, CouncilMeeting, ProposalFile, Proposal, StaffRating):
        model.objects.all().delete()


@pytest.fixture
def world(users, commune_a) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The department's proposals of 2026: from division PTNT-GN a Chiến sĩ thi đua cơ sở (with an
    initiative, four ratings and a past Lao động tiên tiến), a Lao động tiên tiến, the division itself as
    Tập thể lao động tiên tiến, a household for a Giấy khen and a rejected Lao động tiên tiến; from division
    KHTC a Bằng khen of the province and a Chiến sĩ thi đua cơ sở that missed 80 %. The council (9 members,
    8 present) voted on seven; the director's decision 25/QĐ-SNNMT gave four awards (the household's amount
    unknown), the province's decision 120/QĐ-UBND the Bằng khen.

    The session's demo has commendation rows of its own (ratings, proposals, the council, decisions and the
    award fund): they are removed first, so that the counts here are this world's."""
    _no_demo_commendation()
    ptnt, khtc = unit("PTNT-GN"), unit("KHTC")
    staff = {
        key: Staff.objects.create(
            full_name=name,
            org_unit=org,
            position=position,
            staff_type="civil_servant",
            sex=sex,
            date_of_birth=born,
        )
        for key, name, org, position, sex, born in [
            ("a", "Nguyễn Thị Hồng Nhung", ptnt, "Phó Trưởng phòng", "F", dt.date(1985, 3, 7)),
            ("b", "Trần Văn Bảo", ptnt, "Chuyên viên", "M", dt.date(1990, 11, 20)),
            ("d", "Lê Văn Dũng", ptnt, "Chuyên viên", "M", None),
            ("c", "Phạm Thị Cúc", khtc, "Kế toán viên", "F", dt.date(1979, 1, 2)),
        ]
    }
    household = make_household(commune_a, head="Điểu Thị Hiền")

    def propose(code: str, org: OrgUnit, status: str, **nominee: Any) -> Proposal:
        kind = (
            "individual" if "staff" in nominee else ("collective" if "org_unit" in nominee else "household")
        )
        return Proposal.objects.create(
            year=YEAR,
            title=title(code),
            proposing_unit=org,
            nominee_kind=kind,
            status=status,
            achievements=f"Hoàn thành xuất sắc nhiệm vụ năm {YEAR}; tham mưu giảm nghèo bền vững.",
            **nominee,
        )

    p = {
        "cstd": propose("chien-si-thi-dua-co-so", ptnt, "approved", staff=staff["a"]),
        "ldtt": propose("lao-dong-tien-tien", ptnt, "approved", staff=staff["b"]),
        "tap_the": propose("tap-the-lao-dong-tien-tien", ptnt, "approved", org_unit=ptnt),
        "ho": propose("giay-khen-ho-gia-dinh", ptnt, "approved", household=household),
        "ldtt_no": propose("lao-dong-tien-tien", ptnt, "rejected", staff=staff["d"]),
        "bang_khen": propose("bang-khen-tinh-ca-nhan", khtc, "approved", staff=staff["c"]),
        "cstd_no": propose("chien-si-thi-dua-co-so", khtc, "rejected", staff=staff["c"]),
    }
    meeting = CouncilMeeting.objects.create(
        year=YEAR,
        held_on=dt.date(2026, 12, 10),
        place="Phòng họp số 1, Sở Nông nghiệp và Môi trường",
        members_total=9,
        members_present=8,
        chair="Võ Minh Chánh",
        secretary="Đặng Thu Thư",
        note="Các thành viên thống nhất với đề xuất của Thường trực Hội đồng.",
    )
    for key, agree, approved in [
        ("cstd", 8, True),  # 8/9 = 88,9% ≥ 80 % of all members
        ("ldtt", 5, True),  # 5 > 8/2
        ("tap_the", 6, True),
        ("ho", 7, True),
        ("ldtt_no", 4, False),  # 4 is not more than half of 8
        ("bang_khen", 7, True),
        ("cstd_no", 7, False),  # 7/9 = 77,8% < 80 %
    ]:
        Vote.objects.create(
            meeting=meeting, proposal=p[key], agree=agree, disagree=9 - agree, approved=approved
        )
    for year, rating in [(2023, "good"), (2024, "good"), (2025, "excellent"), (2026, "excellent")]:
        StaffRating.objects.create(staff=staff["a"], year=year, rating=rating)
    initiative = Initiative.objects.create(
        org_unit=ptnt,
        year=YEAR,
        title="Số hóa sổ theo dõi hộ nghèo cấp xã",
        field="poverty",
        solution="Biểu mẫu điện tử",
        status="recognised",
        level="grassroots",
        decision_number="08/QĐ-SNNMT",
        decision_date=dt.date(2026, 9, 15),
        decision_issuer="Giám đốc Sở Nông nghiệp và Môi trường",
    )
    InitiativeUse.objects.create(
        initiative=initiative,
        used_for="Chiến sĩ thi đua cơ sở 2026",
        user_kind="commendation.proposal",
        user_id=p["cstd"].pk,
    )
    past = Decision.objects.create(
        number="15/QĐ-SNNMT",
        signed_on=dt.date(2026, 1, 10),
        issuer="Giám đốc Sở Nông nghiệp và Môi trường",
        year=2025,
    )
    Award.objects.create(
        decision=past,
        title=title("lao-dong-tien-tien"),
        year=2025,
        recipient_kind="individual",
        staff=staff["a"],
        recipient_name=staff["a"].full_name,
        unit_name=ptnt.name,
        multiple=Decimal("0.30"),
        base_salary=BASE,
        amount=702_000,
    )
    decision = Decision.objects.create(
        number="25/QĐ-SNNMT",
        signed_on=dt.date(2026, 12, 20),
        issuer="Giám đốc Sở Nông nghiệp và Môi trường",
        signer="Trương Văn Giám",
        year=YEAR,
    )
    awards = {}
    for key, multiple, amount in [
        ("cstd", "1.00", 2_340_000),
        ("ldtt", "0.30", 702_000),
        ("tap_the", "0.80", 1_872_000),
        ("ho", "0.45", None),
    ]:
        proposal = p[key]
        name = (
            proposal.staff.full_name
            if proposal.staff
            else proposal.org_unit.name
            if proposal.org_unit
            else proposal.household.head_name
        )
        awards[key] = Award.objects.create(
            decision=decision,
            proposal=proposal,
            title=proposal.title,
            year=YEAR,
            recipient_kind=proposal.nominee_kind,
            staff=proposal.staff,
            org_unit=proposal.org_unit,
            household=proposal.household,
            recipient_name=name,
            unit_name=ptnt.name if proposal.nominee_kind != "household" else commune_a.name,
            multiple=Decimal(multiple),
            base_salary=BASE,
            amount=amount,
        )
    province_decision = Decision.objects.create(
        number="120/QĐ-UBND",
        signed_on=dt.date(2026, 12, 28),
        issuer="Chủ tịch Ủy ban nhân dân tỉnh Đồng Nai",
        signer="Võ Tấn Đức",
        year=YEAR,
    )
    awards["bang_khen"] = Award.objects.create(
        decision=province_decision,
        proposal=p["bang_khen"],
        title=p["bang_khen"].title,
        year=YEAR,
        recipient_kind="individual",
        staff=staff["c"],
        recipient_name=staff["c"].full_name,
        unit_name=khtc.name,
        multiple=Decimal("1.50"),
        base_salary=BASE,
        amount=3_510_000,
    )
    other_head = user_create(
        username="truongphong.qldd",
        password="Thu-nghiem-2026!",
        full_name="Trưởng phòng Quản lý đất đai",
        role=Role.UNIT_HEAD,
        scope_org_units=[unit("QLĐĐ")],
        acting_user=None,
    )
    other_office = user_create(
        username="vanphong.khac",
        password="Thu-nghiem-2026!",
        full_name="Văn phòng đơn vị khác",
        role=Role.DEPARTMENT_OFFICE,
        scope_org_units=[unit("QLĐĐ")],
        acting_user=None,
    )
    return {
        "staff": staff,
        "proposals": p,
        "meeting": meeting,
        "decision": decision,
        "province_decision": province_decision,
        "awards": awards,
        "household": household,
        "other_head": other_head,
        "other_office": other_office,
        "ptnt": ptnt,
        "khtc": khtc,
    }


def download(user: User, name: str, *args: Any, query: str = "") -> Any:
    response = client_for(user).get(reverse(f"commendation:{name}", args=args) + query)
    return response


def assert_header(text: str, *lines: str) -> None:
    for line in (docformat.MOTTO, docformat.MOTTO_2, *lines):
        assert line in text, line


# The vote ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agree", "total", "present", "share", "approved"),
    [
        (8, 9, 8, 80, True),  # 88,9 % of all members
        (7, 9, 8, 80, False),  # 77,8 %: a majority of those present is not enough
        (8, 10, 8, 80, True),  # exactly 80 %
        (9, 10, 10, 90, True),
        (8, 10, 10, 90, False),
        (5, 9, 8, None, True),  # more than half of the 8 present
        (4, 9, 8, None, False),  # exactly half is not a majority
        (0, 9, 8, None, False),
        (3, 0, 0, None, False),
    ],
)
def test_vote_result_is_the_one_rule(
    agree: int, total: int, present: int, share: int | None, approved: bool
) -> None:
    assert (
        vote_result(agree=agree, members_total=total, members_present=present, vote_share=share) is approved
    )


def test_share_of_members_is_never_above_100() -> None:
    assert share_of_members(8, 9) == Decimal("88.9")
    assert share_of_members(12, 9) == Decimal("100.0")
    assert share_of_members(1, 0) is None


# Mẫu 01: the tờ trình ------------------------------------------------------------------------------------


def test_submission_to_the_director_lists_the_approved_nominees_per_title(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-submission", YEAR, query="?to=department")
    assert response.status_code == 200
    assert response["Content-Type"] == docformat.CONTENT_TYPE
    text = all_text(response.content)
    assert_header(
        text,
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "VĂN PHÒNG",
        "/TTr-VP",
        "TỜ TRÌNH",
        f"Về việc đề nghị khen thưởng năm {YEAR}",
        "Kính gửi: Giám đốc Sở Nông nghiệp và Môi trường.",
        "06/2022/QH15",
        "152/2025/NĐ-CP",
        "ngày 10 tháng 12 năm 2026 (8/9 thành viên dự họp)",
        "Nơi nhận:",
    )
    tables = grids(response.content)
    # One table per title, in the titles' order: LĐTT, CSTĐCS, TTLĐTT, the household's Giấy khen.
    assert [t[1][4] for t in tables] == [
        "Lao động tiên tiến",
        "Chiến sĩ thi đua cơ sở",
        "Tập thể lao động tiên tiến",
        "Giấy khen của Giám đốc Sở (hộ gia đình)",
    ]
    assert [[row[1] for row in t[1:]] for t in tables] == [
        ["Trần Văn Bảo"],
        ["Nguyễn Thị Hồng Nhung"],
        ["Phòng Phát triển nông thôn và Giảm nghèo"],
        ["Hộ gia đình Điểu Thị Hiền"],
    ]
    assert tables[1][1][:4] == [
        "1",
        "Nguyễn Thị Hồng Nhung",
        "Phó Trưởng phòng",
        "Phòng Phát triển nông thôn và Giảm nghèo",
    ]
    assert "Lê Văn Dũng" not in text  # rejected by the council
    assert "Phạm Thị Cúc" not in text  # a provincial form: the other tờ trình
    assert "01 tập thể, 02 cá nhân và 01 hộ gia đình" in text
    record = ExportRecord.objects.latest("pk")
    assert record.fmt == "docx" and record.rows == 4 and record.username == "vanphong"


def test_submission_to_the_province(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-submission", YEAR, query="?to=province")
    text = all_text(response.content)
    assert_header(
        text,
        "UBND TỈNH ĐỒNG NAI",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "/TTr-SNNMT",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Đồng Nai.",
        "GIÁM ĐỐC",
    )
    tables = grids(response.content)
    assert len(tables) == 1
    assert tables[0][1][:5] == [
        "1",
        "Phạm Thị Cúc",
        "Kế toán viên",
        "Phòng Kế hoạch – Tài chính",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (cá nhân)",
    ]


def test_a_year_without_approved_proposals_has_no_submission(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-submission", 2019)
    assert response.status_code == 302
    assert "year=2019" in response["Location"]


# The council's minutes ----------------------------------------------------------------------------------


def test_minutes_print_the_vote_and_its_result(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-minutes", world["meeting"].pk)
    assert response.status_code == 200
    text = all_text(response.content)
    assert_header(
        text,
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "BIÊN BẢN",
        f"Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng năm {YEAR}",
        "Đồng Nai, ngày 10 tháng 12 năm 2026",
        "Chủ trì: Võ Minh Chánh",
        "Tổng số thành viên Hội đồng: 9 người; có mặt: 8 người; vắng mặt: 1 người",
        "THƯ KÝ",
        "CHỦ TỊCH HỘI ĐỒNG",
        "từ 80% tổng số thành viên",
    )
    (votes,) = grids(response.content)
    rows = {row[1]: row for row in votes[1:]}
    assert len(rows) == 6  # Phạm Thị Cúc twice (two proposals)
    assert len(votes) - 1 == 7
    assert rows["Nguyễn Thị Hồng Nhung"][4:] == ["8", "1", "88,9%", "Đạt"]
    assert rows["Lê Văn Dũng"][4:] == ["4", "5", "44,4%", "Không đạt"]
    cuc = [row for row in votes[1:] if row[1] == "Phạm Thị Cúc"]
    assert sorted(r[7] for r in cuc) == ["Không đạt", "Đạt"]  # 7/9: the Bằng khen passes, the CSTĐCS does not
    assert [r[0] for r in votes[1:]] == [str(n) for n in range(1, 8)]
    assert "thống nhất đề nghị khen thưởng 5 trường hợp" in text
    assert "2 trường hợp không đạt" in text


def test_minutes_of_another_unit_are_not_found(world, users) -> None:  # type: ignore[no-untyped-def]
    office = world["other_office"]
    assert download(office, "doc-minutes", world["meeting"].pk).status_code == 404
    assert download(office, "doc-report", world["proposals"]["cstd"].pk).status_code == 404
    assert download(office, "doc-certificates", world["decision"].pk).status_code == 404
    assert download(office, "doc-submission", YEAR, query="?to=department").status_code == 302
    page = download(office, "doc-index", query=f"?year={YEAR}")
    body = page.content.decode()
    assert page.status_code == 200
    for name in ("Nguyễn Thị Hồng Nhung", "25/QĐ-SNNMT", "Võ Minh Chánh", "Phòng họp số 1"):
        assert name not in body
    assert page.context["counts"] == {"province": 0, "department": 0}
    # A unit head does not prepare the dossier.
    for user in (world["other_head"], users["truongphong"], users["hoidong"]):
        assert download(user, "doc-minutes", world["meeting"].pk).status_code == 403
        assert download(user, "doc-index").status_code == 403


# Mẫu 05 ------------------------------------------------------------------------------------------------


def test_achievement_report_of_an_individual(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-report", world["proposals"]["cstd"].pk)
    assert response.status_code == 200
    text = all_text(response.content)
    assert_header(
        text,
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "PHÒNG PHÁT TRIỂN NÔNG THÔN VÀ GIẢM NGHÈO",
        "Mẫu số 05",
        "BÁO CÁO THÀNH TÍCH",
        f"Đề nghị công nhận danh hiệu “Chiến sĩ thi đua cơ sở” năm {YEAR}",
        "Họ và tên: Nguyễn Thị Hồng Nhung; giới tính: Nữ",
        "Ngày, tháng, năm sinh: 07/03/1985",
        "Chức vụ: Phó Trưởng phòng",
        "Sáng kiến “Số hóa sổ theo dõi hộ nghèo cấp xã” được công nhận tại Quyết định số 08/QĐ-SNNMT ngày "
        "15/09/2026 của Giám đốc Sở Nông nghiệp và Môi trường, phạm vi ảnh hưởng cấp cơ sở.",
        "tham mưu giảm nghèo bền vững",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ",
    )
    ratings, titles = grids(response.content)
    # The last five years up to the proposal's: 2023–2026.
    assert [row[:2] for row in ratings[1:]] == [
        ["2023", "Hoàn thành tốt nhiệm vụ"],
        ["2024", "Hoàn thành tốt nhiệm vụ"],
        ["2025", "Hoàn thành xuất sắc nhiệm vụ"],
        ["2026", "Hoàn thành xuất sắc nhiệm vụ"],
    ]
    assert titles[1][:2] == ["2025", "Lao động tiên tiến"]
    assert "15/QĐ-SNNMT" in titles[1][2]
    # This year's award is not a past one.
    assert "25/QĐ-SNNMT" not in text


def test_no_achievement_report_for_a_collective(world, users) -> None:  # type: ignore[no-untyped-def]
    assert download(users["vanphong"], "doc-report", world["proposals"]["tap_the"].pk).status_code == 404


# Certificates -------------------------------------------------------------------------------------------


def test_certificates_a_landscape_page_per_award(world, users) -> None:  # type: ignore[no-untyped-def]
    response = download(users["vanphong"], "doc-certificates", world["decision"].pk)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert len(document.sections) == 4
    assert all(s.page_width > s.page_height for s in document.sections)
    text = all_text(response.content)
    assert text.count(docformat.MOTTO) == 4
    assert_header(
        text,
        "GIÁM ĐỐC SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "CÔNG NHẬN DANH HIỆU",
        "CHIẾN SĨ THI ĐUA CƠ SỞ",
        "TẶNG",
        "GIẤY KHEN",
        "Bà Nguyễn Thị Hồng Nhung",
        "Ông Trần Văn Bảo",
        "Tập thể Phòng Phát triển nông thôn và Giảm nghèo",
        "Gia đình Điểu Thị Hiền",
        "Quyết định số: 25/QĐ-SNNMT",
        "Đồng Nai, ngày 20 tháng 12 năm 2026",
        "Trương Văn Giám",
        f"Đã có thành tích xuất sắc trong phong trào thi đua và thực hiện nhiệm vụ năm {YEAR}",
    )
    assert ExportRecord.objects.latest("pk").rows == 4
    provincial = all_text(
        download(users["vanphong"], "doc-certificates", world["province_decision"].pk).content
    )
    assert "BẰNG KHEN" in provincial and "CHỦ TỊCH" in provincial and "Bà Phạm Thị Cúc" in provincial


# The dossier page ---------------------------------------------------------------------------------------


def test_dossier_page_links_every_document(world, users) -> None:  # type: ignore[no-untyped-def]
    page = download(users["vanphong"], "doc-index", query=f"?year={YEAR}")
    assert page.status_code == 200
    body = page.content.decode()
    assert page.context["counts"] == {"province": 1, "department": 4}
    for url in (
        reverse("commendation:doc-submission", args=[YEAR]) + "?to=province",
        reverse("commendation:doc-submission", args=[YEAR]) + "?to=department",
        reverse("commendation:doc-minutes", args=[world["meeting"].pk]),
        reverse("commendation:doc-certificates", args=[world["decision"].pk]),
        reverse("commendation:doc-report", args=[world["proposals"]["cstd"].pk]),
    ):
        assert url in body, url
    # Individuals only, searchable without accents.
    assert page.context["page_obj"].paginator.count == 5
    found = download(users["vanphong"], "doc-index", query=f"?year={YEAR}&q=hong nhung")
    assert [p.staff.full_name for p in found.context["page_obj"]] == ["Nguyễn Thị Hồng Nhung"]
    assert "Hồ sơ khen thưởng" in body  # the page speaks Vietnamese


# LibreOffice --------------------------------------------------------------------------------------------


@needs_office
def test_submission_converts_to_pdf(world, users, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = download(users["vanphong"], "doc-submission", YEAR, query="?to=department").content
    source = tmp_path / "to-trinh.docx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603 (our own file, the path of the installed program)
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = subprocess.run(  # noqa: S603
        [str(PDFTOTEXT), "-layout", str(tmp_path / "to-trinh.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # the national motto on one line
    assert "TỜ TRÌNH" in text
    assert "Trần Văn Bảo" in text
    assert "Xã Bù Gia Mập" in text
    assert "STT" in text  # the column is wide enough for its heading


def test_dossier_formatter_cuts_long_achievements() -> None:
    long = "Tham mưu " + "thực hiện hiệu quả chương trình giảm nghèo, " * 30
    cut = dossier.summary(long)
    assert len(cut) <= dossier.SUMMARY_LIMIT + 1 and cut.endswith("…")
    assert dossier.summary("  Ngắn   gọn. ") == "Ngắn gọn."
