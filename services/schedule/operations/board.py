"""The live board: every track's now, next and location with its current and next session; every
room's current and next session; the message of the day. A read, answered without building it
when the caller's copy is still current."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from .. import store
from ..schemas.live import motd_items
from ..store import live as live_queries


@dataclass(frozen=True)
class BoardView:
    """The board's tag (for a weak ETag) and the board, or None when the caller's copy is current."""

    tag: str
    board: dict | None


def board_tag(event: store.Event, started: int, ended: int) -> str:
    """The board changes with the event (its version) and as sessions start and end: counting those
    that have tells whether a copy is still current."""
    return f"{event.id}-{event.version}-board-{started}-{ended}"


def read(uow, event_slug: str, at: datetime, is_current: Callable[[str], bool] = lambda _tag: False) -> BoardView:
    """The board of the event at the instant ``at``; not built when ``is_current(tag)`` says the
    caller holds it already (``If-None-Match``)."""
    session = uow.session
    event = store.get_event(session, event_slug)
    tag = board_tag(event, *live_queries.sessions_started_and_ended(session, event, at))
    if is_current(tag):
        return BoardView(tag, None)
    return BoardView(tag, build(session, event, at))


def build(session, event: store.Event, at: datetime) -> dict:
    """The board as ``schemas.live.BoardSchema`` dumps it."""
    current = live_queries.sessions_under_way(session, event, at)
    next_by_track = live_queries.next_sessions(session, event, at, by="track")
    next_by_room = live_queries.next_sessions(session, event, at, by="room")
    now_by_track: dict[str, store.SessionRow] = {}
    now_by_room: dict[str, store.SessionRow] = {}
    for row in current:
        now_by_track.setdefault(row.track_id, row)
        now_by_room.setdefault(row.room_id, row)
    return {
        "event": event.slug, "timezone": event.timezone, "at": at.astimezone(ZoneInfo(event.timezone)),
        "tracks": [{"track": t.slug, "name": t.name, "colour": t.colour, "now": t.now, "next": list(t.next or []),
                    "location": t.location, "meeting_url": t.meeting_url, "notes_url": t.notes_url,
                    "current_session": now_by_track.get(t.id), "next_session": next_by_track.get(t.id)}
                   for t in live_queries.event_tracks(session, event)],
        "rooms": [{"room": r.slug, "name": r.name, "current_session": now_by_room.get(r.id),
                   "next_session": next_by_room.get(r.id)} for r in live_queries.event_rooms(session, event)],
        "motd": motd_items(live_queries.event_motd(session, event)),
    }
