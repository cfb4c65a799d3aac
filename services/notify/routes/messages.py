"""The outgoing mail log and sending a message again (organisers only). The log's views are
``notify.<view>``, the resend ``mail.<view>`` (the blueprints they were published under)."""
from __future__ import annotations

from flask import request

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import messages, resend
from ..schemas.messages import MessageQuery, MessageSchema, ResendSchema
from . import mail_blueprint, notify_blueprint as blueprint

message_schema = MessageSchema()


@blueprint.get("/messages")
def list_messages():
    """The outgoing mail log, oldest first (organisers only).
    ---
    get:
      parameters:
      - in: query
        schema: MessageQuery
      responses:
        200: {description: a page of messages, content: {application/json: {schema: MessagePage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(MessageQuery())
    with unit_of_work() as uow:
        items, cursor = messages.list_messages(uow, principal(), query)
        return page(items, message_schema, cursor)


@blueprint.get("/messages/<message_id>")
def get_message(message_id: str):
    """One outgoing message's state (organisers only).
    ---
    get:
      parameters:
      - {in: path, name: message_id, required: true, schema: {type: string}}
      responses:
        200: {description: the message, content: {application/json: {schema: Message}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown message, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(message_schema.dump(messages.get_message(uow, principal(), message_id)))


@mail_blueprint.post("/messages/<message_id>/resend")
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
