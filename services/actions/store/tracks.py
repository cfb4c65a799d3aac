"""The copy of the schedule's tracks: followed from events, named by actions."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.kit.copies import TrackChange
from services.kit.problems import Invalid

from .models import Track


def follow_track(session: Session, change: TrackChange) -> Track | None:
    """Apply a schedule track event to its copy (see :mod:`services.kit.copies`)."""
    return Track.follow(session, change)


def get_track_copy(session: Session, event: str, slug: str) -> Track:
    """The copy of the track an action names (retired ones too); an unknown one is a bad field (422),
    not a missing resource."""
    track = session.get(Track, (event, slug))
    if track is None:
        raise Invalid("track", f"no track {slug!r} in event {event!r}")
    return track
