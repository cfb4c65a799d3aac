"""Routes of an event's tracks: ``/events/{event}/tracks``."""
from __future__ import annotations

from flask import Blueprint, Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import tracks
from ..schemas.gathering import DeleteQuery, TrackChanges, TrackSchema

blueprint = Blueprint("tracks", __name__)

track_schema = TrackSchema()


@blueprint.post("/events/<event>/tracks")
def create_track(event: str):
    """Add a track (a project team) to an event. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Track}}
      responses:
        201: {description: created, content: {application/json: {schema: Track}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: a chair listed twice, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(track_schema)
    with unit_of_work() as uow:
        row = tracks.create_track(uow, principal(), event, data)
        uow.commit()
        return json_response(track_schema.dump(row), 201, {"Location": f"/events/{event}/tracks/{row.slug}"})


@blueprint.get("/events/<event>/tracks")
def list_tracks(event: str):
    """List an event's tracks, by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of tracks, content: {application/json: {schema: TrackPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = tracks.list_tracks(uow, event, query)
        return page(items, track_schema, cursor)


@blueprint.get("/events/<event>/tracks/<track>")
def get_track(event: str, track: str):
    """One track.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the track, content: {application/json: {schema: Track}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(track_schema.dump(tracks.get_track(uow, event, track)))


@blueprint.patch("/events/<event>/tracks/<track>")
def update_track(event: str, track: str):
    """Change some fields of a track (send only those; the slug stays; now/next/location are the live board's).

    Organisers change every field; a chair of the track its description, colour, meeting_url and notes_url.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: TrackChanges}}
      responses:
        200: {description: the track as it is now, content: {application/json: {schema: Track}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or a field only organisers change', content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        422: {description: a chair listed twice, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(TrackChanges)
    with unit_of_work() as uow:
        row = tracks.update_track(uow, principal(), event, track, changes)
        uow.commit()
        return json_response(track_schema.dump(row))


@blueprint.delete("/events/<event>/tracks/<track>")
def delete_track(event: str, track: str):
    """Delete a track. Organisers only; a track with sessions needs `cascade=true` (deletes them).
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        409: {description: the track has sessions and cascade is not set, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DeleteQuery())
    with unit_of_work() as uow:
        tracks.delete_track(uow, principal(), event, track, query["cascade"])
        uow.commit()
    return Response(status=204)
