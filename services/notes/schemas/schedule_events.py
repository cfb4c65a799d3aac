"""What notes reads from the schedule's events: an event, a session, a track's chairs, a MeetBot line."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields, validate, validates

from services.kit.copies import TolerantSchema


class ScheduleEventSchema(TolerantSchema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)
    start_date = fields.Date(load_default=None, allow_none=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    updated_at = fields.AwareDateTime(load_default=None, allow_none=True)

    @validates("timezone")
    def _known_timezone(self, value: str, **_kwargs) -> None:
        _check_timezone(value)


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
        _check_timezone(value)


def _check_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown IANA timezone {value!r}") from exc


class ScheduleChairSchema(TolerantSchema):
    nick = fields.String(required=True)
    name = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)


class ScheduleTrackChairsSchema(TolerantSchema):
    """The chairs of a ``ptghub.schedule.track.*`` event's track (the rest is the kit's copy's)."""

    chairs = fields.List(fields.Nested(ScheduleChairSchema), load_default=None, allow_none=True)


class ScheduleNoteLineSchema(TolerantSchema):
    """``ptghub.schedule.note.line``: a MeetBot line said in a track's channel."""

    event = fields.String(required=True)
    track = fields.String(required=True)
    session_id = fields.String(load_default=None, allow_none=True)
    nick = fields.String(required=True, validate=validate.Length(min=1, max=64))
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    at = fields.AwareDateTime(load_default=None, allow_none=True)
