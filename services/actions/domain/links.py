"""One-click links in reminder mails: signed, expiring tokens naming an operation, a person and an item.

MINIMAL STAND-IN written by H-remind with exactly the contract's API (issue 8), so the sweep can
sign its digests' links; H-links owns this module and its version replaces this one at the merge
(single use through ``used_links`` lives there, in the operation that acts on a link).

A token is an itsdangerous signature (keyed with the internal key, salted for links) of
``<op>.<person id>.<action id or ->.<token id>.<issued, epoch seconds>`` (URL-safe as it is); it
expires ``PTGHUB_LINK_TTL`` seconds (default 30 days) after it was issued.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from itsdangerous import BadSignature, Signer

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


@lru_cache(maxsize=1)
def _signer() -> Signer:
    return Signer(identity.internal_key(), salt=SALT)


def sign(op: str, person_id: str, action_id: str | None, now: datetime) -> str:
    """A token for ``op`` on ``action_id`` (None for ``unsubscribe``) by ``person_id``, issued ``now``."""
    if op not in OPS:
        raise ValueError(f"unknown link operation {op!r}")
    claims = [op, person_id, action_id or "-", secrets.token_urlsafe(12).replace(".", "_"), str(int(now.timestamp()))]
    return _signer().sign(".".join(claims)).decode()


def verify(token: str, now: datetime) -> Claims:
    """The claims of a token this service signed and that has not expired (400 / 410 otherwise)."""
    try:
        op, person_id, action_id, token_id, issued = _signer().unsign(token).decode().split(".")
        issued_at = datetime.fromtimestamp(int(issued), timezone.utc)
    except (BadSignature, ValueError, UnicodeDecodeError):
        raise Problem("this link is not one ptghub made", status=400, errors={"token": ["invalid"]}) from None
    if op not in OPS or (now - issued_at).total_seconds() > ttl_seconds():
        raise Problem("this link has expired", status=410, title="Gone", errors={"token": ["expired"]})
    return Claims(op, person_id, None if action_id == "-" else action_id, token_id, issued_at)


def link_url(token: str) -> str:
    return f"{config.public_url()}/api/v1/a/{token}"


def unsubscribe_url(token: str) -> str:
    return f"{config.public_url()}/api/v1/unsubscribe/{token}"
