"""Notes request and response schemas: the one source of the OpenAPI and AsyncAPI documents."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields, pre_dump, validate, validates

from services.kit.copies import TolerantSchema
from services.kit.schemas import StrictSchema, page_schema

from . import domain

STATUSES = validate.OneOf([domain.SCHEDULED, domain.CANCELLED, domain.DELETED])


class NoteSchema(StrictSchema):
    session_id = fields.String(dump_only=True)
    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True)
    room = fields.String(dump_only=True)
    title = fields.String(dump_only=True, metadata={"description": "the session's title"})
    start = fields.AwareDateTime(dump_only=True, metadata={"description": "RFC 3339, in the event's timezone"})
    end = fields.AwareDateTime(dump_only=True)
    status = fields.String(dump_only=True, validate=STATUSES, metadata={"description": "the session's status"})
    timezone = fields.String(dump_only=True)
    body = fields.String(required=True, validate=validate.Length(max=1_000_000))
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0), metadata={
        "description": "the note's revision; on PUT, the revision the edit was made on (the current one)"})
    updated_at = fields.AwareDateTime(dump_only=True, metadata={"description": "when the body last changed"})

    @pre_dump
    def _present(self, note, **_kwargs):
        if isinstance(note, dict):
            return note
        zone = ZoneInfo(note.timezone)
        return {
            "session_id": note.session_id, "event": note.event, "track": note.track, "room": note.room,
            "title": note.title, "start": note.start.astimezone(zone), "end": note.end.astimezone(zone),
            "status": note.status, "timezone": note.timezone, "body": note.body, "revision": note.revision,
            "updated_at": note.updated_at,
        }


class NoteRevisionSchema(StrictSchema):
    session_id = fields.String(dump_only=True)
    revision = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    author = fields.String(dump_only=True, metadata={"description": "the display name of the token that wrote it"})
    created_at = fields.AwareDateTime(dump_only=True)


class SummaryRequestSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=300),
                          metadata={"description": "default: `<track name> PTG summary`"})


class SummarySessionSchema(StrictSchema):
    session_id = fields.String()
    title = fields.String()
    start = fields.AwareDateTime(metadata={"description": "RFC 3339, in the event's timezone"})
    end = fields.AwareDateTime()


class SummarySchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True)
    track_name = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    text = fields.String(dump_only=True, metadata={"description": "plain text, ready to mail"})
    sessions = fields.List(fields.Nested(SummarySessionSchema), dump_only=True,
                           metadata={"description": "the sessions summarised, in start order"})
    published_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, summary, **_kwargs):
        if isinstance(summary, dict):
            return summary
        return {
            "id": summary.id, "event": summary.event, "track": summary.track, "track_name": summary.track_name,
            "title": summary.title, "text": summary.text, "published_at": summary.created_at,
            "sessions": [{**s, "start": datetime.fromisoformat(s["start"]), "end": datetime.fromisoformat(s["end"])}
                         for s in summary.sessions],
        }


def summary_sessions(sections: list[domain.Section]) -> list[dict]:
    """The ``sessions`` of a summary as stored (JSON), times in the event's timezone."""
    return SummarySessionSchema(many=True).dump([
        {"session_id": s.session_id, "title": s.title, "start": s.start.astimezone(ZoneInfo(s.timezone)),
         "end": s.end.astimezone(ZoneInfo(s.timezone))} for s in sections
    ])


# -- what notes reads from the schedule's events ----------------------------------------------

class ScheduleSessionSchema(TolerantSchema):
    id = fields.String(required=True)
    event = fields.String(required=True)
    track = fields.String(required=True)
    room = fields.String(required=True)
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    title = fields.String(required=True)
    status = fields.String(load_default=None, allow_none=True)
    timezone = fields.String(load_default="UTC")
    updated_at = fields.AwareDateTime(load_default=None, allow_none=True)

    @validates("timezone")
    def _known_timezone(self, value: str, **_kwargs) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown IANA timezone {value!r}") from exc


NoteRevisionPage = page_schema(NoteRevisionSchema, "NoteRevisionPage")

SCHEMAS = {
    "Note": NoteSchema, "NoteRevision": NoteRevisionSchema, "NoteRevisionPage": NoteRevisionPage,
    "SummaryRequest": SummaryRequestSchema, "SummarySession": SummarySessionSchema, "Summary": SummarySchema,
}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.notes.note.updated": NoteSchema,
    "ptghub.notes.summary.published": SummarySchema,
}
