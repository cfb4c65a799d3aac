"""A track's live status over HTTP (ptgbot's ``#TRACK now|next|clean|location``) and the new day
(``~newday``): load, call :mod:`..operations.live`, dump. Chairs write their own tracks' status,
organisers every track's; reads are public."""
from __future__ import annotations

from flask import Blueprint

from services.kit.auth import require_organiser, require_track_writer
from services.kit.db import utcnow
from services.kit.web import json_response, load, principal, unit_of_work

from ..operations import live
from ..schemas.live import LocationSchema, StatusSchema, StatusTextSchema

blueprint = Blueprint("live", __name__)

status_schema = StatusSchema()


@blueprint.get("/events/<event>/tracks/<track>/status")
def get_status(event: str, track: str):
    """A track's live status (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the status, content: {application/json: {schema: TrackStatus}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(status_schema.dump(live.read(uow, event, track)))


def _status_write(event: str, track: str, change) -> object:
    """Check the caller writes the track, apply ``change(uow, at)`` (an operation), commit, dump the status."""
    require_track_writer(principal(), event, track)
    with unit_of_work() as uow:
        row = change(uow, utcnow())
        body = status_schema.dump(row)
        uow.commit()
    return json_response(body)


@blueprint.post("/events/<event>/tracks/<track>/status/now")
def post_now(event: str, track: str):
    """Set what the track discusses now (ptgbot `#TRACK now`): clears `next`; announces the current session.
    ---
    post:
      description: Publishes `status.changed`, and `session.started` for the track's session under way
        (once per session). Chairs of the track and organisers.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: StatusText}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    text = load(StatusTextSchema())["text"]
    return _status_write(event, track, lambda uow, at: live.set_now(uow, event, track, text, at))


@blueprint.post("/events/<event>/tracks/<track>/status/next")
def post_next(event: str, track: str):
    """Append an upcoming topic (ptgbot `#TRACK next`).
    ---
    post:
      description: Chairs of the track and organisers. Publishes `status.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: StatusText}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        409: {description: too many next entries, content: {application/problem+json: {schema: Problem}}}
    """
    text = load(StatusTextSchema())["text"]
    return _status_write(event, track, lambda uow, at: live.add_next(uow, event, track, text, at))


@blueprint.post("/events/<event>/tracks/<track>/status/clean")
def post_clean(event: str, track: str):
    """Empty the track's now and next (ptgbot `#TRACK clean`).
    ---
    post:
      description: Chairs of the track and organisers. Publishes `status.changed` when there was anything.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    return _status_write(event, track, lambda uow, at: live.clean(uow, event, track, at))


@blueprint.put("/events/<event>/tracks/<track>/location")
def put_location(event: str, track: str):
    """Say where the track meets (ptgbot `#TRACK location`); null clears it.
    ---
    put:
      description: Chairs of the track and organisers. Publishes `status.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: TrackLocation}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    text = load(LocationSchema())["text"]
    return _status_write(event, track, lambda uow, at: live.set_location(uow, event, track, text, at))


@blueprint.post("/events/<event>/newday")
def post_new_day(event: str):
    """Start a new day now (ptgbot `~newday`): every track's now and next are emptied.
    ---
    post:
      description: Organisers. The worker does the same at the event's local midnight.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the statuses of the tracks that changed, content: {application/json: {schema: {type: array, items: TrackStatus}}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), "the event's day", event)
    with unit_of_work() as uow:
        cleared = live.new_day(uow, event, utcnow())
        body = status_schema.dump(cleared, many=True)
        uow.commit()
    return json_response(body)
