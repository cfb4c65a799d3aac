"""Schemas of the gathering's resources: events, rooms, tracks, slots, links and sessions."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, pre_dump, validate, validates_schema

from services.kit.problems import Invalid
from services.kit.schemas import NOT_SPACE, PageQuery, StrictSchema, page_schema

from .. import domain

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="lowercase letters, digits, - and _ only (at most 64)")
SLOT_CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
                            error="letters, digits, - and _ only (at most 32), e.g. MonA1")
CLOCK = validate.Regexp(domain.CLOCK.pattern, error="a local time HH:MM, 00:00 to 23:59")
# Spaces and controls named outright where regex dialects disagree on \s (the pattern is also the document's).
NICK = validate.Regexp(rf"^{NOT_SPACE}{{1,64}}$", error="a chat nick: no spaces or control characters, at most 64")
# Dates far from now are typos; the last day also keeps date arithmetic (the day after) in range.
DATES = validate.Range(min=date(1900, 1, 1), max=date(2999, 12, 31), error="must be between 1900 and 2999")
ONE_LINE = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="one line: no CR, LF or other control characters")
INSTANTS = validate.Range(min=datetime(1900, 1, 1, tzinfo=UTC), max=datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC),
                          error="must be between 1900 and 2999")
# Every name zoneinfo knows (the document lists them: a name outside the list is refused).
TIMEZONE = validate.OneOf(sorted(domain.known_timezones()), error="unknown IANA timezone {input!r}")
COLOUR = validate.Regexp(r"^#?[0-9A-Za-z]{1,31}$", error="a colour name or #rrggbb")


def _url(**kwargs) -> fields.Url:
    return fields.Url(schemes={"http", "https"}, require_tld=False, load_default=None, allow_none=True,
                      validate=validate.Length(max=2000), **kwargs)


class EventSchema(StrictSchema):
    id = fields.String(dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, validate=TIMEZONE, metadata={"description": "IANA timezone, e.g. America/Denver"})
    start_date = fields.Date(required=True, validate=DATES)
    end_date = fields.Date(required=True, validate=DATES)
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    virtual = fields.Boolean(load_default=False)
    open_commands = fields.Boolean(load_default=False, metadata={
        "description": "ptgbot's voice setting: when true anyone may give the bot commands, "
                       "not only the tracks' chairs and the organisers"})
    organisers = fields.List(fields.String(validate=NICK), load_default=list,
                             validate=validate.Length(max=200),
                             metadata={"description": "the organisers' chat nicks (ptgbot admins)"})
    mailing_list = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320), metadata={
        "description": "where the event's summaries are mailed; unset: to each of its tracks' lists"})
    subject_tag = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=64), ONE_LINE],
                                metadata={"description": "subject tag of the event's summaries, e.g. ptg for [ptg]"})
    mail_from = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=320), validate.Regexp(
        domain.SENDER_PATTERN, error="one address, `user@host` or `Name <user@host>`, on one line")], metadata={
        "description": "sender of the event's summaries, `Name <user@host>` or `user@host`; unset: notify's own"})
    version = fields.Integer(dump_only=True, metadata={
        "description": "grows with every change to anything of the event (exports derive their ETag from it)"})
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class RoomSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.Function(lambda room: room.event.slug, dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100000))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    video_url = _url(metadata={"description": "the room's video conference, for virtual or hybrid events"})
    cap_icon = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                             metadata={"description": "capability icon (ptgbot cap_icon), e.g. facetime-video"})
    cap_desc = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300),
                             metadata={"description": "capability description, e.g. Videoprojection available"})
    bookable = fields.Boolean(load_default=False, metadata={"description": "chairs may book its free slots"})
    offered_slots = fields.List(fields.String(validate=SLOT_CODE), load_default=None, allow_none=True,
                                metadata={"description": "the slot codes the room offers; null means every slot"})


class ChairSchema(StrictSchema):
    nick = fields.String(required=True, validate=NICK)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320))


class TrackSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.Function(lambda track: track.event.slug, dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    mailing_list = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320),
                                metadata={"description": "where the track's summaries are mailed"})
    subject_tag = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=64), ONE_LINE],
                                metadata={"description": "mail subject tag, e.g. kolla for [kolla]"})
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    chairs = fields.List(fields.Nested(ChairSchema), load_default=list, validate=validate.Length(max=50))
    colour = fields.String(load_default=None, allow_none=True, validate=COLOUR)
    meeting_url = _url(metadata={"description": "the track's video meeting"})
    notes_url = _url(metadata={"description": "the track's etherpad or notes"})
    now = fields.String(dump_only=True, allow_none=True, metadata={"description": "live status (read-only here)"})
    next = fields.List(fields.String(), dump_only=True, metadata={"description": "live status (read-only here)"})
    location = fields.String(dump_only=True, allow_none=True, metadata={"description": "live status (read-only here)"})
    status_updated_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class SlotSchema(StrictSchema):
    code = fields.String(required=True, validate=SLOT_CODE, metadata={"description": "e.g. MonA1"})
    day = fields.Date(required=True, metadata={"description": "a day of the event"})
    start = fields.String(required=True, validate=CLOCK, metadata={"description": "local time, e.g. 09:00"})
    end = fields.String(required=True, validate=CLOCK, metadata={"description": "local time, e.g. 10:45"})
    start_at = fields.AwareDateTime(dump_only=True, metadata={"description": "RFC 3339 in the event's timezone"})
    end_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, row, **_kwargs):
        if isinstance(row, dict):
            return row
        zone = ZoneInfo(row.event.timezone)
        start, end = row.start.astimezone(zone), row.end.astimezone(zone)
        return {"code": row.code, "day": start.date(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
                "start_at": start, "end_at": end}


class SlotGridSchema(StrictSchema):
    """An event's whole slot grid: the body of ``PUT /events/{event}/slots`` and of ``slot.changed``."""

    event = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    slots = fields.List(fields.Nested(SlotSchema), required=True, validate=validate.Length(max=2000))


