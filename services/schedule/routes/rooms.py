"""Routes of an event's rooms: ``/events/{event}/rooms``."""
from __future__ import annotations

from flask import Blueprint, Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import rooms
from ..schemas.gathering import DeleteQuery, RoomChanges, RoomSchema

blueprint = Blueprint("rooms", __name__)

room_schema = RoomSchema()


@blueprint.post("/events/<event>/rooms")
def create_room(event: str):
    """Add a room to an event. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Room}}
      responses:
        201: {description: created, content: {application/json: {schema: Room}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: slug taken, content: {application/problem+json: {schema: Problem}}}
        422: {description: offered_slots names a slot not in the grid, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(room_schema)
    with unit_of_work() as uow:
        row = rooms.create_room(uow, principal(), event, data)
        uow.commit()
        return json_response(room_schema.dump(row), 201, {"Location": f"/events/{event}/rooms/{row.slug}"})


@blueprint.get("/events/<event>/rooms")
def list_rooms(event: str):
    """List an event's rooms, by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of rooms, content: {application/json: {schema: RoomPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = rooms.list_rooms(uow, event, query)
        return page(items, room_schema, cursor)


@blueprint.get("/events/<event>/rooms/<room>")
def get_room(event: str, room: str):
    """One room.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      responses:
        200: {description: the room, content: {application/json: {schema: Room}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(room_schema.dump(rooms.get_room(uow, event, room)))


@blueprint.patch("/events/<event>/rooms/<room>")
def update_room(event: str, room: str):
    """Change some fields of a room (send only those; the slug stays). Organisers only.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: RoomChanges}}
      responses:
        200: {description: the room as it is now, content: {application/json: {schema: Room}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
        422: {description: offered_slots names a slot not in the grid, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(RoomChanges)
    with unit_of_work() as uow:
        row = rooms.update_room(uow, principal(), event, room, changes)
        uow.commit()
        return json_response(room_schema.dump(row))


@blueprint.delete("/events/<event>/rooms/<room>")
def delete_room(event: str, room: str):
    """Delete a room. Organisers only; a room holding sessions needs `cascade=true` (deletes them).
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      - in: query
        schema: DeleteQuery
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or room, content: {application/problem+json: {schema: Problem}}}
        409: {description: the room holds sessions and cascade is not set, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DeleteQuery())
    with unit_of_work() as uow:
        rooms.delete_room(uow, principal(), event, room, query["cascade"])
        uow.commit()
    return Response(status=204)
