"""Notes persistence: SQLAlchemy models and every query the operations need.

``Track`` is a copy of the schedule's tracks and ``Note`` carries a copy of its session, both kept
from events: notes never calls the schedule service.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.kit.copies import TrackChange, TrackCopy
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from . import domain


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class Track(TrackCopy, Base):
    """A copy of a schedule track, from ``ptghub.schedule.track.*`` events, keyed by (event, slug);
    retired (kept, ``deleted_at`` set) when the schedule deletes it."""


class Note(Base):
    """A session's note, with a copy of the session (from ``ptghub.schedule.session.*`` events)."""

    __tablename__ = "notes"
    __table_args__ = (sa.Index("ix_notes_event_track_start", "event", "track", "start"),)
    session_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))
    room: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    session_updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the schedule's updated_at of the copied session version")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, comment="when the body last changed")


class NoteRevision(Base):
    """The body of every revision of a note, and who wrote it."""

    __tablename__ = "note_revisions"
    session_id: Mapped[str] = mapped_column(sa.ForeignKey("notes.session_id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    body: Mapped[str] = mapped_column(sa.Text)
    author: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


# -- tracks ---------------------------------------------------------------------------------
def get_track_copy(session: Session, event: str, slug: str) -> Track:
    """The copy of a track (retired ones too); 404 naming ``track`` when the schedule never announced it."""
    track = session.get(Track, (event, slug))
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event!r} (notes knows the tracks the schedule announced)",
                       errors={"track": ["unknown track"]})
    return track


def follow_track(session: Session, change: TrackChange) -> Track | None:
    """Apply a schedule track event to its copy (see :mod:`services.kit.copies`)."""
    return Track.follow(session, change)


# -- notes ----------------------------------------------------------------------------------
def find_note(session: Session, session_id: str, lock: bool = False) -> Note | None:
    return session.get(Note, session_id, with_for_update=True if lock else None)


def get_note(session: Session, session_id: str, lock: bool = False) -> Note:
    note = find_note(session, session_id, lock)
    if note is None:
        raise NotFound(f"no note for session {session_id!r}", errors={"session_id": ["unknown session"]})
    return note


def copy_session(session: Session, note: Note | None, data: dict[str, Any], status: str) -> Note:
    """Create the session's (empty) note, or update its copy of the session."""
    if note is None:
        note = Note(session_id=data["id"], body="", revision=0)
        session.add(note)
    note.event = data["event"]
    note.track = data["track"]
    note.room = data["room"]
    note.title = data["title"]
    note.start = data["start"]
    note.end = data["end"]
    note.status = status
    note.timezone = data.get("timezone") or "UTC"
    note.session_updated_at = data.get("updated_at")
    return note


def save_revision(session: Session, note: Note, revision: int, body: str, author: str) -> Note:
    """The note's new body as its revision ``revision``, kept with its author."""
    note.revision = revision
    note.body = body
    note.updated_at = utcnow()
    session.add(NoteRevision(session_id=note.session_id, revision=revision, body=body, author=author,
                             created_at=note.updated_at))
    session.flush()
    return note


def revisions_page(session: Session, note: Note, limit: int, cursor: str | None) -> tuple[list[NoteRevision], str | None]:
    """A page of a note's revisions, newest first.

    ``paginate`` walks keys in ascending order, so the key is the negated revision number.
    """
    statement = sa.select(NoteRevision).where(NoteRevision.session_id == note.session_id)
    return paginate(session, statement, [-NoteRevision.revision], lambda r: [-r.revision], limit, cursor,
                    parse=_parse_revision_cursor)


def _parse_revision_cursor(values: list) -> list[int]:
    if not isinstance(values[0], int) or isinstance(values[0], bool) or abs(values[0]) >= 2 ** 31:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def summary_notes(session: Session, event: str, track: str | None = None) -> list[Note]:
    """The notes a summary covers: of one track (``track``) or of the whole event, sessions neither
    cancelled nor deleted, by track and then in schedule order (start, then id)."""
    statement = sa.select(Note).where(Note.event == event, Note.status.not_in(domain.NOT_SUMMARISED))
    if track is not None:
        statement = statement.where(Note.track == track)
    return list(session.scalars(statement.order_by(Note.track, Note.start, Note.session_id)))


def event_tracks(session: Session, event: str) -> list[Track]:
    """Every copied track of an event, retired ones too, by slug."""
    return list(session.scalars(sa.select(Track).where(Track.event == event).order_by(Track.slug)))


# -- summaries ------------------------------------------------------------------------------
def add_summary(session: Session, summary_id: str, event: str, track: str, track_name: str, title: str, text: str,
                sessions: list[dict[str, Any]]) -> Summary:
    """A published summary, as sent (``track`` :data:`domain.EVENT_SCOPE` for an event's summary)."""
    summary = Summary(id=summary_id, event=event, track=track, track_name=track_name, title=title, text=text,
                      sessions=sessions)
    session.add(summary)
    session.flush()
    return summary


def published_summaries(session: Session, event: str, track: str) -> tuple[Summary | None, Summary | None]:
    """The first and the last summary published for a track (or, ``track`` :data:`domain.EVENT_SCOPE`, for
    the event): None, None before the first publish."""
    scope = sa.select(Summary).where(Summary.event == event, Summary.track == track)
    first = session.scalar(scope.order_by(Summary.created_at, Summary.id).limit(1))
    if first is None:
        return None, None
    last = session.scalar(scope.order_by(Summary.created_at.desc(), Summary.id.desc()).limit(1))
    return first, last


def get_summary(session: Session, summary_id: str) -> Summary:
    summary = session.get(Summary, summary_id)
    if summary is None:
        raise NotFound(f"no summary {summary_id!r}", errors={"summary_id": ["unknown summary"]})
    return summary
