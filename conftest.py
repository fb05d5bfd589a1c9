"""Shared fixtures: a real province (Đồng Nai, code 75) with its demo data, loaded once per test session.

Tests run inside transactions on top of it; browser tests (live server, transactional) seed their own.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from giamngheo.demo.seed import seed_demo

    with django_db_blocker.unblock():
        seed_demo(province_code=75, seed=1)


@pytest.fixture
def users(db):  # type: ignore[no-untyped-def]
    """The demo accounts by username."""
    from giamngheo.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def province(db):  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area

    return Area.objects.get(code="75")


@pytest.fixture
def commune_a(db):  # type: ignore[no-untyped-def]
    """Xã Bù Gia Mập (former Bình Phước, rural): commune of the officer ``canbo.bugiamap``."""
    from giamngheo.geo.models import Area

    return Area.objects.get(name="Xã Bù Gia Mập")


@pytest.fixture
def commune_b(db):  # type: ignore[no-untyped-def]
    """Phường Trấn Biên (urban): commune of the officer ``canbo.tranbien``."""
    from giamngheo.geo.models import Area

    return Area.objects.get(name="Phường Trấn Biên")


def client_for(user: Any) -> Client:
    """A test client logged in as ``user`` (tests import it: ``from conftest import client_for``)."""
    client = Client()
    client.force_login(user)
    return client
