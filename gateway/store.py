"""The gateway's own database: API tokens (stored as SHA-256 hashes only) and the kit's outbox,
through which the gateway announces a revoked token. All of the gateway's SQL is here."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.kit.auth import CHAIR, ORGANISER
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)  # the outbox (ptghub.gateway.token.revoked) and the inbox


def is_chaired_track(entry) -> bool:
    """An (event, track) pair: ``{"event": "denver", "track": "nova"}``."""
    return (isinstance(entry, dict) and isinstance(entry.get("event"), str) and bool(entry["event"])
            and isinstance(entry.get("track"), str) and bool(entry["track"]))


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    tracks_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    # may relay chat commands (ptgbot) for any nick; the service decides what each nick may do
    relay: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # an organiser of these event slugs only ("[]": of every event, and of the tokens)
    events_json: Mapped[str] = mapped_column(sa.Text, default="[]", server_default="[]")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when a request last used it (written at most once a minute per token and gateway worker)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def tracks(self) -> list[dict]:
        """The (event, track) pairs a chair token chairs: ``[{"event": "denver", "track": "nova"}]``.

        A chair token issued before chair scope was per event holds plain track slugs
        (``["nova"]``): no event can be known for them, so they are left out and grant nothing."""
        return [entry for entry in json.loads(self.tracks_json) if is_chaired_track(entry)]

    @property
    def unscoped_tracks(self) -> list:
        """What a chair token issued before per-event scope names without an event (it must be re-issued)."""
        return [entry for entry in json.loads(self.tracks_json) if not is_chaired_track(entry)]

    @property
    def events(self) -> list[str]:
        """The events an organiser token is scoped to; empty: every event (an organiser-wide token)."""
        return [slug for slug in json.loads(self.events_json or "[]") if isinstance(slug, str) and slug]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())

    @property
    def organiser_wide(self) -> bool:
        """An organiser of every event: the role that manages tokens."""
        return self.role == ORGANISER and not self.events

    def principal(self) -> dict:
        """Who this token is: ``sub`` is the token id (ownership is by id, never by display name);
        ``events`` only for an organiser of some events (:func:`services.kit.auth.is_organiser`)."""
        principal = {"sub": self.id, "name": self.name, "role": self.role, "tracks": self.tracks, "relay": self.relay}
        if self.events:
            principal["events"] = self.events
        return principal


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """The token with this hash, active or revoked."""
    return session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash))


def active_token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)))


def active_tokens(session: Session, after: tuple[datetime, str] | None = None,
                  limit: int | None = None) -> list[ApiToken]:
    """Tokens not revoked (expired ones too, until revoked), oldest first; ``after`` a
    ``(created_at, id)`` key: the ones after it (keyset pagination), at most ``limit``."""
    statement = sa.select(ApiToken).where(ApiToken.revoked_at.is_(None))
    if after is not None:
        created_at, token_id = after
        statement = statement.where(sa.or_(ApiToken.created_at > created_at,
                                           sa.and_(ApiToken.created_at == created_at, ApiToken.id > token_id)))
    statement = statement.order_by(ApiToken.created_at, ApiToken.id)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def active_organiser_ids(session: Session, now: datetime, lock: bool = False) -> list[str]:
    """The ids of the organiser-wide tokens that work at ``now`` (not revoked, not expired, not
    scoped to some events). With ``lock``, their rows are locked until the transaction ends
    (PostgreSQL ``FOR UPDATE``; SQLite's write lock is already held), so two revocations running
    at once cannot both see another organiser left."""
    statement = sa.select(ApiToken.id).where(
        ApiToken.role == ORGANISER, ApiToken.revoked_at.is_(None), ApiToken.events_json == "[]",
        sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
    if lock:
        statement = statement.with_for_update()
    return list(session.scalars(statement))


def mark_used(session: Session, used: dict[str, datetime]) -> None:
    """Record when each token (by id) was last used."""
    for token_id, at in used.items():
        session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


def chairs_without_events(session: Session) -> list[ApiToken]:
    """Active chair tokens that name tracks without their event (issued before per-event chair scope)."""
    rows = session.scalars(sa.select(ApiToken).where(ApiToken.role == CHAIR, ApiToken.revoked_at.is_(None)))
    return [row for row in rows if row.unscoped_tracks]
