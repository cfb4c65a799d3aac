"""Routes of sessions: ``/events/{event}/sessions``, ``/sessions/{id}`` and an event's conflicts.

Session listings answer with a weak ETag and keep their rendered pages (:data:`SESSION_PAGES`):
every write to an event bumps its version, so the version and the query name one exact page.
"""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, request

from services.kit.cache import RenderCache, versioned
from services.kit.web import json_response, load, load_query, principal, unit_of_work

from ..operations import sessions
from ..schemas.gathering import ConflictListSchema, SessionChanges, SessionQuery, SessionSchema

blueprint = Blueprint("sessions", __name__)

SESSION_PAGES = RenderCache(max_entries=256, max_bytes=32 * 1024 * 1024)

session_schema, conflict_list_schema = SessionSchema(), ConflictListSchema()


def _cached_page(uow, listing: sessions.SessionListing) -> Response:
    """The listing's page: 304 when the client holds it, else the rendering cached for this
    database, event version and query (rendered now when there is none)."""
    tag = (f"{listing.event.id}-{listing.event.version}-sessions-"
           f"{hashlib.sha1(request.query_string).hexdigest()[:16]}")

    def render() -> bytes:
        items, cursor = listing.page()
        return json.dumps({"items": session_schema.dump(items, many=True), "next_cursor": cursor},
                          default=str).encode()

    return versioned(SESSION_PAGES, (uow.database.url, tag), tag, render)


@blueprint.post("/events/<event>/sessions")
def create_session(event: str):
    """Schedule a session of a track in a room, at start/end or in consecutive `slots` of the grid.

    Organisers, or a chair of the session's track. A room holds one session at a time; a track in
    two rooms at once or a moderator in two places at once is refused unless `allow_conflict`
    (which only organisers set) is true on either session.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Session}}
      responses:
        201: {description: scheduled, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or allow_conflict set by a non-organiser', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the room, the track or a moderator is taken then; the problem names the other session (conflicting_session)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'times break a rule (end before start, outside the event), unknown or non-consecutive slots', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(session_schema)
    with unit_of_work() as uow:
        row = sessions.create_session(uow, principal(), event, data)
        uow.commit()
        return json_response(session_schema.dump(row), 201, {"Location": f"/sessions/{row.id}"})


@blueprint.get("/events/<event>/sessions")
def list_sessions(event: str):
    """List an event's sessions by start time, filtered by track, room, day, kind or status.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SessionQuery
      responses:
        200: {description: 'a page of sessions; weak ETag, revalidate with If-None-Match', content: {application/json: {schema: SessionPage}}}
        304: {description: the copy named by If-None-Match is current}
        400: {description: 'invalid filter or cursor', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SessionQuery())
    with unit_of_work() as uow:
        return _cached_page(uow, sessions.list_sessions(uow, event, query))


@blueprint.get("/sessions/<session_id>")
def get_session(session_id: str):
    """One session.
    ---
    get:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        200: {description: the session, content: {application/json: {schema: Session}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(session_schema.dump(sessions.get_session(uow, session_id)))


@blueprint.patch("/sessions/<session_id>")
def update_session(session_id: str):
    """Change some fields of a session (send only those); every rule is checked again.

    Organisers, or a chair of the session's track (and of the new track when it moves). Setting
    `status` to cancelled publishes `session.cancelled`, any other change `session.updated`; a change
    of time, room, status or title grows `sequence`. New `start`/`end` drop the session's slot codes;
    new `slots` set its times.
    ---
    patch:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: SessionChanges}}
      responses:
        200: {description: the session as it is now, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, or allow_conflict changed by a non-organiser', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown session, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the room, the track or a moderator is taken then; the problem names the other session', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'times break a rule, unknown or non-consecutive slots', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(SessionChanges)
    with unit_of_work() as uow:
        row = sessions.update_session(uow, principal(), session_id, changes)
        uow.commit()
        return json_response(session_schema.dump(row))


@blueprint.post("/sessions/<session_id>/cancel")
def cancel_session(session_id: str):
    """Cancel a session (as PATCH with status cancelled); cancelling a cancelled session changes nothing.
    ---
    post:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        200: {description: the cancelled session, content: {application/json: {schema: Session}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        row = sessions.cancel_session(uow, principal(), session_id)
        uow.commit()
        return json_response(session_schema.dump(row))


@blueprint.delete("/sessions/<session_id>")
def delete_session(session_id: str):
    """Delete a session (`session.deleted` carries it as it was). Organisers, or a chair of its track.
    ---
    delete:
      parameters:
      - {in: path, name: session_id, required: true, schema: {type: string}}
      responses:
        204: {description: deleted}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown session, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        sessions.delete_session(uow, principal(), session_id)
        uow.commit()
    return Response(status=204)


@blueprint.get("/events/<event>/conflicts")
def list_conflicts(event: str):
    """Every clash between sessions of the event that is not cancelled: a track in two rooms at once,
    or a moderator in two places at once (accepted through `allow_conflict`), with the reason.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the clashes in time order, content: {application/json: {schema: ConflictList}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(conflict_list_schema.dump({"items": sessions.list_conflicts(uow, event)}))
