"""Schemas of operating a webhook: changing it (JSON merge patch), rotating its secret, pinging it,
redelivering what did not get through."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.kit.schemas import StrictSchema

from .schemas import WebhookSchema


class WebhookChangesSchema(WebhookSchema):
    """``PATCH /webhooks/{id}`` (``application/merge-patch+json``): the fields sent change, the
    others stay; ``null`` clears ``event``, ``track`` or ``contact``."""

    description = fields.String(validate=validate.Length(max=2000))  # no default: absent leaves it as it is
    enabled = fields.Boolean(metadata={
        "description": "the active flag: false stops deliveries (they are cancelled); true re-enables a "
                       "disabled webhook and clears its failure state"})


WebhookChanges = WebhookChangesSchema(partial=True, exclude=("secret",))


class RotatedSecretSchema(Schema):
    """A rotated secret: the one response that shows the new one."""

    id = fields.String()
    secret = fields.String(metadata={"description": "the new signing secret; keep it, it is not shown again"})
    previous_secret_until = fields.AwareDateTime(metadata={
        "description": "until then every delivery carries two `v1,` signatures, one per secret"})


class RedeliverFailedSchema(StrictSchema):
    since = fields.AwareDateTime(load_default=None, metadata={
        "description": "only deliveries created at or after this instant (default: all)"})


class RedeliveredSchema(Schema):
    redelivered = fields.Integer(metadata={"description": "how many failed or cancelled deliveries were queued again"})


class WebhookPingSchema(Schema):
    """The data of ``ptghub.notify.webhook.ping``: sent only to the webhook that asked for it, never
    on the exchange."""

    webhook = fields.String(metadata={"description": "the webhook's id"})
    url = fields.String()
    requested_by = fields.String(metadata={"description": "the token id that asked for the ping"})


SCHEMAS = {
    "WebhookChanges": WebhookChanges, "RotatedSecret": RotatedSecretSchema, "RedeliverFailed": RedeliverFailedSchema,
    "Redelivered": RedeliveredSchema, "WebhookPing": WebhookPingSchema,
}