class SlotQuery(PageQuery):
    day = fields.Date(validate=DATES, metadata={"description": "a day of the event"})


class LinkSchema(StrictSchema):
    id = fields.String(dump_only=True)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000))
    position = fields.Integer(validate=validate.Range(min=0, max=100000), metadata={
        "description": "0 is first; on create the link goes last unless given"})


class LinkListSchema(Schema):
    """An event's useful links, in order: the data of ``link.changed``."""

    event = fields.String(required=True)
    links = fields.List(fields.Nested(LinkSchema), required=True)


class SessionSchema(StrictSchema):
    id = fields.String(dump_only=True)
    event = fields.String(dump_only=True)
    track = fields.String(required=True, validate=SLUG)
    room = fields.String(required=True, validate=SLUG)
    start = fields.AwareDateTime(metadata={
        "description": "RFC 3339 with offset; shown in the event's timezone. Give start and end, or slots"})
    end = fields.AwareDateTime()
    slots = fields.List(fields.String(validate=SLOT_CODE), validate=validate.Length(max=50), metadata={
        "description": "consecutive slot codes of the grid (e.g. [MonA1, MonA2]) instead of start and end"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    kind = fields.String(load_default="work_session", validate=validate.OneOf(domain.KINDS))
    moderators = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                             validate=validate.Length(max=50))
    video_url = _url()
    allow_conflict = fields.Boolean(load_default=False, metadata={
        "description": "accept a clash of its track or a moderator with another session (organisers only)"})
    status = fields.String(validate=validate.OneOf(domain.STATUSES), metadata={
        "description": "scheduled or cancelled; a session is created scheduled"})
    booked = fields.Boolean(dump_only=True, metadata={"description": "booked by a chair (ptgbot book)"})
    sequence = fields.Integer(dump_only=True, metadata={
        "description": "grows when time, room, status or title change (iCalendar SEQUENCE)"})
    timezone = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)

    @validates_schema
    def _times_or_slots(self, data, partial=None, **_kwargs) -> None:
        # a rule across fields (the document says it in the fields' descriptions): 422, naming the field
        has_times = "start" in data or "end" in data
        if data.get("slots"):
            if has_times:
                raise Invalid("slots", "give either start and end or slots, not both")
            return
        if partial:
            return
        for name in ("start", "end"):
            if name not in data:
                raise Invalid(name, "give start and end, or slots")

    @pre_dump
    def _present(self, row, **_kwargs):
        if isinstance(row, dict):
            return row
        zone = ZoneInfo(row.event.timezone)
        return {
            "id": row.id, "event": row.event.slug, "track": row.track.slug, "room": row.room.slug,
            "start": row.start.astimezone(zone), "end": row.end.astimezone(zone), "slots": list(row.slot_codes or []),
            "title": row.title, "description": row.description, "kind": row.kind,
            "moderators": list(row.moderators or []), "video_url": row.video_url,
            "allow_conflict": bool(row.allow_conflict), "status": row.status, "booked": bool(row.booked),
            "sequence": row.sequence or 0, "timezone": row.event.timezone,
            "created_at": row.created_at, "updated_at": row.updated_at,
        }


