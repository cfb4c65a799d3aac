"""The live side's queries: an event's tracks, rooms and message of the day, the sessions a status,
a booking, the free slots and the board look at, and the statuses the new day clears."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import CANCELLED
from ..domain.live import TrackStatus
from . import Event, Motd, Room, SessionRow, Track

NOT_CANCELLED = SessionRow.status != CANCELLED


# -- an event's tracks, rooms and message of the day ----------------------------------------------

def event_tracks(session: Session, event: Event) -> list[Track]:
    """The event's tracks, by slug."""
    return list(session.scalars(sa.select(Track).where(Track.event_id == event.id).order_by(Track.slug)))


def event_rooms(session: Session, event: Event) -> list[Room]:
    """The event's rooms, by slug."""
    return list(session.scalars(sa.select(Room).where(Room.event_id == event.id).order_by(Room.slug)))


def event_motd(session: Session, event: Event) -> list[Motd]:
    """The event's message of the day, top first."""
    return list(session.scalars(sa.select(Motd).where(Motd.event_id == event.id).order_by(Motd.position, Motd.id)))


def track_status(track: Track) -> TrackStatus:
    """What the status rules need of a stored track."""
    return TrackStatus(track.now, tuple(track.next or ()), track.location)


# -- sessions ------------------------------------------------------------------------------------

def track_sessions_overlapping(session: Session, track: Track, start: datetime, end: datetime) -> list[SessionRow]:
    """The track's sessions, not cancelled, overlapping ``[start, end)``."""
    return list(session.scalars(sa.select(SessionRow).where(
        SessionRow.track_id == track.id, NOT_CANCELLED,
        SessionRow.start < end, SessionRow.end > start).order_by(SessionRow.start)))


def current_session_of_track(session: Session, track: Track, at: datetime) -> SessionRow | None:
    """The track's session under way at ``at`` (the earliest started, if two overlap)."""
    return session.scalar(sa.select(SessionRow).where(
        SessionRow.track_id == track.id, NOT_CANCELLED,
        SessionRow.start <= at, SessionRow.end > at)
        .order_by(SessionRow.start, SessionRow.id).limit(1))


def busy_intervals(session: Session, event: Event, start: datetime, end: datetime) -> dict[str, list[tuple]]:
    """Room id -> the ``(start, end)`` of its sessions, not cancelled, overlapping ``[start, end)``."""
    busy: dict[str, list[tuple[datetime, datetime]]] = {}
    for room_id, first, last in session.execute(sa.select(SessionRow.room_id, SessionRow.start, SessionRow.end).where(
            SessionRow.event_id == event.id, NOT_CANCELLED, SessionRow.start < end, SessionRow.end > start)):
        busy.setdefault(room_id, []).append((first, last))
    return busy


# -- the board -----------------------------------------------------------------------------------

def sessions_started_and_ended(session: Session, event: Event, at: datetime) -> tuple[int, int]:
    """How many of the event's sessions (not cancelled) have started, and ended, by ``at``.

    With the event's version they tell whether a copy of the board is still current, without building it.
    """
    started, ended = session.execute(
        sa.select(sa.func.count().filter(SessionRow.start <= at), sa.func.count().filter(SessionRow.end <= at))
        .where(SessionRow.event_id == event.id, NOT_CANCELLED)).one()
    return started, ended


def sessions_under_way(session: Session, event: Event, at: datetime) -> list[SessionRow]:
    """The event's sessions (not cancelled) under way at ``at``, by start."""
    return list(session.scalars(sa.select(SessionRow).where(
        SessionRow.event_id == event.id, NOT_CANCELLED, SessionRow.start <= at, SessionRow.end > at)
        .order_by(SessionRow.start, SessionRow.id)))


def next_sessions(session: Session, event: Event, at: datetime, by: str) -> dict[str, SessionRow]:
    """Track id (``by="track"``) or room id (``by="room"``) -> its first session starting after ``at``."""
    key = SessionRow.track_id if by == "track" else SessionRow.room_id
    first = (sa.select(key.label("key"), sa.func.min(SessionRow.start).label("start"))
             .where(SessionRow.event_id == event.id, NOT_CANCELLED, SessionRow.start > at)
             .group_by(key).subquery())
    rows = session.scalars(
        sa.select(SessionRow).where(SessionRow.event_id == event.id, NOT_CANCELLED)
        .join(first, sa.and_(key == first.c.key, SessionRow.start == first.c.start))
        .order_by(SessionRow.start, SessionRow.id))
    found: dict[str, SessionRow] = {}
    for row in rows:
        found.setdefault(getattr(row, key.key), row)
    return found


# -- the new day ---------------------------------------------------------------------------------

HAS_STATUS = sa.or_(Track.now.is_not(None), sa.func.json_array_length(Track.next) > 0)


def statuses_set_before(connection: sa.Connection | Session, at: datetime) -> list[sa.Row]:
    """Every track with a now or next set before ``at``: ``(track_id, status_updated_at, event slug,
    event timezone)``. Candidates for the new day; whether each is stale is the domain's call."""
    return list(connection.execute(
        sa.select(Track.id, Track.status_updated_at, Event.slug, Event.timezone)
        .join(Event, Track.event_id == Event.id)
        .where(Track.status_updated_at.is_not(None), Track.status_updated_at < at, HAS_STATUS)).all())


def event_tracks_by_id(session: Session, event: Event, track_ids: list[str]) -> list[Track]:
    """The event's tracks among ``track_ids``, by slug, read afresh (after the event's lock: the
    statuses as they are now, not as an earlier read of this session saw them)."""
    return list(session.scalars(
        sa.select(Track).where(Track.id.in_(track_ids), Track.event_id == event.id)
        .order_by(Track.slug).execution_options(populate_existing=True)))
