"""The poor / near-poor household certificate (DOCX) and its download."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_SECTION

from conftest import client_for
from giamngheo.core import docformat
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import certificates, services
from giamngheo.reviews.models import Assessment, CommuneReview
from giamngheo.reviews.tests.meetings import hold_village_meetings


def all_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def recognised(province, commune_a, users) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Commune A after the chairperson's decision: one poor, one near-poor and one not-poor household."""
    review_round = services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    poor = make_household(
        commune_a,
        head="Điểu Lệ",
        category="poor",
        ethnic_group="22",
        water_source="surface",
        latrine="none",
        devices=[],
        waste_handling="dumped",  # a third indicator under the 2027 standard the 2026 round applies
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
    near = make_household(commune_a, head="Lâm Thị Cận", category="near_poor")
    rich = make_household(commune_a, head="Hồ Văn Khá", category="near_poor")
    services.listing_complete(review=review, acting_user=None)
    incomes = {poor.pk: 900_000, near.pk: 1_200_000, rich.pk: 5_000_000}
    for assessment in Assessment.objects.filter(round=review_round, commune=commune_a):
        services.survey_record(
            assessment=assessment,
            income_per_capita=incomes[assessment.household_id],
            version=ANY_VERSION,
            acting_user=None,
        )
    services.survey_complete(review=review, acting_user=None)
    hold_village_meetings(review, on=dt.date(2026, 10, 5), attendance=30)
    for assessment in Assessment.objects.filter(round=review_round, commune=commune_a):
        services.meeting_record(
            version=ANY_VERSION,
            assessment=assessment,
            votes_for=30,
            attendance=30,
            decided_category=assessment.proposed_category,
            acting_user=None,
        )
    services.meeting_complete(review=review, acting_user=None)
    services.posting_complete(
        review=review, posting_from=dt.date(2026, 10, 6), posting_to=dt.date(2026, 10, 12), acting_user=None
    )
    services.recognise(
        review=review, decision_number="123/QĐ-UBND", decision_date=dt.date(2026, 11, 5), acting_user=None
    )
    by_household = {a.household_id: a for a in Assessment.objects.filter(round=review_round)}
    assert by_household[poor.pk].decided_category == "poor"
    assert by_household[near.pk].decided_category == "near_poor"
    assert by_household[rich.pk].decided_category not in ("poor", "near_poor")
    return {
        "review": review,
        "poor": by_household[poor.pk],
        "near": by_household[near.pk],
        "rich": by_household[rich.pk],
    }


def test_certificate_opens_with_python_docx_and_carries_the_facts(recognised, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    response = officer.get(reverse("reviews:certificate", args=[recognised["poor"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == docformat.CONTENT_TYPE
    assert "attachment;" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = all_text(response.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN\nXÃ BÙ GIA MẬP" in text
    assert "Bù Gia Mập, ngày 05 tháng 11 năm 2026" in text
    assert "GIẤY CHỨNG NHẬN" in text and "HỘ NGHÈO" in text and "HỘ CẬN NGHÈO" not in text
    assert "Điểu Lệ" in text and "Thị Bông" in text and "Điểu Nam" in text
    assert "123/QĐ-UBND" in text
    assert "/GCN-HN.HCN" in text
    assert "từ ngày 01 tháng 01 năm 2027 đến ngày 31 tháng 12 năm 2027" in text
    assert "tỉnh Đồng Nai" in text


def test_certificate_layout_follows_decree_30(recognised, users) -> None:
    data = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificate", args=[recognised["near"].pk])
    )
    document = Document(io.BytesIO(data.content))
    section = document.sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 20, "bottom_margin": 20}
    expected |= {"left_margin": 30, "right_margin": 15}
    for name, mm in expected.items():
        assert abs(getattr(section, name).mm - mm) < 0.1, name
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    sizes = {run.font.size.pt for p in document.paragraphs for run in p.runs if run.font.size is not None}
    assert sizes and sizes <= {12.0, 12.5, 13.0, 14.0}
    motto = next(p for t in document.tables for c in t._cells for p in c.paragraphs if "CỘNG HÒA" in p.text)
    assert all(run.bold for run in motto.runs)
    assert "HỘ CẬN NGHÈO" in all_text(data.content)


def test_all_certificates_of_the_commune_in_one_document(recognised, users) -> None:
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificates-all", args=[recognised["review"].pk])
    )
    assert response.status_code == 200
    text = all_text(response.content)
    assert "Điểu Lệ" in text and "Lâm Thị Cận" in text and "Hồ Văn Khá" not in text
    assert "01/GCN-HN.HCN" in text and "02/GCN-HN.HCN" in text
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 2
    document = Document(io.BytesIO(response.content))
    assert len(document.sections) == 2  # each certificate in its own section, starting a new page
    assert document.sections[1].start_type == WD_SECTION.NEW_PAGE


def test_no_certificate_for_a_household_that_is_not_poor_or_near_poor(recognised, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    assert officer.get(reverse("reviews:certificate", args=[recognised["rich"].pk])).status_code == 404


def test_certificates_of_another_commune_are_not_found(recognised, users) -> None:
    officer_b = client_for(users["canbo.tranbien"])
    assert officer_b.get(reverse("reviews:certificate", args=[recognised["poor"].pk])).status_code == 404
    assert (
        officer_b.get(reverse("reviews:certificates-all", args=[recognised["review"].pk])).status_code == 404
    )
    # A viewer (no access to personal data) cannot download them either.
    viewer = client_for(users["lanhdao"])
    assert viewer.get(reverse("reviews:certificate", args=[recognised["poor"].pk])).status_code == 403


def test_before_recognition_there_is_nothing_to_download(province, commune_a, users) -> None:
    review_round = services.round_open(province=province, year=2026, acting_user=None)
    review = CommuneReview.objects.get(round=review_round, commune=commune_a)
    response = client_for(users["canbo.bugiamap"]).get(
        reverse("reviews:certificates-all", args=[review.pk]), follow=True
    )
    assert response.redirect_chain and response.context["messages"]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2027, 1, 5), "ngày 05 tháng 01 năm 2027"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 11, 5), "ngày 05 tháng 11 năm 2026"),
        (dt.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
    ],
)
def test_dates_are_written_as_decree_30_says(day: dt.date, text: str) -> None:
    assert docformat.vn_date(day) == text


def test_place_and_unit_names() -> None:
    assert docformat.place_name("Xã Bù Gia Mập") == "Bù Gia Mập"
    assert docformat.place_name("Phường Trấn Biên") == "Trấn Biên"
    assert docformat.place_name("Phường 1") == "Phường 1"
    assert docformat.in_text_name("Xã Bù Gia Mập") == "xã Bù Gia Mập"
    assert docformat.province_in_text("Đồng Nai", "tinh") == "tỉnh Đồng Nai"
    assert certificates.certificate_number(7) == "07/GCN-HN.HCN"
