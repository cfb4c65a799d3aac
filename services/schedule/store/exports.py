"""The exports' reads: one event's rows as the plain values the renderers take (:mod:`..exports.data`).

Column queries on a connection, not ORM objects: an export of a big event reads its rows once,
in one consistent snapshot (:func:`snapshot`), and renders after the connection went back to the pool.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import sqlalchemy as sa

from services.kit.problems import NotFound

from ..domain import CANCELLED
from ..exports.data import EventData, ExportData, LinkData, MotdData, RoomData, SessionData, SlotData, TrackData
from ..exports.ptg_json import slot_occupancy
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


def rooms(connection: sa.Connection, event_id: str) -> list[RoomData]:
    rows = connection.execute(
        sa.select(Room.id, Room.slug, Room.name, Room.capacity, Room.description, Room.video_url, Room.cap_icon,
                  Room.cap_desc, Room.offered_slots)
        .where(Room.event_id == event_id).order_by(Room.name, Room.slug))
    return [RoomData(**{**row._asdict(), "description": row.description or ""}) for row in rows]


def tracks(connection: sa.Connection, event_id: str) -> list[TrackData]:
    rows = connection.execute(
        sa.select(Track.id, Track.slug, Track.name, Track.description, Track.colour, Track.meeting_url,
                  Track.notes_url, Track.now, Track.next, Track.location)
        .where(Track.event_id == event_id).order_by(Track.slug))
    return [TrackData(**{**row._asdict(), "description": row.description or "", "next": row.next or []})
            for row in rows]


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
    rows = connection.execute(sa.select(Slot.code, Slot.start, Slot.end).where(Slot.event_id == event_id)
                              .order_by(Slot.start, Slot.code))
    return [SlotData(**row._asdict()) for row in rows]


def motd(connection: sa.Connection, event_id: str) -> list[MotdData]:
    rows = connection.execute(sa.select(Motd.level, Motd.message).where(Motd.event_id == event_id)
                              .order_by(Motd.position, Motd.id))
    return [MotdData(**row._asdict()) for row in rows]


def links(connection: sa.Connection, event_id: str) -> list[LinkData]:
    rows = connection.execute(sa.select(Link.label, Link.url).where(Link.event_id == event_id)
                              .order_by(Link.position, Link.id))
    return [LinkData(**row._asdict()) for row in rows]


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
    the message of the day and the links.

    The occupancy of 2,000 sessions costs more than all the rest, and most changes of an event (a
    track's now and next, the message of the day) leave it as it was: it is kept per process, keyed
    by the sessions' fingerprint (how many, and the latest ``updated_at``: any change of a session
    moves it, a deleted one lowers the count) and the slots, and worked out again when one moves.
    """
    event_slots = slots(connection, event.id)
    count, latest = connection.execute(sa.select(sa.func.count(), sa.func.max(SessionRow.updated_at))
                                       .where(SessionRow.event_id == event.id)).one()
    key = (str(connection.engine.url), event.id, count, latest, tuple(event_slots))
    with _OCCUPANCY_LOCK:
        occupancy = _OCCUPANCY.get(key)
        if occupancy is not None:
            _OCCUPANCY.move_to_end(key)
    if occupancy is None:
        occupancy = slot_occupancy(grid_sessions(connection, event.id), event_slots)
        with _OCCUPANCY_LOCK:
            _OCCUPANCY[key] = occupancy
            while len(_OCCUPANCY) > _OCCUPANCY_KEPT:
                _OCCUPANCY.popitem(last=False)
    return ExportData(event=event, rooms=rooms(connection, event.id), tracks=tracks(connection, event.id),
                      slots=event_slots, motd=motd(connection, event.id), links=links(connection, event.id),
                      occupancy=occupancy)


_OCCUPANCY: OrderedDict[tuple, dict[tuple[str, str], str]] = OrderedDict()
_OCCUPANCY_KEPT = 32
_OCCUPANCY_LOCK = threading.Lock()


def grid_sessions(connection: sa.Connection, event_id: str) -> list[SessionData]:
    """The event's sessions that are not cancelled, with just what places them on the grid."""
    rows = connection.execute(
        sa.select(SessionRow.id, SessionRow.track_id, SessionRow.room_id, SessionRow.start, SessionRow.end,
                  SessionRow.slot_codes)
        .where(SessionRow.event_id == event_id, SessionRow.status != CANCELLED))
    return [SessionData(id=id_, track_id=track_id, room_id=room_id, start=start, end=end, title="",
                        slot_codes=codes or [])
            for id_, track_id, room_id, start, end, codes in rows]


def frab_data(connection: sa.Connection, event: EventData) -> ExportData:
    """frab's: every session, cancelled ones too (frab ids are handed out over all of them, so they stay put)."""
    return calendar_data(connection, event)
