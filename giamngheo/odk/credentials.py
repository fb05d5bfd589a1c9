"""The password of an ODK Central account, kept encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key is derived from ``settings.ODK_CREDENTIALS_KEY`` (the environment's ``ODK_CREDENTIALS_KEY``) or, when
that is empty, from ``settings.SECRET_KEY``: a copy of the database alone does not reveal the passwords.
Changing the key makes the stored passwords unreadable (the pull then says so: enter the password again).
A password may instead live in an environment variable whose name starts with ``ODK_PASSWORD_``; other
variables (the secret key, the database URL…) are never read, so no user can send them to a server of theirs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

ENV_PREFIX = "ODK_PASSWORD_"
ENV_NAME = re.compile(rf"{ENV_PREFIX}[A-Z0-9_]{{1,80}}")


class Unreadable(Exception):
    """The password cannot be had: sealed with another key, or its variable is not set."""


def _fernet() -> Fernet:
    secret = getattr(settings, "ODK_CREDENTIALS_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(b"giamngheo.odk.credentials\x00" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(password: str) -> str:
    return _fernet().encrypt(password.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise Unreadable("sealed with another key") from None


def valid_env_name(name: str) -> bool:
    return bool(ENV_NAME.fullmatch(name))


def from_env(name: str) -> str:
    if not valid_env_name(name):
        raise Unreadable("not an ODK password variable")
    value = os.environ.get(name, "")
    if not value:
        raise Unreadable("variable not set")
    return value
