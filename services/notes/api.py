"""Notes API: each session's note (ETag/If-Match and revisions) and the track and event summaries built from them.

Each route loads the request with a schema, calls one operation (:mod:`.operations`, the summaries'
in :mod:`.summaries`) and dumps its result with a schema.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import domain, operations, summaries
from .schemas import (NoteRevisionSchema, NoteSchema, PublishedSummarySchema, SummaryQuery, SummaryRequestSchema,
                      SummarySchema)

blueprint = Blueprint("notes", __name__)

note_schema, revision_schema, summary_schema = NoteSchema(), NoteRevisionSchema(), SummarySchema()
published_schema = PublishedSummarySchema()


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
    """Publish a track's summary (its sessions' notes in schedule order, then the track's note) for its list.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: SummaryRequest}}
      responses:
        202: {description: 'published (mailing follows): the summary and its three renderings', content: {application/json: {schema: PublishedSummary}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown track, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the schedule deleted the track (the problem names `track`), or nothing changed since the last published summary (it names `summary`; send `force`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: the track has no sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _publish(event, track)


@blueprint.get("/summaries/<summary_id>")
def get_summary(summary_id: str):
    """One published summary, as it was sent (its plain text).
    ---
    get:
      parameters:
      - {in: path, name: summary_id, required: true, schema: {type: string}}
      responses:
        200: {description: the summary, content: {application/json: {schema: Summary}}}
        404: {description: unknown summary, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(summary_schema.dump(summaries.get_summary(uow, summary_id)))


# -- summary previews and the event's summary ---------------------------------------------------
@blueprint.get("/events/<event>/tracks/<track>/summary")
def preview_track_summary(event: str, track: str):
    """A track's summary as it would be published now, in plain text, Markdown or HTML.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - in: query
        schema: SummaryQuery
      responses:
        200:
          description: the summary as it would be published now (an update if one was published before)
          content:
            text/plain: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
            text/html: {schema: {type: string}}
        400: {description: invalid format or suggested, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown track, content: {application/problem+json: {schema: Problem}}}
        409: {description: the schedule deleted the track, content: {application/problem+json: {schema: Problem}}}
        422: {description: the track has no sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _preview(event, track)


@blueprint.get("/events/<event>/summary")
def preview_event_summary(event: str):
    """The event's summary (every track's) as it would be published now, in plain text, Markdown or HTML.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SummaryQuery
      responses:
        200:
          description: the summary as it would be published now (an update if one was published before)
          content:
            text/plain: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
            text/html: {schema: {type: string}}
        400: {description: invalid format or suggested, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        422: {description: no track of the event has sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _preview(event, None)


@blueprint.post("/events/<event>/summary/publish")
def publish_event_summary(event: str):
    """Publish the event's summary: every track's, one after another (organisers only).
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: SummaryRequest}}
      responses:
        202: {description: 'published (mailing follows): the summary and its three renderings', content: {application/json: {schema: PublishedSummary}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'nothing changed since the last published summary (the problem names `summary`; send `force`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: no track of the event has sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _publish(event, None)


def _preview(event: str, track: str | None):
    query = load_query(SummaryQuery())
    with unit_of_work() as uow:
        preview = summaries.preview_summary(
            uow, summaries.PreviewRequest(event, track, query["format"], query["suggested"]))
    return Response(preview.body, status=200, content_type=preview.media_type)


def _publish(event: str, track: str | None):
    data = load(SummaryRequestSchema(), None if request.get_data() else {})
    summary_request = summaries.SummaryRequest(event, track, data.get("title"), data["force"])
    with unit_of_work() as uow:
        published = summaries.publish_summary(uow, principal(), summary_request)
        uow.commit()
    return json_response(published_schema.dump(published), 202, {"Location": f"/summaries/{published.row.id}"})
