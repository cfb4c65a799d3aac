"""Events the actions service consumes: the schedule's tracks, copied so actions can name them.

Each handler maps the event to a command and calls one operation. Idempotency is the kit's: each
event's effect commits with its inbox row.
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import TrackChange
from services.kit.db import Database, UnitOfWork

from .operations import tracks


def follow_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    tracks.follow_track(uow, TrackChange.from_event(cloud_event))


def subscriptions(_database: Database) -> list[Subscription]:
    return [Subscription("ptghub.schedule.track.*", follow_track)]
