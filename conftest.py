"""Shared fixtures: a real province (Đồng Nai, code 75) with its demo data, copied from a template built once
for this state of the code (``tests/testdb.py``).

Tests run inside transactions on top of it; browser tests (live server, transactional) restore it after
each flush.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):  # type: ignore[no-untyped-def]
    """Each test process's database is a copy of the migrated and seeded template (``tests/testdb.py``),
    built once for this state of the code instead of migrating and seeding in every process."""
    from django.conf import settings
    from django.db import connection

    from tests import testdb

    with django_db_blocker.unblock():
        template, old_name = testdb.clone(connection, settings)
    yield template
    with django_db_blocker.unblock():
        testdb.drop(connection, settings, old_name)


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """Rows written in this block (under ``django_db_blocker.unblock()``) stay for every test of a module:
    each test's own transaction is then a savepoint inside this one and rolls back to them; the whole is
    rolled back after the module. For module-scoped fixtures whose world is costly to build (a round opened
    and its 95 communes' figures computed); they hand tests primary keys, and function-scoped fixtures
    fetch fresh objects, so that no test sees another's objects in memory."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(transactional_db, django_db_setup):  # type: ignore[no-untyped-def]
    """Tests outside the session's transaction (live-server tests, ``django_db(transaction=True)``) find
    the database as the previous one's flush left it, empty: restore the seeded demo province from the
    template (``tests/testdb.py``)."""
    from django.db import connection

    from tests import testdb

    testdb.restore(django_db_setup, connection)
    return django_db_setup.report


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


def client_for(user: User, **defaults: Any) -> Client:
    """A test client logged in as ``user`` (tests import it: ``from conftest import client_for``);
    ``defaults`` go to the ``Client`` (headers such as ``HTTP_USER_AGENT``, ``REMOTE_ADDR``).

    When the user must use (or has) a second factor, the session is also verified through django-otp's
    own session key, with a confirmed authenticator made for the user if they have none: the pages behave
    as after a real code step, whatever ``OTP_ENFORCE`` says."""
    client = Client(**defaults)
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from giamngheo.accounts.twofactor import TOTP_NAME, has_device, otp_required

    if otp_required(user) or has_device(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
