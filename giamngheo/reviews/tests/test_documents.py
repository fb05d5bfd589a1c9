"""The review's documents print right: the certificate's tables keep their widths in Word and LibreOffice,
its number is registered once and never changes; the village meeting minutes and the commune's recognition
decision (with its attached lists) are complete, scoped, and lay out on A4 as Decree 30/2020 says.

The world is built with the services where they are stable and with plain rows for the review's later
steps (recognised assessments, a village meeting), so that these tests do not depend on how the steps are
recorded. LibreOffice checks run when ``soffice`` and ``pdftotext`` are installed (``make office``)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from conftest import client_for
from giamngheo.core import docformat
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import documents, services
from giamngheo.reviews.models import (
    Assessment,
    AssessmentStatus,
    Certificate,
    CommuneReview,
    Movement,
    Source,
    Step,
    VillageMeeting,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_office = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT and PDFINFO), reason="LibreOffice Writer and poppler-utils: run `make office`"
)


def all_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the session (its first start is the slow one)."""
    return tmp_path_factory.mktemp("lo-profile")


def pdf_of(data: bytes, folder: Path, profile: Path) -> Path:
    source = folder / "document.docx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603 (our own file, the path of the installed program)
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return folder / "document.pdf"


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext -layout)."""
    text = subprocess.run(  # noqa: S603
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def pdf_page_sizes(pdf: Path) -> list[str]:
    info = subprocess.run(  # noqa: S603
        [str(PDFINFO), "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return [
        line.split(":", 1)[1].strip()
        for line in info.splitlines()
        if line.startswith("Page") and "size:" in line
    ]


def recognise_row(
    review: CommuneReview,
    household: Any,
    *,
    before: str,
    proposed: str,
    decided: str,
    movement: str,
    votes: int = 28,
    attendance: int = 30,
) -> Assessment:
    return Assessment.objects.create(
        round=review.round,
        household=household,
        commune=review.commune,
        source=Source.CURRENT_LIST if before else Source.REQUEST,
        status=AssessmentStatus.RECOGNISED,
        category_before=before,
        proposed_category=proposed,
        decided_category=decided,
        meeting_votes_for=votes,
        meeting_attendance=attendance,
        movement=movement,
        standard="ND07-2021",
    )


@pytest.fixture
def world(province, commune_a, users) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Commune A after the chairperson's decision 123/QĐ-UBND of 05/11/2026: in the first village a poor
    household of three (its address repeats village and commune, as the registry often has it) and a
    near-poor one; in the second village a poor household that escaped into near-poverty and a near-poor
    one that escaped near-poverty."""
    review_round = services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    first, second = list(commune_a.children.order_by("code")[:2])
    poor = make_household(
        commune_a,
        head="Điểu Lệ",
        code="BGM-D0003",
        village=first,
        ethnic_group="22",
        address=f"Tổ 4, {first.name}, {commune_a.name}",
        members=[
            {
                "full_name": "Thị Bông",
                "sex": "F",
                "date_of_birth": dt.date(1984, 2, 3),
                "relationship": "spouse",
            },
            {
                "full_name": "Điểu Nam",
                "sex": "M",
                "date_of_birth": dt.date(2012, 6, 1),
                "relationship": "child",
            },
        ],
    )
    near = make_household(commune_a, head="Lâm Thị Cận", code="BGM-D0005", village=first)
    escaped = make_household(commune_a, head="Vũ Văn Thoát", code="BGM-D0007", village=second)
    escaped_near = make_household(commune_a, head="Hồ Văn Khá", code="BGM-D0009", village=second)
    rows = {
        "poor": recognise_row(
            review, poor, before="poor", proposed="poor", decided="poor", movement=Movement.STILL_POOR
        ),
        "near": recognise_row(
            review,
            near,
            before="near_poor",
            proposed="near_poor",
            decided="near_poor",
            movement=Movement.STILL_NEAR_POOR,
            votes=15,
        ),
        "escaped": recognise_row(
            review,
            escaped,
            before="poor",
            proposed="near_poor",
            decided="near_poor",
            movement=Movement.POOR_TO_NEAR_POOR,
        ),
        "escaped_near": recognise_row(
            review,
            escaped_near,
            before="near_poor",
            proposed="not_poor",
            decided="not_poor",
            movement=Movement.ESCAPED_NEAR_POVERTY,
        ),
    }
    review.step = Step.RECOGNITION
    review.posting_from, review.posting_to = dt.date(2026, 10, 20), dt.date(2026, 10, 27)
    review.decision_number, review.decision_date = "123/QĐ-UBND", dt.date(2026, 11, 5)
    review.save()
    return {"review": review, "villages": (first, second), **rows}


