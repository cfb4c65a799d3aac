"""Standard Webhooks v1 signing: ``whsec_`` secrets, the signature headers, and which secrets sign a
delivery while a secret rotates."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Iterable

ROTATION_GRACE = timedelta(hours=24)  # PTGHUB_WEBHOOK_ROTATION_GRACE's default

SECRET_PREFIX = "whsec_"
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; ValueError when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"must start with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"must be {SECRET_PREFIX} followed by base64") from exc
    if not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
        raise ValueError(f"the key must be {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} bytes (got {len(key)})")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 over ``id.timestamp.body``."""
    digest = hmac.new(secret_key(secret), f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(secret: str | Iterable[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The Standard Webhooks headers; several secrets (a rotation's grace period) give one ``v1,``
    signature each, space-separated."""
    secrets_ = (secret,) if isinstance(secret, str) else tuple(secret)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, message_id, timestamp, body) for s in secrets_),
    }


def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> tuple[str, ...]:
    """The secrets a delivery is signed with: the current one, and the previous one while its grace
    period lasts (two ``v1,`` signatures; a receiver holding either verifies)."""
    if previous and previous_until is not None and now < previous_until:
        return (secret, previous)
    return (secret,)
