"""The event's version and a session's sequence follow changes, at flush: one rule, one place.

A flush that adds, changes or deletes anything of an event touches that event (its ``version``,
the exports' ETag, grows); a change of a session's time, room, status or title grows its
iCalendar ``sequence``. Only a bulk statement that bypasses the ORM must call :func:`touch`.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from services.kit.db import UTCDateTime, utcnow

from .. import domain
from .models import Base, Event, SessionRow

EVENT_BOOKKEEPING = frozenset({"version", "updated_at"})


def touch(event: Event) -> None:
    """Record that something of ``event`` changed (its exports' ETags change with it).

    Writes through the ORM never call this: :func:`_versions_follow_changes` does it at flush
    for every event whose rows changed. Only a bulk statement that bypasses the ORM (``UPDATE``
    or ``DELETE`` of many rows at once) must call it. The increment runs in SQL (``version =
    version + 1``), so two transactions never both write the same version; the event's
    ``updated_at`` becomes now (exports answer ``If-Modified-Since`` with it). Once per
    transaction is enough: later calls in the same transaction do nothing.
    """
    session = object_session(event)
    if session is None or event in session.new:
        event.version = (event.version or 0) + 1
        event.updated_at = utcnow()
        return
    touched = session.info.setdefault(_TOUCHED, set())
    if event.id in touched:
        return
    touched.add(event.id)
    # one statement, its new values set on the object as loaded: no ORM UPDATE of the event at flush
    version, updated_at = session.connection().execute(_TOUCH, {"event_id": event.id, "now": utcnow()}).one()
    set_committed_value(event, "version", version)
    set_committed_value(event, "updated_at", updated_at)


# built once: the increment every write of an event runs
_TOUCH = (sa.update(Event.__table__).where(Event.__table__.c.id == sa.bindparam("event_id"))
          .values(version=Event.__table__.c.version + 1, updated_at=sa.bindparam("now", type_=UTCDateTime()))
          .returning(Event.__table__.c.version, Event.__table__.c.updated_at))
_TOUCHED = "ptghub.schedule.touched_events"
_RESEQUENCED = "ptghub.schedule.resequenced_sessions"
# A session's columns behind domain.SEQUENCED_FIELDS ("room" is the room's id).
_SEQUENCED_COLUMNS = {"start": "start", "end": "end", "room": "room_id", "status": "status", "title": "title"}


def _before_after(state, key: str) -> tuple[object, object] | None:
    """``(old, new)`` of an attribute changed in this flush, or None when it did not change."""
    history = state.attrs[key].history
    if not history.has_changes():
        return None
    return (history.deleted[0] if history.deleted else None, history.added[0] if history.added else None)


def _reschedule(session: Session, row: "SessionRow") -> None:
    """The rule of a changed session, written once: a change of its time, room, status or title
    grows its iCalendar ``sequence`` (once per transaction), and a start or end moved into the
    future is announced again by the worker's clock."""
    state = sa.inspect(row)
    before, after = {}, {}
    for name, column in _SEQUENCED_COLUMNS.items():
        change = _before_after(state, column)
        if name == "room" and change is None:
            moved = _before_after(state, "room")  # assigned as a relationship: room_id follows at flush
            change = None if moved is None else tuple(r.id if r is not None else None for r in moved)
        if change is not None:
            before[name], after[name] = change
    if not after:
        return
    resequenced = session.info.setdefault(_RESEQUENCED, set())
    if domain.sequence_changes(before, after) and row.id not in resequenced:
        resequenced.add(row.id)
        row.sequence = (row.sequence or 0) + 1
    now = utcnow()
    if "start" in after and row.start is not None and row.start > now:
        row.started_published_at = None
    if "end" in after and row.end is not None and row.end > now:
        row.ended_published_at = None


def _changed(session: Session, row: Base) -> bool:
    if row in session.new or row in session.deleted:
        return True
    state = sa.inspect(row)
    names = [a.key for a in state.attrs if a.history.has_changes()]
    if isinstance(row, Event):
        names = [n for n in names if n not in EVENT_BOOKKEEPING]
    return bool(names)


def _event_of(session: Session, row: Base) -> Event | None:
    if isinstance(row, Event):
        return row
    loaded = row.__dict__.get("event")
    if loaded is not None:
        return loaded
    event_id = getattr(row, "event_id", None)
    return session.get(Event, event_id) if event_id is not None else None


@sa.event.listens_for(Session, "before_flush")
def _versions_follow_changes(session: Session, _context, _instances) -> None:
    """A flush that adds, changes or deletes anything of an event (the event itself, its slots,
    rooms, tracks, sessions, motd and links) touches that event: one rule, one place. A new
    event starts at version 0, whatever it was created with."""
    rows = [row for row in (*session.new, *session.dirty, *session.deleted) if isinstance(row, Base)]
    if not rows:
        return
    with session.no_autoflush:
        events = {}
        for row in rows:
            if isinstance(row, SessionRow) and row in session.dirty and row not in session.deleted:
                _reschedule(session, row)
            if _changed(session, row):
                event = _event_of(session, row)
                if event is not None:
                    events[id(event)] = event
        for event in events.values():
            if event not in session.deleted and event not in session.new:  # a new event is at version 0
                touch(event)


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _forget_touched(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_RESEQUENCED, None)
