"""Notes API: each session's note (ETag/If-Match and revisions) and the track summaries built from them.

Each route loads the request with a schema, calls one operation (:mod:`.operations`) and dumps
its result with a schema.
"""
from __future__ import annotations

from flask import Blueprint, request

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import domain, operations
from .schemas import NoteRevisionSchema, NoteSchema, SummaryRequestSchema, SummarySchema

blueprint = Blueprint("notes", __name__)

note_schema, revision_schema, summary_schema = NoteSchema(), NoteRevisionSchema(), SummarySchema()


@blueprint.get("/sessions/<session_id>/note")
def get_note(session_id: str):
    """A session's note; its ETag is the revision, for ``If-Match`` on the next edit.
    ---
    get:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        200:
          description: the note
          headers: {ETag: {description: 'the quoted revision, e.g. "3"', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        404: {description: no note for that session, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        note = operations.get_note(uow, session_id)
        return json_response(note_schema.dump(note), headers={"ETag": domain.etag(note.revision)})


@blueprint.put("/sessions/<session_id>/note")
def put_note(session_id: str):
    """Replace a note's text; the edit names the revision it was made on.
    ---
    put:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
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
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: no note for that session, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'stale revision; the problem gives `current_revision`', content: {application/problem+json: {schema: Problem}}}
        412: {description: If-Match does not match the current ETag, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(note_schema)
    edit = operations.NoteEdit(session_id, data["body"], data["revision"], request.headers.get("If-Match"))
    with unit_of_work() as uow:
        note = operations.edit_note(uow, principal(), edit)
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


@blueprint.get("/sessions/<session_id>/note/revisions")
def list_revisions(session_id: str):
    """A note's revisions, newest first.
    ---
    get:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of revisions, content: {application/json: {schema: NoteRevisionPage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: no note for that session, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = operations.list_revisions(uow, session_id, query["limit"], query["cursor"])
        return page(items, revision_schema, cursor)


@blueprint.post("/events/<event>/tracks/<track>/summary/publish")
def publish_summary(event: str, track: str):
    """Publish a track's summary: its sessions' notes in start order, for the mailing list.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: SummaryRequest}}
      responses:
        202: {description: published (mailing follows), content: {application/json: {schema: Summary}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown track, content: {application/problem+json: {schema: Problem}}}
        409: {description: the schedule deleted the track, content: {application/problem+json: {schema: Problem}}}
        422: {description: the track has no sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(SummaryRequestSchema(), None if request.get_data() else {})
    summary_request = operations.SummaryRequest(event, track, data.get("title"))
    with unit_of_work() as uow:
        summary = operations.publish_summary(uow, principal(), summary_request)
        uow.commit()
    return json_response(summary_schema.dump(summary), 202, {"Location": f"/summaries/{summary.id}"})


@blueprint.get("/summaries/<summary_id>")
def get_summary(summary_id: str):
    """One published summary.
    ---
    get:
      parameters:
      - {in: path, name: summary_id, required: true, schema: {type: string}}
      responses:
        200: {description: the summary, content: {application/json: {schema: Summary}}}
        404: {description: unknown summary, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(summary_schema.dump(operations.get_summary(uow, summary_id)))
