"""Public exports of the schedule: ptg.json, iCalendar, frab/C3VOC XML and JSON.

Every export answers conditional GETs without rendering: the ETag comes from the event's id and
``version`` (bumped by every change to anything of the event), so an ``If-None-Match`` that still
matches costs one indexed lookup of the event (and of the track or room) and returns 304. Otherwise
the event's rows are read once, a handful of column queries in one read-only snapshot, and handed
to the pure renderers of :mod:`.exports`.

A rendering is a pure function of what its ETag names (event, version, kind, scope, format
revision), so each process keeps the last few renderings by ETag: a client without the current
copy gets it without a second rendering, as long as no change happened since.
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request

from services.kit.cache import RenderCache
from services.kit.problems import NotFound

from . import exports
from .store import Event, Link, Motd, Room, SessionRow, Slot, Track

blueprint = Blueprint("exports", __name__)

CACHE_CONTROL = "public, max-age=30"


RENDERINGS = RenderCache(max_entries=64, max_bytes=64 * 1024 * 1024)


# -- reading -----------------------------------------------------------------------------------
def _snapshot(engine: sa.Engine) -> sa.Connection:
    """A connection whose queries all see one consistent state of the database."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return connection


EVENT_COLUMNS = (Event.id, Event.slug, Event.name, Event.timezone, Event.start_date, Event.end_date,
                 Event.version, Event.updated_at, Event.description, Event.location, Event.virtual,
                 Event.open_commands)


def _event(connection: sa.Connection, slug: str) -> exports.EventData:
    row = connection.execute(sa.select(*EVENT_COLUMNS).where(Event.slug == slug)).first()
    if row is None:
        raise NotFound(f"no event {slug!r}", errors={"event": ["unknown event"]})
    values = row._asdict()
    values["version"] = values["version"] or 0
    values["description"] = values["description"] or ""
    values["location"] = values["location"] or ""
    return exports.EventData(**values)


def _scope_id(connection: sa.Connection, event: exports.EventData, model, slug: str, field: str) -> str:
    found = connection.execute(sa.select(model.id).where(model.event_id == event.id, model.slug == slug)).scalar()
    if found is None:
        raise NotFound(f"no {field} {slug!r} in event {event.slug}", errors={field: [f"unknown {field}"]})
    return found


def _rooms(connection: sa.Connection, event_id: str) -> list[exports.RoomData]:
    rows = connection.execute(
        sa.select(Room.id, Room.slug, Room.name, Room.capacity, Room.description, Room.video_url, Room.cap_icon,
                  Room.cap_desc, Room.offered_slots)
        .where(Room.event_id == event_id).order_by(Room.name, Room.slug))
    return [exports.RoomData(**{**row._asdict(), "description": row.description or ""}) for row in rows]


def _tracks(connection: sa.Connection, event_id: str) -> list[exports.TrackData]:
    rows = connection.execute(
        sa.select(Track.id, Track.slug, Track.name, Track.description, Track.colour, Track.meeting_url,
                  Track.notes_url, Track.now, Track.next, Track.location)
        .where(Track.event_id == event_id).order_by(Track.slug))
    return [exports.TrackData(**{**row._asdict(), "description": row.description or "", "next": row.next or []})
            for row in rows]


SESSION_COLUMNS = (SessionRow.id, SessionRow.track_id, SessionRow.room_id, SessionRow.start, SessionRow.end,
                   SessionRow.title, SessionRow.description, SessionRow.status, SessionRow.kind,
                   SessionRow.moderators, SessionRow.video_url, SessionRow.slot_codes, SessionRow.sequence,
                   SessionRow.created_at, SessionRow.updated_at)


def _sessions(connection: sa.Connection, event_id: str, *conditions) -> list[exports.SessionData]:
    rows = connection.execute(sa.select(*SESSION_COLUMNS).where(SessionRow.event_id == event_id, *conditions)
                              .order_by(SessionRow.start, SessionRow.id))
    return [exports.SessionData(**{**row._asdict(), "description": row.description or "",
                                   "moderators": row.moderators or [], "slot_codes": row.slot_codes or [],
                                   "sequence": row.sequence or 0}) for row in rows]


def _slots(connection: sa.Connection, event_id: str) -> list[exports.SlotData]:
    rows = connection.execute(sa.select(Slot.code, Slot.start, Slot.end).where(Slot.event_id == event_id)
                              .order_by(Slot.start, Slot.code))
    return [exports.SlotData(**row._asdict()) for row in rows]


def _motd(connection: sa.Connection, event_id: str) -> list[exports.MotdData]:
    rows = connection.execute(sa.select(Motd.level, Motd.message).where(Motd.event_id == event_id)
                              .order_by(Motd.position, Motd.id))
    return [exports.MotdData(**row._asdict()) for row in rows]


def _links(connection: sa.Connection, event_id: str) -> list[exports.LinkData]:
    rows = connection.execute(sa.select(Link.label, Link.url).where(Link.event_id == event_id)
                              .order_by(Link.position, Link.id))
    return [exports.LinkData(**row._asdict()) for row in rows]


