"""One-click links in reminder mails: signed, expiring tokens naming an operation, a person and an item.

MINIMAL STAND-IN written by H-remind with exactly the contract's API (issue 8), so the sweep can
sign its digests' links; H-links owns this module and its version replaces this one at the merge
(single use through ``used_links`` lives there, in the operation that acts on a link).

A token is an itsdangerous signature (keyed with the internal key, salted for links) of
``{"op", "p": person id, "a": action id or null, "t": token id, "iat": issued (epoch seconds)}``;
it expires ``PTGHUB_LINK_TTL`` seconds (default 30 days) after it was issued.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from itsdangerous import BadSignature, URLSafeSerializer

from services.kit import config, identity
from services.kit.problems import Problem

DONE, SNOOZE, DROP, UNSUBSCRIBE = "done", "snooze", "drop", "unsubscribe"
OPS = (DONE, SNOOZE, DROP, UNSUBSCRIBE)
SALT = "ptghub.actions.links"
DEFAULT_TTL = 30 * 24 * 3600


@dataclass(frozen=True)
class Claims:
    op: str
    person_id: str
    action_id: str | None
    token_id: str
    issued_at: datetime


def ttl_seconds() -> int:
    return int(config.env("LINK_TTL", str(DEFAULT_TTL)))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(identity.internal_key(), salt=SALT)


def sign(op: str, person_id: str, action_id: str | None, now: datetime) -> str:
    """A token for ``op`` on ``action_id`` (None for ``unsubscribe``) by ``person_id``, issued ``now``."""
    if op not in OPS:
        raise ValueError(f"unknown link operation {op!r}")
    return _serializer().dumps({"op": op, "p": person_id, "a": action_id, "t": secrets.token_urlsafe(12),
                                "iat": int(now.timestamp())})


def verify(token: str, now: datetime) -> Claims:
    """The claims of a token this service signed and that has not expired (400 / 410 otherwise)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise Problem("this link is not one ptghub made", status=400, errors={"token": ["invalid"]}) from None
    issued = datetime.fromtimestamp(int(data["iat"]), timezone.utc)
    if (now - issued).total_seconds() > ttl_seconds():
        raise Problem("this link has expired", status=410, title="Gone", errors={"token": ["expired"]})
    return Claims(data["op"], data["p"], data["a"], data["t"], issued)


def link_url(token: str) -> str:
    return f"{config.public_url()}/api/v1/a/{token}"


def unsubscribe_url(token: str) -> str:
    return f"{config.public_url()}/api/v1/unsubscribe/{token}"
