"""Test settings: the same settings as production, with a few overrides for speed and isolation."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("TASKS_BACKEND", "immediate")  # jobs run inside the request; tests of the queues switch
os.environ.setdefault("OTP_ENFORCE", "false")  # tests of 2FA turn it on; client_for verifies (conftest.py)

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# A test database of our own; never touch databases we did not create.
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"]["NAME"] = os.environ.get("TEST_DATABASE_NAME", "test_giamngheo")
    # The tests' commits (live-server tests, the template's build) need not wait for the disk: a session
    # setting of this connection only, never the server's (a crash loses at most the last test's rows).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

# Uploaded files and job results of the tests go to a temporary folder of their own.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="giamngheo-test-media-"))