# The certificate --------------------------------------------------------------------------------------------


def test_every_table_of_the_certificate_has_explicit_widths(world, users) -> None:
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificates-all", args=[world["review"].pk])
    )
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    tables = document.element.body.iter(qn("w:tbl"))
    checked = 0
    for tbl in tables:
        props = tbl.find(qn("w:tblPr"))
        assert props.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        total = props.find(qn("w:tblW"))
        assert total.get(qn("w:type")) == "dxa"
        grid = [int(col.get(qn("w:w"))) for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert all(width > 0 for width in grid)
        assert sum(grid) == int(total.get(qn("w:w")))
        assert sum(grid) <= 9356 + 2  # 165 mm of text width, in twips
        for tr in tbl.findall(qn("w:tr")):
            column = 0
            for tc in tr.findall(qn("w:tc")):
                tc_pr = tc.find(qn("w:tcPr"))
                width = tc_pr.find(qn("w:tcW"))
                span_el = tc_pr.find(qn("w:gridSpan"))
                span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                assert width.get(qn("w:type")) == "dxa"
                assert int(width.get(qn("w:w"))) == sum(grid[column : column + span])
                column += span
            assert column == len(grid)
        checked += 1
    assert checked == 3 * 3  # header, members, signature of each of the three certificates
    # The header's right column holds the motto: 10 cm (5669 twips).
    header = next(document.element.body.iter(qn("w:tbl")))
    assert [int(c.get(qn("w:w"))) for c in header.find(qn("w:tblGrid"))] == [3685, 5669]


def test_certificate_text_address_once_and_paragraph_spacing(world, users) -> None:
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificate", args=[world["poor"].pk])
    )
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    village = world["villages"][0].name
    address = next(p.text for p in document.paragraphs if p.text.startswith("Nơi thường trú: "))
    assert address == f"Nơi thường trú: Tổ 4, {village}, xã Bù Gia Mập, tỉnh Đồng Nai"
    assert address.count(village) == 1 and address.lower().count("bù gia mập") == 1
    body = [p for p in document.paragraphs if p.text.strip()]
    after_title = body[[p.text for p in body].index("Năm 2027") + 1 :]
    assert after_title, "the body follows the title"
    for paragraph in after_title:
        if paragraph.text.startswith("I. DANH SÁCH"):
            continue
        assert paragraph.paragraph_format.space_before.pt == 6, paragraph.text
    assert "Là: HỘ NGHÈO theo kết quả rà soát định kỳ năm 2026." in [p.text for p in body]


def test_full_address_names_each_unit_once() -> None:
    assert (
        docformat.full_address("Thôn 3, Xã Bù Gia Mập", "Thôn 3", "xã Bù Gia Mập", "tỉnh Đồng Nai")
        == "Thôn 3, xã Bù Gia Mập, tỉnh Đồng Nai"
    )
    address = "Số 12, Khu phố 1, Phường Trấn Biên, Đồng Nai"
    assert (
        docformat.full_address(address, "Khu phố 1", "phường Trấn Biên", "tỉnh Đồng Nai")
        == "Số 12, Khu phố 1, phường Trấn Biên, tỉnh Đồng Nai"
    )
    # "Thôn 3" is not "Ấp 3": a different unit stays.
    assert docformat.full_address("Ấp 3", "Thôn 3", "xã A", "") == "Ấp 3, Thôn 3, xã A"
    assert docformat.full_address("", "Thôn 3", "xã A", "tỉnh B") == "Thôn 3, xã A, tỉnh B"


def test_vietnamese_numbers() -> None:
    assert docformat.vn_number(1234567) == "1.234.567"
    assert docformat.vn_number(12) == "12"
    assert docformat.vn_percent(2, 3) == "66,7%"
    assert docformat.vn_percent(1, 0) == ""