# -- conditional GET ---------------------------------------------------------------------------
def _not_modified(tag: str, event: exports.EventData) -> bool:
    """RFC 9110: If-None-Match (weak comparison) decides; If-Modified-Since only in its absence."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and event.updated_at.replace(microsecond=0) <= since


def _finish(response: Response, tag: str, event: exports.EventData) -> Response:
    response.set_etag(tag, weak=True)
    response.last_modified = event.updated_at
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


Loader = Callable[[sa.Connection, exports.EventData, "str | None"], exports.ScheduleData]
Renderer = Callable[[exports.ScheduleData], bytes]


def _export(event_slug: str, kind: str, load: Loader, render: Renderer, scope: tuple[str, str] | None = None,
            filename: str | None = None) -> Response:
    """Look the event (and track or room) up, answer 304 when the client's copy is current, else render.

    The rows are read in one snapshot and the connection goes back to the pool before rendering.
    """
    engine = current_app.extensions["database"].engine
    with _snapshot(engine) as connection:
        event = _event(connection, event_slug)
        scope_id = None
        if scope:
            model = Track if scope[0] == "track" else Room
            scope_id = _scope_id(connection, event, model, scope[1], scope[0])
        tag = exports.etag(event.id, event.version, kind, scope)
        if _not_modified(tag, event):
            return _finish(Response(status=304), tag, event)
        key = (str(engine.url), tag)
        body = RENDERINGS.get(key)
        data = load(connection, event, scope_id) if body is None else None
    if body is None:
        body = render(data)
        RENDERINGS.put(key, body)
    response = Response(body, status=200, content_type=exports.MEDIA_TYPES[kind])
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _finish(response, tag, event)


def _calendar_data(connection: sa.Connection, event: exports.EventData, scope_id: str | None,
                   column=None) -> exports.ScheduleData:
    conditions = [column == scope_id] if column is not None else []
    return exports.ScheduleData(event=event, rooms=_rooms(connection, event.id), tracks=_tracks(connection, event.id),
                                sessions=_sessions(connection, event.id, *conditions))


def _ptg_data(connection: sa.Connection, event: exports.EventData, _scope_id=None) -> exports.ScheduleData:
    return exports.ScheduleData(
        event=event, rooms=_rooms(connection, event.id), tracks=_tracks(connection, event.id),
        sessions=_sessions(connection, event.id, SessionRow.status != "cancelled"),
        slots=_slots(connection, event.id), motd=_motd(connection, event.id), links=_links(connection, event.id))


def _frab_data(connection: sa.Connection, event: exports.EventData, _scope_id=None) -> exports.ScheduleData:
    # every session, cancelled ones too: frab ids are handed out over all of them, so they stay put
    return _calendar_data(connection, event, None)


# -- routes ------------------------------------------------------------------------------------
@blueprint.get("/events/<event>/ptg.json")
def export_ptg_json(event: str):
    """The schedule as ptgbot's ptg.json, so ptgbot's own web page and tools read ptghub.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: >-
            ptgbot's database document: eventid, voice, links, motd, now, next, etherpads, urls,
            colors, location, last_check_in, subscriptions, slots (per day name), tracks, schedule
            (per room name: desc, url, cap_icon, cap_desc and a track or "" per slot) and timestamp.
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {application/json: {schema: PtgbotJson}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _export(event, "ptg.json", _ptg_data, lambda data: exports.dump_json(exports.ptg_json(data)))


@blueprint.get("/events/<event>/schedule.ics")
def export_event_ics(event: str):
    """The event's sessions as an iCalendar feed (cancelled ones as STATUS:CANCELLED).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: RFC 5545 calendar; UID `<session id>@ptghub`, SEQUENCE grows with each change
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {text/calendar: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _export(event, "ics", _calendar_data, exports.ical, filename=f"{event}.ics")


@blueprint.get("/events/<event>/tracks/<track>/schedule.ics")
def export_track_ics(event: str, track: str):
    """One track's sessions as an iCalendar feed.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: RFC 5545 calendar of the track's sessions
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {text/calendar: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    def render(data: exports.ScheduleData) -> bytes:
        name = next(t.name for t in data.tracks if t.slug == track)
        return exports.ical(data, calendar_name=f"{data.event.name}: {name}")

    return _export(event, "ics", lambda c, e, s: _calendar_data(c, e, s, SessionRow.track_id), render,
                   scope=("track", track), filename=f"{event}-{track}.ics")


@blueprint.get("/events/<event>/rooms/<room>/schedule.ics")
def export_room_ics(event: str, room: str):
    """One room's sessions as an iCalendar feed.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: RFC 5545 calendar of the sessions held in the room
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {text/calendar: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
    """
    def render(data: exports.ScheduleData) -> bytes:
        name = next(r.name for r in data.rooms if r.slug == room)
        return exports.ical(data, calendar_name=f"{data.event.name}: {name}")

    return _export(event, "ics", lambda c, e, s: _calendar_data(c, e, s, SessionRow.room_id), render,
                   scope=("room", room), filename=f"{event}-{room}.ics")


@blueprint.get("/events/<event>/schedule.xml")
def export_frab_xml(event: str):
    """The schedule as frab/C3VOC schedule XML (valid against the C3VOC schedule.xml.xsd).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: frab schedule XML; every session has a stable guid (uuid5 of its id)
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {application/xml: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _export(event, "xml", _frab_data, exports.frab_xml)


@blueprint.get("/events/<event>/schedule.json")
def export_frab_json(event: str):
    """The schedule as C3VOC schedule JSON (valid against the C3VOC schema.json), as pretalx writes it.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: C3VOC schedule JSON (https://c3voc.de/schedule/schema.json)
          headers:
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {application/json: {schema: {type: object}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _export(event, "json", _frab_data, lambda data: exports.dump_json(exports.frab_json(data)))
