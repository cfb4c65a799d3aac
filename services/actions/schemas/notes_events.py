"""The notes service's events as actions reads them: tolerant readers (fields added later are ignored).

``ptghub.notes.note.items.changed`` carries the note (``id``, ``kind``, ``session_id``, ``event``,
``track``), its ``revision``, and the items ``added``, ``changed`` (as they are now) and ``removed``
(as they were). Only what actions uses is read; a link's ``url`` and the like are left out.
"""
from __future__ import annotations

from datetime import datetime

from marshmallow import fields

from services.kit.cloudevents import CloudEvent
from services.kit.copies import TolerantSchema

from ..domain.note_items import CONFIRMED, ItemsChanged, NoteItem, NoteRef

ITEMS_CHANGED = "ptghub.notes.note.items.changed"


class NoteRefSchema(TolerantSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    session_id = fields.String(load_default=None, allow_none=True)
    event = fields.String(load_default=None, allow_none=True)
    track = fields.String(load_default=None, allow_none=True)


class NoteItemSchema(TolerantSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    text = fields.String(load_default="", allow_none=True)
    owners = fields.List(fields.String(), load_default=list, allow_none=True)
    due = fields.Date(load_default=None, allow_none=True)
    suggested = fields.Boolean(load_default=False)
    state = fields.String(load_default=CONFIRMED)
    line = fields.Integer(load_default=None, allow_none=True)
    source = fields.String(load_default=None, allow_none=True)


class ItemsChangedSchema(TolerantSchema):
    note = fields.Nested(NoteRefSchema, required=True)
    revision = fields.Integer(required=True)
    added = fields.List(fields.Nested(NoteItemSchema), load_default=list)
    changed = fields.List(fields.Nested(NoteItemSchema), load_default=list)
    removed = fields.List(fields.Nested(NoteItemSchema), load_default=list)


def items_changed(cloud_event: CloudEvent) -> ItemsChanged:
    """The command a ``note.items.changed`` event is (a marshmallow ``ValidationError`` for data it cannot read: the event goes, after its retries, to the dead-letter queue)."""
    data = ItemsChangedSchema().load(cloud_event.data)
    return ItemsChanged(note=NoteRef(**data["note"]), revision=data["revision"], at=_aware_time(cloud_event.time),
                        added=_items(data["added"]), changed=_items(data["changed"]),
                        removed=_items(data["removed"]))


def _items(rows: list[dict]) -> tuple[NoteItem, ...]:
    return tuple(NoteItem(**{**row, "text": row["text"] or "", "owners": tuple(row["owners"] or ())}) for row in rows)


def _aware_time(text: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