class SessionQuery(PageQuery):
    track = fields.String()
    room = fields.String()
    day = fields.Date(validate=DATES, metadata={"description": "a day of the event, in the event's timezone"})
    kind = fields.String(validate=validate.OneOf(domain.KINDS))
    status = fields.String(validate=validate.OneOf(domain.STATUSES))


class DeleteQuery(StrictSchema):
    cascade = fields.Boolean(load_default=False, metadata={
        "description": "also delete what it holds (sessions; for an event everything); else 409 when not empty"})


class ConflictSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(["track", "moderator", "room"]))
    track = fields.String(allow_none=True, metadata={"description": "the track in two rooms at once"})
    room = fields.String(allow_none=True, metadata={"description": "the room holding two sessions at once"})
    moderator = fields.String(allow_none=True, metadata={"description": "the moderator in two places at once"})
    accepted = fields.Boolean(required=True, metadata={"description": "one of the sessions has allow_conflict"})
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


class ConflictListSchema(Schema):
    items = fields.List(fields.Nested(ConflictSchema), required=True)


EventPage = page_schema(EventSchema, "EventPage")
RoomPage = page_schema(RoomSchema, "RoomPage")
TrackPage = page_schema(TrackSchema, "TrackPage")
SessionPage = page_schema(SessionSchema, "SessionPage")
SlotPage = page_schema(SlotSchema, "SlotPage")
LinkPage = page_schema(LinkSchema, "LinkPage")

# A PATCH sends only the fields it changes: the same schemas, nothing required, slugs fixed.
EventChanges = EventSchema(partial=True, exclude=("slug",))
RoomChanges = RoomSchema(partial=True, exclude=("slug",))
TrackChanges = TrackSchema(partial=True, exclude=("slug",))
LinkChanges = LinkSchema(partial=True)
SessionChanges = SessionSchema(partial=True)

SCHEMAS = {
    "Event": EventSchema, "Room": RoomSchema, "Chair": ChairSchema, "Track": TrackSchema, "Slot": SlotSchema,
    "SlotGrid": SlotGridSchema, "Link": LinkSchema, "LinkList": LinkListSchema, "Session": SessionSchema,
    "Conflict": ConflictSchema, "ConflictList": ConflictListSchema,
    "EventPage": EventPage, "RoomPage": RoomPage, "TrackPage": TrackPage, "SessionPage": SessionPage,
    "SlotPage": SlotPage, "LinkPage": LinkPage,
    "EventChanges": EventChanges, "RoomChanges": RoomChanges, "TrackChanges": TrackChanges,
    "LinkChanges": LinkChanges, "SessionChanges": SessionChanges,
}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.schedule.event.created": EventSchema,
    "ptghub.schedule.event.updated": EventSchema,
    "ptghub.schedule.event.deleted": EventSchema,
    "ptghub.schedule.room.created": RoomSchema,
    "ptghub.schedule.room.updated": RoomSchema,
    "ptghub.schedule.room.deleted": RoomSchema,
    "ptghub.schedule.track.created": TrackSchema,
    "ptghub.schedule.track.updated": TrackSchema,
    "ptghub.schedule.track.deleted": TrackSchema,
    "ptghub.schedule.slot.changed": SlotGridSchema,
    "ptghub.schedule.link.changed": LinkListSchema,
    "ptghub.schedule.session.scheduled": SessionSchema,
    "ptghub.schedule.session.updated": SessionSchema,
    "ptghub.schedule.session.cancelled": SessionSchema,
    "ptghub.schedule.session.deleted": SessionSchema,
    "ptghub.schedule.session.started": SessionSchema,
    "ptghub.schedule.session.ended": SessionSchema,
}
