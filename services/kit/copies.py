"""Local copies of another service's data, kept from its events (no service reads another's database).

Several services keep the schedule's tracks (notes for summaries, actions to check an action's
track): the copy's columns, its upsert and the tolerant reader of ``ptghub.schedule.track.*``
data live here once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import EXCLUDE, fields
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import UTCDateTime, utcnow
from .schemas import StrictSchema


class TrackCopy:
    """Mixin for a service's ``tracks`` table: a schedule track, keyed by (event, slug)."""

    __tablename__ = "tracks"
    event: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    track_id: Mapped[str] = mapped_column(sa.String(36), comment="the schedule's id of the track")
    name: Mapped[str] = mapped_column(sa.String(200))
    mailing_list: Mapped[str | None] = mapped_column(sa.String(320))
    subject_tag: Mapped[str | None] = mapped_column(sa.String(64))
    copied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @classmethod
    def upsert(cls, session: Session, data: dict[str, Any]):
        """Insert or update the copy from a track event's (loaded) data."""
        track = session.get(cls, (data["event"], data["slug"]))
        if track is None:
            track = cls(event=data["event"], slug=data["slug"])
            session.add(track)
        track.track_id = data["id"]
        track.name = data["name"]
        track.mailing_list = data.get("mailing_list")
        track.subject_tag = data.get("subject_tag")
        return track


class ScheduleData(StrictSchema):
    """Data of another service's event: a tolerant reader (fields added later are ignored)."""

    class Meta(StrictSchema.Meta):
        unknown = EXCLUDE


class ScheduleTrackSchema(ScheduleData):
    id = fields.String(required=True)
    event = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    mailing_list = fields.String(load_default=None, allow_none=True)
    subject_tag = fields.String(load_default=None, allow_none=True)
