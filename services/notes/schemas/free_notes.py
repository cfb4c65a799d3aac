"""An event's free notes as a collection: one created, one retitled, the event's list."""
from __future__ import annotations

from marshmallow import Schema, fields, pre_dump

from services.kit.schemas import StrictSchema, page_schema

from .. import domain
from .notes import note_url


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


FreeNotePage = page_schema(FreeNoteSchema, "FreeNotePage")

SCHEMAS = {
    "FreeNote": FreeNoteSchema, "FreeNotePage": FreeNotePage, "FreeNoteCreate": FreeNoteCreateSchema,
    "FreeNoteTitle": FreeNoteTitleSchema,
}
