"""Bearer tokens: issued once in clear, stored only as SHA-256, looked up with a short cache."""
from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time

import sqlalchemy as sa

from services.kit.auth import CHAIR, INTEGRATION, ORGANISER
from services.kit.db import Database, utcnow

from .store import ApiToken

ROLES = (ORGANISER, CHAIR, INTEGRATION)
PREFIX = "ptg_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(database: Database, name: str, role: str, tracks: list[str], token: str | None = None,
          relay: bool = False) -> tuple[ApiToken, str]:
    token = token or new_token()
    with database.sessions.begin() as session:
        row = ApiToken(name=name, role=role, tracks_json=json.dumps(tracks), token_hash=hash_token(token), relay=relay)
        session.add(row)
    return row, token


def find(database: Database, token: str) -> ApiToken | None:
    with database.sessions() as session:
        return session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                        ApiToken.revoked_at.is_(None)))


def revoke(database: Database, token_id: str) -> bool:
    with database.sessions.begin() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        return True


def list_tokens(database: Database) -> list[ApiToken]:
    with database.sessions() as session:
        return list(session.scalars(sa.select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.created_at)))


def has_organiser(database: Database) -> bool:
    with database.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
            ApiToken.role == ORGANISER, ApiToken.revoked_at.is_(None))) > 0


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
