"""An event's free notes as a collection: listed, created, retitled, deleted (each one's own routes
are a note's, :mod:`.notes`). On the ``notes`` blueprint.

Each route loads the request with a schema, calls one operation (:mod:`..operations.free_notes`) and
dumps its result with a schema.
"""
from __future__ import annotations

from flask import Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from .. import domain
from ..domain import NoteKey
from ..operations import free_notes
from ..schemas.free_notes import FreeNoteCreateSchema, FreeNoteSchema, FreeNoteTitleSchema
from ..schemas.notes import NoteSchema, note_url
from .notes import blueprint

note_schema, free_note_schema = NoteSchema(), FreeNoteSchema()


@blueprint.get("/events/<event>/notes")
def list_free_notes(event: str):
    """The event's free notes (deleted ones left out), by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: 'a page of free notes: slug, title, revision, when and by whom last saved', content: {application/json: {schema: FreeNotePage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        entries, cursor = free_notes.list_free_notes(uow, event, query["limit"], query["cursor"])
        return page(entries, free_note_schema, cursor)


@blueprint.post("/events/<event>/notes")
def create_free_note(event: str):
    """Create one of the event's free notes, named by a slug, with a title (and, optionally, its first text).
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: FreeNoteCreate}}
      responses:
        201:
          description: 'created: the note (revision 1 with a `body`, else 0); Location is its path'
          headers: {ETag: {description: 'the revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither an organiser nor a chair of a track of the event, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the event has a free note of that slug, a deleted one too (`errors.slug`), or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        413: {description: 'the body would be over 1 MiB (1048576 bytes of UTF-8); the problem gives `limit`', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a bad slug (lowercase letters, digits, - and _, as the schedule''s track slugs) or title (`errors.slug`, `errors.title`); a marker with no text in the body (`errors.body`, `lines`)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(FreeNoteCreateSchema())
    creation = free_notes.FreeNoteCreation(event, data["slug"], data["title"], data["body"])
    with unit_of_work() as uow:
        note = free_notes.create_free_note(uow, principal(), creation)
        uow.commit()
    return json_response(note_schema.dump(note), 201, {"ETag": domain.etag(note.revision),
                                                       "Location": note_url(note).removeprefix("/api/v1")})


@blueprint.patch("/events/<event>/notes/<slug>")
def retitle_free_note(event: str, slug: str):
    """Change a free note's title (organisers only); its body and revision are unchanged.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: slug, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: FreeNoteTitle}}
      responses:
        200: {description: the note, retitled, content: {application/json: {schema: Note}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the free note was deleted (`errors.slug`) or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'an empty title, or one over 300 characters (`errors.title`)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(FreeNoteTitleSchema())
    with unit_of_work() as uow:
        note = free_notes.retitle_free_note(uow, principal(), free_notes.Retitle(NoteKey.of_event(event, slug),
                                                                                 data["title"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


@blueprint.delete("/events/<event>/notes/<slug>")
def delete_free_note(event: str, slug: str):
    """Delete a free note (organisers only): it is kept, read only, with its revisions and items, out of
    the event's list, its summary and search; its slug stays taken.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: slug, required: true, schema: {type: string}}
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the free note was deleted already (`errors.slug`), or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        free_notes.delete_free_note(uow, principal(), NoteKey.of_event(event, slug))
        uow.commit()
    return Response(status=204)
