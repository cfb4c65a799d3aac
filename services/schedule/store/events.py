"""Queries of events: by slug (locked for a write), pages, what an event holds, and its removal."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from services.kit.problems import NotFound

from .models import Event, Link, Motd, Room, SessionRow, Slot, Track
from .pages import keyset_page


def get_event(session: Session, slug: str, lock: bool = False) -> Event:
    """The event by slug; ``lock`` takes its row lock (``FOR UPDATE``).

    Every write of sessions locks its event first, before anything else, so writes of one event
    are serialised (the room, track and moderator checks see each other's result) and never
    deadlock with each other.
    """
    statement = sa.select(Event).where(Event.slug == slug)
    if lock:
        statement = statement.with_for_update()
    event = session.scalar(statement)
    if event is None:
        raise NotFound(f"no event {slug!r}", errors={"event": ["unknown event"]})
    return event


# built once (every session written runs it): the event locked, with its track and room
_EVENT_TRACK_ROOM = (
    sa.select(Event, Track, Room).where(Event.slug == sa.bindparam("event_slug"))
    .outerjoin(Track, sa.and_(Track.event_id == Event.id, Track.slug == sa.bindparam("track_slug")))
    .outerjoin(Room, sa.and_(Room.event_id == Event.id, Room.slug == sa.bindparam("room_slug")))
    # their event is the one locked here: no second join of it for each
    .options(lazyload(Track.event), lazyload(Room.event))
    .with_for_update(of=Event)
)


def event_track_room(session: Session, slug: str, track: str, room: str) -> tuple[Event, Track, Room]:
    """The event by slug, locked as :func:`get_event` with ``lock`` does, with its track and room of
    those slugs, in one query: a session's write holds the event's lock from this query to its
    commit, and every round trip in between (on a loaded machine each waits for the server to be
    scheduled) lengthens the queue of the event's writers. 404 naming the first one missing."""
    found = session.execute(_EVENT_TRACK_ROOM, {"event_slug": slug, "track_slug": track, "room_slug": room}).first()
    if found is None:
        raise NotFound(f"no event {slug!r}", errors={"event": ["unknown event"]})
    event, track_row, room_row = found
    if track_row is None:
        raise NotFound(f"no track {track!r} in event {event.slug}", errors={"track": ["unknown track"]})
    if room_row is None:
        raise NotFound(f"no room {room!r} in event {event.slug}", errors={"room": ["unknown room"]})
    return event, track_row, room_row


def event_slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.slug == slug)) > 0


def events_page(session: Session, limit: int, cursor: str | None) -> tuple[list[Event], str | None]:
    """A page of events by slug."""
    return keyset_page(session, sa.select(Event), [Event.slug], lambda e: [e.slug], (str,), limit, cursor)


def counts(session: Session, event: Event) -> dict[str, int]:
    """How many rooms, tracks, sessions and slots an event holds."""
    return {name: session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))
            for name, model in (("rooms", Room), ("tracks", Track), ("sessions", SessionRow), ("slots", Slot))}


def delete_event_lists(session: Session, event: Event) -> None:
    """Delete the event's slots, links and message of the day at once (the event goes with them:
    no :func:`~.versions.touch` needed)."""
    for model in (Slot, Link, Motd):
        session.execute(sa.delete(model).where(model.event_id == event.id))
