"""Bearer tokens: the gateway's operations on them and the short cache requests look them up in.

A token is shown in clear once, when issued; only its SHA-256 is stored. Each operation takes the
gateway's database; a change runs in one unit of work: the revocation and its
``ptghub.gateway.token.revoked`` event commit together (the outbox), so notify always learns
that a token's webhooks must stop.

Roles (:mod:`services.kit.auth`): ``organiser`` (of every event, or with ``events`` of those only),
``chair`` (of (event, track) pairs), ``integration``, ``reader``. Only an organiser of every event
manages tokens. A token may carry ``expires_at``: afterwards it is a 401. ``last_used_at`` is
written at most once a minute per token and gateway worker, never on every request.

Revocation never locks everyone out: a token cannot revoke itself (ask another organiser), and
the last working organiser-wide token cannot be revoked at all (409 for both).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from services.kit.auth import CHAIR, INTEGRATION, ORGANISER, READER
from services.kit.db import Database, utcnow
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, Problem, Unauthorized

from . import store
from .schemas import TOKEN_REVOKED, TokenRevokedSchema
from .store import ApiToken

logger = logging.getLogger(__name__)

ROLES = (ORGANISER, CHAIR, INTEGRATION, READER)
PREFIX = "ptg_"
EVENT_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
USE_INTERVAL = 60.0  # seconds: last_used_at is written at most this often per token and worker

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
    events: list[str] = field(default_factory=list)
    expires_at: datetime | None = None


def parse_time(name: str, value: str | None) -> datetime | None:
    """An RFC 3339 time with its offset (422 naming ``name`` otherwise)."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(name, "an RFC 3339 time with its offset, e.g. 2030-05-02T18:00:00+00:00") from None
    if at.tzinfo is None:
        raise Invalid(name, "an RFC 3339 time with its offset, e.g. 2030-05-02T18:00:00+00:00")
    return at


def require_token_manager(principal: dict | None) -> None:
    """Only an organiser of every event issues, lists and revokes tokens (403)."""
    if principal is None:
        return  # the bootstrap and the tests: no caller
    if principal.get("role") != ORGANISER or principal.get("events"):
        raise Forbidden("only an organiser of every event manages tokens",
                        errors={"role": ["an organiser token not scoped to events"]})


def check_new_token(command: NewToken, now: datetime | None = None) -> None:
    """A chair names the (event, track) pairs it chairs; only an organiser is scoped to events;
    only an integration may relay; an expiry is an aware time in the future."""
    if command.role not in ROLES:
        raise Invalid("role", f"one of {', '.join(ROLES)}")
    if command.role == CHAIR and not command.tracks:
        raise Invalid("tracks", "required for role chair: the (event, track) pairs it chairs")
    if any(not store.is_chaired_track(entry) for entry in command.tracks):
        raise Invalid("tracks", 'each entry is an (event, track) pair: {"event": "denver", "track": "nova"}')
    if command.relay and command.role != INTEGRATION:
        raise Invalid("relay", "only for role integration")
    if command.events and command.role != ORGANISER:
        raise Invalid("events", "only for role organiser: the events it organises (none: every event)")
    bad = [slug for slug in command.events if not isinstance(slug, str) or not EVENT_SLUG.match(slug)]
    if bad:
        raise Invalid("events", f"each entry is an event's slug (lower case letters, digits, '-'): not {bad[0]!r}")
    if command.expires_at is not None:
        if command.expires_at.tzinfo is None:
            raise Invalid("expires_at", "an RFC 3339 time with its offset")
        if command.expires_at <= (now or utcnow()):
            raise Invalid("expires_at", "must be in the future")


def issue(database: Database, command: NewToken, token: str | None = None,
          by: dict | None = None) -> tuple[ApiToken, str]:
    """A new token for ``command`` (``token`` given: that exact secret), issued by the principal
    ``by`` (an organiser of every event); returns the row and the secret."""
    require_token_manager(by)
    check_new_token(command)
    token = token or new_token()
    pairs = list({(p["event"], p["track"]): {"event": p["event"], "track": p["track"]} for p in command.tracks}.values())
    with database.unit_of_work() as uow:
        row = ApiToken(name=command.name, role=command.role, tracks_json=json.dumps(pairs),
                       token_hash=hash_token(token), relay=command.relay,
                       events_json=json.dumps(sorted(set(command.events))), expires_at=command.expires_at)
        uow.session.add(row)
        uow.commit()
    return row, token


def find(database: Database, token: str) -> ApiToken | None:
    """The token with this secret if it works (not revoked, not expired), or None."""
    row = lookup(database, token)
    return None if row is None or row.expired() else row


def lookup(database: Database, token: str) -> ApiToken | None:
    """The token with this secret unless revoked (it may have expired), or None."""
    with database.read_sessions() as session:
        return store.active_token_by_hash(session, hash_token(token))


