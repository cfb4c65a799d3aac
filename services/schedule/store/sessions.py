"""Queries of sessions: one (for a write, its event locked first), pages, the ones a session may
clash with, and the clock's claim of the starts and ends due."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .. import domain
from .models import Event, Room, SessionRow, Track
from .pages import keyset_page


def _listed() -> sa.Select:
    """Sessions with just what a listing shows of their event, track and room (no JSON columns)."""
    return sa.select(SessionRow).options(
        orm.joinedload(SessionRow.event, innerjoin=True).load_only(Event.slug, Event.timezone),
        orm.joinedload(SessionRow.track, innerjoin=True).load_only(Track.slug),
        orm.joinedload(SessionRow.room, innerjoin=True).load_only(Room.slug),
    )


def get_session(session: Session, session_id: str) -> SessionRow:
    row = session.get(SessionRow, session_id)
    if row is None:
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    return row


def room_sessions_overlapping(session: Session, room: Room, start: datetime, end: datetime,
                              exclude_id: str | None = None) -> list[SessionRow]:
    statement = sa.select(SessionRow).where(
        SessionRow.room_id == room.id,
        SessionRow.status != domain.CANCELLED,
        SessionRow.start < end,
        SessionRow.end > start,
    ).order_by(SessionRow.start)
    if exclude_id:
        statement = statement.where(SessionRow.id != exclude_id)
    return list(session.scalars(statement))


def lock_event_of(session: Session, session_id: str) -> tuple[Event, SessionRow]:
    """A session for a write: its event locked first (as :func:`get_event`), then the session read."""
    event_id = session.scalar(sa.select(SessionRow.event_id).where(SessionRow.id == session_id))
    if event_id is None:
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    event = session.scalar(sa.select(Event).where(Event.id == event_id).with_for_update())
    row = session.get(SessionRow, session_id, populate_existing=True)
    if event is None or row is None:  # deleted meanwhile
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    return event, row


def session_view(row: SessionRow) -> domain.SessionView:
    """What the rules need of a stored session."""
    return _view(row, row.track.slug, row.room.slug)


def _view(row, track: str, room: str) -> domain.SessionView:
    """The rules' view of a session's columns (an ORM row or a row of :data:`_OVERLAPPING`)."""
    return domain.SessionView(id=row.id, title=row.title, track=track, room=room, start=row.start, end=row.end,
                              moderators=tuple(row.moderators or ()), allow_conflict=bool(row.allow_conflict),
                              status=row.status, slots=tuple(row.slot_codes or ()))


_sessions, _tracks, _rooms = SessionRow.__table__, Track.__table__, Room.__table__
# built once: every session written is checked against the sessions overlapping it, as columns
_OVERLAPPING = (
    sa.select(_sessions.c.id, _sessions.c.title, _tracks.c.slug.label("track"), _rooms.c.slug.label("room"),
              _sessions.c.start, _sessions.c.end, _sessions.c.moderators, _sessions.c.allow_conflict,
              _sessions.c.status, _sessions.c.slot_codes)
    .join(_tracks, _tracks.c.id == _sessions.c.track_id).join(_rooms, _rooms.c.id == _sessions.c.room_id)
    .where(_sessions.c.event_id == sa.bindparam("event_id"), _sessions.c.status != domain.CANCELLED,
           _sessions.c.start < sa.bindparam("until"), _sessions.c.end > sa.bindparam("since"),
           _sessions.c.id != sa.bindparam("exclude_id"))
    .order_by(_sessions.c.start, _sessions.c.id)
)


def views_overlapping(session: Session, event: Event, start: datetime, end: datetime,
                      exclude_id: str | None = None) -> list[domain.SessionView]:
    """The event's sessions, not cancelled, overlapping ``[start, end)`` (but ``exclude_id``), as the
    clash rules see them: what a new one may clash with. One query, no ORM objects."""
    rows = session.connection().execute(_OVERLAPPING, {"event_id": event.id, "until": end, "since": start,
                                                       "exclude_id": exclude_id or ""})
    return [_view(row, row.track, row.room) for row in rows]


def event_sessions(session: Session, event: Event, *, room: Room | None = None, track: Track | None = None,
                   scheduled_only: bool = False) -> list[SessionRow]:
    """An event's sessions (or a room's or track's of it), by start."""
    statement = sa.select(SessionRow).where(SessionRow.event_id == event.id)
    if room is not None:
        statement = statement.where(SessionRow.room_id == room.id)
    if track is not None:
        statement = statement.where(SessionRow.track_id == track.id)
    if scheduled_only:
        statement = statement.where(SessionRow.status != domain.CANCELLED)
    return list(session.scalars(statement.order_by(SessionRow.start, SessionRow.id)))


