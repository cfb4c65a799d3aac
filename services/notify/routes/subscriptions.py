"""Webhook subscriptions with their delivery log: subscribe, list, show, delete. Organisers manage
every webhook; an integration manages only its own (owned by its token id; others look absent)."""
from __future__ import annotations

from flask import Response

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import subscriptions
from ..schemas.webhooks import DeliveryQuery, DeliverySchema, WebhookCreatedSchema, WebhookQuery, WebhookSchema
from . import notify_blueprint as blueprint, url_refusal

webhook_schema, created_schema, delivery_schema = WebhookSchema(), WebhookCreatedSchema(), DeliverySchema()


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
    with unit_of_work() as uow:
        row = subscriptions.create_subscription(uow, principal(), data, url_refusal)
        uow.commit()
    return json_response(created_schema.dump(row), 201, {"Location": f"/webhooks/{row.id}"})


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
    with unit_of_work() as uow:
        items, cursor = subscriptions.list_subscriptions(uow, principal(), query)
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
    with unit_of_work() as uow:
        return json_response(webhook_schema.dump(subscriptions.get_subscription(uow, principal(), webhook_id)))


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
    with unit_of_work() as uow:
        subscriptions.delete_subscription(uow, principal(), webhook_id)
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
    with unit_of_work() as uow:
        items, cursor = subscriptions.list_deliveries(uow, principal(), webhook_id, query)
        return page(items, delivery_schema, cursor)
