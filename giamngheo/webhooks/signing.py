"""The secret of a subscription: generated, kept encrypted, used to sign each body.

The receiver checks ``X-Giamngheo-Signature: sha256=<hex>``: the HMAC-SHA256 of the raw body with the
secret it was shown once. The secret is stored encrypted (Fernet, a key derived from ``SECRET_KEY``): a
copy of the database alone cannot sign events. Changing ``SECRET_KEY`` makes the stored secrets unreadable:
each subscription then needs a new secret ("New secret" on its page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SIGNATURE_HEADER = "X-Giamngheo-Signature"
EVENT_HEADER = "X-Giamngheo-Event"
DELIVERY_HEADER = "X-Giamngheo-Delivery"


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"giamngheo.webhooks.secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str | None:
    """The secret, or ``None`` when it cannot be read (``SECRET_KEY`` changed)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def signature(body: bytes, secret: str) -> str:
    """The header's value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does (the README's example, in Python)."""
    return hmac.compare_digest(signature(body, secret), header or "")
