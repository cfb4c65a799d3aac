"""The principal the gateway vouches for, signed so a service can verify it.

The gateway authenticates a bearer token and passes on who is calling in ``X-Ptghub-Principal``
as a short-lived JWT (HS256, PyJWT): issuer ``ptghub-gateway``, audience the one service it is
for, expiry a minute after issue. Every service verifies the signature, its own audience and the
expiry on every request (:mod:`services.kit.web`); a missing, forged or expired header is a 401
and nothing is done. A service's port may be reachable by any local process or pod: an unsigned
header is never trusted.

The key is ``PTGHUB_INTERNAL_KEY``; the embedded set-up (``make run``) generates one into
``var/internal-key`` (mode 0600) and every process reads the same file.
"""
from __future__ import annotations

import os
import secrets
import time
from functools import lru_cache
from typing import Any, Iterable

import jwt

from . import config
from .problems import Unauthorized

HEADER = "X-Ptghub-Principal"
ALGORITHM = "HS256"
ISSUER = "ptghub-gateway"
TTL_SECONDS = 60
LEEWAY_SECONDS = 5
KEY_FILE = "internal-key"
CLAIMS = ("sub", "token_id", "name", "role", "tracks", "events", "relay")

PUBLIC = {"sub": "anonymous", "role": "public", "tracks": []}


@lru_cache(maxsize=1)
def internal_key() -> bytes:
    """``PTGHUB_INTERNAL_KEY``, else the key kept under ``var/`` (created once, 0600, race-free)."""
    value = config.env("INTERNAL_KEY")
    if value:
        return value.encode()
    path = config.var_dir() / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process is writing it this very moment
            text = path.read_text().strip()
            if text:
                return text.encode()
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it or set PTGHUB_INTERNAL_KEY")
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip().encode()


def sign(principal: dict[str, Any], audience: str | Iterable[str], ttl: int = TTL_SECONDS,
         key: bytes | None = None) -> str:
    """A signed, short-lived statement of ``principal`` for ``audience`` (a service name, or several)."""
    now = int(time.time())
    claims = {name: principal[name] for name in CLAIMS if name in principal}
    claims.update(iss=ISSUER, aud=audience if isinstance(audience, str) else list(audience), iat=now, exp=now + ttl)
    return jwt.encode(claims, key or internal_key(), algorithm=ALGORITHM)


def verify(token: str | None, audience: str, key: bytes | None = None) -> dict[str, Any]:
    """The principal in ``token`` if the gateway signed it for ``audience`` and it has not expired."""
    if not token:
        raise Unauthorized("no signed principal: call ptghub through its gateway",
                              errors={HEADER: ["missing"]})
    try:
        claims = jwt.decode(token, key or internal_key(), algorithms=[ALGORITHM], audience=audience,
                            issuer=ISSUER, leeway=LEEWAY_SECONDS,
                            options={"require": ["exp", "iat", "aud", "iss", "sub"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the signed principal has expired", errors={HEADER: ["expired"]}) from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the principal is not signed by the gateway for this service",
                              errors={HEADER: [str(exc)]}) from None
    principal = {name: claims[name] for name in CLAIMS if name in claims}
    principal.setdefault("tracks", [])
    return principal
