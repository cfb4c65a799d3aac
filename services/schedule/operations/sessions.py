"""Sessions: schedule one (at start/end or in slots of the grid), change, cancel or delete it, list
an event's sessions and the clashes it accepted. Organisers, or a chair of the session's track.

Every write locks the event first (``store.get_event(..., lock=True)``, ``store.event_track_room``,
``store.lock_event_of``), so the writes of one event are serialised and the clash checks see each
other's result.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from services.kit.auth import is_organiser, require_track_writer
from services.kit.db import UnitOfWork

from .. import domain, store
from ..schemas.gathering import SessionSchema
from .outbox import publish

session_schema = SessionSchema()


def delete_sessions(uow: UnitOfWork, rows: list[store.SessionRow]) -> None:
    """Delete ``rows``, each publishing ``session.deleted`` with the session as it was."""
    for row in rows:
        publish(uow, "session", "deleted", session_schema.dump(row), row.id)
        uow.session.delete(row)


def _times(uow: UnitOfWork, event: store.Event, codes: list[str] | None, start: datetime, end: datetime):
    """The session's interval and slot codes: from ``codes`` of the grid when given, else start and end."""
    if codes:
        grid = store.slot_views(store.event_slots(uow.session, event))
        span, ordered = domain.slots_span(codes, grid, event.timezone)
        start, end = span.start, span.end
    else:
        ordered = []
    interval = domain.check_session_times(start, end, event.start_date, event.end_date, event.timezone)
    return interval, ordered


def _check_clashes(uow: UnitOfWork, event: store.Event, candidate: domain.SessionView) -> None:
    domain.check_clashes(candidate, store.views_overlapping(uow.session, event, candidate.start, candidate.end,
                                                            exclude_id=candidate.id))


