"""Notes request and response schemas: the one source of the OpenAPI and AsyncAPI documents."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, post_dump, pre_dump, validate, validates

from services.kit.copies import TolerantSchema
from services.kit.schemas import StrictSchema, page_schema

from . import domain, extraction
from .summary import FORMATS, INCLUDE
from .summary.model import SUGGESTED_POLICIES

STATUSES = validate.OneOf([domain.SCHEDULED, domain.CANCELLED, domain.DELETED])


KINDS = validate.OneOf(list(domain.KINDS))



class NoteSchema(StrictSchema):
    id = fields.String(dump_only=True, metadata={"description": "the note's id (a session note's: the session's)"})
    kind = fields.String(dump_only=True, validate=KINDS, metadata={
        "description": "`session` (a session's note), `track` (the pad a track keeps all week) or `event` "
                       "(one of the event's free notes)"})
    session_id = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "null for a track note and a free note"})
    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True, allow_none=True, metadata={"description": "null for a free note"})
    slug = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "a free note's slug (null for a session's or a track's note)"})
    room = fields.String(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the session's title, or a free note's (null for a track note)"})
    start = fields.AwareDateTime(dump_only=True, allow_none=True,
                                 metadata={"description": "RFC 3339, in the event's timezone"})
    end = fields.AwareDateTime(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, allow_none=True, validate=STATUSES, metadata={
        "description": "the session's status (null for a track note); a free note's is null, or `deleted`"})
    timezone = fields.String(dump_only=True)
    body = fields.String(required=True, metadata={
        "description": f"markdown (a pad's plain-text export is fine), at most {domain.MAX_BODY_BYTES} bytes of "
                       "UTF-8 (1 MiB): larger is 413"})
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0), metadata={
        "description": "the note's revision; on PUT, the revision the edit was made on (the current one)"})
    updated_at = fields.AwareDateTime(dump_only=True, metadata={"description": "when the body last changed"})

    @pre_dump
    def _present(self, note, **_kwargs):
        if isinstance(note, dict):
            return note
        zone = ZoneInfo(note.timezone)
        return {
            "id": note.id, "kind": note.kind, "session_id": note.session_id, "event": note.event,
            "track": note.track_slug, "slug": note.slug, "room": note.room, "title": note.title,
            "start": note.start.astimezone(zone) if note.start else None,
            "end": note.end.astimezone(zone) if note.end else None,
            "status": note.status, "timezone": note.timezone, "body": note.body, "revision": note.revision,
            "updated_at": note.updated_at,
        }


class FreeNoteCreateSchema(StrictSchema):
    slug = fields.String(required=True, metadata={
        "description": f"names the note in its path: {domain.SLUG_RULE} (else 422), unique in the event"})
    title = fields.String(required=True, metadata={"description": f"at most {domain.MAX_TITLE} characters"})
    body = fields.String(load_default=None, metadata={
        "description": "the first revision's markdown (as a PUT's `body`); without it the note starts empty, "
                       "at revision 0"})


class FreeNoteTitleSchema(StrictSchema):
    title = fields.String(required=True, metadata={"description": f"at most {domain.MAX_TITLE} characters"})


class FreeNoteSchema(Schema):
    """One of an event's free notes as the event's list shows it."""

    id = fields.String(dump_only=True)
    event = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    revision = fields.Integer(dump_only=True, metadata={"description": "0 until its first save"})
    updated_at = fields.AwareDateTime(dump_only=True, metadata={"description": "when the body last changed"})
    author = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "who saved the current revision (null at revision 0)"})
    url = fields.String(dump_only=True, metadata={"description": "the note's path under /api/v1"})

    @pre_dump
    def _present(self, entry, **_kwargs):
        if isinstance(entry, dict):
            return entry
        note = entry.note
        return {"id": note.id, "event": note.event, "slug": note.slug, "title": note.title,
                "revision": note.revision, "updated_at": note.updated_at, "author": entry.author,
                "url": note_url(note)}


def note_url(note) -> str:
    """A note's path under /api/v1, whatever its kind."""
    if note.kind == domain.SESSION:
        return f"/api/v1/sessions/{note.id}/note"
    if note.kind == domain.EVENT:
        return f"/api/v1/events/{note.event}/notes/{note.slug}"
    return f"/api/v1/events/{note.event}/tracks/{note.track}/note"


