"""Schedule API: events, slot grids, rooms, tracks, links and sessions of a gathering.

Handlers load with a schema, apply the domain's rules through the store, publish the change
through the unit of work's outbox and dump with a schema. Every write locks its event first
(``store.get_event(..., lock=True)``), so the writes of one event are serialised and the clash
checks see each other; every change touches its event's version at flush (``store``), so the
exports' ETags change.

Roles: reads are public; organisers write everything; a chair writes the sessions of its own
tracks and a few presentational fields of those tracks.
"""
from __future__ import annotations

import hashlib
import json

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Response, request

from services.kit.auth import is_organiser, require_organiser, require_track_writer
from services.kit.cache import RenderCache, versioned
from services.kit.cloudevents import event_type
from services.kit.problems import Conflict, Forbidden, Invalid, Problem
from services.kit.schemas import PageQuery, paginate
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import SERVICE, domain, store
from .schemas.gathering import (TRACK_FIELDS_FOR_CHAIRS, ConflictListSchema, DeleteQuery, EventChanges, EventSchema,
                      LinkChanges, LinkListSchema, LinkSchema, RoomChanges, RoomSchema, SessionChanges,
                      SessionQuery, SessionSchema, SlotGridSchema, SlotQuery, SlotSchema, TrackChanges,
                      TrackSchema)

SESSION_PAGES = RenderCache(max_entries=256, max_bytes=32 * 1024 * 1024)

blueprint = Blueprint("schedule", __name__)

event_schema, room_schema, track_schema, session_schema = EventSchema(), RoomSchema(), TrackSchema(), SessionSchema()
slot_schema, grid_schema, link_schema, link_list_schema = SlotSchema(), SlotGridSchema(), LinkSchema(), LinkListSchema()
conflict_list_schema = ConflictListSchema()

EVENTS_OF_ORGANISERS = "the event, its grid, rooms, tracks and links"


# -- helpers ---------------------------------------------------------------------------------
def _cursor(*kinds: type):
    """A parser for a list cursor of values of ``kinds`` (str, int, datetime): anything else is a 400."""

    def bad():
        return Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})

    def parse(values: list) -> list:
        parsed = []
        for kind, value in zip(kinds, values):
            if kind is datetime:
                if not isinstance(value, str):
                    raise bad()
                try:
                    value = datetime.fromisoformat(value)
                except ValueError:
                    raise bad() from None
                if value.tzinfo is None:
                    raise bad()
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, int) or not -2**31 < value < 2**31:
                    raise bad()
            elif not isinstance(value, str) or "\x00" in value or len(value) > 300:
                raise bad()
            parsed.append(value)
        return parsed

    return parse


def _publish(uow, entity: str, verb: str, body, subject: str) -> None:
    uow.publish(event_type(SERVICE, entity, verb), body, subject=subject)


def _apply_changes(uow, parent, row, changed: dict, schema, entity: str, subject: str) -> dict:
    """Write ``changed`` onto ``row``; when anything changed, bump the event and publish
    ``<entity>.updated`` with the row as it now is. Returns the dumped row."""
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        uow.session.flush()
    body = schema.dump(row)
    if changed:
        _publish(uow, entity, "updated", body, subject)
        uow.commit()
    return body


def _delete_in_event(event: str, kind: str, slug: str, get, schema) -> Response:
    """Delete a room or track; the sessions it holds go too with ``cascade=true``, else 409."""
    query = load_query(DeleteQuery())
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = get(uow.session, parent, slug)
        held = store.event_sessions(uow.session, parent, **{kind: row})
        _holdings(f"{kind} {slug}", held, query["cascade"])
        _delete_sessions(uow, held)
        _publish(uow, kind, "deleted", schema.dump(row), f"{event}/{row.slug}")
        uow.session.delete(row)
        uow.commit()
    return _no_content()


def _no_content() -> Response:
    return Response(status=204)


def _grid_body(event: store.Event, slots: list[store.Slot]) -> dict:
    return {"event": event.slug, "timezone": event.timezone, "slots": slot_schema.dump(slots, many=True)}


def _links_body(event: store.Event, links: list[store.Link]) -> dict:
    return {"event": event.slug, "links": link_schema.dump(links, many=True)}


