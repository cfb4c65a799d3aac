"""Schemas of the live side: status, bookings, free slots, message of the day, board, ptgbot.

Merged into ``schemas.SCHEMAS`` / ``schemas.EVENTS`` (the package), so the OpenAPI and AsyncAPI
documents are generated from here as from the rest of the service.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, pre_dump, pre_load, validate

from services.kit.problems import Problem
from services.kit.schemas import NOT_SPACE, NUL_MESSAGE, PageQuery, StrictSchema, page_schema

from ..domain import live
from . import gathering as core

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="lowercase letters, digits, - and _ only (at most 64)")
NICK = validate.Regexp(rf"^{NOT_SPACE}{{1,64}}$", error="one word, at most 64 characters")

# The core's schemas, used for the resources the live side changes too (sessions, tracks, rooms).
SessionSchema = core.SessionSchema
TrackSchema = core.TrackSchema
RoomSchema = core.RoomSchema
EventSchema = core.EventSchema


# -- status ----------------------------------------------------------------------------------------

class StatusSchema(Schema):
    """A track's live status: what it discusses now, next, and where."""

    event = fields.String(metadata={"description": "the event's slug"})
    track = fields.String(metadata={"description": "the track's slug"})
    name = fields.String()
    now = fields.String(allow_none=True, metadata={"description": "the current topic"})
    next = fields.List(fields.String(), metadata={"description": "upcoming topics, in order"})
    location = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when the status last changed"})

    @pre_dump
    def _present(self, track, **_kwargs):
        if isinstance(track, dict):
            return track
        return {"event": track.event.slug, "track": track.slug, "name": track.name, "now": track.now,
                "next": list(track.next or []), "location": track.location, "updated_at": track.status_updated_at}


class StatusTextSchema(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=live.MAX_TEXT))


class LocationSchema(StrictSchema):
    text = fields.String(required=True, allow_none=True, validate=validate.Length(max=live.MAX_LOCATION),
                         metadata={"description": "where the track meets; null or empty clears it"})


# -- booking ---------------------------------------------------------------------------------------

class BookingSchema(StrictSchema):
    track = fields.String(required=True, validate=SLUG)
    room = fields.String(required=True, validate=SLUG)
    slot = fields.String(required=True, validate=validate.Length(min=1, max=32),
                         metadata={"description": "a slot code of the event's grid, e.g. FriP1"})


class FreeSlotQuery(PageQuery):
    day = fields.Date(metadata={"description": "a day of the event, in the event's timezone"})
    capacity = fields.Integer(validate=validate.Range(min=0, max=100000),
                              metadata={"description": "rooms holding at least this many people"})
    video = fields.Boolean(metadata={"description": "true: only rooms with video; false: only rooms without"})


class FreeSlotSchema(Schema):
    room = fields.String(metadata={"description": "the room's slug"})
    room_name = fields.String()
    slot = fields.String(metadata={"description": "the slot code; book it as ROOM-SLOT"})
    start = fields.AwareDateTime(metadata={"description": "in the event's timezone"})
    end = fields.AwareDateTime()
    capacity = fields.Integer(allow_none=True)
    video = fields.Boolean()


FreeSlotPage = page_schema(FreeSlotSchema, "FreeSlotPage")


# -- message of the day ------------------------------------------------------------------------------

class MotdEntrySchema(Schema):
    id = fields.String()
    number = fields.Integer(metadata={"description": "position from the top, from 1 (ptgbot's message number)"})
    level = fields.String(validate=validate.OneOf(live.LEVELS))
    message = fields.String()


def motd_items(rows: list) -> list[dict]:
    """Motd rows (in order) as entries numbered from 1, as ptgbot numbers them."""
    return [{"id": row.id, "number": number, "level": row.level, "message": row.message}
            for number, row in enumerate(rows, start=1)]


class MotdListSchema(Schema):
    """The event's message of the day, top first."""

    event = fields.String()
    items = fields.List(fields.Nested(MotdEntrySchema))


class MotdNewSchema(StrictSchema):
    level = fields.String(load_default="info", validate=validate.OneOf(live.LEVELS))
    message = fields.String(required=True, validate=validate.Length(min=1, max=live.MAX_MOTD))


class MotdOrderSchema(StrictSchema):
    ids = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                      metadata={"description": "message ids, top first; messages left out are removed (as ptgbot)"})


