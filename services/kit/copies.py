"""Local copies of another service's data, kept from its events (no service reads another's database).

Several services keep the schedule's tracks (notes for summaries, actions to check an action's
track): the copy's columns, how a track event changes it, the rule that a deleted (retired) track
is offered no more, and the tolerant reader of ``ptghub.schedule.track.*`` data live here once.

A deleted track retires its copy: the row stays (summaries and actions still name it) with
``deleted_at`` set. A ``track.created`` with the same slug later (the track re-created, under a
new schedule id) brings it back. Track events may arrive out of order, so an event of a track
incarnation the copy has moved past is ignored: schedule ids are never reused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from marshmallow import EXCLUDE, fields
from sqlalchemy.orm import Mapped, Session, mapped_column

from .cloudevents import CloudEvent
from .db import UTCDateTime, utcnow
from .problems import Conflict
from .schemas import StrictSchema

CREATED, UPDATED, DELETED = "created", "updated", "deleted"

# What a track event does to a copy (see :func:`track_event_effect`).
COPY, RETIRE, IGNORE = "copy", "retire", "ignore"


class TolerantSchema(StrictSchema):
    """Data of another service's event: a tolerant reader (fields added later are ignored)."""

    class Meta(StrictSchema.Meta):
        unknown = EXCLUDE


class ScheduleTrackSchema(TolerantSchema):
    id = fields.String(required=True)
    event = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    mailing_list = fields.String(load_default=None, allow_none=True)
    subject_tag = fields.String(load_default=None, allow_none=True)


@dataclass(frozen=True)
class TrackChange:
    """What a ``ptghub.schedule.track.<verb>`` event says: the command a track copy follows."""

    verb: str  # created, updated or deleted
    track_id: str  # the schedule's id of this incarnation of the track
    event: str
    slug: str
    name: str
    mailing_list: str | None = None
    subject_tag: str | None = None
    at: datetime | None = None  # when the schedule made the change (the event's time), if it says

    @classmethod
    def from_event(cls, cloud_event: CloudEvent) -> "TrackChange":
        data = ScheduleTrackSchema().load(cloud_event.data)
        return cls(verb=cloud_event.type.rsplit(".", 1)[-1], track_id=data["id"], event=data["event"],
                   slug=data["slug"], name=data["name"], mailing_list=data["mailing_list"],
                   subject_tag=data["subject_tag"], at=_aware_time(cloud_event.time))


def _aware_time(text: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def track_event_effect(copied_id: str | None, retired: bool, change: TrackChange) -> str:
    """What ``change`` does to a copy of its track (``copied_id`` None: there is no copy yet).

    ``retire`` for the deletion of the copied incarnation (or of a track never copied); ``ignore``
    for the deletion of another incarnation and for a late created/updated of the retired one;
    ``copy`` (fields taken, the copy live) otherwise.
    """
    if change.verb == DELETED:
        return RETIRE if copied_id in (None, change.track_id) else IGNORE
    if retired and copied_id == change.track_id:
        return IGNORE
    return COPY


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
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="when the schedule deleted the track: retired, offered no more")

    @property
    def retired(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def follow(cls, session: Session, change: TrackChange):
        """Apply a track event to the copy (inserting it when there is none); returns the copy."""
        track = session.get(cls, (change.event, change.slug), with_for_update=True)
        effect = track_event_effect(track.track_id if track else None, bool(track and track.retired), change)
        if effect == IGNORE:
            return track
        if track is None:
            track = cls(event=change.event, slug=change.slug)
            session.add(track)
        track.track_id = change.track_id
        track.name = change.name
        track.mailing_list = change.mailing_list
        track.subject_tag = change.subject_tag
        if effect == RETIRE:
            track.deleted_at = track.deleted_at or change.at or utcnow()
        else:
            track.deleted_at = None
        return track


def require_offered(track: TrackCopy, refused: str) -> TrackCopy:
    """A retired track is offered no more: 409 naming the track, ``refused`` saying what was refused."""
    if track.retired:
        raise Conflict(f"track {track.slug} of event {track.event} was deleted from the schedule "
                       f"({track.deleted_at:%Y-%m-%d %H:%M} UTC): {refused}",
                       errors={"track": [f"deleted from the schedule of {track.event}"]})
    return track
