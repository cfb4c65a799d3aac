"""Mail routes: a track's list (kept from the schedule's track events), an event's own routing,
and the copies of sessions a later session event is compared with."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import EventRoute, MailRoute, SessionCopy


def get_route(session: Session, event: str, track: str, lock: bool = False) -> MailRoute | None:
    statement = sa.select(MailRoute).where(MailRoute.event == event, MailRoute.track == track)
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement)


def route_for_summary(session: Session, event: str, track: str) -> MailRoute | None:
    """The route of a summary's track, named by slug (or, failing that, by the schedule's track id)."""
    route = get_route(session, event, track, lock=True)
    if route is None:
        route = session.scalar(sa.select(MailRoute).where(MailRoute.track_id == track).with_for_update())
    return route


def get_event_route(session: Session, event: str, lock: bool = False) -> EventRoute | None:
    return session.get(EventRoute, event, with_for_update=True if lock else None)


_copies = SessionCopy.__table__
# built once: every session event reads and writes its copy (columns only, no ORM objects)
_COPY = sa.select(_copies).where(_copies.c.id == sa.bindparam("session_id")).with_for_update()
_ADD_COPY = _copies.insert()
_CHANGE_COPY = _copies.update().where(_copies.c.id == sa.bindparam("session_id"))


def get_session_copy(session: Session, session_id: str) -> sa.Row | None:
    """The copy of session ``session_id`` (its columns), locked, or None."""
    return session.connection().execute(_COPY, {"session_id": session_id}).first()


def keep_session_copy(session: Session, session_id: str, values: dict, exists: bool) -> None:
    """Write the copy of session ``session_id``: every column but the id in ``values``; ``exists``:
    whether :func:`get_session_copy` found one (locked) to change, else it is added."""
    if exists:
        session.connection().execute(_CHANGE_COPY, {"session_id": session_id, **values})
    else:
        session.connection().execute(_ADD_COPY, {"id": session_id, **values})
