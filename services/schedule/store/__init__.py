"""Schedule persistence: the SQLAlchemy models and every query of the service.

- :mod:`.models`: the tables;
- :mod:`.versions`: the event's version and a session's sequence follow changes at flush (:func:`touch`);
- :mod:`.pages`: keyset pages with checked cursors;
- :mod:`.events`, :mod:`.rooms`, :mod:`.tracks`, :mod:`.grid`, :mod:`.links`, :mod:`.sessions`: the queries.

Everything is importable from here (``store.SessionRow``, ``store.get_event``).
"""
from .events import counts, delete_event_lists, event_slug_taken, event_track_room, events_page, get_event
from .grid import event_slots, get_slot, slot_views, slots_page
from .links import event_links, get_link, links_page, renumber
from .models import Base, Event, Link, Motd, Room, SessionRow, Slot, Track
from .pages import cursor_values, keyset_page
from .rooms import event_rooms, get_room, room_slug_taken, rooms_page
from .sessions import (claim_due_sessions, claim_session_start, event_sessions, get_session, lock_event_of,
                       room_sessions_overlapping, session_view, sessions_page, views_overlapping)
from .tracks import event_tracks, get_track, track_slug_taken, tracks_page
from .versions import EVENT_BOOKKEEPING, touch

__all__ = [
    "counts", "delete_event_lists", "event_slug_taken", "event_track_room", "events_page", "get_event",
    "event_slots", "get_slot", "slot_views", "slots_page",
    "event_links", "get_link", "links_page", "renumber",
    "Base", "Event", "Link", "Motd", "Room", "SessionRow", "Slot", "Track",
    "cursor_values", "keyset_page",
    "event_rooms", "get_room", "room_slug_taken", "rooms_page",
    "claim_due_sessions", "claim_session_start", "event_sessions", "get_session", "lock_event_of",
    "room_sessions_overlapping", "session_view", "sessions_page", "views_overlapping",
    "event_tracks", "get_track", "track_slug_taken", "tracks_page",
    "EVENT_BOOKKEEPING", "touch",
]
