"""The exports' reads: one event's rows as the plain values the renderers take (:mod:`..exports.data`).

Column queries on a connection, not ORM objects: an export of a big event reads its rows once,
in one consistent snapshot (:func:`snapshot`), and renders after the connection went back to the pool.
"""
from __future__ import annotations

import bisect
import itertools
import json
import threading
from collections import OrderedDict

import sqlalchemy as sa

from services.kit.problems import NotFound

from ..domain import CANCELLED
from ..exports.data import EventData, ExportData, LinkData, MotdData, RoomData, SessionData, SlotData, TrackData
from . import Event, Link, Motd, Room, SessionRow, Slot, Track


def snapshot(engine: sa.Engine) -> sa.Connection:
    """A connection whose queries all see one consistent state of the database."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return connection


EVENT_COLUMNS = (Event.id, Event.slug, Event.name, Event.timezone, Event.start_date, Event.end_date,
                 Event.version, Event.updated_at, Event.description, Event.location, Event.virtual,
                 Event.open_commands)


def event_by_slug(connection: sa.Connection, slug: str) -> EventData:
    """The event by slug (404 naming ``event`` when there is none)."""
    row = connection.execute(sa.select(*EVENT_COLUMNS).where(Event.slug == slug)).first()
    if row is None:
        raise NotFound(f"no event {slug!r}", errors={"event": ["unknown event"]})
    values = row._asdict()
    values["version"] = values["version"] or 0
    values["description"] = values["description"] or ""
    values["location"] = values["location"] or ""
    return EventData(**values)


def scope_id(connection: sa.Connection, event: EventData, kind: str, slug: str) -> str:
    """The id of the event's track or room (``kind``) with ``slug`` (404 naming ``kind`` when there is none)."""
    model = Track if kind == "track" else Room
    found = connection.execute(sa.select(model.id).where(model.event_id == event.id, model.slug == slug)).scalar()
    if found is None:
        raise NotFound(f"no {kind} {slug!r} in event {event.slug}", errors={kind: [f"unknown {kind}"]})
    return found


# The statements are built once, with the event as a bound parameter: building a select costs
# about as much as running one of these small ones.
_EVENT_ID = sa.bindparam("event_id")
_ROOMS = (sa.select(Room.id, Room.slug, Room.name, Room.capacity, Room.description, Room.video_url, Room.cap_icon,
                    Room.cap_desc, Room.offered_slots)
          .where(Room.event_id == _EVENT_ID).order_by(Room.name, Room.slug))
_TRACKS = (sa.select(Track.id, Track.slug, Track.name, Track.description, Track.colour, Track.meeting_url,
                     Track.notes_url, Track.now, Track.next, Track.location)
           .where(Track.event_id == _EVENT_ID).order_by(Track.slug))
_SLOTS = sa.select(Slot.code, Slot.start, Slot.end).where(Slot.event_id == _EVENT_ID).order_by(Slot.start, Slot.code)
# the message of the day and the links, in one query: (0, level, message) and (1, label, url) rows
_LISTS = sa.union_all(
    sa.select(sa.literal_column("0").label("list"), Motd.position, Motd.id, Motd.level.label("first"),
              Motd.message.label("second")).where(Motd.event_id == _EVENT_ID),
    sa.select(sa.literal_column("1"), Link.position, Link.id, Link.label, Link.url).where(Link.event_id == _EVENT_ID),
).order_by("list", "position", "id")
# what moves when any session of the event changes (its updated_at, its sequence) or goes (the count)
_SESSIONS_FINGERPRINT = sa.select(sa.func.count(), sa.func.max(SessionRow.updated_at),
                                  sa.func.coalesce(sa.func.sum(SessionRow.sequence), 0)).where(
    SessionRow.event_id == _EVENT_ID)


def rooms(connection: sa.Connection, event_id: str) -> list[RoomData]:
    return [RoomData(**{**row._asdict(), "description": row.description or ""})
            for row in connection.execute(_ROOMS, {"event_id": event_id})]


def tracks(connection: sa.Connection, event_id: str) -> list[TrackData]:
    return [TrackData(**{**row._asdict(), "description": row.description or "", "next": row.next or []})
            for row in connection.execute(_TRACKS, {"event_id": event_id})]


SESSION_COLUMNS = (SessionRow.id, SessionRow.track_id, SessionRow.room_id, SessionRow.start, SessionRow.end,
                   SessionRow.title, SessionRow.description, SessionRow.status, SessionRow.kind,
                   SessionRow.moderators, SessionRow.video_url, SessionRow.slot_codes, SessionRow.sequence,
                   SessionRow.created_at, SessionRow.updated_at)


def sessions(connection: sa.Connection, event_id: str, *conditions) -> list[SessionData]:
    rows = connection.execute(sa.select(*SESSION_COLUMNS).where(SessionRow.event_id == event_id, *conditions)
                              .order_by(SessionRow.start, SessionRow.id))
    return [SessionData(**{**row._asdict(), "description": row.description or "",
                           "moderators": row.moderators or [], "slot_codes": row.slot_codes or [],
                           "sequence": row.sequence or 0}) for row in rows]


def slots(connection: sa.Connection, event_id: str) -> list[SlotData]:
    return [SlotData(code, start, end) for code, start, end in connection.execute(_SLOTS, {"event_id": event_id})]


def motd_and_links(connection: sa.Connection, event_id: str) -> tuple[list[MotdData], list[LinkData]]:
    """The message of the day and the links, each in its order, in one query."""
    motd, links = [], []
    for which, _position, _id, first, second in connection.execute(_LISTS, {"event_id": event_id}):
        if which:
            links.append(LinkData(first, second))
        else:
            motd.append(MotdData(first, second))
    return motd, links


