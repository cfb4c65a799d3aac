"""The copies notes keeps of the schedule: its events (the name and timezone a summary shows), its
tracks (with their chairs) and its sessions (each with its note), kept from the schedule's events;
notes never calls the schedule service."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.kit.copies import TrackChange
from services.kit.db import UnitOfWork

from .. import domain, store


@dataclass(frozen=True)
class EventChange:
    """What a ``ptghub.schedule.event.<verb>`` event says (``event``: its loaded data)."""

    verb: str
    event: dict[str, Any]


@dataclass(frozen=True)
class SessionChange:
    """What a ``ptghub.schedule.session.<verb>`` event says (``session``: its loaded data)."""

    verb: str
    session: dict[str, Any]


def follow_event(uow: UnitOfWork, change: EventChange) -> store.Event:
    """Create or update the copy of an event; a deleted event is kept, marked deleted. An older
    version of the event than the copy (events reordered) changes nothing."""
    data = change.event
    event = store.find_event_copy(uow.session, data["slug"], lock=True)
    if event is not None and domain.is_stale(data["updated_at"], event.event_updated_at):
        return event
    return store.copy_event(uow.session, event, data, deleted=change.verb == "deleted")


def follow_track(uow: UnitOfWork, change: TrackChange, chairs: list[dict] | None = None) -> store.Track | None:
    """Keep the copy of a track (its summary, its note, its chairs as the people its notes name);
    a deleted track is retired."""
    return store.follow_track(uow.session, change, chairs)


def follow_session(uow: UnitOfWork, change: SessionChange) -> None:
    """Create the session's (empty) note, or bring its copy of the session up to date.

    An older version of the session than the copy (events reordered) changes nothing; a deleted
    session keeps its note, marked deleted (out of summaries).
    """
    data = change.session
    note = store.session_note_copy(uow.session, data["id"])
    if note is not None and note.kind != domain.SESSION:
        raise ValueError(f"note {data['id']} is a {note.kind} note, not session {data['id']}'s")
    if note is not None and domain.is_stale(data["updated_at"], note.session_updated_at):
        return
    store.copy_session(uow.session, note is not None, data, domain.copied_status(change.verb, data["status"]))
