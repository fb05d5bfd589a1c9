from __future__ import annotations

from django.urls import reverse

from conftest import client_for
from giamngheo.poverty.classify import Category
from giamngheo.poverty.facts import HouseholdFacts, MemberFacts
from giamngheo.standards.adapters import area_type, classify_household, province_code, standards_in_force


def test_list_and_detail_show_sources_and_provisional_items(users) -> None:
    client = client_for(users["canbo.bugiamap"])
    body = client.get(reverse("standards:standard-list")).content.decode()
    for code in ("ND07-2021", "ND351-2025", "DN-QD32-2022"):
        assert code in body
    assert "1.500.000 đ" in body and "2.200.000 đ" in body
    detail = client.get(reverse("standards:standard-detail", args=["DN-QD32-2022"])).content.decode()
    assert "Quyết định 32/2022/QĐ-UBND" in detail
    # Provisional items are shown with the standard, in Vietnamese on a Vietnamese page.
    assert "Ngưỡng số chỉ số thiếu hụt chưa được xác nhận" in detail and "cut-off unconfirmed" not in detail
    nd07 = client.get(reverse("standards:standard-detail", args=["ND07-2021"])).content.decode()
    assert "Chưa xác nhận ai là người phụ thuộc trong giai đoạn 2022–2025" in nd07  # the dependants rule
    assert "Danh mục phương tiện chưa được xác nhận." in nd07  # indicator 12
    assert client.get(reverse("standards:standard-detail", args=["XX"])).status_code == 404


def test_calculator_explains_a_near_poor_household_in_vietnamese(users, commune_a) -> None:
    client = client_for(users["canbo.bugiamap"])
    response = client.get(
        reverse("standards:calculator"),
        {
            "commune": commune_a.pk,
            "year": "2026",
            "income_per_capita": "1.500.000",
            "deprived": ["health_insurance", "sanitation"],
        },
    )
    results = response.context["results"]
    assert [r["standard"].code for r in results] == ["ND07-2021"]  # Đồng Nai's own ends in 2025
    text = " ".join(results[0]["reasons"])
    assert results[0]["result"].category == Category.NEAR_POOR
    assert "1.500.000" in text and "nông thôn" in text and "bảo hiểm y tế" in text


def test_calculator_keeps_national_and_provincial_results(users, commune_b) -> None:
    client = client_for(users["canbo.tranbien"])
    response = client.get(
        reverse("standards:calculator"),
        {
            "commune": commune_b.pk,
            "year": "2025",
            "income_per_capita": "2400000",
            "deprived": ["water", "sanitation", "telecom"],
        },
        HTTP_HX_REQUEST="true",
    )
    by_code = {r["standard"].code: r["result"].category for r in response.context["results"]}
    # Urban ward: national line 2,000,000 -> middle; Đồng Nai's line 2,500,000 -> poor.
    assert by_code == {"ND07-2021": Category.MIDDLE, "DN-QD32-2022": Category.POOR}
    assert "<html" not in response.content.decode()


def test_calculator_rejects_bad_input_and_foreign_communes(users, commune_a) -> None:
    client = client_for(users["canbo.tranbien"])
    response = client.get(
        reverse("standards:calculator"),
        {
            "commune": commune_a.pk,
            "year": "2026",
            "income_per_capita": "abc",
        },
    )
    form = response.context["form"]
    assert form.errors["commune"] and form.errors["income_per_capita"]
    assert not response.context["results"]


def test_adapter_classifies_a_household_of_an_area(commune_a, commune_b) -> None:
    assert area_type(commune_a) == "rural" and area_type(commune_b) == "urban"
    assert province_code(commune_a) == "75"
    assert set(standards_in_force(year=2024, province="75")) == {"ND07-2021", "DN-QD32-2022"}
    facts = HouseholdFacts(
        area="",
        income_per_capita=1_900_000,
        members=(MemberFacts(age=40, has_health_insurance=False),),
        ticked={"water": True, "sanitation": True},
    )
    results = classify_household(facts=facts, area=commune_a, year=2024)
    assert results["ND07-2021"].category == Category.MIDDLE
    assert results["DN-QD32-2022"].category == Category.POOR
    assert results["DN-QD32-2022"].area == "rural"
