"""Keeping the copy of the schedule's tracks, and checking the track an action names."""
from __future__ import annotations

from services.kit.copies import TrackChange, require_offered
from services.kit.db import UnitOfWork

from .. import store
from ..domain import status


def follow_track(uow: UnitOfWork, change: TrackChange) -> store.Track | None:
    """Keep the copy of a track actions may name; a deleted track is retired."""
    return store.follow_track(uow.session, change)


def check_track(uow: UnitOfWork, event: str | None, track: str | None) -> None:
    """A track named within its event (422), known to the schedule (422), not deleted (409)."""
    status.check_scope(event, track)
    if track is not None:
        require_offered(store.get_track_copy(uow.session, event, track), "it takes no more actions")
