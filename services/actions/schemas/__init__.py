"""Actions request, response and event schemas: the one source of the OpenAPI and AsyncAPI documents.

One module per feature area; this package only merges their registries (``SCHEMAS``: named
components of openapi/actions.yaml, ``EVENTS``: event type -> data schema for openapi/asyncapi.yaml).
"""
from . import actions, links, people, reminders

SCHEMAS = {**actions.SCHEMAS, **people.SCHEMAS, **reminders.SCHEMAS, **links.SCHEMAS}
EVENTS = {**actions.EVENTS, **reminders.EVENTS}
