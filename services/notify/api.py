"""Notify API: webhook subscriptions with their delivery log, and the outgoing mail log.

Handlers load with a schema, apply the domain's rules through the store and dump with a schema.
Organisers manage every webhook; an integration manages only its own (others look absent).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Response

from services.kit.auth import INTEGRATION, ORGANISER, is_organiser, require_role
from services.kit.problems import Invalid, Problem
from services.kit.schemas import paginate
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import dispatch, domain, store
from .schemas import (DeliveryQuery, DeliverySchema, MessageQuery, MessageSchema, WebhookCreatedSchema,
                      WebhookQuery, WebhookSchema)

blueprint = Blueprint("notify", __name__)

webhook_schema, created_schema = WebhookSchema(), WebhookCreatedSchema()
delivery_schema, message_schema = DeliverySchema(), MessageSchema()


def by_creation(model):
    """Keyset pagination by (created_at, id), oldest first."""
    return dict(keys=[model.created_at, model.id], key_of=lambda r: [r.created_at.isoformat(), r.id],
                parse=_creation_cursor)


def _creation_cursor(values: list) -> list:
    try:
        return [datetime.fromisoformat(values[0]), str(values[1])]
    except (TypeError, ValueError) as exc:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]}) from exc


def webhook_owner() -> str | None:
    """Who may manage webhooks: organisers (every webhook: None) and integrations (their own: their sub)."""
    who = principal()
    require_role(who, ORGANISER, INTEGRATION)
    return None if is_organiser(who) else who.get("sub")


@blueprint.post("/webhooks")
def create_webhook():
    """Subscribe an endpoint to events (Standard Webhooks v1 signed POSTs).
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Webhook}}
      responses:
        201: {description: subscribed; the only response that shows the secret, content: {application/json: {schema: WebhookCreated}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'the URL resolves to a loopback, private, link-local or metadata address', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(webhook_schema)
    webhook_owner()
    refusal = dispatch.url_refusal(data["url"], dispatch.Config.load().webhook_allow)
    if refusal:
        raise Invalid("url", refusal)
    with unit_of_work() as uow:
        row = store.WebhookSubscription(owner=principal().get("sub") or "anonymous", url=data["url"],
                                        secret=data.get("secret") or domain.new_secret(),
                                        event_types=data["event_types"], description=data["description"],
                                        enabled=True)
        uow.session.add(row)
        uow.session.flush()
        body = created_schema.dump(row)
        uow.commit()
    return json_response(body, 201, {"Location": f"/webhooks/{row.id}"})


@blueprint.get("/webhooks")
def list_webhooks():
    """List webhooks, oldest first (an integration sees its own only).
    ---
    get:
      parameters:
      - in: query
        schema: WebhookQuery
      responses:
        200: {description: a page of webhooks, content: {application/json: {schema: WebhookPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(WebhookQuery())
    owner = webhook_owner()
    model = store.WebhookSubscription
    statement = sa.select(model)
    if owner is not None or "owner" in query:
        statement = statement.where(model.owner == (owner if owner is not None else query["owner"]))
    if "enabled" in query:
        statement = statement.where(model.enabled.is_(query["enabled"]))
    with unit_of_work() as uow:
        items, cursor = paginate(uow.session, statement, limit=query["limit"], cursor=query["cursor"],
                                 **by_creation(model))
        return page(items, webhook_schema, cursor)


@blueprint.get("/webhooks/<webhook_id>")
def get_webhook(webhook_id: str):
    """One webhook (without its secret).
    ---
    get:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      responses:
        200: {description: the webhook, content: {application/json: {schema: Webhook}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
    """
    owner = webhook_owner()
    with unit_of_work() as uow:
        return json_response(webhook_schema.dump(store.get_subscription(uow.session, webhook_id, owner)))


@blueprint.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str):
    """Unsubscribe: the webhook, its pending deliveries and its delivery log go.
    ---
    delete:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      responses:
        204: {description: deleted}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
    """
    owner = webhook_owner()
    with unit_of_work() as uow:
        row = store.get_subscription(uow.session, webhook_id, owner)
        uow.session.execute(sa.delete(store.WebhookDelivery).where(store.WebhookDelivery.subscription_id == row.id))
        uow.session.delete(row)
        uow.commit()
    return Response(status=204)


@blueprint.get("/webhooks/<webhook_id>/deliveries")
def list_deliveries(webhook_id: str):
    """A webhook's delivery log, oldest first: status, attempts, last answer, next attempt.
    ---
    get:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      - in: query
        schema: DeliveryQuery
      responses:
        200: {description: a page of deliveries, content: {application/json: {schema: DeliveryPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DeliveryQuery())
    owner = webhook_owner()
    model = store.WebhookDelivery
    with unit_of_work() as uow:
        subscription = store.get_subscription(uow.session, webhook_id, owner)
        statement = sa.select(model).where(model.subscription_id == subscription.id)
        if "status" in query:
            statement = statement.where(model.status == query["status"])
        items, cursor = paginate(uow.session, statement, limit=query["limit"], cursor=query["cursor"],
                                 **by_creation(model))
        return page(items, delivery_schema, cursor)


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
    require_role(principal(), ORGANISER)
    model = store.OutgoingMail
    statement = sa.select(model)
    if "status" in query:
        statement = statement.where(model.status == query["status"])
    if "recipient" in query:
        statement = statement.where(model.recipient == query["recipient"])
    with unit_of_work() as uow:
        items, cursor = paginate(uow.session, statement, limit=query["limit"], cursor=query["cursor"],
                                 **by_creation(model))
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
    require_role(principal(), ORGANISER)
    with unit_of_work() as uow:
        return json_response(message_schema.dump(store.get_mail(uow.session, message_id)))
