"""Actions request, response and event schemas: the one source of the OpenAPI and AsyncAPI documents.

One module per feature area; this package only merges their registries (``SCHEMAS``: named
components of openapi/actions.yaml, ``EVENTS``: event type -> data schema for openapi/asyncapi.yaml).
"""
from . import actions, links

SCHEMAS = {**actions.SCHEMAS, **links.SCHEMAS}
EVENTS = {**actions.EVENTS}
