"""Booking over HTTP (ptgbot's ``#TRACK book|unbook ROOM-SLOT``) and the free room-slots: load,
call :mod:`..operations.booking`, dump."""
from __future__ import annotations

from flask import Blueprint

from services.kit.auth import require_track_writer
from services.kit.web import json_response, load, load_query, principal, unit_of_work

from ..operations import booking
from ..schemas.live import BookingSchema, FreeSlotQuery, FreeSlotSchema, SessionSchema

blueprint = Blueprint("booking", __name__)

session_schema = SessionSchema()
free_slot_schema = FreeSlotSchema()


@blueprint.post("/events/<event>/bookings")
def post_booking(event: str):
    """Book a free room-slot for a track (ptgbot `#TRACK book ROOM-SLOT`).
    ---
    post:
      description: Chairs for their own tracks, organisers for any. The room must be bookable, offer the
        slot and be free then, and the track must not meet elsewhere then. Creates a booked work session
        and publishes `session.scheduled`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Booking}}
      responses:
        201: {description: booked, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: the room-slot is not bookable or taken (`room_slot` names it), content: {application/problem+json: {schema: Problem}}}
        422: {description: unknown slot code, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(BookingSchema())
    require_track_writer(principal(), event, data["track"])
    with unit_of_work() as uow:
        row = booking.book(uow, event, data["track"], data["room"], data["slot"])
        body = session_schema.dump(row)
        uow.commit()
    return json_response(body, 201, {"Location": f"/sessions/{row.id}"})


@blueprint.delete("/events/<event>/bookings/<room>/<slot>")
def delete_booking(event: str, room: str, slot: str):
    """Free a booked room-slot (ptgbot `#TRACK unbook ROOM-SLOT`).
    ---
    delete:
      description: Chairs of the booking's track and organisers; only booked sessions (scheduled ones are
        cancelled through the sessions API). The session is cancelled and `session.cancelled` published.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      - {in: path, name: slot, required: true, schema: {type: string}}
      responses:
        200: {description: the cancelled session, content: {application/json: {schema: Session}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event or room, or the room-slot is not booked', content: {application/problem+json: {schema: Problem}}}
        409: {description: the room-slot holds a scheduled (not booked) session, content: {application/problem+json: {schema: Problem}}}
        422: {description: unknown slot code, content: {application/problem+json: {schema: Problem}}}
    """
    who = principal()
    with unit_of_work() as uow:
        body = session_schema.dump(booking.unbook(uow, event, room, slot, principal=who))
        uow.commit()
    return json_response(body)


@blueprint.get("/events/<event>/free-slots")
def get_free_slots(event: str):
    """Room-slots free to book, by start time and room (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: FreeSlotQuery
      responses:
        200: {description: a page of free room-slots, content: {application/json: {schema: FreeSlotPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(FreeSlotQuery())
    with unit_of_work() as uow:
        found = booking.free_slots(uow, event, query)
    return json_response({"items": free_slot_schema.dump(found["items"], many=True),
                          "next_cursor": found["next_cursor"]})
