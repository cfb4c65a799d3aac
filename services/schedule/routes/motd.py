"""The message of the day over HTTP (ptgbot's ``~motd``): load, call :mod:`..operations.motd`, dump.
Organisers write it; reads are public."""
from __future__ import annotations

from flask import Blueprint

from services.kit.auth import require_organiser
from services.kit.web import json_response, load, principal, unit_of_work

from ..operations import motd
from ..schemas.live import MotdListSchema, MotdNewSchema, MotdOrderSchema

blueprint = Blueprint("motd", __name__)

motd_list_schema = MotdListSchema()


@blueprint.get("/events/<event>/motd")
def get_motd(event: str):
    """The message of the day, top first (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the messages, content: {application/json: {schema: MotdList}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(motd_list_schema.dump(motd.read(uow, event)))


def _motd_write(event: str, change, status: int = 200):
    """Organisers only: apply ``change(uow)`` (an operation), commit, dump the list."""
    require_organiser(principal(), "the message of the day", event)
    with unit_of_work() as uow:
        body = motd_list_schema.dump(change(uow))
        uow.commit()
    return json_response(body, status)


@blueprint.post("/events/<event>/motd")
def post_motd(event: str):
    """Add a message at the bottom (ptgbot `~motd add LEVEL MESSAGE`).
    ---
    post:
      description: Organisers. Publishes `motd.changed` with the whole ordered list.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: MotdNew}}
      responses:
        201: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(MotdNewSchema())
    return _motd_write(event, lambda uow: motd.add(uow, event, data["level"], data["message"]), 201)


@blueprint.delete("/events/<event>/motd/<motd_id>")
def delete_motd(event: str, motd_id: str):
    """Remove one message (ptgbot `~motd del N`).
    ---
    delete:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: motd_id, required: true, schema: {type: string}}
      responses:
        200: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or message, content: {application/problem+json: {schema: Problem}}}
    """
    return _motd_write(event, lambda uow: motd.remove(uow, event, motd_id))


@blueprint.put("/events/<event>/motd/order")
def put_motd_order(event: str):
    """Reorder the messages (ptgbot `~motd reorder X Y ...`); messages left out are removed.
    ---
    put:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: MotdOrder}}
      responses:
        200: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        422: {description: an unknown or repeated id, content: {application/problem+json: {schema: Problem}}}
    """
    ids = load(MotdOrderSchema())["ids"]
    return _motd_write(event, lambda uow: motd.reorder(uow, event, ids))


@blueprint.delete("/events/<event>/motd")
def delete_all_motd(event: str):
    """Remove every message (ptgbot `~motd clean`).
    ---
    delete:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the (empty) messages, content: {application/json: {schema: MotdList}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _motd_write(event, lambda uow: motd.clear(uow, event))
