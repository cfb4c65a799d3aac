"""Notify request, response and event schemas: the one source of the OpenAPI and AsyncAPI documents.

One module per feature area (:mod:`.webhooks`, :mod:`.messages`, :mod:`.suppressions`,
:mod:`.mail_routes`), and :mod:`.consumed`, the events notify reads; this package only merges their
registries (``SCHEMAS``: named components of openapi/notify.yaml, ``EVENTS``: event type -> data
schema for openapi/asyncapi.yaml).
"""
from . import mail_routes, messages, suppressions, webhooks

_SCHEMAS = {**webhooks.SCHEMAS, **messages.SCHEMAS, **mail_routes.SCHEMAS, **suppressions.SCHEMAS}
# The components' order in openapi/notify.yaml, as it was before the schemas were split by feature
# (so the document does not change); a component added later comes after these.
_ORDER = ("Webhook", "WebhookCreated", "Attempt", "Delivery", "Message", "MessageEvent", "WebhookPage", "DeliveryPage",
          "MessagePage", "MailRoute", "WebhookChanges", "RotatedSecret", "RedeliverFailed", "Redelivered",
          "WebhookPing", "Suppression", "SuppressionPage", "Resend")
SCHEMAS = {**{name: _SCHEMAS[name] for name in _ORDER}, **_SCHEMAS}
EVENTS = {**messages.EVENTS, **webhooks.EVENTS}
