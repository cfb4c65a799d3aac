"""A session's and a track's notes: found, made, listed; the span of an event's sessions."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import new_id, utcnow
from services.kit.problems import NotFound

from .. import domain
from .models import Note, Track


def find_session_note(session: Session, session_id: str, lock: bool = False) -> Note | None:
    note = session.get(Note, session_id, with_for_update=True if lock else None)
    return note if note is not None and note.kind == domain.SESSION else None


def find_track_note(session: Session, event: str, track: str, lock: bool = False) -> Note | None:
    statement = sa.select(Note).where(Note.kind == domain.TRACK, Note.event == event, Note.track == track)
    return session.scalar(statement.with_for_update() if lock else statement)


def get_session_note(session: Session, session_id: str, lock: bool = False) -> Note:
    note = find_session_note(session, session_id, lock)
    if note is None:
        raise NotFound(f"no note for session {session_id!r}", errors={"session_id": ["unknown session"]})
    return note


def new_track_note(session: Session, track: Track, timezone: str) -> Note:
    """A track's note, empty, at revision 0 (added to the session on its first save)."""
    return Note(id=new_id(), kind=domain.TRACK, event=track.event, track=track.slug, body="", revision=0,
                status=None, timezone=timezone, updated_at=utcnow(), created_at=utcnow())


def add_note(session: Session, note: Note) -> Note:
    session.add(note)
    session.flush()
    return note


def track_session_notes(session: Session, event: str, track: str) -> list[Note]:
    """Every session note of a track, cancelled and deleted sessions' too, in schedule order."""
    statement = sa.select(Note).where(Note.kind == domain.SESSION, Note.event == event, Note.track == track)
    return list(session.scalars(statement.order_by(Note.start, Note.id)))


def event_track_notes(session: Session, event: str) -> dict[str, Note]:
    """The track notes of an event (those ever saved), by track slug."""
    notes = session.scalars(sa.select(Note).where(Note.kind == domain.TRACK, Note.event == event))
    return {note.track: note for note in notes}


def event_span(session: Session, event: str) -> tuple[datetime | None, datetime | None, str | None]:
    """The first start and last end of the event's sessions notes has copies of, and their timezone."""
    first, last = session.execute(sa.select(sa.func.min(Note.start), sa.func.max(Note.end))
                                  .where(Note.kind == domain.SESSION, Note.event == event)).one()
    zone = session.scalar(sa.select(Note.timezone).where(Note.kind == domain.SESSION, Note.event == event)
                          .limit(1)) if first is not None else None
    return first, last, zone
