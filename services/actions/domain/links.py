"""One-click links in reminder mail: signed, expiring tokens naming one operation on one item.

A token says *who* (``person_id``), *what* (``op``: done, snooze, drop, or unsubscribe) and *on
which item* (``action_id``; none for unsubscribe), with a random token id (a link works once: the
operation records the id in ``used_links``) and the time it was issued (it expires after
``PTGHUB_LINK_TTL`` seconds, 30 days unless set).

Tokens are signed with itsdangerous under a key derived from the internal key with a salt of their
own: a link token is never a valid principal JWT, nor a principal JWT a valid link token. Any
change to a token (another action id, another op) breaks its signature. Pure: the key is read, no
database is touched; single use is the operation's job (:mod:`..operations.links`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, URLSafeSerializer

from services.kit import config, identity
from services.kit.problems import Problem

DONE, SNOOZE, DROP, UNSUBSCRIBE = "done", "snooze", "drop", "unsubscribe"
ITEM_OPS = (DONE, SNOOZE, DROP)
OPS = (*ITEM_OPS, UNSUBSCRIBE)
SALT = "ptghub.actions.link.v1"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600
SNOOZE_DAYS = 7
FIELD = "token"


@dataclass(frozen=True)
class Claims:
    """What a verified token says."""

    op: str
    person_id: str
    action_id: str | None
    token_id: str
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + ttl()


class Gone(Problem):
    """A link that has expired (or, in :mod:`..operations.links`, was used already)."""

    status = 410
    title = "Gone"


def ttl() -> timedelta:
    return timedelta(seconds=config.count("LINK_TTL", DEFAULT_TTL_SECONDS))


def _serializer(key: bytes | None) -> URLSafeSerializer:
    return URLSafeSerializer(key or identity.internal_key(), salt=SALT)


def sign(op: str, person_id: str, action_id: str | None, now: datetime, *, key: bytes | None = None) -> str:
    """A URL-safe token for ``op`` by ``person_id`` on ``action_id`` (None only for unsubscribe)."""
    if op not in OPS:
        raise ValueError(f"unknown link op {op!r}")
    if (action_id is None) != (op == UNSUBSCRIBE):
        raise ValueError("an item link names its action; an unsubscribe link names none")
    payload = {"o": op, "p": str(person_id), "a": None if action_id is None else str(action_id),
               "j": secrets.token_urlsafe(12), "t": int(_utc(now).timestamp())}
    return _serializer(key).dumps(payload)


def verify(token: str, now: datetime, *, ops: tuple[str, ...] = OPS, key: bytes | None = None) -> Claims:
    """The claims of ``token`` if it is ours, unchanged, unexpired and for one of ``ops``.

    A forged, altered or malformed token, or one for another op: 400; an expired one: 410.
    """
    try:
        payload = _serializer(key).loads(token)
        claims = Claims(op=payload["o"], person_id=payload["p"], action_id=payload["a"], token_id=payload["j"],
                        issued_at=datetime.fromtimestamp(int(payload["t"]), timezone.utc))
        if not (isinstance(claims.op, str) and isinstance(claims.person_id, str)
                and isinstance(claims.token_id, str) and (claims.action_id is None or isinstance(claims.action_id, str))):
            raise TypeError("claims of the wrong type")
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise Problem("this link is not valid: it was not issued by ptghub or it was altered",
                      errors={FIELD: ["invalid"]}) from None
    if claims.op not in ops:
        raise Problem(f"this link is for {claims.op!r}, not for this page", errors={FIELD: ["wrong operation"]})
    moment = _utc(now)
    if claims.issued_at > moment + timedelta(minutes=5):
        raise Problem("this link is not valid: it was issued in the future", errors={FIELD: ["invalid"]})
    if moment >= claims.expires_at:
        raise Gone("this link has expired: the next reminder brings fresh ones", errors={FIELD: ["expired"]})
    return claims


def link_url(token: str) -> str:
    """The one-click page of an item link: ``{public}/api/v1/a/{token}``."""
    return f"{config.public_url()}/api/v1/a/{token}"


def unsubscribe_url(token: str) -> str:
    """The RFC 8058 unsubscribe address: ``{public}/api/v1/unsubscribe/{token}``."""
    return f"{config.public_url()}/api/v1/unsubscribe/{token}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
