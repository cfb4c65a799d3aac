"""Routes of an event's slot grid: ``/events/{event}/slots``."""
from __future__ import annotations

from flask import Blueprint, Response

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import grid
from ..schemas.gathering import SlotGridSchema, SlotQuery, SlotSchema

blueprint = Blueprint("grid", __name__)

slot_schema, grid_schema = SlotSchema(), SlotGridSchema()


@blueprint.post("/events/<event>/slots")
def create_slot(event: str):
    """Add a named time slot to the event's grid (ptgbot's `MonA1` = Monday 09:00-10:45). Organisers only.

    `start` and `end` are local times of `day` in the event's timezone. Slots may overlap.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Slot}}
      responses:
        201: {description: added; slot.changed carries the whole grid, content: {application/json: {schema: Slot}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: code taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'day outside the event, end not after start, a time the clock skips', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(slot_schema)
    with unit_of_work() as uow:
        row = grid.create_slot(uow, principal(), event, data)
        uow.commit()
        return json_response(slot_schema.dump(row), 201, {"Location": f"/events/{event}/slots/{row.code}"})


@blueprint.put("/events/<event>/slots")
def replace_slots(event: str):
    """Replace the event's whole slot grid. Organisers only.

    Slots keep their code; a slot that scheduled sessions were placed in (their `slots`) may not
    disappear or change its times. Rooms stop offering slots that left the grid. Sending the grid
    it already has changes nothing and publishes nothing.
    ---
    put:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: SlotGrid}}
      responses:
        200: {description: the grid as it is now, content: {application/json: {schema: SlotGrid}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: a slot in use by a session would go or move; the problem names it, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a duplicate code, a day outside the event, end not after start (field slots.<i>.<name>)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(grid_schema)
    with unit_of_work() as uow:
        row = grid.replace_slots(uow, principal(), event, data)
        uow.commit()
        return json_response(grid_schema.dump(row))


@blueprint.get("/events/<event>/slots")
def list_slots(event: str):
    """List the event's slot grid in time order, optionally one day's.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SlotQuery
      responses:
        200: {description: a page of slots, content: {application/json: {schema: SlotPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SlotQuery())
    with unit_of_work() as uow:
        items, cursor = grid.list_slots(uow, event, query)
        return page(items, slot_schema, cursor)


@blueprint.get("/events/<event>/slots/<code>")
def get_slot(event: str, code: str):
    """One slot of the grid.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: code, required: true, schema: {type: string}}
      responses:
        200: {description: the slot, content: {application/json: {schema: Slot}}}
        404: {description: unknown event or slot, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(slot_schema.dump(grid.get_slot(uow, event, code)))


@blueprint.delete("/events/<event>/slots/<code>")
def delete_slot(event: str, code: str):
    """Remove a slot from the grid. Organisers only; refused while scheduled sessions are placed in it.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: code, required: true, schema: {type: string}}
      responses:
        204: {description: removed; slot.changed carries the whole grid}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or slot, content: {application/problem+json: {schema: Problem}}}
        409: {description: a session is placed in the slot; the problem names it, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        grid.delete_slot(uow, principal(), event, code)
        uow.commit()
    return Response(status=204)
