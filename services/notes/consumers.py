"""Events the notes service consumes: the schedule's events, tracks and sessions, copied locally,
and the MeetBot lines said in a track's channel.

Each handler maps the event to a command and calls one operation: an event's event keeps the copy
of the event (its name and timezone, for summaries); a session event creates the
session's (empty) note or updates its copy of the session; a track event keeps the copy of the
track (its chairs too: the people its notes name; a deleted track is retired); a
``ptghub.schedule.note.line`` appends the line to the note of the track's session under way, or to
the track's note, with the nick as author. Idempotency is the kit's: each event's effect commits
with its inbox row.
"""
from __future__ import annotations

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import TrackChange
from services.kit.db import Database, UnitOfWork

from .operations import copies, notes
from .schemas.schedule_events import ScheduleEventSchema, ScheduleNoteLineSchema, ScheduleSessionSchema, ScheduleTrackChairsSchema

session_data, chairs_data, line_data = ScheduleSessionSchema(), ScheduleTrackChairsSchema(), ScheduleNoteLineSchema()
event_data = ScheduleEventSchema()


def follow_event(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    verb = cloud_event.type.rsplit(".", 1)[-1]
    copies.follow_event(uow, copies.EventChange(verb, event_data.load(cloud_event.data)))


def follow_track(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    chairs = chairs_data.load(cloud_event.data)["chairs"]
    copies.follow_track(uow, TrackChange.from_event(cloud_event), chairs)


def follow_session(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    verb = cloud_event.type.rsplit(".", 1)[-1]
    copies.follow_session(uow, copies.SessionChange(verb, session_data.load(cloud_event.data)))


def append_line(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    data = line_data.load(cloud_event.data)
    notes.relay_line(uow, notes.RelayedLine(data["event"], data["track"], data["session_id"], data["nick"],
                                            data["text"], data["at"]))


def subscriptions(_database: Database) -> list[Subscription]:
    return [
        Subscription("ptghub.schedule.event.*", follow_event),
        Subscription("ptghub.schedule.track.*", follow_track),
        Subscription("ptghub.schedule.session.*", follow_session),
        Subscription("ptghub.schedule.note.line", append_line),
    ]
