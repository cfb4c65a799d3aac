"""The copies of the schedule's events, tracks and sessions (a session's lives in its note), kept from its events."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.copies import TrackChange
from services.kit.problems import NotFound

from .. import domain
from .models import Event, Note, Track


def find_event_copy(session: Session, slug: str, lock: bool = False) -> Event | None:
    return session.get(Event, slug, with_for_update=True if lock else None)


def copy_event(session: Session, event: Event | None, data: dict[str, Any], deleted: bool) -> Event:
    """Create the copy of an event, or bring it up to date (``deleted``: the schedule deleted it)."""
    if event is None:
        event = Event(slug=data["slug"])
        session.add(event)
    event.name = data["name"]
    event.timezone = data["timezone"]
    event.start_date = data.get("start_date")
    event.end_date = data.get("end_date")
    event.deleted = deleted
    event.event_updated_at = data.get("updated_at")
    session.flush()
    return event


def require_event_copy(session: Session, slug: str, lock: bool = False) -> Event:
    """notes' copy of an event; 404 naming ``event`` when the schedule never announced it to notes."""
    event = find_event_copy(session, slug, lock)
    if event is None:
        raise NotFound(f"no event {slug!r} (notes knows the events the schedule announced)",
                       errors={"event": ["unknown event"]})
    return event


# -- tracks ---------------------------------------------------------------------------------
def get_track_copy(session: Session, event: str, slug: str, lock: bool = False) -> Track:
    """The copy of a track (retired ones too); 404 naming ``track`` when the schedule never announced it."""
    track = session.get(Track, (event, slug), with_for_update=True if lock else None)
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event!r} (notes knows the tracks the schedule announced)",
                       errors={"track": ["unknown track"]})
    return track


def follow_track(session: Session, change: TrackChange, chairs: list[dict[str, Any]] | None = None) -> Track | None:
    """Apply a schedule track event to its copy (see :mod:`services.kit.copies`), with its chairs."""
    track = Track.follow(session, change)
    if track is not None and change.verb != "deleted" and chairs is not None:
        track.chairs = chairs
    return track


def find_track_copy(session: Session, event: str, slug: str, lock: bool = False) -> Track | None:
    return session.get(Track, (event, slug), with_for_update=True if lock else None)


def event_tracks(session: Session, event: str) -> list[Track]:
    """Every copied track of an event, retired ones too, by slug."""
    return list(session.scalars(sa.select(Track).where(Track.event == event).order_by(Track.slug)))


_notes = Note.__table__
# built once: every session event of the schedule reads and writes its session's note (columns only)
_SESSION_NOTE = sa.select(_notes.c.kind, _notes.c.session_updated_at).where(
    _notes.c.id == sa.bindparam("session_id")).with_for_update()
_ADD_SESSION_NOTE = _notes.insert()
_CHANGE_SESSION_NOTE = _notes.update().where(_notes.c.id == sa.bindparam("session_id"))


def session_note_copy(session: Session, session_id: str) -> sa.Row | None:
    """``kind`` and ``session_updated_at`` of the note of id ``session_id``, locked, or None."""
    return session.connection().execute(_SESSION_NOTE, {"session_id": session_id}).first()


def copy_session(session: Session, exists: bool, data: dict[str, Any], status: str) -> None:
    """Create the session's (empty) note, or update its copy of the session (``exists``: the note
    is there, :func:`session_note_copy` locked it)."""
    values = {"event": data["event"], "track": data["track"], "room": data["room"], "title": data["title"],
              "start": data["start"], "end": data["end"], "status": status,
              "timezone": data.get("timezone") or "UTC", "session_updated_at": data.get("updated_at")}
    if exists:
        session.connection().execute(_CHANGE_SESSION_NOTE, {"session_id": data["id"], **values})
    else:
        session.connection().execute(_ADD_SESSION_NOTE, {"id": data["id"], "kind": domain.SESSION, "body": "",
                                                         "revision": 0, **values})