def test_certificate_numbers_are_registered_once_and_never_change(world, users, commune_a) -> None:
    review = world["review"]
    officer = client_for(users["canbo.bugiamap"])
    assert not Certificate.objects.filter(round=review.round, commune=commune_a).exists()
    first = officer.get(reverse("reviews:certificates-all", args=[review.pk]))
    assert first.status_code == 200
    numbers = dict(
        Certificate.objects.filter(round=review.round, commune=commune_a).values_list(
            "household_id", "number"
        )
    )
    # In list order: village, then household code; the household that escaped into near-poverty is near-poor.
    assert numbers == {
        world["poor"].household_id: 1,
        world["near"].household_id: 2,
        world["escaped"].household_id: 3,
    }
    assert "01/GCN-HN.HCN" in all_text(first.content) and "03/GCN-HN.HCN" in all_text(first.content)
    # A household added later to the list, whose code sorts before all the others, takes the next number.
    newcomer = make_household(commune_a, head="Đinh Thị Mới", code="BGM-A0001", village=world["villages"][0])
    late = recognise_row(
        review, newcomer, before="", proposed="poor", decided="poor", movement=Movement.NEWLY_POOR
    )
    single = officer.get(reverse("reviews:certificate", args=[world["poor"].pk]))
    assert "Số: 01/GCN-HN.HCN" in all_text(single.content)
    again = officer.get(reverse("reviews:certificate", args=[late.pk]))
    assert "Số: 04/GCN-HN.HCN" in all_text(again.content)
    # A household that leaves the list keeps its number unused; the next one is never given its number.
    Assessment.objects.filter(pk=world["near"].pk).update(decided_category="not_poor")
    another = make_household(commune_a, head="Cao Văn Sau", code="BGM-A0002", village=world["villages"][0])
    recognise_row(
        review, another, before="", proposed="near_poor", decided="near_poor", movement="newly_near_poor"
    )
    everything = all_text(officer.get(reverse("reviews:certificates-all", args=[review.pk])).content)
    assert "Lâm Thị Cận" not in everything and "02/GCN-HN.HCN" not in everything
    after = dict(
        Certificate.objects.filter(round=review.round, commune=commune_a).values_list(
            "household_id", "number"
        )
    )
    assert {k: after[k] for k in numbers} == numbers
    assert after[newcomer.pk] == 4 and after[another.pk] == 5
    # The certificate of the household before and after: the same number on the page.
    assert "Số: 01/GCN-HN.HCN" in all_text(
        officer.get(reverse("reviews:certificate", args=[world["poor"].pk])).content
    )


def test_registration_is_idempotent_and_audited(world) -> None:
    from giamngheo.core.models import AuditRecord

    review = world["review"]
    before = AuditRecord.objects.filter(action="reviews.certificates.register").count()
    first = services.certificates_register(review=review, acting_user=None)
    second = services.certificates_register(review=review, acting_user=None)
    assert first == second and sorted(first.values()) == [1, 2, 3]
    assert AuditRecord.objects.filter(action="reviews.certificates.register").count() == before + 1


def test_no_numbers_before_recognition(province, commune_a, users) -> None:
    review_round = services.round_open(province=province, year=2026, acting_user=None)
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    from giamngheo.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.certificates_register(review=review, acting_user=None)
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificates-all", args=[review.pk]), follow=True
    )
    assert response.redirect_chain and response.context["messages"]
    assert not Certificate.objects.filter(round=review_round).exists()


@needs_office
def test_libreoffice_prints_the_motto_on_one_line_and_one_page_per_household(
    world, users, tmp_path, office_profile
) -> None:
    data = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificates-all", args=[world["review"].pk])
    )
    pdf = pdf_of(data.content, tmp_path, office_profile)
    pages = pdf_pages(pdf)
    assert len(pages) == 3  # three certificates, one page each
    assert set(pdf_page_sizes(pdf)) == {"595.304 x 841.89 pts (A4)"}
    for n, page in enumerate(pages, start=1):
        lines = page.splitlines()
        assert sum(docformat.MOTTO in line for line in lines) == 1, page
        motto_line = next(line for line in lines if docformat.MOTTO in line)
        assert "ỦY BAN NHÂN DÂN" in motto_line  # the two header columns side by side
        assert f"Số: {n:02d}/GCN-HN.HCN" in page
        assert "TM. ỦY BAN NHÂN DÂN" in page and "CHỦ TỊCH" in page
    assert "Điểu Lệ" in pages[0] and "Thị Bông" in pages[0]


# Village meeting minutes ------------------------------------------------------------------------------------


@pytest.fixture
def meeting(world) -> VillageMeeting:  # type: ignore[no-untyped-def]
    return VillageMeeting.objects.create(
        commune_review=world["review"],
        village=world["villages"][0],
        held_on=dt.date(2026, 10, 5),
        place="Nhà văn hóa thôn",
        chair="Nguyễn Văn Trưởng",
        secretary="Trần Thị Ký",
        attendance=30,
        note="Không có ý kiến khác.",
    )