def list_tokens(database: Database) -> list[ApiToken]:
    with database.read_sessions() as session:
        return store.active_tokens(session)


@dataclass(frozen=True)
class Page:
    items: list[ApiToken]
    next_cursor: str | None


def encode_cursor(row: ApiToken) -> str:
    raw = json.dumps([row.created_at.isoformat(), row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created_at, id)`` key a ``next_cursor`` stands for (400 naming ``cursor`` otherwise)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, token_id = json.loads(raw)
        at = datetime.fromisoformat(created_at)
        if at.tzinfo is None or not isinstance(token_id, str):
            raise ValueError("not a cursor")
        return at, token_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Problem("cursor: not a next_cursor this API gave", errors={"cursor": ["unknown cursor"]}) from None


def list_page(database: Database, limit: int, cursor: str | None = None, by: dict | None = None) -> Page:
    """One page of the tokens not revoked, oldest first; ``next_cursor`` None on the last page."""
    require_token_manager(by)
    after = decode_cursor(cursor) if cursor else None
    with database.read_sessions() as session:
        rows = store.active_tokens(session, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]) if more else None)


def has_organiser(database: Database) -> bool:
    """An organiser-wide token that works now exists (one that can issue and revoke tokens)."""
    with database.read_sessions() as session:
        return bool(store.active_organiser_ids(session, utcnow()))


def revoke(database: Database, token_id: str, by: dict | None = None) -> ApiToken:
    """Revoke a token and announce it (``ptghub.gateway.token.revoked``, subject = the token id).

    Refused (409) for the last working organiser-wide token (not revoked, not expired, not scoped
    to events): nobody could issue or revoke tokens any more. Refused (409) for the caller's own
    token (``by``): another organiser revokes it, so a caller never locks itself out. The organiser
    rows are locked (in id order) before counting, so two revocations at once never leave none."""
    require_token_manager(by)
    now = utcnow()
    with database.unit_of_work() as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is not None and row.role == ORGANISER:
            organisers = store.active_organiser_ids(uow.session, now, lock=True)
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
        if by is not None and by.get("sub") == row.id:
            raise Conflict(f"token {row.id} is the one making this request: a token does not revoke itself; "
                           "revoke it with another organiser token",
                           errors={"token_id": ["your own token: another organiser revokes it"]})
        row.revoked_at = now
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


def record_use(database: Database, used: dict[str, datetime]) -> None:
    """``last_used_at`` of each token id in ``used``."""
    with database.unit_of_work() as uow:
        store.mark_used(uow.session, used)
        uow.commit()


class TokenExpired(Unauthorized):
    def __init__(self, expires_at: datetime):
        super().__init__(f"the token expired at {expires_at.isoformat()}; ask an organiser for a new one",
                         errors={"Authorization": ["expired token"]})


@dataclass(frozen=True)
class Entry:
    until: float  # monotonic: look it up again afterwards
    principal: dict | None
    expires_at: datetime | None = None


class TokenCache:
    """Principal by token hash for ``ttl`` seconds, so the database is not hit on every request.

    A revoked token stops working within ``ttl`` on every gateway worker; an expired one at its
    ``expires_at`` exactly (checked on every request). Each use is noted and written to
    ``last_used_at`` at most every ``use_interval`` seconds per token (in a thread, off the request).
    """

    def __init__(self, database: Database, ttl: float = 10.0, use_interval: float = USE_INTERVAL):
        self.database = database
        self.ttl = ttl
        self.use_interval = use_interval
        self._entries: dict[str, Entry] = {}
        self._written: dict[str, float] = {}
        self._writes: set[asyncio.Future] = set()

    async def principal(self, token: str) -> dict | None:
        """The principal of a working token; None for an unknown or revoked one; raises
        :class:`TokenExpired` (401) for an expired one."""
        key = hash_token(token)
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is None or entry.until <= now:
            row = await asyncio.to_thread(lookup, self.database, token)
            entry = Entry(now + self.ttl, row.principal() if row else None, row.expires_at if row else None)
            if len(self._entries) > 10000:
                self._entries.clear()
            self._entries[key] = entry
        if entry.principal is None:
            return None
        if entry.expires_at is not None and entry.expires_at <= utcnow():
            raise TokenExpired(entry.expires_at)
        self._note_use(entry.principal["sub"], now)
        return entry.principal

    def _note_use(self, token_id: str, now: float) -> None:
        if now - self._written.get(token_id, -self.use_interval) < self.use_interval:
            return
        self._written[token_id] = now
        if len(self._written) > 10000:
            self._written = {token_id: now}
        write = asyncio.get_running_loop().run_in_executor(None, record_use, self.database, {token_id: utcnow()})
        self._writes.add(write)
        write.add_done_callback(self._written_done)

    def _written_done(self, write: asyncio.Future) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:
            logger.warning("last_used_at not recorded: %r", write.exception())

    def forget(self) -> None:
        self._entries.clear()