class NoteQuerySchema(StrictSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "html", "markdown"]), metadata={
        "description": "`json` (the note), `html` (the body rendered, sanitised), `markdown` (the body as is)"})


class NoteRevisionSchema(StrictSchema):
    note_id = fields.String(dump_only=True)
    session_id = fields.String(dump_only=True, allow_none=True, metadata={"description": "null for a track note's"})
    revision = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    author = fields.String(dump_only=True, metadata={
        "description": "the display name of the token that wrote it (or the nick a chat relay gave)"})
    created_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, revision, **_kwargs):
        if isinstance(revision, dict):
            return revision
        return {"note_id": revision.note_id, "session_id": revision.note.session_id, "revision": revision.revision,
                "body": revision.body, "author": revision.author, "created_at": revision.created_at}


class DiffQuerySchema(StrictSchema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1, max=2 ** 31 - 1),
                           metadata={"description": "the revision to diff from"})
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2 ** 31 - 1),
                        metadata={"description": "the revision to diff to"})


class RestoreSchema(StrictSchema):
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2 ** 31 - 1),
                              metadata={"description": "the revision whose body becomes the note's next revision"})


class LineSchema(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000), metadata={
        "description": "appended as the note's last line(s); never conflicts with other edits"})
    nick = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "relays only: the chat nick that said it (the revision's author)"})


class ItemSchema(StrictSchema):
    id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, validate=validate.OneOf(extraction.KINDS))
    text = fields.String(dump_only=True, metadata={"description": "the item as a reader would list it"})
    owners = fields.List(fields.String(), dump_only=True, metadata={"description": "nicks or e-mail addresses"})
    due = fields.Date(dump_only=True, allow_none=True)
    suggested = fields.Boolean(dump_only=True, metadata={
        "description": "drawn out of prose: a chair confirms or dismisses it"})
    state = fields.String(dump_only=True, validate=validate.OneOf(domain.STATES), metadata={
        "description": "`confirmed` for a marker item as written; `open` for a suggestion until a chair decides"})
    line = fields.Integer(dump_only=True, metadata={"description": "the 1-based line of the note it starts on"})
    url = fields.String(dump_only=True, metadata={"description": "links only"})
    source = fields.String(dump_only=True, metadata={"description": "the line or sentence it came from"})

    @pre_dump
    def _present(self, item, **_kwargs):
        if isinstance(item, dict):
            return item
        return {"id": item.id, "kind": item.kind, "text": item.text, "owners": list(item.owners or ()),
                "due": item.due, "suggested": item.suggested, "state": item.state, "line": item.line,
                "url": item.url, "source": item.source}

    @post_dump
    def _no_url(self, data, **_kwargs):
        if data.get("url") is None:
            data.pop("url", None)
        return data


class ItemListSchema(Schema):
    items = fields.List(fields.Nested(ItemSchema), required=True)


class NoteRefSchema(Schema):
    id = fields.String()
    kind = fields.String(validate=KINDS)
    session_id = fields.String(allow_none=True)
    event = fields.String()
    track = fields.String(allow_none=True, metadata={"description": "null for a free note"})
    slug = fields.String(allow_none=True, metadata={"description": "a free note's slug; null for the other kinds"})


class ItemsChangedSchema(Schema):
    """``ptghub.notes.note.items.changed``: what a save (or a confirm/dismiss) changed in a note's items."""

    note = fields.Nested(NoteRefSchema)
    revision = fields.Integer(metadata={"description": "the note's revision after the change"})
    added = fields.List(fields.Nested(ItemSchema))
    changed = fields.List(fields.Nested(ItemSchema), metadata={"description": "the items as they are now"})
    removed = fields.List(fields.Nested(ItemSchema), metadata={"description": "the items as they were"})


class SummaryRequestSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=300), metadata={
        "description": "the mail's subject (a track's `[tag]` is put in front when it lacks it); default "
                       "`[tag] <event name> summary` for a track, `<event name> summary` for the event"})
    force = fields.Boolean(load_default=False, metadata={
        "description": "publish even when nothing changed since the last published summary (else 409)"})


class SummaryQuery(StrictSchema):
    format = fields.String(load_default="text", validate=validate.OneOf(list(FORMATS)), metadata={
        "description": "text (what is mailed: 72 columns, numbered references), markdown or html"})
    suggested = fields.String(load_default=INCLUDE, validate=validate.OneOf(list(SUGGESTED_POLICIES)), metadata={
        "description": "items drawn from prose that no chair confirmed: listed (include, as published), "
                       "listed and marked `suggested` (mark) or left out of the sections (omit)"})


class SummarySessionSchema(StrictSchema):
    session_id = fields.String()
    track = fields.String()
    title = fields.String()
    start = fields.AwareDateTime(metadata={"description": "RFC 3339, in the event's timezone"})
    end = fields.AwareDateTime()


class SummarySchema(StrictSchema):
    id = fields.String(dump_only=True)
    scope = fields.String(dump_only=True, validate=validate.OneOf(["track", "event"]),
                          metadata={"description": "a track's summary or the whole event's"})
    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True, allow_none=True, metadata={"description": "null for an event's summary"})
    track_name = fields.String(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True, metadata={"description": "the mail's subject"})
    text = fields.String(dump_only=True, metadata={"description": "plain text, ready to mail"})
    sessions = fields.List(fields.Nested(SummarySessionSchema), dump_only=True,
                           metadata={"description": "the sessions summarised, by track and in schedule order"})
    published_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, summary, **_kwargs):
        if isinstance(summary, dict):
            return summary
        return _stored(summary)


class PublishedSummarySchema(SummarySchema):
    """A summary as published: what is kept (:class:`SummarySchema`) and the other renderings."""

    subject = fields.String(dump_only=True, metadata={"description": "the mail's subject (as `title`)"})
    event_name = fields.String(dump_only=True, metadata={"description": "the event's name, as the summary signs it"})
    tracks = fields.List(fields.String(), dump_only=True, metadata={"description": "the slugs of the tracks covered"})
    thread = fields.String(dump_only=True, metadata={
        "description": "the id of the first summary published for this track (or event): the mail thread"})
    update = fields.Boolean(dump_only=True, metadata={
        "description": "a summary was published for it before: this one replaces it (and says so)"})
    content_hash = fields.String(dump_only=True, metadata={
        "description": "`sha256:` of the plain text without the update notice"})
    markdown = fields.String(dump_only=True)
    html = fields.String(dump_only=True, metadata={"description": "a whole HTML document, links real"})

    @pre_dump
    def _present(self, published, **_kwargs):
        if isinstance(published, dict):
            return published
        return {**_stored(published.row), "subject": published.subject, "event_name": published.event_name,
                "tracks": list(published.tracks), "thread": published.thread, "update": published.update,
                "content_hash": published.content_hash, "markdown": published.markdown, "html": published.html}


def _stored(summary) -> dict:
    event_scope = summary.track == domain.EVENT_SCOPE
    return {
        "id": summary.id, "scope": "event" if event_scope else "track", "event": summary.event,
        "track": None if event_scope else summary.track, "track_name": None if event_scope else summary.track_name,
        "title": summary.title, "text": summary.text, "published_at": summary.created_at,
        "sessions": [{**s, "start": datetime.fromisoformat(s["start"]), "end": datetime.fromisoformat(s["end"])}
                     for s in summary.sessions],
    }


