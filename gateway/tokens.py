"""Bearer tokens: the gateway's operations on them and the short cache requests look them up in.

A token is shown in clear once, when issued; only its SHA-256 is stored. Each operation takes the
gateway's database; a change runs in one unit of work: the revocation and its
``ptghub.gateway.token.revoked`` event commit together (the outbox), so notify always learns
that a token's webhooks must stop.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from services.kit.auth import CHAIR, INTEGRATION, ORGANISER
from services.kit.db import Database, utcnow
from services.kit.problems import Conflict, Invalid, NotFound

from . import store
from .schemas import TOKEN_REVOKED, TokenRevokedSchema
from .store import ApiToken

ROLES = (ORGANISER, CHAIR, INTEGRATION)
PREFIX = "ptg_"

revoked_schema = TokenRevokedSchema()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """What ``POST /tokens`` asks for."""

    name: str
    role: str
    tracks: list[dict] = field(default_factory=list)
    relay: bool = False


def check_new_token(command: NewToken) -> None:
    """A chair names the (event, track) pairs it chairs; only an integration may relay."""
    if command.role not in ROLES:
        raise Invalid("role", f"one of {', '.join(ROLES)}")
    if command.role == CHAIR and not command.tracks:
        raise Invalid("tracks", "required for role chair: the (event, track) pairs it chairs")
    if any(not store.is_chaired_track(entry) for entry in command.tracks):
        raise Invalid("tracks", 'each entry is an (event, track) pair: {"event": "denver", "track": "nova"}')
    if command.relay and command.role != INTEGRATION:
        raise Invalid("relay", "only for role integration")


def issue(database: Database, command: NewToken, token: str | None = None) -> tuple[ApiToken, str]:
    """A new token for ``command`` (``token`` given: that exact secret); returns the row and the secret."""
    check_new_token(command)
    token = token or new_token()
    pairs = list({(p["event"], p["track"]): {"event": p["event"], "track": p["track"]} for p in command.tracks}.values())
    with database.unit_of_work() as uow:
        row = ApiToken(name=command.name, role=command.role, tracks_json=json.dumps(pairs),
                       token_hash=hash_token(token), relay=command.relay)
        uow.session.add(row)
        uow.commit()
    return row, token


def find(database: Database, token: str) -> ApiToken | None:
    """The active token with this secret, or None."""
    with database.read_sessions() as session:
        return store.active_token_by_hash(session, hash_token(token))


def list_tokens(database: Database) -> list[ApiToken]:
    with database.read_sessions() as session:
        return store.active_tokens(session)


def has_organiser(database: Database) -> bool:
    with database.read_sessions() as session:
        return bool(store.active_organiser_ids(session))


def revoke(database: Database, token_id: str) -> ApiToken:
    """Revoke a token and announce it (``ptghub.gateway.token.revoked``, subject = the token id).

    Refused (409) for the last active organiser token: nobody could issue or revoke tokens any
    more. A token may revoke itself while another organiser is left. The organiser rows are locked
    (in id order) before counting, so two revocations at once never leave no organiser."""
    with database.unit_of_work() as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is not None and row.role == ORGANISER:
            organisers = store.active_organiser_ids(uow.session, lock=True)
            uow.session.refresh(row)
            if row.id in organisers and len(organisers) == 1:
                raise Conflict(
                    f"token {row.id} ({row.name!r}) is the last active organiser token; revoking it would "
                    "leave nobody able to issue or revoke tokens: issue another organiser token first",
                    errors={"token_id": ["the last active organiser token cannot be revoked"]})
        elif row is not None:
            uow.session.refresh(row, with_for_update=True)
        if row is None or not row.active:
            raise NotFound(f"no active token {token_id!r}", errors={"token_id": ["unknown or already revoked token"]})
        row.revoked_at = utcnow()
        uow.publish(TOKEN_REVOKED, revoked_schema.dump(row), subject=row.id)
        uow.commit()
    return row


# -- the organiser token named by PTGHUB_BOOTSTRAP_TOKEN ------------------------------------------
ISSUED, ACTIVE, REINSTATED, NOT_AN_ORGANISER = "issued", "already active", "reinstated", "not an organiser"


def ensure_bootstrap_token(database: Database, token: str) -> tuple[str, ApiToken]:
    """Make ``token`` an active organiser token, whatever happened before; say what was done.

    ``issued`` (it did not exist), ``already active``, ``reinstated`` (it had been revoked: the
    variable says it is the organiser token, so it is again) or ``not an organiser`` (the secret
    is another role's token: left as it is, never promoted). Safe to run twice at once."""
    for attempt in range(2):
        try:
            with database.unit_of_work() as uow:
                row = store.token_by_hash(uow.session, hash_token(token))
                if row is None:
                    row = ApiToken(name="bootstrap organiser", role=ORGANISER, tracks_json="[]",
                                   token_hash=hash_token(token))
                    uow.session.add(row)
                    uow.commit()
                    return ISSUED, row
                if row.role != ORGANISER or row.active:
                    uow.session.expunge(row)  # the caller reads it after the unit of work
                    return (NOT_AN_ORGANISER if row.role != ORGANISER else ACTIVE), row
                row.revoked_at = None
                uow.commit()
                return REINSTATED, row
        except sa.exc.IntegrityError:  # another bootstrap issued it this very moment
            if attempt:
                raise
    raise AssertionError("unreachable")


def chairs_without_events(database: Database) -> list[ApiToken]:
    with database.read_sessions() as session:
        return store.chairs_without_events(session)


class TokenCache:
    """Principal by token hash for ``ttl`` seconds, so the database is not hit on every request.

    A revoked token stops working within ``ttl`` on every gateway worker.
    """

    def __init__(self, database: Database, ttl: float = 10.0):
        self.database = database
        self.ttl = ttl
        self._entries: dict[str, tuple[float, dict | None]] = {}

    async def principal(self, token: str) -> dict | None:
        key = hash_token(token)
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached and cached[0] > now:
            return cached[1]
        row = await asyncio.to_thread(find, self.database, token)
        principal = row.principal() if row else None
        if len(self._entries) > 10000:
            self._entries.clear()
        self._entries[key] = (now + self.ttl, principal)
        return principal

    def forget(self) -> None:
        self._entries.clear()
