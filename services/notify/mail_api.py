"""Notify API, the mail people can rely on (organisers only): the suppression list and sending a
message again. One blueprint (endpoint ``mail.<view>``, operationId ``notify.mail.<view>`` at the
gateway); each route loads with a schema, calls one operation and dumps with a schema."""
from __future__ import annotations

from flask import Blueprint, Response, request

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from .schemas.messages import MessageSchema, ResendSchema
from .schemas.suppressions import SuppressionQuery, SuppressionSchema
from .operations import resend, suppressions

blueprint = Blueprint("mail", __name__)

suppression_schema, message_schema = SuppressionSchema(), MessageSchema()


@blueprint.get("/suppressions")
def list_suppressions():
    """The suppression list, oldest first: addresses that get no personal mail.
    ---
    get:
      parameters:
      - in: query
        schema: SuppressionQuery
      responses:
        200: {description: a page of suppressed addresses, content: {application/json: {schema: SuppressionPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SuppressionQuery())
    with unit_of_work() as uow:
        items, cursor = suppressions.list_suppressions(uow, principal(), query)
        return page(items, suppression_schema, cursor)


@blueprint.post("/suppressions")
def add_suppression():
    """Suppress an address: no personal mail goes to it (list posts still do).
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Suppression}}
      responses:
        201: {description: suppressed, content: {application/json: {schema: Suppression}}}
        400: {description: 'invalid fields (an address that is not one plain user@host, an unknown reason)', content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        409: {description: the address is suppressed already (its entry is kept), content: {application/problem+json: {schema: Problem}}}
    """
    data = load(suppression_schema)
    with unit_of_work() as uow:
        row = suppressions.add_suppression(uow, principal(), data)
        uow.commit()
    return json_response(suppression_schema.dump(row), 201, {"Location": f"/suppressions/{row.address}"})


@blueprint.delete("/suppressions/<path:address>")
def delete_suppression(address: str):
    """Lift a suppression: personal mail goes to the address again (what was suppressed before is
    not sent by itself: resend it).
    ---
    delete:
      parameters:
      - {in: path, name: address, required: true, schema: {type: string}, description: the address (any case)}
      responses:
        204: {description: lifted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: the address is not on the list, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        suppressions.remove_suppression(uow, principal(), address)
        uow.commit()
    return Response(status=204)


@blueprint.post("/messages/<message_id>/resend")
def resend_message(message_id: str):
    """Queue a message again: due now, attempts from zero, the same Message-ID. A message that was
    sent needs `{"force": true}`.
    ---
    post:
      parameters:
      - {in: path, name: message_id, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: Resend}}
      responses:
        202: {description: queued again, content: {application/json: {schema: Message}}}
        400: {description: invalid body, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown message, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'sent already (without force), being sent right now, or personal mail to a suppressed address', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ResendSchema(), {} if not request.get_data() else None)
    with unit_of_work() as uow:
        mail = resend.resend_message(uow, principal(), message_id, force=data["force"])
        uow.commit()
        return json_response(message_schema.dump(mail), 202)