# -- board -------------------------------------------------------------------------------------------

class BoardQuery(StrictSchema):
    at = fields.AwareDateTime(validate=core.INSTANTS, metadata={
        "description": "the instant to show (default: now), in the years 1900 to 2999; for tests and replays"})


class BoardTrackSchema(Schema):
    track = fields.String()
    name = fields.String()
    colour = fields.String(allow_none=True)
    now = fields.String(allow_none=True)
    next = fields.List(fields.String())
    location = fields.String(allow_none=True)
    meeting_url = fields.String(allow_none=True)
    notes_url = fields.String(allow_none=True)
    current_session = fields.Nested(SessionSchema, allow_none=True)
    next_session = fields.Nested(SessionSchema, allow_none=True)


class BoardRoomSchema(Schema):
    room = fields.String()
    name = fields.String()
    current_session = fields.Nested(SessionSchema, allow_none=True)
    next_session = fields.Nested(SessionSchema, allow_none=True)


class BoardSchema(Schema):
    event = fields.String()
    timezone = fields.String()
    at = fields.AwareDateTime(metadata={"description": "the instant shown, in the event's timezone"})
    tracks = fields.List(fields.Nested(BoardTrackSchema))
    rooms = fields.List(fields.Nested(BoardRoomSchema))
    motd = fields.List(fields.Nested(MotdEntrySchema))


# -- ptgbot --------------------------------------------------------------------------------------------

class PtgbotCommandSchema(StrictSchema):
    nick = fields.String(required=True, validate=NICK, metadata={"description": "the sender's chat nick"})
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                         metadata={"description": "the line as typed, e.g. '#swift book Aspen-FriP1'"})
    track = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "the track whose channel the line was said in: MeetBot's lines there (`#action`, `#agreed`, "
                       "`#link`, `#info` ...) go to the note of its session under way (the track's note between "
                       "sessions)"})


class NoteLineSchema(Schema):
    """``ptghub.schedule.note.line``: a MeetBot line said in a track's channel, for the notes service."""

    event = fields.String()
    track = fields.String()
    session_id = fields.String(allow_none=True, metadata={"description": "the track's session under way; null between"})
    nick = fields.String(metadata={"description": "who said it (the note revision's author)"})
    text = fields.String(metadata={"description": "the line as said, marker included"})
    at = fields.AwareDateTime()


class PtgbotReplySchema(Schema):
    reply = fields.String(allow_none=True, metadata={
        "description": "what the bot says in the channel (ptgbot's words, '<nick>: ...'); null: say nothing"})
    applied = fields.Boolean(metadata={"description": "the command was accepted and carried out"})
    nick = fields.String()
    command = fields.String(allow_none=True, metadata={"description": "the command understood, e.g. book"})
    track = fields.String(allow_none=True)


def _refuse_nul_deep(value, path: str, errors: dict) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            errors[path or "body"] = [NUL_MESSAGE]
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                errors[f"{path}.{key}".strip(".")] = [NUL_MESSAGE]
            _refuse_nul_deep(item, f"{path}.{key}".strip("."), errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul_deep(item, f"{path}.{index}".strip("."), errors)


class PtgbotSlotSchema(Schema):
    class Meta:
        unknown = INCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=32))
    desc = fields.String(required=True, metadata={"description": "local times, HH:MM-HH:MM"})
    realtime = fields.String()


# One message as ptgbot's JSON has it (both keys optional; no NUL, as everywhere in the import).
MOTD_ENTRY = {"type": "object", "properties": {"level": {"type": "string", "pattern": r"^[^\x00]*$"},
                                               "message": {"type": "string", "pattern": r"^[^\x00]*$"}}}


