"""Notes' tables, as SQLAlchemy models.

``Event`` is a copy of the schedule's events, ``Track`` of its tracks, and ``Note`` carries a copy
of its session, all kept from events: notes never calls the schedule service. What search adds to
``notes`` and ``note_items`` beyond these mappings is :mod:`.search`'s.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.kit.copies import TrackCopy
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow

from .. import domain


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class Event(Base):
    """A copy of a schedule event, from ``ptghub.schedule.event.*`` events, keyed by slug: the name a
    summary gives it and the timezone it shows times in; kept, ``deleted``, when the schedule deletes it."""

    __tablename__ = "events"
    slug: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    event_updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the schedule's updated_at of the copied event version")


class Track(TrackCopy, Base):
    """A copy of a schedule track, from ``ptghub.schedule.track.*`` events, keyed by (event, slug);
    retired (kept, ``deleted_at`` set) when the schedule deletes it. ``chairs`` (notes' own column)
    are the people extraction knows for the track's notes."""

    chairs: Mapped[list[dict[str, Any]] | None] = mapped_column(
        sa.JSON, comment="the track's chairs as the schedule gave them: [{nick, name, email}]")


class Note(Base):
    """A note: a session's (``kind`` session, with a copy of the session from the schedule's events;
    its id is the session's), a track's (``kind`` track: the pad a team keeps all week, one per
    (event, track), made on its first save) or one of an event's free notes (``kind`` event: named by
    ``slug``, one per (event, slug), with a ``title``; ``track`` is :data:`domain.EVENT_SCOPE`, empty;
    deleted, it is kept with ``status`` deleted)."""

    __tablename__ = "notes"
    __table_args__ = (
        sa.Index("ix_notes_event_track_start", "event", "track", "start"),
        # which notes a search may show, read from the index alone (see migration 0009)
        sa.Index("ix_notes_searchable", "event", "track", "status", "revision", "id"),
        sa.Index("ux_notes_track_note", "event", "track", unique=True,
                 sqlite_where=sa.text("kind = 'track'"), postgresql_where=sa.text("kind = 'track'")),
        sa.Index("ux_notes_free_note", "event", "slug", unique=True,
                 sqlite_where=sa.text("kind = 'event'"), postgresql_where=sa.text("kind = 'event'")),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, comment="a session note's: the session's id")
    kind: Mapped[str] = mapped_column(sa.String(10), default=domain.SESSION)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))  # empty for an event's free note
    slug: Mapped[str | None] = mapped_column(sa.String(64), comment="a free note's slug; null for the other kinds")
    room: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str | None] = mapped_column(sa.String(300))  # the session's title, or a free note's
    start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(sa.String(20), default="scheduled")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    session_updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the schedule's updated_at of the copied session version")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, comment="when the body last changed")

    @property
    def session_id(self) -> str | None:
        return self.id if self.kind == domain.SESSION else None

    @property
    def track_slug(self) -> str | None:
        """The track the note belongs to; None for an event's free note."""
        return None if self.kind == domain.EVENT else self.track


class NoteRevision(Base):
    """The body of every revision of a note, and who wrote it."""

    __tablename__ = "note_revisions"
    # who saved revisions of a note, answered from the index (the rows hold the bodies: see migration 0008)
    __table_args__ = (sa.Index("ix_note_revisions_authors", "note_id", "author"),)
    note_id: Mapped[str] = mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    body: Mapped[str] = mapped_column(sa.Text)
    author: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[Note] = relationship(lazy="select")  # in the identity map already: no query


class NoteItem(Base):
    """An item drawn out of a note's current text (an action, a decision, a link ...), with the
    identity it keeps across saves and the state a chair gives it."""

    __tablename__ = "note_items"
    __table_args__ = (sa.Index("ix_note_items_note_line", "note_id", "line"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    note_id: Mapped[str] = mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.Text, comment="the line or sentence it came from, as written")
    line: Mapped[int] = mapped_column(sa.Integer)
    owners: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    due: Mapped[date | None] = mapped_column(sa.Date)
    suggested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    state: Mapped[str] = mapped_column(sa.String(20))
    url: Mapped[str | None] = mapped_column(sa.Text)
    urls: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Summary(Base):
    """A published summary, as it was sent: ``text`` is its plain-text rendering. An event's summary
    has ``track`` :data:`domain.EVENT_SCOPE` (empty) and ``track_name`` empty."""

    __tablename__ = "summaries"
    __table_args__ = (sa.Index("ix_summaries_event_track_created", "event", "track", "created_at"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))
    track_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, comment="[{session_id, title, start, end}]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
