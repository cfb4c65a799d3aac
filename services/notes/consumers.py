"""Events the notes service consumes: the schedule's tracks and sessions, copied locally.

A session event creates the session's (empty) note or updates its copy of the session; a track
event keeps the copy of the track a summary is published for. Idempotency is the kit's: each
event's effect commits with its inbox row.
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import ScheduleTrackSchema
from services.kit.db import Database, UnitOfWork

from . import domain, store
from .schemas import ScheduleSessionSchema

track_data, session_data = ScheduleTrackSchema(), ScheduleSessionSchema()


def copy_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    store.copy_track(uow.session, track_data.load(cloud_event.data))


def copy_session(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    data = session_data.load(cloud_event.data)
    note = store.find_note(uow.session, data["id"], lock=True)
    if note is not None and domain.is_stale(data["updated_at"], note.session_updated_at):
        return
    verb = cloud_event.type.rsplit(".", 1)[-1]
    store.copy_session(uow.session, note, data, domain.copied_status(verb, data["status"]))


def subscriptions(_database: Database) -> list[Subscription]:
    return [
        Subscription("ptghub.schedule.track.*", copy_track),
        Subscription("ptghub.schedule.session.*", copy_session),
    ]
