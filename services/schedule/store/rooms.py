"""Queries of an event's rooms."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .models import Event, Room
from .pages import keyset_page


def get_room(session: Session, event: Event, slug: str, field: str = "room", lock: bool = False) -> Room:
    """The room by slug (404 naming ``field`` when the event has none); ``lock`` takes its row lock."""
    statement = sa.select(Room).where(Room.event_id == event.id, Room.slug == slug)
    if lock:
        statement = statement.with_for_update(of=Room)
    room = session.scalar(statement)
    if room is None:
        raise NotFound(f"no room {slug!r} in event {event.slug}", errors={field: ["unknown room"]})
    return room


def event_rooms(session: Session, event: Event) -> list[Room]:
    """The event's rooms, by slug."""
    return list(session.scalars(sa.select(Room).where(Room.event_id == event.id).order_by(Room.slug)))


def room_slug_taken(session: Session, event: Event, slug: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Room)
                          .where(Room.event_id == event.id, Room.slug == slug)) > 0


def rooms_page(session: Session, event: Event, limit: int, cursor: str | None) -> tuple[list[Room], str | None]:
    """A page of the event's rooms by slug."""
    return keyset_page(session, sa.select(Room).where(Room.event_id == event.id), [Room.slug], lambda r: [r.slug],
                       (str,), limit, cursor)
