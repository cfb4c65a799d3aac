"""Events the actions service consumes: the schedule's tracks, copied so actions can name them, and
the notes' items, which become action items.

Each handler maps the event to a command and calls one operation. Idempotency is the kit's: each
event's effect commits with its inbox row (and :mod:`.operations.from_notes` ignores an item's
announcement older than the one it applied).
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import TrackChange
from services.kit.db import Database, UnitOfWork, utcnow

from .operations import from_notes, tracks
from .schemas.notes_events import ITEMS_CHANGED, items_changed


def follow_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    tracks.follow_track(uow, TrackChange.from_event(cloud_event))


def follow_note_items(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    from_notes.apply_items_changed(uow, items_changed(cloud_event), utcnow())


def subscriptions(_database: Database) -> list[Subscription]:
    return [Subscription("ptghub.schedule.track.*", follow_track),
            Subscription(ITEMS_CHANGED, follow_note_items)]
