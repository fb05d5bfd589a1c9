"""The Circular 07 pages in Vietnamese: no English on the page; the index links every form."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import services, tables


def test_form_pages_are_vietnamese_and_linked_from_the_index(users, province, commune_a) -> None:
    make_household(commune_a, head="Hộ Nghèo Một", category="poor")
    services.round_open(province=province, year=2026, acting_user=None)
    services.summaries_rebuild(review_round=services.ReviewRound.objects.get(year=2026))
    client = Client()
    client.force_login(users["chuyenvien"])
    index = client.get(reverse("tables:index"), {"year": 2026}).content.decode()
    for slug in tables.FORMS:
        assert reverse("tables:form", args=[slug]) in index
    for slug in tables.FORMS:
        body = client.get(reverse("tables:form", args=[slug]), {"year": 2026}).content.decode()
        text = re.sub(r"<[^>]+>", " ", body)
        for english in ("Households", "Persons", "Counted in", "Changes in", "Form 7", "Province total"):
            assert english not in text, (slug, english)
        assert f"Mẫu {tables.FORMS[slug].number}" in text
    assert client.get(reverse("tables:form", args=["7-11"]), {"year": 2026}).status_code == 404
