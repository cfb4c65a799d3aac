"""Schedule API: events, rooms, tracks and sessions of a gathering.

Handlers load with a schema, apply the domain's rules through the store, publish the change
through the unit of work's outbox and dump with a schema.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint

from services.kit.auth import require_organiser, require_track_writer
from services.kit.cloudevents import event_type
from services.kit.problems import Conflict
from services.kit.schemas import PageQuery, paginate
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import SERVICE, domain, store
from .schemas import EventSchema, RoomSchema, SessionQuery, SessionSchema, TrackSchema

blueprint = Blueprint("schedule", __name__)

event_schema, room_schema, track_schema, session_schema = EventSchema(), RoomSchema(), TrackSchema(), SessionSchema()


@blueprint.post("/events")
def create_event():
    """Create an event (a gathering).
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Event}}
      responses:
        201: {description: created, content: {application/json: {schema: Event}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(event_schema)
    require_organiser(principal(), "the event, its rooms and tracks")
    with unit_of_work() as uow:
        if store.event_slug_taken(uow.session, data["slug"]):
            raise Conflict(f"event {data['slug']!r} exists already", errors={"slug": ["taken"]})
        event = store.Event(**data)
        uow.session.add(event)
        uow.session.flush()
        body = event_schema.dump(event)
        uow.publish(event_type(SERVICE, "event", "created"), body, subject=event.slug)
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
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = paginate(uow.session, sa.select(store.Event), [store.Event.slug],
                                 lambda e: [e.slug], query["limit"], query["cursor"])
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


def _create_in_event(event: str, schema, model, entity: str):
    data = load(schema)
    require_organiser(principal(), "the event, its rooms and tracks")
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        if store.slug_taken(uow.session, model, parent, data["slug"]):
            raise Conflict(f"{entity} {data['slug']!r} exists already in {event}", errors={"slug": ["taken"]})
        row = model(event_id=parent.id, event=parent, **data)
        uow.session.add(row)
        uow.session.flush()
        body = schema.dump(row)
        uow.publish(event_type(SERVICE, entity, "created"), body, subject=f"{event}/{row.slug}")
        uow.commit()
    return json_response(body, 201, {"Location": f"/events/{event}/{entity}s/{row.slug}"})


def _list_in_event(event: str, schema, model):
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        items, cursor = paginate(uow.session, sa.select(model).where(model.event_id == parent.id),
                                 [model.slug], lambda r: [r.slug], query["limit"], query["cursor"])
        return page(items, schema, cursor)


@blueprint.post("/events/<event>/rooms")
def create_room(event: str):
    """Add a room to an event.
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
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
    """
    return _create_in_event(event, room_schema, store.Room, "room")


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


@blueprint.post("/events/<event>/tracks")
def create_track(event: str):
    """Add a track (a project team) to an event.
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
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
    """
    return _create_in_event(event, track_schema, store.Track, "track")


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


@blueprint.post("/events/<event>/sessions")
def create_session(event: str):
    """Schedule a session of a track in a room.
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
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, track or room, content: {application/problem+json: {schema: Problem}}}
        409: {description: the room holds another session then; the problem names it, content: {application/problem+json: {schema: Problem}}}
        422: {description: times break a rule (end before start, outside the event), content: {application/problem+json: {schema: Problem}}}
    """
    data = load(session_schema)
    require_track_writer(principal(), data["track"])
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        track = store.get_track(uow.session, parent, data["track"])
        room = store.get_room(uow.session, parent, data["room"], lock=True)
        interval = domain.check_session_times(data["start"], data["end"], parent.start_date, parent.end_date,
                                              parent.timezone)
        domain.check_room_free(interval, room.slug,
                               store.room_sessions_overlapping(uow.session, room, interval.start, interval.end))
        row = store.SessionRow(event_id=parent.id, track_id=track.id, room_id=room.id, event=parent, track=track,
                               room=room, start=interval.start, end=interval.end, title=data["title"],
                               description=data["description"], status="scheduled")
        uow.session.add(row)
        uow.session.flush()
        body = session_schema.dump(row)
        uow.publish(event_type(SERVICE, "session", "scheduled"), body, subject=row.id)
        uow.commit()
    return json_response(body, 201, {"Location": f"/sessions/{row.id}"})


@blueprint.get("/events/<event>/sessions")
def list_sessions(event: str):
    """List an event's sessions by start time, filtered by track, room or day.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SessionQuery
      responses:
        200: {description: a page of sessions, content: {application/json: {schema: SessionPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, track or room, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SessionQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        statement = sa.select(store.SessionRow).where(store.SessionRow.event_id == parent.id)
        if "track" in query:
            statement = statement.where(store.SessionRow.track_id == store.get_track(uow.session, parent, query["track"]).id)
        if "room" in query:
            statement = statement.where(store.SessionRow.room_id == store.get_room(uow.session, parent, query["room"]).id)
        if "day" in query:
            day_start = datetime.combine(query["day"], time.min, ZoneInfo(parent.timezone))
            statement = statement.where(store.SessionRow.start >= day_start,
                                        store.SessionRow.start < day_start + timedelta(days=1))
        items, cursor = paginate(
            uow.session, statement, [store.SessionRow.start, store.SessionRow.id],
            lambda s: [s.start.isoformat(), s.id], query["limit"], query["cursor"],
            parse=lambda values: [datetime.fromisoformat(values[0]), values[1]],
        )
        return page(items, session_schema, cursor)


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


# The live board, booking, status and ptgbot's command language; the public exports.
from . import api_exports, api_live  # noqa: E402  (they use the helpers above)

blueprint.register_blueprint(api_live.blueprint)
blueprint.register_blueprint(api_exports.blueprint)
