"""Object-level authorisation from the principal the gateway vouches for (see :mod:`.identity`).

Roles: ``organiser`` (everything; an organiser of some events only when the principal carries
``events``: everything of those events, nothing that belongs to no event or to another), ``chair``
(its own tracks: ``tracks`` lists the ``{"event", "track"}`` pairs it chairs; a chair of ``nova`` at
one event is nobody at another), ``integration`` (reads; its own webhooks, owned by token id),
``reader`` (reads what an organiser reads, except what is another token's or a credential: the
webhooks and the mail queue; writes nothing), ``public`` (reads of the schedule and board).
"""
from __future__ import annotations

from .problems import Forbidden

ORGANISER = "organiser"
CHAIR = "chair"
INTEGRATION = "integration"
READER = "reader"
PUBLIC = "public"


def is_organiser(principal: dict, event_slug: str | None = None) -> bool:
    """An organiser of ``event_slug`` (None: of everything, which an organiser of some events is not)."""
    if principal.get("role") != ORGANISER:
        return False
    scope = principal.get("events")
    if not scope:
        return True
    return event_slug is not None and event_slug in scope


def reads_everything(principal: dict, event_slug: str | None = None) -> bool:
    """Organisers (of ``event_slug``) and readers: they read all of it, a reader writing none of it."""
    return principal.get("role") == READER or is_organiser(principal, event_slug)


def require_organiser(principal: dict, what: str = "this", event_slug: str | None = None) -> None:
    if not is_organiser(principal, event_slug):
        raise Forbidden(f"only an organiser may change {what}")


def chaired_tracks(principal: dict, event_slug: str) -> set[str]:
    """The slugs of the tracks ``principal`` chairs at ``event_slug``."""
    if principal.get("role") != CHAIR:
        return set()
    return {pair.get("track") for pair in principal.get("tracks", [])
            if isinstance(pair, dict) and pair.get("event") == event_slug}


def may_write_track(principal: dict, event_slug: str, track_slug: str | None) -> bool:
    if is_organiser(principal, event_slug):
        return True
    return track_slug is not None and track_slug in chaired_tracks(principal, event_slug)


def require_track_writer(principal: dict, event_slug: str, track_slug: str | None) -> None:
    """Organisers write every track; a chair writes only the (event, track) pairs it chairs."""
    if not may_write_track(principal, event_slug, track_slug):
        raise Forbidden(f"not allowed to change track {track_slug} of event {event_slug}",
                        errors={"track": [f"not one of your tracks at {event_slug}"]})


def require_role(principal: dict, *roles: str) -> None:
    if principal.get("role") not in roles:
        raise Forbidden(f"needs one of the roles: {', '.join(roles)}")


def may_write_event(principal: dict, event_slug: str) -> bool:
    """Organisers, and a chair of any track of ``event_slug``."""
    return is_organiser(principal, event_slug) or bool(chaired_tracks(principal, event_slug))


def require_event_writer(principal: dict, event_slug: str) -> None:
    """What belongs to an event rather than a track (its free notes): organisers write it, and so
    does a chair of any of its tracks; a chair only at another event is refused."""
    if not may_write_event(principal, event_slug):
        raise Forbidden(f"not allowed to change the notes of event {event_slug}: organisers and the chairs "
                        "of its tracks only", errors={"event": [f"you chair no track at {event_slug}"]})
