"""The output of ``GET /events/{event}/tracks/{track}/notes``: a track's notes at a glance."""
from __future__ import annotations

from marshmallow import Schema, fields, pre_dump

from .. import domain
from .notes import note_url


class NoteGlanceSchema(Schema):
    """One note: where it is, how far it got, what it holds."""

    session_id = fields.String(allow_none=True, metadata={"description": "the session's id; null for the track's note"})
    title = fields.String(allow_none=True)
    status = fields.String(allow_none=True, metadata={
        "description": "the session's status as notes has it (scheduled, cancelled, deleted); null for the track's note"})
    url = fields.String(metadata={"description": "the note, under /api/v1"})
    revision = fields.Integer(metadata={"description": "0: never saved"})
    updated_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when its text last changed; null if never saved"})
    item_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "its items by kind (action, decision, ...), dismissed ones left out"})

    @pre_dump
    def _from_glance(self, glance, **_kwargs):
        note = glance.note
        return {"session_id": note.id if note.kind == domain.SESSION else None, "title": note.title,
                "status": note.status, "url": note_url(note), "revision": note.revision,
                "updated_at": note.updated_at if note.revision else None, "item_counts": glance.item_counts}


class LatestSummarySchema(Schema):
    id = fields.String()
    title = fields.String(metadata={"description": "the mail's subject"})
    url = fields.String(metadata={"description": "the summary as sent, under /api/v1"})
    published_at = fields.AwareDateTime()

    @pre_dump
    def _from_summary(self, summary, **_kwargs):
        return {"id": summary.id, "title": summary.title, "url": f"/api/v1/summaries/{summary.id}",
                "published_at": summary.created_at}


class TrackNotesSchema(Schema):
    event = fields.String()
    track = fields.String()
    sessions = fields.List(fields.Nested(NoteGlanceSchema), metadata={
        "description": "every session note of the track, in schedule order"})
    track_note = fields.Nested(NoteGlanceSchema, allow_none=True, metadata={
        "description": "the track's own note; null until first saved"})
    latest_summary = fields.Nested(LatestSummarySchema, allow_none=True, metadata={
        "description": "the last summary published for the track; null before the first"})


SCHEMAS = {"NoteGlance": NoteGlanceSchema, "LatestSummary": LatestSummarySchema, "TrackNotes": TrackNotesSchema}
