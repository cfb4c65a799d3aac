"""The items drawn out of a note, and the event saying what a save changed in them."""
from __future__ import annotations

from marshmallow import Schema, fields, post_dump, pre_dump, validate

from services.kit.schemas import StrictSchema

from .. import domain, extraction
from .notes import KINDS


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


SCHEMAS = {"Item": ItemSchema, "ItemList": ItemListSchema, "NoteRef": NoteRefSchema, "ItemsChanged": ItemsChangedSchema}
