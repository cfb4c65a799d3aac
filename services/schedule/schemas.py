"""Schedule request and response schemas: the one source of the OpenAPI and AsyncAPI documents."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, pre_dump, validate, validates, validates_schema

from services.kit.schemas import PageQuery, StrictSchema, page_schema

from . import domain

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="lowercase letters, digits, - and _ only (at most 64)")


class EventSchema(StrictSchema):
    id = fields.String(dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, metadata={"description": "IANA timezone, e.g. America/Denver"})
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)

    @validates("timezone")
    def _known_timezone(self, value: str, **_kwargs) -> None:
        if not domain.is_known_timezone(value):
            raise ValidationError(f"unknown IANA timezone {value!r}")

    @validates_schema
    def _dates_in_order(self, data, **_kwargs) -> None:
        if "start_date" in data and "end_date" in data and data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", field_name="end_date")


class RoomSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.Function(lambda room: room.event.slug, dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100000))


class TrackSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.Function(lambda track: track.event.slug, dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    mailing_list = fields.Email(load_default=None, allow_none=True,
                                metadata={"description": "where the track's summaries are mailed"})
    subject_tag = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64),
                                metadata={"description": "mail subject tag, e.g. kolla for [kolla]"})


class SessionSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.String(dump_only=True)
    track = fields.String(required=True, validate=SLUG)
    room = fields.String(required=True, validate=SLUG)
    start = fields.AwareDateTime(required=True, metadata={"description": "RFC 3339 with offset; shown in the event's timezone"})
    end = fields.AwareDateTime(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    status = fields.String(dump_only=True, validate=validate.OneOf(["scheduled", "cancelled"]))
    timezone = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, row, **_kwargs):
        if isinstance(row, dict):
            return row
        zone = ZoneInfo(row.event.timezone)
        return {
            "id": row.id, "event": row.event.slug, "track": row.track.slug, "room": row.room.slug,
            "start": row.start.astimezone(zone), "end": row.end.astimezone(zone), "title": row.title,
            "description": row.description, "status": row.status, "timezone": row.event.timezone,
            "created_at": row.created_at, "updated_at": row.updated_at,
        }


class SessionQuery(PageQuery):
    track = fields.String()
    room = fields.String()
    day = fields.Date(metadata={"description": "a day of the event, in the event's timezone"})


EventPage = page_schema(EventSchema, "EventPage")
RoomPage = page_schema(RoomSchema, "RoomPage")
TrackPage = page_schema(TrackSchema, "TrackPage")
SessionPage = page_schema(SessionSchema, "SessionPage")

SCHEMAS = {
    "Event": EventSchema, "Room": RoomSchema, "Track": TrackSchema, "Session": SessionSchema,
    "EventPage": EventPage, "RoomPage": RoomPage, "TrackPage": TrackPage, "SessionPage": SessionPage,
}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.schedule.event.created": EventSchema,
    "ptghub.schedule.room.created": RoomSchema,
    "ptghub.schedule.track.created": TrackSchema,
    "ptghub.schedule.session.scheduled": SessionSchema,
}