def test_minutes_of_a_village_meeting(world, meeting, users) -> None:
    url = reverse("reviews:meeting-minutes", kwargs={"pk": world["review"].pk, "meeting": meeting.pk})
    response = client_for(users["canbo.bugiamap"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == docformat.CONTENT_TYPE
    assert ".docx" in response["Content-Disposition"]
    text = all_text(response.content)
    village = world["villages"][0].name
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert f"ỦY BAN NHÂN DÂN\nXÃ BÙ GIA MẬP\n{village.upper()}" in text
    assert "Bù Gia Mập, ngày 05 tháng 10 năm 2026" in text
    assert "BIÊN BẢN" in text
    assert "về kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026" in text
    assert "Địa điểm: Nhà văn hóa thôn" in text
    assert "Chủ trì: Nguyễn Văn Trưởng" in text and "Thư ký: Trần Thị Ký" in text
    assert "Số người dự họp: 30 người" in text
    # The households of this village, with the standard's result, the votes, the share and the conclusion.
    document = Document(io.BytesIO(response.content))
    votes = next(t for t in document.tables if t.cell(0, 0).text == "STT")
    rows = [[c.text for c in row.cells] for row in votes.rows]
    assert rows[0] == documents.MINUTES_HEADINGS
    assert rows[1] == ["1", "BGM-D0003", "Điểu Lệ", "Hộ nghèo", "28/30", "93,3%", "Hộ nghèo"]
    assert rows[2] == ["2", "BGM-D0005", "Lâm Thị Cận", "Hộ cận nghèo", "15/30", "50,0%", "Hộ cận nghèo"]
    assert len(rows) == 3  # the households of the other village are not in these minutes
    assert "Vũ Văn Thoát" not in text and "Hồ Văn Khá" not in text
    assert "lập thành 02 bản" in text and "01 bản lưu tại" in text and "Ban Chỉ đạo" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text
    assert "Không có ý kiến khác." in text


def test_minutes_of_another_commune_are_not_found(world, meeting, users, commune_b) -> None:
    review = world["review"]
    url = reverse("reviews:meeting-minutes", kwargs={"pk": review.pk, "meeting": meeting.pk})
    assert client_for(users["canbo.tranbien"]).get(url).status_code == 404
    assert client_for(users["lanhdao"]).get(url).status_code == 403  # no access to households
    # A meeting of commune A asked for under commune B's review: not found either.
    review_b = CommuneReview.objects.get(round=review.round, commune=commune_b)
    crossed = reverse("reviews:meeting-minutes", kwargs={"pk": review_b.pk, "meeting": meeting.pk})
    assert client_for(users["canbo.tranbien"]).get(crossed).status_code == 404
    assert client_for(users["admin"]).get(crossed).status_code == 404


@needs_office
def test_minutes_print_on_a4(world, meeting, users, tmp_path, office_profile) -> None:
    url = reverse("reviews:meeting-minutes", kwargs={"pk": world["review"].pk, "meeting": meeting.pk})
    pdf = pdf_of(client_for(users["canbo.bugiamap"]).get(url).content, tmp_path, office_profile)
    pages = pdf_pages(pdf)
    assert set(pdf_page_sizes(pdf)) == {"595.304 x 841.89 pts (A4)"}
    assert sum(docformat.MOTTO in line for line in pages[0].splitlines()) == 1
    whole = "\n".join(pages)
    assert "THƯ KÝ" in whole and "CHỦ TRÌ" in whole and "Điểu Lệ" in whole


# The recognition decision -----------------------------------------------------------------------------------


def test_recognition_decision_and_its_lists(world, users) -> None:
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:decision-docx", args=[world["review"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == docformat.CONTENT_TYPE
    text = all_text(response.content)
    assert "Số: 123/QĐ-UBND" in text
    assert "Bù Gia Mập, ngày 05 tháng 11 năm 2026" in text
    assert "QUYẾT ĐỊNH" in text
    assert "Về việc công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm 2026" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÙ GIA MẬP" in text
    assert "Căn cứ Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021" in text
    assert "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ" in text
    assert "từ ngày 20/10/2026 đến ngày 27/10/2026" in text
    # Điều 1 counts households and persons: poor 1 household of 3; near-poor 2 of 1 each (one became
    # near-poor on escaping poverty); escaped poverty 1; escaped near-poverty 1.
    assert "1. Hộ nghèo: 1 hộ, 3 nhân khẩu (Phụ lục I kèm theo)." in text
    assert "2. Hộ cận nghèo: 2 hộ, 2 nhân khẩu (Phụ lục II kèm theo)." in text
    assert "3. Hộ thoát nghèo: 1 hộ, 1 nhân khẩu (Phụ lục III kèm theo)." in text
    assert "4. Hộ thoát cận nghèo: 1 hộ, 1 nhân khẩu (Phụ lục IV kèm theo)." in text
    assert "Điều 2." in text and "từ ngày 01 tháng 01 năm 2027" in text and "Điều 3." in text
    assert "Nơi nhận:" in text and "- Như Điều 3;" in text and "- Lưu: VT." in text
    assert "CHỦ TỊCH" in text
    reference = (
        "(Kèm theo Quyết định số 123/QĐ-UBND ngày 05 tháng 11 năm 2026 "
        "của Chủ tịch Ủy ban nhân dân xã Bù Gia Mập)"
    )
    assert text.count(reference) == 4
    for title in ("HỘ NGHÈO", "HỘ CẬN NGHÈO", "HỘ THOÁT NGHÈO", "HỘ THOÁT CẬN NGHÈO"):
        assert f"DANH SÁCH {title} NĂM 2026" in text
    document = Document(io.BytesIO(response.content))
    lists = [t for t in document.tables if t.cell(0, 0).text == "STT"]
    assert len(lists) == 4
    heads = [[row.cells[2].text for row in t.rows[1:-1]] for t in lists]
    assert heads == [["Điểu Lệ"], ["Lâm Thị Cận", "Vũ Văn Thoát"], ["Vũ Văn Thoát"], ["Hồ Văn Khá"]]
    poor_list = [[c.text for c in row.cells] for row in lists[0].rows]
    assert poor_list[0] == documents.LIST_HEADINGS
    village = world["villages"][0].name
    assert poor_list[1] == ["1", "BGM-D0003", "Điểu Lệ", village, "Xtiêng", "3"]
    assert poor_list[2][2] == "Tổng cộng" and poor_list[2][5] == "3"
    # The list of those who escaped poverty says which became near-poor, on an A4 landscape page.
    escaped = [[c.text for c in row.cells] for row in lists[2].rows]
    assert escaped[0][-1] == "Ghi chú" and escaped[1][-1] == "Trở thành hộ cận nghèo"
    orientations = [(s.page_width.mm > s.page_height.mm) for s in document.sections]
    assert orientations == [False, False, False, True, False]
    # Each list's pages are numbered on their own.
    assert all(s.different_first_page_header_footer for s in document.sections)


def test_decision_only_after_recognition_and_only_in_scope(world, users, province, commune_b) -> None:
    review = world["review"]
    url = reverse("reviews:decision-docx", args=[review.pk])
    assert client_for(users["canbo.tranbien"]).get(url).status_code == 404
    assert client_for(users["lanhdao"]).get(url).status_code == 403
    review_b = CommuneReview.objects.get(round=review.round, commune=commune_b)
    response = client_for(users["canbo.tranbien"]).get(
        reverse("reviews:decision-docx", args=[review_b.pk]), follow=True
    )
    assert response.redirect_chain and response.context["messages"]
    # The province's specialist sees it (whole province in scope).
    assert client_for(users["chuyenvien"]).get(url).status_code == 200


@needs_office
def test_decision_prints_on_a4_with_the_motto_on_one_line(world, users, tmp_path, office_profile) -> None:
    data = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:decision-docx", args=[world["review"].pk])
    )
    pdf = pdf_of(data.content, tmp_path, office_profile)
    pages = pdf_pages(pdf)
    sizes = pdf_page_sizes(pdf)
    assert sizes[0] == "595.304 x 841.89 pts (A4)"
    assert "841.89 x 595.304 pts (A4)" in sizes  # the landscape list
    assert sum(docformat.MOTTO in line for line in pages[0].splitlines()) == 1
    starts = [n for n, page in enumerate(pages) if "(Kèm theo Quyết định số 123/QĐ-UBND" in page]
    assert len(starts) == 4  # each list starts on its own page
    assert "Điều 1." in "\n".join(pages[: starts[0]])


@needs_office
def test_a_household_of_ten_still_fits_one_page(world, users, commune_a, tmp_path, office_profile) -> None:
    members = [
        {
            "full_name": f"Nguyễn Thị Hoa {i}",
            "sex": "F",
            "date_of_birth": dt.date(1990 + i, 1, 1),
            "relationship": "child",
        }
        for i in range(9)
    ]
    big = make_household(commune_a, head="Nguyễn Văn Đông", code="BGM-Z0001", members=members)
    row = recognise_row(
        world["review"], big, before="poor", proposed="poor", decided="poor", movement="still_poor"
    )
    data = client_for(users["canbo.bugiamap"]).get(reverse("reviews:certificate", args=[row.pk]))
    pages = pdf_pages(pdf_of(data.content, tmp_path, office_profile))
    assert len(pages) == 1
    assert "Nguyễn Thị Hoa 8" in pages[0] and "CHỦ TỊCH" in pages[0]


def test_decision_of_a_frozen_commune_prints_what_was_frozen(world, users) -> None:
    """After the commune's figures are frozen, the registry may change: the lists keep the frozen names,
    villages and persons."""
    from django.utils import timezone

    from giamngheo.reviews.models import RoundHousehold

    review = world["review"]
    now = timezone.now()
    poor = world["poor"].household
    RoundHousehold.objects.create(
        round=review.round,
        commune=review.commune,
        village=poor.village,
        household=poor,
        code=poor.code,
        head_name="Điểu Lệ",
        village_name="Thôn Cũ",
        ethnic_group="22",
        persons=5,
        start_category="poor",
        end_category="poor",
        frozen_at=now,
    )
    CommuneReview.objects.filter(pk=review.pk).update(frozen_at=now)
    type(poor).objects.filter(pk=poor.pk).update(head_name="Tên Đã Đổi")
    text = all_text(
        client_for(users["canbo.bugiamap"]).get(reverse("reviews:decision-docx", args=[review.pk])).content
    )
    assert "1. Hộ nghèo: 1 hộ, 5 nhân khẩu" in text
    assert "Thôn Cũ" in text and "Tên Đã Đổi" not in text


def test_document_links_include(world, meeting, users) -> None:
    from django.template.loader import render_to_string

    def context(can_download: bool, **extra):
        return {"review": review, "shell": {"can_download": can_download}, **extra}

    review = world["review"]
    html = render_to_string("reviews/_document_links.html", context(True, meetings=[meeting]))
    assert reverse("reviews:decision-docx", kwargs={"pk": review.pk}) in html
    assert reverse("reviews:meeting-minutes", kwargs={"pk": review.pk, "meeting": meeting.pk}) in html
    assert "Quyết định công nhận và danh sách kèm theo (DOCX)" in html
    assert f"Biên bản họp {meeting.village.name} (DOCX)" in html
    assert "reviews:" not in html
    hidden = render_to_string("reviews/_document_links.html", context(False, meetings=[meeting]))
    assert "docx" not in hidden.lower()
    review.step = Step.POSTING
    before = render_to_string("reviews/_document_links.html", context(True))
    assert "decision.docx" not in before


def test_texts_of_the_documents() -> None:
    from giamngheo.poverty.standard import get_standard

    assert documents.village_in_text("Thôn Bù Tam", "thon") == "thôn Bù Tam"
    assert documents.village_in_text("Thôn 3", "thon") == "Thôn 3"
    assert documents.village_in_text("Ấp 2", "ap") == "Ấp 2"
    assert documents.village_in_text("Bù Tam", "ap") == "ấp Bù Tam"
    assert documents.village_in_text("Khu phố 1", "khu_pho") == "Khu phố 1"
    assert documents.village_words(["thon", "ap", "thon"]) == "thôn, ấp"
    assert documents.village_words([]) == "thôn"
    assert documents.standard_basis(get_standard("ND351-2025")) == (
        "Căn cứ Nghị định số 351/2025/NĐ-CP ngày 30 tháng 12 năm 2025 của Chính phủ "
        "quy định chuẩn nghèo đa chiều giai đoạn 2026 - 2030;"
    )
    assert documents.standard_basis(get_standard("DN-QD32-2022"), "tỉnh Đồng Nai") == (
        "Căn cứ Quyết định số 32/2022/QĐ-UBND ngày 29 tháng 7 năm 2022 của Ủy ban nhân dân tỉnh Đồng Nai "
        "ban hành chuẩn nghèo đa chiều tỉnh Đồng Nai giai đoạn 2022 - 2025;"
    )
    assert docformat.decision_symbol("123") == "123/QĐ-UBND"
    assert docformat.decision_symbol(" 45/QĐ-CT ") == "45/QĐ-CT"
