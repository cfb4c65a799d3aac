"""A track's and the event's summaries: previewed, published, a published one read. On the ``notes``
blueprint.

Each route loads the request with a schema, calls one operation (:mod:`..operations.summaries`) and
dumps its result with a schema.
"""
from __future__ import annotations

from flask import Response, request

from services.kit.web import json_response, load, load_query, principal, unit_of_work

from ..operations import summaries
from ..schemas.summaries import PublishedSummarySchema, SummaryQuery, SummaryRequestSchema, SummarySchema
from .notes import blueprint

summary_schema, published_schema = SummarySchema(), PublishedSummarySchema()


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
    """The event's summary (every track's, then its free notes) as it would be published now, in plain text, Markdown or HTML.
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
        422: {description: 'nothing to summarise: no track of the event has sessions and no free note was saved', content: {application/problem+json: {schema: Problem}}}
    """
    return _preview(event, None)


@blueprint.post("/events/<event>/summary/publish")
def publish_event_summary(event: str):
    """Publish the event's summary: every track's, one after another, then its free notes (organisers only).
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
        422: {description: 'nothing to summarise: no track of the event has sessions and no free note was saved', content: {application/problem+json: {schema: Problem}}}
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
