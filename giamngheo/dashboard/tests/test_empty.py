"""The dashboard of a province with no review round (no module-wide world here: see ``test_dashboard.py``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for

pytestmark = pytest.mark.django_db


def test_empty_state_without_a_round(users) -> None:
    page = client_for(users["chuyenvien"]).get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert 'data-testid="empty-state"' in page.content.decode()
    assert "dashboard-data" not in page.content.decode()
    assert client_for(users["truongphong"]).get(reverse("dashboard:index")).status_code == 403
