"""A note's history, for every kind of note (:mod:`.shapes`): its revisions, one of them, a diff
between two, an earlier one restored. Registered on the ``notes`` blueprint by :mod:`.notes`."""
from __future__ import annotations

from flask import Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from .. import domain
from ..domain import NoteKey
from ..operations import notes
from ..schemas.notes import DiffQuerySchema, NoteRevisionSchema, NoteSchema, RestoreSchema

note_schema, revision_schema = NoteSchema(), NoteRevisionSchema()


def restore_note(key: NoteKey):
    """Save an earlier revision's body as the note's next revision.
    ---
    post:
      parameters:
      %(parameters)s
      requestBody:
        required: true
        content: {application/json: {schema: Restore}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
    """
    data = load(RestoreSchema())
    with unit_of_work() as uow:
        note = notes.restore(uow, principal(), notes.Restore(key, data["revision"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


def list_revisions(key: NoteKey):
    """A note's revisions, newest first.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of revisions, content: {application/json: {schema: NoteRevisionPage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = notes.list_revisions(uow, key, query["limit"], query["cursor"])
        return page(items, revision_schema, cursor)


def get_revision(key: NoteKey, revision: int):
    """One revision of a note.
    ---
    get:
      parameters:
      %(parameters)s
      - {in: path, name: revision, required: true, schema: {type: integer, minimum: 1}}
      responses:
        200: {description: the revision, content: {application/json: {schema: NoteRevision}}}
        404: {description: '%(unknown)s, or no such revision (`errors.revision`)', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(revision_schema.dump(notes.get_revision(uow, key, revision)))


def diff_note(key: NoteKey):
    """A unified diff between two revisions of a note.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: DiffQuerySchema
      responses:
        200: {description: 'the unified diff (difflib)', content: {text/x-diff: {schema: {type: string}}}}
        400: {description: '`from` or `to` missing or not a revision number', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such revision (`errors.from`, `errors.to`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DiffQuerySchema())
    with unit_of_work() as uow:
        text = notes.diff(uow, notes.Diff(key, query["from_"], query["to"]))
    return Response(text, mimetype="text/x-diff")


# (view, the path after the shape's prefix, method)
ROUTES = (
    (restore_note, "/restore", "POST"), (list_revisions, "/revisions", "GET"),
    (get_revision, "/revisions/<int:revision>", "GET"), (diff_note, "/diff", "GET"),
)
