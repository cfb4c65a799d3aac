"""``GET /events/{event}/tracks/{track}/notes``: a track's notes at a glance (load, one operation, dump).
Its own blueprint, ``track_notes``."""
from __future__ import annotations

from flask import Blueprint

from services.kit.web import json_response, unit_of_work

from ..operations import track_notes
from ..schemas.track_notes import TrackNotesSchema

blueprint = Blueprint("track_notes", __name__)
schema = TrackNotesSchema()


@blueprint.get("/events/<event>/tracks/<track>/notes")
def list_track_notes(event: str, track: str):
    """A track's notes at a glance: each session note's link and item counts, the track note's, the latest summary.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the track's notes, content: {application/json: {schema: TrackNotes}}}
        404: {description: a track the schedule never announced, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(schema.dump(track_notes.track_notes(uow, event, track)))
