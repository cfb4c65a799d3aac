"""Search: the query, and a result (a note or one of its items) with its snippet."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, pre_dump, validate

from services.kit.schemas import StrictSchema, page_schema

from .. import domain
from .items import ItemSchema
from .notes import KINDS, note_url


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


SearchPage = page_schema(SearchResultSchema, "SearchPage")

SCHEMAS = {
    "SearchQuery": SearchQuery, "SearchNote": SearchNoteSchema, "SearchSession": SearchSessionSchema,
    "SearchResult": SearchResultSchema, "SearchPage": SearchPage,
}
