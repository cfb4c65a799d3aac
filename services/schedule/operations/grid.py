"""The slot grid of an event: add, replace or remove slots (organisers), list and read them.

Every change publishes ``slot.changed`` carrying the whole grid. A slot that scheduled sessions
were placed in may not go or change its times; rooms stop offering slots that left the grid.
"""
from __future__ import annotations

from services.kit.db import UnitOfWork
from services.kit.problems import Conflict

from .. import domain, store
from ..schemas.gathering import RoomSchema, SlotGridSchema
from .outbox import publish
from .rights import require_organiser

grid_schema, room_schema = SlotGridSchema(), RoomSchema()


def grid_of(event: store.Event, slots: list[store.Slot]) -> dict:
    """An event's grid as ``SlotGrid`` dumps it (the body of ``slot.changed``)."""
    return {"event": event.slug, "timezone": event.timezone, "slots": slots}


def publish_grid(uow: UnitOfWork, event: store.Event) -> dict:
    """Publish ``slot.changed`` with the event's grid as it now is; returns that grid."""
    uow.session.flush()
    grid = grid_of(event, store.event_slots(uow.session, event))
    publish(uow, "slot", "changed", grid_schema.dump(grid), event.slug)
    return grid


def _check_unused(uow: UnitOfWork, event: store.Event, codes: set[str]) -> None:
    if codes:
        scheduled = store.event_sessions(uow.session, event, scheduled_only=True)
        domain.check_slots_unused(codes, [store.session_view(row) for row in scheduled])


def _prune_offered_slots(uow: UnitOfWork, event: store.Event, removed: set[str]) -> None:
    """Rooms stop offering slots that left the grid (each changed room publishes room.updated)."""
    if not removed:
        return
    for room in store.event_rooms(uow.session, event):
        pruned = domain.without_slots(room.offered_slots, removed)
        if pruned is not None:
            room.offered_slots = pruned
            uow.session.flush()
            publish(uow, "room", "updated", room_schema.dump(room), f"{event.slug}/{room.slug}")


def create_slot(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> store.Slot:
    """Add a slot (``data``: a loaded ``Slot``, local times of one of the event's days)."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    view = domain.check_slot(data["code"], data["day"], data["start"], data["end"], event.start_date,
                             event.end_date, event.timezone)
    if any(slot.code == data["code"] for slot in store.event_slots(uow.session, event)):
        raise Conflict(f"slot {data['code']} exists already in {event_slug}", errors={"code": ["taken"]})
    row = store.Slot(event_id=event.id, event=event, code=view.code, start=view.start, end=view.end)
    uow.session.add(row)
    publish_grid(uow, event)
    return row


def replace_slots(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> dict:
    """Replace the whole grid (``data``: a loaded ``SlotGrid``); the grid it already has changes
    nothing and publishes nothing. Returns the grid as it now is."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    wanted = domain.check_grid(data["slots"], event.start_date, event.end_date, event.timezone)
    current = {slot.code: slot for slot in store.event_slots(uow.session, event)}
    change = domain.plan_grid(store.slot_views(list(current.values())), wanted)
    _check_unused(uow, event, set(change.removed | change.moved))
    if change.empty:
        return grid_of(event, list(current.values()))
    by_code = {view.code: view for view in wanted}
    for code in change.removed:
        uow.session.delete(current[code])
    for code in change.moved:
        current[code].start, current[code].end = by_code[code].start, by_code[code].end
    for code in sorted(change.added):
        uow.session.add(store.Slot(event_id=event.id, event=event, code=code, start=by_code[code].start,
                                   end=by_code[code].end))
    uow.session.flush()
    _prune_offered_slots(uow, event, set(change.removed))
    grid = publish_grid(uow, event)
    return grid


def list_slots(uow: UnitOfWork, event_slug: str, query: dict) -> tuple[list[store.Slot], str | None]:
    """A page of the grid in time order (``query``: a loaded ``SlotQuery``, ``day`` in the event's timezone)."""
    event = store.get_event(uow.session, event_slug)
    between = domain.day_bounds(query["day"], event.timezone) if "day" in query else None
    return store.slots_page(uow.session, event, query["limit"], query["cursor"], between=between)


def get_slot(uow: UnitOfWork, event_slug: str, code: str) -> store.Slot:
    return store.get_slot(uow.session, store.get_event(uow.session, event_slug), code)


def delete_slot(uow: UnitOfWork, who: dict, event_slug: str, code: str) -> None:
    """Remove a slot; refused (409 naming it) while a scheduled session is placed in it."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_slot(uow.session, event, code)
    _check_unused(uow, event, {code})
    uow.session.delete(row)
    uow.session.flush()
    _prune_offered_slots(uow, event, {code})
    publish_grid(uow, event)
