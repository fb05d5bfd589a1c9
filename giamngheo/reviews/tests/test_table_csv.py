"""Official tables as CSV: the same numbers as the workbook."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.households.tests.factories import make_household


@pytest.mark.django_db
def test_summary_and_lists_as_csv(users, commune_a):
    from giamngheo.reviews import services
    from giamngheo.reviews.models import ReviewRound

    province = commune_a.parent
    review_round = ReviewRound.objects.filter(province=province, year=2026).first() or services.round_open(
        province=province, year=2026, acting_user=None
    )
    make_household(commune_a, head="Người Nghèo Thử", category="poor")
    services.summary_refresh(round_id=review_round.pk, commune_id=commune_a.pk)
    client = Client()
    client.force_login(users["canbo.bugiamap"])
    response = client.get(reverse("tables:summary-xlsx"), {"year": 2026, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) >= 2 and any(commune_a.name in " ".join(r) for r in rows[1:])
    response = client.get(
        reverse("tables:household-list-xlsx", args=["poor"]), {"year": 2026, "format": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Người Nghèo Thử" in text
