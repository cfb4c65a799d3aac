"""A note and its revisions: the note, its query, an appended line, a revision, a restore, a diff's query."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from marshmallow import fields, pre_dump, validate

from services.kit.schemas import StrictSchema, page_schema

from .. import domain

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


NoteRevisionPage = page_schema(NoteRevisionSchema, "NoteRevisionPage")

SCHEMAS = {
    "Note": NoteSchema, "NoteRevision": NoteRevisionSchema, "NoteRevisionPage": NoteRevisionPage,
    "Restore": RestoreSchema, "NoteLine": LineSchema,
}
