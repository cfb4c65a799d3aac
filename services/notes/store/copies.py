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


def copy_session(session: Session, note: Note | None, data: dict[str, Any], status: str) -> Note:
    """Create the session's (empty) note, or update its copy of the session."""
    if note is None:
        note = Note(id=data["id"], kind=domain.SESSION, body="", revision=0)
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