class SearchQuery(StrictSchema):
    q = fields.String(required=True, validate=validate.Length(max=500), metadata={
        "pattern": r"^[^\x00]*[^\W_][^\x00]*$",
        "description": "the words to find (all of them, English stemming), at most 500 characters; "
                       "empty or only punctuation is a 400"})
    track = fields.String(load_default=None, metadata={"description": "only this track's notes"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None)


class SearchNoteSchema(Schema):
    kind = fields.String(validate=KINDS)
    session_id = fields.String(allow_none=True, metadata={"description": "null for a track note and a free note"})
    event = fields.String()
    track = fields.String(allow_none=True, metadata={"description": "null for a free note"})
    slug = fields.String(allow_none=True, metadata={"description": "a free note's slug; null for the other kinds"})


class SearchSessionSchema(Schema):
    id = fields.String()
    title = fields.String(allow_none=True)
    start = fields.AwareDateTime(allow_none=True, metadata={"description": "RFC 3339, in the event's timezone"})


class SearchResultSchema(Schema):
    kind = fields.String(validate=validate.OneOf(["note", "item"]),
                         metadata={"description": "a note's text matched, or one of its items"})
    note = fields.Nested(SearchNoteSchema)
    session = fields.Nested(SearchSessionSchema, allow_none=True, metadata={
        "description": "null for a track note and a free note"})
    track = fields.String(allow_none=True, metadata={"description": "null for a free note"})
    snippet = fields.String(metadata={
        "description": "an excerpt as safe HTML: the text escaped, each match in `<mark>`...`</mark>`"})
    rank = fields.Float(metadata={"description": "higher is better (PostgreSQL ts_rank, SQLite -bm25)"})
    url = fields.String(metadata={"description": "the note's path under /api/v1"})
    item = fields.Nested(ItemSchema, allow_none=True, metadata={"description": "for an item's result"})

    @pre_dump
    def _present(self, result, **_kwargs):
        if isinstance(result, dict):
            return result
        note = result.note
        session = None
        if note.kind == domain.SESSION:
            start = note.start.astimezone(ZoneInfo(note.timezone)) if note.start else None
            session = {"id": note.id, "title": note.title, "start": start}
        return {"kind": "item" if result.item is not None else "note",
                "note": {"kind": note.kind, "session_id": note.session_id, "event": note.event,
                         "track": note.track_slug, "slug": note.slug},
                "session": session, "track": note.track_slug, "snippet": result.snippet, "rank": result.rank,
                "url": note_url(note), "item": result.item}


# -- what notes reads from the schedule's events ----------------------------------------------

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


NoteRevisionPage = page_schema(NoteRevisionSchema, "NoteRevisionPage")
FreeNotePage = page_schema(FreeNoteSchema, "FreeNotePage")
SearchPage = page_schema(SearchResultSchema, "SearchPage")

SCHEMAS = {
    "Note": NoteSchema, "NoteRevision": NoteRevisionSchema, "NoteRevisionPage": NoteRevisionPage,
    "Restore": RestoreSchema, "NoteLine": LineSchema,
    "FreeNote": FreeNoteSchema, "FreeNotePage": FreeNotePage, "FreeNoteCreate": FreeNoteCreateSchema,
    "FreeNoteTitle": FreeNoteTitleSchema,
    "Item": ItemSchema, "ItemList": ItemListSchema, "NoteRef": NoteRefSchema, "ItemsChanged": ItemsChangedSchema,
    "SummaryRequest": SummaryRequestSchema, "SummaryQuery": SummaryQuery, "SummarySession": SummarySessionSchema,
    "Summary": SummarySchema, "PublishedSummary": PublishedSummarySchema,
    "SearchQuery": SearchQuery, "SearchNote": SearchNoteSchema, "SearchSession": SearchSessionSchema,
    "SearchResult": SearchResultSchema, "SearchPage": SearchPage,
}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.notes.note.updated": NoteSchema,
    "ptghub.notes.note.items.changed": ItemsChangedSchema,
    "ptghub.notes.note.deleted": NoteSchema,
    "ptghub.notes.summary.published": PublishedSummarySchema,
}
