"""Queries of an event's tracks (the one ``get_track`` of the service)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .models import Event, Track
from .pages import keyset_page


def get_track(session: Session, event: Event, slug: str, field: str = "track") -> Track:
    """The track by slug (404 naming ``field`` when the event has none)."""
    track = session.scalar(sa.select(Track).where(Track.event_id == event.id, Track.slug == slug))
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event.slug}", errors={field: ["unknown track"]})
    return track


def event_tracks(session: Session, event: Event) -> list[Track]:
    """The event's tracks, by slug."""
    return list(session.scalars(sa.select(Track).where(Track.event_id == event.id).order_by(Track.slug)))


def track_slug_taken(session: Session, event: Event, slug: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Track)
                          .where(Track.event_id == event.id, Track.slug == slug)) > 0


def tracks_page(session: Session, event: Event, limit: int, cursor: str | None) -> tuple[list[Track], str | None]:
    """A page of the event's tracks by slug."""
    return keyset_page(session, sa.select(Track).where(Track.event_id == event.id), [Track.slug],
                       lambda t: [t.slug], (str,), limit, cursor)
