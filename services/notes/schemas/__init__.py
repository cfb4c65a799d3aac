"""Notes request, response and event schemas: the one source of the OpenAPI and AsyncAPI documents.

One module per feature area; this package only merges their registries (``SCHEMAS``: named
components of openapi/notes.yaml, ``EVENTS``: event type -> data schema for openapi/asyncapi.yaml).
:mod:`.schedule_events` holds what notes reads from the schedule's events.
"""
from . import free_notes, items, notes, search, summaries, track_notes

SCHEMAS = {**notes.SCHEMAS, **free_notes.SCHEMAS, **items.SCHEMAS, **summaries.SCHEMAS, **search.SCHEMAS,
           **track_notes.SCHEMAS}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.notes.note.updated": notes.NoteSchema,
    "ptghub.notes.note.items.changed": items.ItemsChangedSchema,
    "ptghub.notes.note.deleted": notes.NoteSchema,
    "ptghub.notes.summary.published": summaries.PublishedSummarySchema,
}
