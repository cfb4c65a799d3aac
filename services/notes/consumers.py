"""Events the notes service consumes: the schedule's tracks and sessions, copied locally.

Each handler maps the event to a command and calls one operation: a session event creates the
session's (empty) note or updates its copy of the session; a track event keeps the copy of the
track a summary is published for (a deleted track is retired). Idempotency is the kit's: each
event's effect commits with its inbox row.
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import TrackChange
from services.kit.db import Database, UnitOfWork

from . import operations
from .schemas import ScheduleSessionSchema

session_data = ScheduleSessionSchema()


def follow_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    operations.follow_track(uow, TrackChange.from_event(cloud_event))


def follow_session(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    verb = cloud_event.type.rsplit(".", 1)[-1]
    operations.follow_session(uow, operations.SessionChange(verb, session_data.load(cloud_event.data)))


def subscriptions(_database: Database) -> list[Subscription]:
    return [
        Subscription("ptghub.schedule.track.*", follow_track),
        Subscription("ptghub.schedule.session.*", follow_session),
    ]