# -- what each export shows ------------------------------------------------------------------------

def calendar_data(connection: sa.Connection, event: EventData, track_id: str | None = None,
                  room_id: str | None = None) -> ExportData:
    """An iCalendar feed's: every session (cancelled ones too), of one track or room when given."""
    conditions = []
    if track_id is not None:
        conditions.append(SessionRow.track_id == track_id)
    if room_id is not None:
        conditions.append(SessionRow.room_id == room_id)
    return ExportData(event=event, rooms=rooms(connection, event.id), tracks=tracks(connection, event.id),
                      sessions=sessions(connection, event.id, *conditions))


def ptg_data(connection: sa.Connection, event: EventData) -> ExportData:
    """ptg.json's: the grid's occupancy by the sessions that are not cancelled, the rooms, tracks, slots,
    the message of the day and the links (five queries; six when the sessions changed).

    The occupancy of 2,000 sessions costs more than all the rest, and most changes of an event (a
    track's now and next, the message of the day) leave it as it was: it is kept per process, keyed
    by the sessions' fingerprint (how many, the latest ``updated_at`` and the sum of their
    ``sequence``: a change of a session moves it, a deleted one lowers the count) and the slots, and
    worked out again (:func:`grid_occupancy`) when one moves. What goes with the data as
    ``occupancy_key`` names the occupancy's content (a change that leaves the grid as it was, a
    session's title say, keeps it): the renderer keeps the grid's encoding by it.
    """
    event_slots = slots(connection, event.id)
    count, latest, sequences = connection.execute(_SESSIONS_FINGERPRINT, {"event_id": event.id}).one()
    database = str(connection.engine.url)
    key = (database, event.id, count, latest, sequences, tuple(event_slots))
    with _OCCUPANCY_LOCK:
        found = _OCCUPANCY.get(key)
        if found is not None:
            _OCCUPANCY.move_to_end(key)
    if found is None:
        occupancy = grid_occupancy(connection, event.id, event_slots)
        with _OCCUPANCY_LOCK:
            last = _LAST_OCCUPANCY.get((database, event.id))
            if last is not None and last[0] == occupancy:
                found = last  # the same grid as before: the same content key
            else:
                found = (occupancy, (database, event.id, next(_CONTENT)))
            if len(_LAST_OCCUPANCY) >= _OCCUPANCY_KEPT * 8:
                _LAST_OCCUPANCY.clear()  # bounded: a grid met again is encoded again, nothing worse
            _LAST_OCCUPANCY[(database, event.id)] = found
            _OCCUPANCY[key] = found
            while len(_OCCUPANCY) > _OCCUPANCY_KEPT:
                _OCCUPANCY.popitem(last=False)
    occupancy, content_key = found
    event_motd, event_links = motd_and_links(connection, event.id)
    return ExportData(event=event, rooms=rooms(connection, event.id), tracks=tracks(connection, event.id),
                      slots=event_slots, motd=event_motd, links=event_links, occupancy=occupancy,
                      occupancy_key=(content_key, tuple(event_slots)))


_OCCUPANCY: OrderedDict[tuple, tuple[dict[tuple[str, str], str], tuple]] = OrderedDict()
_LAST_OCCUPANCY: dict[tuple[str, str], tuple[dict[tuple[str, str], str], tuple]] = {}
_OCCUPANCY_KEPT = 32
_OCCUPANCY_LOCK = threading.Lock()
_CONTENT = itertools.count(1)


def forget_occupancy() -> None:
    """Drop every kept occupancy (a test's cold start)."""
    with _OCCUPANCY_LOCK:
        _OCCUPANCY.clear()
        _LAST_OCCUPANCY.clear()


# What places the event's sessions that are not cancelled on the grid (their slot codes as the
# stored JSON text: most sessions share one of a few, each decoded once)
_GRID_SESSIONS = sa.select(SessionRow.start, SessionRow.id, SessionRow.room_id, SessionRow.track_id, SessionRow.end,
                           sa.type_coerce(SessionRow.slot_codes, sa.Text)).where(
    SessionRow.event_id == _EVENT_ID, SessionRow.status != CANCELLED)


def grid_occupancy(connection: sa.Connection, event_id: str, event_slots: list[SlotData]) -> dict[tuple[str, str], str]:
    """(room id, slot code) -> track id, as :func:`~..exports.ptg_json.slot_occupancy` works it out
    from the event's sessions (a session's ``slot_codes`` when it names some, else the slots its
    times overlap; the earliest session, by start then id, wins a slot two share), from plain rows."""
    decoded: dict[str, list[str]] = {}
    starts = [slot.start for slot in event_slots]  # slots come by start
    occupied: dict[tuple[str, str], str] = {}
    for start, _id, room_id, track_id, end, codes_text in sorted(
            connection.execute(_GRID_SESSIONS, {"event_id": event_id}), key=lambda row: (row[0], row[1])):
        if isinstance(codes_text, str):  # SQLite: the JSON text
            codes = decoded.get(codes_text)
            if codes is None:
                codes = decoded[codes_text] = json.loads(codes_text) or []
        else:  # PostgreSQL's driver decodes JSON itself
            codes = codes_text or []
        if not codes:  # the slots that start before it ends and end after it starts
            codes = [slot.code for slot in event_slots[:bisect.bisect_left(starts, end)] if start < slot.end]
        for code in codes:
            occupied.setdefault((room_id, code), track_id)
    return occupied


def frab_data(connection: sa.Connection, event: EventData) -> ExportData:
    """frab's: every session, cancelled ones too (frab ids are handed out over all of them, so they stay put)."""
    return calendar_data(connection, event)
