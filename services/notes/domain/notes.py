"""Which note: the three kinds of note, the statuses a session's copy has, the key a request names a note by."""
from __future__ import annotations

from dataclasses import dataclass

# The three kinds of note: a session's, a track's (the pad a team keeps for the whole week), and an
# event's free notes (many per event, each named by a slug: "hallway", "retro", "cross-project").
SESSION = "session"
TRACK = "track"
EVENT = "event"
KINDS = (SESSION, TRACK, EVENT)

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
DELETED = "deleted"  # the schedule deleted the session; its note is kept, out of summaries


@dataclass(frozen=True)
class NoteKey:
    """Which note a request means: a session's (``session_id``), a track's (``event``, ``track``) or
    one of an event's free notes (``event``, ``slug``)."""

    kind: str
    session_id: str | None = None
    event: str | None = None
    track: str | None = None
    slug: str | None = None

    @classmethod
    def of_session(cls, session_id: str) -> "NoteKey":
        return cls(SESSION, session_id=session_id)

    @classmethod
    def of_track(cls, event: str, track: str) -> "NoteKey":
        return cls(TRACK, event=event, track=track)

    @classmethod
    def of_event(cls, event: str, slug: str) -> "NoteKey":
        return cls(EVENT, event=event, slug=slug)
