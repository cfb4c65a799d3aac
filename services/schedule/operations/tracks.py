"""An event's tracks (project teams): add, delete (organisers; a track with sessions only with
cascade), change (organisers every field, a chair of the track a few), list and read."""
from __future__ import annotations

from services.kit.auth import is_organiser, require_track_writer
from services.kit.db import UnitOfWork
from services.kit.problems import Conflict

from .. import domain, store
from ..schemas.gathering import TrackSchema
from .outbox import apply_changes, publish
from .rights import require_organiser
from .sessions import delete_sessions

track_schema = TrackSchema()


def create_track(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> store.Track:
    """Add a track (``data``: a loaded ``Track``); publishes ``track.created``."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    if store.track_slug_taken(uow.session, event, data["slug"]):
        raise Conflict(f"track {data['slug']!r} exists already in {event_slug}", errors={"slug": ["taken"]})
    domain.check_chairs(data["chairs"])
    row = store.Track(event_id=event.id, event=event, **data)
    uow.session.add(row)
    uow.session.flush()
    publish(uow, "track", "created", track_schema.dump(row), f"{event_slug}/{row.slug}")
    return row


def list_tracks(uow: UnitOfWork, event_slug: str, query: dict) -> tuple[list[store.Track], str | None]:
    return store.tracks_page(uow.session, store.get_event(uow.session, event_slug), query["limit"], query["cursor"])


def get_track(uow: UnitOfWork, event_slug: str, track_slug: str) -> store.Track:
    return store.get_track(uow.session, store.get_event(uow.session, event_slug), track_slug)


def update_track(uow: UnitOfWork, who: dict, event_slug: str, track_slug: str, changes: dict) -> store.Track:
    """Change some fields of a track (``changes``: a loaded ``TrackChanges``): organisers every
    field, a chair of the track only ``domain.TRACK_FIELDS_FOR_CHAIRS``; ``track.updated`` when any changed."""
    require_track_writer(who, event_slug, track_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_track(uow.session, event, track_slug)
    if "chairs" in changes:
        domain.check_chairs(changes["chairs"])
    changed = domain.changed_fields({name: getattr(row, name) for name in changes}, changes)
    domain.check_track_fields(changed, is_organiser(who, event_slug))
    return apply_changes(uow, row, changed, track_schema, "track", f"{event_slug}/{row.slug}")


def delete_track(uow: UnitOfWork, who: dict, event_slug: str, track_slug: str, cascade: bool) -> None:
    """Delete a track; one with sessions needs ``cascade`` (they go too, each ``session.deleted``)."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_track(uow.session, event, track_slug)
    held = store.event_sessions(uow.session, event, track=row)
    domain.check_cascade(f"track {track_slug}", [session.id for session in held], cascade)
    delete_sessions(uow, held)
    publish(uow, "track", "deleted", track_schema.dump(row), f"{event_slug}/{row.slug}")
    uow.session.delete(row)
