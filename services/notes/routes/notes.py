"""The notes API's blueprint ``notes`` and a note's own routes: a session's, a track's and an event's
free notes, through the same routes (:mod:`.shapes`): read, replaced, a line appended. The per-note
routes of :mod:`.revisions` and :mod:`.items` are registered here with them; :mod:`.free_notes`,
:mod:`.summaries` and :mod:`.search` add theirs to the same blueprint, so every endpoint stays
``notes.<view>`` (the operationId ``notes.notes.<view>`` at the gateway).

Each route loads the request with a schema, calls one operation (:mod:`..operations.notes`) and
dumps its result with a schema.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from services.kit.web import json_response, load, load_query, principal, unit_of_work

from .. import domain
from ..domain import NoteKey
from ..operations import notes
from ..schemas.notes import LineSchema, NoteQuerySchema, NoteSchema
from . import items, revisions, shapes

blueprint = Blueprint("notes", __name__)
note_schema = NoteSchema()


def get_note(key: NoteKey):
    """A note: JSON, or its body rendered (``format=html``, sanitised) or as written (``format=markdown``).
    Its ETag is the revision, for ``If-Match`` on the next edit.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: NoteQuerySchema
      responses:
        200:
          description: the note (a track's before its first save is empty, at revision 0)
          headers: {ETag: {description: 'the quoted revision, e.g. "3"', schema: {type: string}}}
          content:
            application/json: {schema: Note}
            text/html: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
        400: {description: invalid format, content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(NoteQuerySchema())
    with unit_of_work() as uow:
        shown = notes.show_note(uow, key, query["format"])
        headers = {"ETag": domain.etag(shown.note.revision)}
        if shown.text is None:
            return json_response(note_schema.dump(shown.note), headers=headers)
        return Response(shown.text, mimetype=shown.media_type, headers=headers)


def put_note(key: NoteKey):
    """Replace a note's text; the edit names the revision it was made on. The items are drawn out again.
    ---
    put:
      parameters:
      %(parameters)s
      - {in: header, name: If-Match, required: false, schema: {type: string},
         description: 'the ETag the edit was made on; refused with 412 when the note has moved on'}
      requestBody:
        required: true
        content: {application/json: {schema: Note}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
        412: {description: If-Match does not match the current ETag, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(note_schema)
    edit = notes.NoteEdit(key, data["body"], data["revision"], request.headers.get("If-Match"))
    with unit_of_work() as uow:
        note = notes.edit_note(uow, principal(), edit)
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


def append_line(key: NoteKey):
    """Append a line (bots, chat relays): never a conflict; two at once are both kept.
    ---
    post:
      parameters:
      %(parameters)s
      requestBody:
        required: true
        content: {application/json: {schema: NoteLine}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
    """
    data = load(LineSchema())
    with unit_of_work() as uow:
        note = notes.append_line(uow, principal(), notes.LineAppend(key, data["text"], data["nick"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


# (view, the path after the shape's prefix, method), registered for each shape in this order
ROUTES = ((get_note, "", "GET"), (put_note, "", "PUT"), (append_line, "/lines", "POST"))
shapes.register(blueprint, ROUTES + revisions.ROUTES + items.ROUTES)
