"""Routes of events: ``/events`` and ``/events/{event}``."""
from __future__ import annotations

from flask import Blueprint, Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import events
from ..schemas.gathering import DeleteQuery, EventChanges, EventSchema

blueprint = Blueprint("events", __name__)

event_schema = EventSchema()


@blueprint.post("/events")
def create_event():
    """Create an event (a gathering). Organisers only.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Event}}
      responses:
        201: {description: created, content: {application/json: {schema: Event}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: end_date before start_date, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(event_schema)
    with unit_of_work() as uow:
        row = events.create_event(uow, principal(), data)
        uow.commit()
        return json_response(event_schema.dump(row), 201, {"Location": f"/events/{row.slug}"})


@blueprint.get("/events")
def list_events():
    """List events, by slug.
    ---
    get:
      parameters:
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of events, content: {application/json: {schema: EventPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = events.list_events(uow, query)
        return page(items, event_schema, cursor)


@blueprint.get("/events/<event>")
def get_event(event: str):
    """One event.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the event, content: {application/json: {schema: Event}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(event_schema.dump(events.get_event(uow, event)))


@blueprint.patch("/events/<event>")
def update_event(event: str):
    """Change some fields of an event (send only those; the slug stays). Organisers only.

    New dates must still hold every session and slot. A new timezone keeps the wall-clock times:
    slots and sessions move so that 09:00 stays 09:00 in the new zone (each session's
    `session.updated` is published, and `slot.changed`).
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: EventChanges}}
      responses:
        200: {description: the event as it is now, content: {application/json: {schema: Event}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'a session or slot would lie outside the new dates; the problem names it', content: {application/problem+json: {schema: Problem}}}
        422: {description: end_date before start_date, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(EventChanges)
    with unit_of_work() as uow:
        row = events.update_event(uow, principal(), event, changes)
        uow.commit()
        return json_response(event_schema.dump(row))


@blueprint.delete("/events/<event>")
def delete_event(event: str):
    """Delete an event. Organisers only; one that holds anything needs `cascade=true`.

    With cascade, each session, track and room gets its own `deleted` event before the event's.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the event holds rooms, tracks, slots or sessions and cascade is not set', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DeleteQuery())
    with unit_of_work() as uow:
        events.delete_event(uow, principal(), event, query["cascade"])
        uow.commit()
    return Response(status=204)
