"""Events (gatherings): create, change, delete (organisers), list and read.

New days or a new timezone must still hold every session and slot; a new timezone keeps the
wall-clock times (09:00 stays 09:00), so sessions and slots move and each moved session is
published again. Deleting an event that holds anything takes ``cascade``.
"""
from __future__ import annotations

from services.kit.db import UnitOfWork
from services.kit.problems import Conflict

from .. import domain, store
from ..schemas.gathering import EventSchema, RoomSchema, SessionSchema, SlotGridSchema, TrackSchema
from .grid import grid_of
from .outbox import publish
from .rights import require_organiser
from .sessions import delete_sessions

event_schema, room_schema, track_schema = EventSchema(), RoomSchema(), TrackSchema()
session_schema, grid_schema = SessionSchema(), SlotGridSchema()


def create_event(uow: UnitOfWork, who: dict, data: dict) -> store.Event:
    """Create an event (``data``: a loaded ``Event``); publishes ``event.created``."""
    require_organiser(who)
    domain.check_event_dates(data["start_date"], data["end_date"])  # across fields: a 422 naming end_date
    if store.event_slug_taken(uow.session, data["slug"]):
        raise Conflict(f"event {data['slug']!r} exists already", errors={"slug": ["taken"]})
    event = store.Event(**data)
    uow.session.add(event)
    uow.session.flush()
    publish(uow, "event", "created", event_schema.dump(event), event.slug)
    return event


def list_events(uow: UnitOfWork, query: dict) -> tuple[list[store.Event], str | None]:
    return store.events_page(uow.session, query["limit"], query["cursor"])


def get_event(uow: UnitOfWork, slug: str) -> store.Event:
    return store.get_event(uow.session, slug)


def update_event(uow: UnitOfWork, who: dict, slug: str, changes: dict) -> store.Event:
    """Change some fields of an event (``changes``: a loaded ``EventChanges``).

    Publishes ``event.updated``; with a new timezone also ``session.updated`` for each session
    and ``slot.changed`` when it has slots. Nothing changed: nothing published.
    """
    require_organiser(who, slug)
    event = store.get_event(uow.session, slug, lock=True)
    changed = domain.changed_fields({name: getattr(event, name) for name in changes}, changes)
    if not changed:
        return event
    zone = changed.get("timezone", event.timezone)
    rezoned = zone != event.timezone
    sessions = store.event_sessions(uow.session, event)
    slots = store.event_slots(uow.session, event)
    held = [*(domain.Held.session_of(s.id, s.title, s.start, s.end) for s in sessions),
            *(domain.Held.slot_of(s.id, s.code, s.start, s.end) for s in slots)]
    moves = domain.plan_event_days(held, event.timezone, changed.get("start_date", event.start_date),
                                   changed.get("end_date", event.end_date), zone)
    for name, value in changed.items():
        setattr(event, name, value)
    for item in [*sessions, *slots]:
        if item.id in moves:
            item.start, item.end = moves[item.id].start, moves[item.id].end
    uow.session.flush()
    publish(uow, "event", "updated", event_schema.dump(event), event.slug)
    if rezoned:
        for row in sessions:
            publish(uow, "session", "updated", session_schema.dump(row), row.id)
        if slots:
            publish(uow, "slot", "changed", grid_schema.dump(grid_of(event, slots)), event.slug)
    return event


def delete_event(uow: UnitOfWork, who: dict, slug: str, cascade: bool) -> None:
    """Delete an event; one that holds anything needs ``cascade``: then each session, track and
    room publishes its own ``deleted`` before ``event.deleted``."""
    require_organiser(who, slug)
    event = store.get_event(uow.session, slug, lock=True)
    domain.check_event_empty(slug, store.counts(uow.session, event), cascade)
    delete_sessions(uow, store.event_sessions(uow.session, event))
    for track in store.event_tracks(uow.session, event):
        publish(uow, "track", "deleted", track_schema.dump(track), f"{slug}/{track.slug}")
        uow.session.delete(track)
    for room in store.event_rooms(uow.session, event):
        publish(uow, "room", "deleted", room_schema.dump(room), f"{slug}/{room.slug}")
        uow.session.delete(room)
    body = event_schema.dump(event)
    store.delete_event_lists(uow.session, event)
    uow.session.delete(event)
    publish(uow, "event", "deleted", body, slug)
