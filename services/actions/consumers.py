"""Events the actions service consumes: the schedule's tracks, copied so actions can name them.

Idempotency is the kit's: each event's effect commits with its inbox row.
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import ScheduleTrackSchema
from services.kit.db import Database, UnitOfWork

from . import store

track_data = ScheduleTrackSchema()


def copy_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    store.copy_track(uow.session, track_data.load(cloud_event.data))


def subscriptions(_database: Database) -> list[Subscription]:
    return [Subscription("ptghub.schedule.track.*", copy_track)]
