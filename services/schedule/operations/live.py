"""A track's live status: now, next, clean, location, and the new day that empties every track's.

Each operation locks the event first (as every write of the service does, so the writes of one
event are serialised and a ``next`` appends to the list the one before left), applies the status
rules of :mod:`..domain.live`, and publishes ``status.changed`` when the status changed. The REST
routes, ptgbot's commands and the worker's new-day timer all come here. Nothing commits: the
caller does, so a chat line that does several things does all or nothing.
"""
from __future__ import annotations

from datetime import datetime

from services.kit.cloudevents import event_type
from services.kit.problems import NotFound

from .. import SERVICE, store
from ..domain import live as rules
from ..schemas.gathering import SessionSchema
from ..schemas.live import StatusSchema
from ..store import live as live_queries

STATUS_CHANGED = event_type(SERVICE, "status", "changed")
SESSION_STARTED = event_type(SERVICE, "session", "started")

status_schema = StatusSchema()
session_schema = SessionSchema()


def _write(uow, track: store.Track, new: rules.TrackStatus, at: datetime) -> bool:
    """Store ``new`` as the track's status; publish ``status.changed`` when it differs."""
    if live_queries.track_status(track) == new:
        return False
    track.now, track.next, track.location = new.now, list(new.next), new.location
    track.status_updated_at = at
    uow.session.flush()
    uow.publish(STATUS_CHANGED, status_schema.dump(track), subject=f"{track.event.slug}/{track.slug}")
    return True


def _track(uow, event_slug: str, track_slug: str) -> store.Track:
    event = store.get_event(uow.session, event_slug, lock=True)
    return store.get_track(uow.session, event, track_slug)


def read(uow, event_slug: str, track_slug: str) -> store.Track:
    """The track whose status to show."""
    return store.get_track(uow.session, store.get_event(uow.session, event_slug), track_slug)


def set_now(uow, event_slug: str, track_slug: str, text: str, at: datetime) -> store.Track:
    """``now`` sets the topic and wipes ``next``; the track's current session is announced as started.

    ``session.started`` goes out once per session (``started_published_at``), whether a chair's
    ``now`` or the session's start time (the worker's clock) says so first.
    """
    track = _track(uow, event_slug, track_slug)
    _write(uow, track, rules.set_now(live_queries.track_status(track), text), at)
    current = live_queries.current_session_of_track(uow.session, track, at)
    if current is not None and current.started_published_at is None and store.claim_session_start(
            uow.session, current, at):
        uow.publish(SESSION_STARTED, session_schema.dump(current), subject=current.id)
    return track


def add_next(uow, event_slug: str, track_slug: str, text: str, at: datetime) -> store.Track:
    """``next`` appends an upcoming topic (409 naming ``next`` when too many are queued)."""
    track = _track(uow, event_slug, track_slug)
    _write(uow, track, rules.add_next(live_queries.track_status(track), text), at)
    return track


def clean(uow, event_slug: str, track_slug: str, at: datetime) -> store.Track:
    """``clean`` empties now and next (``status.changed`` only when there was anything)."""
    track = _track(uow, event_slug, track_slug)
    _write(uow, track, rules.clean(live_queries.track_status(track)), at)
    return track


def set_location(uow, event_slug: str, track_slug: str, text: str | None, at: datetime) -> store.Track:
    """Where the track meets; empty or None clears it."""
    track = _track(uow, event_slug, track_slug)
    _write(uow, track, rules.set_location(live_queries.track_status(track), text), at)
    return track


def new_day(uow, event_slug: str, at: datetime) -> list[store.Track]:
    """``~newday``: every track of the event starts the day with no now/next; returns those that changed."""
    event = store.get_event(uow.session, event_slug, lock=True)
    return [track for track in live_queries.event_tracks(uow.session, event)
            if _write(uow, track, rules.clean(live_queries.track_status(track)), at)]


def clear_stale_statuses(uow, event_slug: str, track_ids: list[str], at: datetime) -> int:
    """The new day at the event's local midnight: clear the statuses of ``track_ids`` still set before it.

    A compare-and-set on each track's own ``status_updated_at``: under the event's lock the tracks
    are read afresh and cleared only if their status is still from before the event's last local
    midnight (clearing stamps it with ``at``). A second worker waiting on the lock then finds them
    fresh and leaves them, so each status is cleared and announced exactly once. Returns how many
    were cleared; an event deleted meanwhile clears nothing.
    """
    try:
        event = store.get_event(uow.session, event_slug, lock=True)
    except NotFound:  # deleted meanwhile
        return 0
    cleared = 0
    for track in live_queries.event_tracks_by_id(uow.session, event, track_ids):
        # compare-and-set: another worker may have cleared it, or a chair set it anew, meanwhile
        if rules.status_is_stale(track.status_updated_at, at, event.timezone) and \
                _write(uow, track, rules.clean(live_queries.track_status(track)), at):
            cleared += 1
    return cleared