class PtgbotDocumentSchema(Schema):
    """ptgbot's JSON database (``base.json`` / ``ptg.json``); keys ptghub does not use are ignored."""

    class Meta:
        unknown = EXCLUDE

    eventid = fields.String()
    voice = fields.Integer(metadata={"description": "1: only voiced nicks may speak (open_commands false)"})
    slots = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(PtgbotSlotSchema)),
                        metadata={"description": "day name (Monday...) -> its slots in order"})
    schedule = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)),
                           values=fields.Dict(keys=fields.String(), values=fields.String(allow_none=True)),
                           metadata={"description": "room name -> slot code -> track ('' = free to book)"})
    tracks = fields.List(fields.String())
    links = fields.Dict(keys=fields.String(), values=fields.String())
    motd = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "array", "items": MOTD_ENTRY}, {**MOTD_ENTRY, "nullable": True}],
        "description": "[{level, message}] (or one such object); null or absent leaves the message of the day as it is"})
    now = fields.Dict(keys=fields.String(), values=fields.String())
    next = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    colors = fields.Dict(keys=fields.String(), values=fields.String())
    urls = fields.Dict(keys=fields.String(), values=fields.String())
    etherpads = fields.Dict(keys=fields.String(), values=fields.String())
    location = fields.Dict(keys=fields.String(), values=fields.String())

    @pre_load
    def _refuse_nul(self, data, **_kwargs):
        errors: dict = {}
        _refuse_nul_deep(data, "", errors)
        if errors:  # a rule over the whole document (keys too, which OpenAPI 3.0 cannot constrain): 422
            raise Problem(f"{NUL_MESSAGE}: {', '.join(sorted(errors))}", status=422, title="Unprocessable Content",
                          errors=errors)
        return data

    @pre_load
    def _motd_shape(self, data, **_kwargs):
        motd = data.get("motd") if isinstance(data, dict) else None
        entries = [motd] if isinstance(motd, dict) else motd
        if entries is not None and (not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("message", ""), str)
                and isinstance(e.get("level", ""), str) for e in entries)):
            raise ValidationError({"motd": ["expected [{level, message}]"]})
        return data


class CountsSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class PtgbotImportResultSchema(Schema):
    event = fields.String()
    changed = fields.Boolean(metadata={"description": "false when the import found everything as it was"})
    slots = fields.Nested(CountsSchema)
    rooms = fields.Nested(CountsSchema)
    tracks = fields.Nested(CountsSchema)
    sessions = fields.Nested(CountsSchema)
    links = fields.Nested(CountsSchema)
    motd_changed = fields.Boolean()
    event_changed = fields.Boolean()
    statuses_changed = fields.Integer()
    warnings = fields.List(fields.String())


# Nested schemas before the ones holding them (apispec names a nested schema when it first meets it).
SCHEMAS = {
    "TrackStatus": StatusSchema, "StatusText": StatusTextSchema, "TrackLocation": LocationSchema,
    "Booking": BookingSchema, "FreeSlot": FreeSlotSchema, "FreeSlotPage": FreeSlotPage,
    "MotdEntry": MotdEntrySchema, "MotdList": MotdListSchema, "MotdNew": MotdNewSchema, "MotdOrder": MotdOrderSchema,
    "BoardTrack": BoardTrackSchema, "BoardRoom": BoardRoomSchema, "Board": BoardSchema,
    "PtgbotCommand": PtgbotCommandSchema, "PtgbotReply": PtgbotReplySchema,
    "PtgbotImportSlot": PtgbotSlotSchema, "PtgbotDocument": PtgbotDocumentSchema,
    "ImportCounts": CountsSchema, "PtgbotImportResult": PtgbotImportResultSchema,
}

# Event types the live side publishes -> the schema of their ``data``. Types the core already
# documents keep the core's entry (the same resource, the same shape).
_PUBLISHED = {
    "ptghub.schedule.status.changed": StatusSchema,
    "ptghub.schedule.motd.changed": MotdListSchema,
    "ptghub.schedule.session.scheduled": SessionSchema,
    "ptghub.schedule.session.updated": SessionSchema,
    "ptghub.schedule.session.cancelled": SessionSchema,
    "ptghub.schedule.session.started": SessionSchema,
    "ptghub.schedule.track.created": TrackSchema,
    "ptghub.schedule.track.updated": TrackSchema,
    "ptghub.schedule.track.deleted": TrackSchema,
    "ptghub.schedule.room.created": RoomSchema,
    "ptghub.schedule.room.updated": RoomSchema,
    "ptghub.schedule.event.updated": EventSchema,
    "ptghub.schedule.slot.changed": core.SlotGridSchema,
    "ptghub.schedule.link.changed": core.LinkListSchema,
    "ptghub.schedule.note.line": NoteLineSchema,
}
EVENTS = {event_type: schema for event_type, schema in _PUBLISHED.items() if event_type not in core.EVENTS}
