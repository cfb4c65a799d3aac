"""An event's rooms: add, change, delete (organisers; a room holding sessions only with cascade),
list and read. A room may offer only some slots of the grid (``offered_slots``)."""
from __future__ import annotations

from services.kit.db import UnitOfWork
from services.kit.problems import Conflict

from .. import domain, store
from ..schemas.gathering import RoomSchema
from .outbox import apply_changes, publish
from .rights import require_organiser
from .sessions import delete_sessions

room_schema = RoomSchema()


def _with_offered_slots(uow: UnitOfWork, event: store.Event, data: dict) -> dict:
    if data.get("offered_slots") is not None:
        grid = [slot.code for slot in store.event_slots(uow.session, event)]
        data = {**data, "offered_slots": domain.check_offered_slots(data["offered_slots"], grid)}
    return data


def create_room(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> store.Room:
    """Add a room (``data``: a loaded ``Room``); publishes ``room.created``."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    if store.room_slug_taken(uow.session, event, data["slug"]):
        raise Conflict(f"room {data['slug']!r} exists already in {event_slug}", errors={"slug": ["taken"]})
    row = store.Room(event_id=event.id, event=event, **_with_offered_slots(uow, event, data))
    uow.session.add(row)
    uow.session.flush()
    publish(uow, "room", "created", room_schema.dump(row), f"{event_slug}/{row.slug}")
    return row


def list_rooms(uow: UnitOfWork, event_slug: str, query: dict) -> tuple[list[store.Room], str | None]:
    return store.rooms_page(uow.session, store.get_event(uow.session, event_slug), query["limit"], query["cursor"])


def get_room(uow: UnitOfWork, event_slug: str, room_slug: str) -> store.Room:
    return store.get_room(uow.session, store.get_event(uow.session, event_slug), room_slug)


def update_room(uow: UnitOfWork, who: dict, event_slug: str, room_slug: str, changes: dict) -> store.Room:
    """Change some fields of a room (``changes``: a loaded ``RoomChanges``); ``room.updated`` when any changed."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_room(uow.session, event, room_slug)
    changes = _with_offered_slots(uow, event, changes)
    changed = domain.changed_fields({name: getattr(row, name) for name in changes}, changes)
    return apply_changes(uow, row, changed, room_schema, "room", f"{event_slug}/{row.slug}")


def delete_room(uow: UnitOfWork, who: dict, event_slug: str, room_slug: str, cascade: bool) -> None:
    """Delete a room; one holding sessions needs ``cascade`` (they go too, each ``session.deleted``)."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_room(uow.session, event, room_slug)
    held = store.event_sessions(uow.session, event, room=row)
    domain.check_cascade(f"room {room_slug}", [session.id for session in held], cascade)
    delete_sessions(uow, held)
    publish(uow, "room", "deleted", room_schema.dump(row), f"{event_slug}/{row.slug}")
    uow.session.delete(row)
