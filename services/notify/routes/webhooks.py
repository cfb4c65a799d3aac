"""Operating a webhook: change it (merge patch), ping it, rotate its secret, redeliver. An
integration operates only its own webhooks (another's is a 404); organisers operate every one.
The URL checks and the rotation grace are the api's settings (:func:`services.notify.routes.settings`)."""
from __future__ import annotations

from flask import Blueprint, request

from services.kit.web import json_response, load, principal, unit_of_work

from ..operations import deliveries, subscriptions
from ..schemas.webhooks import (DeliverySchema, RedeliverFailedSchema, RedeliveredSchema, RotatedSecretSchema,
                               WebhookChanges, WebhookSchema)
from . import settings, url_refusal

blueprint = Blueprint("webhooks", __name__)

webhook_schema, delivery_schema = WebhookSchema(), DeliverySchema()


@blueprint.patch("/webhooks/<webhook_id>")
def update_webhook(webhook_id: str):
    """Change a webhook (JSON merge patch: the fields sent change; null clears event, track, contact).
    ---
    patch:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/merge-patch+json: {schema: WebhookChanges}
          application/json: {schema: WebhookChanges}
      responses:
        200: {description: the webhook as it is now, content: {application/json: {schema: Webhook}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
        409: {description: 're-enabling a webhook whose owner token was revoked', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'the URL is not public, or a pattern matches no known event type', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(WebhookChanges)
    with unit_of_work() as uow:
        row = subscriptions.update_subscription(uow, principal(), webhook_id, changes, url_refusal)
        uow.commit()
        return json_response(webhook_schema.dump(row))


@blueprint.post("/webhooks/<webhook_id>/ping")
def ping_webhook(webhook_id: str):
    """Send the webhook a `ptghub.notify.webhook.ping` now (signed, logged and retried like any delivery).
    ---
    post:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      responses:
        202: {description: 'the ping, queued; its log shows how it went', content: {application/json: {schema: Delivery}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
        409: {description: the webhook is disabled, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        delivery = deliveries.ping(uow, principal(), webhook_id)
        uow.commit()
        return json_response(delivery_schema.dump(delivery), 202)


@blueprint.post("/webhooks/<webhook_id>/rotate-secret")
def rotate_secret(webhook_id: str):
    """A new signing secret; deliveries carry a signature with each of the two secrets for the grace period (PTGHUB_WEBHOOK_ROTATION_GRACE, 24 h).
    ---
    post:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      responses:
        200: {description: the new secret, shown only here, content: {application/json: {schema: RotatedSecret}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        row = subscriptions.rotate_secret(uow, principal(), webhook_id, settings().webhook_rotation_grace)
        uow.commit()
        return json_response(RotatedSecretSchema().dump(row))


@blueprint.post("/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver")
def redeliver(webhook_id: str, delivery_id: str):
    """Send one delivery again now, with the same webhook-id and body.
    ---
    post:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      - {in: path, name: delivery_id, required: true, schema: {type: string}}
      responses:
        202: {description: queued again, content: {application/json: {schema: Delivery}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours) or delivery, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the webhook is disabled, or the delivery is being sent at this moment', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        delivery = deliveries.redeliver(uow, principal(), webhook_id, delivery_id)
        uow.commit()
        return json_response(delivery_schema.dump(delivery), 202)


@blueprint.post("/webhooks/<webhook_id>/redeliver-failed")
def redeliver_failed(webhook_id: str):
    """Send again every failed or cancelled delivery of the webhook (each with its own webhook-id).
    ---
    post:
      parameters:
      - {in: path, name: webhook_id, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: RedeliverFailed}}
      responses:
        202: {description: how many were queued again, content: {application/json: {schema: Redelivered}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor integration, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown webhook (or not yours), content: {application/problem+json: {schema: Problem}}}
        409: {description: the webhook is disabled, content: {application/problem+json: {schema: Problem}}}
    """
    query = load(RedeliverFailedSchema(), None if request.get_data() else {})
    with unit_of_work() as uow:
        count = deliveries.redeliver_failed(uow, principal(), webhook_id, query["since"])
        uow.commit()
    return json_response(RedeliveredSchema().dump({"redelivered": count}), 202)
