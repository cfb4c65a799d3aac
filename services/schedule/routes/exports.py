"""Public exports of the schedule: ptg.json, iCalendar, frab/C3VOC XML and JSON.

Every export answers conditional GETs without rendering: the ETag comes from the event's id and
``version`` (grown by every change to anything of the event), so an ``If-None-Match`` that still
matches costs one indexed lookup of the event (and of the track or room) and returns 304. Otherwise
the event's rows are read once (:mod:`..store.exports`, a handful of column queries in one read-only
snapshot) and handed to the pure renderers of :mod:`..exports`.

A rendering is a pure function of what its ETag names (event, version, kind, scope, format
revision), so each process keeps the last few renderings by ETag: a client without the current
copy gets it without a second rendering, as long as no change happened since.
"""
from __future__ import annotations

import threading
from typing import Callable

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request

from services.kit.cache import RenderCache

from ..exports import frab, ical, ptg_json
from ..exports.data import EventData, ExportData, dump_json
from ..exports.ids import etag
from ..store import exports as export_queries

blueprint = Blueprint("exports", __name__)

CACHE_CONTROL = "public, max-age=30"
MEDIA_TYPES = {
    "ptg.json": "application/json",
    "ics": "text/calendar; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "json": "application/json",
}

RENDERINGS = RenderCache(max_entries=64, max_bytes=64 * 1024 * 1024)


def _not_modified(tag: str, event: EventData) -> bool:
    """RFC 9110: If-None-Match (weak comparison) decides; If-Modified-Since only in its absence."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and event.updated_at.replace(microsecond=0) <= since


def _finish(response: Response, tag: str, event: EventData) -> Response:
    response.set_etag(tag, weak=True)
    response.last_modified = event.updated_at
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


Loader = Callable[[sa.Connection, EventData, "str | None"], ExportData]
Renderer = Callable[[ExportData], bytes]


def _export(event_slug: str, kind: str, load: Loader, render: Renderer, scope: tuple[str, str] | None = None,
            filename: str | None = None) -> Response:
    """Look the event (and track or room) up, answer 304 when the client's copy is current, else render.

    The rows are read in one snapshot and the connection goes back to the pool before rendering.
    One rendering per ETag at a time (single flight): a request for a version being rendered by
    another thread (the gateway's workers each fetch again what a change made untrue) waits for it.
    """
    engine = current_app.extensions["database"].read_engine  # SQLite: beside a writer, never queued behind one
    for attempt in (1, 2):
        done = None
        with export_queries.snapshot(engine) as connection:
            event = export_queries.event_by_slug(connection, event_slug)
            scope_id = export_queries.scope_id(connection, event, *scope) if scope else None
            tag = etag(event.id, event.version, kind, scope)
            if _not_modified(tag, event):
                return _finish(Response(status=304), tag, event)
            key = (str(engine.url), tag)
            body = RENDERINGS.get(key)
            if body is None:
                # the second time round (the other thread failed or took too long) render regardless
                leading, done = _lead(key) if attempt == 1 else (True, None)
                if leading:
                    try:
                        data = load(connection, event, scope_id)
                    except BaseException:
                        _finish_lead(key, done)
                        raise
        if body is not None:
            break
        if not leading:
            done.wait(RENDER_WAIT)  # another thread renders this version: its rendering answers
            body = RENDERINGS.get(key)
            if body is not None:
                break
            continue
        try:
            body = render(data)
            RENDERINGS.put(key, body)
        finally:
            _finish_lead(key, done)
        break
    response = Response(body, status=200, content_type=MEDIA_TYPES[kind])
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _finish(response, tag, event)


RENDER_WAIT = 10.0  # seconds a request waits for another thread's rendering of the same version
_RENDERING: dict[tuple, threading.Event] = {}
_RENDERING_LOCK = threading.Lock()


def _lead(key: tuple) -> tuple[bool, threading.Event]:
    """(True, its event) when this thread renders ``key``; (False, the leader's event) when another does."""
    with _RENDERING_LOCK:
        done = _RENDERING.get(key)
        if done is not None:
            return False, done
        done = _RENDERING[key] = threading.Event()
        return True, done


def _finish_lead(key: tuple, done: threading.Event | None) -> None:
    if done is None:
        return
    with _RENDERING_LOCK:
        if _RENDERING.get(key) is done:
            del _RENDERING[key]
    done.set()


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
    return _export(event, "ptg.json", lambda c, e, _s: export_queries.ptg_data(c, e),
                   ptg_json.ptg_json_bytes)


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
    return _export(event, "ics", lambda c, e, _s: export_queries.calendar_data(c, e), ical.ical,
                   filename=f"{event}.ics")


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
    def render(data: ExportData) -> bytes:
        name = next(t.name for t in data.tracks if t.slug == track)
        return ical.ical(data, calendar_name=f"{data.event.name}: {name}")

    return _export(event, "ics", lambda c, e, s: export_queries.calendar_data(c, e, track_id=s), render,
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
    def render(data: ExportData) -> bytes:
        name = next(r.name for r in data.rooms if r.slug == room)
        return ical.ical(data, calendar_name=f"{data.event.name}: {name}")

    return _export(event, "ics", lambda c, e, s: export_queries.calendar_data(c, e, room_id=s), render,
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
    return _export(event, "xml", lambda c, e, _s: export_queries.frab_data(c, e), frab.frab_xml)


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
    return _export(event, "json", lambda c, e, _s: export_queries.frab_data(c, e),
                   lambda data: dump_json(frab.frab_json(data)))