def claim_due_sessions(session: Session, which: str, now: datetime, limit: int = 200) -> list[SessionRow]:
    """Claim sessions whose ``which`` (``start`` or ``end``) has passed and was not announced yet.

    One ``UPDATE ... WHERE <which>_published_at IS NULL`` stamps them, so a session is claimed by
    one caller only even with several workers (PostgreSQL: candidates are locked ``SKIP LOCKED``
    and the condition is re-checked on the locked row). Returns the claimed rows; the caller
    publishes them in the same transaction. Cancelled sessions are never claimed.
    """
    instant = SessionRow.start if which == "start" else SessionRow.end
    stamp = SessionRow.started_published_at if which == "start" else SessionRow.ended_published_at
    due = sa.and_(stamp.is_(None), instant <= now, SessionRow.status == domain.SCHEDULED)
    candidates = (sa.select(SessionRow.id).where(due).order_by(instant).limit(limit)
                  .with_for_update(skip_locked=True))
    claimed = session.execute(
        sa.update(SessionRow).where(due, SessionRow.id.in_(candidates.scalar_subquery()))
        .values({stamp.key: now}).returning(SessionRow.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    if not claimed:
        return []
    return list(session.scalars(sa.select(SessionRow).where(SessionRow.id.in_(claimed))
                                .order_by(instant, SessionRow.id)
                                .execution_options(populate_existing=True)))


def claim_session_start(session: Session, row: SessionRow, at: datetime) -> bool:
    """Stamp ``row`` as announced started at ``at`` unless someone already did; True when this caller did.

    A compare-and-set (``UPDATE ... WHERE started_published_at IS NULL``) rather than a write of
    the value read earlier: the worker's clock claims due sessions without the event's lock, so a
    chair's ``now`` and the clock racing for one session announce it once between them.
    """
    claimed = session.execute(
        sa.update(SessionRow).where(SessionRow.id == row.id, SessionRow.started_published_at.is_(None))
        .values(started_published_at=at).returning(SessionRow.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    session.refresh(row)
    return bool(claimed)


def sessions_page(session: Session, event: Event, limit: int, cursor: str | None, *, track: Track | None = None,
                  room: Room | None = None, between: tuple[datetime, datetime] | None = None,
                  kind: str | None = None, status: str | None = None) -> tuple[list[SessionRow], str | None]:
    """A page of the event's sessions by start, of ``track``, in ``room``, starting in ``between``
    (``[first, last)``), of ``kind`` or with ``status`` when given."""
    statement = _listed().where(SessionRow.event_id == event.id)
    if track is not None:
        statement = statement.where(SessionRow.track_id == track.id)
    if room is not None:
        statement = statement.where(SessionRow.room_id == room.id)
    if between is not None:
        statement = statement.where(SessionRow.start >= between[0], SessionRow.start < between[1])
    if kind is not None:
        statement = statement.where(SessionRow.kind == kind)
    if status is not None:
        statement = statement.where(SessionRow.status == status)
    return keyset_page(session, statement, [SessionRow.start, SessionRow.id], lambda s: [s.start.isoformat(), s.id],
                       (datetime, str), limit, cursor)