def _check_offered_slots(session, event: store.Event, codes: list[str] | None) -> list[str] | None:
    if codes is None:
        return None
    known = {slot.code for slot in store.event_slots(session, event)}
    unknown = [code for code in dict.fromkeys(codes) if code not in known]
    if unknown:
        raise Invalid("offered_slots", f"unknown slot code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    return list(dict.fromkeys(codes))


def _holdings(what: str, rows: list[store.SessionRow], cascade: bool) -> None:
    if rows and not cascade:
        raise Conflict(f"{what} holds {len(rows)} session{'s' if len(rows) > 1 else ''} (first {rows[0].id}); "
                       f"delete or move them, or pass cascade=true", errors={"cascade": ["needed: not empty"]},
                       sessions=[r.id for r in rows[:20]])


def _delete_sessions(uow, rows: list[store.SessionRow]) -> None:
    for row in rows:
        _publish(uow, "session", "deleted", session_schema.dump(row), row.id)
        uow.session.delete(row)


# -- events ----------------------------------------------------------------------------------
@blueprint.post("/events")
def create_event():
    """Create an event (a gathering). Organisers only.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Event}}
      responses:
        201: {description: created, content: {application/json: {schema: Event}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(event_schema)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        if store.event_slug_taken(uow.session, data["slug"]):
            raise Conflict(f"event {data['slug']!r} exists already", errors={"slug": ["taken"]})
        event = store.Event(**data)
        uow.session.add(event)
        uow.session.flush()
        body = event_schema.dump(event)
        _publish(uow, "event", "created", body, event.slug)
        uow.commit()
    return json_response(body, 201, {"Location": f"/events/{event.slug}"})


@blueprint.get("/events")
def list_events():
    """List events, by slug.
    ---
    get:
      parameters:
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of events, content: {application/json: {schema: EventPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = paginate(uow.session, sa.select(store.Event), [store.Event.slug],
                                 lambda e: [e.slug], query["limit"], query["cursor"], parse=_cursor(str))
        return page(items, event_schema, cursor)


@blueprint.get("/events/<event>")
def get_event(event: str):
    """One event.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the event, content: {application/json: {schema: Event}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(event_schema.dump(store.get_event(uow.session, event)))


@blueprint.patch("/events/<event>")
def update_event(event: str):
    """Change some fields of an event (send only those; the slug stays). Organisers only.

    New dates must still hold every session and slot. A new timezone keeps the wall-clock times:
    slots and sessions move so that 09:00 stays 09:00 in the new zone (each session's
    `session.updated` is published, and `slot.changed`).
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: EventChanges}}
      responses:
        200: {description: the event as it is now, content: {application/json: {schema: Event}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'a session or slot would lie outside the new dates; the problem names it', content: {application/problem+json: {schema: Problem}}}
        422: {description: end_date before start_date, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(EventChanges)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        row = store.get_event(uow.session, event, lock=True)
        changed = domain.changed_fields({name: getattr(row, name) for name in changes}, changes)
        if not changed:
            return json_response(event_schema.dump(row))
        start_date = changed.get("start_date", row.start_date)
        end_date = changed.get("end_date", row.end_date)
        zone = changed.get("timezone", row.timezone)
        domain.check_event_dates(start_date, end_date)
        old_zone = row.timezone
        sessions = store.event_sessions(uow.session, row)
        slots = store.event_slots(uow.session, row)
        moved: dict[str, tuple[datetime, datetime]] = {}
        if zone != old_zone:
            moved = {item.id: (domain.rezone(item.start, old_zone, zone), domain.rezone(item.end, old_zone, zone))
                     for item in [*sessions, *slots]}
        for item in [*sessions, *slots]:
            start, end = moved.get(item.id, (item.start, item.end))
            if domain.outside_event(start, end, start_date, end_date, zone):
                what = f"session {item.id} ({item.title!r})" if isinstance(item, store.SessionRow) else f"slot {item.code}"
                first, _last = domain.event_bounds(start_date, end_date, zone)
                name = "start_date" if start < first else "end_date"
                raise Conflict(f"{what} would lie outside the event's days, {start_date} to {end_date} ({zone}); "
                               "move or delete it first", errors={name: [f"{what} lies outside"]},
                               **({"conflicting_session": item.id} if isinstance(item, store.SessionRow) else {}))
        for name, value in changed.items():
            setattr(row, name, value)
        for item in [*sessions, *slots]:
            if item.id in moved and moved[item.id] != (item.start, item.end):
                item.start, item.end = moved[item.id]
        uow.session.flush()
        body = event_schema.dump(row)
        _publish(uow, "event", "updated", body, row.slug)
        if moved:
            for session_row in sessions:
                _publish(uow, "session", "updated", session_schema.dump(session_row), session_row.id)
            if slots:
                _publish(uow, "slot", "changed", _grid_body(row, slots), row.slug)
        uow.commit()
    return json_response(body)


@blueprint.delete("/events/<event>")
def delete_event(event: str):
    """Delete an event. Organisers only; one that holds anything needs `cascade=true`.

    With cascade, each session, track and room gets its own `deleted` event before the event's.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the event holds rooms, tracks, slots or sessions and cascade is not set', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DeleteQuery())
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        row = store.get_event(uow.session, event, lock=True)
        held = {name: count for name, count in store.counts(uow.session, row).items() if count}
        if held and not query["cascade"]:
            raise Conflict(f"event {event} holds {', '.join(f'{n} {name}' for name, n in held.items())}; "
                           "pass cascade=true to delete it with everything it holds",
                           errors={"cascade": ["needed: not empty"]})
        _delete_sessions(uow, store.event_sessions(uow.session, row))
        for model, entity, schema in ((store.Track, "track", track_schema), (store.Room, "room", room_schema)):
            for child in uow.session.scalars(sa.select(model).where(model.event_id == row.id).order_by(model.slug)):
                _publish(uow, entity, "deleted", schema.dump(child), f"{event}/{child.slug}")
                uow.session.delete(child)
        body = event_schema.dump(row)
        for model in (store.Slot, store.Link, store.Motd):
            uow.session.execute(sa.delete(model).where(model.event_id == row.id))
        uow.session.delete(row)
        _publish(uow, "event", "deleted", body, event)
        uow.commit()
    return _no_content()


# -- rooms and tracks --------------------------------------------------------------------------
def _create_in_event(event: str, schema, model, entity: str, prepare=None):
    """Create a room or track of an event (organisers); ``prepare(session, event, data)`` may check data."""
    data = load(schema)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        if store.slug_taken(uow.session, model, parent, data["slug"]):
            raise Conflict(f"{entity} {data['slug']!r} exists already in {event}", errors={"slug": ["taken"]})
        if prepare:
            data = prepare(uow.session, parent, data)
        row = model(event_id=parent.id, event=parent, **data)
        uow.session.add(row)
        uow.session.flush()
        body = schema.dump(row)
        _publish(uow, entity, "created", body, f"{event}/{row.slug}")
        uow.commit()
    return json_response(body, 201, {"Location": f"/events/{event}/{entity}s/{row.slug}"})


def _list_in_event(event: str, schema, model):
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        items, cursor = paginate(uow.session, sa.select(model).where(model.event_id == parent.id),
                                 [model.slug], lambda r: [r.slug], query["limit"], query["cursor"],
                                 parse=_cursor(str))
        return page(items, schema, cursor)


def _prepare_room(session, event, data):
    if "offered_slots" in data:
        data["offered_slots"] = _check_offered_slots(session, event, data["offered_slots"])
    return data


def _prepare_track(_session, _event, data):
    if "chairs" in data:
        nicks = [chair["nick"] for chair in data["chairs"]]
        duplicate = next((n for i, n in enumerate(nicks) if n.casefold() in {m.casefold() for m in nicks[:i]}), None)
        if duplicate:
            raise Invalid("chairs", f"{duplicate} is listed twice")
    return data


@blueprint.post("/events/<event>/rooms")
def create_room(event: str):
    """Add a room to an event. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Room}}
      responses:
        201: {description: created, content: {application/json: {schema: Room}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: offered_slots names a slot not in the grid, content: {application/problem+json: {schema: Problem}}}
    """
    return _create_in_event(event, room_schema, store.Room, "room", _prepare_room)


@blueprint.get("/events/<event>/rooms")
def list_rooms(event: str):
    """List an event's rooms, by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of rooms, content: {application/json: {schema: RoomPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _list_in_event(event, room_schema, store.Room)


@blueprint.get("/events/<event>/rooms/<room>")
def get_room(event: str, room: str):
    """One room.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      responses:
        200: {description: the room, content: {application/json: {schema: Room}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(room_schema.dump(store.get_room(uow.session, store.get_event(uow.session, event), room)))


@blueprint.patch("/events/<event>/rooms/<room>")
def update_room(event: str, room: str):
    """Change some fields of a room (send only those; the slug stays). Organisers only.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: RoomChanges}}
      responses:
        200: {description: the room as it is now, content: {application/json: {schema: Room}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
        422: {description: offered_slots names a slot not in the grid, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(RoomChanges)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = store.get_room(uow.session, parent, room)
        changes = _prepare_room(uow.session, parent, changes)
        changed = domain.changed_fields({name: getattr(row, name) for name in changes}, changes)
        body = _apply_changes(uow, parent, row, changed, room_schema, "room", f"{event}/{row.slug}")
    return json_response(body)


@blueprint.delete("/events/<event>/rooms/<room>")
def delete_room(event: str, room: str):
    """Delete a room. Organisers only; a room holding sessions needs `cascade=true` (deletes them).
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
        409: {description: the room holds sessions and cascade is not set, content: {application/problem+json: {schema: Problem}}}
    """
    return _delete_in_event(event, "room", room, store.get_room, room_schema)


@blueprint.post("/events/<event>/tracks")
def create_track(event: str):
    """Add a track (a project team) to an event. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Track}}
      responses:
        201: {description: created, content: {application/json: {schema: Track}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: a chair listed twice, content: {application/problem+json: {schema: Problem}}}
    """
    return _create_in_event(event, track_schema, store.Track, "track", _prepare_track)


@blueprint.get("/events/<event>/tracks")
def list_tracks(event: str):
    """List an event's tracks, by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of tracks, content: {application/json: {schema: TrackPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _list_in_event(event, track_schema, store.Track)


@blueprint.get("/events/<event>/tracks/<track>")
def get_track(event: str, track: str):
    """One track.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the track, content: {application/json: {schema: Track}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(track_schema.dump(store.get_track(uow.session, store.get_event(uow.session, event), track)))


@blueprint.patch("/events/<event>/tracks/<track>")
def update_track(event: str, track: str):
    """Change some fields of a track (send only those; the slug stays; now/next/location are the live board's).

    Organisers change every field; a chair of the track its description, colour, meeting_url and notes_url.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: TrackChanges}}
      responses:
        200: {description: the track as it is now, content: {application/json: {schema: Track}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or a field only organisers change', content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        422: {description: a chair listed twice, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(TrackChanges)
    who = principal()
    require_track_writer(who, event, track)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = store.get_track(uow.session, parent, track)
        changes = _prepare_track(uow.session, parent, changes)
        changed = domain.changed_fields({name: getattr(row, name) for name in changes}, changes)
        if not is_organiser(who):
            forbidden = [name for name in changed if name not in TRACK_FIELDS_FOR_CHAIRS]
            if forbidden:
                raise Forbidden(f"only an organiser may change {', '.join(forbidden)}",
                                errors={name: ["organisers only"] for name in forbidden})
        body = _apply_changes(uow, parent, row, changed, track_schema, "track", f"{event}/{row.slug}")
    return json_response(body)


@blueprint.delete("/events/<event>/tracks/<track>")
def delete_track(event: str, track: str):
    """Delete a track. Organisers only; a track with sessions needs `cascade=true` (deletes them).
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        409: {description: the track has sessions and cascade is not set, content: {application/problem+json: {schema: Problem}}}
    """
    return _delete_in_event(event, "track", track, store.get_track, track_schema)


# -- the slot grid -----------------------------------------------------------------------------
def _slot_in_use(session, event: store.Event, codes: set[str]) -> None:
    """Refuse to remove or re-time slots that scheduled sessions were placed in."""
    if not codes:
        return
    for row in store.event_sessions(session, event, scheduled_only=True):
        used = codes.intersection(row.slot_codes or [])
        if used:
            code = sorted(used)[0]
            raise Conflict(f"slot {code} holds session {row.id} ({row.title!r}); move or delete it first",
                           errors={"slots": [f"{code} is in use by session {row.id}"]}, conflicting_session=row.id)


def _prune_offered_slots(uow, event: store.Event, removed: set[str]) -> None:
    """Rooms stop offering slots that left the grid (each changed room publishes room.updated)."""
    if not removed:
        return
    for room in uow.session.scalars(sa.select(store.Room).where(store.Room.event_id == event.id)
                                    .order_by(store.Room.slug)):
        if room.offered_slots and removed.intersection(room.offered_slots):
            room.offered_slots = [code for code in room.offered_slots if code not in removed]
            uow.session.flush()
            _publish(uow, "room", "updated", room_schema.dump(room), f"{event.slug}/{room.slug}")


def _grid_changed(uow, event: store.Event) -> dict:
    uow.session.flush()
    body = _grid_body(event, store.event_slots(uow.session, event))
    _publish(uow, "slot", "changed", body, event.slug)
    return body


@blueprint.post("/events/<event>/slots")
def create_slot(event: str):
    """Add a named time slot to the event's grid (ptgbot's `MonA1` = Monday 09:00-10:45). Organisers only.

    `start` and `end` are local times of `day` in the event's timezone. Slots may overlap.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Slot}}
      responses:
        201: {description: added; slot.changed carries the whole grid, content: {application/json: {schema: Slot}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: code taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'day outside the event, end not after start, a time the clock skips', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(slot_schema)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        view = domain.check_slot(data["code"], data["day"], data["start"], data["end"], parent.start_date,
                                 parent.end_date, parent.timezone)
        if any(slot.code == data["code"] for slot in store.event_slots(uow.session, parent)):
            raise Conflict(f"slot {data['code']} exists already in {event}", errors={"code": ["taken"]})
        row = store.Slot(event_id=parent.id, event=parent, code=view.code, start=view.start, end=view.end)
        uow.session.add(row)
        _grid_changed(uow, parent)
        body = slot_schema.dump(row)
        uow.commit()
    return json_response(body, 201, {"Location": f"/events/{event}/slots/{row.code}"})


@blueprint.put("/events/<event>/slots")
def replace_slots(event: str):
    """Replace the event's whole slot grid. Organisers only.

    Slots keep their code; a slot that scheduled sessions were placed in (their `slots`) may not
    disappear or change its times. Rooms stop offering slots that left the grid. Sending the grid
    it already has changes nothing and publishes nothing.
    ---
    put:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: SlotGrid}}
      responses:
        200: {description: the grid as it is now, content: {application/json: {schema: SlotGrid}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: a slot in use by a session would go or move; the problem names it, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a duplicate code, a day outside the event, end not after start (field slots.<i>.<name>)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(grid_schema)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        grid = domain.check_grid(data["slots"], parent.start_date, parent.end_date, parent.timezone)
        current = {slot.code: slot for slot in store.event_slots(uow.session, parent)}
        wanted = {view.code: view for view in grid}
        removed = set(current) - set(wanted)
        moved = {code for code in set(current) & set(wanted)
                 if (current[code].start, current[code].end) != (wanted[code].start, wanted[code].end)}
        added = set(wanted) - set(current)
        _slot_in_use(uow.session, parent, removed | moved)
        if not (removed or moved or added):
            return json_response(_grid_body(parent, list(current.values())))
        for code in removed:
            uow.session.delete(current[code])
        for code in moved:
            current[code].start, current[code].end = wanted[code].start, wanted[code].end
        for code in sorted(added):
            uow.session.add(store.Slot(event_id=parent.id, event=parent, code=code, start=wanted[code].start,
                                       end=wanted[code].end))
        uow.session.flush()
        _prune_offered_slots(uow, parent, removed)
        body = _grid_changed(uow, parent)
        uow.commit()
    return json_response(body)


@blueprint.get("/events/<event>/slots")
def list_slots(event: str):
    """List the event's slot grid in time order, optionally one day's.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SlotQuery
      responses:
        200: {description: a page of slots, content: {application/json: {schema: SlotPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SlotQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        statement = sa.select(store.Slot).where(store.Slot.event_id == parent.id)
        if "day" in query:
            first, last = domain.day_bounds(query["day"], parent.timezone)
            statement = statement.where(store.Slot.start >= first, store.Slot.start < last)
        items, cursor = paginate(uow.session, statement, [store.Slot.start, store.Slot.code],
                                 lambda s: [s.start.isoformat(), s.code], query["limit"], query["cursor"],
                                 parse=_cursor(datetime, str))
        return page(items, slot_schema, cursor)


@blueprint.get("/events/<event>/slots/<code>")
def get_slot(event: str, code: str):
    """One slot of the grid.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: code, required: true, schema: {type: string}}
      responses:
        200: {description: the slot, content: {application/json: {schema: Slot}}}
        404: {description: unknown event or slot, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(slot_schema.dump(store.get_slot(uow.session, store.get_event(uow.session, event), code)))


@blueprint.delete("/events/<event>/slots/<code>")
def delete_slot(event: str, code: str):
    """Remove a slot from the grid. Organisers only; refused while scheduled sessions are placed in it.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: code, required: true, schema: {type: string}}
      responses:
        204: {description: removed; slot.changed carries the whole grid}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or slot, content: {application/problem+json: {schema: Problem}}}
        409: {description: a session is placed in the slot; the problem names it, content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = store.get_slot(uow.session, parent, code)
        _slot_in_use(uow.session, parent, {code})
        uow.session.delete(row)
        uow.session.flush()
        _prune_offered_slots(uow, parent, {code})
        _grid_changed(uow, parent)
        uow.commit()
    return _no_content()


# -- links -------------------------------------------------------------------------------------
def _links_changed(uow, event: store.Event, links: list[store.Link]) -> None:
    store.renumber(links)
    uow.session.flush()
    _publish(uow, "link", "changed", _links_body(event, links), event.slug)


@blueprint.post("/events/<event>/links")
def create_link(event: str):
    """Add a useful link to the event (venue map, etherpad index ...), last or at `position`. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Link}}
      responses:
        201: {description: added; link.changed carries every link, content: {application/json: {schema: Link}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(link_schema)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        links = store.event_links(uow.session, parent)
        position = min(data.get("position", len(links)), len(links))
        row = store.Link(event_id=parent.id, label=data["label"], url=data["url"], position=position)
        uow.session.add(row)
        links.insert(position, row)
        _links_changed(uow, parent, links)
        body = link_schema.dump(row)
        uow.commit()
    return json_response(body, 201, {"Location": f"/events/{event}/links/{row.id}"})


@blueprint.get("/events/<event>/links")
def list_links(event: str):
    """List the event's useful links, in order.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of links, content: {application/json: {schema: LinkPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        items, cursor = paginate(uow.session, sa.select(store.Link).where(store.Link.event_id == parent.id),
                                 [store.Link.position, store.Link.id], lambda link: [link.position, link.id],
                                 query["limit"], query["cursor"], parse=_cursor(int, str))
        return page(items, link_schema, cursor)


@blueprint.get("/events/<event>/links/<link_id>")
def get_link(event: str, link_id: str):
    """One link.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      responses:
        200: {description: the link, content: {application/json: {schema: Link}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(link_schema.dump(store.get_link(uow.session, store.get_event(uow.session, event), link_id)))


@blueprint.patch("/events/<event>/links/<link_id>")
def update_link(event: str, link_id: str):
    """Change a link's label or url, or move it to `position` (the others shift). Organisers only.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: LinkChanges}}
      responses:
        200: {description: the link as it is now, content: {application/json: {schema: Link}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(LinkChanges)
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = store.get_link(uow.session, parent, link_id)
        links = store.event_links(uow.session, parent)
        changed = domain.changed_fields({"label": row.label, "url": row.url}, {
            name: changes[name] for name in ("label", "url") if name in changes})
        for name, value in changed.items():
            setattr(row, name, value)
        if "position" in changes:
            position = min(changes["position"], len(links) - 1)
            if links.index(row) != position:
                links.remove(row)
                links.insert(position, row)
                changed["position"] = position
        if changed:
            _links_changed(uow, parent, links)
        body = link_schema.dump(row)
        if changed:
            uow.commit()
    return json_response(body)


@blueprint.delete("/events/<event>/links/<link_id>")
def delete_link(event: str, link_id: str):
    """Remove a link (the ones after it move up). Organisers only.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      responses:
        204: {description: removed; link.changed carries the links left}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), EVENTS_OF_ORGANISERS)
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        row = store.get_link(uow.session, parent, link_id)
        links = [link for link in store.event_links(uow.session, parent) if link.id != row.id]
        uow.session.delete(row)
        _links_changed(uow, parent, links)
        uow.commit()
    return _no_content()


# -- sessions ----------------------------------------------------------------------------------
def _require_allow_conflict_right(who: dict, wanted: bool, current: bool) -> None:
    if bool(wanted) != bool(current) and not is_organiser(who):
        raise Forbidden("only an organiser may set allow_conflict",
                        errors={"allow_conflict": ["organisers only"]})


def _times(session, event: store.Event, codes: list[str] | None, start: datetime, end: datetime):
    """The session's interval and slot codes: from ``codes`` of the grid when given, else start and end."""
    if codes:
        span, ordered = domain.slots_span(codes, store.slot_views(store.event_slots(session, event)), event.timezone)
        start, end = span.start, span.end
    else:
        ordered = []
    interval = domain.check_session_times(start, end, event.start_date, event.end_date, event.timezone)
    return interval, ordered


def _check_clashes(session, event: store.Event, candidate: domain.SessionView) -> None:
    others = store.sessions_overlapping(session, event, candidate.start, candidate.end, exclude_id=candidate.id)
    domain.check_clashes(candidate, [store.session_view(row) for row in others])


@blueprint.post("/events/<event>/sessions")
def create_session(event: str):
    """Schedule a session of a track in a room, at start/end or in consecutive `slots` of the grid.

    Organisers, or a chair of the session's track. A room holds one session at a time; a track in
    two rooms at once or a moderator in two places at once is refused unless `allow_conflict`
    (which only organisers set) is true on either session.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Session}}
      responses:
        201: {description: scheduled, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or allow_conflict set by a non-organiser', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the room, the track or a moderator is taken then; the problem names the other session (conflicting_session)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'times break a rule (end before start, outside the event), unknown or non-consecutive slots', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(session_schema)
    who = principal()
    require_track_writer(who, event, data["track"])
    _require_allow_conflict_right(who, data["allow_conflict"], False)
    if data.get("status", domain.SCHEDULED) != domain.SCHEDULED:
        raise Invalid("status", "a new session is scheduled; cancel it afterwards")
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event, lock=True)
        track = store.get_track(uow.session, parent, data["track"])
        room = store.get_room(uow.session, parent, data["room"])
        interval, codes = _times(uow.session, parent, data.get("slots"), data.get("start"), data.get("end"))
        moderators = domain.normalise_moderators(data["moderators"])
        _check_clashes(uow.session, parent, domain.SessionView(
            id=None, title=data["title"], track=track.slug, room=room.slug, start=interval.start, end=interval.end,
            moderators=tuple(moderators), allow_conflict=data["allow_conflict"]))
        row = store.SessionRow(event_id=parent.id, track_id=track.id, room_id=room.id, event=parent, track=track,
                               room=room, start=interval.start, end=interval.end, title=data["title"],
                               description=data["description"], status=domain.SCHEDULED, kind=data["kind"],
                               moderators=moderators, video_url=data["video_url"], slot_codes=codes,
                               allow_conflict=data["allow_conflict"], sequence=0)
        uow.session.add(row)
        uow.session.flush()
        body = session_schema.dump(row)
        _publish(uow, "session", "scheduled", body, row.id)
        uow.commit()
    return json_response(body, 201, {"Location": f"/sessions/{row.id}"})


@blueprint.get("/events/<event>/sessions")
def list_sessions(event: str):
    """List an event's sessions by start time, filtered by track, room, day, kind or status.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SessionQuery
      responses:
        200: {description: 'a page of sessions; weak ETag, revalidate with If-None-Match', content: {application/json: {schema: SessionPage}}}
        304: {description: the copy named by If-None-Match is current}
        400: {description: 'invalid filter or cursor', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SessionQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        # every write to the event bumps its version, so (version, query) names one exact page
        tag = f"{parent.id}-{parent.version}-sessions-{hashlib.sha1(request.query_string).hexdigest()[:16]}"

        def render() -> bytes:
            statement = store.session_rows().where(store.SessionRow.event_id == parent.id)
            if "track" in query:
                statement = statement.where(store.SessionRow.track_id == store.get_track(uow.session, parent, query["track"]).id)
            if "room" in query:
                statement = statement.where(store.SessionRow.room_id == store.get_room(uow.session, parent, query["room"]).id)
            if "day" in query:
                first, last = domain.day_bounds(query["day"], parent.timezone)
                statement = statement.where(store.SessionRow.start >= first, store.SessionRow.start < last)
            if "kind" in query:
                statement = statement.where(store.SessionRow.kind == query["kind"])
            if "status" in query:
                statement = statement.where(store.SessionRow.status == query["status"])
            items, cursor = paginate(
                uow.session, statement, [store.SessionRow.start, store.SessionRow.id],
                lambda s: [s.start.isoformat(), s.id], query["limit"], query["cursor"], parse=_cursor(datetime, str),
            )
            return json.dumps({"items": session_schema.dump(items, many=True), "next_cursor": cursor},
                              default=str).encode()

        return versioned(SESSION_PAGES, (uow.database.url, tag), tag, render)


@blueprint.get("/sessions/<session_id>")
def get_session(session_id: str):
    """One session.
    ---
    get:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        200: {description: the session, content: {application/json: {schema: Session}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(session_schema.dump(store.get_session(uow.session, session_id)))


def _change_session(session_id: str, changes: dict) -> Response:
    """Apply ``changes`` to a session, re-checking every rule; publish updated or cancelled."""
    who = principal()
    with unit_of_work() as uow:
        parent, row = store.lock_event_of(uow.session, session_id)
        require_track_writer(who, parent.slug, row.track.slug)
        track, room = row.track, row.room
        if "track" in changes and changes["track"] != track.slug:
            require_track_writer(who, parent.slug, changes["track"])
            track = store.get_track(uow.session, parent, changes["track"])
        if "room" in changes and changes["room"] != room.slug:
            room = store.get_room(uow.session, parent, changes["room"])
        allow_conflict = changes.get("allow_conflict", row.allow_conflict)
        _require_allow_conflict_right(who, allow_conflict, row.allow_conflict)
        codes = list(row.slot_codes or [])
        if changes.get("slots"):
            interval, codes = _times(uow.session, parent, changes["slots"], row.start, row.end)
        else:
            interval, _ = _times(uow.session, parent, None, changes.get("start", row.start),
                                 changes.get("end", row.end))
            if "slots" in changes or (interval.start, interval.end) != (row.start, row.end):
                codes = []
        moderators = (domain.normalise_moderators(changes["moderators"]) if "moderators" in changes
                      else list(row.moderators or []))
        status = changes.get("status", row.status)
        title = changes.get("title", row.title)
        _check_clashes(uow.session, parent, domain.SessionView(
            id=row.id, title=title, track=track.slug, room=room.slug, start=interval.start, end=interval.end,
            moderators=tuple(moderators), allow_conflict=allow_conflict, status=status))
        proposed = {"track_id": track.id, "room_id": room.id, "start": interval.start, "end": interval.end,
                    "slot_codes": codes, "title": title, "moderators": moderators, "status": status,
                    "allow_conflict": allow_conflict,
                    **{name: changes[name] for name in ("description", "kind", "video_url") if name in changes}}
        current = {name: getattr(row, name) for name in proposed}
        changed = domain.changed_fields(current, proposed)
        if not changed:
            return json_response(session_schema.dump(row))
        old_status = row.status
        for name, value in changed.items():
            if name not in ("track_id", "room_id"):
                setattr(row, name, value)
        row.track, row.room = track, room
        uow.session.flush()
        body = session_schema.dump(row)
        _publish(uow, "session", domain.change_verb(old_status, status), body, row.id)
        uow.commit()
    return json_response(body)


@blueprint.patch("/sessions/<session_id>")
def update_session(session_id: str):
    """Change some fields of a session (send only those); every rule is checked again.

    Organisers, or a chair of the session's track (and of the new track when it moves). Setting
    `status` to cancelled publishes `session.cancelled`, any other change `session.updated`; a change
    of time, room, status or title grows `sequence`. New `start`/`end` drop the session's slot codes;
    new `slots` set its times.
    ---
    patch:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: SessionChanges}}
      responses:
        200: {description: the session as it is now, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or allow_conflict changed by a non-organiser', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown session, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the room, the track or a moderator is taken then; the problem names the other session', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'times break a rule, unknown or non-consecutive slots', content: {application/problem+json: {schema: Problem}}}
    """
    return _change_session(session_id, load(SessionChanges))


@blueprint.post("/sessions/<session_id>/cancel")
def cancel_session(session_id: str):
    """Cancel a session (as PATCH with status cancelled); cancelling a cancelled session changes nothing.
    ---
    post:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        200: {description: the cancelled session, content: {application/json: {schema: Session}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    return _change_session(session_id, {"status": domain.CANCELLED})


@blueprint.delete("/sessions/<session_id>")
def delete_session(session_id: str):
    """Delete a session (`session.deleted` carries it as it was). Organisers, or a chair of its track.
    ---
    delete:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        204: {description: deleted}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    who = principal()
    with unit_of_work() as uow:
        parent, row = store.lock_event_of(uow.session, session_id)
        require_track_writer(who, parent.slug, row.track.slug)
        _delete_sessions(uow, [row])
        uow.commit()
    return _no_content()


@blueprint.get("/events/<event>/conflicts")
def list_conflicts(event: str):
    """Every clash between sessions of the event that is not cancelled: a track in two rooms at once,
    or a moderator in two places at once (accepted through `allow_conflict`), with the reason.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the clashes in time order, content: {application/json: {schema: ConflictList}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        rows = store.event_sessions(uow.session, parent, scheduled_only=True)
        pairs = domain.find_conflicts((store.session_view(row), row) for row in rows)
        items = [{"reason": pair.reason, "accepted": pair.accepted, "sessions": [pair.first, pair.second],
                  "track": pair.what if pair.reason == "track" else None,
                  "room": pair.what if pair.reason == "room" else None,
                  "moderator": pair.what if pair.reason == "moderator" else None} for pair in pairs]
        return json_response(conflict_list_schema.dump({"items": items}))

