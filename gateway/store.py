"""The gateway's own database: API tokens, stored as SHA-256 hashes only."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.db import UTCDateTime, new_id, utcnow


class Base(DeclarativeBase):
    pass


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

    @property
    def tracks(self) -> list[dict]:
        """The (event, track) pairs a chair token chairs: ``[{"event": "denver", "track": "nova"}]``."""
        return json.loads(self.tracks_json)

    def principal(self) -> dict:
        """Who this token is: ``sub`` is the token id (ownership is by id, never by display name)."""
        return {"sub": self.id, "name": self.name, "role": self.role, "tracks": self.tracks, "relay": self.relay}
