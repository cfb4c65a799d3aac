"""Who may write what (with :mod:`services.kit.auth`): organisers the event and everything it
holds; a chair the sessions of its own tracks at that event and a few fields of those tracks.
The operations check it, since they know the object a write is about (which track a session is in)."""
from __future__ import annotations

from services.kit import auth

EVENTS_OF_ORGANISERS = "the event, its grid, rooms, tracks and links"


def require_organiser(who: dict, event_slug: str | None = None) -> None:
    """Only an organiser (of ``event_slug``; None: of every event, as creating one needs) writes an
    event, its grid, rooms, tracks (chairs: see ``tracks``) and links."""
    auth.require_organiser(who, EVENTS_OF_ORGANISERS, event_slug)