def create_session(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> store.SessionRow:
    """Schedule a session (``data``: a loaded ``Session``); publishes ``session.scheduled``."""
    require_track_writer(who, event_slug, data["track"])
    domain.check_allow_conflict_right(data["allow_conflict"], False, is_organiser(who, event_slug))
    domain.check_new_status(data.get("status", domain.SCHEDULED))
    event, track, room = store.event_track_room(uow.session, event_slug, data["track"], data["room"])  # locked
    interval, codes = _times(uow, event, data.get("slots"), data.get("start"), data.get("end"))
    moderators = domain.normalise_moderators(data["moderators"])
    _check_clashes(uow, event, domain.SessionView(
        id=None, title=data["title"], track=track.slug, room=room.slug, start=interval.start, end=interval.end,
        moderators=tuple(moderators), allow_conflict=data["allow_conflict"]))
    row = store.SessionRow(event_id=event.id, track_id=track.id, room_id=room.id, event=event, track=track,
                           room=room, start=interval.start, end=interval.end, title=data["title"],
                           description=data["description"], status=domain.SCHEDULED, kind=data["kind"],
                           moderators=moderators, video_url=data["video_url"], slot_codes=codes,
                           allow_conflict=data["allow_conflict"], sequence=0)
    uow.session.add(row)
    uow.session.flush()
    publish(uow, "session", "scheduled", session_schema.dump(row), row.id)
    return row


@dataclass(frozen=True)
class SessionListing:
    """An event's sessions as a query asks for them: ``event`` (every write bumps its version, so
    the version and the query name one exact page) and ``page()``, which runs the query (a copy
    rendered before may make that unnecessary). Unknown track or room: 404 from ``page()``."""

    event: store.Event
    page: Callable[[], tuple[list[store.SessionRow], str | None]]


def list_sessions(uow: UnitOfWork, event_slug: str, query: dict) -> SessionListing:
    """The event's sessions by start (``query``: a loaded ``SessionQuery``)."""
    event = store.get_event(uow.session, event_slug)

    def page() -> tuple[list[store.SessionRow], str | None]:
        track = store.get_track(uow.session, event, query["track"]) if "track" in query else None
        room = store.get_room(uow.session, event, query["room"]) if "room" in query else None
        between = domain.day_bounds(query["day"], event.timezone) if "day" in query else None
        return store.sessions_page(uow.session, event, query["limit"], query["cursor"], track=track, room=room,
                                   between=between, kind=query.get("kind"), status=query.get("status"))

    return SessionListing(event, page)


def get_session(uow: UnitOfWork, session_id: str) -> store.SessionRow:
    return store.get_session(uow.session, session_id)


def update_session(uow: UnitOfWork, who: dict, session_id: str, changes: dict) -> store.SessionRow:
    """Apply ``changes`` (a loaded ``SessionChanges``) to a session, checking every rule again.

    A chair needs the session's track (and the new one when it moves); only an organiser changes
    ``allow_conflict``. New ``slots`` set the times; new times drop the slot codes. Publishes
    ``session.cancelled`` when it becomes cancelled, else ``session.updated``; nothing when nothing
    changed. The sequence rule and the event's version follow at flush (``store.versions``).
    """
    event, row = store.lock_event_of(uow.session, session_id)
    require_track_writer(who, event.slug, row.track.slug)
    track, room = row.track, row.room
    if "track" in changes and changes["track"] != track.slug:
        require_track_writer(who, event.slug, changes["track"])
        track = store.get_track(uow.session, event, changes["track"])
    if "room" in changes and changes["room"] != room.slug:
        room = store.get_room(uow.session, event, changes["room"])
    allow_conflict = changes.get("allow_conflict", row.allow_conflict)
    domain.check_allow_conflict_right(allow_conflict, row.allow_conflict, is_organiser(who, event.slug))
    codes = list(row.slot_codes or [])
    if changes.get("slots"):
        interval, codes = _times(uow, event, changes["slots"], row.start, row.end)
    else:
        interval, _ = _times(uow, event, None, changes.get("start", row.start), changes.get("end", row.end))
        if "slots" in changes or (interval.start, interval.end) != (row.start, row.end):
            codes = []
    moderators = (domain.normalise_moderators(changes["moderators"]) if "moderators" in changes
                  else list(row.moderators or []))
    status = changes.get("status", row.status)
    title = changes.get("title", row.title)
    _check_clashes(uow, event, domain.SessionView(
        id=row.id, title=title, track=track.slug, room=room.slug, start=interval.start, end=interval.end,
        moderators=tuple(moderators), allow_conflict=allow_conflict, status=status))
    proposed = {"track_id": track.id, "room_id": room.id, "start": interval.start, "end": interval.end,
                "slot_codes": codes, "title": title, "moderators": moderators, "status": status,
                "allow_conflict": allow_conflict,
                **{name: changes[name] for name in ("description", "kind", "video_url") if name in changes}}
    changed = domain.changed_fields({name: getattr(row, name) for name in proposed}, proposed)
    if not changed:
        return row
    old_status = row.status
    for name, value in changed.items():
        if name not in ("track_id", "room_id"):
            setattr(row, name, value)
    row.track, row.room = track, room
    uow.session.flush()
    publish(uow, "session", domain.change_verb(old_status, status), session_schema.dump(row), row.id)
    return row


def cancel_session(uow: UnitOfWork, who: dict, session_id: str) -> store.SessionRow:
    """As :func:`update_session` with status cancelled; cancelling a cancelled session changes nothing."""
    return update_session(uow, who, session_id, {"status": domain.CANCELLED})


def delete_session(uow: UnitOfWork, who: dict, session_id: str) -> None:
    """Delete a session (organisers, or a chair of its track); ``session.deleted`` carries it as it was."""
    event, row = store.lock_event_of(uow.session, session_id)
    require_track_writer(who, event.slug, row.track.slug)
    delete_sessions(uow, [row])


def list_conflicts(uow: UnitOfWork, event_slug: str) -> list[dict]:
    """Every clash between the event's sessions that are not cancelled, in time order, with its
    reason (a ``Conflict``: the room, track or moderator, the two sessions, whether accepted)."""
    event = store.get_event(uow.session, event_slug)
    rows = store.event_sessions(uow.session, event, scheduled_only=True)
    pairs = domain.find_conflicts((store.session_view(row), row) for row in rows)
    return [{"reason": pair.reason, "accepted": pair.accepted, "sessions": [pair.first, pair.second],
             "track": pair.what if pair.reason == "track" else None,
             "room": pair.what if pair.reason == "room" else None,
             "moderator": pair.what if pair.reason == "moderator" else None} for pair in pairs]
